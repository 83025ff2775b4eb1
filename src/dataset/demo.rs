//! The demo content loaded into a brand-new database: a `Health` tree, three (fictional) people,
//! four tags and three published articles with their authors, medical review, references and
//! tags.

use crate::changes::model as changes;
use crate::dataset::import::{import_from, ImportOptions};
use crate::dataset::Layout;
use crate::db::schema::categories;
use crate::db::Database;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The demo set, in the data-set format (`categories` with `parent_slug`, `people`, `tags`,
/// `articles` with `category_slug`, `author_slugs`, `reviewer_slug` and `tag_slugs`).
const DEMO_JSON: &str = include_str!("demo.json");

/// Loads the demo content in one transaction; returns how many articles it added.
pub fn load(db: &Database, now: NaiveDateTime) -> anyhow::Result<usize> {
    let summary = import_from(
        db,
        DEMO_JSON.as_bytes(),
        DEMO_JSON.len() as u64,
        Layout::Document,
        ImportOptions::default(),
        now,
    )?;
    Ok(summary.articles)
}

/// True when nothing has ever been written to the database's content: no category and no entry
/// in the changes log. A database only migrated (`healthhub migrate`) or only holding tokens
/// (`healthhub token create` run before the first `serve`) still gets the demo content; one
/// whose content was all deleted does not get it back.
pub fn untouched(db: &Database) -> anyhow::Result<bool> {
    db.read_blocking(|conn| {
        let has_categories: bool = diesel::select(diesel::dsl::exists(
            categories::table.select(categories::id),
        ))
        .get_result(conn)?;
        Ok(!has_categories && changes::last_seq(conn)? == 0)
    })
}

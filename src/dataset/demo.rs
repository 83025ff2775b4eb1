//! The demo content loaded into a brand-new database: a `Health` tree and three published articles.

use crate::dataset::import::{import_from, ImportOptions};
use crate::dataset::Layout;
use crate::db::Database;
use chrono::NaiveDateTime;

/// The demo set, in the data-set format (`categories` with `parent_slug`, `articles` with `category_slug`).
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

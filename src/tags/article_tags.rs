//! The tags an article carries, in the order its writer gave, stored beside the article in
//! `article_tags` and written with it like its sections.

use crate::db::by_ids::load_by_ids;
use crate::db::schema::{article_tags, tags};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::support::validate::Checks;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Most tags an article may carry.
pub const MAX_TAGS: usize = 20;

/// Records what is wrong with an article's `tags` (ids) by themselves: at most [`MAX_TAGS`],
/// each listed once.
pub fn check(checks: &mut Checks, tags: &[i32]) {
    checks.id_list("tags", tags, MAX_TAGS, "tag");
}

/// The tag ids of `article_id`, in order.
pub fn of(conn: &mut DbConn, article_id: i32) -> QueryResult<Vec<i32>> {
    Ok(of_articles(conn, &[article_id])?
        .remove(&article_id)
        .unwrap_or_default())
}

/// The tag ids of each of `article_ids`, in order (an article without tags is absent).
pub fn of_articles(conn: &mut DbConn, article_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<i32>>> {
    let rows: Vec<(i32, i32)> = load_by_ids!(
        article_tags::table
            .order((article_tags::article_id, article_tags::position))
            .select((article_tags::article_id, article_tags::tag_id)),
        article_tags::article_id,
        article_ids,
        conn
    )?;
    let mut carried: HashMap<i32, Vec<i32>> = HashMap::new();
    for (article, tag) in rows {
        carried.entry(article).or_default().push(tag);
    }
    Ok(carried)
}

/// Makes `tags` (checked alone) those of `article_id`; returns whether they changed. Every tag
/// must exist (409 on `tags[i]` otherwise).
pub fn write(conn: &mut DbConn, article_id: i32, tags: &[i32]) -> ApiResult<bool> {
    if of(conn, article_id)? == tags {
        return Ok(false);
    }
    store(conn, article_id, tags)?;
    Ok(true)
}

/// Stores `tags` as those of `article_id` like [`write`], without first comparing them with the
/// stored ones (for a caller that has). Errors: as [`write`]'s.
pub fn store(conn: &mut DbConn, article_id: i32, ids: &[i32]) -> ApiResult<()> {
    let existing: Vec<i32> = load_by_ids!(tags::table.select(tags::id), tags::id, ids, conn)?;
    let unknown: Vec<FieldError> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !existing.contains(id))
        .map(|(i, id)| FieldError::new(format!("tags[{i}]"), format!("no tag has id {id}")))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::StateConflict(unknown));
    }
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id)))
        .execute(conn)?;
    for (position, tag) in (1..).zip(ids) {
        diesel::insert_into(article_tags::table)
            .values((
                article_tags::article_id.eq(article_id),
                article_tags::tag_id.eq(*tag),
                article_tags::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A tag as an article shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"id": 2, "slug": "sleep", "name": "Sleep"}))]
pub struct TagRef {
    pub id: i32,
    pub slug: String,
    pub name: String,
}

/// The tags of `article_ids` with their names, in order (one query, tags joined in).
pub fn shown(conn: &mut DbConn, article_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<TagRef>>> {
    let rows: Vec<(i32, i32, String, String)> = load_by_ids!(
        article_tags::table
            .inner_join(tags::table)
            .order((article_tags::article_id, article_tags::position))
            .select((article_tags::article_id, tags::id, tags::slug, tags::name)),
        article_tags::article_id,
        article_ids,
        conn
    )?;
    let mut shown: HashMap<i32, Vec<TagRef>> = HashMap::new();
    for (article, id, slug, name) in rows {
        shown
            .entry(article)
            .or_default()
            .push(TagRef { id, slug, name });
    }
    Ok(shown)
}

/// How many articles carry `tag_id`.
pub fn uses_of(conn: &mut DbConn, tag_id: i32) -> QueryResult<i64> {
    article_tags::table
        .filter(article_tags::tag_id.eq(tag_id))
        .count()
        .get_result(conn)
}

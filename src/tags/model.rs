//! The `tags` table: topics found by id, slug or old slug, written as whole content values (a
//! write that changes nothing is a no-op), counted by the published articles that carry them.

use super::input::{CreateTag, UpdateTag};
use crate::articles::status;
use crate::db::redirects::{self, SlugKind};
use crate::db::schema::{article_tags, articles, tags};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::support::key::Key;
use crate::support::slug;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// A row of `tags`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tags, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TagRow {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The writable columns of a tag, all of them: a write stores the whole merged value.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset, Insertable)]
#[diesel(table_name = tags)]
pub struct TagContent {
    pub slug: String,
    pub name: String,
    pub description: String,
}

impl TagContent {
    /// The content of `name` and `description` (the name trimmed) under `slug`.
    fn new(slug: String, name: &str, description: &str) -> Self {
        Self {
            slug,
            name: name.trim().to_owned(),
            description: description.to_owned(),
        }
    }
}

impl From<&TagRow> for TagContent {
    fn from(row: &TagRow) -> Self {
        Self {
            slug: row.slug.clone(),
            name: row.name.clone(),
            description: row.description.clone(),
        }
    }
}

impl UpdateTag {
    /// `stored` with these changes applied (a checked request: required fields are not null).
    pub fn merged_onto(&self, stored: &TagRow) -> TagContent {
        let kept = |change: &Option<Option<String>>, stored: &str| match change {
            Some(Some(value)) => value.clone(),
            _ => stored.to_owned(),
        };
        let description = match &self.description {
            Some(value) => value.clone().unwrap_or_default(),
            None => stored.description.clone(),
        };
        TagContent::new(
            kept(&self.slug, &stored.slug),
            &kept(&self.name, &stored.name),
            &description,
        )
    }
}

/// The tag named by `key` (id or current slug), if any.
pub fn find(conn: &mut DbConn, key: &Key) -> QueryResult<Option<TagRow>> {
    let query = tags::table.select(TagRow::as_select());
    match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.find(id).get_result(conn).optional(),
            Err(_) => Ok(None),
        },
        Key::Unmatchable(_) => Ok(None),
        Key::Slug(slug) => query
            .filter(tags::slug.eq(slug))
            .get_result(conn)
            .optional(),
    }
}

/// The tag `key` names (id, slug or old slug), else a 404 that echoes only `key`.
pub fn get(conn: &mut DbConn, key: &Key) -> ApiResult<TagRow> {
    redirects::follow(conn, SlugKind::Tag, key, find)?
        .ok_or_else(|| ApiError::not_found("tag", key))
}

/// Up to `limit` tags with ids above `after`, in id order.
pub fn page(conn: &mut DbConn, after: i32, limit: i64) -> QueryResult<Vec<TagRow>> {
    tags::table
        .filter(tags::id.gt(after))
        .order(tags::id)
        .limit(limit)
        .select(TagRow::as_select())
        .load(conn)
}

/// How many articles anonymous readers can see at `now` carry each of `ids` (tags none carry
/// are absent).
pub fn public_counts(
    conn: &mut DbConn,
    ids: &[i32],
    now: NaiveDateTime,
) -> QueryResult<HashMap<i32, i64>> {
    let counts: Vec<(i32, i64)> = article_tags::table
        .inner_join(articles::table)
        .filter(article_tags::tag_id.eq_any(ids))
        .filter(status::public_at(now))
        .group_by(article_tags::tag_id)
        .select((article_tags::tag_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

/// Creates a tag from a checked request; a given slug must be free (409).
pub fn create(conn: &mut DbConn, request: &CreateTag, now: NaiveDateTime) -> ApiResult<TagRow> {
    let slug = slug::resolve("tag", request.slug.as_deref(), &request.name, |taken| {
        slug_taken(conn, taken, None)
    })?;
    let content = TagContent::new(slug, &request.name, &request.description);
    let row: TagRow = diesel::insert_into(tags::table)
        .values((&content, tags::created_at.eq(now), tags::updated_at.eq(now)))
        .returning(<TagRow as diesel::Selectable<crate::db::MultiBackend>>::construct_selection())
        .get_result(conn)?;
    redirects::forget(conn, SlugKind::Tag, &row.slug)?;
    Ok(row)
}

/// Stores `merged` as the next version of `current` (a new slug resolved and the old one
/// remembered), or nothing when it equals what is stored.
pub fn write_content(
    conn: &mut DbConn,
    current: &TagRow,
    mut merged: TagContent,
    now: NaiveDateTime,
) -> ApiResult<TagRow> {
    if merged == TagContent::from(current) {
        return Ok(current.clone());
    }
    if merged.slug != current.slug {
        merged.slug = slug::resolve("tag", Some(&merged.slug), &merged.name, |taken| {
            slug_taken(conn, taken, Some(current.id))
        })?;
        redirects::forget(conn, SlugKind::Tag, &merged.slug)?;
        redirects::remember(conn, SlugKind::Tag, &current.slug, current.id, now)?;
    }
    Ok(diesel::update(tags::table.find(current.id))
        .set((
            &merged,
            tags::version.eq(current.version + 1),
            tags::updated_at.eq(now),
        ))
        .returning(<TagRow as diesel::Selectable<crate::db::MultiBackend>>::construct_selection())
        .get_result(conn)?)
}

/// Creates the tag `request` names by its slug, or makes the stored one hold exactly its
/// content (an import): returns the row before (`None` when new) and after.
pub fn upsert(
    conn: &mut DbConn,
    request: &CreateTag,
    now: NaiveDateTime,
) -> ApiResult<(Option<TagRow>, TagRow)> {
    let slug = request.slug.clone().unwrap_or_default();
    let Some(current) = find(conn, &Key::Slug(slug.clone()))? else {
        return Ok((None, create(conn, request, now)?));
    };
    let content = TagContent::new(slug, &request.name, &request.description);
    let row = write_content(conn, &current, content, now)?;
    Ok((Some(current), row))
}

/// Deletes tag `id`; 409 while an article carries it.
pub fn delete(conn: &mut DbConn, id: i32) -> ApiResult<()> {
    let carried = super::article_tags::uses_of(conn, id)?;
    if carried > 0 {
        let articles = match carried {
            1 => "1 article carries".to_owned(),
            n => format!("{n} articles carry"),
        };
        return Err(ApiError::Conflict(format!(
            "{articles} the tag; take it off them first"
        )));
    }
    diesel::delete(tags::table.find(id)).execute(conn)?;
    Ok(())
}

fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i32>) -> QueryResult<bool> {
    let query = tags::table
        .filter(tags::slug.eq(slug))
        .filter(tags::id.ne(except.unwrap_or(0)));
    diesel::select(diesel::dsl::exists(query)).get_result(conn)
}

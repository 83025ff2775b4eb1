//! Slug history: the old slugs of renamed articles, categories, people and tags, so old URLs answer with a redirect.

use super::schema::slug_redirects;
use crate::db::DbConn;
use crate::support::key::Key;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What a slug belonged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugKind {
    Article,
    Category,
    Person,
    Tag,
}

impl SlugKind {
    fn as_str(self) -> &'static str {
        match self {
            SlugKind::Article => "article",
            SlugKind::Category => "category",
            SlugKind::Person => "person",
            SlugKind::Tag => "tag",
        }
    }
}

/// Records that `old_slug` now means the `kind` with id `target_id`, replacing what it meant
/// before (a delete and an insert: the same statements on both backends).
pub fn remember(
    conn: &mut DbConn,
    kind: SlugKind,
    old_slug: &str,
    target_id: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    forget(conn, kind, old_slug)?;
    diesel::insert_into(slug_redirects::table)
        .values((
            slug_redirects::kind.eq(kind.as_str()),
            slug_redirects::old_slug.eq(old_slug),
            slug_redirects::target_id.eq(target_id),
            slug_redirects::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A slug that is in use again no longer redirects.
pub fn forget(conn: &mut DbConn, kind: SlugKind, slug: &str) -> QueryResult<()> {
    diesel::delete(
        slug_redirects::table
            .filter(slug_redirects::kind.eq(kind.as_str()))
            .filter(slug_redirects::old_slug.eq(slug)),
    )
    .execute(conn)?;
    Ok(())
}

/// The id `old_slug` redirects to, if any.
pub fn target(conn: &mut DbConn, kind: SlugKind, old_slug: &str) -> QueryResult<Option<i32>> {
    slug_redirects::table
        .filter(slug_redirects::kind.eq(kind.as_str()))
        .filter(slug_redirects::old_slug.eq(old_slug))
        .select(slug_redirects::target_id)
        .get_result(conn)
        .optional()
}

/// The row `key` names, looked up with `find`: by id or current slug, else by a slug it had
/// before a rename (the alias rule of every `{id_or_slug}`).
pub fn follow<T>(
    conn: &mut DbConn,
    kind: SlugKind,
    key: &Key,
    find: impl Fn(&mut DbConn, &Key) -> QueryResult<Option<T>>,
) -> QueryResult<Option<T>> {
    match (find(conn, key)?, key) {
        (Some(row), _) => Ok(Some(row)),
        (None, Key::Slug(old)) => match target(conn, kind, old)? {
            Some(id) => find(conn, &Key::Id(id.into())),
            None => Ok(None),
        },
        (None, Key::Id(_) | Key::Unmatchable(_)) => Ok(None),
    }
}

//! What every write to an article leaves behind, in the write's own transaction: its entry in the changes log and, when its content changed, a revision; and the scheduler's entries for articles the clock alone published or unpublished.
//!
//! `articles.public_logged` holds what the log last said about an article's visibility to
//! anonymous readers (and `public_logged_at` when it said it). A write compares it with the visibility after the write to choose the
//! event (`article.published` when it turned on, `article.unpublished` when it turned off), and
//! [`log_due_transitions`] writes the entries for the articles whose scheduled time has passed
//! since. Both update the flag with the entry, so each transition is logged exactly once, across
//! restarts too.

use super::model::{self, ArticleRow};
use super::seo;
use super::status::Audience;
use crate::changes::event::Event;
use crate::changes::model::{self as changes, Journal, NewChange};
use crate::db::schema::articles;
use crate::db::sql::{placeholders, placeholders_of};
use crate::db::{Backend, DbConn};
use crate::error::ApiResult;
use crate::media::feature_images;
use crate::people::bylines;
use crate::references::model as references_model;
use crate::revisions::model as revisions;
use crate::sections::model as sections_model;
use crate::tags::article_tags;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text, Timestamp};

/// Records a committed write to article `id`, whose row was `before` (`None` for a new article):
/// nothing when its version did not move (a no-op write), else its log entry and its revision.
pub fn record(
    conn: &mut DbConn,
    id: i32,
    before: Option<&ArticleRow>,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let Some(after) = model::find_by_id(conn, id)? else {
        return Ok(());
    };
    if before.is_some_and(|b| b.version == after.version) {
        return Ok(());
    }
    let was_public = logged_public(conn, id)?;
    let is_public = public_now(&after, now);
    let event = match (was_public, is_public) {
        (false, true) => Event::ArticlePublished,
        (true, false) => Event::ArticleUnpublished,
        _ if before.is_none() => Event::ArticleCreated,
        _ => Event::ArticleUpdated,
    };
    let old_slug = before
        .map(|b| b.slug.as_str())
        .filter(|slug| *slug != after.slug);
    let entry = NewChange::article(
        event,
        id,
        &after.slug,
        old_slug,
        after.version,
        // Readers may have seen it before the scheduler caught up: purge then too.
        (
            was_public || before.is_some_and(|b| public_now(b, now)),
            is_public,
        ),
    );
    changes::append(conn, entry, journal, now)?;
    set_logged_public(conn, id, is_public, now)?;
    let sections = sections_model::for_article(conn, id)?;
    let references = references_model::for_article(conn, id)?;
    let byline = bylines::of(conn, id)?;
    let tags = article_tags::of(conn, id)?;
    let seo = seo::of(conn, id)?;
    let feature_image = feature_images::of(conn, id)?;
    revisions::store(
        conn,
        &model::snapshot(
            &after,
            &sections,
            &references,
            byline,
            tags,
            seo,
            feature_image,
        ),
        id,
        after.version,
        journal,
        now,
    )?;
    Ok(())
}

/// Records the deletion of `row`; call it in the deleting transaction, before the row goes.
pub fn record_deletion(
    conn: &mut DbConn,
    row: &ArticleRow,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let was_public = logged_public(conn, row.id)? || public_now(row, now);
    let entry = NewChange::article(
        Event::ArticleDeleted,
        row.id,
        &row.slug,
        None,
        row.version,
        (was_public, false),
    );
    changes::append(conn, entry, journal, now)?;
    Ok(())
}

/// A transition the log has not caught up with: an article whose scheduled time has passed.
#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Integer)]
    version: i32,
    /// True when the time that passed made it public (`published_at`), false when it ended it
    /// (`unpublish_at`).
    #[diesel(sql_type = Bool)]
    publishes: bool,
}

/// Writes `article.published` for every article whose `published_at` has passed by `now` and
/// `article.unpublished` for every one whose `unpublish_at` has, each exactly once (the flag
/// moves with the entry), in one transaction, in the order the times passed: a whole window
/// that passed while the server was down is both entries, in order. Returns the ids.
///
/// Each part of the query matches a partial index (`articles_due_to_publish`,
/// `articles_due_to_unpublish`) literally and names it (`INDEXED BY`), so it reads only the few
/// scheduled rows: left to itself the planner preferred the `(status, published_at)` index and
/// visited every published article every second (a third of a read benchmark's CPU).
pub fn log_due_transitions(
    conn: &mut DbConn,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<Vec<i32>> {
    let due: Vec<Due> = diesel::sql_query(due_transitions_sql(conn.backend()))
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .load(conn)?;
    for article in &due {
        let event = if article.publishes {
            Event::ArticlePublished
        } else {
            Event::ArticleUnpublished
        };
        let entry = NewChange::article(
            event,
            article.id,
            &article.slug,
            None,
            article.version,
            (!article.publishes, article.publishes),
        );
        changes::append(conn, entry, journal, now)?;
        set_logged_public(conn, article.id, article.publishes, now)?;
    }
    let mut ids: Vec<i32> = due.into_iter().map(|article| article.id).collect();
    ids.dedup();
    Ok(ids)
}

/// The scheduler's query for `backend`: four `now` binds. SQLite names the partial indexes
/// (`INDEXED BY`) and stores flags as 0/1; PostgreSQL has no index hints (its planner matches
/// the partial indexes by their literal boolean predicates) and real booleans.
fn due_transitions_sql(backend: Backend) -> String {
    const SQLITE: &str = "SELECT id, slug, version, 1 AS publishes, published_at AS due \
         FROM articles INDEXED BY articles_due_to_publish \
         WHERE status = 'published' AND public_logged = 0 AND published_at <= ? \
           AND (public_logged_at IS NULL OR published_at > public_logged_at) \
         UNION ALL \
         SELECT id, slug, version, 0, unpublish_at \
         FROM articles INDEXED BY articles_due_to_publish \
         WHERE status = 'published' AND public_logged = 0 AND published_at <= ? \
           AND (public_logged_at IS NULL OR published_at > public_logged_at) \
           AND unpublish_at <= ? \
         UNION ALL \
         SELECT id, slug, version, 0, unpublish_at \
         FROM articles INDEXED BY articles_due_to_unpublish \
         WHERE public_logged = 1 AND unpublish_at IS NOT NULL AND unpublish_at <= ? \
         ORDER BY due, id, publishes DESC";
    match backend {
        Backend::Sqlite => SQLITE.to_owned(),
        Backend::Postgres => placeholders_of(
            backend,
            &SQLITE
                .replace(" INDEXED BY articles_due_to_publish", "")
                .replace(" INDEXED BY articles_due_to_unpublish", "")
                .replace("public_logged = 0", "NOT public_logged")
                .replace("public_logged = 1", "public_logged")
                .replace("1 AS publishes", "TRUE AS publishes")
                .replace("version, 0,", "version, FALSE,"),
        ),
    }
}

/// Whether anonymous readers see `row` at `now`.
fn public_now(row: &ArticleRow, now: NaiveDateTime) -> bool {
    Audience::Public(now).sees(&row.status, row.published_at, row.unpublish_at)
}

fn logged_public(conn: &mut DbConn, id: i32) -> QueryResult<bool> {
    articles::table
        .find(id)
        .select(articles::public_logged)
        .get_result::<bool>(conn)
        .optional()
        .map(|flag| flag.unwrap_or(false))
}

/// Records that the log said at `now` whether article `id` is public: only a publication time
/// passing after `now` is left for the scheduler.
fn set_logged_public(
    conn: &mut DbConn,
    id: i32,
    public: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // `public_logged_at` would be the table's 17th column in `schema.rs`, past what Diesel's
    // default feature set supports; it is only ever written here and read by the scheduler's SQL.
    diesel::sql_query(placeholders(
        conn,
        "UPDATE articles SET public_logged = ?, public_logged_at = ? WHERE id = ?",
    ))
    .bind::<Bool, _>(public)
    .bind::<Timestamp, _>(now)
    .bind::<Integer, _>(id)
    .execute(conn)?;
    Ok(())
}

//! What every write to an article leaves behind, in the write's own transaction: its entry in the changes log and, when its content changed, a revision; and the scheduler's entries for articles the clock alone published or unpublished.
//!
//! `articles.public_logged` holds what the log last said about an article's visibility to
//! anonymous readers. A write compares it with the visibility after the write to choose the
//! event (`article.published` when it turned on, `article.unpublished` when it turned off), and
//! [`log_due_transitions`] writes the entries for the articles whose scheduled time has passed
//! since. Both update the flag with the entry, so each transition is logged exactly once, across
//! restarts too.

use super::model::{self, ArticleRow};
use super::status::Audience;
use crate::changes::event::Event;
use crate::changes::model::{self as changes, Journal, NewChange};
use crate::db::schema::articles;
use crate::error::ApiResult;
use crate::revisions::model as revisions;
use crate::sections::model as sections_model;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text, Timestamp};

/// Records a committed write to article `id`, whose row was `before` (`None` for a new article):
/// nothing when its version did not move (a no-op write), else its log entry and its revision.
pub fn record(
    conn: &mut SqliteConnection,
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
    if was_public != is_public {
        set_logged_public(conn, id, is_public)?;
    }
    let sections = sections_model::for_article(conn, id)?;
    revisions::store(
        conn,
        &model::snapshot(&after, &sections),
        id,
        after.version,
        journal,
        now,
    )?;
    Ok(())
}

/// Records the deletion of `row`; call it in the deleting transaction, before the row goes.
pub fn record_deletion(
    conn: &mut SqliteConnection,
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

/// An article whose visibility the log has not caught up with.
#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Integer)]
    version: i32,
    #[diesel(sql_type = Bool)]
    public_logged: bool,
}

/// Writes `article.published` for every article whose `published_at` has passed by `now` and
/// `article.unpublished` for every one whose `unpublish_at` has, each exactly once (the flag
/// moves with the entry), in one transaction; returns the ids.
///
/// The two queries match the partial indexes `articles_due_to_publish` and
/// `articles_due_to_unpublish` literally, so they read only the few scheduled rows.
pub fn log_due_transitions(
    conn: &mut SqliteConnection,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<Vec<i32>> {
    let due: Vec<Due> = diesel::sql_query(
        "SELECT id, slug, version, public_logged FROM articles \
         WHERE status = 'published' AND public_logged = 0 AND published_at <= ? \
           AND (unpublish_at IS NULL OR unpublish_at > ?) \
         UNION ALL \
         SELECT id, slug, version, public_logged FROM articles \
         WHERE public_logged = 1 AND unpublish_at IS NOT NULL AND unpublish_at <= ? \
         ORDER BY id",
    )
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .load(conn)?;
    for article in &due {
        let is_public = !article.public_logged;
        let event = if is_public {
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
            (article.public_logged, is_public),
        );
        changes::append(conn, entry, journal, now)?;
        set_logged_public(conn, article.id, is_public)?;
    }
    Ok(due.into_iter().map(|article| article.id).collect())
}

/// Whether anonymous readers see `row` at `now`.
fn public_now(row: &ArticleRow, now: NaiveDateTime) -> bool {
    Audience::Public(now).sees(&row.status, row.published_at, row.unpublish_at)
}

fn logged_public(conn: &mut SqliteConnection, id: i32) -> QueryResult<bool> {
    articles::table
        .find(id)
        .select(articles::public_logged)
        .get_result::<bool>(conn)
        .optional()
        .map(|flag| flag.unwrap_or(false))
}

fn set_logged_public(conn: &mut SqliteConnection, id: i32, public: bool) -> QueryResult<()> {
    diesel::update(articles::table.find(id))
        .set(articles::public_logged.eq(public))
        .execute(conn)?;
    Ok(())
}

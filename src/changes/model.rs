//! The `changes` table: appending an entry inside a write's transaction, reading pages in `seq` order, and pruning by retention.
//!
//! Entries are appended by the writers' own transactions, and every write goes through the one
//! writer connection, so seq order is commit order: a reader can never see seq 11 before seq 10
//! has committed, and paging with `after` never skips an entry.

use super::event::{Event, ResourceType};
use crate::db::schema::{change_log_state, changes};
use crate::db::sql::placeholders;
use crate::db::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Who made a write, and the history settings it is recorded under.
#[derive(Debug, Clone)]
pub struct Journal {
    /// The token subject, or `None` for the server itself (the scheduler) and the command line.
    pub subject: Option<String>,
    /// Revisions kept per article (`HEALTHHUB_REVISIONS_PER_ARTICLE`).
    pub revisions_kept: u32,
}

impl Journal {
    /// A write made by the holder of a token with `subject`.
    pub fn by(subject: &str, revisions_kept: u32) -> Self {
        Self {
            subject: Some(subject.to_owned()),
            revisions_kept,
        }
    }

    /// A write made by the server itself or the command line.
    pub fn system(revisions_kept: u32) -> Self {
        Self {
            subject: None,
            revisions_kept,
        }
    }
}

/// A row of `changes`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = changes, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ChangeRow {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub event: String,
    pub resource_type: String,
    pub resource_id: Option<i32>,
    pub token_id: Option<String>,
    pub slug: Option<String>,
    pub old_slug: Option<String>,
    pub version: Option<i32>,
    pub subject: Option<String>,
    pub public_before: Option<bool>,
    pub public_after: Option<bool>,
}

impl ChangeRow {
    /// The entry's event (`None` only for a value no version of this server writes).
    pub fn event(&self) -> Option<Event> {
        Event::parse(&self.event)
    }
}

/// An entry to append: what changed, about which resource.
#[derive(Debug, Clone, Default, Insertable)]
#[diesel(table_name = changes)]
pub struct NewChange {
    event: String,
    resource_type: String,
    resource_id: Option<i32>,
    token_id: Option<String>,
    slug: Option<String>,
    old_slug: Option<String>,
    version: Option<i32>,
    subject: Option<String>,
    public_before: Option<bool>,
    public_after: Option<bool>,
}

impl NewChange {
    /// An entry about article `id`: its slug (and `old_slug` on a rename), its new version (the
    /// last one for a deletion) and whether anonymous readers saw it before and after.
    pub fn article(
        event: Event,
        id: i32,
        slug: &str,
        old_slug: Option<&str>,
        version: i32,
        public: (bool, bool),
    ) -> Self {
        Self {
            event: event.as_str().to_owned(),
            resource_type: ResourceType::Article.as_str().to_owned(),
            resource_id: Some(id),
            slug: Some(slug.to_owned()),
            old_slug: old_slug.map(str::to_owned),
            version: Some(version),
            public_before: Some(public.0),
            public_after: Some(public.1),
            ..Self::default()
        }
    }

    /// An entry about the versioned resource `id` (a category, a person, a tag) that `event` is
    /// about.
    pub fn versioned(
        event: Event,
        id: i32,
        slug: &str,
        old_slug: Option<&str>,
        version: i32,
    ) -> Self {
        Self {
            event: event.as_str().to_owned(),
            resource_type: event.resource().as_str().to_owned(),
            resource_id: Some(id),
            slug: Some(slug.to_owned()),
            old_slug: old_slug.map(str::to_owned),
            version: Some(version),
            ..Self::default()
        }
    }

    /// `token.revoked` for the token with id (`jti`) `token_id`.
    pub fn token_revoked(token_id: &str) -> Self {
        Self {
            event: Event::TokenRevoked.as_str().to_owned(),
            resource_type: ResourceType::Token.as_str().to_owned(),
            token_id: Some(token_id.to_owned()),
            ..Self::default()
        }
    }
}

/// Appends `change`, made by `journal`'s subject at `at`, in the caller's transaction; returns
/// its seq.
pub fn append(
    conn: &mut DbConn,
    mut change: NewChange,
    journal: &Journal,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    change.subject = journal.subject.clone();
    diesel::insert_into(changes::table)
        .values((&change, changes::at.eq(at)))
        .returning(changes::seq)
        .get_result(conn)
}

/// Up to `limit` entries with a seq above `after`, oldest first.
pub fn after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<ChangeRow>> {
    changes::table
        .filter(changes::seq.gt(after))
        .order(changes::seq)
        .limit(limit)
        .select(ChangeRow::as_select())
        .load(conn)
}

/// The newest seq retention has removed (0 when none has been).
pub fn pruned_through(conn: &mut DbConn) -> QueryResult<i64> {
    change_log_state::table
        .select(change_log_state::pruned_through)
        .get_result(conn)
}

/// When the entry `seq` was written, if the log still holds it.
pub fn written_at(conn: &mut DbConn, seq: i64) -> QueryResult<Option<NaiveDateTime>> {
    changes::table
        .filter(changes::seq.eq(seq))
        .select(changes::at)
        .first(conn)
        .optional()
}

/// The newest seq written so far (0 when the log has never had an entry).
pub fn last_seq(conn: &mut DbConn) -> QueryResult<i64> {
    let newest: Option<i64> = changes::table
        .select(diesel::dsl::max(changes::seq))
        .get_result(conn)?;
    Ok(newest.unwrap_or(0).max(pruned_through(conn)?))
}

#[derive(QueryableByName)]
struct NewestSeq {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    seq: Option<i64>,
}

/// The newest seq written before `cutoff`, if any. Planned afresh with `cutoff`'s value each time
/// (not a cached prepared statement): PostgreSQL's generic plan for it walks the primary key
/// backwards from the newest entry, filtering by time, which reads the whole log when nothing is
/// old enough, and the scheduler runs this holding the write lock.
fn newest_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<Option<i64>> {
    let statement = placeholders(conn, "SELECT max(seq) AS seq FROM changes WHERE at < ?");
    let newest: NewestSeq = diesel::sql_query(statement)
        .bind::<diesel::sql_types::Timestamp, _>(cutoff)
        .get_result(conn)?;
    Ok(newest.seq)
}

/// Removes the entries written before `cutoff`, but none after seq `keep_after` when given (the
/// oldest entry a reader inside this server, the webhook worker, has not taken yet), and records
/// the newest seq removed; returns how many were removed.
pub fn prune(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    keep_after: Option<i64>,
) -> QueryResult<usize> {
    let newest_old = newest_before(conn, cutoff)?;
    let Some(through) = newest_old.map(|seq| keep_after.map_or(seq, |keep| seq.min(keep))) else {
        return Ok(0);
    };
    if through <= pruned_through(conn)? {
        return Ok(0);
    }
    let removed = diesel::delete(changes::table.filter(changes::seq.le(through))).execute(conn)?;
    diesel::update(change_log_state::table)
        .set(change_log_state::pruned_through.eq(through))
        .execute(conn)?;
    Ok(removed)
}

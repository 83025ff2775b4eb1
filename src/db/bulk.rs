//! Bulk writes: an import leaves the search index alone while it writes rows, then rebuilds the
//! search rows of the articles it wrote in one statement, all inside the import's transaction.
//!
//! Indexing article by article is slow in FTS5: every statement that opens a savepoint (any
//! write with a statement journal) makes FTS5 flush its pending terms to disk as a new segment,
//! so a per-article trigger leaves one tiny segment per article and merges them over and over.
//! On PostgreSQL the page cache and journal settings have no counterpart (each function says
//! what it does there) and the triggers are paused by a transaction-local setting, as single
//! writes pause them (`search_index`).

use super::BUSY_TIMEOUT_MS;
use crate::db::{Backend, DbConn};
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

/// The page cache of the import's connection, in KiB: the writes of one large transaction stay
/// in memory longer before they spill to the WAL (the default is about 2 MB).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// How many bytes of new index terms FTS5 collects in memory before writing them as a segment
/// during the rebuild (the default, 1 MiB, makes many small segments to merge).
const IMPORT_FTS_HASH_BYTES: i64 = 32 * 1024 * 1024;

/// FTS5's own default for the same setting, put back after the rebuild.
const DEFAULT_FTS_HASH_BYTES: i64 = 1024 * 1024;

/// The connection's page-cache size before an import widened it (SQLite; `None` on PostgreSQL,
/// whose shared buffers are the server's).
#[derive(Debug)]
pub struct CacheSize(Option<i64>);

#[derive(QueryableByName)]
struct CacheSizeRow {
    #[diesel(sql_type = BigInt)]
    cache_size: i64,
}

impl CacheSize {
    /// Widens the page cache of `conn` for an import and returns what it was. A PRAGMA is not
    /// undone by a rollback: call [`CacheSize::restore`] whatever the import's outcome.
    pub fn widen(conn: &mut DbConn) -> QueryResult<Self> {
        if conn.backend() == Backend::Postgres {
            return Ok(Self(None));
        }
        let before = diesel::sql_query("PRAGMA cache_size")
            .get_result::<CacheSizeRow>(conn)?
            .cache_size;
        conn.batch_execute(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB};"))?;
        Ok(Self(Some(before)))
    }

    /// Puts the page cache of `conn` back to its size before [`CacheSize::widen`].
    pub fn restore(self, conn: &mut DbConn) -> QueryResult<()> {
        match self.0 {
            Some(before) => conn.batch_execute(&format!("PRAGMA cache_size = {before};")),
            None => Ok(()),
        }
    }
}

#[derive(QueryableByName)]
struct JournalModeRow {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

/// Switches the database from WAL to a rollback journal for a large import, when this is the
/// only connection to it; returns whether it did. In WAL every page the import's single
/// transaction writes goes to the WAL first and is copied into the database at the checkpoint:
/// twice the disk space and the writes (an 18 GB WAL, then a full disk, at 1 000 000 articles).
/// A rollback journal only keeps the pages that existed before. Call [`back_to_wal`] after the
/// import, whatever its outcome; the database is reopened in WAL anyway. PostgreSQL: nothing
/// (`false`).
pub fn leave_wal(conn: &mut DbConn) -> QueryResult<bool> {
    if conn.backend() == Backend::Postgres {
        return Ok(false);
    }
    // Another connection (a running server) makes the switch fail at once, not after a wait.
    conn.batch_execute("PRAGMA busy_timeout = 0;")?;
    let switched =
        diesel::sql_query("PRAGMA journal_mode = DELETE").get_result::<JournalModeRow>(conn);
    conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))?;
    match switched {
        Ok(row) => Ok(row.journal_mode.eq_ignore_ascii_case("delete")),
        Err(diesel::result::Error::DatabaseError(..)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Puts the database back in WAL after [`leave_wal`].
pub fn back_to_wal(conn: &mut DbConn) -> QueryResult<()> {
    diesel::sql_query("PRAGMA journal_mode = WAL")
        .get_result::<JournalModeRow>(conn)
        .map(drop)
}

/// The search-index triggers that were dropped, with the statements that recreate them.
///
/// An import drops them rather than pausing them as single writes do (`search_index`): a paused
/// trigger still runs, to find itself paused, for every row written, and measured 58–60 s
/// against 48 s for the 100 000-article import.
#[derive(Debug)]
pub struct SuspendedTriggers(Vec<String>);

#[derive(QueryableByName)]
struct TriggerSql {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

/// Drops the search-index triggers on `articles` and `sections` (inside the caller's
/// transaction, so a failed import rolls this back too) and returns what recreates them.
/// PostgreSQL: pauses them for the rest of the transaction instead (a trigger that finds itself
/// paused costs little there), and returns nothing to recreate.
pub fn suspend_search_triggers(conn: &mut DbConn) -> QueryResult<SuspendedTriggers> {
    if conn.backend() == Backend::Postgres {
        // An import is one transaction that may run for minutes (rebuilding 100 000 articles'
        // search rows is one statement of several): not a request, so no request timeout.
        conn.batch_execute("SET LOCAL statement_timeout = 0")?;
        diesel::sql_query("SELECT set_config('healthhub.search_paused', 'on', true)")
            .execute(conn)?;
        return Ok(SuspendedTriggers(Vec::new()));
    }
    let triggers: Vec<TriggerSql> = diesel::sql_query(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'trigger' AND tbl_name IN ('articles', 'sections') \
         AND name LIKE 'article_search_%'",
    )
    .load(conn)?;
    for trigger in &triggers {
        conn.batch_execute(&format!("DROP TRIGGER \"{}\";", trigger.name))?;
    }
    Ok(SuspendedTriggers(
        triggers.into_iter().map(|t| t.sql).collect(),
    ))
}

/// Recreates the triggers [`suspend_search_triggers`] dropped.
pub fn restore_search_triggers(conn: &mut DbConn, suspended: SuspendedTriggers) -> QueryResult<()> {
    if conn.backend() == Backend::Postgres {
        diesel::sql_query("SELECT set_config('healthhub.search_paused', 'off', true)")
            .execute(conn)?;
    }
    for sql in suspended.0 {
        conn.batch_execute(&format!("{sql};"))?;
    }
    Ok(())
}

/// Rebuilds, from `article_search_source` (the same view the triggers read), the search rows of
/// every article last written at `now`: an import stamps each article it creates or changes with
/// its own `now`, so these are the articles it wrote. Rebuilding a row that was already in sync
/// (an article written at the same instant before) rewrites the same text.
///
/// FTS5 collects the new terms in a larger in-memory buffer while it does this, so that it
/// writes (and later merges) fewer, larger segments; the setting goes back to FTS5's default
/// afterwards (it is stored in the index, inside this transaction). PostgreSQL: the same
/// articles' rows through `article_search_refresh`, between fresh planner statistics
/// (`ANALYZE`, which counts this transaction's own rows): planned on the statistics of the
/// tables before the import (empty, for a first one), each call's look-up of its article would
/// scan every article: 100 000 had not finished after 13 minutes.
pub fn reindex_written_at(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
    if conn.backend() == Backend::Postgres {
        conn.batch_execute("ANALYZE articles; ANALYZE sections;")?;
        diesel::sql_query(
            "SELECT article_search_refresh(id) FROM articles WHERE updated_at = $1 ORDER BY id",
        )
        .bind::<Timestamp, _>(now)
        .execute(conn)?;
        return conn.batch_execute("ANALYZE article_search;");
    }
    set_fts_hash_size(conn, IMPORT_FTS_HASH_BYTES)?;
    diesel::sql_query(
        "DELETE FROM article_search WHERE rowid IN (SELECT id FROM articles WHERE updated_at = ?)",
    )
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies) \
         SELECT * FROM article_search_source \
         WHERE id IN (SELECT id FROM articles WHERE updated_at = ?) ORDER BY id",
    )
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    set_fts_hash_size(conn, DEFAULT_FTS_HASH_BYTES)
}

fn set_fts_hash_size(conn: &mut DbConn, bytes: i64) -> QueryResult<()> {
    diesel::sql_query("INSERT INTO article_search (article_search, rank) VALUES ('hashsize', ?)")
        .bind::<BigInt, _>(bytes)
        .execute(conn)?;
    Ok(())
}

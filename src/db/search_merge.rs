//! Merging the SQLite search index's segments in the background, a bounded amount at a time.
//!
//! FTS5 writes each transaction's new terms as a new segment and merges segments as they pile up
//! (<https://sqlite.org/fts5.html#the_automerge_configuration_option>). Left to the writes
//! themselves, now and then one creation pays for merging the large segments: seconds at 100 000
//! articles. Migration `2026-12-14-000003_search_merges` turns that off (`automerge = 0`), and
//! `healthhub serve` calls [`Database::merge_search_index`] every [`INTERVAL`] instead: each
//! call is one short write transaction doing at most [`PAGES_PER_STEP`] pages of merge work
//! (FTS5's `merge` command), so a write waits for at most one such step. FTS5's crisis merge
//! (16 segments on one level) still runs inside a write if the steps ever fall behind.

use super::{Backend, Database, DbConn};
use crate::error::ApiResult;
use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{QueryResult, QueryableByName, RunQueryDsl};
use std::time::Duration;

/// How often the server takes a merge step.
pub const INTERVAL: Duration = Duration::from_millis(100);

/// The most pages of merge work one step does (FTS5 `merge` with this as its argument: it merges
/// the levels holding at least `usermerge`, by default 4, segments). Under sustained sequential
/// creations at 100 000 articles, 50 gave a lower p99 and max than 200 in three pairs of runs
/// (p99 17–24 against 20–24 ms, max 67–95 against 67–131 ms; BENCHMARKS.md); 25 let a crisis
/// merge into a commit (max 139 ms).
pub const PAGES_PER_STEP: i32 = 50;

/// The FTS5 tables whose segments the steps merge: the search index and the trigram index of
/// titles and slugs (migration `2026-12-15-000002_title_trigrams`), both with `automerge = 0`.
const MERGED_INDEXES: [&str; 2] = ["article_search", "article_trigrams"];

/// The most pages of merge work one step of [`Database::merge_search_index_until_done`] does:
/// more than [`PAGES_PER_STEP`], as no request waits behind it.
const OFFLINE_PAGES_PER_STEP: i32 = 5_000;

impl Database {
    /// Takes one merge step on each of the [`MERGED_INDEXES`], as bookkeeping (`Last-Modified` does not move):
    /// returns whether it merged anything. Nothing to do on PostgreSQL.
    ///
    /// Errors: the writer could not be had within the pool's timeout, or SQLite failed.
    pub async fn merge_search_index(&self) -> ApiResult<bool> {
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        self.bookkeeping(|conn| Ok(merge_step(conn, PAGES_PER_STEP)?))
            .await
    }

    /// Merges the [`MERGED_INDEXES`] until FTS5 has no merge work left, on the current thread
    /// (for the CLI). A bulk import writes its search rows in one transaction, which leaves a
    /// segment per megabyte of new terms; merged here, they are not left to the background steps
    /// of the first minutes of `serve`, where each step makes writes wait (up to 153 ms was
    /// measured after an import of 100 000 articles). The work is what the import added: a few
    /// articles into a large index merge little. Nothing to do on PostgreSQL.
    ///
    /// Errors: the writer connection could not be had, or SQLite failed.
    pub fn merge_search_index_until_done(&self) -> anyhow::Result<()> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        while self
            .on_writer(|conn| merge_step(conn, OFFLINE_PAGES_PER_STEP))
            .context("merging the search index's segments")?
        {}
        Ok(())
    }
}

/// One FTS5 `merge` of at most `pages` pages on each of the [`MERGED_INDEXES`]; returns whether
/// any of them merged anything.
fn merge_step(conn: &mut DbConn, pages: i32) -> QueryResult<bool> {
    let mut merged = false;
    for index in MERGED_INDEXES {
        let before = total_changes(conn)?;
        conn.batch_execute(&format!(
            "INSERT INTO {index} ({index}, rank) VALUES ('merge', {pages});"
        ))?;
        // FTS5's own test for "no more work": the statement changed fewer than two rows.
        merged |= total_changes(conn)? - before >= 2;
    }
    Ok(merged)
}

/// SQLite's count of rows changed on `conn` since it was opened.
fn total_changes(conn: &mut DbConn) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Changes {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let changes: Changes = diesel::sql_query("SELECT total_changes() AS n").get_result(conn)?;
    Ok(changes.n)
}

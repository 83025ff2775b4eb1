//! Pausing the search-index triggers for the rest of a transaction, then indexing one article
//! once: for writes that touch an article and several of its sections in one go.
//!
//! The triggers (migration `2026-11-26-000009_search_pause`) do nothing while the one row of
//! `search_paused` exists; it is inserted and deleted within the same transaction, and a rollback
//! removes it too, so no other transaction ever sees it (there is a single writer).

use crate::db::DbConn;
use diesel::prelude::*;
use diesel::sql_types::Integer;

/// Pauses the search triggers until [`resume_and_index`], in this transaction.
pub fn pause(conn: &mut DbConn) -> QueryResult<()> {
    diesel::sql_query("INSERT INTO search_paused (paused) VALUES (1)")
        .execute(conn)
        .map(drop)
}

/// Resumes the search triggers and rebuilds the search row of `article_id` from its current
/// content (removes it when the article is gone).
pub fn resume_and_index(conn: &mut DbConn, article_id: i32) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM search_paused").execute(conn)?;
    diesel::sql_query("DELETE FROM article_search WHERE rowid = ?")
        .bind::<Integer, _>(article_id)
        .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO article_search (rowid, title, subtitle, excerpt, headings, bodies) \
         SELECT * FROM article_search_source WHERE id = ?",
    )
    .bind::<Integer, _>(article_id)
    .execute(conn)
    .map(drop)
}

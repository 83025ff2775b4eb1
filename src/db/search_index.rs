//! Pausing the search-index triggers for the rest of a transaction, then indexing one article
//! once: for writes that touch an article and several of its sections in one go.
//!
//! SQLite: the triggers (migration `2026-11-26-000009_search_pause`) do nothing while the one row
//! of `search_paused` exists; it is inserted and deleted within the same transaction, and a
//! rollback removes it too, so no other transaction ever sees it (there is a single writer).
//! PostgreSQL: the triggers do nothing while the transaction-local setting
//! `healthhub.search_paused` is `on` (`set_config(…, true)`: gone at commit or rollback, never
//! seen by another session), and `article_search_refresh(id)` rebuilds one article's row.

use crate::db::{Backend, DbConn};
use diesel::prelude::*;
use diesel::sql_types::Integer;

/// Pauses the search triggers until [`resume_and_index`], in this transaction.
pub fn pause(conn: &mut DbConn) -> QueryResult<()> {
    let statement = match conn.backend() {
        Backend::Sqlite => "INSERT INTO search_paused (paused) VALUES (1)",
        Backend::Postgres => "SELECT set_config('healthhub.search_paused', 'on', true)",
    };
    diesel::sql_query(statement).execute(conn).map(drop)
}

/// Resumes the search triggers and rebuilds the search row of `article_id` from its current
/// content (removes it when the article is gone).
pub fn resume_and_index(conn: &mut DbConn, article_id: i32) -> QueryResult<()> {
    if conn.backend() == Backend::Postgres {
        diesel::sql_query("SELECT set_config('healthhub.search_paused', 'off', true)")
            .execute(conn)?;
        return diesel::sql_query("SELECT article_search_refresh($1)")
            .bind::<Integer, _>(article_id)
            .execute(conn)
            .map(drop);
    }
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

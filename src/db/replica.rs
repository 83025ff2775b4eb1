//! Reads from a PostgreSQL streaming replica: which reads may go there (anonymous ones, marked
//! by [`anonymous`]), and the rule that keeps them from being older than what this node knows.
//!
//! A node remembers the primary's WAL position after every change it knows of: its own commits,
//! and every change notification (the position is read after the notification arrived, so it is
//! at or past that commit). A read goes to the replica only when the replica has replayed up to
//! that position; otherwise to the primary. A 404 from the replica is asked of the primary
//! again: a notification arrives after the commit it announces, so what another node has just
//! created can be missing from a replica this node still believes current. The response cache is emptied by the same changes, so
//! no node re-fills it from a replica that has not replayed the change that emptied it.

use crate::db::DbConn;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use std::future::Future;

tokio::task_local! {
    /// Set for the requests whose reads may use the replica.
    static ANONYMOUS: bool;
}

/// Runs `request` as an anonymous read: its [`crate::db::Database::read`]s may use the replica.
pub async fn anonymous<F: Future>(request: F) -> F::Output {
    ANONYMOUS.scope(true, request).await
}

/// True inside [`anonymous`].
pub fn is_anonymous() -> bool {
    ANONYMOUS.try_with(|anonymous| *anonymous).unwrap_or(false)
}

/// A WAL position (`pg_lsn`) as a number: `X/Y` is `X << 32 | Y`.
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.split_once('/')?;
    let high = u64::from_str_radix(high, 16).ok()?;
    let low = u64::from_str_radix(low, 16).ok()?;
    Some(high << 32 | low)
}

/// A WAL position in PostgreSQL's `X/Y` form.
pub fn format_lsn(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF)
}

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = Text)]
    lsn: String,
}

/// The primary's current WAL position (what a replica must replay to see every commit so far;
/// 0 on SQLite): the insert position, which a commit has passed when it returns even with
/// `synchronous_commit = off` (the write position may still be behind it then).
pub fn current_lsn(conn: &mut DbConn) -> QueryResult<u64> {
    match conn {
        DbConn::Postgres(conn) => primary_lsn(conn),
        DbConn::Sqlite(_) => Ok(0),
    }
}

/// [`current_lsn`] on a plain PostgreSQL connection (the notification listener's).
pub fn primary_lsn(conn: &mut PgConnection) -> QueryResult<u64> {
    let position: Position =
        diesel::sql_query("SELECT pg_current_wal_insert_lsn()::text AS lsn").get_result(conn)?;
    Ok(parse_lsn(&position.lsn).unwrap_or(0))
}

#[derive(QueryableByName)]
struct CaughtUp {
    #[diesel(sql_type = Bool)]
    caught_up: bool,
}

/// Whether the replica behind `conn` has replayed the WAL up to `lsn` (false when it is not a
/// replica at all).
pub fn has_replayed(conn: &mut DbConn, lsn: u64) -> QueryResult<bool> {
    let answer: CaughtUp = diesel::sql_query(
        "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught_up",
    )
    .bind::<Text, _>(format_lsn(lsn))
    .get_result(conn)?;
    Ok(answer.caught_up)
}

/// The replica's replay position (0 when it is not a replica).
pub fn replayed_lsn(conn: &mut DbConn) -> QueryResult<u64> {
    let position: Position =
        diesel::sql_query("SELECT coalesce(pg_last_wal_replay_lsn(), '0/0')::text AS lsn")
            .get_result(conn)?;
    Ok(parse_lsn(&position.lsn).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_positions_read_and_write_as_postgresql_writes_them() {
        assert_eq!(parse_lsn("16/B374D848"), Some(0x16_B374_D848));
        assert_eq!(format_lsn(0x16_B374_D848), "16/B374D848");
        assert_eq!(parse_lsn("0/0"), Some(0));
        assert_eq!(parse_lsn("nonsense"), None);
    }
}

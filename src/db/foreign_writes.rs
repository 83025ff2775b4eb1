//! Writes another process made to the same SQLite file (a command-line `healthhub import` beside
//! a running server), noticed through the changes log, which every content write appends to.
//!
//! The server remembers the newest log entry it knows of. Its own content writes move that mark
//! in their transaction, and first check whether someone else appended since; the server's
//! background job ([`Database::foreign_writes_seen`], every [`INTERVAL`]) compares the mark with
//! the log. Either way, a foreign entry makes the server treat everything as changed: its
//! response cache is emptied and `Last-Modified` moves (PostgreSQL nodes learn the same from
//! their notification channel instead).

use super::{Backend, Database, DbConn};
use crate::error::ApiResult;
use actix_web::web;
use diesel::sql_types::BigInt;
use diesel::{QueryResult, QueryableByName, RunQueryDsl};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

/// How often the server looks for other processes' writes.
pub const INTERVAL: Duration = Duration::from_secs(1);

/// The newest changes-log entry this process knows of, and whether a foreign one was noticed.
#[derive(Debug, Default)]
pub struct ForeignWrites {
    known_seq: AtomicI64,
    noticed: AtomicBool,
}

impl ForeignWrites {
    /// Knowing the log up to its newest entry on `conn`.
    pub fn starting_at(conn: &mut DbConn) -> QueryResult<Self> {
        Ok(Self {
            known_seq: AtomicI64::new(newest_seq(conn)?),
            noticed: AtomicBool::new(false),
        })
    }

    /// At the start of this process's write transaction on `conn`: notes entries it does not
    /// know of (another process appended them).
    pub fn before_write(&self, conn: &mut DbConn) -> QueryResult<()> {
        if newest_seq(conn)? > self.known_seq.load(Ordering::Acquire) {
            self.noticed.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// At the end of this process's write transaction on `conn`: knows its own entries.
    pub fn after_write(&self, conn: &mut DbConn) -> QueryResult<()> {
        self.known_seq
            .fetch_max(newest_seq(conn)?, Ordering::AcqRel);
        Ok(())
    }

    /// Whether another process wrote since the last call (the log on `conn` has entries this
    /// process does not know of, or a write of its own noticed some); knows them from now on.
    pub fn seen(&self, conn: &mut DbConn) -> QueryResult<bool> {
        let newest = newest_seq(conn)?;
        let known = self.known_seq.fetch_max(newest, Ordering::AcqRel);
        let noticed = self.noticed.swap(false, Ordering::AcqRel);
        Ok(newest > known || noticed)
    }
}

impl Database {
    /// Whether another process has written content to this SQLite file since the last call
    /// ([`ForeignWrites::seen`], on a read connection off the async executor); always `false` on
    /// PostgreSQL, whose nodes announce their writes.
    ///
    /// Errors: no read connection could be had, or the log could not be read.
    pub async fn foreign_writes_seen(&self) -> ApiResult<bool> {
        if self.backend != Backend::Sqlite {
            return Ok(false);
        }
        let (pool, foreign) = (self.reader.clone(), self.foreign_writes.clone());
        web::block(move || Ok(foreign.seen(&mut *pool.get()?)?)).await?
    }
}

/// The newest seq in the changes log on `conn` (0 when it is empty).
fn newest_seq(conn: &mut DbConn) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Newest {
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    let newest: Newest =
        diesel::sql_query("SELECT COALESCE(MAX(seq), 0) AS seq FROM changes").get_result(conn)?;
    Ok(newest.seq)
}

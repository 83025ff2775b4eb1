//! WAL checkpoints off the request path (SQLite): the writer never checkpoints when it commits
//! (`wal_autocheckpoint = 0`); the server's background job calls [`Database::checkpoint`] every
//! [`INTERVAL`] instead, so no request waits for frames to be copied into the database file and
//! for its `fsync`.
//!
//! A `PASSIVE` checkpoint (<https://sqlite.org/pragma.html#pragma_wal_checkpoint>) never waits
//! for readers or the writer: it copies what no reader still needs and leaves the rest for the
//! next call. Once every frame is copied, the writer's next transaction starts the WAL over, and
//! cuts its file back to [`JOURNAL_SIZE_LIMIT`] bytes.

use super::{Backend, Database};
use crate::error::ApiResult;
use actix_web::web;
use diesel::sql_types::Integer;
use diesel::{QueryableByName, RunQueryDsl};
use std::time::Duration;

/// How often the server checkpoints the WAL.
pub const INTERVAL: Duration = Duration::from_millis(250);

/// The size, in bytes, the writer cuts the WAL file back to when it starts it over (64 MiB):
/// `PRAGMA journal_size_limit`.
pub const JOURNAL_SIZE_LIMIT: u64 = 64 << 20;

/// The writer connection's PRAGMAs for checkpoints made by [`Database::checkpoint`] alone.
pub const WRITER_PRAGMAS: &str = "PRAGMA wal_autocheckpoint = 0;";

/// What one checkpoint did, in WAL frames (one page each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Checkpoint {
    /// 1 when a lock kept it from starting (never for `PASSIVE`, in practice), else 0.
    #[diesel(sql_type = Integer)]
    pub busy: i32,
    /// Frames in the WAL.
    #[diesel(sql_type = Integer, column_name = log)]
    pub frames: i32,
    /// Frames now copied into the database file (all of them when equal to `frames`).
    #[diesel(sql_type = Integer)]
    pub checkpointed: i32,
}

impl Database {
    /// Copies what it can of the WAL into the database file without waiting for anyone
    /// (SQLite's `PASSIVE` checkpoint), on a read connection outside any transaction, off the
    /// async executor. `None` on PostgreSQL, which checkpoints by itself.
    ///
    /// Errors: no read connection could be had, or SQLite failed to checkpoint (I/O).
    pub async fn checkpoint(&self) -> ApiResult<Option<Checkpoint>> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let pool = self.reader.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            let done =
                diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(&mut *conn)?;
            Ok(Some(done))
        })
        .await?
    }
}

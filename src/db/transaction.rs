//! Transactions with the same meaning on both backends: a read sees one snapshot, writes are
//! serialised (SQLite: `BEGIN IMMEDIATE` on the single writer; PostgreSQL: a cluster-wide
//! advisory lock taken first in every write transaction).

use super::DbConn;
use diesel::connection::SimpleConnection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::Error as DieselError;
use diesel::Connection;

/// The advisory lock key every PostgreSQL write transaction takes (`pg_advisory_xact_lock`,
/// released at commit or rollback): "hh:write" as a number. It makes the read-check-write
/// handlers (`If-Match`, slug uniqueness, section positions, idempotency keys) as safe across
/// nodes as SQLite's single writer makes them in one process.
pub const WRITE_LOCK: i64 = 0x6868_3a77_7269_7465;

/// What a transaction may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only, one snapshot for the whole transaction.
    Read,
    /// Reads and writes, serialised with every other writer.
    Write,
}

/// The statements that open a transaction of `access` on `conn`'s backend.
fn begin_sql(conn: &DbConn, access: Access) -> String {
    match (conn, access) {
        (DbConn::Sqlite(_), Access::Read) => "BEGIN".to_owned(),
        (DbConn::Sqlite(_), Access::Write) => "BEGIN IMMEDIATE".to_owned(),
        (DbConn::Postgres(_), Access::Read) => {
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".to_owned()
        }
        (DbConn::Postgres(_), Access::Write) => {
            format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        }
    }
}

/// Who writes, for the change notifications of a PostgreSQL write transaction (migration
/// `2026-12-08-000001_change_notifications`).
pub struct Stamp<'a> {
    /// The writing node's id (`healthhub.node`).
    pub node: &'a str,
    /// The application's clock, read once the write lock is held (`healthhub.now`).
    pub now_micros: &'a dyn Fn() -> i64,
}

/// Runs `body` in a transaction of `access` on `conn`: commits when it returns `Ok`, rolls back
/// otherwise (the body's error wins over a failed rollback of a broken connection). A
/// PostgreSQL write transaction carries `stamp` in its transaction-local settings.
///
/// Errors: `body`'s, or the database's when the transaction cannot begin or commit.
pub fn run<T, E>(
    conn: &mut DbConn,
    access: Access,
    stamp: Option<&Stamp>,
    body: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<DieselError>,
{
    let begin = begin_sql(conn, access);
    match conn {
        DbConn::Sqlite(inner) => AnsiTransactionManager::begin_transaction_sql(inner, &begin)?,
        DbConn::Postgres(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, &begin)?;
            if let (Access::Write, Some(stamp)) = (access, stamp) {
                // The node id is generated (hexadecimal), never user input.
                inner.batch_execute(&format!(
                    "SELECT set_config('healthhub.node', '{}', true), \
                     set_config('healthhub.now', '{}', true)",
                    stamp.node,
                    (stamp.now_micros)()
                ))?;
            }
        }
    }
    type Manager = <DbConn as Connection>::TransactionManager;
    match body(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(DieselError::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

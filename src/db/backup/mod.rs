//! Online backups and checked restores of the database `DATABASE_URL` names, by backend:
//! [`sqlite`] copies the file with `VACUUM INTO` and swaps a verified copy in; [`postgres`] runs
//! `pg_dump` (custom format) and `pg_restore` in one transaction.
//!
//! Both refuse anything doubtful before touching the database: a backup that does not read back,
//! one with migrations this binary does not know (made by a newer HealthHub), or an existing
//! database without `force`. A backup of one backend cannot be restored into the other; moving
//! from SQLite to PostgreSQL goes through `healthhub export` and `healthhub import`.

mod durable;
pub mod postgres;
mod report;
pub mod sqlite;

pub use report::{BackupInfo, Restored};
pub use sqlite::database_file;

use crate::db::Backend;
use anyhow::bail;
use std::path::Path;

/// Writes a consistent snapshot of the database at `database_url` to `target`, which must not
/// exist yet; safe while a server uses the database. SQLite: a database file (`VACUUM INTO`);
/// PostgreSQL: a `pg_dump --format=custom` archive. Returns the size of the file in bytes.
///
/// Errors: `target` exists; the database is missing or unreachable; on PostgreSQL, `pg_dump` is
/// not installed or fails (e.g. older than the server). A partial `target` is removed.
pub fn backup(database_url: &str, target: &Path) -> anyhow::Result<u64> {
    match Backend::of(database_url) {
        Backend::Sqlite => sqlite::backup(database_url, target),
        Backend::Postgres => postgres::backup(database_url, target),
    }
}

/// Checks the backup at `path` without changing anything, whichever backend wrote it (a
/// `pg_dump` archive is recognised by its signature): it reads back whole (SQLite:
/// `PRAGMA integrity_check`; PostgreSQL: `pg_restore --list`), and every migration it records is
/// one this binary knows. Returns its size and number of migrations.
///
/// Errors: the file is missing, empty, not a backup, damaged, or made by a newer HealthHub.
pub fn verify(path: &Path) -> anyhow::Result<BackupInfo> {
    if postgres::is_dump(path) {
        postgres::verify(path)
    } else {
        sqlite::verify(path)
    }
}

/// Checks the backup at `backup` with [`verify`], then makes it the database at `database_url`:
/// SQLite swaps the file in (the server must be stopped); PostgreSQL loads it with `pg_restore`
/// in one transaction (a running server may stay up). An existing HealthHub database is only
/// replaced when `force`. The backup file is left untouched.
///
/// Errors: everything [`verify`] refuses; a backup of the other backend; an existing database
/// without `force`; on SQLite a database in use; on PostgreSQL a failed `pg_restore` (the
/// database is then as it was).
pub fn restore(backup: &Path, database_url: &str, force: bool) -> anyhow::Result<Restored> {
    match Backend::of(database_url) {
        Backend::Sqlite => {
            if postgres::is_dump(backup) {
                bail!(
                    "{} is a PostgreSQL backup (pg_dump): restore it with DATABASE_URL naming a \
                     PostgreSQL database; to move data between backends use `healthhub export` \
                     and `healthhub import`",
                    backup.display()
                );
            }
            sqlite::restore(backup, database_url, force)
        }
        Backend::Postgres => postgres::restore(backup, database_url, force),
    }
}

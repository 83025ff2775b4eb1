//! What a backup check and a restore report, the same for both backends.

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// Size of the file in bytes.
    pub bytes: u64,
    /// The migrations applied to it (all known to this binary).
    pub migrations: usize,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The database that was written, for messages: the SQLite file's path, or the PostgreSQL
    /// URL without its credentials (`postgres://…@host:5432/healthhub`).
    pub database: String,
    /// The backup that was installed.
    pub info: BackupInfo,
    /// True when an existing database was replaced.
    pub replaced: bool,
}

//! SQLite: online backups with `VACUUM INTO`, and restores that check the copy before it replaces the database.
//!
//! [`backup`] copies a live database without stopping the server: `VACUUM INTO` runs as one read
//! transaction on a connection of its own, so the copy is a consistent snapshot (every write
//! committed before it started, none after) while the server keeps reading and writing. The copy
//! is a compact single file in rollback-journal mode, with no `-wal` beside it.
//!
//! [`restore`] is the reverse and refuses anything doubtful: a file that fails
//! `PRAGMA integrity_check`, a database with migrations this binary does not know (made by a
//! newer version), a target that is in use (stop the server first), or an existing database
//! without `force`.

use super::durable::sync_parent;
use super::report::{BackupInfo, Restored};
use crate::db::{known_versions, Backend};
use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// How long the backup waits for a lock held by a writer (checkpoints, schema changes).
const BUSY_TIMEOUT_MS: u32 = 10_000;

/// The files SQLite may keep next to a database: write-ahead log, its index, rollback journal.
const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Writes a consistent copy of the database at `database_url` to `target`, which must not
/// exist yet. Safe while a server is using the database. Returns the size of the copy.
pub fn backup(database_url: &str, target: &Path) -> anyhow::Result<u64> {
    let source = database_file(database_url)?;
    if !source.is_file() {
        bail!("there is no database at {}", source.display());
    }
    let target = absolute(target)?;
    if target.exists() {
        bail!(
            "{} already exists; choose a new file name (a backup never overwrites)",
            target.display()
        );
    }
    let target_name = target
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", target.display()))?;
    let mut conn = SqliteConnection::establish(database_url)
        .with_context(|| format!("opening the database {database_url}"))?;
    conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))
        .context("configuring the backup connection")?;
    // The file name is a bound parameter, never spliced into the SQL; being absolute, it is
    // never read as a `file:` URI either.
    let copied = diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target_name)
        .execute(&mut conn);
    if let Err(error) = copied {
        // SQLite may have created the (empty or partial) file before failing.
        let _ = fs::remove_file(&target);
        return Err(error).with_context(|| format!("writing the backup {}", target.display()));
    }
    sync_file(&target)?;
    sync_parent(&target);
    Ok(fs::metadata(&target)
        .with_context(|| format!("reading {}", target.display()))?
        .len())
}

/// Checks the database file at `path`: `PRAGMA integrity_check` is `ok` and every migration it
/// records is one this binary knows. Opens it read-only in spirit (`query_only`).
pub fn verify(path: &Path) -> anyhow::Result<BackupInfo> {
    check(path, path)
}

/// [`verify`] of the file at `path`, naming it `shown` in messages (a staged copy of `shown`).
fn check(path: &Path, shown: &Path) -> anyhow::Result<BackupInfo> {
    let path = absolute(path)?;
    let name = path
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", path.display()))?;
    let bytes = fs::metadata(&path)
        .with_context(|| format!("reading {}", shown.display()))?
        .len();
    if bytes == 0 {
        bail!("{} is empty", shown.display());
    }
    let mut conn = SqliteConnection::establish(name)
        .with_context(|| format!("opening {}", shown.display()))?;
    conn.batch_execute("PRAGMA query_only = ON;")
        .with_context(|| format!("{} is not an SQLite database", shown.display()))?;

    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    let problems: Vec<String> = diesel::sql_query("PRAGMA integrity_check")
        .load::<Check>(&mut conn)
        .with_context(|| {
            format!(
                "{} is not an SQLite database, or is damaged",
                shown.display()
            )
        })?
        .into_iter()
        .map(|row| row.integrity_check)
        .collect();
    if problems != ["ok"] {
        bail!(
            "{} is damaged: integrity_check reports {}",
            shown.display(),
            problems.join("; ")
        );
    }

    #[derive(QueryableByName)]
    struct Applied {
        #[diesel(sql_type = Text)]
        version: String,
    }
    let applied: Vec<String> = diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
        .load::<Applied>(&mut conn)
        .with_context(|| format!("{} is not a HealthHub database", shown.display()))?
        .into_iter()
        .map(|row| row.version)
        .collect();
    let known = known_migrations()?;
    let unknown: Vec<&str> = applied
        .iter()
        .filter(|version| !known.contains(version.as_str()))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        bail!(
            "{} was written by a newer HealthHub: it has migrations this binary does not know ({})",
            shown.display(),
            unknown.join(", ")
        );
    }
    if applied.is_empty() {
        bail!(
            "{} is not a HealthHub database: no migrations applied",
            shown.display()
        );
    }
    Ok(BackupInfo {
        bytes,
        migrations: applied.len(),
    })
}

/// Replaces the database at `database_url` with the backup at `backup`, after checking it with
/// [`verify`]. Refuses while the database is in use (stop the server first), and refuses to
/// replace an existing database unless `force`. The backup file itself is left untouched.
///
/// The backup is first copied next to the database and checked there, then renamed over it,
/// so the database is either the old one or the whole new one; stale `-wal`/`-shm` files of
/// the old database are removed first so they cannot be applied to the new one.
pub fn restore(backup: &Path, database_url: &str, force: bool) -> anyhow::Result<Restored> {
    let database = absolute(&database_file(database_url)?)?;
    let backup = absolute(backup)?;
    if !backup.is_file() {
        bail!("there is no backup file at {}", backup.display());
    }
    if database.exists() && fs::canonicalize(&database)? == fs::canonicalize(&backup)? {
        bail!("the backup is the database itself");
    }
    let replaced = database.exists() && fs::metadata(&database)?.len() > 0;
    if replaced && !force {
        bail!(
            "{} already holds a database; pass --force to replace it",
            database.display()
        );
    }

    let staged = Staged::new(&database)?;
    fs::copy(&backup, staged.path()).with_context(|| {
        format!(
            "copying {} to {}",
            backup.display(),
            staged.path().display()
        )
    })?;
    let info = check(staged.path(), &backup)?;
    sync_file(staged.path())?;

    ensure_not_in_use(&database)?;
    for suffix in SIDE_FILES {
        remove_if_present(&side_file(&database, suffix))?;
    }
    staged.install(&database)?;
    Ok(Restored {
        database: database.display().to_string(),
        info,
        replaced,
    })
}

/// Refuses when a process appears to use the database: its write-ahead log has content (a
/// running server, or one that did not shut down cleanly), or another connection holds it
/// (switching out of WAL needs exclusive access and fails at once otherwise).
fn ensure_not_in_use(database: &Path) -> anyhow::Result<()> {
    if !database.exists() {
        return Ok(());
    }
    let wal = side_file(database, "-wal");
    if fs::metadata(&wal).is_ok_and(|meta| meta.len() > 0) {
        bail!(
            "{} is in use or was not shut down cleanly ({} has content): stop the server first; \
             if it is stopped, start and stop it (or run `healthhub migrate`) once so the log is \
             folded into the database, then restore",
            database.display(),
            wal.display()
        );
    }
    let name = database
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", database.display()))?;
    let mut conn = SqliteConnection::establish(name)
        .with_context(|| format!("opening {}", database.display()))?;
    match conn.batch_execute("PRAGMA busy_timeout = 0; PRAGMA journal_mode = DELETE;") {
        Err(error) if is_busy(&error) => bail!(
            "{} is in use ({error}): stop the server first",
            database.display()
        ),
        // Not a database at all (or damaged): nothing uses it, and it is being replaced.
        _ => Ok(()),
    }
}

/// True for SQLite's "database is locked" / "database is busy".
fn is_busy(error: &diesel::result::Error) -> bool {
    let message = error.to_string();
    message.contains("locked") || message.contains("busy")
}

/// A copy of the backup being prepared next to the database; removed unless installed.
struct Staged {
    path: PathBuf,
    installed: bool,
}

impl Staged {
    fn new(database: &Path) -> anyhow::Result<Self> {
        let name = database
            .file_name()
            .with_context(|| format!("{} is not a file name", database.display()))?
            .to_string_lossy();
        let path = database.with_file_name(format!(".{name}.restore-{}", std::process::id()));
        Ok(Self {
            path,
            installed: false,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn install(mut self, database: &Path) -> anyhow::Result<()> {
        fs::rename(&self.path, database)
            .with_context(|| format!("moving {} to {}", self.path.display(), database.display()))?;
        self.installed = true;
        sync_parent(database);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.installed {
            let _ = fs::remove_file(&self.path);
            for suffix in SIDE_FILES {
                let _ = fs::remove_file(side_file(&self.path, suffix));
            }
        }
    }
}

/// The versions of the migrations compiled into this binary.
fn known_migrations() -> anyhow::Result<BTreeSet<String>> {
    Ok(known_versions(Backend::Sqlite).into_iter().collect())
}

/// The file behind a `DATABASE_URL`: a path, or a `file:` URI without its query string.
pub fn database_file(database_url: &str) -> anyhow::Result<PathBuf> {
    let path = match database_url.strip_prefix("file:") {
        Some(uri) => uri.split(['?', '#']).next().unwrap_or_default(),
        None => database_url,
    };
    if path.is_empty() || path == ":memory:" {
        bail!("DATABASE_URL '{database_url}' does not name a database file");
    }
    Ok(PathBuf::from(path))
}

/// `path` made absolute against the working directory.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))
}

/// `<database><suffix>`, e.g. `healthhub.db-wal`.
fn side_file(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn sync_file(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("flushing {} to disk", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_file_reads_paths_and_file_uris() {
        assert_eq!(
            database_file("healthhub.db").unwrap(),
            PathBuf::from("healthhub.db")
        );
        assert_eq!(
            database_file("file:/var/lib/hh.db?mode=rwc").unwrap(),
            PathBuf::from("/var/lib/hh.db")
        );
        assert!(database_file(":memory:").is_err());
        assert!(database_file("file:").is_err());
    }

    #[test]
    fn side_files_are_named_after_the_database() {
        assert_eq!(
            side_file(Path::new("/data/hh.db"), "-wal"),
            PathBuf::from("/data/hh.db-wal")
        );
    }
}

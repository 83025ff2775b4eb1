//! PostgreSQL: backups with `pg_dump`, and restores with `pg_restore` that check the archive first.
//!
//! [`backup`] runs `pg_dump --format=custom --no-owner`: one `REPEATABLE READ` snapshot of the
//! live database (every write committed before it started, none after) while the server keeps
//! reading and writing. [`verify`] reads the archive back (`pg_restore --list`) and the versions
//! of `__diesel_schema_migrations` out of it. [`restore`] refuses a doubtful archive before it
//! connects, then loads it with `pg_restore --single-transaction --exit-on-error --no-owner`,
//! so the database is either as it was or the whole backup, and finally sends
//! `NOTIFY healthhub_changes, 'all'` so that running servers drop what they cached.
//!
//! The tools are looked up on `PATH`, else in the highest `/usr/lib/postgresql/<major>/bin`;
//! `pg_dump` refuses a server of a newer major version than its own. A password in the URL
//! (`postgres://user:secret@host/db` or `?password=secret`) reaches the tools through
//! `PGPASSWORD` only, never their command line, and messages show the URL without credentials.

use super::durable::sync_parent;
use super::report::{BackupInfo, Restored};
use crate::db::{known_versions, Backend};
use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The first bytes of every `pg_dump` archive in the custom format.
const SIGNATURE: &[u8] = b"PGDMP";

/// Where Debian and Ubuntu install each major version's tools (`<major>/bin`).
const VERSIONED_TOOLS: &str = "/usr/lib/postgresql";

/// The notification channel running servers listen on for changes made behind their back.
pub const CHANGES_CHANNEL: &str = "healthhub_changes";

/// Tables whose presence means a database already holds HealthHub's data.
const HEALTHHUB_TABLES: [&str; 4] = [
    "__diesel_schema_migrations",
    "categories",
    "articles",
    "sections",
];

/// True when the file at `path` starts like a `pg_dump` custom-format archive (false when it
/// cannot be read).
pub fn is_dump(path: &Path) -> bool {
    let mut head = [0u8; 5];
    File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok()
        && head == SIGNATURE
}

/// Writes a `pg_dump --format=custom --no-owner` archive of the database at `database_url` (a
/// `postgres://` URL) to `target`, which must not exist yet; safe while servers use the database.
/// Returns the archive's size in bytes.
///
/// Errors: `target` exists; `pg_dump` is not installed; it fails (server unreachable, refused
/// credentials, or a server newer than `pg_dump`), in which case the partial file is removed.
pub fn backup(database_url: &str, target: &Path) -> anyhow::Result<u64> {
    let target = absolute(target)?;
    let url = ToolUrl::of(database_url);
    let pg_dump = find_tool("pg_dump")?;
    // Creating the file first claims the name: a file that appears meanwhile is never overwritten.
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
    {
        Ok(_) => {}
        Err(error) if error.kind() == ErrorKind::AlreadyExists => bail!(
            "{} already exists; choose a new file name (a backup never overwrites)",
            target.display()
        ),
        Err(error) => {
            return Err(error).with_context(|| format!("creating {}", target.display()));
        }
    }
    let mut file_arg = OsString::from("--file=");
    file_arg.push(&target);
    let dumped = run(
        &pg_dump,
        &[
            OsStr::new("--format=custom"),
            OsStr::new("--no-owner"),
            &file_arg,
            OsStr::new(&format!("--dbname={}", url.bare)),
        ],
        &url,
    )
    .with_context(|| format!("backing up {}", url.shown));
    if let Err(error) = dumped {
        let _ = fs::remove_file(&target);
        return Err(error);
    }
    File::open(&target)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("flushing {} to disk", target.display()))?;
    sync_parent(&target);
    Ok(fs::metadata(&target)
        .with_context(|| format!("reading {}", target.display()))?
        .len())
}

/// Checks the archive at `path`: `pg_restore --list` reads it, and the versions in its
/// `__diesel_schema_migrations` table are all ones this binary knows. Changes nothing.
///
/// Errors: the file is missing, empty or not a custom-format archive (an SQLite backup is named
/// as such), `pg_restore` is not installed or cannot read it, it holds no HealthHub migrations,
/// or it records a migration this binary does not know (it was made by a newer HealthHub).
pub fn verify(path: &Path) -> anyhow::Result<BackupInfo> {
    let bytes = fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if bytes == 0 {
        bail!("{} is empty", path.display());
    }
    if !is_dump(path) {
        bail!(
            "{} is not a pg_dump archive in the custom format (as `healthhub backup` writes on \
             PostgreSQL); an SQLite backup cannot be restored into PostgreSQL: use \
             `healthhub export` on SQLite, then `healthhub import` with the PostgreSQL \
             DATABASE_URL",
            path.display()
        );
    }
    let pg_restore = find_tool("pg_restore")?;
    let no_password = ToolUrl::none();
    run(
        &pg_restore,
        &[OsStr::new("--list"), path.as_os_str()],
        &no_password,
    )
    .with_context(|| format!("{} is damaged or not a pg_dump archive", path.display()))?;
    let script = run(
        &pg_restore,
        &[
            OsStr::new("--data-only"),
            OsStr::new("--table=__diesel_schema_migrations"),
            OsStr::new("--file=-"),
            path.as_os_str(),
        ],
        &no_password,
    )
    .with_context(|| format!("reading the migrations of {}", path.display()))?;
    let applied = migrations_in(&script);
    let known: BTreeSet<String> = known_versions(Backend::Postgres).into_iter().collect();
    let unknown: Vec<&str> = applied
        .iter()
        .filter(|version| !known.contains(version.as_str()))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        bail!(
            "{} was written by a newer HealthHub: it has migrations this binary does not know ({})",
            path.display(),
            unknown.join(", ")
        );
    }
    if applied.is_empty() {
        bail!(
            "{} is not a HealthHub database: no migrations applied",
            path.display()
        );
    }
    Ok(BackupInfo {
        bytes,
        migrations: applied.len(),
    })
}

/// Loads the archive at `backup` into the database `database_url` names, after [`verify`] and
/// before touching it: `pg_restore --single-transaction --exit-on-error --no-owner`, with
/// `--clean --if-exists` when `force`. Refuses a database that already holds HealthHub tables
/// unless `force`. Servers may keep running; they are sent `NOTIFY healthhub_changes, 'all'`
/// afterwards. The database must exist (`CREATE DATABASE`); the backup file is left untouched.
///
/// Errors: everything [`verify`] refuses; the database is unreachable; it holds HealthHub tables
/// and `force` is false; `pg_restore` fails (the database is then as it was).
pub fn restore(backup: &Path, database_url: &str, force: bool) -> anyhow::Result<Restored> {
    let backup = absolute(backup)?;
    if !backup.is_file() {
        bail!("there is no backup file at {}", backup.display());
    }
    let info = verify(&backup)?;
    let url = ToolUrl::of(database_url);
    let pg_restore = find_tool("pg_restore")?;
    let mut conn = PgConnection::establish(database_url)
        .map_err(|error| anyhow::anyhow!("{}", url.scrub(&error.to_string())))
        .with_context(|| format!("connecting to {}", url.shown))?;
    let replaced = holds_healthhub(&mut conn).with_context(|| format!("reading {}", url.shown))?;
    if replaced && !force {
        bail!(
            "{} already holds a HealthHub database; pass --force to replace it",
            url.shown
        );
    }

    let dbname = OsString::from(format!("--dbname={}", url.bare));
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("--single-transaction"),
        OsStr::new("--exit-on-error"),
        OsStr::new("--no-owner"),
    ];
    if force {
        args.extend([OsStr::new("--clean"), OsStr::new("--if-exists")]);
    }
    args.extend([dbname.as_os_str(), backup.as_os_str()]);
    run(&pg_restore, &args, &url).with_context(|| {
        format!(
            "restoring {} into {} (nothing was changed)",
            backup.display(),
            url.shown
        )
    })?;

    if let Err(error) = conn.batch_execute(&format!("NOTIFY {CHANGES_CHANNEL}, 'all'")) {
        tracing::warn!(%error, database = %url.shown, "restored, but could not notify the servers");
    }
    Ok(Restored {
        database: url.shown,
        info,
        replaced,
    })
}

/// True when the current schema of `conn`'s database has one of [`HEALTHHUB_TABLES`].
fn holds_healthhub(conn: &mut PgConnection) -> anyhow::Result<bool> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let names = HEALTHHUB_TABLES
        .iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let found = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM pg_catalog.pg_tables \
         WHERE schemaname = current_schema() AND tablename IN ({names})"
    ))
    .get_result::<Count>(conn)?;
    Ok(found.n > 0)
}

/// The versions in the `COPY … __diesel_schema_migrations (…) FROM stdin;` block of a
/// `pg_restore` SQL script, in the order written; none when the script has no such block.
fn migrations_in(script: &str) -> Vec<String> {
    let mut lines = script.lines();
    let Some(header) = lines
        .by_ref()
        .find(|line| line.starts_with("COPY ") && line.contains("__diesel_schema_migrations"))
    else {
        return Vec::new();
    };
    let column = header
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .and_then(|(columns, _)| {
            columns
                .split(',')
                .position(|column| column.trim().trim_matches('"') == "version")
        })
        .unwrap_or(0);
    lines
        .take_while(|line| *line != "\\.")
        .filter_map(|line| line.split('\t').nth(column))
        .filter(|field| *field != "\\N")
        .map(unescape_copy)
        .collect()
}

/// A field of COPY's text format with its backslash escapes resolved.
fn unescape_copy(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A database URL as handed to the tools: without its password, which travels in
/// `PGPASSWORD`, and as shown in messages.
struct ToolUrl {
    /// The URL without a password (neither `user:secret@` nor `password=`).
    bare: String,
    /// The password taken out of it, percent-decoded.
    password: Option<String>,
    /// The URL without credentials, for messages (`postgres://…@host/db`).
    shown: String,
}

impl ToolUrl {
    /// No database: for the tools that only read a file.
    fn none() -> Self {
        Self {
            bare: String::new(),
            password: None,
            shown: String::new(),
        }
    }

    fn of(database_url: &str) -> Self {
        let Ok(mut parsed) = url::Url::parse(database_url) else {
            // Not a URL the parser reads (libpq accepts a few more forms): passed on as given.
            return Self {
                bare: database_url.to_owned(),
                password: None,
                shown: for_logs(database_url),
            };
        };
        let mut password = parsed
            .password()
            .map(crate::support::percent::percent_decode);
        if password.is_some() {
            let _ = parsed.set_password(None);
        }
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        if pairs.iter().any(|(key, _)| key == "password") {
            let mut kept = Vec::new();
            for (key, value) in pairs {
                if key == "password" {
                    password = Some(value);
                } else {
                    kept.push((key, value));
                }
            }
            if kept.is_empty() {
                parsed.set_query(None);
            } else {
                parsed.query_pairs_mut().clear().extend_pairs(kept);
            }
        }
        let bare = parsed.to_string();
        Self {
            shown: for_logs(&bare),
            bare,
            password: password.filter(|p| !p.is_empty()),
        }
    }

    /// `text` with any occurrence of the password masked.
    fn scrub(&self, text: &str) -> String {
        match &self.password {
            Some(password) => text.replace(password.as_str(), "…"),
            None => text.to_owned(),
        }
    }
}

/// `url` with its user information replaced by `…` (as `Config::database_for_logs` shows it).
fn for_logs(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..end].rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://…@{host}{}", &rest[end..]),
        None => url.to_owned(),
    }
}

/// Runs `tool` with `args` (the password of `url`, if any, in `PGPASSWORD`) and returns its
/// standard output. Errors: it cannot start, or exits unsuccessfully (its standard error, with
/// the password masked, is the message).
fn run(tool: &Path, args: &[&OsStr], url: &ToolUrl) -> anyhow::Result<String> {
    let name = tool
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| tool.display().to_string());
    let mut command = Command::new(tool);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(password) = &url.password {
        command.env("PGPASSWORD", password);
    }
    let output = command
        .output()
        .with_context(|| format!("running {}", tool.display()))?;
    if !output.status.success() {
        let stderr = url.scrub(String::from_utf8_lossy(&output.stderr).trim());
        let hint = if stderr.contains("version mismatch") {
            format!(
                "; {name}'s major version must be at least the server's: install newer PostgreSQL \
                 client tools (found on PATH, else in the highest {VERSIONED_TOOLS}/<major>/bin)"
            )
        } else {
            String::new()
        };
        bail!("{name} failed ({}): {stderr}{hint}", output.status);
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The PostgreSQL tool `name` (`pg_dump`, `pg_restore`): the first on `PATH`, else the one of the
/// highest major version in `/usr/lib/postgresql/<major>/bin`.
///
/// Errors: neither has it (the message names the tool and where it was looked for).
fn find_tool(name: &str) -> anyhow::Result<PathBuf> {
    find_tool_in(
        name,
        std::env::var_os("PATH").as_deref(),
        Path::new(VERSIONED_TOOLS),
    )
}

fn find_tool_in(name: &str, path: Option<&OsStr>, versioned: &Path) -> anyhow::Result<PathBuf> {
    let on_path = path
        .into_iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate));
    if let Some(found) = on_path {
        return Ok(found);
    }
    let highest = fs::read_dir(versioned)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let candidate = entry.path().join("bin").join(name);
            is_executable(&candidate).then_some((major, candidate))
        })
        .max_by_key(|(major, _)| *major);
    match highest {
        Some((_, found)) => Ok(found),
        None => bail!(
            "{name} was not found on PATH nor in {}/<major>/bin: install the PostgreSQL client \
             tools (e.g. `apt-get install postgresql-client`), of the server's major version or \
             newer",
            versioned.display()
        ),
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// `path` made absolute against the working directory.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let url = ToolUrl::of("postgres://hh:s%40cr%3At@db.example:5432/healthhub?sslmode=require");
        assert_eq!(
            url.bare,
            "postgres://hh@db.example:5432/healthhub?sslmode=require"
        );
        assert_eq!(url.password.as_deref(), Some("s@cr:t"));
        assert_eq!(
            url.shown,
            "postgres://…@db.example:5432/healthhub?sslmode=require"
        );
        assert_eq!(url.scrub("bad s@cr:t here"), "bad … here");

        let url = ToolUrl::of("postgresql://db/hh?password=secret&sslmode=disable");
        assert_eq!(url.bare, "postgresql://db/hh?sslmode=disable");
        assert_eq!(url.password.as_deref(), Some("secret"));
        assert!(!url.shown.contains("secret"));

        let url = ToolUrl::of("postgres://postgres@127.0.0.1:5433/postgres");
        assert_eq!(url.bare, "postgres://postgres@127.0.0.1:5433/postgres");
        assert_eq!(url.password, None);
        assert_eq!(url.shown, "postgres://…@127.0.0.1:5433/postgres");
    }

    #[test]
    fn the_migrations_are_read_from_the_copy_block() {
        let script = "--\n-- PostgreSQL database dump\n--\n\n\
            COPY public.__diesel_schema_migrations (version, run_on) FROM stdin;\n\
            00000000000000\t2026-06-01 12:00:00\n\
            2026-01-02-000001\t2026-06-01 12:00:00\n\
            \\.\n\n\
            COPY public.other (version) FROM stdin;\nnope\n\\.\n";
        assert_eq!(
            migrations_in(script),
            ["00000000000000", "2026-01-02-000001"]
        );
        let reordered =
            "COPY public.__diesel_schema_migrations (run_on, \"version\") FROM stdin;\n\
            2026-06-01\t1\\\\2\n\\.\n";
        assert_eq!(migrations_in(reordered), ["1\\2"]);
        assert!(migrations_in("-- nothing here\n").is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn the_tools_come_from_path_else_the_highest_major() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let versioned = dir.path().join("postgresql");
        for major in ["9", "13", "16", "latest"] {
            let bin = versioned.join(major).join("bin");
            fs::create_dir_all(&bin).unwrap();
            let tool = bin.join("pg_dump");
            fs::write(&tool, "#!/bin/sh\n").unwrap();
            fs::set_permissions(&tool, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let empty_path = dir.path().join("empty");
        fs::create_dir_all(&empty_path).unwrap();
        assert_eq!(
            find_tool_in("pg_dump", Some(empty_path.as_os_str()), &versioned).unwrap(),
            versioned.join("16/bin/pg_dump")
        );
        let on_path = versioned.join("9/bin");
        assert_eq!(
            find_tool_in("pg_dump", Some(on_path.as_os_str()), &versioned).unwrap(),
            on_path.join("pg_dump")
        );
        let error = find_tool_in("pg_restore", None, &versioned).unwrap_err();
        assert!(
            error.to_string().contains("pg_restore was not found"),
            "{error}"
        );
    }

    #[test]
    fn a_dump_is_recognised_by_its_signature() {
        let dir = tempfile::tempdir().unwrap();
        let dump = dir.path().join("a.dump");
        fs::write(&dump, b"PGDMP\x01\x0e\x00").unwrap();
        assert!(is_dump(&dump));
        let other = dir.path().join("b.db");
        fs::write(&other, b"SQLite format 3\0").unwrap();
        assert!(!is_dump(&other));
        assert!(!is_dump(&dir.path().join("missing")));
    }
}

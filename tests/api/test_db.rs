//! The database a test runs on: a fresh SQLite file in the test's temporary folder, or, when
//! `HEALTHHUB_TEST_DATABASE_URL` names a PostgreSQL server (`.ci/run` starts one), a fresh
//! database cloned from a template migrated once per test process, dropped when the test ends.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use healthhub::db::{Backend, Database};
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// The server every PostgreSQL test database is created on, when the suite runs on PostgreSQL.
fn server_url() -> Option<String> {
    std::env::var("HEALTHHUB_TEST_DATABASE_URL")
        .ok()
        .filter(|url| Backend::of(url) == Backend::Postgres)
}

/// The backend this run of the suite tests.
pub fn backend() -> Backend {
    match server_url() {
        Some(_) => Backend::Postgres,
        None => Backend::Sqlite,
    }
}

/// `server`'s URL naming database `name` instead (any query string kept).
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server, String::new()),
    };
    let (authority, _) = base.rsplit_once('/').expect("a database URL has a path");
    format!("{authority}/{name}{query}")
}

/// The administrative connection (to the server's URL as given) that creates and drops the test
/// databases, one statement at a time: a template must have no other session while it is copied.
fn admin() -> &'static Mutex<PgConnection> {
    static ADMIN: OnceLock<Mutex<PgConnection>> = OnceLock::new();
    ADMIN.get_or_init(|| {
        let url = server_url().expect("a PostgreSQL server");
        Mutex::new(PgConnection::establish(&url).expect("connect to the test server"))
    })
}

/// This process's template: a database with every migration applied, created on first use.
fn template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = format!("hh_template_{}", std::process::id());
        let server = server_url().expect("a PostgreSQL server");
        {
            let mut admin = admin().lock().unwrap();
            // One statement per call: PostgreSQL runs a multi-statement string as one
            // transaction, where DROP and CREATE DATABASE may not run.
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .expect("drop an old template database");
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create the template database");
        }
        let (database, _) =
            Database::open(&with_database(&server, &name), 1).expect("migrate the template");
        drop(database);
        name
    })
}

/// A database for one test, removed when dropped.
pub enum TestDatabase {
    /// A file in the test's temporary folder (removed with the folder).
    Sqlite { url: String },
    /// A database on the test server, dropped (with its sessions) when the test ends.
    Postgres { url: String, name: String },
}

impl TestDatabase {
    /// A new, migrated, empty database; `dir` is the test's temporary folder.
    pub fn create(dir: &Path) -> Self {
        let Some(server) = server_url() else {
            let url = dir.join("test.db").to_string_lossy().into_owned();
            return Self::Sqlite { url };
        };
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let template = template();
        let name = format!(
            "hh_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin()
            .lock()
            .unwrap()
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"
            ))
            .expect("create the test database");
        Self::Postgres {
            url: with_database(&server, &name),
            name,
        }
    }

    /// A new, empty database on the test server (no tables, not migrated: a restore's target),
    /// dropped when the test ends. Only when the suite runs on PostgreSQL.
    pub fn empty_postgres() -> Self {
        let server = server_url().expect("a PostgreSQL server");
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "hh_empty_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin()
            .lock()
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .expect("create an empty database");
        Self::Postgres {
            url: with_database(&server, &name),
            name,
        }
    }

    /// The `DATABASE_URL` of this database.
    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url } | Self::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { name, .. } = self {
            if let Ok(mut admin) = admin().lock() {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// True (after saying so on stderr) when the suite runs on PostgreSQL and the calling test is
/// about SQLite itself (its files, PRAGMAs or journal): the test then returns early.
pub fn sqlite_only(what: &str) -> bool {
    let skip = backend() == Backend::Postgres;
    if skip {
        eprintln!("skipped on PostgreSQL: {what} is SQLite's");
    }
    skip
}

/// True (after saying so on stderr) when the suite runs on SQLite and the calling test is about
/// PostgreSQL itself (its tools, databases or notifications): the test then returns early.
pub fn postgres_only(what: &str) -> bool {
    let skip = backend() == Backend::Sqlite;
    if skip {
        eprintln!(
            "skipped on SQLite: {what} is PostgreSQL's (set HEALTHHUB_TEST_DATABASE_URL=postgres://…)"
        );
    }
    skip
}

/// True (and says so) when the test needs a streaming replica and there is none: on SQLite, or
/// without `HEALTHHUB_TEST_REPLICA_URL` (`.ci/run` starts one).
pub fn replica_only(what: &str) -> bool {
    if postgres_only(what) {
        return true;
    }
    let skip = std::env::var("HEALTHHUB_TEST_REPLICA_URL").is_err();
    if skip {
        eprintln!("skipped: HEALTHHUB_TEST_REPLICA_URL names no replica");
    }
    skip
}

/// The condition that `column` holds an integer (SQLite would turn an overflowing sum into a
/// REAL; PostgreSQL's column type is fixed, so there it checks the type is still `bigint`).
pub fn stored_as_integer(column: &str) -> String {
    match backend() {
        Backend::Sqlite => format!("typeof({column}) = 'integer'"),
        Backend::Postgres => format!("pg_typeof({column}) = 'bigint'::regtype"),
    }
}

/// The URL of the test database `database_url` on the streaming replica of the test server
/// (`HEALTHHUB_TEST_REPLICA_URL`, which `.ci/run` sets), once the replica has replayed its
/// creation; `None` without a replica.
pub fn replica_of(database_url: &str) -> Option<String> {
    let replica = std::env::var("HEALTHHUB_TEST_REPLICA_URL").ok()?;
    let name = database_url.rsplit('/').next()?;
    let url = with_database(&replica, name);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while healthhub::db::DbConn::open(&url).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the replica never had {name}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Some(url)
}

//! `DbConn`: one connection type over both backends (SQLite and PostgreSQL), the backend chosen
//! at run time from the database URL, and the r2d2 manager that opens it.

use diesel::connection::SimpleConnection;
use diesel::r2d2::{Error as PoolError, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

/// A connection to either backend. Diesel's DSL runs on it unchanged (its backend is
/// `MultiBackend`); code that must differ per backend matches on the variant or asks
/// [`DbConn::backend`].
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// An embedded SQLite database file (the default).
    Sqlite(SqliteConnection),
    /// A PostgreSQL server.
    Postgres(PgConnection),
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file: a path, optionally prefixed with `sqlite://`.
    Sqlite,
    /// A PostgreSQL server: a `postgres://` or `postgresql://` URL (libpq's URI form).
    Postgres,
}

impl Backend {
    /// The backend `url` names: PostgreSQL for `postgres://`/`postgresql://`, SQLite otherwise.
    pub fn of(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// The name used in logs and errors.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

impl DbConn {
    /// Connects to the database `url` names (see [`Backend::of`]; a `sqlite://` prefix is
    /// dropped). Use this, not `Connection::establish`, which would try SQLite for any URL.
    ///
    /// Errors: the server cannot be reached or refuses, or the file cannot be opened.
    pub fn open(url: &str) -> diesel::ConnectionResult<Self> {
        let url = url.strip_prefix("sqlite://").unwrap_or(url);
        match Backend::of(url) {
            Backend::Sqlite => SqliteConnection::establish(url).map(DbConn::Sqlite),
            Backend::Postgres => PgConnection::establish(url).map(DbConn::Postgres),
        }
    }

    /// The engine this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Opens connections of the backend its URL names. Diesel's own `establish` on a multi-backend
/// connection tries each backend in turn, and SQLite accepts any string as a file name: a
/// PostgreSQL server that is down would silently become a new SQLite file named like its URL.
pub struct Manager {
    url: String,
    /// Statements run on every new connection (PRAGMAs, session settings).
    setup: String,
}

impl Manager {
    /// A manager for `url`, running `setup` (SQL, may be empty) on each new connection.
    pub fn new(url: &str, setup: String) -> Self {
        Self {
            url: url.to_owned(),
            setup,
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = PoolError;

    fn connect(&self) -> Result<DbConn, PoolError> {
        let mut conn = DbConn::open(&self.url).map_err(PoolError::ConnectionError)?;
        if !self.setup.is_empty() {
            conn.batch_execute(&self.setup)
                .map_err(PoolError::QueryError)?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), PoolError> {
        conn.ping().map_err(PoolError::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

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

    /// True when the connection is found lost without a round trip. PostgreSQL: reads what the
    /// server has sent without waiting (`PQconsumeInput`, through diesel's notification
    /// iterator; pooled connections never `LISTEN`, so nothing is taken from anyone). A server
    /// that ended the session (a restart, `pg_terminate_backend`, an idle timeout) sent its
    /// error and closed the socket: the first read takes the error, the second meets the end of
    /// the stream and fails. A connection lost without a word (a dead network) is found by its
    /// next statement instead. An SQLite file is never lost.
    pub fn is_closed(&mut self) -> bool {
        match self {
            Self::Sqlite(_) => false,
            Self::Postgres(conn) => {
                (0..2).any(|_| matches!(conn.notifications_iter().next(), Some(Err(_))))
            }
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

    /// Without a round trip (a `SELECT 1` per checkout was one of an article read's six on
    /// PostgreSQL): the connection is refused when libpq already knows it is closed. One the
    /// server dropped unseen fails its next statement instead, which answers 503 (retry); the
    /// next checkout then finds it closed and replaces it. This is deadpool-postgres's default
    /// ("fast" recycling).
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), PoolError> {
        if conn.is_closed() {
            return Err(PoolError::QueryError(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection,
                Box::new("the connection to the database is closed".to_owned()),
            )));
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // A closed connection is refused when it is next taken (`is_valid`): checking here too
        // would read the socket twice per request.
        std::thread::panicking() || conn.is_broken()
    }
}

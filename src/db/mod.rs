//! The SQLite database: a read pool, one writer connection, per-connection PRAGMAs and the embedded migrations.

pub mod backup;
pub mod bulk;
pub mod idempotency;
pub mod redirects;
pub mod schema;
pub mod search_index;
pub mod sql;

use crate::error::{ApiError, ApiResult};
use crate::support::clock::Clock;
use actix_web::web;
use anyhow::Context;
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::{Connection, QueryResult, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The migrations under `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

diesel::define_sql_function! {
    /// The plain text a reader sees of a Markdown body (`search_text::of_markdown`): what the
    /// search index holds of a section body. Called by the migration that backfills
    /// `sections.body_text`.
    fn healthhub_search_text(body: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Registers the application's SQL functions on `conn` (the writer, before migrations run).
pub fn register_functions(conn: &mut SqliteConnection) -> QueryResult<()> {
    healthhub_search_text_utils::register_impl(conn, |body: String| {
        crate::support::search_text::of_markdown(&body)
    })
}

/// How long a connection waits for a lock another connection holds before giving up.
pub const BUSY_TIMEOUT_MS: u32 = 10_000;

type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;

/// Handles to one SQLite database: many readers, a single writer.
///
/// All writes go through the single writer connection inside an `IMMEDIATE` transaction, so
/// writers queue in the pool instead of failing with "database is locked"; readers never block
/// them thanks to WAL.
#[derive(Clone)]
pub struct Database {
    reader: SqlitePool,
    writer: SqlitePool,
    /// When the last write through these handles committed (microseconds since the epoch).
    last_write: Arc<AtomicI64>,
    /// The source of "now" for `last_write`.
    clock: Clock,
}

#[derive(Debug)]
struct ConnectionSetup {
    read_only: bool,
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        let mut pragmas = String::from("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
        pragmas.push_str(&format!(" PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"));
        if self.read_only {
            pragmas.push_str(" PRAGMA query_only = ON;");
        }
        conn.batch_execute(&pragmas)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

impl Database {
    /// Opens (creating if needed) the database at `url`, switches it to WAL and runs the pending
    /// migrations. Returns the handles and whether the database was brand new.
    pub fn open(url: &str, read_pool_size: u32) -> anyhow::Result<(Self, bool)> {
        let writer = build_pool(url, 1, false)?;
        let fresh = {
            let mut conn = writer.get().context("opening the writer connection")?;
            conn.batch_execute("PRAGMA journal_mode = WAL;")
                .context("switching the database to WAL")?;
            let applied = conn
                .applied_migrations()
                .map_err(|e| anyhow::anyhow!("reading applied migrations: {e}"))?;
            register_functions(&mut conn).context("registering SQL functions")?;
            conn.run_pending_migrations(MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
            applied.is_empty()
        };
        let reader = build_pool(url, read_pool_size.max(1), true)?;
        let clock = Clock::system();
        let last_write = Arc::new(AtomicI64::new(clock.now().timestamp_micros()));
        let database = Self {
            reader,
            writer,
            last_write,
            clock,
        };
        database.refresh_statistics()?;
        Ok((database, fresh))
    }

    /// Lets SQLite gather the statistics its query planner chooses indexes by (`sqlite_stat1`)
    /// for every table whose size changed a lot since they were last gathered: bounded work,
    /// nothing when nothing changed. Without them SQLite can, for instance, count a category's
    /// articles by walking every published article rather than that category's index entries.
    /// Runs when the database is opened and after an import.
    pub fn refresh_statistics(&self) -> anyhow::Result<()> {
        let mut conn = self.writer.get().context("opening the writer connection")?;
        conn.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
            .context("gathering query planner statistics")
    }

    /// These handles with write times taken from `clock` (the application's clock, so tests can
    /// move time), counting from its current instant as the time the database was opened.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.last_write
            .store(clock.now().timestamp_micros(), Ordering::Release);
        self.clock = clock;
        self
    }

    /// When the last write through these handles committed, or when the database was opened if
    /// nothing has been written since. Writes by other processes are not seen.
    pub fn last_write(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.last_write.load(Ordering::Acquire))
            .unwrap_or(DateTime::UNIX_EPOCH)
    }

    /// Records that a write has just committed.
    fn wrote(&self) {
        self.last_write
            .fetch_max(self.clock.now().timestamp_micros(), Ordering::AcqRel);
    }

    /// Runs `query` on a read connection, in one (deferred) transaction so it sees a single
    /// snapshot, off the async executor.
    pub async fn read<T, F>(&self, query: F) -> ApiResult<T>
    where
        F: FnOnce(&mut SqliteConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.reader.clone();
        web::block(move || {
            let mut pooled = pool.get()?;
            let conn: &mut SqliteConnection = &mut pooled;
            conn.transaction(query)
        })
        .await?
    }

    /// Runs `change` on the writer connection in an `IMMEDIATE` transaction, off the async
    /// executor: it commits only when `change` returns `Ok`.
    pub async fn write<T, F>(&self, change: F) -> ApiResult<T>
    where
        F: FnOnce(&mut SqliteConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let committed = self.bookkeeping(change).await?;
        self.wrote();
        Ok(committed)
    }

    /// Runs `change` on the writer connection in an `IMMEDIATE` transaction, off the async
    /// executor, like [`Self::write`], but as bookkeeping that no content reader sees (webhook
    /// settings): [`Self::last_write`], and so `Last-Modified`, stays as it was.
    pub async fn bookkeeping<T, F>(&self, change: F) -> ApiResult<T>
    where
        F: FnOnce(&mut SqliteConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.writer.clone();
        web::block(move || {
            let mut pooled = pool.get()?;
            let conn: &mut SqliteConnection = &mut pooled;
            conn.immediate_transaction(change)
        })
        .await?
    }

    /// Runs `change` in a writer transaction on the current thread (for the CLI and start-up).
    pub fn write_blocking<T>(
        &self,
        change: impl FnOnce(&mut SqliteConnection) -> ApiResult<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.writer.get().context("opening the writer connection")?;
        let conn: &mut SqliteConnection = &mut pooled;
        let committed = conn.immediate_transaction(change).map_err(into_anyhow)?;
        self.wrote();
        Ok(committed)
    }

    /// Runs `change` in a writer transaction on the current thread like [`Self::write_blocking`],
    /// but as bookkeeping that is not a content change (token records): [`Self::last_write`],
    /// and so `Last-Modified`, stays as it was. Async callers wrap it in `web::block`.
    pub fn write_bookkeeping<T>(
        &self,
        change: impl FnOnce(&mut SqliteConnection) -> ApiResult<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.writer.get().context("opening the writer connection")?;
        let conn: &mut SqliteConnection = &mut pooled;
        conn.immediate_transaction(change).map_err(into_anyhow)
    }

    /// Runs `f` on the writer connection outside any transaction, for the PRAGMAs that cannot
    /// run inside one (the CLI's import).
    pub fn on_writer<T>(
        &self,
        f: impl FnOnce(&mut SqliteConnection) -> QueryResult<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.writer.get().context("opening the writer connection")?;
        Ok(f(&mut pooled)?)
    }

    /// Runs `query` on a read connection in one transaction on the current thread (for the CLI).
    pub fn read_blocking<T>(
        &self,
        query: impl FnOnce(&mut SqliteConnection) -> ApiResult<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.reader.get().context("opening a read connection")?;
        let conn: &mut SqliteConnection = &mut pooled;
        conn.transaction(query).map_err(into_anyhow)
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.read(|conn| conn.batch_execute("SELECT 1;").map_err(ApiError::from))
            .await
            .is_ok()
    }
}

fn build_pool(url: &str, size: u32, read_only: bool) -> anyhow::Result<SqlitePool> {
    Pool::builder()
        .max_size(size)
        // Opened on demand: a command line import needs to be the only connection to leave WAL.
        .min_idle(Some(0))
        // No `SELECT 1` before every use: a connection to a local file does not go stale.
        .test_on_check_out(false)
        .connection_customizer(Box::new(ConnectionSetup { read_only }))
        .build(ConnectionManager::<SqliteConnection>::new(url))
        .with_context(|| format!("opening the SQLite database '{url}'"))
}

/// An error of the CLI or start-up path: internal causes keep their chain, others their message.
fn into_anyhow(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}

//! The SQLite database: a read pool, one writer connection, per-connection PRAGMAs and the embedded migrations.

pub mod schema;

use crate::error::{ApiError, ApiResult};
use actix_web::web;
use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::{Connection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The migrations under `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

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
}

#[derive(Debug)]
struct ConnectionSetup {
    read_only: bool,
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        let mut pragmas = String::from(
            "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
        );
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
            conn.run_pending_migrations(MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
            applied.is_empty()
        };
        let reader = build_pool(url, read_pool_size.max(1), true)?;
        Ok((Self { reader, writer }, fresh))
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
        conn.immediate_transaction(change)
            .map_err(|e| anyhow::anyhow!("{e}: {e:?}"))
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
        .min_idle(Some(1))
        .connection_customizer(Box::new(ConnectionSetup { read_only }))
        .build(ConnectionManager::<SqliteConnection>::new(url))
        .with_context(|| format!("opening the SQLite database '{url}'"))
}

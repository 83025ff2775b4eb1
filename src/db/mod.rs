//! The database: a read pool and the writer, per-backend connection set-up, transactions and the
//! embedded migrations. SQLite (a file: one writer connection, `IMMEDIATE` transactions, WAL
//! readers) or PostgreSQL (one pool; writes serialised cluster-wide by an advisory lock, reads in
//! one `REPEATABLE READ` snapshot), chosen by the URL.

pub mod backup;
pub mod bulk;
pub mod by_ids;
pub mod conn;
pub mod foreign_writes;
pub mod idempotency;
pub mod notifications;
pub mod rate_buckets;
pub mod redirects;
pub mod replica;
pub mod schema;
pub mod search_index;
pub mod search_merge;
pub mod sql;
pub mod transaction;
pub mod write_gate;

pub use conn::{Backend, DbConn, MultiBackend};

use crate::config::DbTimeouts;
use crate::error::{ApiError, ApiResult};
use crate::support::clock::Clock;
use actix_web::web;
use anyhow::Context;
use chrono::{DateTime, Utc};
use conn::Manager;
use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::r2d2::{event::CheckoutEvent, HandleEvent, Pool};
use diesel::QueryResult;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::histogram::Histogram;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use transaction::Access;
use write_gate::WriteGate;

/// The SQLite migrations under `migrations/sqlite/`, compiled into the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// The PostgreSQL migrations under `migrations/postgres/`: the same versions as
/// [`SQLITE_MIGRATIONS`], each translated, compiled into the binary.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The migrations of `backend`.
pub fn migrations(backend: Backend) -> EmbeddedMigrations {
    match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    }
}

/// The versions of `backend`'s migrations (`YYYY-MM-DD-NNNNNN`), oldest first.
pub fn known_versions(backend: Backend) -> Vec<String> {
    let versions = match backend {
        Backend::Sqlite => {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS).map(|list| {
                list.iter()
                    .map(|m| m.name().version().to_string())
                    .collect()
            })
        }
        Backend::Postgres => MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
            .map(|list| {
                list.iter()
                    .map(|m| m.name().version().to_string())
                    .collect()
            }),
    };
    versions.unwrap_or_default()
}

diesel::define_sql_function! {
    /// The plain text a reader sees of a Markdown body (`search_text::of_markdown`): what the
    /// search index holds of a section body. Called by the migration that backfills
    /// `sections.body_text`.
    fn healthhub_search_text(body: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Registers the application's SQL functions on `conn` (SQLite, before migrations run; the
/// PostgreSQL migrations need none).
pub fn register_functions(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(conn) => healthhub_search_text_utils::register_impl(conn, |body: String| {
            crate::support::search_text::of_markdown(&body)
        }),
        DbConn::Postgres(_) => Ok(()),
    }
}

/// How long a connection of the CLI's import waits for a lock another connection holds before
/// giving up (SQLite).
pub const BUSY_TIMEOUT_MS: u32 = 10_000;

/// The longest a read waits for a replica connection before it reads the primary instead.
const REPLICA_POOL_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// The advisory lock key (PostgreSQL) every node's migration run holds: "hh:migr" as a number.
const MIGRATION_LOCK: i64 = 0x0068_683a_6d69_6772;

type DbPool = Pool<Manager>;

/// Handles to one database: readers and the writer.
///
/// On SQLite all writes go through the single writer connection inside an `IMMEDIATE`
/// transaction, so writers queue in the pool instead of failing with "database is locked";
/// readers never block them thanks to WAL. On PostgreSQL both are one pool, and every write
/// transaction first takes one cluster-wide advisory lock ([`transaction::WRITE_LOCK`]), so
/// writers from every node queue exactly as they do on SQLite; within a node they queue in the
/// [`WriteGate`] before taking a connection, so they never fill the pool that reads share.
#[derive(Clone)]
pub struct Database {
    backend: Backend,
    reader: DbPool,
    writer: DbPool,
    /// When the last write through these handles (or, on PostgreSQL, announced by another
    /// node) committed (microseconds since the epoch).
    last_write: Arc<AtomicI64>,
    /// How many content writes these handles have committed or heard of (another node's
    /// announcement, another process's entries in the changes log).
    content_writes: Arc<AtomicU64>,
    /// The source of "now" for `last_write`.
    clock: Clock,
    /// This process's id among the nodes sharing a PostgreSQL database (random hexadecimal).
    node: Arc<str>,
    /// How long requests waited for a pooled connection, in seconds.
    pub pool_waits: Histogram,
    /// A PostgreSQL streaming replica for anonymous reads ([`replica`]), if configured.
    replica: Option<DbPool>,
    /// The primary's WAL position after the last change this node knows of: the replica must
    /// have replayed it before it answers a read.
    known_lsn: Arc<AtomicU64>,
    /// Set while this node cannot tell what the replica must have replayed (its notification
    /// channel is down, or the position after a commit could not be read): reads use the
    /// primary.
    replica_blind: Arc<AtomicBool>,
    /// Anonymous reads the replica answered, and those it could not (behind, or down).
    pub replica_reads: ReplicaReads,
    /// PostgreSQL: this node's queue for writes, so writes waiting for the cluster-wide lock
    /// hold no connection that reads need. SQLite: none (its writer pool is one connection).
    write_gate: Option<WriteGate>,
    /// SQLite: the changes-log entries this process knows of, to notice other processes' writes.
    foreign_writes: Arc<foreign_writes::ForeignWrites>,
}

/// What became of the reads that could use the replica (Prometheus counters).
#[derive(Debug, Default, Clone)]
pub struct ReplicaReads {
    /// Answered by the replica.
    pub served: Counter,
    /// Sent to the primary: the replica had not replayed every change this node knows of,
    /// could not be reached, or answered 404 (which the primary confirms).
    pub fell_back: Counter,
}

/// What a write transaction changes, for what readers must wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    /// Content readers see: `Last-Modified` moves and replica reads wait for the commit.
    Content,
    /// Bookkeeping no content reader sees (webhook deliveries, token records).
    Bookkeeping,
}

/// How much of an SQLite database file each connection reads through a memory map instead of
/// `pread` (`PRAGMA mmap_size`), in bytes: 1 TiB, i.e. the whole file (SQLite maps no more than
/// the file holds). Reading a page then costs no system call and no copy out of the kernel's page
/// cache, which holds the pages either way: at 100 000 articles, uncached single reads went up by
/// about a tenth and title-contains lists 2.5× (BENCHMARKS.md). The bundled SQLite's own cap
/// (`SQLITE_MAX_MMAP_SIZE`, 2 GiB by default) is raised to match in `.cargo/config.toml`. An I/O
/// error on a mapped page is a `SIGBUS` instead of an error code: the trade every memory-mapped
/// database makes.
const SQLITE_MMAP_BYTES: u64 = 1 << 40;

/// The statements every new connection runs: SQLite's PRAGMAs, PostgreSQL's session settings.
fn connection_setup(backend: Backend, read_only: bool, timeouts: &DbTimeouts) -> String {
    let lock_ms = timeouts.lock.as_millis();
    match backend {
        Backend::Sqlite => {
            let mut pragmas =
                String::from("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
            pragmas.push_str(&format!(" PRAGMA mmap_size = {SQLITE_MMAP_BYTES};"));
            pragmas.push_str(&format!(" PRAGMA busy_timeout = {lock_ms};"));
            if read_only {
                pragmas.push_str(" PRAGMA query_only = ON;");
            }
            pragmas
        }
        Backend::Postgres => format!(
            "SET application_name = 'healthhub'; SET TIME ZONE 'UTC'; \
             SET lock_timeout = {lock_ms}; SET statement_timeout = {};",
            timeouts.statement.as_millis()
        ),
    }
}

impl Database {
    /// Opens (creating an SQLite file if needed) the database at `url` and runs the pending
    /// migrations (on PostgreSQL under a cluster-wide lock, so nodes starting together migrate
    /// once). Returns the handles and whether the database was brand new.
    ///
    /// Errors: the database cannot be reached, or it records a migration this binary does not
    /// know (it was migrated by a newer HealthHub).
    pub fn open(url: &str, read_pool_size: u32) -> anyhow::Result<(Self, bool)> {
        Self::open_with(url, read_pool_size, &DbTimeouts::default())
    }

    /// [`Self::open`] with `timeouts` on every connection (the server's settings).
    pub fn open_with(
        url: &str,
        read_pool_size: u32,
        timeouts: &DbTimeouts,
    ) -> anyhow::Result<(Self, bool)> {
        let backend = Backend::of(url);
        let writer_size = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => read_pool_size.max(1) + 1,
        };
        let pool_waits = Histogram::new(POOL_WAIT_BUCKETS);
        let writer = build_pool(url, writer_size, false, timeouts, &pool_waits)?;
        let (fresh, foreign) = {
            // A connection of its own, without the request timeouts of the pool's.
            let mut conn = DbConn::open(url).context("connecting to the database")?;
            if backend == Backend::Sqlite {
                conn.batch_execute(&connection_setup(backend, false, timeouts))
                    .context("setting up the migration connection")?;
            }
            let fresh = migrate(&mut conn)?;
            let foreign = foreign_writes::ForeignWrites::starting_at(&mut conn)
                .context("reading the changes log")?;
            (fresh, foreign)
        };
        let reader = match backend {
            Backend::Sqlite => build_pool(url, read_pool_size.max(1), true, timeouts, &pool_waits)?,
            Backend::Postgres => writer.clone(),
        };
        let clock = Clock::system();
        let last_write = Arc::new(AtomicI64::new(clock.now().timestamp_micros()));
        let database = Self {
            backend,
            reader,
            writer,
            last_write,
            content_writes: Arc::new(AtomicU64::new(0)),
            clock,
            node: uuid::Uuid::new_v4().simple().to_string().into(),
            pool_waits,
            replica: None,
            known_lsn: Arc::new(AtomicU64::new(0)),
            // Blind until the notification listener first connects.
            replica_blind: Arc::new(AtomicBool::new(true)),
            replica_reads: ReplicaReads::default(),
            write_gate: (backend == Backend::Postgres).then(|| WriteGate::new(timeouts.pool_wait)),
            foreign_writes: Arc::new(foreign),
        };
        database.refresh_statistics()?;
        Ok((database, fresh))
    }

    /// These handles with anonymous reads sent to the streaming replica at `url` (PostgreSQL)
    /// whenever it has replayed every change this node knows of (see [`replica`]).
    ///
    /// Errors: the primary's WAL position cannot be read.
    pub fn with_replica(
        mut self,
        url: &str,
        pool_size: u32,
        timeouts: &DbTimeouts,
    ) -> anyhow::Result<Self> {
        // A replica that cannot be reached must not hold reads up: they go to the primary.
        let replica_timeouts = DbTimeouts {
            pool_wait: REPLICA_POOL_WAIT.min(timeouts.pool_wait),
            ..*timeouts
        };
        let pool = build_pool(
            url,
            pool_size.max(1),
            true,
            &replica_timeouts,
            &self.pool_waits,
        )?;
        let mut primary = self.writer.get().context("opening the writer connection")?;
        self.known_lsn.store(
            replica::current_lsn(&mut primary).context("reading the primary's WAL position")?,
            Ordering::Release,
        );
        self.replica = Some(pool);
        Ok(self)
    }

    /// Whether anonymous reads may go to a replica.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// Records that the primary was at WAL position `lsn` after a change this node now knows
    /// of (a notification): replica reads wait for it.
    pub fn knows_lsn(&self, lsn: u64) {
        self.known_lsn.fetch_max(lsn, Ordering::AcqRel);
    }

    /// Sets whether this node cannot tell what the replica must have replayed (see the field);
    /// while it cannot, reads use the primary.
    pub fn set_replica_blind(&self, blind: bool) {
        self.replica_blind.store(blind, Ordering::Release);
    }

    /// How many bytes of WAL the replica has still to replay (0 without a replica).
    ///
    /// Errors: either server does not answer.
    pub async fn replica_lag(&self) -> ApiResult<u64> {
        let Some(replica) = self.replica.clone() else {
            return Ok(0);
        };
        let primary = self.writer.clone();
        web::block(move || {
            let (mut primary, mut replica) = (primary.get()?, replica.get()?);
            let primary_at = replica::current_lsn(&mut primary)?;
            let replica_at = replica::replayed_lsn(&mut replica)?;
            Ok(primary_at.saturating_sub(replica_at))
        })
        .await?
    }

    /// The engine behind these handles.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// This process's id in the change notifications of a PostgreSQL database.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Records that another node wrote at `at_micros` (a change notification), so that
    /// [`Self::last_write`] covers every node's writes.
    pub fn saw_write(&self, at_micros: i64) {
        self.last_write.fetch_max(at_micros, Ordering::AcqRel);
        self.content_writes.fetch_add(1, Ordering::AcqRel);
    }

    /// How many content writes these handles have committed or heard of ([`Self::saw_write`])
    /// since they were opened: a number that moves with every content change, for work that
    /// can rest while it does not (bookkeeping writes do not move it).
    pub fn content_writes(&self) -> u64 {
        self.content_writes.load(Ordering::Acquire)
    }

    /// Lets the database gather the statistics its query planner chooses indexes by, for every
    /// table whose size changed a lot since they were last gathered (`PRAGMA optimize`):
    /// nothing when nothing changed. Without them SQLite can, for instance, count a category's
    /// articles by walking every published article rather than that category's index entries.
    /// Runs when the database is opened and after an import.
    ///
    /// The statistics are counted over every row, not sampled (`analysis_limit = 0`): a sample
    /// of the first thousand entries of each index (what `analysis_limit = 1000` reads) saw
    /// only drafts at the start of the visibility index and told the planner that `status =
    /// 'published'` picks 1 % of the articles (it picks 90 %), so it chose that index over every
    /// other (`src/articles/listing/plans.rs`). Counting them all took 3.3 s for a cold
    /// 100 000-article file, once after its import. They are `sqlite_stat1`'s averages only:
    /// SQLite is built without STAT4 (`.cargo/config.toml`). (PostgreSQL: `ANALYZE` after an
    /// import only; autovacuum keeps them otherwise.)
    pub fn refresh_statistics(&self) -> anyhow::Result<()> {
        let mut conn = self.writer.get().context("opening the writer connection")?;
        let statement = match self.backend {
            Backend::Sqlite => "PRAGMA analysis_limit = 0; PRAGMA optimize = 0x10002;",
            Backend::Postgres => return Ok(()),
        };
        conn.batch_execute(statement)
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
    /// nothing has been written since. On SQLite writes by other processes are not seen; on
    /// PostgreSQL those another node announces are ([`Self::saw_write`]).
    pub fn last_write(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.last_write.load(Ordering::Acquire))
            .unwrap_or(DateTime::UNIX_EPOCH)
    }

    /// Records that a write has just committed.
    fn wrote(&self) {
        self.last_write
            .fetch_max(self.clock.now().timestamp_micros(), Ordering::AcqRel);
        self.content_writes.fetch_add(1, Ordering::AcqRel);
    }

    /// Runs `query` on a read connection, in one read-only transaction so it sees a single
    /// snapshot, off the async executor.
    ///
    /// Inside [`replica::anonymous`], on the replica when there is one and it has replayed
    /// every change this node knows of; on the primary otherwise, and again on the primary when
    /// the replica's answer is 404 ([`ApiError::NotFound`]): a change notification lags the
    /// commit it announces, so a resource another node has just created or renamed may be
    /// missing from a replica this node believes current. Content a little older than the
    /// primary's is a bounded staleness; a 404 for what exists is not served.
    pub async fn read<T, F>(&self, query: F) -> ApiResult<T>
    where
        F: Fn(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.reader.clone();
        let replica = self
            .replica
            .clone()
            .filter(|_| replica::is_anonymous() && !self.replica_blind.load(Ordering::Acquire));
        let known = self.known_lsn.load(Ordering::Acquire);
        let counted = self.replica_reads.clone();
        web::block(move || {
            if let Some(replica) = replica {
                if let Ok(mut conn) = replica.get() {
                    // Replay only moves forward: caught up now, caught up for the snapshot after.
                    if replica::has_replayed(&mut conn, known).unwrap_or(false) {
                        match transaction::run(&mut conn, Access::Read, None, &query) {
                            // Another node's change may not have been announced here yet: a
                            // key the replica does not know may already exist on the primary.
                            Err(ApiError::NotFound(_)) => {}
                            answer => {
                                counted.served.inc();
                                return answer;
                            }
                        }
                    }
                }
                counted.fell_back.inc();
            }
            let mut pooled = pool.get()?;
            transaction::run(&mut pooled, Access::Read, None, query)
        })
        .await?
    }

    /// Runs `query` like [`Self::read`], but on SQLite, when a read connection is open and
    /// idle, on the calling thread instead of the blocking pool (else as [`Self::read`], which
    /// waits for or opens one).
    ///
    /// For reads by key (one article and its parts): the hop to the blocking pool and back (two
    /// thread wake-ups) costs about as much CPU as such a read (BENCHMARKS.md, "Reads by key on
    /// the worker"). Not for reads whose time grows with the data (lists, searches, counts):
    /// the worker's other connections wait while it runs. On PostgreSQL every query is a
    /// network round trip, so this is [`Self::read`].
    pub async fn read_by_key<T, F>(&self, query: F) -> ApiResult<T>
    where
        F: Fn(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        if self.backend == Backend::Sqlite {
            if let Some(mut conn) = self.reader.try_get() {
                return transaction::run(&mut conn, Access::Read, None, query);
            }
        }
        self.read(query).await
    }

    /// Runs `change` in a write transaction, off the async executor: it commits only when
    /// `change` returns `Ok`.
    pub async fn write<T, F>(&self, change: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let committed = self.write_off_executor(Written::Content, change).await?;
        self.wrote();
        Ok(committed)
    }

    /// Runs `change` in a write transaction, off the async executor, like [`Self::write`], but
    /// as bookkeeping that no content reader sees (webhook settings): [`Self::last_write`], and
    /// so `Last-Modified`, stays as it was.
    pub async fn bookkeeping<T, F>(&self, change: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.write_off_executor(Written::Bookkeeping, change).await
    }

    async fn write_off_executor<T, F>(&self, written: Written, change: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let turn = match &self.write_gate {
            Some(gate) => Some(gate.enter().await?),
            None => None,
        };
        let database = self.clone();
        web::block(move || {
            // Held until the transaction ends, even if the request is abandoned meanwhile.
            let _turn = turn;
            let mut pooled = database.writer.get()?;
            database.write_transaction(&mut pooled, written, change)
        })
        .await?
    }

    /// Runs `statement` on a connection outside any transaction and outside the write lock, off
    /// the async executor: for statements that are atomic on their own and must not wait for
    /// the writers (PostgreSQL's shared rate-limit buckets).
    pub async fn unlocked<T, F>(&self, statement: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.writer.clone();
        web::block(move || {
            let mut pooled = pool.get()?;
            statement(&mut pooled)
        })
        .await?
    }

    /// Runs `change` in a write transaction on the current thread (for the CLI and start-up).
    pub fn write_blocking<T>(
        &self,
        change: impl FnOnce(&mut DbConn) -> ApiResult<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.writer.get().context("opening the writer connection")?;
        let committed = self
            .write_transaction(&mut pooled, Written::Content, change)
            .map_err(into_anyhow)?;
        self.wrote();
        Ok(committed)
    }

    /// Runs `change` in a write transaction on the current thread like [`Self::write_blocking`],
    /// but as bookkeeping that is not a content change (token records): [`Self::last_write`],
    /// and so `Last-Modified`, stays as it was. Async callers wrap it in `web::block`.
    pub fn write_bookkeeping<T>(
        &self,
        change: impl FnOnce(&mut DbConn) -> ApiResult<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.writer.get().context("opening the writer connection")?;
        self.write_transaction(&mut pooled, Written::Bookkeeping, change)
            .map_err(into_anyhow)
    }

    /// Runs `f` on a writer connection outside any transaction, for the statements that cannot
    /// run inside one (the CLI's import switching SQLite's journal mode).
    pub fn on_writer<T>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> anyhow::Result<T> {
        let mut pooled = self.writer.get().context("opening the writer connection")?;
        Ok(f(&mut pooled)?)
    }

    /// Runs `query` on a read connection in one transaction on the current thread (for the CLI).
    pub fn read_blocking<T>(
        &self,
        query: impl FnOnce(&mut DbConn) -> ApiResult<T>,
    ) -> anyhow::Result<T> {
        let mut pooled = self.reader.get().context("opening a read connection")?;
        transaction::run(&mut pooled, Access::Read, None, query).map_err(into_anyhow)
    }

    /// Runs `change` in a write transaction on `conn`, stamped with this node and clock.
    fn write_transaction<T>(
        &self,
        conn: &mut DbConn,
        written: Written,
        change: impl FnOnce(&mut DbConn) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let clock = self.clock.clone();
        let now_micros = move || clock.now().timestamp_micros();
        let stamp = transaction::Stamp {
            node: &self.node,
            now_micros: &now_micros,
        };
        let committed = if self.backend == Backend::Sqlite && written == Written::Content {
            let foreign = &self.foreign_writes;
            transaction::run(conn, Access::Write, Some(&stamp), |conn| -> ApiResult<T> {
                foreign.before_write(conn)?;
                let value = change(conn)?;
                foreign.after_write(conn)?;
                Ok(value)
            })?
        } else {
            transaction::run(conn, Access::Write, Some(&stamp), change)?
        };
        if self.replica.is_some() && written == Written::Content {
            // This node's next reads must not come from a replica without this commit. The write
            // has committed whatever happens here: a failure only keeps reads on the primary
            // until the next notification tells the position again.
            match replica::current_lsn(conn) {
                Ok(lsn) => self.knows_lsn(lsn),
                Err(error) => {
                    tracing::warn!(%error, "could not read the WAL position after a commit");
                    self.set_replica_blind(true);
                }
            }
        }
        Ok(committed)
    }

    /// True when the database (the primary, never a replica: writes need it) answers a trivial
    /// query.
    pub async fn ping(&self) -> bool {
        let pool = self.reader.clone();
        let answered = web::block(move || -> ApiResult<()> {
            pool.get()?.batch_execute("SELECT 1;")?;
            Ok(())
        })
        .await;
        matches!(answered, Ok(Ok(())))
    }
}

/// Runs the pending migrations on `conn` (SQLite: after switching the file to WAL and registering
/// the SQL functions the migrations call; PostgreSQL: holding a session advisory lock, so nodes
/// starting together apply each migration once). Returns whether the database had none applied.
///
/// Errors: the database records a migration this binary does not know.
fn migrate(conn: &mut DbConn) -> anyhow::Result<bool> {
    let backend = conn.backend();
    match backend {
        Backend::Sqlite => {
            conn.batch_execute("PRAGMA journal_mode = WAL;")
                .context("switching the database to WAL")?;
            register_functions(conn).context("registering SQL functions")?;
        }
        // No request timeout here: a node waits for another's migrations, and a migration that
        // rewrites a large table may run for minutes.
        Backend::Postgres => conn
            .batch_execute(&format!(
                "SET statement_timeout = 0; SET lock_timeout = 0; \
                 SELECT pg_advisory_lock({MIGRATION_LOCK});"
            ))
            .context("waiting for the migration lock")?,
    }
    let outcome = apply_migrations(conn, backend);
    if backend == Backend::Postgres {
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK});"))
            .context("releasing the migration lock")?;
    }
    outcome
}

fn apply_migrations(conn: &mut DbConn, backend: Backend) -> anyhow::Result<bool> {
    let applied: Vec<String> = conn
        .applied_migrations()
        .map_err(|e| anyhow::anyhow!("reading applied migrations: {e}"))?
        .iter()
        .map(ToString::to_string)
        .collect();
    let known = known_versions(backend);
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        anyhow::bail!(
            "the database records migration {unknown}, which this HealthHub does not know: it was \
             migrated by a newer version; run that version (or a newer one)"
        );
    }
    conn.run_pending_migrations(migrations(backend))
        .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    Ok(applied.is_empty())
}

fn build_pool(
    url: &str,
    size: u32,
    read_only: bool,
    timeouts: &DbTimeouts,
    waits: &Histogram,
) -> anyhow::Result<DbPool> {
    let backend = Backend::of(url);
    Pool::builder()
        .max_size(size)
        .connection_timeout(timeouts.pool_wait)
        .event_handler(Box::new(CheckoutWaits(waits.clone())))
        // Opened on demand: a command line import needs to be the only connection to leave WAL.
        .min_idle(Some(0))
        // A connection to a local file does not go stale; one to a server can (checked without
        // a round trip: `Manager::is_valid`).
        .test_on_check_out(backend == Backend::Postgres)
        .build(Manager::new(
            url,
            connection_setup(backend, read_only, timeouts),
        ))
        .with_context(|| format!("opening the {} database", backend.name()))
}

/// The upper bounds of the pool-wait histogram, in seconds.
const POOL_WAIT_BUCKETS: [f64; 10] = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0];

/// Observes how long each checkout of a pooled connection waited.
#[derive(Debug)]
struct CheckoutWaits(Histogram);

impl HandleEvent for CheckoutWaits {
    fn handle_checkout(&self, event: CheckoutEvent) {
        self.0.observe(event.duration().as_secs_f64());
    }
}

/// An error of the CLI or start-up path: internal causes keep their chain, others their message.
fn into_anyhow(error: ApiError) -> anyhow::Error {
    match error {
        ApiError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let sqlite = known_versions(Backend::Sqlite);
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, known_versions(Backend::Postgres));
    }

    /// The thread `read_by_key` ran its query on, for a database whose only read connection is
    /// idle or (with `busy`) held until the read has been polled once.
    fn thread_of_read_by_key(busy: bool) -> std::thread::ThreadId {
        use std::future::Future;
        use std::task::Poll;
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("by-key.db").display().to_string();
        let (db, _) = Database::open(&url, 1).expect("open");
        // Connections are opened on demand: open the one read connection, and leave it idle.
        drop(db.reader.get().expect("connection"));
        let held = busy.then(|| db.reader.get().expect("connection"));
        actix_web::rt::System::new()
            .block_on(async {
                let mut read =
                    std::pin::pin!(db.read_by_key(|_conn| Ok(std::thread::current().id())));
                // The first poll either answers here or hands the query to the pool, which
                // waits for the held connection until it is released.
                let first = std::future::poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await;
                drop(held);
                match first {
                    Poll::Ready(answer) => answer,
                    Poll::Pending => read.await,
                }
            })
            .expect("read")
    }

    #[test]
    fn reads_by_key_run_on_the_caller_when_a_connection_is_idle_else_wait_in_the_pool() {
        let here = std::thread::current().id();
        assert_eq!(thread_of_read_by_key(false), here);
        assert_ne!(thread_of_read_by_key(true), here);
    }

    #[test]
    fn sqlite_connections_map_the_whole_file() {
        use diesel::RunQueryDsl;
        // SQLite silently lowers `mmap_size` to its compile-time cap: this fails if the bundled
        // library was built without `.cargo/config.toml`'s `SQLITE_MAX_MMAP_SIZE`.
        #[derive(diesel::QueryableByName)]
        struct MmapSize {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            mmap_size: i64,
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("mapped.db").display().to_string();
        let (db, _) = Database::open(&url, 1).expect("open");
        let mut conn = db.reader.get().expect("connection");
        let mapped = diesel::sql_query("PRAGMA mmap_size")
            .get_result::<MmapSize>(&mut conn)
            .expect("pragma")
            .mmap_size;
        assert_eq!(u64::try_from(mapped).ok(), Some(SQLITE_MMAP_BYTES));
    }

    #[test]
    fn sqlite_is_built_without_stat4() {
        use diesel::RunQueryDsl;
        // `.cargo/config.toml` undefines it; a build without that file would plan every list
        // statement against STAT4 samples (see `refresh_statistics`).
        #[derive(diesel::QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("options.db").display().to_string();
        let mut conn = DbConn::open(&url).expect("connect");
        let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .expect("pragma")
            .into_iter()
            .map(|option| option.compile_options)
            .collect();
        assert!(
            options.iter().any(|o| o.starts_with("MAX_MMAP_SIZE")),
            "{options:?}"
        );
        assert!(!options.iter().any(|o| o == "ENABLE_STAT4"), "{options:?}");
    }
}

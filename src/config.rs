//! `Config::from_env()`: the only place that reads environment variables.

use anyhow::{bail, Context};
use std::env;
use std::path::PathBuf;
use std::time::Duration;

/// Runtime configuration; every field has a default (see `.env.example`).
#[derive(Debug, Clone)]
pub struct Config {
    /// Address the server binds (`HEALTHHUB_ADDR`, default `127.0.0.1:8080`).
    pub addr: String,
    /// The database (`DATABASE_URL`, default `healthhub.db`): an SQLite file, or a PostgreSQL
    /// `postgres://` URL.
    pub database_url: String,
    /// A streaming replica of the PostgreSQL primary that anonymous reads may use
    /// (`HEALTHHUB_REPLICA_URL`, none by default; PostgreSQL only).
    pub replica_url: Option<String>,
    /// Load the demo content into a brand-new database (`HEALTHHUB_DEMO`, default `true`).
    pub demo: bool,
    /// HS256 signing secret (`JWT_SECRET`); when unset one is generated next to the database.
    pub jwt_secret: Option<String>,
    /// Retired HS256 secrets still accepted for verification, never used to sign
    /// (`JWT_PREVIOUS_SECRETS`, comma-separated, default none).
    pub jwt_previous_secrets: Vec<String>,
    /// A PEM public key or a JWKS file of an external token issuer (`JWT_PUBLIC_KEYS`, default none).
    pub jwt_public_keys: Option<PathBuf>,
    /// The `iss` required of external issuers' tokens (`JWT_EXTERNAL_ISSUER`; required with
    /// `JWT_PUBLIC_KEYS`).
    pub jwt_external_issuer: Option<String>,
    /// `iss` claim minted and required (`JWT_ISSUER`, default `healthhub`).
    pub jwt_issuer: String,
    /// `aud` claim minted and required (`JWT_AUDIENCE`, default `healthhub-api`).
    pub jwt_audience: String,
    /// Largest accepted request body in bytes (`HEALTHHUB_MAX_BODY_BYTES`, default 1 MiB).
    pub max_body_bytes: usize,
    /// Read connections in the pool (`HEALTHHUB_READ_POOL_SIZE`, default 4). On PostgreSQL,
    /// where reads and writes share one pool, the pool holds one more, and one write at a time
    /// takes a connection ([`crate::db::write_gate`]).
    pub read_pool_size: u32,
    /// Statement, lock and pool-wait timeouts (see [`DbTimeouts`]).
    pub db_timeouts: DbTimeouts,
    /// Log filter in `tracing` syntax (`RUST_LOG`, default `info`).
    pub log_filter: String,
    /// Log line format (`HEALTHHUB_LOG_FORMAT`: `text`, the default, or `json`).
    pub log_format: LogFormat,
    /// Rate limits, request size limits and proxy trust (see [`Limits`]).
    pub limits: Limits,
    /// `max-age` of cacheable public reads in seconds (`HEALTHHUB_CACHE_MAX_AGE`, default 60).
    pub cache_max_age: u32,
    /// `stale-while-revalidate` of cacheable public reads in seconds (`HEALTHHUB_CACHE_SWR`,
    /// default 300).
    pub cache_swr: u32,
    /// Browser origins allowed to call the API (`HEALTHHUB_CORS_ORIGINS`, default none).
    pub cors_origins: CorsOrigins,
    /// Bytes of anonymous API responses kept in memory (`HEALTHHUB_RESPONSE_CACHE_BYTES`,
    /// default 64 MiB; 0 switches the response cache off).
    pub response_cache_bytes: usize,
    /// How often counted views are written, in milliseconds (`HEALTHHUB_VIEW_FLUSH_MS`, default
    /// 1000; 0 writes each view at once).
    pub view_flush_ms: u64,
    /// How long after it was filled a cached answer may still be served while it shows view
    /// counts that a later flush of views has moved, in seconds
    /// (`HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS`, default 60, at most a day; 0 drops such answers
    /// at the flush, as any other change does). Nothing but `view_count` ever lags.
    pub view_count_max_age_seconds: u64,
    /// The changes log, the scheduler, revisions and previews.
    pub journal: Journal,
    /// Webhook delivery.
    pub webhooks: Webhooks,
    /// The public site: where the frontend shows content, as the feed and the sitemap link to it.
    pub site: Site,
    /// The media library: upload limits, variant widths and where files are stored.
    pub media: Media,
    /// Where the ranked-search index is kept (`HEALTHHUB_SEARCH_INDEX`: `off`, `memory`, or a
    /// directory; by default `<database file>.search` beside an SQLite file, in memory on
    /// PostgreSQL, where each node keeps its own).
    pub search_index: SearchIndexPlace,
}

/// Where the ranked-search index is kept (see `articles::ranked_index`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchIndexPlace {
    /// No index: every search is ranked by the database.
    Off,
    /// In memory, built at each start.
    Memory,
    /// In this directory, reopened and caught up at the next start.
    Directory(PathBuf),
}

impl SearchIndexPlace {
    /// The default for `database_url`: a directory beside an SQLite file, memory on PostgreSQL.
    pub fn default_for(database_url: &str) -> Self {
        if database_url.starts_with("postgres") {
            return Self::Memory;
        }
        let file = database_url
            .trim_start_matches("sqlite://")
            .trim_start_matches("file:");
        Self::Directory(PathBuf::from(format!("{file}.search")))
    }

    /// `HEALTHHUB_SEARCH_INDEX`, or the default for `database_url` when unset or empty.
    fn from_env(database_url: &str) -> Self {
        match env::var("HEALTHHUB_SEARCH_INDEX")
            .ok()
            .filter(|v| !v.is_empty())
        {
            None => Self::default_for(database_url),
            Some(value) => match value.to_ascii_lowercase().as_str() {
                "off" => Self::Off,
                "memory" => Self::Memory,
                _ => Self::Directory(PathBuf::from(value)),
            },
        }
    }
}

/// How long the database may keep a request waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbTimeouts {
    /// Longest a statement may run (`HEALTHHUB_DB_STATEMENT_TIMEOUT`, humantime, default 30 s;
    /// PostgreSQL's `statement_timeout`, SQLite has none).
    pub statement: Duration,
    /// Longest a statement waits for a lock another transaction holds, the cluster-wide write
    /// lock included (`HEALTHHUB_DB_LOCK_TIMEOUT`, default 10 s; PostgreSQL's `lock_timeout`,
    /// SQLite's `busy_timeout`).
    pub lock: Duration,
    /// Longest a request waits for a free pooled connection (`HEALTHHUB_DB_POOL_TIMEOUT`,
    /// default 30 s).
    pub pool_wait: Duration,
}

impl Default for DbTimeouts {
    fn default() -> Self {
        Self {
            statement: Duration::from_secs(30),
            lock: Duration::from_secs(10),
            pool_wait: Duration::from_secs(30),
        }
    }
}

impl DbTimeouts {
    fn from_env() -> anyhow::Result<Self> {
        let default = Self::default();
        let timeouts = Self {
            statement: parse_duration("HEALTHHUB_DB_STATEMENT_TIMEOUT", default.statement)?,
            lock: parse_duration("HEALTHHUB_DB_LOCK_TIMEOUT", default.lock)?,
            pool_wait: parse_duration("HEALTHHUB_DB_POOL_TIMEOUT", default.pool_wait)?,
        };
        for (name, value) in [
            ("HEALTHHUB_DB_STATEMENT_TIMEOUT", timeouts.statement),
            ("HEALTHHUB_DB_LOCK_TIMEOUT", timeouts.lock),
            ("HEALTHHUB_DB_POOL_TIMEOUT", timeouts.pool_wait),
        ] {
            if value.is_zero() || value > Duration::from_secs(24 * 3600) {
                bail!("{name} must be between 1ms and 24h");
            }
        }
        Ok(timeouts)
    }
}

/// Settings of the changes log, the scheduler that logs time-driven transitions, revisions and
/// preview links.
#[derive(Debug, Clone)]
pub struct Journal {
    /// How long log entries are kept (`HEALTHHUB_CHANGES_RETENTION`, humantime, default 30
    /// days); asking the feed for older entries is a 410.
    pub changes_retention: Duration,
    /// Revisions kept per article, newest first (`HEALTHHUB_REVISIONS_PER_ARTICLE`, default 50,
    /// at least 1).
    pub revisions_per_article: u32,
    /// How often the scheduler looks for articles whose scheduled time has passed, in
    /// milliseconds (`HEALTHHUB_SCHEDULER_MS`, default 1000, at least 1).
    pub scheduler_ms: u64,
    /// How long a preview link lives (`HEALTHHUB_PREVIEW_TTL`, humantime, default 1 hour).
    pub preview_ttl: Duration,
}

impl Default for Journal {
    fn default() -> Self {
        Self {
            changes_retention: Duration::from_secs(30 * 24 * 3600),
            revisions_per_article: 50,
            scheduler_ms: 1000,
            preview_ttl: Duration::from_secs(3600),
        }
    }
}

impl Journal {
    fn from_env() -> anyhow::Result<Self> {
        let default = Self::default();
        let journal = Self {
            changes_retention: parse_duration(
                "HEALTHHUB_CHANGES_RETENTION",
                default.changes_retention,
            )?,
            revisions_per_article: parse_number(
                "HEALTHHUB_REVISIONS_PER_ARTICLE",
                default.revisions_per_article,
            )?,
            scheduler_ms: parse_number("HEALTHHUB_SCHEDULER_MS", default.scheduler_ms)?,
            preview_ttl: parse_duration("HEALTHHUB_PREVIEW_TTL", default.preview_ttl)?,
        };
        if journal.revisions_per_article == 0 || journal.scheduler_ms == 0 {
            bail!("HEALTHHUB_REVISIONS_PER_ARTICLE and HEALTHHUB_SCHEDULER_MS must be at least 1");
        }
        Ok(journal)
    }
}

/// Settings of webhook delivery.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// Allow targets that resolve to loopback, private, link-local or metadata addresses
    /// (`HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE`, default false; for tests and closed networks).
    pub allow_private_targets: bool,
    /// Attempts per delivery before it is given up as failed (`HEALTHHUB_WEBHOOKS_MAX_ATTEMPTS`,
    /// default 8, at least 1).
    pub max_attempts: u32,
    /// The first retry's delay; each next one doubles it (`HEALTHHUB_WEBHOOKS_BACKOFF`,
    /// humantime, default 5 s).
    pub backoff: Duration,
    /// The longest delay between two attempts (`HEALTHHUB_WEBHOOKS_MAX_BACKOFF`, default 1 h).
    pub max_backoff: Duration,
    /// How long one attempt may take, connection included (`HEALTHHUB_WEBHOOKS_TIMEOUT`,
    /// default 10 s).
    pub timeout: Duration,
    /// Failed attempts in a row after which a webhook is disabled
    /// (`HEALTHHUB_WEBHOOKS_DISABLE_AFTER`, default 20, at least 1).
    pub disable_after: u32,
    /// How often the delivery worker looks for work, in milliseconds
    /// (`HEALTHHUB_WEBHOOKS_POLL_MS`, default 500, at least 1).
    pub poll_ms: u64,
}

impl Default for Webhooks {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            max_attempts: 8,
            backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(3600),
            timeout: Duration::from_secs(10),
            disable_after: 20,
            poll_ms: 500,
        }
    }
}

impl Webhooks {
    fn from_env() -> anyhow::Result<Self> {
        let default = Self::default();
        let webhooks = Self {
            allow_private_targets: parse_bool(
                "HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE",
                default.allow_private_targets,
            )?,
            max_attempts: parse_number("HEALTHHUB_WEBHOOKS_MAX_ATTEMPTS", default.max_attempts)?,
            backoff: parse_duration("HEALTHHUB_WEBHOOKS_BACKOFF", default.backoff)?,
            max_backoff: parse_duration("HEALTHHUB_WEBHOOKS_MAX_BACKOFF", default.max_backoff)?,
            timeout: parse_duration("HEALTHHUB_WEBHOOKS_TIMEOUT", default.timeout)?,
            disable_after: parse_number("HEALTHHUB_WEBHOOKS_DISABLE_AFTER", default.disable_after)?,
            poll_ms: parse_number("HEALTHHUB_WEBHOOKS_POLL_MS", default.poll_ms)?,
        };
        if webhooks.max_attempts == 0 || webhooks.disable_after == 0 || webhooks.poll_ms == 0 {
            bail!(
                "HEALTHHUB_WEBHOOKS_MAX_ATTEMPTS, HEALTHHUB_WEBHOOKS_DISABLE_AFTER and \
                 HEALTHHUB_WEBHOOKS_POLL_MS must be at least 1"
            );
        }
        Ok(webhooks)
    }
}

/// The public website (the frontend) that shows the content: the base of every link in
/// `GET /feed.xml` and `GET /sitemap.xml`, and the paths of its pages. Page paths are templates
/// under the base URL, so every URL stays on the site's host (the sitemaps protocol requires a
/// sitemap's URLs to share its host) while the site chooses its own routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The site's origin and optional path prefix, without a trailing slash
    /// (`HEALTHHUB_PUBLIC_BASE_URL`, default `http://localhost:3000`; `http` or `https`, no query
    /// or fragment).
    pub base_url: String,
    /// The publication's name: the feed's title and its author when an article has none
    /// (`HEALTHHUB_PUBLIC_TITLE`, default `HealthHub`).
    pub title: String,
    /// An article's page under the base URL (`HEALTHHUB_PUBLIC_ARTICLE_PATH`, default
    /// `/articles/{slug}`).
    pub article_path: String,
    /// A category's page (`HEALTHHUB_PUBLIC_CATEGORY_PATH`, default `/categories/{slug}`).
    pub category_path: String,
    /// A person's page (`HEALTHHUB_PUBLIC_PERSON_PATH`, default `/people/{slug}`).
    pub person_path: String,
    /// A tag's page (`HEALTHHUB_PUBLIC_TAG_PATH`, default `/tags/{slug}`).
    pub tag_path: String,
    /// URLs per sitemap file before `/sitemap.xml` becomes an index of several
    /// (`HEALTHHUB_SITEMAP_MAX_URLS`, default and most 50 000, the protocol's limit; at least 1).
    pub sitemap_max_urls: usize,
}

/// The placeholder of the page path templates, replaced by the slug.
pub const SLUG_PLACEHOLDER: &str = "{slug}";

/// The sitemaps protocol's limit of URLs in one sitemap file (and of sitemaps in one index).
pub const SITEMAP_URL_LIMIT: usize = 50_000;

impl Default for Site {
    fn default() -> Self {
        Self {
            base_url: "http://localhost:3000".to_owned(),
            title: "HealthHub".to_owned(),
            article_path: "/articles/{slug}".to_owned(),
            category_path: "/categories/{slug}".to_owned(),
            person_path: "/people/{slug}".to_owned(),
            tag_path: "/tags/{slug}".to_owned(),
            sitemap_max_urls: SITEMAP_URL_LIMIT,
        }
    }
}

impl Site {
    fn from_env() -> anyhow::Result<Self> {
        let default = Self::default();
        let site = Self {
            base_url: site_base_url(&var_or("HEALTHHUB_PUBLIC_BASE_URL", &default.base_url))?,
            title: var_or("HEALTHHUB_PUBLIC_TITLE", &default.title),
            article_path: var_or("HEALTHHUB_PUBLIC_ARTICLE_PATH", &default.article_path),
            category_path: var_or("HEALTHHUB_PUBLIC_CATEGORY_PATH", &default.category_path),
            person_path: var_or("HEALTHHUB_PUBLIC_PERSON_PATH", &default.person_path),
            tag_path: var_or("HEALTHHUB_PUBLIC_TAG_PATH", &default.tag_path),
            sitemap_max_urls: parse_number("HEALTHHUB_SITEMAP_MAX_URLS", default.sitemap_max_urls)?,
        };
        for (name, path) in [
            ("HEALTHHUB_PUBLIC_ARTICLE_PATH", &site.article_path),
            ("HEALTHHUB_PUBLIC_CATEGORY_PATH", &site.category_path),
            ("HEALTHHUB_PUBLIC_PERSON_PATH", &site.person_path),
            ("HEALTHHUB_PUBLIC_TAG_PATH", &site.tag_path),
        ] {
            let well_formed = path.starts_with('/')
                && path.matches(SLUG_PLACEHOLDER).count() == 1
                && path.chars().all(|c| c.is_ascii_graphic())
                && !path.contains(['?', '#', '<', '>', '"', '\\']);
            if !well_formed {
                bail!(
                    "{name} must be a path starting with / holding {SLUG_PLACEHOLDER} once \
                     (printable ASCII, no query or fragment), not '{path}'"
                );
            }
        }
        if !(1..=SITEMAP_URL_LIMIT).contains(&site.sitemap_max_urls) {
            bail!("HEALTHHUB_SITEMAP_MAX_URLS must be from 1 to {SITEMAP_URL_LIMIT}");
        }
        Ok(site)
    }
}

/// Settings of the media library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Largest accepted upload in bytes (`HEALTHHUB_MEDIA_MAX_BYTES`, default 10 MiB; 413
    /// beyond).
    pub max_bytes: usize,
    /// Most pixels (width × height) of an accepted image (`HEALTHHUB_MEDIA_MAX_PIXELS`, default
    /// 40 000 000; 422 beyond), checked from the header before the image is decoded.
    pub max_pixels: u64,
    /// The widths of the variants made of each image narrower than the original, in pixels
    /// (`HEALTHHUB_MEDIA_WIDTHS`, comma-separated, default `320,640,1280`; empty for none).
    pub widths: Vec<u32>,
    /// Where files are stored.
    pub storage: MediaStorage,
}

/// Where media files are stored.
#[derive(Clone, PartialEq, Eq)]
pub enum MediaStorage {
    /// A local directory (`HEALTHHUB_MEDIA_DIR`; default `media` beside an SQLite database
    /// file, `./media` otherwise), created when missing.
    Directory(PathBuf),
    /// An S3-compatible object store, chosen by setting `HEALTHHUB_MEDIA_S3_BUCKET`.
    S3(S3Storage),
}

/// An S3-compatible bucket. Its secret is never printed (`Debug` leaves it out).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Storage {
    /// The bucket (`HEALTHHUB_MEDIA_S3_BUCKET`).
    pub bucket: String,
    /// The endpoint of a store other than AWS, e.g. `http://127.0.0.1:9000`
    /// (`HEALTHHUB_MEDIA_S3_ENDPOINT`, default AWS's; addressed path-style).
    pub endpoint: Option<String>,
    /// The region (`HEALTHHUB_MEDIA_S3_REGION`, default `us-east-1`).
    pub region: String,
    /// The access key id (`HEALTHHUB_MEDIA_S3_ACCESS_KEY_ID`).
    pub access_key_id: String,
    /// The secret access key (`HEALTHHUB_MEDIA_S3_SECRET_ACCESS_KEY`).
    pub secret_access_key: String,
}

impl std::fmt::Debug for MediaStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MediaStorage::Directory(dir) => f.debug_tuple("Directory").field(dir).finish(),
            MediaStorage::S3(s3) => f
                .debug_struct("S3")
                .field("bucket", &s3.bucket)
                .field("endpoint", &s3.endpoint)
                .field("region", &s3.region)
                .finish_non_exhaustive(),
        }
    }
}

impl Media {
    /// The defaults, files kept in `dir`.
    pub fn in_directory(dir: PathBuf) -> Self {
        Self {
            max_bytes: 10 << 20,
            max_pixels: 40_000_000,
            widths: vec![320, 640, 1280],
            storage: MediaStorage::Directory(dir),
        }
    }

    fn from_env(database_url: &str) -> anyhow::Result<Self> {
        let default = Self::in_directory(default_media_dir(database_url));
        // Set but empty means no variants (unlike the other variables, where empty is unset).
        let widths =
            env::var("HEALTHHUB_MEDIA_WIDTHS").unwrap_or_else(|_| "320,640,1280".to_owned());
        let mut widths = widths
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| match w.parse::<u32>() {
                Ok(width) if (1..=16_384).contains(&width) => Ok(width),
                _ => bail!("HEALTHHUB_MEDIA_WIDTHS must list widths from 1 to 16384, not '{w}'"),
            })
            .collect::<anyhow::Result<Vec<u32>>>()?;
        widths.sort_unstable();
        widths.dedup();
        let storage = match env::var("HEALTHHUB_MEDIA_S3_BUCKET")
            .ok()
            .filter(|b| !b.is_empty())
        {
            Some(bucket) => MediaStorage::S3(S3Storage {
                bucket,
                endpoint: env::var("HEALTHHUB_MEDIA_S3_ENDPOINT")
                    .ok()
                    .filter(|e| !e.is_empty()),
                region: var_or("HEALTHHUB_MEDIA_S3_REGION", "us-east-1"),
                access_key_id: var_or("HEALTHHUB_MEDIA_S3_ACCESS_KEY_ID", ""),
                secret_access_key: var_or("HEALTHHUB_MEDIA_S3_SECRET_ACCESS_KEY", ""),
            }),
            None => match env::var_os("HEALTHHUB_MEDIA_DIR").filter(|d| !d.is_empty()) {
                Some(dir) => MediaStorage::Directory(PathBuf::from(dir)),
                None => default.storage,
            },
        };
        let media = Self {
            max_bytes: parse_number("HEALTHHUB_MEDIA_MAX_BYTES", default.max_bytes)?,
            max_pixels: parse_number("HEALTHHUB_MEDIA_MAX_PIXELS", default.max_pixels)?,
            widths,
            storage,
        };
        if media.max_bytes == 0 || media.max_pixels == 0 {
            bail!("HEALTHHUB_MEDIA_MAX_BYTES and HEALTHHUB_MEDIA_MAX_PIXELS must be at least 1");
        }
        Ok(media)
    }
}

/// `media` beside an SQLite database file, `./media` for a PostgreSQL URL.
fn default_media_dir(database_url: &str) -> PathBuf {
    if database_url.starts_with("postgres") {
        return PathBuf::from("media");
    }
    PathBuf::from(database_url.trim_start_matches("file:"))
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|dir| dir.join("media"))
        .unwrap_or_else(|| PathBuf::from("media"))
}

/// `value` as the site's base URL: an absolute `http`/`https` URL with a host, no query, no
/// fragment, no credentials; returned without its trailing slash.
fn site_base_url(value: &str) -> anyhow::Result<String> {
    let refuse = || {
        anyhow::anyhow!(
            "HEALTHHUB_PUBLIC_BASE_URL must be an http(s) URL such as https://www.example.org \
             (a path prefix is allowed; no query, fragment or credentials), not '{value}'"
        )
    };
    let url = url::Url::parse(value).map_err(|_| refuse())?;
    let fit = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !fit {
        return Err(refuse());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Which browser origins may call the API across origins (`HEALTHHUB_CORS_ORIGINS`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Empty: no CORS headers at all, so browsers only call the API from its own origin.
    #[default]
    None,
    /// `*`: any origin may read (GET, HEAD), none may write.
    AnyReadOnly,
    /// A comma-separated list of exact origins such as `https://www.example.org`, allowed every
    /// method.
    List(Vec<String>),
}

impl CorsOrigins {
    /// Parses the value of `HEALTHHUB_CORS_ORIGINS`: empty, `*`, or a comma-separated list of
    /// origins (`scheme://host[:port]`, no path and no trailing slash).
    pub fn parse(value: &str) -> anyhow::Result<Self> {
        let origins: Vec<&str> = value
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .collect();
        match origins.as_slice() {
            [] => Ok(Self::None),
            ["*"] => Ok(Self::AnyReadOnly),
            _ => origins
                .into_iter()
                .map(|origin| {
                    if is_origin(origin) {
                        Ok(origin.to_owned())
                    } else {
                        bail!(
                            "HEALTHHUB_CORS_ORIGINS must be empty, `*` or a comma-separated list \
                             of origins such as https://www.example.org, not '{origin}'"
                        )
                    }
                })
                .collect::<anyhow::Result<_>>()
                .map(Self::List),
        }
    }
}

/// True for `scheme://host[:port]` with an http(s) scheme and nothing after the authority.
fn is_origin(value: &str) -> bool {
    let Some((scheme, authority)) = value.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// How log lines are written (`HEALTHHUB_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable text lines (the default).
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// Parses `text` or `json` (case-insensitive).
    pub fn parse(value: &str) -> anyhow::Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => bail!("HEALTHHUB_LOG_FORMAT must be text or json, not '{other}'"),
        }
    }
}

/// Abuse limits: request rates, view counting, query-string size and whom to trust for the
/// client address. A rate of 0 switches that limit off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Requests per minute per client IP, any method (`HEALTHHUB_RATE_LIMIT_READS`, default 6000).
    pub reads_per_minute: u32,
    /// Writes (POST, PUT, PATCH, DELETE with a valid token) per minute per token subject
    /// (`HEALTHHUB_RATE_LIMIT_WRITES`, default 600).
    pub writes_per_minute: u32,
    /// Clients (IPs, subjects, IP-and-article pairs) each limiter keeps track of at most
    /// (`HEALTHHUB_RATE_LIMIT_MAX_KEYS`, default 100000).
    pub max_tracked_keys: usize,
    /// One counted view per client IP per article within this many seconds
    /// (`HEALTHHUB_VIEW_WINDOW_SECONDS`, default 60; 0 counts every view).
    pub view_window_seconds: u64,
    /// Longest accepted query string in bytes (`HEALTHHUB_MAX_QUERY_BYTES`, default 2048).
    pub max_query_bytes: usize,
    /// Take the client address from the last `X-Forwarded-For` entry instead of the TCP peer
    /// (`HEALTHHUB_TRUST_PROXY`, default false): only behind a reverse proxy that appends it.
    pub trust_proxy: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            reads_per_minute: 6000,
            writes_per_minute: 600,
            max_tracked_keys: 100_000,
            view_window_seconds: 60,
            max_query_bytes: 2048,
            trust_proxy: false,
        }
    }
}

impl Limits {
    fn from_env() -> anyhow::Result<Self> {
        let default = Self::default();
        let limits = Self {
            reads_per_minute: parse_number("HEALTHHUB_RATE_LIMIT_READS", default.reads_per_minute)?,
            writes_per_minute: parse_number(
                "HEALTHHUB_RATE_LIMIT_WRITES",
                default.writes_per_minute,
            )?,
            max_tracked_keys: parse_number(
                "HEALTHHUB_RATE_LIMIT_MAX_KEYS",
                default.max_tracked_keys,
            )?,
            view_window_seconds: parse_number(
                "HEALTHHUB_VIEW_WINDOW_SECONDS",
                default.view_window_seconds,
            )?,
            max_query_bytes: parse_number("HEALTHHUB_MAX_QUERY_BYTES", default.max_query_bytes)?,
            trust_proxy: parse_bool("HEALTHHUB_TRUST_PROXY", default.trust_proxy)?,
        };
        if limits.max_tracked_keys == 0 {
            bail!("HEALTHHUB_RATE_LIMIT_MAX_KEYS must be at least 1");
        }
        Ok(limits)
    }
}

impl Config {
    /// Reads the environment (after loading `.env` if present).
    pub fn from_env() -> anyhow::Result<Self> {
        let _ = dotenvy::dotenv();
        Ok(Self {
            addr: var_or("HEALTHHUB_ADDR", "127.0.0.1:8080"),
            database_url: var_or("DATABASE_URL", "healthhub.db"),
            replica_url: replica_url()?,
            demo: parse_bool("HEALTHHUB_DEMO", true)?,
            jwt_secret: env::var("JWT_SECRET").ok().filter(|s| !s.is_empty()),
            jwt_previous_secrets: var_or("JWT_PREVIOUS_SECRETS", "")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            jwt_public_keys: env::var_os("JWT_PUBLIC_KEYS")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            jwt_external_issuer: env::var("JWT_EXTERNAL_ISSUER")
                .ok()
                .filter(|s| !s.is_empty()),
            jwt_issuer: var_or("JWT_ISSUER", "healthhub"),
            jwt_audience: var_or("JWT_AUDIENCE", "healthhub-api"),
            max_body_bytes: parse_number("HEALTHHUB_MAX_BODY_BYTES", 1024 * 1024)?,
            read_pool_size: parse_number("HEALTHHUB_READ_POOL_SIZE", 4)?,
            db_timeouts: DbTimeouts::from_env()?,
            log_filter: var_or("RUST_LOG", "info"),
            log_format: LogFormat::parse(&var_or("HEALTHHUB_LOG_FORMAT", "text"))?,
            limits: Limits::from_env()?,
            cache_max_age: parse_number("HEALTHHUB_CACHE_MAX_AGE", 60)?,
            cache_swr: parse_number("HEALTHHUB_CACHE_SWR", 300)?,
            cors_origins: CorsOrigins::parse(&var_or("HEALTHHUB_CORS_ORIGINS", ""))?,
            response_cache_bytes: parse_number("HEALTHHUB_RESPONSE_CACHE_BYTES", 64 << 20)?,
            view_flush_ms: parse_number("HEALTHHUB_VIEW_FLUSH_MS", 1000)?,
            view_count_max_age_seconds: view_count_max_age_seconds()?,
            journal: Journal::from_env()?,
            webhooks: Webhooks::from_env()?,
            site: Site::from_env()?,
            media: Media::from_env(&var_or("DATABASE_URL", "healthhub.db"))?,
            search_index: SearchIndexPlace::from_env(&var_or("DATABASE_URL", "healthhub.db")),
        })
    }

    /// A configuration for `database_url` with every other value at its default, except that
    /// each view is written at once (`view_flush_ms` 0); used by tests.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        let database_url = database_url.into();
        Self {
            media: Media::in_directory(default_media_dir(&database_url)),
            search_index: SearchIndexPlace::default_for(&database_url),
            addr: "127.0.0.1:0".to_owned(),
            database_url,
            replica_url: None,
            demo: false,
            jwt_secret: None,
            jwt_previous_secrets: Vec::new(),
            jwt_public_keys: None,
            jwt_external_issuer: None,
            jwt_issuer: "healthhub".to_owned(),
            jwt_audience: "healthhub-api".to_owned(),
            max_body_bytes: 1024 * 1024,
            read_pool_size: 4,
            db_timeouts: DbTimeouts::default(),
            log_filter: "info".to_owned(),
            log_format: LogFormat::Text,
            limits: Limits::default(),
            cache_max_age: 60,
            cache_swr: 300,
            cors_origins: CorsOrigins::None,
            response_cache_bytes: 64 << 20,
            view_flush_ms: 0,
            view_count_max_age_seconds: DEFAULT_VIEW_COUNT_MAX_AGE_SECONDS,
            journal: Journal::default(),
            webhooks: Webhooks::default(),
            site: Site::default(),
        }
    }

    /// `database_url` fit for a log line: any `user:password@` in it is left out.
    pub fn database_for_logs(&self) -> String {
        match self.database_url.split_once("://") {
            Some((scheme, rest)) => match rest.rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://…@{host}"),
                None => self.database_url.clone(),
            },
            None => self.database_url.clone(),
        }
    }

    /// The file where a generated signing secret is kept: next to the database file.
    pub fn secret_file(&self) -> PathBuf {
        let db = PathBuf::from(self.database_url.trim_start_matches("file:"));
        let dir = db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        dir.join(".healthhub-jwt-secret")
    }
}

/// The default of `HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS`.
const DEFAULT_VIEW_COUNT_MAX_AGE_SECONDS: u64 = 60;

/// `HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS`: from 0 to a day.
fn view_count_max_age_seconds() -> anyhow::Result<u64> {
    const NAME: &str = "HEALTHHUB_VIEW_COUNT_MAX_AGE_SECONDS";
    let seconds = parse_number(NAME, DEFAULT_VIEW_COUNT_MAX_AGE_SECONDS)?;
    if seconds > 24 * 3600 {
        bail!("{NAME} must be from 0 to 86400 (a day), not {seconds}");
    }
    Ok(seconds)
}

/// `HEALTHHUB_REPLICA_URL`, which only a PostgreSQL `DATABASE_URL` can have.
fn replica_url() -> anyhow::Result<Option<String>> {
    let replica = env::var("HEALTHHUB_REPLICA_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let primary_is_postgres = ["postgres://", "postgresql://"]
        .iter()
        .any(|scheme| var_or("DATABASE_URL", "").starts_with(scheme));
    match &replica {
        Some(url) if !primary_is_postgres || !url.starts_with("postgres") => {
            bail!("HEALTHHUB_REPLICA_URL needs a PostgreSQL DATABASE_URL and a postgres:// URL itself")
        }
        _ => Ok(replica),
    }
}

fn var_or(name: &str, default: &str) -> String {
    env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

fn parse_bool(name: &str, default: bool) -> anyhow::Result<bool> {
    match env::var(name).ok().as_deref().map(str::to_ascii_lowercase) {
        None => Ok(default),
        Some(v) if v.is_empty() => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => bail!("{name} must be true or false, not '{v}'"),
    }
}

fn parse_duration(name: &str, default: Duration) -> anyhow::Result<Duration> {
    match env::var(name).ok().filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => humantime::parse_duration(&v)
            .with_context(|| format!("{name} must be a duration such as 30s or 7d, not '{v}'")),
    }
}

fn parse_number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match env::var(name).ok().filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .with_context(|| format!("{name} must be a positive number, not '{v}'")),
    }
}

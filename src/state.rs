//! `AppState`: the components every handler and middleware layer shares, built once at start-up.
//!
//! It imports no handler and no middleware: the wiring (`app.rs`) imports it, never the reverse.

use crate::articles::ranked_index::RankedIndex;
use crate::articles::view_counter::ViewCounter;
use crate::auth::keys::{Principal, TokenKeys};
use crate::auth::usage::TokenUsage;
use crate::caching::{schedule::Schedule, store::Change, store::ResponseCache};
use crate::categories::links_cache::LinksCache;
use crate::changes::model::Journal;
use crate::config::Config;
use crate::db::notifications::{Announced, Notice};
use crate::db::{Backend, Database};
use crate::error::ApiError;
use crate::limits::RateLimits;
use crate::media::storage::MediaStore;
use crate::metrics::Metrics;
use crate::site::urls::SiteUrls;
use crate::support::clock::Clock;
use actix_web::{web, HttpRequest};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What every request handler can reach.
pub struct AppState {
    /// Runtime configuration.
    pub config: Config,
    /// The database handles.
    pub db: Database,
    /// Token signing and verification keys.
    pub keys: TokenKeys,
    /// The source of "now".
    pub clock: Clock,
    /// The in-memory rate limiters (per client IP, per token subject, per viewed article).
    pub limiters: RateLimits,
    /// Uses of recorded tokens not yet written to `api_tokens.last_used_at`.
    pub token_usage: TokenUsage,
    /// Article views counted and not yet written.
    pub views: ViewCounter,
    /// Anonymous API responses kept in memory until a write changes them.
    pub responses: ResponseCache,
    /// When the public set of articles last changed, and will next change, by the clock alone.
    pub schedule: Schedule,
    /// The category tree article views embed, kept until a change may touch a category, while
    /// the response cache serves.
    pub category_links: LinksCache,
    /// Whether this node hears of other nodes' writes (PostgreSQL's change notifications); always
    /// true on SQLite, where one process serves the file.
    pub channel_up: AtomicBool,
    /// The metrics `GET /metrics` serves.
    pub metrics: Metrics,
    /// The public site's URLs (`config.site`): feed and sitemap links, canonical URLs.
    pub site: SiteUrls,
    /// Where media files are stored.
    pub media: MediaStore,
    /// The ranked-search index (`None` when off, or when it could not be opened: the database
    /// ranks every search then).
    pub ranked_search: Option<Arc<RankedIndex>>,
}

impl AppState {
    /// State for `config` over an opened database, with the token keys `config` names.
    pub fn new(config: Config, db: Database, clock: Clock) -> anyhow::Result<Self> {
        let keys = TokenKeys::from_config(&config)?;
        let media = MediaStore::open(&config.media.storage)?;
        let limiters = RateLimits::new(&config.limits, &db);
        let responses = ResponseCache::new(
            config.response_cache_bytes,
            Duration::from_secs(config.view_count_max_age_seconds),
        );
        // On PostgreSQL other nodes write too: nothing is cached before the notification
        // listener (jobs::listener) hears of their writes.
        let shared = db.backend() == Backend::Postgres;
        if shared {
            responses.suspend();
        }
        // Kept only alongside the response cache: with it off, every read sees the database.
        let category_links = LinksCache::new(responses.is_enabled());
        let metrics = Metrics::new(&responses.counters, &db.pool_waits, &db.replica_reads);
        metrics.channel_up.set(i64::from(!shared));
        let ranked_search = match RankedIndex::open(&config.search_index) {
            Ok(index) => index.map(Arc::new),
            Err(error) => {
                tracing::warn!(%error, "the ranked-search index cannot be opened; the database ranks every search");
                None
            }
        };
        Ok(Self {
            ranked_search,
            site: SiteUrls::new(config.site.clone()),
            config,
            db: db.with_clock(clock.clone()),
            keys,
            clock,
            limiters,
            token_usage: TokenUsage::default(),
            views: ViewCounter::default(),
            responses,
            schedule: Schedule::default(),
            category_links,
            channel_up: AtomicBool::new(!shared),
            metrics,
            media,
        })
    }

    /// The state registered on the application serving `req`, for extractors (middleware take
    /// it as a leading `web::Data<AppState>` parameter instead). A 500 when there is none: a
    /// wiring fault is loud, never a silently skipped check.
    pub fn of(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
        req.app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("AppState is not configured")))
    }

    /// The journal of a write made by `principal` (its subject, the revision retention).
    pub fn journal_of(&self, principal: &Principal) -> Journal {
        Journal::by(
            &principal.subject,
            self.config.journal.revisions_per_article,
        )
    }

    /// The journal of a write the server makes itself (the scheduler).
    pub fn system_journal(&self) -> Journal {
        Journal::system(self.config.journal.revisions_per_article)
    }

    /// Records a committed change of content: cached responses that show it stop being served
    /// (for a flush of views, once they are older than the view-count max age) and, unless only
    /// view counts moved, the publication schedule is read again.
    pub fn content_changed(&self, change: &Change) {
        self.responses.changed(change);
        match change {
            Change::Views(_) => {}
            Change::Articles(_) => self.schedule.forget(),
            Change::Everything => {
                self.schedule.forget();
                self.category_links.forget();
            }
        }
    }

    /// Applies a change announced on the notification channel: as [`Self::content_changed`],
    /// and `Last-Modified` moves to when it arrived (at or after its commit; the time in the
    /// notice is when its writer took the write lock, which can be earlier). A notice this
    /// version cannot read counts as a change of everything. This node's own writes are applied
    /// again (they were when they committed, unless the request was dropped in between), without
    /// moving `Last-Modified`.
    pub fn remote_change(&self, notice: Option<Notice>) {
        let now = self.clock.now().timestamp_micros();
        let Some(notice) = notice else {
            self.db.saw_write(now);
            self.content_changed(&Change::Everything);
            return;
        };
        if notice.node != self.db.node() {
            self.db.saw_write(now.max(notice.at_micros));
        }
        self.content_changed(&match notice.what {
            Announced::Everything => Change::Everything,
            Announced::Articles(ids) => Change::Articles(ids),
            Announced::Views(ids) => Change::Views(ids),
        });
    }

    /// Records whether this node hears of other nodes' writes. While it does not, the response
    /// cache is suspended; when it does again, the cache starts empty and the schedule is read
    /// again (writes may have been missed).
    pub fn set_channel_up(&self, up: bool) {
        if up {
            self.schedule.forget();
            self.responses.resume();
        } else {
            self.responses.suspend();
        }
        self.category_links.set_enabled(self.responses.is_enabled());
        self.channel_up.store(up, Ordering::Release);
        self.metrics.channel_up.set(i64::from(up));
    }
}

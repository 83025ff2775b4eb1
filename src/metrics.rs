//! The server's metrics, kept with the Prometheus project's client (`prometheus-client`) and
//! served by `GET /metrics` in the Prometheus text format (version 0.0.4).
//!
//! | metric | type | labels | what |
//! |---|---|---|---|
//! | `healthhub_http_request_duration_seconds` | histogram | `method`, `route` (the route pattern; `unmatched` for none, and for the rare request an inner layer failed before it was routed), `status` | every answer, from the outermost layer; `_count` is requests by route and status |
//! | `healthhub_response_cache_hits_total`, `_misses_total`, `_evictions_total` | counter | | the response cache |
//! | `healthhub_response_cache_encodings_total` | counter | | compressed copies of cached answers made (at most one per entry and content coding; hits reuse them) |
//! | `healthhub_db_pool_wait_seconds` | histogram | | how long requests waited for a pooled database connection |
//! | `healthhub_notification_channel_up` | gauge | | 1 while this node hears of other nodes' writes (always 1 on SQLite) |
//! | `healthhub_webhook_backlog` | gauge | | deliveries pending (due or waiting for a retry), read when scraped |
//! | `healthhub_replica_lag_bytes` | gauge | | WAL the read replica has still to replay, read when scraped (0 without one) |
//! | `healthhub_replica_reads_total`, `healthhub_replica_fallbacks_total` | counter | | anonymous reads the replica answered, and those sent to the primary because it was behind or down, or to confirm its 404 |

use crate::caching::store::CacheCounters;
use crate::db::ReplicaReads;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The upper bounds of the request-duration histogram, in seconds.
const REQUEST_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The labels of one request's observation.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The HTTP method.
    pub method: String,
    /// The route pattern (`/api/v1/articles/{id_or_slug}`), never the path itself, so the
    /// number of series stays bounded; `unmatched` when no route matched.
    pub route: String,
    /// The status code.
    pub status: u16,
}

type RequestFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// Every metric of one server, registered once.
pub struct Metrics {
    registry: Registry,
    requests: RequestFamily,
    /// 1 while the node hears of other nodes' writes.
    pub channel_up: Gauge,
    /// Webhook deliveries still pending, as of the last scrape.
    pub webhook_backlog: Gauge,
    /// Bytes of WAL the replica has still to replay, as of the last scrape.
    pub replica_lag: Gauge,
}

impl Metrics {
    /// The metrics, with the response cache's `cache` counters, the database's `pool_waits`
    /// histogram and `replica` read counters registered beside the server's own.
    pub fn new(cache: &CacheCounters, pool_waits: &Histogram, replica: &ReplicaReads) -> Self {
        let mut registry = Registry::with_prefix("healthhub");
        let requests: RequestFamily =
            Family::new_with_constructor(|| Histogram::new(REQUEST_BUCKETS));
        registry.register(
            "http_request_duration_seconds",
            "Time from the request's arrival to its answer, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "response_cache_hits",
            "Anonymous reads answered from the response cache",
            cache.hits.clone(),
        );
        registry.register(
            "response_cache_misses",
            "Anonymous reads the response cache could not answer",
            cache.misses.clone(),
        );
        registry.register(
            "response_cache_evictions",
            "Responses dropped from the cache to make room",
            cache.evictions.clone(),
        );
        registry.register(
            "response_cache_encodings",
            "Compressed copies of cached answers made (one per entry and content coding at most)",
            cache.encodings.clone(),
        );
        registry.register(
            "db_pool_wait_seconds",
            "Time requests waited for a pooled database connection",
            pool_waits.clone(),
        );
        let channel_up = Gauge::default();
        registry.register(
            "notification_channel_up",
            "1 while this node hears of other nodes' writes (PostgreSQL LISTEN/NOTIFY)",
            channel_up.clone(),
        );
        let webhook_backlog = Gauge::default();
        registry.register(
            "webhook_backlog",
            "Webhook deliveries pending (due, or waiting for a retry)",
            webhook_backlog.clone(),
        );
        registry.register(
            "replica_reads",
            "Anonymous reads the read replica answered",
            replica.served.clone(),
        );
        registry.register(
            "replica_fallbacks",
            "Anonymous reads sent to the primary: the replica was behind this node or down",
            replica.fell_back.clone(),
        );
        let replica_lag = Gauge::default();
        registry.register(
            "replica_lag_bytes",
            "WAL the read replica has still to replay (0 without a replica)",
            replica_lag.clone(),
        );
        Self {
            registry,
            requests,
            channel_up,
            webhook_backlog,
            replica_lag,
        }
    }

    /// Records one answer.
    pub fn observe_request(&self, labels: &RequestLabels, seconds: f64) {
        self.requests.get_or_create(labels).observe(seconds);
    }

    /// Every metric in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

/// The `Content-Type` of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

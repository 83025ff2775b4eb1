//! Abuse limits: request rates per client IP and per token subject, one counted view per client
//! per article, and the longest accepted URL path and query string.
//!
//! The rates use the generic cell rate algorithm (a token bucket kept as one instant per key): a
//! limit of `L` a minute lets a client send `L` requests at once and then one every `60/L`
//! seconds. Time comes from the application's [`Clock`](crate::support::clock::Clock), so tests move it
//! instead of sleeping. Each limiter keeps at most `max_tracked_keys` clients in memory: keys
//! whose bucket has refilled are dropped once a period, and when the map is full the half
//! closest to a full bucket is forgotten (forgetting them only gives them a full bucket).
//!
//! On PostgreSQL the buckets are shared by every node instead (`db::rate_buckets`: one atomic
//! statement per charge), so a client's quota is the same whichever node it reaches; the same
//! arithmetic decides. A database error there lets the request through (the limits protect the
//! service; they must not take it down) and is logged.
//!
//! This module is the limiters as data; the middleware that charges requests to them and writes
//! the `RateLimit-*` headers is `crate::http::middleware::rate_limit`.

use crate::config::Limits;
use crate::db::{rate_buckets, Backend, Database};
use crate::error::ApiError;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};

/// Longest accepted URL path in bytes (as sent, percent-encoded); slugs are at most 100.
pub const MAX_PATH_BYTES: usize = 1024;

/// Paths that are never rate limited: an orchestrator must not see a healthy server as failing
/// (and restart it), nor a monitor lose its metrics, because someone else floods it from the
/// same address.
pub const UNLIMITED_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// `RateLimit-Limit`: the requests the client's quota allows in one period.
pub const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
/// `RateLimit-Remaining`: requests left in the quota.
pub const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
/// `RateLimit-Reset`: seconds until the whole quota is available again.
pub const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

const MICROS_PER_SECOND: i64 = 1_000_000;
const MINUTE: i64 = 60 * MICROS_PER_SECOND;

/// The state of a client's quota after a request, as the `RateLimit-*` headers tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per period.
    pub limit: u32,
    /// Requests left now.
    pub remaining: u32,
    /// Seconds until the whole quota is available again.
    pub reset: u64,
}

impl Quota {
    /// The quota closer to running out: fewer remaining requests, then the longer reset.
    pub fn tighter(self, other: Quota) -> Quota {
        if (other.remaining, std::cmp::Reverse(other.reset))
            < (self.remaining, std::cmp::Reverse(self.reset))
        {
            other
        } else {
            self
        }
    }

    /// Writes the three `RateLimit-*` headers.
    pub fn write_headers(self, headers: &mut HeaderMap) {
        headers.insert(RATELIMIT_LIMIT, HeaderValue::from(self.limit));
        headers.insert(RATELIMIT_REMAINING, HeaderValue::from(self.remaining));
        headers.insert(RATELIMIT_RESET, HeaderValue::from(self.reset));
    }
}

/// A request refused because its quota is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The (empty) quota.
    pub quota: Quota,
    /// Seconds until one more request is allowed (`Retry-After`), at least 1.
    pub retry_after: u64,
}

impl Refusal {
    /// The `429` problem for this refusal, explained by `detail`.
    pub fn error(self, detail: impl Into<String>) -> ApiError {
        ApiError::RateLimited {
            detail: format!("{}; try again in {} s", detail.into(), self.retry_after),
            retry_after: self.retry_after,
        }
    }
}

/// A bounded, in-memory rate limiter: `limit` requests per `period` per key.
pub struct RateLimiter<K> {
    limit: u32,
    /// The period, in microseconds.
    period: i64,
    /// The time one request "costs", in microseconds: `period / limit`.
    interval: i64,
    max_keys: usize,
    buckets: Mutex<Buckets<K>>,
}

struct Buckets<K> {
    /// Per key, the theoretical arrival time: when its bucket will be full again (µs).
    full_at: HashMap<K, i64>,
    /// When full buckets are next swept out (µs).
    next_sweep: i64,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// `limit` requests per `period_seconds` per key, tracking at most `max_keys` keys;
    /// `None` when `limit` or the period is 0 (no limit).
    pub fn new(limit: u32, period_seconds: u64, max_keys: usize) -> Option<Self> {
        let period = i64::try_from(period_seconds)
            .ok()?
            .checked_mul(MICROS_PER_SECOND)?;
        Self::with_period(limit, period, max_keys)
    }

    /// `limit` requests a minute per key.
    pub fn per_minute(limit: u32, max_keys: usize) -> Option<Self> {
        Self::with_period(limit, MINUTE, max_keys)
    }

    fn with_period(limit: u32, period: i64, max_keys: usize) -> Option<Self> {
        if limit == 0 || period <= 0 {
            return None;
        }
        Some(Self {
            limit,
            period,
            interval: (period / i64::from(limit)).max(1),
            max_keys: max_keys.max(1),
            buckets: Mutex::new(Buckets {
                full_at: HashMap::new(),
                next_sweep: i64::MIN,
            }),
        })
    }

    /// Counts one request of `key` at `now` when its quota allows it.
    pub fn check(&self, key: K, now: DateTime<Utc>) -> Result<Quota, Refusal> {
        let now = now.timestamp_micros();
        let mut buckets = self.lock();
        if now >= buckets.next_sweep {
            buckets.full_at.retain(|_, full_at| *full_at > now);
            buckets.next_sweep = now.saturating_add(self.period);
        }
        let full_at = buckets.full_at.get(&key).copied().unwrap_or(now).max(now);
        let next = full_at.saturating_add(self.interval);
        if next - now > self.period {
            return Err(self.refusal(full_at, now));
        }
        if buckets.full_at.len() >= self.max_keys && !buckets.full_at.contains_key(&key) {
            make_room(&mut buckets.full_at, now, self.max_keys);
        }
        buckets.full_at.insert(key, next);
        Ok(self.quota_after(next, now))
    }

    /// Counts one request of the bucket `key` of `db` (PostgreSQL's shared buckets) at `now`
    /// when its quota allows it; lets it through, with a full quota, when the database fails.
    pub async fn check_shared(
        &self,
        db: &Database,
        key: String,
        now: DateTime<Utc>,
    ) -> Result<Quota, Refusal> {
        let now = now.timestamp_micros();
        let (interval, period) = (self.interval, self.period);
        let charged = db
            .unlocked(move |conn| Ok(rate_buckets::charge(conn, &key, now, interval, period)?))
            .await;
        match charged {
            Ok(Ok(next)) => Ok(self.quota_after(next, now)),
            Ok(Err(full_at)) => Err(self.refusal(full_at.max(now), now)),
            Err(error) => {
                tracing::warn!(%error, "could not charge a shared rate-limit bucket; let through");
                Ok(self.quota_after(now, now))
            }
        }
    }

    /// The quota left once the bucket is full again at `next` (µs), at `now`.
    fn quota_after(&self, next: i64, now: i64) -> Quota {
        let remaining = (self.period - (next - now)) / self.interval;
        Quota {
            limit: self.limit,
            remaining: u32::try_from(remaining).unwrap_or(u32::MAX).min(self.limit),
            reset: seconds_ceil(next - now),
        }
    }

    /// The refusal of a request at `now` to a bucket full again at `full_at` (µs, not before
    /// `now`).
    fn refusal(&self, full_at: i64, now: i64) -> Refusal {
        let next = full_at.saturating_add(self.interval);
        Refusal {
            quota: Quota {
                limit: self.limit,
                remaining: 0,
                reset: seconds_ceil(full_at - now),
            },
            retry_after: seconds_ceil(next - self.period - now).max(1),
        }
    }

    /// How many keys the limiter holds now.
    pub fn tracked_keys(&self) -> usize {
        self.lock().full_at.len()
    }

    fn lock(&self) -> MutexGuard<'_, Buckets<K>> {
        // A panic while holding the lock cannot leave the map inconsistent: keep using it.
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Frees at least one slot in a map holding `max_keys` keys: drops every refilled bucket, and if
/// that is not enough, the half of the keys with the most quota left (the least to lose by
/// forgetting them: a forgotten key starts again with a full bucket).
fn make_room<K: Hash + Eq + Clone>(full_at: &mut HashMap<K, i64>, now: i64, max_keys: usize) {
    full_at.retain(|_, at| *at > now);
    if full_at.len() < max_keys {
        return;
    }
    let mut entries: Vec<(i64, K)> = full_at.iter().map(|(k, at)| (*at, k.clone())).collect();
    let half = (entries.len() / 2).max(1);
    entries.select_nth_unstable_by_key(half - 1, |(at, _)| *at);
    for (_, key) in entries.into_iter().take(half) {
        full_at.remove(&key);
    }
}

fn seconds_ceil(micros: i64) -> u64 {
    u64::try_from(micros.max(0))
        .unwrap_or(0)
        .div_ceil(MICROS_PER_SECOND as u64)
}

/// A client as the per-IP limits see it: its IPv4 address, or the /64 network of its IPv6
/// address (one subscriber usually holds a whole /64); `None` when the address is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(Option<IpAddr>);

impl ClientKey {
    /// The key of the client at `ip` (`None`: unknown address).
    pub fn of(ip: Option<IpAddr>) -> Self {
        Self(ip.map(|ip| match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
            v4 => v4,
        }))
    }
}

/// Every limiter of the application, built from [`Limits`]; a disabled one is `None`.
pub struct RateLimits {
    /// PostgreSQL: the database whose shared buckets every limiter uses; `None`: in memory.
    shared: Option<Database>,
    /// Requests per minute per client IP.
    pub per_ip: Option<RateLimiter<ClientKey>>,
    /// Writes per minute per token subject.
    pub per_subject: Option<RateLimiter<String>>,
    /// One counted view per client per article per window.
    pub views: Option<RateLimiter<(ClientKey, i32)>>,
}

impl RateLimits {
    /// The limiters `limits` asks for, in memory on SQLite and in `db`'s shared buckets on
    /// PostgreSQL.
    pub fn new(limits: &Limits, db: &Database) -> Self {
        let max = limits.max_tracked_keys;
        Self {
            shared: (db.backend() == Backend::Postgres).then(|| db.clone()),
            per_ip: RateLimiter::per_minute(limits.reads_per_minute, max),
            per_subject: RateLimiter::per_minute(limits.writes_per_minute, max),
            views: RateLimiter::new(1, limits.view_window_seconds, max),
        }
    }

    /// Keys held by all limiters together (bounded by three times `max_tracked_keys`).
    pub fn tracked_keys(&self) -> usize {
        self.per_ip.as_ref().map_or(0, RateLimiter::tracked_keys)
            + self
                .per_subject
                .as_ref()
                .map_or(0, RateLimiter::tracked_keys)
            + self.views.as_ref().map_or(0, RateLimiter::tracked_keys)
    }

    /// Charges a request from `client` at `now` to the per-address quota; `None` when requests
    /// are not limited.
    pub async fn charge_client(
        &self,
        client: ClientKey,
        now: DateTime<Utc>,
    ) -> Option<Result<Quota, Refusal>> {
        let limiter = self.per_ip.as_ref()?;
        Some(
            self.charge(limiter, client, || format!("ip:{client}"), now)
                .await,
        )
    }

    /// Charges a write by token `subject` at `now` to the per-subject quota; `None` when writes
    /// are not limited.
    pub async fn charge_subject(
        &self,
        subject: String,
        now: DateTime<Utc>,
    ) -> Option<Result<Quota, Refusal>> {
        let limiter = self.per_subject.as_ref()?;
        let shared_key = format!("subject:{subject}");
        Some(self.charge(limiter, subject, || shared_key, now).await)
    }

    /// Counts a view of `article` by `client` at `now`: `Ok(())` when it counts (or views are
    /// not limited), [`ApiError::ViewAlreadyCounted`] when this client's view was already counted
    /// within the window. The window is not a request quota, so nothing of it is reported in
    /// `RateLimit-*` headers.
    pub async fn count_view(
        &self,
        client: Option<IpAddr>,
        article: i32,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let Some(views) = &self.views else {
            return Ok(());
        };
        let client = ClientKey::of(client);
        self.charge(
            views,
            (client, article),
            || format!("view:{client}:{article}"),
            now,
        )
        .await
        .map(|_| ())
        .map_err(|refusal| ApiError::ViewAlreadyCounted {
            retry_after: refusal.retry_after,
        })
    }

    /// Charges `key` to `limiter`: in memory, or in the shared bucket `shared_key` names.
    async fn charge<K: Hash + Eq + Clone>(
        &self,
        limiter: &RateLimiter<K>,
        key: K,
        shared_key: impl FnOnce() -> String,
        now: DateTime<Utc>,
    ) -> Result<Quota, Refusal> {
        match &self.shared {
            None => limiter.check(key, now),
            Some(db) => limiter.check_shared(db, shared_key(), now).await,
        }
    }
}

impl std::fmt::Display for ClientKey {
    /// The address (an IPv6 client's /64 network address), or `unknown`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(ip) => write!(f, "{ip}"),
            None => f.write_str("unknown"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap() + TimeDelta::seconds(seconds)
    }

    #[test]
    fn allows_the_limit_at_once_then_one_per_interval() {
        let limiter = RateLimiter::per_minute(3, 10).unwrap();
        let remaining: Vec<u32> = (0..3)
            .map(|_| limiter.check("a", at(0)).unwrap().remaining)
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        let refusal = limiter.check("a", at(0)).unwrap_err();
        assert_eq!(refusal.retry_after, 20);
        assert_eq!(refusal.quota.remaining, 0);
        assert_eq!(refusal.quota.reset, 60);
        assert!(limiter.check("a", at(19)).is_err());
        let again = limiter.check("a", at(20)).unwrap();
        assert_eq!((again.remaining, again.reset), (0, 60));
        assert_eq!(limiter.check("b", at(20)).unwrap().remaining, 2);
        assert_eq!(limiter.check("a", at(100)).unwrap().remaining, 2);
    }

    #[test]
    fn a_zero_limit_or_period_disables_the_limiter() {
        assert!(RateLimiter::<u8>::per_minute(0, 10).is_none());
        assert!(RateLimiter::<u8>::new(1, 0, 10).is_none());
    }

    #[test]
    fn a_window_of_one_allows_one_request_per_window() {
        let limiter = RateLimiter::new(1, 60, 10).unwrap();
        assert_eq!(
            limiter.check(7, at(0)),
            Ok(Quota {
                limit: 1,
                remaining: 0,
                reset: 60
            })
        );
        assert_eq!(limiter.check(7, at(59)).unwrap_err().retry_after, 1);
        assert!(limiter.check(7, at(60)).is_ok());
    }

    #[test]
    fn memory_stays_bounded_and_heavy_users_are_kept() {
        let limiter = RateLimiter::per_minute(10, 100).unwrap();
        for _ in 0..10 {
            limiter.check(u32::MAX, at(0)).unwrap();
        }
        for key in 0..100_000u32 {
            limiter.check(key, at(0)).unwrap();
            assert!(limiter.tracked_keys() <= 100);
        }
        assert!(
            limiter.check(u32::MAX, at(0)).is_err(),
            "the client that used its whole quota is still remembered"
        );
        limiter.check(1, at(120)).unwrap();
        assert_eq!(limiter.tracked_keys(), 1, "refilled buckets are swept out");
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_bit_network() {
        let key = |ip: &str| ClientKey::of(Some(ip.parse().unwrap()));
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
    }
}

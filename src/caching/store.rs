//! The response cache: anonymous API reads kept in memory, bounded in bytes, and dropped by exactly the writes that change what they show.
//!
//! Every entry remembers the *ticket* its request took before reading the database. A write,
//! once committed, draws a new ticket and records it as the moment the things it changed were
//! last changed: everything, or some articles (and so every list, since any list may show
//! them). An entry is valid only while its ticket is no older than the last change of what it
//! depends on, so a read that raced a write can never be served later as current: its ticket
//! predates the write's. Entries also expire at the next scheduled (un)publication they were
//! filled before, since the clock alone changes what anonymous readers see then.
//!
//! A flush of counted views is a change of its own kind ([`Change::Views`]): it changes nothing
//! but `view_count`, so it drops no entry. An entry showing an article whose count such a flush
//! moved after the entry was filled (any list, for a flush of any article) is served for at
//! most the *view-count max age* after it was filled, then computed again: a cached answer's
//! view counts lag the stored ones by at most that long, and nothing else in it ever lags.

use super::encodings::{is_compressible, Coding};
use super::flight::Flights;
use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;
use chrono::{NaiveDateTime, TimeDelta};
use lru::LruCache;
use prometheus_client::metrics::counter::Counter;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

/// What a response depends on, or what a write changed; handlers put it in the response's
/// extensions. A read without one depends on everything; a write without one changed everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheScope {
    /// A read that shows this one article (its row, sections and category) and nothing else; a
    /// write that changed this article only.
    Article(i32),
    /// A write that changed no stored content (yet): a buffered view, written by a later flush
    /// that reports its own change.
    Unchanged,
}

/// What a committed write changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Anything at all (categories, several kinds of rows, or unknown).
    Everything,
    /// These articles (their rows or sections) and nothing else.
    Articles(Vec<i32>),
    /// The view counts of these articles and nothing else (a flush of counted views): entries
    /// showing them are served until the view-count max age after they were filled.
    Views(Vec<i32>),
}

/// A stored response: the headers and body the application produced for a `200`, and the
/// compressed copies of the body made so far (one per content coding, each made once).
#[derive(Debug)]
pub struct Cached {
    /// The headers, entity tag included (outer layers add theirs on every request).
    pub headers: HeaderMap,
    /// The body (identity coding).
    pub body: Bytes,
    /// The pattern of the route that made it (`/api/v1/articles/{id_or_slug}`), if one did: a
    /// hit is answered without routing, and still counted under its route.
    pub route: Option<Arc<str>>,
    /// Whether `Compress` would encode it ([`is_compressible`]), decided once when stored.
    pub compressible: bool,
    /// The body in each [`Coding`], by [`Coding::index`], once a request has asked for it.
    encoded: [OnceLock<Bytes>; Coding::COUNT],
}

impl Cached {
    /// A response made by the route with this pattern, with no compressed copy yet.
    pub fn new(headers: HeaderMap, body: Bytes, route: Option<Arc<str>>) -> Self {
        Self {
            compressible: is_compressible(&headers),
            headers,
            body,
            route,
            encoded: Default::default(),
        }
    }

    /// The bytes the cache counts for this response under `key`, compressed copies included.
    fn size(&self, key: &str) -> usize {
        key.len()
            + self.body.len()
            + self
                .headers
                .iter()
                .map(|(name, value)| name.as_str().len() + value.len())
                .sum::<usize>()
            + self
                .encoded
                .iter()
                .filter_map(OnceLock::get)
                .map(Bytes::len)
                .sum::<usize>()
            + ENTRY_OVERHEAD
    }
}

/// Where a new entry comes from.
#[derive(Debug, Clone, Copy)]
pub struct Fill {
    /// The ticket taken before the response was computed.
    pub ticket: u64,
    /// The only article the response shows, or `None` when it may show any.
    pub article: Option<i32>,
    /// The next scheduled (un)publication after the response was computed, if any.
    pub valid_until: Option<NaiveDateTime>,
    /// When the request began, before it read the database: the view counts the response shows
    /// are at least as recent as this.
    pub filled_at: NaiveDateTime,
}

/// Beyond this many individually tracked changed articles, a change counts as a change of
/// everything (which empties the table), and a flush of views as one of every article's views,
/// so bookkeeping stays bounded.
const MAX_TRACKED_ARTICLES: usize = 65_536;

/// Bytes counted for an entry beyond its key, headers and body (the map slot, the `Arc`, …).
const ENTRY_OVERHEAD: usize = 160;

/// What the cache has done since start (Prometheus counters, shared with `crate::metrics`).
#[derive(Debug, Default, Clone)]
pub struct CacheCounters {
    /// Reads answered from memory.
    pub hits: Counter,
    /// Reads the cache could not answer (with the cache enabled).
    pub misses: Counter,
    /// Entries dropped to make room (least recently used first).
    pub evictions: Counter,
    /// Compressed copies of stored bodies made (one per entry and content coding at most).
    pub encodings: Counter,
}

/// The cache; share it through `AppState`.
pub struct ResponseCache {
    capacity: usize,
    /// How long after it was filled an entry may show view counts a flush has moved since.
    view_count_max_age: TimeDelta,
    /// Hits, misses and evictions.
    pub counters: CacheCounters,
    /// Set while the node cannot hear of other nodes' writes: nothing is served or stored.
    suspended: AtomicBool,
    flights: Flights,
    tickets: AtomicU64,
    inner: Mutex<Inner>,
}

struct Entry {
    response: Arc<Cached>,
    fill: Fill,
    bytes: usize,
}

struct Inner {
    entries: LruCache<String, Entry>,
    bytes: usize,
    everything_changed: u64,
    lists_changed: u64,
    articles_changed: HashMap<i32, u64>,
    /// The last flush of views of any article (lists may show any article's count).
    lists_viewed: u64,
    /// The last flush of views of each article, since `all_viewed`.
    articles_viewed: HashMap<i32, u64>,
    /// A flush of views that counts as one of every article's (bookkeeping overflow).
    all_viewed: u64,
}

impl Inner {
    fn is_current(&self, fill: &Fill, now: NaiveDateTime, view_count_max_age: TimeDelta) -> bool {
        let (depends, viewed) = match fill.article {
            Some(id) => (
                self.articles_changed.get(&id).copied().unwrap_or(0),
                self.articles_viewed.get(&id).copied().unwrap_or(0),
            ),
            None => (self.lists_changed, self.lists_viewed),
        };
        let counts_recent_enough = fill.ticket >= viewed.max(self.all_viewed)
            || fill
                .filled_at
                .checked_add_signed(view_count_max_age)
                .is_none_or(|until| now < until);
        fill.ticket >= self.everything_changed.max(depends)
            && counts_recent_enough
            && fill.valid_until.is_none_or(|until| now < until)
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.pop(key) {
            self.bytes -= entry.bytes;
        }
    }
}

impl ResponseCache {
    /// A cache holding at most `capacity` bytes of responses (`0` switches it off), whose
    /// entries may show view counts up to `view_count_max_age` old (`0`: a flush of views drops
    /// the entries showing what it moved, as any change does).
    pub fn new(capacity: usize, view_count_max_age: Duration) -> Self {
        Self {
            capacity,
            view_count_max_age: TimeDelta::from_std(view_count_max_age).unwrap_or(TimeDelta::MAX),
            counters: CacheCounters::default(),
            suspended: AtomicBool::new(false),
            flights: Flights::default(),
            tickets: AtomicU64::new(0),
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
                everything_changed: 0,
                lists_changed: 0,
                articles_changed: HashMap::new(),
                lists_viewed: 0,
                articles_viewed: HashMap::new(),
                all_viewed: 0,
            }),
        }
    }

    /// True unless the cache was configured with no room or is [suspended](Self::suspend).
    pub fn is_enabled(&self) -> bool {
        self.capacity > 0 && !self.suspended.load(Ordering::Acquire)
    }

    /// Stops serving and storing responses until [`Self::resume`]: for a node that cannot hear
    /// of other nodes' writes (its change notification channel is down), whose copies could be
    /// stale without it knowing.
    pub fn suspend(&self) {
        self.suspended.store(true, Ordering::Release);
        self.changed(&Change::Everything);
    }

    /// Serves and stores again after [`Self::suspend`], starting empty: anything may have
    /// changed meanwhile.
    pub fn resume(&self) {
        self.changed(&Change::Everything);
        self.suspended.store(false, Ordering::Release);
    }

    /// The misses being computed, to coalesce concurrent misses of one key.
    pub fn flights(&self) -> &Flights {
        &self.flights
    }

    /// The ticket a read takes before it reads the database.
    pub fn ticket(&self) -> u64 {
        self.tickets.load(Ordering::SeqCst)
    }

    /// The response stored under `key` if it is still current at `now`.
    pub fn get(&self, key: &str, now: NaiveDateTime) -> Option<Arc<Cached>> {
        if !self.is_enabled() {
            return None;
        }
        let mut inner = self.lock();
        let current = inner
            .entries
            .peek(key)
            .map(|entry| inner.is_current(&entry.fill, now, self.view_count_max_age));
        let found = match current {
            Some(true) => inner
                .entries
                .get(key)
                .map(|entry| Arc::clone(&entry.response)),
            Some(false) => {
                inner.remove(key);
                None
            }
            None => None,
        };
        match &found {
            Some(_) => self.counters.hits.inc(),
            None => self.counters.misses.inc(),
        };
        found
    }

    /// Stores `response` under `key`, unless a write has made it stale already, a newer one is
    /// there, or it is bigger than a tenth of the capacity; evicts the least recently used
    /// entries to make room. Returns whether it stored it.
    pub fn put(&self, key: String, fill: Fill, response: Arc<Cached>, now: NaiveDateTime) -> bool {
        let bytes = response.size(&key);
        if bytes > self.capacity / 10 || !self.is_enabled() {
            return false;
        }
        let mut inner = self.lock();
        if !inner.is_current(&fill, now, self.view_count_max_age) {
            return false;
        }
        if inner
            .entries
            .peek(&key)
            .is_some_and(|existing| existing.fill.ticket > fill.ticket)
        {
            return false;
        }
        inner.remove(&key);
        self.make_room(&mut inner, bytes);
        inner.bytes += bytes;
        inner.entries.put(
            key,
            Entry {
                response,
                fill,
                bytes,
            },
        );
        true
    }

    /// `response`'s body in `coding`: the copy made earlier, or one made now and kept with
    /// `response` (and counted in the cache's bytes while `response` is still the entry under
    /// `key`). Errors only if the encoder fails.
    pub fn encoded(
        &self,
        key: &str,
        response: &Arc<Cached>,
        coding: Coding,
    ) -> std::io::Result<Bytes> {
        let slot = &response.encoded[coding.index()];
        if let Some(bytes) = slot.get() {
            return Ok(bytes.clone());
        }
        let fresh = coding.encode(&response.body)?;
        let grown = fresh.len();
        if slot.set(fresh).is_ok() {
            self.counters.encodings.inc();
            let mut inner = self.lock();
            let stored = inner
                .entries
                .peek(key)
                .is_some_and(|entry| Arc::ptr_eq(&entry.response, response));
            if stored {
                self.make_room(&mut inner, grown);
                if let Some(entry) = inner.entries.peek_mut(key) {
                    entry.bytes += grown;
                    inner.bytes += grown;
                }
            }
        }
        Ok(slot.get().cloned().unwrap_or_default())
    }

    /// Evicts the least recently used entries until `bytes` more fit in the capacity.
    fn make_room(&self, inner: &mut Inner, bytes: usize) {
        while inner.bytes + bytes > self.capacity {
            match inner.entries.pop_lru() {
                Some((_, evicted)) => {
                    inner.bytes -= evicted.bytes;
                    self.counters.evictions.inc();
                }
                None => break,
            }
        }
    }

    /// Records a committed write: every entry that shows what it changed stops being served
    /// (for a flush of views: once it is older than the view-count max age). Costs O(articles
    /// named), whatever the cache holds.
    pub fn changed(&self, change: &Change) {
        let mut inner = self.lock();
        let ticket = self.tickets.fetch_add(1, Ordering::SeqCst) + 1;
        match change {
            Change::Views(ids)
                if inner.articles_viewed.len() + ids.len() <= MAX_TRACKED_ARTICLES =>
            {
                for id in ids {
                    inner.articles_viewed.insert(*id, ticket);
                }
                inner.lists_viewed = ticket;
            }
            Change::Views(_) => {
                inner.all_viewed = ticket;
                inner.lists_viewed = ticket;
                inner.articles_viewed.clear();
            }
            Change::Articles(ids)
                if inner.articles_changed.len() + ids.len() <= MAX_TRACKED_ARTICLES =>
            {
                for id in ids {
                    inner.articles_changed.insert(*id, ticket);
                }
                inner.lists_changed = ticket;
            }
            Change::Articles(_) | Change::Everything => {
                inner.everything_changed = ticket;
                inner.articles_changed.clear();
                inner.articles_viewed.clear();
                inner.entries.clear();
                inner.bytes = 0;
            }
        }
    }

    /// How many responses and bytes the cache holds.
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.entries.len(), inner.bytes)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn at(seconds: i64) -> NaiveDateTime {
        DateTime::from_timestamp(seconds, 0).unwrap().naive_utc()
    }

    fn response(body: &'static str) -> Arc<Cached> {
        Arc::new(Cached::new(
            HeaderMap::new(),
            Bytes::from_static(body.as_bytes()),
            None,
        ))
    }

    const MINUTE: Duration = Duration::from_secs(60);

    fn fill(cache: &ResponseCache, article: Option<i32>) -> Fill {
        Fill {
            ticket: cache.ticket(),
            article,
            valid_until: None,
            filled_at: at(0),
        }
    }

    fn body(cache: &ResponseCache, key: &str) -> Option<Bytes> {
        cache.get(key, at(0)).map(|cached| cached.body.clone())
    }

    #[test]
    fn a_change_of_one_article_drops_it_and_the_lists_but_not_other_articles() {
        let cache = ResponseCache::new(1 << 20, MINUTE);
        cache.put("/a/1".into(), fill(&cache, Some(1)), response("one"), at(0));
        cache.put("/a/2".into(), fill(&cache, Some(2)), response("two"), at(0));
        cache.put("/a".into(), fill(&cache, None), response("list"), at(0));
        cache.changed(&Change::Articles(vec![1]));
        assert_eq!(body(&cache, "/a/1"), None);
        assert_eq!(body(&cache, "/a"), None);
        assert_eq!(body(&cache, "/a/2").as_deref(), Some(&b"two"[..]));
        cache.changed(&Change::Everything);
        assert_eq!(body(&cache, "/a/2"), None);
    }

    #[test]
    fn each_coding_is_encoded_once_and_counted_in_the_bytes() {
        let cache = ResponseCache::new(1 << 20, MINUTE);
        let stored = response("a body worth compressing, a body worth compressing");
        cache.put(
            "/a/1".into(),
            fill(&cache, Some(1)),
            Arc::clone(&stored),
            at(0),
        );
        let (_, before) = cache.usage();
        let hit = cache.get("/a/1", at(0)).expect("stored");
        let gzip = cache.encoded("/a/1", &hit, Coding::Gzip).expect("gzip");
        let again = cache.encoded("/a/1", &hit, Coding::Gzip).expect("gzip");
        assert_eq!(gzip, again);
        assert_eq!(cache.counters.encodings.get(), 1);
        assert_eq!(cache.usage().1, before + gzip.len());
        let brotli = cache.encoded("/a/1", &hit, Coding::Brotli).expect("br");
        assert_eq!(cache.counters.encodings.get(), 2);
        assert_eq!(cache.usage().1, before + gzip.len() + brotli.len());
        // A copy made for a response no longer stored is not counted.
        cache.changed(&Change::Everything);
        cache
            .encoded("/a/1", &hit, Coding::Deflate)
            .expect("deflate");
        assert_eq!(cache.usage(), (0, 0));
    }

    #[test]
    fn a_read_that_raced_a_write_is_never_stored() {
        let cache = ResponseCache::new(1 << 20, MINUTE);
        let before_the_write = fill(&cache, Some(1));
        cache.changed(&Change::Articles(vec![1]));
        cache.put("/a/1".into(), before_the_write, response("old"), at(0));
        assert_eq!(body(&cache, "/a/1"), None);
        cache.put("/a/1".into(), fill(&cache, Some(1)), response("new"), at(0));
        assert_eq!(body(&cache, "/a/1").as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn entries_expire_at_the_next_scheduled_change() {
        let cache = ResponseCache::new(1 << 20, MINUTE);
        let fill = Fill {
            valid_until: Some(at(100)),
            ..fill(&cache, None)
        };
        cache.put("/a".into(), fill, response("list"), at(0));
        assert!(cache.get("/a", at(99)).is_some());
        assert!(cache.get("/a", at(100)).is_none());
    }

    #[test]
    fn the_least_recently_used_entries_make_room_within_the_capacity() {
        let body = "x".repeat(1000).leak();
        let cache = ResponseCache::new(10 * (1000 + ENTRY_OVERHEAD + 4), MINUTE);
        for key in 0..10 {
            cache.put(
                format!("/{key:03}"),
                fill(&cache, None),
                response(body),
                at(0),
            );
        }
        assert!(cache.get("/000", at(0)).is_some());
        cache.put("/new".into(), fill(&cache, None), response(body), at(0));
        let (entries, bytes) = cache.usage();
        assert!(bytes <= 10 * (1000 + ENTRY_OVERHEAD + 4), "{bytes}");
        assert!(entries < 11);
        assert!(cache.get("/000", at(0)).is_some(), "recently used, kept");
        assert!(
            cache.get("/001", at(0)).is_none(),
            "least recently used, evicted"
        );
    }

    #[test]
    fn a_flush_of_views_keeps_entries_until_the_max_age_after_they_were_filled() {
        let cache = ResponseCache::new(1 << 20, MINUTE);
        cache.put("/a/1".into(), fill(&cache, Some(1)), response("one"), at(0));
        cache.put("/a/2".into(), fill(&cache, Some(2)), response("two"), at(0));
        cache.put("/a".into(), fill(&cache, None), response("list"), at(0));
        cache.changed(&Change::Views(vec![1]));
        assert!(
            cache.get("/a/1", at(59)).is_some(),
            "counts lag at most a minute"
        );
        assert!(cache.get("/a", at(59)).is_some());
        assert!(cache.get("/a/1", at(60)).is_none(), "then computed again");
        assert!(
            cache.get("/a", at(60)).is_none(),
            "a list may show any count"
        );
        assert!(
            cache.get("/a/2", at(3600)).is_some(),
            "an article whose count did not move stays"
        );
        let refilled = Fill {
            filled_at: at(60),
            ..fill(&cache, Some(1))
        };
        cache.put("/a/1".into(), refilled, response("one, counted"), at(60));
        assert!(
            cache.get("/a/1", at(3600)).is_some(),
            "filled after the flush: no count of it lags"
        );
        cache.changed(&Change::Articles(vec![2]));
        assert!(
            cache.get("/a/2", at(3600)).is_none(),
            "content changes drop at once"
        );
    }

    #[test]
    fn a_read_that_raced_a_flush_of_views_is_kept_for_the_max_age() {
        let cache = ResponseCache::new(1 << 20, MINUTE);
        let before_the_flush = fill(&cache, Some(1));
        cache.changed(&Change::Views(vec![1]));
        cache.put("/a/1".into(), before_the_flush, response("old"), at(1));
        assert!(cache.get("/a/1", at(59)).is_some());
        assert!(cache.get("/a/1", at(60)).is_none());
    }

    #[test]
    fn with_no_max_age_a_flush_of_views_drops_at_once() {
        let cache = ResponseCache::new(1 << 20, Duration::ZERO);
        cache.put("/a/1".into(), fill(&cache, Some(1)), response("one"), at(0));
        cache.put("/a/2".into(), fill(&cache, Some(2)), response("two"), at(0));
        cache.put("/a".into(), fill(&cache, None), response("list"), at(0));
        cache.changed(&Change::Views(vec![1]));
        assert_eq!(body(&cache, "/a/1"), None);
        assert_eq!(body(&cache, "/a"), None);
        assert_eq!(body(&cache, "/a/2").as_deref(), Some(&b"two"[..]));
    }

    #[test]
    fn too_many_viewed_articles_count_as_every_articles_views() {
        let cache = ResponseCache::new(1 << 20, MINUTE);
        cache.put("/a/1".into(), fill(&cache, Some(1)), response("one"), at(0));
        let many: Vec<i32> = (2..).take(MAX_TRACKED_ARTICLES).collect();
        cache.changed(&Change::Views(many));
        cache.changed(&Change::Views(vec![2]));
        assert!(cache.get("/a/1", at(59)).is_some(), "nothing is dropped");
        assert!(
            cache.get("/a/1", at(60)).is_none(),
            "but article 1 ages too"
        );
    }
}

//! HTTP caching of reads: strong `ETag`s from a hash of the body, `Last-Modified`, `304 Not Modified`, `Cache-Control`, and the in-process response cache for anonymous API reads.
//!
//! Two layers (positions 3 and 14 of the table in `super`). [`cache_headers`] wraps the routes. For a `200` to a `GET`/`HEAD` of `/api/v1/...`
//! or `/openapi.json` it buffers the body and derives the entity tag from it: `"<hash>"`, or
//! `"<version>-<hash>"` when the handler already tagged the response with an article's
//! `"<version>"` (so `If-Match` still finds the version). API reads also get `Last-Modified`:
//! the later of the last committed write and the last scheduled publication or unpublication
//! that has come to pass. Anonymous API reads are answered from the [`ResponseCache`](crate::caching::store::ResponseCache)
//! when it holds a current copy, compressed in the request's negotiated coding from a copy made
//! once per entry and coding; each committed write tells it what changed. [`no_store`] wraps
//! everything and marks writes, errors (including those of the outer layers) and probes as
//! never to be stored.

use super::compression::coded_tag;
use super::request_log::RoutePattern;
use crate::caching::encodings::{is_compressible, Coding};
use crate::caching::flight::Turn;
use crate::caching::schedule::Around;
use crate::caching::store::{CacheScope, Cached, Change, Fill};
use crate::site::urls::{FEED_PATH, SITEMAP_PATH};
use crate::state::AppState;
use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::http::header::{self, AcceptEncoding, Header, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The IMF-fixdate format of HTTP dates (RFC 9110 §5.6.7), always in GMT.
const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";

/// `Cache-Control` of anything that must not be stored: writes, errors, probes, private reads.
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");

/// `Cache-Control` of Swagger UI's files: they change only with the binary, but their names
/// carry no content hash, so a day (then a cheap revalidation by `ETag`) rather than `immutable`.
const DOCS: HeaderValue = HeaderValue::from_static("public, max-age=86400");

/// `Cache-Control` of a read made with credentials.
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-store");

/// Which caching rules a path falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    /// `/api/v1/...` and the site's documents (`/feed.xml`, `/sitemap.xml`), which show the
    /// same content: entity tags, `Last-Modified`, conditional requests, the response cache.
    Api,
    /// `/openapi.json`: entity tags and conditional requests.
    Document,
    /// `/docs/...`: Swagger UI's files, entity tags, conditional requests and a long
    /// `Cache-Control` (their names carry no hash, so a day rather than `immutable`).
    Docs,
    /// `/healthz`, `/readyz`, `/metrics`: never stored.
    Probe,
    /// Everything else (`/docs`): left alone.
    Other,
}

impl Area {
    fn of(path: &str) -> Self {
        match path {
            "/api/v1" => Self::Api,
            p if p.starts_with("/api/v1/") => Self::Api,
            FEED_PATH | SITEMAP_PATH => Self::Api,
            "/openapi.json" => Self::Document,
            "/healthz" | "/readyz" | "/metrics" => Self::Probe,
            p if p.starts_with("/docs/") => Self::Docs,
            _ => Self::Other,
        }
    }
}

/// The validators a request sent.
struct Conditions {
    /// `If-None-Match` entity tags as sent (`W/` stripped, a coding suffix kept), or `["*"]`.
    if_none_match: Option<Vec<String>>,
    /// `If-Modified-Since`, when present and parsable.
    if_modified_since: Option<NaiveDateTime>,
}

impl Conditions {
    fn of(headers: &HeaderMap) -> Self {
        let tags: Vec<String> = headers
            .get_all(header::IF_NONE_MATCH)
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .map(|tag| tag.trim_start_matches("W/").to_owned())
            .collect();
        let if_modified_since = headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| NaiveDateTime::parse_from_str(value.trim(), HTTP_DATE).ok());
        Self {
            if_none_match: (!tags.is_empty()).then_some(tags),
            if_modified_since,
        }
    }

    /// True when the client's copy is current: `If-None-Match` names `etag`, the tag of the
    /// representation this request is answered with (weak comparison; a tag of another coding's
    /// representation does not count, RFC 9110 §13.1.2), or, only without `If-None-Match`, an
    /// `If-Modified-Since` no earlier than `last_modified`.
    fn not_modified(&self, etag: &str, last_modified: Option<DateTime<Utc>>) -> bool {
        match &self.if_none_match {
            Some(tags) => tags.iter().any(|tag| tag == "*" || tag == etag),
            None => self
                .if_modified_since
                .zip(last_modified)
                .is_some_and(|(since, modified)| since >= modified.naive_utc()),
        }
    }
}

/// The outer layer (position 3 of the table in `super`): writes,
/// errors (whichever layer made them) and probes get `Cache-Control: no-store`.
pub async fn no_store(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let area = Area::of(req.path());
    let is_read = is_read(req.method());
    let mut res = next.call(req).await?;
    let status = res.status();
    if !is_read || status.is_client_error() || status.is_server_error() || area == Area::Probe {
        res.headers_mut().insert(header::CACHE_CONTROL, NO_STORE);
    }
    Ok(res)
}

/// The inner layer (position 14 of the table in `super`):
/// validators and `304`s for reads, the response cache for anonymous API reads, and the
/// response cache told what each API write changed.
pub async fn cache_headers(
    state: web::Data<AppState>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let area = Area::of(req.path());
    if !is_read(req.method()) {
        let res = next.call(req).await?;
        if area == Area::Api {
            record_write(&state, &res);
        }
        return Ok(res.map_into_boxed_body());
    }
    if !matches!(area, Area::Api | Area::Document | Area::Docs) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }

    let now = state.clock.now();
    let schedule = match area {
        Area::Api => match state.schedule.around(&state.db, now.naive_utc()).await {
            Ok(around) => Some(around),
            Err(error) => {
                tracing::warn!("reading the publication schedule: {error}");
                None
            }
        },
        _ => None,
    };
    let with_credentials = req.headers().contains_key(header::AUTHORIZATION);
    let validators = Validators {
        conditions: Conditions::of(req.headers()),
        last_modified: schedule.and_then(|around| last_modified(&state, &around, now)),
        cache_control: if area == Area::Docs {
            DOCS
        } else if with_credentials {
            PRIVATE
        } else {
            public(state.config.cache_max_age, state.config.cache_swr)
        },
    };
    let cache_key = (area == Area::Api
        && !with_credentials
        && schedule.is_some()
        && state.responses.is_enabled())
    .then(|| format!("{}?{}", req.path(), req.query_string()));
    let coding = Coding::negotiate(AcceptEncoding::parse(&req).ok().as_ref());

    let lookup = |key: &str| state.responses.get(key, now.naive_utc());
    let mut hit = cache_key.as_deref().and_then(lookup);
    // A miss computes the answer once: concurrent misses of the same key wait for it.
    let mut computing = None;
    if let (None, Some(key)) = (&hit, cache_key.as_deref()) {
        match state.responses.flights().join(key) {
            Turn::Lead(leader) => computing = Some(leader),
            Turn::Follow(done) => {
                state.responses.flights().wait(key, done).await;
                hit = lookup(key);
            }
        }
    }
    if let (Some(hit), Some(key)) = (hit, cache_key.as_deref()) {
        let mut head = HttpResponse::with_body(StatusCode::OK, ());
        *head.headers_mut() = hit.headers.clone();
        let coding = coding.filter(|_| hit.compressible);
        let mut response =
            validators.apply(head, coding, || representation(&state, key, &hit, coding))?;
        if let Some(route) = &hit.route {
            response
                .extensions_mut()
                .insert(RoutePattern(Arc::clone(route)));
        }
        return Ok(req.into_response(response));
    }

    let ticket = state.responses.ticket();
    let res = next.call(req).await?;
    if res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let article = match res.response().extensions().get::<CacheScope>() {
        Some(CacheScope::Article(id)) => Some(*id),
        _ => None,
    };
    let (request, response) = res.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|error| ErrorInternalServerError(error.into()))?;
    let etag = entity_tag(head.headers().get(header::ETAG), &bytes);
    head.headers_mut()
        .insert(header::ETAG, header_value(&etag)?);
    // The coding `Compress` would choose, which this layer applies itself to what it caches.
    let coding = coding.filter(|_| is_compressible(head.headers()));
    let Some(key) = cache_key else {
        return Ok(ServiceResponse::new(
            request,
            validators.apply(head, coding, || Ok((bytes, false)))?,
        ));
    };
    let fill = Fill {
        ticket,
        article,
        valid_until: schedule.and_then(|around| around.next),
        filled_at: now.naive_utc(),
    };
    let route = request.match_pattern().map(Arc::from);
    let cached = Arc::new(Cached::new(head.headers().clone(), bytes, route));
    let stored = state
        .responses
        .put(key.clone(), fill, Arc::clone(&cached), now.naive_utc());
    // Only now, with the answer in the cache, are the requests waiting for it let go.
    drop(computing);
    let response = validators.apply(head, coding, || {
        if stored {
            representation(&state, &key, &cached, coding)
        } else {
            // Not kept (too big for the cache, say): `Compress` encodes it, as any answer.
            Ok((cached.body.clone(), false))
        }
    })?;
    Ok(ServiceResponse::new(request, response))
}

/// The body a request gets of the response stored under `key`, and whether it is encoded: the
/// copy in `coding` (made now by the first request to ask for it), or the identity body when
/// the answer is in no coding.
fn representation(
    state: &AppState,
    key: &str,
    cached: &Arc<Cached>,
    coding: Option<Coding>,
) -> Result<(Bytes, bool), actix_web::Error> {
    match coding {
        Some(coding) => {
            let encoded = state
                .responses
                .encoded(key, cached, coding)
                .map_err(ErrorInternalServerError)?;
            Ok((encoded, true))
        }
        None => Ok((cached.body.clone(), false)),
    }
}

/// Tells the response cache and the schedule what a write to the API changed, unless it was
/// refused (a `4xx` rolled its transaction back). A write that does not say what it changed
/// changed everything.
fn record_write<B>(state: &AppState, res: &ServiceResponse<B>) {
    if res.status().is_client_error() {
        return;
    }
    let change = match res.response().extensions().get::<CacheScope>() {
        Some(CacheScope::Unchanged) => return,
        Some(CacheScope::Article(id)) => Change::Articles(vec![*id]),
        None => Change::Everything,
    };
    state.content_changed(&change);
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

/// What a read's answer is validated and labelled with, per request.
struct Validators {
    conditions: Conditions,
    last_modified: Option<DateTime<Utc>>,
    cache_control: HeaderValue,
}

impl Validators {
    /// `head` (a `200` carrying its identity `ETag`) with `Last-Modified`, `Cache-Control` and
    /// `Vary`, and the body `body` gives (with whether it is already encoded in `coding`, the
    /// coding of the answer: else `Compress` encodes it) — or, when the client holds this very
    /// representation, a `304` without a body (`body` is not called) carrying its tag.
    fn apply(
        &self,
        mut head: HttpResponse<()>,
        coding: Option<Coding>,
        body: impl FnOnce() -> Result<(Bytes, bool), actix_web::Error>,
    ) -> Result<HttpResponse<BoxBody>, actix_web::Error> {
        let etag = head
            .headers()
            .get(header::ETAG)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let representation_tag = coding.map_or_else(|| etag.clone(), |c| coded_tag(&etag, c));
        let not_modified = self
            .conditions
            .not_modified(&representation_tag, self.last_modified);
        let headers = head.headers_mut();
        if let Some(at) = self.last_modified {
            let date = at.format(HTTP_DATE).to_string();
            headers.insert(header::LAST_MODIFIED, header_value(&date)?);
        }
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        vary_on_authorization(headers);
        Ok(if not_modified {
            *head.status_mut() = StatusCode::NOT_MODIFIED;
            head.headers_mut().remove(header::CONTENT_TYPE);
            head.headers_mut()
                .insert(header::ETAG, header_value(&representation_tag)?);
            head.set_body(BoxBody::new(()))
        } else {
            let (body, encoded) = body()?;
            if let Some(coding) = coding.filter(|_| encoded) {
                head.headers_mut()
                    .insert(header::CONTENT_ENCODING, coding.header_value());
            }
            head.set_body(BoxBody::new(body))
        })
    }
}

/// `public, max-age=…, stale-while-revalidate=…`.
fn public(max_age: u32, stale_while_revalidate: u32) -> HeaderValue {
    let value =
        format!("public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}");
    HeaderValue::from_str(&value).unwrap_or(NO_STORE)
}

/// The strong entity tag of `body`: `"<hash>"`, or `"<tag>-<hash>"` when the handler set the
/// strong tag `"<tag>"`; `<hash>` is the first 16 hex digits of the body's SHA-256.
fn entity_tag(handler_tag: Option<&HeaderValue>, body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hash: String = digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let handler_tag = handler_tag
        .and_then(|value| value.to_str().ok())
        .and_then(|tag| tag.strip_prefix('"'))
        .and_then(|tag| tag.strip_suffix('"'))
        .filter(|tag| !tag.is_empty() && !tag.contains('"'));
    match handler_tag {
        Some(tag) => format!("\"{tag}-{hash}\""),
        None => format!("\"{hash}\""),
    }
}

/// When the public content last changed, to the second: the later of the last committed write
/// and the last scheduled (un)publication that has come to pass.
///
/// `None` (no `Last-Modified`, so `If-Modified-Since` is ignored) while that instant's second
/// has not yet ended: a second write within the same second would otherwise carry the same
/// `Last-Modified` and a client holding the first would wrongly get `304`.
fn last_modified(state: &AppState, schedule: &Around, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let written = state.db.last_write();
    let changed = schedule
        .last
        .map_or(written, |at| at.and_utc().max(written));
    let second = changed.timestamp();
    let settled = now.timestamp() > second;
    settled
        .then(|| DateTime::from_timestamp(second, 0))
        .flatten()
}

/// Appends `Authorization` to `Vary`, keeping what is already there.
fn vary_on_authorization(headers: &mut HeaderMap) {
    let existing: Vec<String> = headers
        .get_all(header::VARY)
        .filter_map(|value| value.to_str().ok())
        .map(str::to_owned)
        .collect();
    let already = existing
        .iter()
        .flat_map(|value| value.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("authorization") || name.trim() == "*");
    if already {
        return;
    }
    let value = existing
        .into_iter()
        .chain(["Authorization".to_owned()])
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(header::VARY, value);
    }
}

fn header_value(value: &str) -> Result<HeaderValue, actix_web::Error> {
    HeaderValue::from_str(value).map_err(ErrorInternalServerError)
}

//! HTTP caching of reads: strong `ETag`s from a hash of the body, `Last-Modified`, `304 Not Modified` and `Cache-Control`.
//!
//! [`cache_headers`] wraps the whole application, outside the error rewriting and CORS, so it sees
//! every final response. For a `200` to a `GET`/`HEAD` of `/api/v1/...` or `/openapi.json` it
//! buffers the body and derives the entity tag from it: `"<hash>"`, or `"<version>-<hash>"` when
//! the handler already tagged the response with an article's `"<version>"` (so `If-Match` still
//! finds the version). API reads also get `Last-Modified`: the later of the last committed write
//! and the last scheduled publication or unpublication that has come to pass.

use crate::app::AppState;
use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web;
use chrono::{DateTime, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

/// The IMF-fixdate format of HTTP dates (RFC 9110 §5.6.7), always in GMT.
const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";

/// `Cache-Control` of anything that must not be stored: writes, errors, probes, private reads.
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");

/// `Cache-Control` of a read made with credentials.
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-store");

/// Which caching rules a path falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    /// `/api/v1/...`: entity tags, `Last-Modified`, conditional requests.
    Api,
    /// `/openapi.json`: entity tags and conditional requests.
    Document,
    /// `/healthz`, `/readyz`: never stored.
    Probe,
    /// Everything else (`/docs`): left alone.
    Other,
}

impl Area {
    fn of(path: &str) -> Self {
        match path {
            "/api/v1" => Self::Api,
            p if p.starts_with("/api/v1/") => Self::Api,
            "/openapi.json" => Self::Document,
            "/healthz" | "/readyz" => Self::Probe,
            _ => Self::Other,
        }
    }
}

/// The validators a request sent.
struct Conditions {
    /// `If-None-Match` entity tags (opaque parts, `W/` stripped), or `["*"]`.
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

    /// True when the client's copy is current: a matching `If-None-Match` (weak comparison), or,
    /// only without `If-None-Match`, an `If-Modified-Since` no earlier than `last_modified`.
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

/// The caching middleware; register it with `actix_web::middleware::from_fn(cache_headers)`.
pub async fn cache_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let area = Area::of(req.path());
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let conditions = Conditions::of(req.headers());
    let with_credentials = req.headers().contains_key(header::AUTHORIZATION);
    let state = req.app_data::<web::Data<AppState>>().cloned();

    let mut res = next.call(req).await?;
    let status = res.status();
    if !is_read || status.is_client_error() || status.is_server_error() || area == Area::Probe {
        res.headers_mut().insert(header::CACHE_CONTROL, NO_STORE);
        return Ok(res.map_into_boxed_body());
    }
    if area == Area::Other || status != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }

    let last_modified = match (area, &state) {
        (Area::Api, Some(state)) => last_modified(state).await,
        _ => None,
    };
    let cache_control = match (&state, with_credentials) {
        (_, true) => PRIVATE,
        (Some(state), false) => public(state.config.cache_max_age, state.config.cache_swr),
        (None, false) => NO_STORE,
    };

    let (request, response) = res.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = body::to_bytes(body)
        .await
        .map_err(|error| ErrorInternalServerError(error.into()))?;
    let etag = entity_tag(head.headers().get(header::ETAG), &bytes);
    let not_modified = conditions.not_modified(&etag, last_modified);

    let headers = head.headers_mut();
    headers.insert(header::ETAG, header_value(&etag)?);
    if let Some(at) = last_modified {
        let date = at.format(HTTP_DATE).to_string();
        headers.insert(header::LAST_MODIFIED, header_value(&date)?);
    }
    headers.insert(header::CACHE_CONTROL, cache_control);
    vary_on_authorization(headers);

    let response = if not_modified {
        *head.status_mut() = StatusCode::NOT_MODIFIED;
        head.headers_mut().remove(header::CONTENT_TYPE);
        head.set_body(BoxBody::new(()))
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    Ok(ServiceResponse::new(request, response))
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
/// `Last-Modified` and a client holding the first would wrongly get `304`. Also `None` when the
/// schedule cannot be read; the entity tag still works then.
async fn last_modified(state: &AppState) -> Option<DateTime<Utc>> {
    let now = state.clock.now();
    let scheduled = match state.db.latest_schedule_change(now.naive_utc()).await {
        Ok(scheduled) => scheduled.map(|at| at.and_utc()),
        Err(error) => {
            tracing::warn!("reading the publication schedule for Last-Modified: {error}");
            return None;
        }
    };
    let changed = scheduled.map_or(state.db.last_write(), |at| at.max(state.db.last_write()));
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

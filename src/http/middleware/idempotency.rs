//! `Idempotency-Key` on POST: a retried request gets the first response instead of writing again.
//!
//! [`idempotency_keys`] wraps the `/api/v1` scope. A `POST` that carries the header is handled
//! like this:
//!
//! 1. The key must be 1–255 visible ASCII characters (400 otherwise). A request whose token is
//!    invalid passes through untouched (the handler answers 401 and nothing is recorded).
//! 2. The body is read (within `HEALTHHUB_MAX_BODY_BYTES`, 413 beyond), hashed with SHA-256 and
//!    handed back to the request, so the handler reads the same bytes.
//! 3. In one writer transaction the key is claimed for the caller (`token:<sub>`, or `anonymous`):
//!    a record from the last 24 hours (by the application clock) for the same method, path and
//!    body hash is replayed — status, body, `Content-Type`, `Location` and `ETag`, plus
//!    `Idempotent-Replayed: true` — without running the handler; for a different request it is a
//!    422 (`idempotency_key_reused`); while the first request is still running a 409
//!    (`idempotency_key_in_use`). Otherwise a reservation is written and the handler runs.
//! 4. A `2xx` answer is stored in the reservation; anything else drops it, so a failed request
//!    can be corrected and retried with the same key.
//!
//! The handler and step 4 run in a task of their own: a client that disconnects mid-request does
//! not leave the write unrecorded. What remains is a process crash after the handler's
//! transaction commits and before its response is stored (a few milliseconds): the reservation
//! then blocks retries with 409 for [`IN_FLIGHT_LEASE`], after which a retry runs — and writes —
//! again. Expired records are purged a batch at a time by later claims.

use crate::auth::Caller;
use crate::db::idempotency::{self, Claim, Fingerprint, StoredResponse};
pub use crate::db::idempotency::{IN_FLIGHT_LEASE, RETENTION};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::state::AppState;
use crate::support::digest::sha256_hex;
use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::http::header::{self, HeaderMap, HeaderName};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{FromRequest, HttpResponse, ResponseError};
use diesel::QueryResult;
use std::future::Future;

/// The request header naming the key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// The response header marking a replayed response.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The longest accepted key.
pub const MAX_KEY_LENGTH: usize = 255;

/// A response extension marking an answer that carries a secret shown once (a webhook's signing
/// secret, a preview link's token): it is never stored for replay. A retry with the same key gets
/// a `409 conflict` pointing at what the first request created (its `Location`), so the secret
/// exists nowhere but in that first answer.
#[derive(Debug, Clone, Copy)]
pub struct ShownOnce;

/// The response headers stored with a response and replayed.
const REPLAYED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// The idempotency middleware (position 15 of the table in `super`, on the `/api/v1` scope).
pub async fn idempotency_keys(
    state: web::Data<AppState>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !applies_to(&req) {
        return pass_through(req, next).await;
    }
    let key = match key_of(req.headers()) {
        Ok(key) => key,
        Err(error) => return Ok(req.error_response(error)),
    };
    let subject = match Caller::extract(req.request()).await {
        Ok(Caller::Token(principal)) => format!("token:{}", principal.subject),
        Ok(Caller::Anonymous) => "anonymous".to_owned(),
        // An invalid token: the handler answers 401, and nothing is worth remembering.
        Err(_) => return pass_through(req, next).await,
    };
    let body = match read_body(&mut req, state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(error) => return Ok(req.error_response(error)),
    };
    let fingerprint = Fingerprint {
        subject,
        key,
        method: req.method().as_str().to_owned(),
        path: req
            .uri()
            .path_and_query()
            .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned()),
        body_sha256: sha256_hex(&body),
    };
    req.set_payload(Payload::from(body));

    let now = state.clock.now().naive_utc();
    let claimed = {
        let fingerprint = fingerprint.clone();
        bookkeeping(&state, move |conn| {
            idempotency::claim(conn, &fingerprint, now)
        })
        .await
    };
    let refusal = match claimed {
        Ok(Claim::Reserved) => None,
        Ok(Claim::Replay(stored)) => return Ok(req.into_response(replay(&stored))),
        Ok(Claim::InUse) => Some(ApiError::IdempotencyKeyInUse(
            "a request with this Idempotency-Key is still in progress; retry later".to_owned(),
        )),
        Ok(Claim::Reused) => Some(ApiError::IdempotencyKeyReused(
            "this Idempotency-Key was already used for a different request (method, path or \
             body); use a new key"
                .to_owned(),
        )),
        Err(error) => Some(error),
    };
    if let Some(error) = refusal {
        return Ok(req.error_response(error));
    }
    let answer = answer_and_record(next.call(req), state, fingerprint);
    actix_web::rt::spawn(answer)
        .await
        .map_err(|error| ErrorInternalServerError(format!("the request task failed: {error}")))?
}

/// Hands `req` on untouched.
async fn pass_through(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// True for a `POST` that carries the header.
fn applies_to(req: &ServiceRequest) -> bool {
    req.method() == Method::POST && req.headers().contains_key(IDEMPOTENCY_KEY)
}

/// The key: a single header of 1–255 visible ASCII characters.
fn key_of(headers: &HeaderMap) -> Result<String, ApiError> {
    let mut values = headers.get_all(IDEMPOTENCY_KEY);
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(ApiError::BadRequest(
            "send a single Idempotency-Key header".to_owned(),
        ));
    };
    let bytes = value.as_bytes();
    let visible = bytes.iter().all(|b| (0x21..=0x7e).contains(b));
    if bytes.is_empty() || bytes.len() > MAX_KEY_LENGTH || !visible {
        return Err(ApiError::BadRequest(format!(
            "the Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"
        )));
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// The whole request body, refusing more than `limit` bytes.
async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<Bytes, ApiError> {
    let too_large =
        || ApiError::PayloadTooLarge(format!("the request body is larger than {limit} bytes"));
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let unreadable = |e: &dyn std::fmt::Display| {
        ApiError::BadRequest(format!("could not read the request body: {e}"))
    };
    req.extract::<web::Payload>()
        .await
        .map_err(|e| unreadable(&e))?
        .to_bytes_limited(limit)
        .await
        .map_err(|_| too_large())?
        .map_err(|e| unreadable(&e))
}

/// Runs the handler, then stores a `2xx` response under the reserved key or drops the
/// reservation.
async fn answer_and_record<B: MessageBody + 'static>(
    handled: impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    state: web::Data<AppState>,
    fingerprint: Fingerprint,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = match handled.await {
        Ok(response) if response.status().is_success() => response,
        other => {
            release(&state, &fingerprint).await;
            return other.map(ServiceResponse::map_into_boxed_body);
        }
    };
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = match body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(error) => {
            release(&state, &fingerprint).await;
            return Err(ErrorInternalServerError(error.into()));
        }
    };
    let stored = if head.extensions().contains::<ShownOnce>() {
        match not_replayed(head.headers()).await {
            Ok(stored) => stored,
            Err(error) => {
                release(&state, &fingerprint).await;
                return Err(error);
            }
        }
    } else {
        StoredResponse {
            status: head.status().as_u16(),
            headers: replayed_headers(head.headers()),
            body: bytes.to_vec(),
        }
    };
    let Fingerprint { subject, key, .. } = fingerprint;
    let recorded = bookkeeping(&state, move |conn| {
        idempotency::complete(conn, &subject, &key, &stored)
    })
    .await;
    if let Err(error) = recorded {
        tracing::error!(error = %error, "storing an idempotent response failed");
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(bytes)),
    ))
}

/// What a retry of a [`ShownOnce`] answer gets instead of it: a `409` problem that keeps the
/// first answer's `Location`.
async fn not_replayed(headers: &HeaderMap) -> Result<StoredResponse, actix_web::Error> {
    let created = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("the resource");
    let refusal = ApiError::Conflict(format!(
        "a request with this Idempotency-Key already succeeded and created {created}; its answer \
         carried a secret that is shown once and is not replayed"
    ))
    .error_response();
    let status = refusal.status().as_u16();
    let mut stored_headers = refusal.headers().clone();
    if let Some(location) = headers.get(header::LOCATION) {
        stored_headers.insert(header::LOCATION, location.clone());
    }
    let body = body::to_bytes(refusal.into_body())
        .await
        .map_err(|error| ErrorInternalServerError(error.to_string()))?;
    Ok(StoredResponse {
        status,
        headers: replayed_headers(&stored_headers),
        body: body.to_vec(),
    })
}

/// Drops the reservation of a request that did not succeed; on failure it lapses by itself.
async fn release(state: &web::Data<AppState>, fingerprint: &Fingerprint) {
    let Fingerprint { subject, key, .. } = fingerprint.clone();
    let released = bookkeeping(state, move |conn| {
        idempotency::release(conn, &subject, &key)
    })
    .await;
    if let Err(error) = released {
        tracing::warn!(error = %error, "releasing an idempotency key failed");
    }
}

/// Runs `change` in a writer transaction that is not a content change (`Last-Modified` stays).
async fn bookkeeping<T: Send + 'static>(
    state: &web::Data<AppState>,
    change: impl FnOnce(&mut DbConn) -> QueryResult<T> + Send + 'static,
) -> Result<T, ApiError> {
    let db = state.db.clone();
    web::block(move || db.write_bookkeeping(|conn| change(conn).map_err(ApiError::from)))
        .await?
        .map_err(ApiError::Internal)
}

/// The stored headers as a JSON object of lower-case name to value.
fn replayed_headers(headers: &HeaderMap) -> String {
    let stored: serde_json::Map<String, serde_json::Value> = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.into()))
        })
        .collect();
    serde_json::Value::Object(stored).to_string()
}

/// The stored response, marked as replayed.
fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    let headers: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&stored.headers).unwrap_or_default();
    for (name, value) in headers {
        if let Some(value) = value.as_str() {
            response.insert_header((name, value.to_owned()));
        }
    }
    response.insert_header((IDEMPOTENT_REPLAYED, "true"));
    response.body(stored.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(IDEMPOTENCY_KEY, HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    #[test]
    fn accepts_one_to_255_visible_ascii_characters() {
        assert_eq!(key_of(&headers(&[b"a"])).unwrap(), "a");
        let longest = "k".repeat(MAX_KEY_LENGTH);
        assert_eq!(key_of(&headers(&[longest.as_bytes()])).unwrap(), longest);
        assert!(key_of(&headers(&[b"8e03978e-40d5-43e8-bc93-6894a57f9324"])).is_ok());
    }

    #[test]
    fn refuses_empty_long_invisible_and_repeated_keys() {
        let too_long = "k".repeat(MAX_KEY_LENGTH + 1);
        for bad in [
            headers(&[b""]),
            headers(&[too_long.as_bytes()]),
            headers(&[b"with space"]),
            headers(&[b"tab\there"]),
            headers(&["caf\u{e9}".as_bytes()]),
            headers(&[b"one", b"two"]),
        ] {
            assert!(
                matches!(key_of(&bad), Err(ApiError::BadRequest(_))),
                "{bad:?}"
            );
        }
    }
}

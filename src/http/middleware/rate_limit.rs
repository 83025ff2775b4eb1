//! The rate-limit middleware: [`per_client`] charges every request to its client address and refuses oversized URLs, [`per_subject`] charges writes to the token's subject.
//!
//! Both answer `429` with `Retry-After` (and `414` for oversized URLs), and [`per_client`] puts
//! `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
//! (draft-ietf-httpapi-ratelimit-headers) of the tightest quota the request used on every
//! response it limits. Their positions in the stack are in the table of `super`.

use crate::auth::caller::Caller;
use crate::error::ApiError;
use crate::http::client_ip::ClientIp;
use crate::limits::{ClientKey, Quota, Refusal, MAX_PATH_BYTES, UNLIMITED_PATHS};
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, ResponseError};

/// Quotas the request used besides its client address's (kept in the request's extensions).
#[derive(Debug, Default, Clone)]
struct ReportedQuotas(Vec<Quota>);

/// Tells [`per_client`] that the request also used `quota`, so the response's `RateLimit-*`
/// headers report it when it is the tightest.
pub fn report(req: &HttpRequest, quota: Quota) {
    let mut extensions = req.extensions_mut();
    match extensions.get_mut::<ReportedQuotas>() {
        Some(quotas) => quotas.0.push(quota),
        None => {
            extensions.insert(ReportedQuotas(vec![quota]));
        }
    }
}

/// The per-client middleware (position 9 of the table in `super`).
///
/// Charges every request but the probes to its client address (`429` when the quota is used
/// up), refuses a URL path or query string that is too long (`414`), and writes the
/// `RateLimit-*` headers of the tightest quota the request used (its own, [`per_subject`]'s,
/// or one a handler [`report`]ed).
pub async fn per_client(
    state: web::Data<AppState>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut quota = None;
    if is_limited(&req) {
        let client = ClientKey::of(ClientIp::of(req.request())?.0);
        match state
            .limiters
            .charge_client(client, state.clock.now())
            .await
        {
            Some(Ok(used)) => quota = Some(used),
            Some(Err(refusal)) => {
                return Ok(refuse(
                    req,
                    refusal,
                    "too many requests from this client address",
                ))
            }
            None => {}
        }
    }
    let mut res = match check_lengths(&req, state.config.limits.max_query_bytes) {
        Err(error) => req.error_response(error).map_into_boxed_body(),
        Ok(()) => next.call(req).await?.map_into_boxed_body(),
    };
    let reported = res.request().extensions().get::<ReportedQuotas>().cloned();
    let tightest = reported
        .into_iter()
        .flat_map(|quotas| quotas.0)
        .fold(quota, |tightest, q| {
            Some(tightest.map_or(q, |t| t.tighter(q)))
        });
    if let Some(quota) = tightest {
        quota.write_headers(res.headers_mut());
    }
    Ok(res)
}

/// The per-subject middleware (position 12 of the table in `super`).
///
/// Charges every write (POST, PUT, PATCH, DELETE) with a valid token to the token's subject,
/// whatever address it comes from: `429` when the subject's quota is used up. An invalid token
/// is left for the handler to refuse (401): only a verified subject is charged, so nobody can
/// spend someone else's quota.
pub async fn per_subject(
    state: web::Data<AppState>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limited = state.limiters.per_subject.is_some();
    let is_write = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if limited && is_write && is_limited(&req) && req.headers().contains_key(header::AUTHORIZATION)
    {
        if let Ok(Caller::Token(principal)) = req.extract::<Caller>().await {
            match state
                .limiters
                .charge_subject(principal.subject, state.clock.now())
                .await
            {
                Some(Ok(used)) => report(req.request(), used),
                Some(Err(refusal)) => {
                    report(req.request(), refusal.quota);
                    return Ok(refuse(req, refusal, "too many writes with this token"));
                }
                None => {}
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// False for the probes, which are never rate limited.
fn is_limited(req: &ServiceRequest) -> bool {
    !UNLIMITED_PATHS.contains(&req.path())
}

/// `414` when the path or the query string is longer than allowed.
fn check_lengths(req: &ServiceRequest, max_query_bytes: usize) -> Result<(), ApiError> {
    let path = req.uri().path().len();
    if path > MAX_PATH_BYTES {
        return Err(ApiError::UriTooLong(format!(
            "the URL path is {path} bytes long; at most {MAX_PATH_BYTES} are accepted"
        )));
    }
    let query = req.query_string().len();
    if query > max_query_bytes {
        return Err(ApiError::UriTooLong(format!(
            "the query string is {query} bytes long; at most {max_query_bytes} are accepted"
        )));
    }
    Ok(())
}

/// The `429` response for `refusal`, with its `RateLimit-*` headers.
fn refuse(req: ServiceRequest, refusal: Refusal, detail: &str) -> ServiceResponse<BoxBody> {
    let mut res = req.into_response(refusal.error(detail).error_response());
    refusal.quota.write_headers(res.headers_mut());
    res
}

//! CORS (the Fetch standard's CORS protocol) for browser frontends on other origins, as `HEALTHHUB_CORS_ORIGINS` allows, and problem+json refusals that name what was refused.

use super::idempotency::IDEMPOTENT_REPLAYED;
use super::request_log::X_REQUEST_ID;
use crate::config::CorsOrigins;
use crate::error::{ApiError, CorsRefusal};
use crate::limits::{RATELIMIT_LIMIT, RATELIMIT_REMAINING, RATELIMIT_RESET};
use crate::state::AppState;
use actix_cors::{Cors, CorsError};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName};
use actix_web::http::Method;
use actix_web::middleware::{Condition, Next};
use actix_web::{web, ResponseError};

/// The request headers a cross-origin script may send.
const ALLOWED_HEADERS: [HeaderName; 7] = [
    header::AUTHORIZATION,
    header::CONTENT_TYPE,
    header::IF_MATCH,
    header::IF_NONE_MATCH,
    header::IF_MODIFIED_SINCE,
    HeaderName::from_static("idempotency-key"),
    X_REQUEST_ID,
];

/// The methods `origins` may use across origins (empty when CORS is off).
pub fn allowed_methods(origins: &CorsOrigins) -> &'static [Method] {
    match origins {
        CorsOrigins::None => &[],
        CorsOrigins::AnyReadOnly => &[Method::GET, Method::HEAD, Method::OPTIONS],
        CorsOrigins::List(_) => &[
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ],
    }
}

/// CORS for browser frontends on other origins, per `HEALTHHUB_CORS_ORIGINS`; switched off
/// entirely (no headers, preflights reach the routes) when no origin is configured.
///
/// Its refusals are bare errors; [`explain_refusals`], just outside it, turns each into a
/// problem naming what was refused.
pub fn cors(origins: &CorsOrigins) -> Condition<Cors> {
    let base = Cors::default()
        .allowed_headers(ALLOWED_HEADERS)
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::HeaderName::from_static("x-total-count"),
            header::LOCATION,
            IDEMPOTENT_REPLAYED,
            header::RETRY_AFTER,
            RATELIMIT_LIMIT,
            RATELIMIT_REMAINING,
            RATELIMIT_RESET,
            X_REQUEST_ID,
        ])
        .allowed_methods(allowed_methods(origins).iter().cloned())
        .max_age(600);
    match origins {
        CorsOrigins::None => Condition::new(false, base),
        CorsOrigins::AnyReadOnly => Condition::new(true, base.allow_any_origin().send_wildcard()),
        CorsOrigins::List(list) => Condition::new(
            true,
            list.iter()
                .fold(base, |cors, origin| cors.allowed_origin(origin)),
        ),
    }
}

/// The CORS refusal layer (position 7 of the table in `super`): a request or preflight that
/// [`cors`] refused is answered with a problem whose `detail` names the refused origin, method
/// or header and whose `code` says which (`cors_origin_not_allowed`, `cors_method_not_allowed`,
/// `cors_header_not_allowed`; `cors_bad_preflight` for a malformed preflight).
pub async fn explain_refusals(
    state: web::Data<AppState>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let refusal = res
        .response()
        .error()
        .and_then(|error| error.as_error::<CorsError>())
        .map(|error| refusal(error, res.request().headers(), &state.config.cors_origins));
    Ok(match refusal {
        Some(error) => {
            let (request, _) = res.into_parts();
            ServiceResponse::new(request, error.error_response())
        }
        None => res.map_into_boxed_body(),
    })
}

/// The problem for `error`, naming the refused value from the request's `headers`.
fn refusal(error: &CorsError, headers: &HeaderMap, origins: &CorsOrigins) -> ApiError {
    let text = |name: HeaderName| {
        headers
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .unwrap_or_default()
    };
    let (refused, detail) = match error {
        CorsError::OriginNotAllowed => (
            CorsRefusal::Origin,
            format!(
                "the origin '{}' is not allowed to call this API from a browser",
                text(header::ORIGIN)
            ),
        ),
        CorsError::MethodNotAllowed => (
            CorsRefusal::Method,
            format!(
                "the method '{}' is not allowed across origins; allowed: {}",
                text(header::ACCESS_CONTROL_REQUEST_METHOD),
                allowed_methods(origins)
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        CorsError::HeadersNotAllowed => {
            let requested = text(header::ACCESS_CONTROL_REQUEST_HEADERS);
            let refused: Vec<&str> = requested
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .filter(|name| {
                    !ALLOWED_HEADERS
                        .iter()
                        .any(|allowed| allowed.as_str().eq_ignore_ascii_case(name))
                })
                .collect();
            (
                CorsRefusal::Header,
                format!(
                    "the request header{} '{}' {} not allowed across origins; allowed: {}",
                    if refused.len() == 1 { "" } else { "s" },
                    refused.join("', '"),
                    if refused.len() == 1 { "is" } else { "are" },
                    ALLOWED_HEADERS
                        .iter()
                        .map(HeaderName::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }
        other => (
            CorsRefusal::Malformed,
            format!("malformed CORS preflight: {other}"),
        ),
    };
    ApiError::Cors { refused, detail }
}

//! CORS (the Fetch standard's CORS protocol) for browser frontends on other origins, as `HEALTHHUB_CORS_ORIGINS` allows.

use super::idempotency::IDEMPOTENT_REPLAYED;
use super::request_log::X_REQUEST_ID;
use crate::config::CorsOrigins;
use crate::limits::{RATELIMIT_LIMIT, RATELIMIT_REMAINING, RATELIMIT_RESET};
use actix_cors::Cors;
use actix_web::http::{header, Method};
use actix_web::middleware::Condition;

/// CORS for browser frontends on other origins, per `HEALTHHUB_CORS_ORIGINS`; switched off
/// entirely (no headers, preflights reach the routes) when no origin is configured.
///
/// It sits inside the error rewriting, so a refused preflight is a problem+json 400 too.
pub fn cors(origins: &CorsOrigins) -> Condition<Cors> {
    let base = Cors::default()
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::HeaderName::from_static("idempotency-key"),
            X_REQUEST_ID,
        ])
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
        .max_age(600);
    match origins {
        CorsOrigins::None => Condition::new(false, base),
        CorsOrigins::AnyReadOnly => Condition::new(
            true,
            base.allow_any_origin().send_wildcard().allowed_methods([
                Method::GET,
                Method::HEAD,
                Method::OPTIONS,
            ]),
        ),
        CorsOrigins::List(list) => Condition::new(
            true,
            list.iter()
                .fold(base, |cors, origin| cors.allowed_origin(origin))
                .allowed_methods([
                    Method::GET,
                    Method::HEAD,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                    Method::OPTIONS,
                ]),
        ),
    }
}

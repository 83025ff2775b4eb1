//! Security headers on every response: `X-Content-Type-Options`, `Referrer-Policy`,
//! `X-Frame-Options` and a `Content-Security-Policy`.
//!
//! JSON and problem responses get `default-src 'none'; frame-ancestors 'none'`: nothing they
//! contain may ever load or run anything. The Swagger UI under `/docs` is a page that loads its
//! own scripts, styles and images from this origin (no inline scripts; Swagger UI sets inline
//! styles) and fetches `/openapi.json`, so it gets a policy allowing exactly that.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// The policy of everything but the documentation pages.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The policy of the Swagger UI under `/docs`.
pub const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; \
style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; \
frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// True for the Swagger UI's paths.
fn is_docs(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/")
}

/// The security headers middleware (position 2 of the table in `super`): errors, `304`s and
/// refusals get the headers too.
pub async fn apply(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let csp = if is_docs(req.path()) {
        DOCS_CSP
    } else {
        API_CSP
    };
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    Ok(res)
}

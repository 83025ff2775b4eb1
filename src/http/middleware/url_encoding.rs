//! Refuses, with a `400` on every route, a URL whose path or query string percent-decodes to bytes that are not UTF-8.
//!
//! Every identifier, slug, filter and search text of the API is UTF-8 text. Without this layer a
//! `%FF` would be decoded with U+FFFD in its place, so `?q=%FF` would search for a character the
//! client never sent and `/articles/%FF` would look up a slug nobody wrote. RFC 3986 §2.5 leaves
//! the meaning of percent-encoded octets to the application; this one says they are UTF-8.

use crate::error::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::ResponseError;
use percent_encoding::percent_decode_str;

/// Middleware refusing a request whose path, or any name or value of its query string, does not
/// percent-decode to UTF-8, with a `400` problem naming the part (`code: "bad_request"`).
/// Register it with `actix_web::middleware::from_fn(refuse_undecodable_urls)`.
pub async fn refuse_undecodable_urls(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Some(part) = undecodable_part(req.uri().path(), req.query_string()) {
        let error = ApiError::BadRequest(format!(
            "the URL's {part} has percent-encoded bytes that are not UTF-8; \
             encode text as UTF-8 before percent-encoding it (RFC 3986 §2.5)"
        ));
        return Ok(req.into_response(error.error_response()));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// `Some("path")` or `Some("query string")` when that part of the URL does not percent-decode to
/// UTF-8 (a query string is decoded name by name and value by value, as
/// `application/x-www-form-urlencoded`); `None` when both do.
pub fn undecodable_part(path: &str, query: &str) -> Option<&'static str> {
    if !decodes(path) {
        return Some("path");
    }
    let query_decodes = query
        .split('&')
        .flat_map(|pair| pair.split('='))
        .all(decodes);
    (!query_decodes).then_some("query string")
}

fn decodes(text: &str) -> bool {
    percent_decode_str(text).decode_utf8().is_ok()
}

#[cfg(test)]
mod tests {
    use super::undecodable_part;

    #[test]
    fn utf8_text_in_any_part_passes() {
        assert_eq!(undecodable_part("/api/v1/articles/%C3%A9t%C3%A9", ""), None);
        assert_eq!(
            undecodable_part("/x", "q=caf%C3%A9&filter%5Bx%5D=a+b"),
            None
        );
        // A `%` that starts no escape is kept as it is, and is valid text.
        assert_eq!(undecodable_part("/x%zz", "q=100%"), None);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_found_in_either_part() {
        for bad in [
            "%FF",
            "%C3",
            "%C3%28",
            "%ED%A0%80",
            "%F8%88%80%80%80",
            "%C0%AF",
        ] {
            assert_eq!(undecodable_part(&format!("/a/{bad}"), ""), Some("path"));
            assert_eq!(
                undecodable_part("/a", &format!("q={bad}")),
                Some("query string")
            );
            assert_eq!(
                undecodable_part("/a", &format!("{bad}=1")),
                Some("query string")
            );
            assert_eq!(
                undecodable_part("/a", &format!("x=1&y=2={bad}")),
                Some("query string")
            );
        }
    }
}

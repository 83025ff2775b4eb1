//! Trailing slashes: a path that no route matches but ends in `/` (as Ghost and WordPress clients send them) is a `308 Permanent Redirect` to the same path without it, query string kept.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::http::Uri;
use actix_web::middleware::Next;
use actix_web::HttpResponse;

/// The trailing-slash layer (position 11 of the table in `super`): a request for a path that no
/// route matches and that ends in `/` is answered `308` to the path without its trailing
/// slashes (method and body are kept by a 308, so writes follow it too); any other request
/// goes on. A path that is only slashes, or whose remainder would start with `//` or `/\`
/// (which a browser reads as another host), is left to its 404.
pub async fn redirect_trailing_slash(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.path().ends_with('/') && req.request().match_pattern().is_none() {
        if let Some(location) = without_trailing_slash(req.uri()) {
            let response = HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, location))
                .finish();
            return Ok(req.into_response(response));
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// `uri`'s path without its trailing slashes, with its query string, when that is a safe
/// same-site path.
pub fn without_trailing_slash(uri: &Uri) -> Option<String> {
    let path = uri.path().trim_end_matches('/');
    let safe = path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\");
    if !safe {
        return None;
    }
    Some(match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(uri: &str) -> Option<String> {
        without_trailing_slash(&uri.parse::<Uri>().unwrap())
    }

    #[test]
    fn the_location_keeps_the_query_and_never_leaves_the_site() {
        assert_eq!(
            location("/api/v1/articles/").as_deref(),
            Some("/api/v1/articles")
        );
        assert_eq!(
            location("/api/v1/articles///?page=2&q=a%2Fb").as_deref(),
            Some("/api/v1/articles?page=2&q=a%2Fb")
        );
        for unsafe_path in ["/", "///", "//evil.example/", "/\\evil.example/"] {
            assert_eq!(location(unsafe_path), None, "{unsafe_path}");
        }
    }
}

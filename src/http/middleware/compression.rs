//! Content codings (gzip, brotli) and the validators that go with them: a compressed answer is another representation, so its strong `ETag` is the identity one with the coding appended (`"<tag>-gzip"`, RFC 9110 §8.8.3), and every answer says `Vary: Accept-Encoding`.
//!
//! actix-web's `Compress` (the layer just inside this one) encodes a body when the client's
//! `Accept-Encoding` allows it, unless the response cache's layer further in has already sent
//! its stored copy in that coding; entity tags are computed on the identity body. This layer,
//! just outside `Compress`, labels what came out.

use crate::caching::encodings::{spelled_out_accept_encoding, Coding};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;

/// The identity representation's tag for a tag that may carry a coding suffix:
/// `"abc-gzip"` → `"abc"`; any other tag is returned as it is.
pub fn identity_tag(tag: &str) -> String {
    if let Some(opaque) = tag.strip_suffix('"') {
        for coding in Coding::ALL {
            if let Some(rest) = opaque
                .strip_suffix(coding.name())
                .and_then(|rest| rest.strip_suffix('-'))
            {
                return format!("{rest}\"");
            }
        }
    }
    tag.to_owned()
}

/// The tag of `identity`'s representation in `coding`: `"abc"` → `"abc-gzip"`; a weak tag, or
/// one that is not quoted, is returned as it is (RFC 9110 §8.8.3: only strong tags name bytes).
pub fn coded_tag(identity: &str, coding: Coding) -> String {
    match identity.strip_suffix('"') {
        Some(opaque) if !identity.starts_with("W/") => format!("{opaque}-{}\"", coding.name()),
        _ => identity.to_owned(),
    }
}

/// The compression labelling layer (position 5 of the table in `super`): the request's
/// `Accept-Encoding` is first spelled out (`x-gzip`, `*`); then a compressed answer's
/// strong `ETag` gets its coding appended (a `304` already carries the tag of the
/// representation the request selected: the response cache's layer sets it); every answer gets
/// `Vary: Accept-Encoding`, merged into one `Vary`.
pub async fn tag_representations(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    spell_out_accept_encoding(&mut req);
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    let etag = headers
        .get(header::ETAG)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let coding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .and_then(Coding::from_name);
    if let (Some(etag), Some(coding)) = (etag, coding) {
        if let Ok(value) = HeaderValue::from_str(&coded_tag(&etag, coding)) {
            headers.insert(header::ETAG, value);
        }
    }
    vary_on_accept_encoding(res.headers_mut());
    Ok(res)
}

/// Rewrites the request's `Accept-Encoding` with [`spelled_out_accept_encoding`], so `x-gzip` and
/// `*` mean what RFC 9110 says to the response cache and to `Compress` alike.
/// Costs a scan of the header on the hot path; only a header naming `*` or `x-gzip` is copied.
fn spell_out_accept_encoding(req: &mut ServiceRequest) {
    let values = req.headers().get_all(header::ACCEPT_ENCODING);
    let misread = values.clone().any(|value| {
        let bytes = value.as_bytes();
        bytes.contains(&b'*')
            || bytes
                .windows(b"x-gzip".len())
                .any(|window| window.eq_ignore_ascii_case(b"x-gzip"))
    });
    if !misread {
        return;
    }
    let joined = values
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(value) = spelled_out_accept_encoding(&joined)
        .and_then(|spelled| HeaderValue::from_str(&spelled).ok())
    {
        req.headers_mut().insert(header::ACCEPT_ENCODING, value);
    }
}

/// Merges every `Vary` into one value that names `Accept-Encoding` once.
fn vary_on_accept_encoding(headers: &mut HeaderMap) {
    let mut names: Vec<String> = Vec::new();
    for name in headers
        .get_all(header::VARY)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        if !names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    if names.iter().any(|name| name == "*") {
        return;
    }
    if !names
        .iter()
        .any(|name| name.eq_ignore_ascii_case("accept-encoding"))
    {
        names.push("Accept-Encoding".to_owned());
    }
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

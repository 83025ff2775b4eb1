//! Response helpers shared by the handlers: `201 Created` with `Location`, `ETag`s and `If-Match`.

use crate::caching::store::CacheScope;
use crate::error::ApiError;
use crate::http::middleware::compression::identity_tag;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

/// `201 Created` with `Location: location`, `ETag: "<version>"` (the new validator of what
/// the write changed) and `body`.
pub fn created(location: String, version: i32, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, version_etag(version)))
        .json(body)
}

/// `response` labelled for the response cache with what it shows (a read) or what its write
/// changed: only the article `id`.
pub fn about_article(mut response: HttpResponse, id: i32) -> HttpResponse {
    response.extensions_mut().insert(CacheScope::Article(id));
    response
}

/// The strong entity tag of an article version: `"<version>"`.
pub fn version_etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// `200 OK` with `body` and `ETag: "<version>"`.
pub fn ok_with_version(version: i32, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, version_etag(version)))
        .json(body)
}

/// The syntax every `If-Match` header takes: `*`, or a comma-separated list of entity tags
/// (RFC 9110 §8.8.3: an optional `W/`, then any visible ASCII but `"` between double quotes; a
/// tag without its quotes is taken too). Anything else is a 400; a well-formed tag that is not
/// the current version's is a 412.
pub const IF_MATCH_PATTERN: &str =
    r#"^(\*|(W/)?("[!#-~]*"|[!#-+\--~]+)( *, *(W/)?("[!#-~]*"|[!#-+\--~]+))*)$"#;

/// The version an `If-Match` header requires, if one was sent.
///
/// `*` matches any existing version (`Some(None)`); a list matches when any entry does. Each tag
/// is either a write's `"<version>"` or a read's `"<version>-<hash>"` (the caching layer appends a
/// hash of the body), either perhaps with a content coding appended (`-gzip`, `-br`); only the
/// version counts. A weak tag never matches (RFC 9110 requires strong comparison), nor does a
/// well-formed tag this server did not make: both yield an impossible version (a 412 later).
/// Anything but `*` or a list of entity tags is a 400.
pub fn if_match(req: &HttpRequest) -> Result<Option<Vec<i32>>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let malformed = || {
        ApiError::BadRequest(
            "If-Match must be * or a comma-separated list of entity tags such as \"3\" \
             (RFC 9110 §8.8.3)"
                .to_owned(),
        )
    };
    let value = value.to_str().map_err(|_| malformed())?;
    parse_if_match(value).ok_or_else(malformed)
}

/// The versions an `If-Match` value names (`None` for `*`); `None` outside [`IF_MATCH_PATTERN`].
fn parse_if_match(value: &str) -> Option<Option<Vec<i32>>> {
    let value = value.trim();
    if value == "*" {
        return Some(None);
    }
    let mut versions = Vec::new();
    let mut rest = value;
    loop {
        let (tag, after) = entity_tag(rest)?;
        versions.push(tag);
        rest = after.trim_start_matches(' ');
        if rest.is_empty() {
            return Some(Some(versions));
        }
        rest = rest.strip_prefix(',')?.trim_start_matches(' ');
    }
}

/// The version the entity tag at the start of `text` names ([`NO_VERSION`] for a weak tag or one
/// this server did not make) and the text after it; `None` when no tag starts there. A tag is
/// `W/` (weak) or nothing, then `"` visible ASCII but `"` `"` (RFC 9110 §8.8.3), or, leniently,
/// the same characters bare, without quotes, commas or spaces (`3` reads as `"3"`).
fn entity_tag(text: &str) -> Option<(i32, &str)> {
    text.strip_prefix("W/")
        .and_then(|rest| tag_after(rest, true))
        .or_else(|| tag_after(text, false))
}

/// [`entity_tag`] once the `W/` of a weak tag, if any, is taken off `text`.
fn tag_after(text: &str, weak: bool) -> Option<(i32, &str)> {
    let etagc = |c: char| c == '!' || ('#'..='~').contains(&c);
    let (opaque, after) = match text.strip_prefix('"') {
        Some(quoted) => {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        }
        None => {
            let end = text
                .find(|c: char| !etagc(c) || c == ',')
                .unwrap_or(text.len());
            (&text[..end], &text[end..])
        }
    };
    if !opaque.chars().all(etagc) || (opaque.is_empty() && !text.starts_with('"')) {
        return None;
    }
    // A weak tag never matches (strong comparison), nor a tag this server did not make.
    let identity = identity_tag(&format!("\"{opaque}\""));
    let version = match weak {
        true => None,
        false => identity
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .and_then(tagged_version),
    };
    Some((version.unwrap_or(NO_VERSION), after))
}

/// What [`if_match`] yields for a tag that names no version: versions start at 1.
const NO_VERSION: i32 = 0;

/// The version in the opaque part of one of this server's entity tags: `3` or `3-<hash>` (ASCII
/// letters and digits); `None` for any other tag.
fn tagged_version(opaque: &str) -> Option<i32> {
    let (version, hash) = match opaque.split_once('-') {
        Some((version, hash)) => (version, Some(hash)),
        None => (opaque, None),
    };
    let hash_ok =
        hash.is_none_or(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric()));
    let digits_ok = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
    // Written as this server writes it: no sign, no leading zero (`"016"` is not version 16).
    let canonical = !version.starts_with('0');
    if hash_ok && digits_ok && canonical {
        version.parse().ok()
    } else {
        None
    }
}

/// 412 unless `expected` (from [`if_match`]) allows `current`.
pub fn check_version(expected: &Option<Vec<i32>>, current: i32) -> Result<(), ApiError> {
    match expected {
        Some(versions) if !versions.contains(&current) => Err(ApiError::PreconditionFailed(
            format!("If-Match does not match the current version \"{current}\""),
        )),
        _ => Ok(()),
    }
}

/// `308 Permanent Redirect` from the request's URL to the same URL with the resource's key
/// segment (`/api/v1/<resource>/<key>/…`) changed from `old` to `new`; the query string is kept.
pub fn moved(req: &HttpRequest, old: &str, new: &str) -> HttpResponse {
    /// The key is the fifth segment: "", "api", "v1", the resource, the key.
    const KEY_SEGMENT: usize = 4;
    let path: Vec<&str> = req
        .path()
        .split('/')
        .enumerate()
        .map(|(i, segment)| {
            if i == KEY_SEGMENT && segment == old {
                new
            } else {
                segment
            }
        })
        .collect();
    let mut location = path.join("/");
    if !req.query_string().is_empty() {
        location.push('?');
        location.push_str(req.query_string());
    }
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, location))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::{parse_if_match, IF_MATCH_PATTERN};

    #[test]
    fn the_documented_syntax_is_what_the_parser_takes() {
        let pattern = regex::Regex::new(IF_MATCH_PATTERN).unwrap();
        let samples = [
            "*",
            "\"3\"",
            "3",
            "W/\"3\"",
            "\"3-ab12\"",
            "\"3-ab12-gzip\"",
            "\"\"",
            "\",\"",
            "\"a\" , W/\"b\",c",
            "\"a\",",
            ",\"a\"",
            "\"a",
            "a\"",
            "a b",
            "\"a b\"",
            "W/",
            "W/\"\"",
            "\"x\"  ,   \"\"   , W/\"W\"",
            "0",
            "\"\\\"",
            "\"ü\"",
            "",
            "**",
            "\"1\",,\"2\"",
        ];
        for sample in samples {
            assert_eq!(
                parse_if_match(sample).is_some(),
                pattern.is_match(sample),
                "{sample:?}"
            );
        }
        assert_eq!(
            parse_if_match("\"3\", W/\"4\", \"5-ab-br\", 6"),
            Some(Some(vec![3, 0, 5, 6]))
        );
        assert_eq!(parse_if_match("\",0h%&\",\"7\""), Some(Some(vec![0, 7])));
    }
}

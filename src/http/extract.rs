//! Strict extractors: `JsonBody<T>` (problem+json errors that name the bad field) and `NoQuery` (no query parameter accepted).

use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// A JSON request body of type `T`.
///
/// Requires `Content-Type: application/json` (415 otherwise), enforces the configured size limit
/// (413), answers malformed JSON with 400 and well-formed JSON with wrong or unknown fields with a
/// 422 whose `errors` name each field.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// Like [`JsonBody`], but an empty body is allowed and yields `None`.
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub Option<T>);

type ExtractFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = ExtractFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json::<T>(req.clone(), payload.take(), false);
        Box::pin(async move {
            body.await?
                .map(JsonBody)
                .ok_or_else(|| ApiError::BadRequest("the request body is empty".to_owned()))
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJsonBody<T> {
    type Error = ApiError;
    type Future = ExtractFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_json::<T>(req.clone(), payload.take(), true);
        Box::pin(async move { body.await.map(OptionalJsonBody) })
    }
}

async fn read_json<T: DeserializeOwned>(
    req: HttpRequest,
    mut payload: Payload,
    allow_empty: bool,
) -> Result<Option<T>, ApiError> {
    let limit = AppState::of(&req)?.config.max_body_bytes;
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
    let bytes = web::Payload::from_request(&req, &mut payload)
        .await
        .map_err(|e| ApiError::BadRequest(format!("could not read the request body: {e}")))?
        .to_bytes_limited(limit)
        .await
        .map_err(|_| too_large())?
        .map_err(|e| ApiError::BadRequest(format!("could not read the request body: {e}")))?;
    if allow_empty && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    require_json_content_type(&req)?;
    require_identity_coding(&req)?;
    if allow_empty && bytes.trim_ascii() == b"null" {
        return Ok(None);
    }
    parse(&integral_numbers(&bytes)).map(Some)
}

/// A 415 for a compressed request body (RFC 9110 §8.4: a coding the server does not accept is a
/// 415): bodies are read as sent, so `Content-Encoding` must be absent or `identity` (JSON bodies
/// and media uploads alike).
pub fn require_identity_coding(req: &HttpRequest) -> Result<(), ApiError> {
    match req
        .headers()
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str())
    {
        None => Ok(()),
        Some(Ok(coding)) if coding.trim().eq_ignore_ascii_case("identity") => Ok(()),
        Some(coding) => Err(ApiError::UnsupportedMediaType(format!(
            "request bodies are not decompressed: send it without Content-Encoding (got '{}')",
            coding.unwrap_or("non-ASCII")
        ))),
    }
}

fn require_json_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    match content_type {
        Some(mime) if mime == "application/json" || mime.ends_with("+json") => Ok(()),
        Some(mime) => Err(ApiError::UnsupportedMediaType(format!(
            "the request body must be application/json, not '{mime}'"
        ))),
        None => Err(ApiError::UnsupportedMediaType(
            "the request body must be sent with Content-Type: application/json".to_owned(),
        )),
    }
}

/// `json` with every number written with a fraction or an exponent but holding a whole value
/// (`2.0`, `1e3`) written as an integer, strings left alone: JSON (RFC 8259) and JSON Schema
/// (`type: integer`) make no difference between `2` and `2.0`, so neither does this API. Values
/// beyond ±2^53 (not exact as a double) stay as they are, and fail as the floats they are.
fn integral_numbers(json: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let mut replaced: Vec<(std::ops::Range<usize>, i64)> = Vec::new();
    let (mut i, mut in_string, mut escaped) = (0, false, false);
    while i < json.len() {
        let byte = json[i];
        if in_string {
            in_string = escaped || byte != b'"';
            escaped = !escaped && byte == b'\\';
            i += 1;
        } else if byte == b'"' {
            in_string = true;
            i += 1;
        } else if byte == b'-' || byte.is_ascii_digit() {
            let end = json[i..]
                .iter()
                .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                .map_or(json.len(), |n| i + n);
            let token = &json[i..end];
            let whole = token
                .iter()
                .any(|b| matches!(b, b'.' | b'e' | b'E'))
                .then(|| std::str::from_utf8(token).ok()?.parse::<f64>().ok())
                .flatten()
                .filter(|v| v.fract() == 0.0 && v.abs() < EXACT);
            if let Some(value) = whole {
                replaced.push((i..end, value as i64));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    if replaced.is_empty() {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = Vec::with_capacity(json.len());
    let mut copied = 0;
    for (range, value) in replaced {
        out.extend_from_slice(&json[copied..range.start]);
        out.extend_from_slice(value.to_string().as_bytes());
        copied = range.end;
    }
    out.extend_from_slice(&json[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Deserializes `bytes`, classifying failures: syntax -> 400, not an object at the top -> 400,
/// a wrong, missing, unknown or duplicate field -> 422 naming it.
///
/// Every body this API accepts is an object; serde would otherwise also read a struct from an
/// array, so anything else at the top is refused before deserializing.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(ApiError::BadRequest(
            "the request body must be a JSON object".to_owned(),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = without_position(&inner.to_string());
        if !inner.is_data() {
            return ApiError::BadRequest(format!("the request body is not valid JSON: {message}"));
        }
        if path == "." {
            if message.starts_with("invalid type") {
                return ApiError::BadRequest(format!(
                    "the request body must be a JSON object: {message}"
                ));
            }
            let field = quoted_name(&message).unwrap_or_default();
            return ApiError::Validation(vec![FieldError::new(field, message)]);
        }
        ApiError::Validation(vec![FieldError::new(path, message)])
    })?;
    deserializer.end().map_err(|e| {
        ApiError::BadRequest(format!(
            "the request body has data after the JSON value: {}",
            without_position(&e.to_string())
        ))
    })?;
    Ok(value)
}

/// serde_json appends " at line L column C"; the field path already says where. Rust type names
/// ("expected i32") become the accepted range, so a number beyond it says what would do.
fn without_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(cut) => &message[..cut],
        None => message,
    };
    message
        .replace(
            "expected i32",
            &format!("expected an integer from {} to {}", i32::MIN, i32::MAX),
        )
        .replace(
            "expected i64",
            &format!("expected an integer from {} to {}", i64::MIN, i64::MAX),
        )
}

/// The first `name` in backquotes, as serde writes "missing field `title`".
fn quoted_name(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

/// The query of operations that take no query parameters: any parameter is a 400 naming it
/// (through the app's `QueryConfig`), never silently ignored.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

#[cfg(test)]
mod tests {
    use super::integral_numbers;
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u8,
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_nested_field_that_has_the_wrong_type() {
        let error =
            parse::<Sample>(br#"{"title":"t","items":[{"count":1},{"count":"x"}]}"#).unwrap_err();
        assert_eq!(fields(error), ["items[1].count"]);
    }

    #[test]
    fn names_missing_unknown_and_duplicate_fields() {
        let missing = parse::<Sample>(br#"{"items":[]}"#).unwrap_err();
        assert_eq!(fields(missing), ["title"]);
        let unknown = parse::<Sample>(br#"{"title":"t","items":[],"extra":1}"#).unwrap_err();
        assert_eq!(fields(unknown), ["extra"]);
        let duplicate = parse::<Sample>(br#"{"title":"t","title":"u","items":[]}"#).unwrap_err();
        assert_eq!(fields(duplicate), ["title"]);
    }

    #[test]
    fn malformed_json_and_wrong_top_level_shape_are_bad_requests() {
        assert!(matches!(
            parse::<Sample>(b"{\"title\":"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Sample>(b"[1,2]"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Sample>(br#"{"title":"t","items":[]} trailing"#),
            Err(ApiError::BadRequest(_))
        ));
    }

    fn rewritten(json: &str) -> String {
        String::from_utf8(integral_numbers(json.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn whole_numbers_written_as_floats_become_integers_outside_strings() {
        assert_eq!(
            rewritten(r#"{"a": 2.0, "b": -1e3, "c": 1.5, "d": "3.0", "e": [0.0, 7]}"#),
            r#"{"a": 2, "b": -1000, "c": 1.5, "d": "3.0", "e": [0, 7]}"#
        );
        assert_eq!(
            rewritten(r#"{"s": "a \" 4.0 \\", "n": 4.0}"#),
            r#"{"s": "a \" 4.0 \\", "n": 4}"#
        );
        assert_eq!(rewritten("{\"big\": 1e300}"), "{\"big\": 1e300}");
        assert!(matches!(
            integral_numbers(br#"{"a": 1}"#),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}

//! What an upload becomes before it is stored: its format found in the bytes, its size checked
//! against the pixel limit from the header, its metadata removed, the result proven to decode,
//! and named by the SHA-256 of the bytes kept.

use super::decode;
use super::format::Format;
use super::strip::strip;
use crate::error::{ApiError, ApiResult};
use crate::support::digest::sha256_hex;
use bytes::Bytes;

/// An upload ready to store.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The format found in the bytes.
    pub format: Format,
    /// The bytes to store: the upload without its metadata.
    pub bytes: Vec<u8>,
    /// Lowercase hex SHA-256 of `bytes`.
    pub sha256: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The upload `body` made ready to store: 400 when empty, 415 when it is not an accepted
/// format, 422 when it is too many pixels, malformed or corrupt. CPU work: run it off the
/// async executor.
pub fn prepare(body: Bytes, max_pixels: u64) -> ApiResult<Prepared> {
    if body.is_empty() {
        return Err(ApiError::BadRequest(
            "the request body is empty: send the image's bytes".to_owned(),
        ));
    }
    let format = Format::sniff(&body)?;
    let (width, height) = decode::dimensions(&body, format, max_pixels)?;
    let bytes = strip(body, format)?;
    decode::decode(&bytes, format, max_pixels)?;
    Ok(Prepared {
        format,
        sha256: sha256_hex(&bytes),
        bytes,
        width,
        height,
    })
}

//! Reading an uploaded image safely: its size from the header alone (checked against the pixel
//! limit before anything is decoded, so a decompression bomb costs nothing), then a full decode
//! within bounded allocations, which proves the file is an image and not a corrupt one.

use super::format::Format;
use crate::error::{ApiError, ApiResult};
use image::{DynamicImage, ImageReader, Limits};
use std::io::Cursor;

/// A reader of `bytes` as `format` whose allocations stay within what `max_pixels` RGBA pixels
/// at 16 bits a channel need.
fn reader(bytes: &[u8], format: Format, max_pixels: u64) -> ImageReader<Cursor<&[u8]>> {
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(8).max(64 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.codec());
    reader.limits(limits);
    reader
}

/// `(width, height)` of the image in `bytes`, read from its header: 422 when the header is
/// unreadable or the image has more than `max_pixels` pixels.
pub fn dimensions(bytes: &[u8], format: Format, max_pixels: u64) -> ApiResult<(u32, u32)> {
    let (width, height) = reader(bytes, format, max_pixels)
        .into_dimensions()
        .map_err(|error| corrupt(format, &error))?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(ApiError::invalid(
            "body",
            format!(
                "the image is {width}×{height} pixels ({pixels} in all); at most {max_pixels} \
                 pixels are accepted"
            ),
        ));
    }
    Ok((width, height))
}

/// The image in `bytes`, decoded whole (its first frame for an animation): 422 when it is
/// corrupt or truncated. Call after [`dimensions`] has admitted its size.
pub fn decode(bytes: &[u8], format: Format, max_pixels: u64) -> ApiResult<DynamicImage> {
    reader(bytes, format, max_pixels)
        .decode()
        .map_err(|error| corrupt(format, &error))
}

/// The 422 of an image that does not decode.
fn corrupt(format: Format, error: &image::ImageError) -> ApiError {
    ApiError::invalid(
        "body",
        format!(
            "the body starts like {} but is not a readable image: {error}",
            format.media_type()
        ),
    )
}

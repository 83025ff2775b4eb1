//! The image formats the media library accepts, told from the bytes alone (the declared
//! `Content-Type` and any file name are not trusted).

use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use utoipa::ToSchema;

/// An accepted image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum Format {
    /// JPEG (ISO/IEC 10918, JFIF or Exif).
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// PNG (ISO/IEC 15948).
    #[serde(rename = "image/png")]
    Png,
    /// WebP (RFC 9649), lossy or lossless.
    #[serde(rename = "image/webp")]
    Webp,
    /// GIF 87a or 89a, animated or not.
    #[serde(rename = "image/gif")]
    Gif,
}

impl Format {
    /// Every accepted format.
    pub const ALL: [Format; 4] = [Format::Jpeg, Format::Png, Format::Webp, Format::Gif];

    /// The format's media type (`image/jpeg`), as stored and served in `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    /// The file name extension of its files (`jpg`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
        }
    }

    /// The format whose media type is `media_type`.
    pub fn from_media_type(media_type: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.media_type() == media_type)
    }

    /// The format whose files end in `.extension`.
    pub fn from_extension(extension: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == extension)
    }

    /// The `image` crate's name of this format.
    pub fn codec(self) -> image::ImageFormat {
        match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::Webp => image::ImageFormat::WebP,
            Format::Gif => image::ImageFormat::Gif,
        }
    }

    /// The format `bytes` are in, by their signature; 415 for anything else (AVIF included:
    /// this build cannot decode it).
    pub fn sniff(bytes: &[u8]) -> ApiResult<Format> {
        let accepted = "JPEG, PNG, WebP or GIF";
        match image::guess_format(bytes) {
            Ok(image::ImageFormat::Jpeg) => Ok(Format::Jpeg),
            Ok(image::ImageFormat::Png) => Ok(Format::Png),
            Ok(image::ImageFormat::WebP) => Ok(Format::Webp),
            Ok(image::ImageFormat::Gif) => Ok(Format::Gif),
            Ok(other) => Err(ApiError::UnsupportedMediaType(format!(
                "the body is a {other:?} image; upload {accepted}"
            ))),
            Err(_) => Err(ApiError::UnsupportedMediaType(format!(
                "the body is not an image this server reads (its bytes are not {accepted}, \
                 whatever Content-Type or file name came with it)"
            ))),
        }
    }
}

//! Width variants: which widths an image gets (each configured width below its own, never an
//! upscale; none for a GIF, whose animation a still copy would lose) and how one is made
//! (resized with a Catmull-Rom filter, encoded in the original's format: JPEG at quality 82,
//! PNG, lossless WebP — the only WebP encoder of the `image` crate).

use super::format::Format;
use anyhow::Context;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::DynamicImage;

/// JPEG quality of variants (1–100): visually close to the original at a fraction of its size.
const JPEG_QUALITY: u8 = 82;

/// A variant made, ready to store.
#[derive(Debug, Clone)]
pub struct Made {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The encoded file.
    pub bytes: Vec<u8>,
}

/// The widths among `widths` an image of `format`, `original_width` pixels wide, gets: those
/// strictly below its own width; none for a GIF.
pub fn wanted(format: Format, original_width: i32, widths: &[u32]) -> Vec<i32> {
    if format == Format::Gif {
        return Vec::new();
    }
    widths
        .iter()
        .filter_map(|w| i32::try_from(*w).ok())
        .filter(|w| *w < original_width)
        .collect()
}

/// `image` resized to `width` pixels (the height keeping its aspect ratio, at least 1) and
/// encoded as `format`.
pub fn make(image: &DynamicImage, format: Format, width: u32) -> anyhow::Result<Made> {
    let scaled = u64::from(image.height()) * u64::from(width) / u64::from(image.width().max(1));
    let height = u32::try_from(scaled.max(1)).context("variant height")?;
    let resized = image.resize_exact(width, height, FilterType::CatmullRom);
    let mut bytes = Vec::new();
    match format {
        Format::Jpeg => {
            let encoder = JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
            let pixels = if resized.color().has_color() {
                DynamicImage::ImageRgb8(resized.to_rgb8())
            } else {
                DynamicImage::ImageLuma8(resized.to_luma8())
            };
            pixels.write_with_encoder(encoder)
        }
        Format::Png => resized.write_with_encoder(PngEncoder::new(&mut bytes)),
        Format::Webp => {
            let pixels = if resized.color().has_alpha() {
                DynamicImage::ImageRgba8(resized.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(resized.to_rgb8())
            };
            pixels.write_with_encoder(WebPEncoder::new_lossless(&mut bytes))
        }
        Format::Gif => anyhow::bail!("GIFs get no variants"),
    }
    .with_context(|| format!("encoding a {width} px wide {} variant", format.media_type()))?;
    Ok(Made {
        width,
        height,
        bytes,
    })
}

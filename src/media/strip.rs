//! Metadata stripping: what an upload says about its camera, place, author or software (EXIF
//! with its GPS position, XMP, IPTC, comments, text chunks) is removed before it is stored.
//!
//! JPEG, PNG and WebP are edited as containers (the `img-parts` crate): the metadata segments or
//! chunks are dropped and the compressed pixels kept bit for bit, so nothing is re-encoded and no
//! quality is lost. A colour profile (JPEG APP2, PNG `iCCP`, WebP `ICCP`) and Adobe's colour
//! transform (APP14) are kept: they say how to show the pixels, not who made them. A JPEG ends at
//! its end-of-image marker (what follows, such as a phone's appended video, goes; a file without
//! one was cut short: 422). A PNG keeps only the chunks that say how to show its pixels (a
//! private chunk could carry anything). A GIF is rewritten frame by frame with the same palettes
//! and indices, keeping only its loop count.

use super::format::Format;
use crate::error::{ApiError, ApiResult};
use bytes::Bytes;
use img_parts::jpeg::{markers, Jpeg};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{WebP, CHUNK_EXIF, CHUNK_VP8X, CHUNK_XMP};
use img_parts::ImageEXIF;
use std::io::Cursor;

/// The PNG chunks kept (PNG 3rd edition, W3C): the critical ones, those that say how to show the
/// pixels (transparency, colour space, gamma, significant bits, pixel size, background) and
/// APNG's animation chunks. Every other chunk goes: text, EXIF, time, and any private chunk.
const PNG_KEPT: [[u8; 4]; 18] = [
    *b"IHDR", *b"PLTE", *b"IDAT", *b"IEND", *b"tRNS", *b"cHRM", *b"gAMA", *b"iCCP", *b"sBIT",
    *b"sRGB", *b"cICP", *b"mDCV", *b"cLLI", *b"pHYs", *b"bKGD", *b"acTL", *b"fcTL", *b"fdAT",
];

/// The JPEG marker that ends an image (EOI) and the one that starts a scan (SOS).
const JPEG_EOI: u8 = 0xD9;
const JPEG_SOS: u8 = 0xDA;

/// The VP8X flag that announces an XMP chunk.
const VP8X_XMP_FLAG: u8 = 0x04;

/// `bytes` (an image in `format`, its size already admitted) without metadata; 422 when the
/// container is malformed.
pub fn strip(bytes: Bytes, format: Format) -> ApiResult<Vec<u8>> {
    let malformed = |error: &dyn std::fmt::Display| {
        ApiError::invalid(
            "body",
            format!(
                "the body starts like {} but its structure is malformed: {error}",
                format.media_type()
            ),
        )
    };
    match format {
        Format::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(|e| malformed(&e))?;
            jpeg.segments_mut()
                .retain(|segment| !is_jpeg_metadata(segment.marker()));
            let mut out = jpeg.encoder().bytes().to_vec();
            let length = jpeg_length(&out).ok_or_else(|| {
                malformed(&"it has no end-of-image marker after its image data (cut short?)")
            })?;
            out.truncate(length);
            Ok(out)
        }
        Format::Png => {
            let mut png = Png::from_bytes(bytes).map_err(|e| malformed(&e))?;
            png.chunks_mut()
                .retain(|chunk| PNG_KEPT.contains(&chunk.kind()));
            Ok(png.encoder().bytes().to_vec())
        }
        Format::Webp => {
            let mut webp = WebP::from_bytes(bytes).map_err(|e| malformed(&e))?;
            webp.remove_chunks_by_id(CHUNK_XMP);
            webp.remove_chunks_by_id(CHUNK_EXIF);
            // Updates the VP8X flags of EXIF (and ICC); the XMP flag is cleared here.
            webp.set_exif(None);
            for chunk in webp.chunks_mut() {
                if chunk.id() == CHUNK_VP8X {
                    if let RiffContent::Data(data) = chunk.content_mut() {
                        if let Some(flags) = data.first() {
                            let mut edited = data.to_vec();
                            edited[0] = flags & !VP8X_XMP_FLAG;
                            *data = Bytes::from(edited);
                        }
                    }
                }
            }
            Ok(webp.encoder().bytes().to_vec())
        }
        Format::Gif => rewrite_gif(&bytes).map_err(|e| malformed(&e)),
    }
}

/// True for JPEG segments that carry metadata: APP1 (EXIF, XMP), APP3–APP13 (vendor data,
/// IPTC in APP13), APP15 and comments. APP0 (JFIF), APP2 (ICC) and APP14 (Adobe) stay.
fn is_jpeg_metadata(marker: u8) -> bool {
    marker == markers::APP1
        || (markers::APP3..=markers::APP13).contains(&marker)
        || marker == markers::APP15
        || marker == markers::COM
}

/// The length of the JPEG at the start of `bytes` through its end-of-image marker, which must
/// follow a scan (ITU T.81 B.2: length-prefixed segments, then entropy-coded data in which a
/// `0xFF` is followed by a stuffed `0x00` or a restart marker); `None` when there is none.
fn jpeg_length(bytes: &[u8]) -> Option<usize> {
    let mut at = 2;
    let mut scanned = false;
    while at + 1 < bytes.len() {
        if bytes[at] != 0xFF {
            if !scanned {
                return None;
            }
            at += 1;
            continue;
        }
        match bytes[at + 1] {
            0xFF => at += 1,
            0x00 | 0x01 | 0xD0..=0xD7 => at += 2,
            JPEG_EOI => return scanned.then_some(at + 2),
            marker => {
                let length = u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]);
                at += 2 + usize::from(length);
                scanned |= marker == JPEG_SOS;
            }
        }
    }
    None
}

/// The GIF in `bytes` again, with its frames (palettes, positions, delays, disposal,
/// transparency, indices) and loop count, and no comment, plain-text or application extension.
fn rewrite_gif(bytes: &[u8]) -> Result<Vec<u8>, gif::DecodingError> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut decoder = options.read_info(Cursor::new(bytes))?;
    let palette = decoder.global_palette().unwrap_or(&[]).to_vec();
    let (width, height) = (decoder.width(), decoder.height());
    let repeat = decoder.repeat();
    let mut out = Vec::with_capacity(bytes.len());
    let encoding = |error: gif::EncodingError| {
        gif::DecodingError::Io(std::io::Error::other(error.to_string()))
    };
    let mut encoder = gif::Encoder::new(&mut out, width, height, &palette).map_err(encoding)?;
    if repeat != gif::Repeat::Finite(0) {
        encoder.set_repeat(repeat).map_err(encoding)?;
    }
    while let Some(frame) = decoder.read_next_frame()? {
        encoder.write_frame(frame).map_err(encoding)?;
    }
    drop(encoder);
    Ok(out)
}

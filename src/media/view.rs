//! Media responses: one item with its file's facts, URLs and variants, and a page of items.

use super::files;
use super::format::Format;
use super::model::{MediaRow, VariantRow};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VariantView {
    /// Width in pixels (one of `HEALTHHUB_MEDIA_WIDTHS`, always less than the original's).
    pub width: i32,
    /// Height in pixels (the original's aspect ratio, rounded).
    pub height: i32,
    /// Size of the file in bytes.
    pub bytes: i64,
    /// Where it is served (a path on this server), cached for good.
    pub url: String,
}

/// A media item (`GET /media/{id}`, lists, writes).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "media_type": "image/jpeg", "bytes": 482113, "width": 2400, "height": 1600,
    "url": "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg",
    "variants": [{"width": 320, "height": 213, "bytes": 18211,
        "url": "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08-320w.jpg"}],
    "alt": "A bowl of oats with blueberries", "caption": "", "credit": "Photo: A. Baker",
    "version": 1, "created_at": "2025-04-19T09:30:00Z", "updated_at": "2025-04-19T09:30:00Z"
}))]
pub struct MediaView {
    pub id: i32,
    /// Lowercase hex SHA-256 of the stored bytes (metadata removed): the same bytes are always
    /// the same item.
    pub sha256: String,
    /// The format found in the bytes.
    #[schema(value_type = Format)]
    pub media_type: String,
    /// Size of the stored original in bytes.
    pub bytes: i64,
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// Where the original is served (a path on this server), cached for good.
    pub url: String,
    /// The variants made so far, narrowest first: they are made in the background after the
    /// upload, one per configured width below the original's (none for GIFs).
    pub variants: Vec<VariantView>,
    /// Alternative text (may be empty).
    pub alt: String,
    /// Caption (may be empty).
    pub caption: String,
    /// Credit (may be empty).
    pub credit: String,
    /// Starts at 1 and grows with every change of the texts; works in `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl VariantView {
    /// The variant `row` of the original `sha256`, a `format` file.
    pub fn new(row: VariantRow, sha256: &str, format: Format) -> Self {
        Self {
            width: row.width,
            height: row.height,
            bytes: row.byte_size,
            url: files::url(&files::variant(sha256, row.width, format)),
        }
    }
}

/// The file of an image placed somewhere (an article's feature image, a person's avatar): where
/// it is served, its format, its size and its variants. The views of those places carry its
/// fields beside their own texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImageFile {
    /// Where the original is served.
    pub url: String,
    /// The file's format.
    #[schema(value_type = Format)]
    pub media_type: String,
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// The variants made so far, narrowest first (for `srcset`).
    pub variants: Vec<VariantView>,
}

impl ImageFile {
    /// The file of `medium`, with its stored `variants`.
    pub fn new(medium: MediaRow, variants: Vec<VariantRow>) -> Self {
        let (url, variants) = file_urls(&medium, variants);
        Self {
            url,
            media_type: medium.media_type,
            width: medium.width,
            height: medium.height,
            variants,
        }
    }
}

/// Where the original of `medium` is served, and its stored `variants` as views: the URLs every
/// view of a medium shows (the item itself, a feature image, an avatar).
pub fn file_urls(medium: &MediaRow, variants: Vec<VariantRow>) -> (String, Vec<VariantView>) {
    let format = medium.format();
    let variants = variants
        .into_iter()
        .map(|v| VariantView::new(v, &medium.sha256, format))
        .collect();
    (
        files::url(&files::original(&medium.sha256, format)),
        variants,
    )
}

impl MediaView {
    /// `row` shown with its stored `variants`.
    pub fn new(row: MediaRow, variants: Vec<VariantRow>) -> Self {
        let (url, variants) = file_urls(&row, variants);
        Self {
            id: row.id,
            url,
            sha256: row.sha256,
            media_type: row.media_type,
            bytes: row.byte_size,
            width: row.width,
            height: row.height,
            variants,
            alt: row.alt,
            caption: row.caption,
            credit: row.credit,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// Paging facts of `GET /media`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaMeta {
    /// Items per page.
    pub limit: i64,
    /// Pass as `after` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_after: Option<i32>,
}

/// A page of media items, in id order.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaPage {
    pub data: Vec<MediaView>,
    pub meta: MediaMeta,
}

//! An article's feature image: a media item, or an external reference (the address of an image
//! kept elsewhere, as importers leave a featured image they do not fetch), with the alt text and
//! caption it has there, stored beside the article in `article_feature_images` and written with
//! it like its tags. A published article's feature image needs alt text.

use super::input::{ALT, CAPTION};
use super::model::{self as media_model, MediaRow, VariantRow};
use super::view::{file_urls, VariantView};
use crate::db::by_ids::load_by_ids;
use crate::db::schema::article_feature_images;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::support::validate::Checks;
use crate::webhooks::target::check_url;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// A feature image as a write gives it (and a revision keeps it): exactly one of `media_id` and
/// `source_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"media_id": 3, "alt": "A bowl of oats with blueberries", "caption": "Breakfast, done right."}))]
pub struct FeatureImage {
    /// The media item's id, for an image stored here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<i32>,
    /// An external reference instead: the address of an image kept elsewhere, never fetched by
    /// the server (an `http` or `https` URL of at most 2 048 characters, without user information
    /// or fragment: the syntax webhook targets have). Importers keep a featured image this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// What a screen reader says instead of the image: one line, at most 1 000 characters;
    /// required (not blank) once the article is published.
    #[serde(default)]
    pub alt: String,
    /// Plain text, at most 2 000 characters.
    #[serde(default)]
    pub caption: String,
}

impl FeatureImage {
    /// The stored medium `media_id` shown with `alt` and `caption`.
    pub fn stored(media_id: i32, alt: String, caption: String) -> Self {
        Self {
            media_id: Some(media_id),
            source_url: None,
            alt,
            caption,
        }
    }

    /// The external image at `source_url` shown with `alt` and `caption`.
    pub fn external(source_url: String, alt: String, caption: String) -> Self {
        Self {
            media_id: None,
            source_url: Some(source_url),
            alt,
            caption,
        }
    }
}

/// Records what is wrong with `image` by itself under `field` (`feature_image`), and, when
/// `published` (the request itself publishes the article), a blank alt text.
pub fn check(checks: &mut Checks, field: &str, image: &FeatureImage, published: bool) {
    match (&image.media_id, &image.source_url) {
        (Some(_), None) => {}
        (None, Some(url)) => {
            if let Err(message) = check_url(url) {
                checks.fail(format!("{field}.source_url"), message);
            }
        }
        _ => checks.fail(
            field.to_string(),
            "give exactly one of media_id (a stored image) and source_url (an external one)",
        ),
    }
    checks.syntax(&format!("{field}.alt"), &image.alt, ALT);
    checks.syntax(&format!("{field}.caption"), &image.caption, CAPTION);
    if published && image.alt.trim().is_empty() {
        checks.fail(format!("{field}.alt"), ALT_REQUIRED);
    }
}

/// Why a blank alt text is refused.
const ALT_REQUIRED: &str = "a published article's feature image needs alt text";

/// The feature image of `article_id`, if it has one.
pub fn of(conn: &mut DbConn, article_id: i32) -> QueryResult<Option<FeatureImage>> {
    Ok(of_articles(conn, &[article_id])?.remove(&article_id))
}

/// The feature images of `article_ids` (an article without one is absent).
pub fn of_articles(
    conn: &mut DbConn,
    article_ids: &[i32],
) -> QueryResult<HashMap<i32, FeatureImage>> {
    type Row = (i32, Option<i32>, Option<String>, String, String);
    let rows: Vec<Row> = load_by_ids!(
        article_feature_images::table.select((
            article_feature_images::article_id,
            article_feature_images::media_id,
            article_feature_images::source_url,
            article_feature_images::alt,
            article_feature_images::caption,
        )),
        article_feature_images::article_id,
        article_ids,
        conn
    )?;
    Ok(rows
        .into_iter()
        .map(|(article, media_id, source_url, alt, caption)| {
            let image = FeatureImage {
                media_id,
                source_url,
                alt,
                caption,
            };
            (article, image)
        })
        .collect())
}

/// Makes `image` (checked alone; `None` for none) that of `article_id`; returns whether it
/// changed. A stored medium must exist (409 on `feature_image.media_id` otherwise).
pub fn write(conn: &mut DbConn, article_id: i32, image: Option<&FeatureImage>) -> ApiResult<bool> {
    if of(conn, article_id)?.as_ref() == image {
        return Ok(false);
    }
    store(conn, article_id, image)?;
    Ok(true)
}

/// Stores `image` as that of `article_id` like [`write`], without first comparing it with the
/// stored one (for a caller that has). Errors: as [`write`]'s.
pub fn store(conn: &mut DbConn, article_id: i32, image: Option<&FeatureImage>) -> ApiResult<()> {
    diesel::delete(article_feature_images::table.find(article_id)).execute(conn)?;
    let Some(image) = image else {
        return Ok(());
    };
    if let Some(media_id) = image.media_id {
        media_model::require(conn, media_id, "feature_image.media_id")?;
    }
    diesel::insert_into(article_feature_images::table)
        .values((
            article_feature_images::article_id.eq(article_id),
            article_feature_images::media_id.eq(image.media_id),
            article_feature_images::source_url.eq(&image.source_url),
            article_feature_images::alt.eq(&image.alt),
            article_feature_images::caption.eq(&image.caption),
        ))
        .execute(conn)?;
    Ok(())
}

/// A 409 on `feature_image.alt` when `published` and the stored feature image of `article_id`
/// has no alt text: the rule checked after every write of an article, on what it left stored.
pub fn require_alt(conn: &mut DbConn, article_id: i32, published: bool) -> ApiResult<()> {
    if !published {
        return Ok(());
    }
    match of(conn, article_id)? {
        Some(image) if image.alt.trim().is_empty() => {
            Err(ApiError::conflicting("feature_image.alt", ALT_REQUIRED))
        }
        _ => Ok(()),
    }
}

/// Where a feature image comes from, as an article shows it.
#[derive(Debug, Clone)]
pub enum FeatureSource {
    /// A media item stored here.
    Stored(MediaRow),
    /// An external reference: the image's address.
    External(String),
}

/// A feature image as an article shows it: its texts there, and the file's facts and URLs (those
/// of an external reference are unknown, since the server never fetches it).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "media_id": 3, "source_url": null, "alt": "A bowl of oats with blueberries", "caption": "",
    "url": "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg",
    "media_type": "image/jpeg", "width": 2400, "height": 1600,
    "variants": [{"width": 320, "height": 213, "bytes": 18211,
        "url": "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08-320w.jpg"}]
}))]
pub struct FeatureImageView {
    /// The media item shown; `null` for an external reference.
    #[schema(required = true)]
    pub media_id: Option<i32>,
    /// The external reference's address; `null` for a stored media item.
    #[schema(required = true)]
    pub source_url: Option<String>,
    /// The alt text it has on this article.
    pub alt: String,
    /// The caption it has on this article.
    pub caption: String,
    /// Where to fetch the image: the stored original (a path on this server, cached for good),
    /// or `source_url`.
    pub url: String,
    /// The file's format; `null` for an external reference.
    #[schema(value_type = Option<super::format::Format>, required = true)]
    pub media_type: Option<String>,
    /// Width in pixels; `null` for an external reference.
    #[schema(required = true)]
    pub width: Option<i32>,
    /// Height in pixels; `null` for an external reference.
    #[schema(required = true)]
    pub height: Option<i32>,
    /// The variants made so far, narrowest first (for `srcset`); none for an external reference.
    pub variants: Vec<VariantView>,
}

impl FeatureImageView {
    /// The view of the image `source` shown as a feature image with `alt` and `caption`, and
    /// `variants` those made of a stored medium.
    pub fn new(
        alt: String,
        caption: String,
        source: FeatureSource,
        variants: Vec<VariantRow>,
    ) -> Self {
        match source {
            FeatureSource::Stored(medium) => {
                let (url, variants) = file_urls(&medium, variants);
                Self {
                    media_id: Some(medium.id),
                    source_url: None,
                    alt,
                    caption,
                    url,
                    media_type: Some(medium.media_type),
                    width: Some(medium.width),
                    height: Some(medium.height),
                    variants,
                }
            }
            FeatureSource::External(url) => Self {
                media_id: None,
                source_url: Some(url.clone()),
                alt,
                caption,
                url,
                media_type: None,
                width: None,
                height: None,
                variants: Vec::new(),
            },
        }
    }
}

/// How many articles show `media_id` as their feature image.
pub fn uses_of(conn: &mut DbConn, media_id: i32) -> QueryResult<i64> {
    article_feature_images::table
        .filter(article_feature_images::media_id.eq(Some(media_id)))
        .count()
        .get_result(conn)
}

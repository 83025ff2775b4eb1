//! An article's feature image: a media item with the alt text and caption it has there, stored
//! beside the article in `article_feature_images` and written with it like its tags. A published
//! article's feature image needs alt text.

use super::input::{ALT, CAPTION};
use super::model::{self as media_model, MediaRow, VariantRow};
use super::view::ImageFile;
use crate::db::schema::article_feature_images;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::support::validate::Checks;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// A feature image as a write gives it (and a revision keeps it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"media_id": 3, "alt": "A bowl of oats with blueberries", "caption": "Breakfast, done right."}))]
pub struct FeatureImage {
    /// The media item's id.
    pub media_id: i32,
    /// What a screen reader says instead of the image: one line, at most 1 000 characters;
    /// required (not blank) once the article is published.
    #[serde(default)]
    pub alt: String,
    /// Plain text, at most 2 000 characters.
    #[serde(default)]
    pub caption: String,
}

/// Records what is wrong with `image` by itself under `field` (`feature_image`), and, when
/// `published` (the request itself publishes the article), a blank alt text.
pub fn check(checks: &mut Checks, field: &str, image: &FeatureImage, published: bool) {
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
    let rows: Vec<(i32, i32, String, String)> = article_feature_images::table
        .filter(article_feature_images::article_id.eq_any(article_ids))
        .select((
            article_feature_images::article_id,
            article_feature_images::media_id,
            article_feature_images::alt,
            article_feature_images::caption,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(article, media_id, alt, caption)| {
            let image = FeatureImage {
                media_id,
                alt,
                caption,
            };
            (article, image)
        })
        .collect())
}

/// Makes `image` (checked alone; `None` for none) that of `article_id`; returns whether it
/// changed. The medium must exist (409 on `feature_image.media_id` otherwise).
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
    media_model::require(conn, image.media_id, "feature_image.media_id")?;
    diesel::insert_into(article_feature_images::table)
        .values((
            article_feature_images::article_id.eq(article_id),
            article_feature_images::media_id.eq(image.media_id),
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

/// A feature image as an article shows it: its texts there and the file's facts and URLs.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "media_id": 3, "alt": "A bowl of oats with blueberries", "caption": "",
    "url": "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg",
    "media_type": "image/jpeg", "width": 2400, "height": 1600,
    "variants": [{"width": 320, "height": 213, "bytes": 18211,
        "url": "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08-320w.jpg"}]
}))]
pub struct FeatureImageView {
    pub media_id: i32,
    /// The alt text it has on this article.
    pub alt: String,
    /// The caption it has on this article.
    pub caption: String,
    /// The file's facts and URLs.
    #[serde(flatten)]
    pub file: ImageFile,
}

impl FeatureImageView {
    /// The view of `medium` shown as a feature image with `alt` and `caption`, and `variants`
    /// the variants made of it.
    pub fn new(alt: String, caption: String, medium: MediaRow, variants: Vec<VariantRow>) -> Self {
        Self {
            media_id: medium.id,
            alt,
            caption,
            file: ImageFile::new(medium, variants),
        }
    }
}

/// How many articles show `media_id` as their feature image.
pub fn uses_of(conn: &mut DbConn, media_id: i32) -> QueryResult<i64> {
    article_feature_images::table
        .filter(article_feature_images::media_id.eq(media_id))
        .count()
        .get_result(conn)
}

//! The one-row parts of a page of articles, read together in one query: the stored SEO fields,
//! and the feature image with its media item.

use super::seo::SeoInput;
use crate::db::schema::{article_feature_images, article_seo, articles, media};
use crate::db::DbConn;
use crate::media::model::MediaRow;
use diesel::prelude::*;
use std::collections::HashMap;

/// A feature image as stored on an article, with the media item it shows.
#[derive(Debug, Clone)]
pub struct FeaturedMedium {
    /// The alt text it has on the article.
    pub alt: String,
    /// The caption it has on the article.
    pub caption: String,
    /// The media item.
    pub medium: MediaRow,
}

/// What one article has of each one-row part.
#[derive(Debug, Clone, Default)]
pub struct OneRowParts {
    /// The stored SEO fields (all absent when it stores none).
    pub seo: SeoInput,
    /// Its feature image, if any.
    pub feature_image: Option<FeaturedMedium>,
}

/// A row of the parts query: the article's id, then each part's columns (`NULL` when absent).
type PartsRow = (
    i32,
    Option<SeoInput>,
    Option<(String, String)>,
    Option<MediaRow>,
);

/// The one-row parts of each of `article_ids` (an unknown id is absent), in one query.
pub fn of_articles(
    conn: &mut DbConn,
    article_ids: &[i32],
) -> QueryResult<HashMap<i32, OneRowParts>> {
    let rows: Vec<PartsRow> = articles::table
        .left_join(article_seo::table.on(article_seo::article_id.eq(articles::id)))
        .left_join(
            article_feature_images::table.on(article_feature_images::article_id.eq(articles::id)),
        )
        .left_join(media::table.on(media::id.eq(article_feature_images::media_id)))
        .filter(articles::id.eq_any(article_ids))
        .select((
            articles::id,
            Option::<SeoInput>::as_select(),
            (article_feature_images::alt, article_feature_images::caption).nullable(),
            Option::<MediaRow>::as_select(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, seo, texts, medium)| {
            let feature_image = texts
                .zip(medium)
                .map(|((alt, caption), medium)| FeaturedMedium {
                    alt,
                    caption,
                    medium,
                });
            let parts = OneRowParts {
                seo: seo.unwrap_or_default(),
                feature_image,
            };
            (id, parts)
        })
        .collect())
}

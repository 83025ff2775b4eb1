//! The one-row parts of a page of articles, read together in one query: the stored SEO fields,
//! and the feature image with its media item (or external address).

use super::seo::SeoInput;
use crate::db::by_ids::load_by_ids;
use crate::db::schema::{article_feature_images, article_seo, articles, media};
use crate::db::DbConn;
use crate::media::feature_images::FeatureSource;
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
    /// The media item, or the external reference's address.
    pub source: FeatureSource,
}

impl FeaturedMedium {
    /// The stored media item shown, if it is one (not an external reference).
    pub fn medium(&self) -> Option<&MediaRow> {
        match &self.source {
            FeatureSource::Stored(medium) => Some(medium),
            FeatureSource::External(_) => None,
        }
    }
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
    Option<String>,
    Option<MediaRow>,
);

/// The one-row parts of each of `article_ids` (an unknown id is absent), in one query.
pub fn of_articles(
    conn: &mut DbConn,
    article_ids: &[i32],
) -> QueryResult<HashMap<i32, OneRowParts>> {
    let rows: Vec<PartsRow> = load_by_ids!(
        articles::table
            .left_join(article_seo::table.on(article_seo::article_id.eq(articles::id)))
            .left_join(
                article_feature_images::table
                    .on(article_feature_images::article_id.eq(articles::id)),
            )
            .left_join(media::table.on(media::id.nullable().eq(article_feature_images::media_id)))
            .select((
                articles::id,
                Option::<SeoInput>::as_select(),
                (article_feature_images::alt, article_feature_images::caption).nullable(),
                article_feature_images::source_url.nullable(),
                Option::<MediaRow>::as_select(),
            )),
        articles::id,
        article_ids,
        conn
    )?;
    Ok(rows
        .into_iter()
        .map(|(id, seo, texts, source_url, medium)| {
            let source = medium
                .map(FeatureSource::Stored)
                .or(source_url.map(FeatureSource::External));
            let feature_image = texts
                .zip(source)
                .map(|((alt, caption), source)| FeaturedMedium {
                    alt,
                    caption,
                    source,
                });
            let parts = OneRowParts {
                seo: seo.unwrap_or_default(),
                feature_image,
            };
            (id, parts)
        })
        .collect())
}

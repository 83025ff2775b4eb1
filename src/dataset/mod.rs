//! The data-set format shared by imports, exports and the demo content: categories with a
//! `parent_slug`, people (their avatar by the SHA-256 of its file), tags, articles with a
//! `category_slug`, their sections, references, byline (people by slug) and tags (by slug), as
//! one JSON document or as NDJSON (one `{"type": "category" | "person" | "tag" | "article", …}`
//! record a line).

pub mod demo;
pub mod export;
pub mod import;
pub mod sources;

use crate::support::json_object;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A category record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRecord {
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    pub parent_slug: Option<String>,
    /// Order among siblings; when absent, the record's place among the file's categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    /// Created only when no category has its slug, never updated (not part of the format: an
    /// importer's fallback category, such as Ghost's `uncategorized`, must not undo what editors
    /// made of an existing one).
    #[serde(skip)]
    pub only_if_missing: bool,
}

/// A person record (an author or a medical reviewer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRecord {
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub credentials: String,
    /// Markdown.
    #[serde(default)]
    pub bio: String,
    #[serde(default)]
    pub links: Vec<String>,
    /// Their avatar (optional; boxed: most records have none).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "json_object::optional"
    )]
    pub avatar: Option<Box<AvatarRecord>>,
}

/// A person's avatar: the media item named by the SHA-256 of its file (as a feature image's),
/// with the alt text it has as their picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvatarRecord {
    /// Lowercase hex SHA-256 of the media item's stored file.
    pub sha256: String,
    #[serde(default)]
    pub alt: String,
}

/// A tag record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRecord {
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
}

/// An article record with its sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleRecord {
    pub title: String,
    pub slug: String,
    #[serde(default)]
    pub subtitle: String,
    #[serde(default)]
    pub excerpt: String,
    /// `draft` or `published`.
    pub status: crate::articles::status::ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    /// When it stops being public (an extension of the generator's format; optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpublish_at: Option<DateTime<Utc>>,
    /// From 0 to `i64::MAX`; anything else is refused naming the field and the range.
    #[serde(default, deserialize_with = "view_count")]
    pub view_count: i64,
    pub category_slug: String,
    #[serde(default, deserialize_with = "json_object::object_list")]
    pub sections: Vec<SectionRecord>,
    /// The works it cites, in order (the fields of `PUT …/references`; optional).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "json_object::object_list"
    )]
    pub references: Vec<crate::references::input::ReferenceInput>,
    /// Its authors' slugs, in byline order (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub author_slugs: Vec<String>,
    /// Its medical reviewer's slug, with `reviewed_at` (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer_slug: Option<String>,
    /// The date of the last medical review (`YYYY-MM-DD`), with `reviewer_slug`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<NaiveDate>,
    /// The slugs of its tags, in order (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_slugs: Vec<String>,
    /// Its SEO fields, as `seo` on `POST /articles` (optional; absent fields are derived).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "json_object::optional"
    )]
    pub seo: Option<SeoRecord>,
    /// Its feature image (optional; boxed: most records have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_image: Option<Box<FeatureImageRecord>>,
}

/// An article's SEO fields: `seo` of `POST /articles`, with the social image named by the SHA-256
/// of its file instead of a media id (the item must be in the library, as a feature image's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeoRecord {
    #[serde(default)]
    pub meta_title: Option<String>,
    #[serde(default)]
    pub meta_description: Option<String>,
    #[serde(default)]
    pub canonical_url: Option<String>,
    /// Lowercase hex SHA-256 of the social image's stored file (`seo.og_image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub og_image_sha256: Option<String>,
}

/// An article's feature image: the media item named by the SHA-256 of its file, or an external
/// reference (exactly one of the two), with the alt text and caption it has on the article. A
/// data set carries no file: the item must already be in the library where the set is imported
/// (the same files, or the same S3 bucket).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureImageRecord {
    /// Lowercase hex SHA-256 of the media item's stored file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The external image's address (`feature_image.source_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default)]
    pub alt: String,
    #[serde(default)]
    pub caption: String,
}

/// Reads a `view_count`: an integer from 0 to `i64::MAX`, or an error that says so.
fn view_count<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    number.as_i64().filter(|n| *n >= 0).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "view_count must be an integer from 0 to {}, not {number}",
            i64::MAX
        ))
    })
}

/// A section record; `position` orders the sections of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionRecord {
    pub position: i32,
    pub heading: String,
    pub body: String,
}

/// One NDJSON line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Category(CategoryRecord),
    Person(PersonRecord),
    Tag(TagRecord),
    /// Boxed: an article record is many times the size of the others.
    Article(Box<ArticleRecord>),
}

/// Which of the two layouts a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `{"categories": […], "people": […], "tags": […], "articles": […]}`.
    Document,
    /// One record a line.
    Ndjson,
}

impl Layout {
    /// The layout named by a file's extension: `.ndjson` or `.jsonl` is NDJSON, anything else a document.
    pub fn of_path(path: &std::path::Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some("ndjson" | "jsonl") => Layout::Ndjson,
            _ => Layout::Document,
        }
    }
}

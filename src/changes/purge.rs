//! Purge keys: the names public responses carry in `Surrogate-Key` / `Cache-Tag`, and what a change asks a CDN to purge (the same names, plus the resource's own URLs).
//!
//! The vocabulary, and which responses carry each key (`http::purge_keys` sets them):
//! - `article-<id>`: a single article's responses (`/articles/{id_or_slug}`, its sections, one
//!   of its sections);
//! - `articles`: every list or search of articles and every related list (any article may move
//!   in or out of one), and the category tree with `counts=true`;
//! - `category-<id>`: responses that show that category: its own, and each article filed under
//!   it or under a category below it (through the article's breadcrumbs);
//! - `categories`: every list of categories, the tree, each single category (its children and
//!   breadcrumbs are categories), and every list of articles (each embeds its category);
//! - `person-<id>`: a single person's responses; `people`: every list of people;
//! - `tag-<id>` and `tags` likewise for tags;
//! - `media-<id>`: a media item's responses and each article showing it (as its feature or
//!   social image); `media`: every list of media and every list of articles (each may show
//!   feature images). A medium's new variant is a change of it (`media.updated`).
//!
//! A change purges what it can have changed: an article change `article-<id>` and `articles`
//! (only when anonymous readers saw the article before or after it); a category change
//! `category-<id>` and `categories`. `tests/api/purge_keys.rs` checks that every public
//! response a write changes carried one of the keys its log entries name.

use super::event::ResourceType;
use super::model::ChangeRow;
use serde::Serialize;
use utoipa::ToSchema;

/// The key of one article's responses.
pub fn article_key(id: i32) -> String {
    format!("article-{id}")
}

/// The key of one category's responses.
pub fn category_key(id: i32) -> String {
    format!("category-{id}")
}

/// The key of one person's responses.
pub fn person_key(id: i32) -> String {
    format!("person-{id}")
}

/// The key of every list of people.
pub const PEOPLE_KEY: &str = "people";

/// The key of one tag's responses.
pub fn tag_key(id: i32) -> String {
    format!("tag-{id}")
}

/// The key of every list of tags.
pub const TAGS_KEY: &str = "tags";

/// The key of one media item's responses.
pub fn media_key(id: i32) -> String {
    format!("media-{id}")
}

/// The key of every list of media.
pub const MEDIA_KEY: &str = "media";

/// The key of every list and search of articles.
pub const ARTICLES_KEY: &str = "articles";

/// The key of every list of categories and the tree.
pub const CATEGORIES_KEY: &str = "categories";

/// What a CDN should purge after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Purge {
    /// Surrogate keys (`Surrogate-Key` / `Cache-Tag` values of the responses to drop).
    pub keys: Vec<String>,
    /// Paths of this API (under `/api/v1`) that showed the resource, by id and by slug (and
    /// by the old slug after a rename).
    pub urls: Vec<String>,
}

/// What to purge after the change `row` records: for articles only when anonymous readers saw
/// the article before or after it (a draft's edits change no public response); for categories
/// people, tags and media always; nothing for tokens. A medium's URL is by id only (its
/// "slug" in the log is the SHA-256 naming its files, whose URLs never change meaning).
pub fn of(row: &ChangeRow) -> Option<Purge> {
    let id = row.resource_id?;
    let (collection, keys) = match row.resource_type.as_str() {
        t if t == ResourceType::Article.as_str() => {
            let seen = row.public_before == Some(true) || row.public_after == Some(true);
            if !seen {
                return None;
            }
            ("articles", vec![article_key(id), ARTICLES_KEY.to_owned()])
        }
        t if t == ResourceType::Category.as_str() => (
            "categories",
            vec![category_key(id), CATEGORIES_KEY.to_owned()],
        ),
        t if t == ResourceType::Person.as_str() => {
            ("people", vec![person_key(id), PEOPLE_KEY.to_owned()])
        }
        t if t == ResourceType::Tag.as_str() => ("tags", vec![tag_key(id), TAGS_KEY.to_owned()]),
        t if t == ResourceType::Media.as_str() => {
            return Some(Purge {
                keys: vec![media_key(id), MEDIA_KEY.to_owned()],
                urls: vec![format!("/api/v1/media/{id}")],
            })
        }
        _ => return None,
    };
    let mut urls = vec![format!("/api/v1/{collection}/{id}")];
    urls.extend(
        [&row.slug, &row.old_slug]
            .into_iter()
            .flatten()
            .map(|slug| format!("/api/v1/{collection}/{slug}")),
    );
    Some(Purge { keys, urls })
}

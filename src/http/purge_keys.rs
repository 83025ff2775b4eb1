//! `Surrogate-Key` (Fastly: space-separated) and `Cache-Tag` (Cloudflare: comma-separated) on reads of content: the purge keys of what each kind of response shows, in the vocabulary of `changes::purge`.
//!
//! A change's log entry names the keys to purge (`changes::purge::of`); a response carries the
//! keys of everything it depends on, so purging a change's keys drops every stored response
//! that showed it. Responses kept in the in-memory response cache keep these headers.

use crate::changes::purge::{
    article_key, category_key, media_key, person_key, tag_key, ARTICLES_KEY, CATEGORIES_KEY,
    MEDIA_KEY, PEOPLE_KEY, TAGS_KEY,
};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::HttpResponse;

/// Fastly's header: the keys separated by spaces.
const SURROGATE_KEY: HeaderName = HeaderName::from_static("surrogate-key");
/// Cloudflare's header: the keys separated by commas.
const CACHE_TAG: HeaderName = HeaderName::from_static("cache-tag");

/// What a read of content shows, and so which changes make it stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shows {
    /// One article (`article-<id>`), the categories of its breadcrumbs, root first
    /// (`category-<id>` each: a category rename changes the article's page), the people of
    /// its byline it shows (`person-<id>` each), its tags (`tag-<id>` each) and the media items
    /// it shows: feature and social image, its people's avatars (`media-<id>` each).
    Article {
        /// The article's id.
        id: i32,
        /// The ids of the categories in its breadcrumbs.
        categories: Vec<i32>,
        /// The ids of the people it shows.
        people: Vec<i32>,
        /// The ids of the tags it shows.
        tags: Vec<i32>,
        /// The ids of the media items it shows.
        media: Vec<i32>,
    },
    /// The feed or the sitemap: articles with their categories, people and tags, no media
    /// (`articles categories people tags`).
    SiteDocument,
    /// Part of one article, its sections (`article-<id>`).
    ArticleParts(i32),
    /// A list or search of articles, with their categories and maybe their bylines, tags and
    /// feature images (`articles categories people tags media`).
    ArticleLists,
    /// Categories only: the list or the tree (`categories`).
    Categories,
    /// Categories with article counts: the tree with `counts=true` (`categories articles`).
    CategoriesWithCounts,
    /// One category with its breadcrumbs and children (`category-<id> categories`).
    Category(i32),
    /// One person with a page of their articles (`person-<id> articles categories`: any article
    /// may enter or leave their list, and its items embed their category), and their avatar's
    /// medium (`media-<id>`).
    Person {
        /// The person's id.
        id: i32,
        /// The media item of their avatar, if any.
        avatar: Option<i32>,
    },
    /// A list of people with their avatars (`people media`).
    People,
    /// One tag with its count of published articles (`tag-<id> articles`).
    Tag(i32),
    /// A list of tags with their counts (`tags articles`).
    Tags,
    /// One media item (`media-<id>`).
    Medium(i32),
    /// A list of media items (`media`).
    Media,
}

impl Shows {
    /// The purge keys of a response showing this.
    pub fn keys(&self) -> Vec<String> {
        match self {
            Shows::Article {
                id,
                categories,
                people,
                tags,
                media,
            } => std::iter::once(article_key(*id))
                .chain(categories.iter().map(|id| category_key(*id)))
                .chain(people.iter().map(|id| person_key(*id)))
                .chain(tags.iter().map(|id| tag_key(*id)))
                .chain(media.iter().map(|id| media_key(*id)))
                .collect(),
            Shows::ArticleParts(id) => vec![article_key(*id)],
            Shows::SiteDocument => vec![
                ARTICLES_KEY.to_owned(),
                CATEGORIES_KEY.to_owned(),
                PEOPLE_KEY.to_owned(),
                TAGS_KEY.to_owned(),
            ],
            Shows::ArticleLists => {
                let mut keys = Shows::SiteDocument.keys();
                keys.push(MEDIA_KEY.to_owned());
                keys
            }
            Shows::Categories => vec![CATEGORIES_KEY.to_owned()],
            Shows::CategoriesWithCounts => {
                vec![CATEGORIES_KEY.to_owned(), ARTICLES_KEY.to_owned()]
            }
            Shows::Category(id) => vec![category_key(*id), CATEGORIES_KEY.to_owned()],
            Shows::Person { id, avatar } => [
                person_key(*id),
                ARTICLES_KEY.to_owned(),
                CATEGORIES_KEY.to_owned(),
            ]
            .into_iter()
            .chain(avatar.map(media_key))
            .collect(),
            Shows::People => vec![PEOPLE_KEY.to_owned(), MEDIA_KEY.to_owned()],
            Shows::Tag(id) => vec![tag_key(*id), ARTICLES_KEY.to_owned()],
            Shows::Tags => vec![TAGS_KEY.to_owned(), ARTICLES_KEY.to_owned()],
            Shows::Medium(id) => vec![media_key(*id)],
            Shows::Media => vec![MEDIA_KEY.to_owned()],
        }
    }
}

/// `response` with `Surrogate-Key` and `Cache-Tag` naming what it shows.
pub fn tagged(mut response: HttpResponse, shows: &Shows) -> HttpResponse {
    let keys = shows.keys();
    let headers = response.headers_mut();
    for (name, separator) in [(SURROGATE_KEY, " "), (CACHE_TAG, ",")] {
        // Keys are ASCII letters, digits and dashes: always a valid header value.
        if let Ok(value) = HeaderValue::from_str(&keys.join(separator)) {
            headers.insert(name, value);
        }
    }
    response
}

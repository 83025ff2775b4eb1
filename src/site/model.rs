//! What the feed and the sitemap read: the subject a feed follows, its newest public articles (through the article list query, so the one visibility rule of `articles::status` applies), and the public pages with their last change, a window at a time.

use super::params::FeedRequest;
use super::urls::SiteUrls;
use crate::articles::listing;
use crate::articles::query::{Embed, ListQuery, Paging, Shape, SortField, SortKey};
use crate::articles::status::{public_at, Audience};
use crate::articles::view::{article_view, ArticleView, Embeds};
use crate::categories::model::{self as categories_model, CategoryRow};
use crate::db::schema::{articles, categories, people, tags};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::people::model::{self as people_model, PersonRow};
use crate::support::key::Key;
use crate::tags::model::{self as tags_model, TagRow};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What a feed follows, as stored: the whole publication when nothing is set.
#[derive(Debug, Default)]
pub struct Subject {
    /// Only articles in this category.
    pub category: Option<CategoryRow>,
    /// With `category`: its subcategories too.
    pub include_descendants: bool,
    /// Only articles with this person among their authors.
    pub author: Option<PersonRow>,
    /// Only articles that carry this tag.
    pub tag: Option<TagRow>,
}

/// The subject a feed request names. Errors: `404` when no category, person or tag has the id
/// or slug it gives (an earlier slug of a renamed one still finds it).
pub fn subject(conn: &mut DbConn, request: &FeedRequest) -> ApiResult<Subject> {
    let category = match &request.category {
        Some(key) => Some(categories_model::get(conn, &Key::parse(key))?),
        None => None,
    };
    let author = match &request.author {
        Some(key) => Some(people_model::get(conn, &Key::parse(key))?),
        None => None,
    };
    let tag = match &request.tag {
        Some(key) => Some(tags_model::get(conn, &Key::parse(key))?),
        None => None,
    };
    Ok(Subject {
        category,
        include_descendants: request.include_descendants,
        author,
        tag,
    })
}

/// The `limit` newest articles of `subject` public at `now`, newest publication first, with
/// their category and authors.
pub fn newest(
    conn: &mut DbConn,
    subject: &Subject,
    limit: i64,
    now: NaiveDateTime,
    site: &SiteUrls,
) -> ApiResult<Vec<ArticleView>> {
    let shape = Shape {
        fields: None,
        include: [Embed::Category, Embed::Authors].into_iter().collect(),
        format: Default::default(),
    };
    let query = ListQuery {
        filters: Vec::new(),
        category: subject.category.as_ref().map(|row| row.id.to_string()),
        include_descendants: subject.include_descendants,
        author: subject.author.as_ref().map(|person| person.id.to_string()),
        reviewer: None,
        tag: subject.tag.as_ref().map(|tag| tag.id.to_string()),
        q: None,
        sort: vec![SortKey {
            field: SortField::PublishedAt,
            descending: true,
        }],
        paging: Paging::Cursor { limit, after: None },
        count: false,
        shape,
    };
    let items = listing::run(conn, &query, Audience::Public(now), now)?.items;
    let rows: Vec<_> = items.iter().map(|item| &item.article).collect();
    let mut embeds = Embeds::load(conn, &rows, &query.shape, site)?;
    Ok(items
        .into_iter()
        .map(|item| article_view(item.article, &mut embeds, &query.shape, now, None))
        .collect())
}

/// The kinds of public pages, in the order the sitemap lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// An article public at the time of the request.
    Article,
    /// A category (every category is public).
    Category,
    /// A person (every person is public).
    Person,
    /// A tag (every tag is public).
    Tag,
}

impl PageKind {
    /// Every kind, in sitemap order.
    pub const ALL: [PageKind; 4] = [
        PageKind::Article,
        PageKind::Category,
        PageKind::Person,
        PageKind::Tag,
    ];
}

/// A public page: what it shows and when that last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// What kind of page.
    pub kind: PageKind,
    /// The slug of what it shows.
    pub slug: String,
    /// Its last change: an article's [`last_change`], a category's, person's or tag's
    /// `updated_at`.
    pub last_modified: NaiveDateTime,
}

/// When a public article last changed for its readers: its `updated_at`, or its `published_at`
/// when that is later (a scheduled article appears without a write). The feed's `updated` and
/// the sitemap's `lastmod` of an article.
pub fn last_change<T: Ord + Copy>(updated_at: T, published_at: Option<T>) -> T {
    published_at.map_or(updated_at, |published| published.max(updated_at))
}

/// Public pages of `kind` at `now`.
pub fn count(conn: &mut DbConn, kind: PageKind, now: NaiveDateTime) -> QueryResult<i64> {
    match kind {
        PageKind::Article => articles::table
            .filter(public_at(now))
            .count()
            .get_result(conn),
        PageKind::Category => categories::table.count().get_result(conn),
        PageKind::Person => people::table.count().get_result(conn),
        PageKind::Tag => tags::table.count().get_result(conn),
    }
}

/// The pages of a table whose every row is public (`id`, `slug`, `updated_at`): up to `$limit`
/// of them in id order after skipping `$offset`, each made by `$page(slug, updated_at)`.
macro_rules! every_row {
    ($table:ident, $conn:expr, $offset:expr, $limit:expr, $page:expr) => {
        $table::table
            .order($table::id)
            .offset($offset)
            .limit($limit)
            .select(($table::slug, $table::updated_at))
            .load::<(String, NaiveDateTime)>($conn)?
            .into_iter()
            .map(|(slug, updated)| $page(slug, updated))
            .collect()
    };
}

/// Up to `limit` public pages of `kind` at `now` in id order, after skipping `offset`.
pub fn window(
    conn: &mut DbConn,
    kind: PageKind,
    now: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Page>> {
    let page = |slug, last_modified| Page {
        kind,
        slug,
        last_modified,
    };
    Ok(match kind {
        PageKind::Article => articles::table
            .filter(public_at(now))
            .order(articles::id)
            .offset(offset)
            .limit(limit)
            .select((articles::slug, articles::updated_at, articles::published_at))
            .load::<(String, NaiveDateTime, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .map(|(slug, updated, published)| page(slug, last_change(updated, published)))
            .collect(),
        PageKind::Category => every_row!(categories, conn, offset, limit, page),
        PageKind::Person => every_row!(people, conn, offset, limit, page),
        PageKind::Tag => every_row!(tags, conn, offset, limit, page),
    })
}

//! A person's published articles as their page shows them (`GET /people/{id_or_slug}`): the
//! article list `GET /articles?author=<id>&limit=…&after=…` as anonymous readers see it, read by
//! the list's own machinery (same items, same cursors), beside the person.

use super::listing;
use super::query::{self, default_keys, ListQuery, Paging};
use super::status::Audience;
use super::view::{self, ArticleView};
use crate::categories::links_cache::LinkMap;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::people::view::PersonView;
use crate::site::urls::SiteUrls;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Query parameters of `GET /people/{id_or_slug}`: which page of the person's articles.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuthoredQuery {
    /// Articles per page, 1–100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `articles.meta.next_cursor` of the previous page (also in its `Link: rel="next"`). A
    /// cursor is opaque: only one the server made for this list (or for `GET
    /// /articles?author=…` in its default order) is valid, anything else is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    pub after: Option<String>,
}

impl AuthoredQuery {
    /// The cursor page asked for: a 400 naming `limit` or `after` when either is not valid.
    pub fn paging(&self) -> Result<Paging, ApiError> {
        query::cursor_paging(
            self.limit.as_deref(),
            self.after.as_deref(),
            &default_keys(false),
        )
    }
}

/// Paging facts of a person's articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthoredMeta {
    /// Articles per page.
    pub limit: i64,
    /// Pass as `after` for the next page; `null` on the last page. Also in `Link: rel="next"`.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page of a person's articles: the ones anonymous readers see now (published, their time
/// come and not gone), that name them among their authors, newest `published_at` first (then
/// highest id), each as an item of `GET /articles` (its category embedded).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthoredArticles {
    pub data: Vec<ArticleView>,
    pub meta: AuthoredMeta,
}

/// A person as their page shows them (`GET /people/{id_or_slug}`): every field of `PersonView`,
/// and a page of their published articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonWithArticles {
    #[serde(flatten)]
    pub person: PersonView,
    /// Their published articles, newest first, a page at a time (`limit`, `after`).
    pub articles: AuthoredArticles,
}

/// The page `paging` asks for of the articles `person_id` wrote, as anonymous readers see them
/// at `now` (one query for the page, one for the person, and the embeds' batched queries; the
/// category tree from `known` when it covers them); also the tree when this read it from the
/// database.
pub fn page(
    conn: &mut DbConn,
    person_id: i32,
    paging: Paging,
    now: NaiveDateTime,
    known: Option<Arc<LinkMap>>,
    site: &SiteUrls,
) -> ApiResult<(AuthoredArticles, Option<Arc<LinkMap>>)> {
    let query = ListQuery::authored_by(person_id, paging);
    let listing = listing::run(conn, &query, Audience::Public(now), now)?;
    let (data, read_links) =
        view::listed(conn, listing.items, &query.shape, now, known, site, false)?;
    let meta = AuthoredMeta {
        limit: query.paging.limit(),
        next_cursor: listing.next.map(|cursor| cursor.encode(&query.sort)),
    };
    Ok((AuthoredArticles { data, meta }, read_links))
}

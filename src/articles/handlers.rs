//! HTTP handlers for `/api/v1/articles` and `/api/v1/search`: list, search, read, write,
//! publish, related articles and view counts.

use super::history;
use super::input::{CreateArticle, PublishArticle, UpdateArticle};
use super::listing;
use super::model::{self, Found};
use super::query::{self, Defaults, ListParams, Paging, SearchParams, Shape, ShapeQuery};
use super::status::ArticleStatus;
use super::status::Audience;
use super::view::{self, Embeds};
use super::view::{
    ArticlePage, ArticleView, CursorMeta, ListMeta, PageMeta, RelatedArticles, RelatedMeta,
    ViewCount,
};
use crate::auth::{Caller, Scope};
use crate::caching::store::CacheScope;
use crate::error::{ApiError, ApiResult};
use crate::http::client_ip::ClientIp;
use crate::http::conditional::{
    about_article, check_version, if_match, moved, ok_with_version, version_etag,
};
use crate::http::extract::{JsonBody, NoQuery, OptionalJsonBody};
use crate::http::links as paging_links;
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::http::problem::Problem;
use crate::http::purge_keys::{tagged, Shows};
use crate::jobs::views;
use crate::people::bylines::PersonRef;
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

/// List articles: filters, sort, sparse fields, embeds, page or cursor paging.
///
/// Anonymous callers see published articles whose time has come (and has not ended); tokens
/// with `content:read` see drafts, scheduled and expired articles too.
///
/// **Filters** — `filter[<field>][<op>]=<value>`: `status` (eq ne in: draft, scheduled,
/// published, expired), `published_at` (eq ne lt lte gt gte null), `updated_at` (eq ne lt lte
/// gt gte), `category` (eq ne in; id or slug), `slug` (eq ne in contains starts_with), `title`
/// (eq ne contains starts_with), `view_count` (eq ne lt lte gt gte in). `in` takes up to 100
/// comma-separated values; `null` takes true or false; times are RFC 3339 or YYYY-MM-DD.
/// Shortcuts: `category=<id or slug>` (with `include_descendants=true` for its whole subtree),
/// `status=`, and `q=` (full-text search, as `GET /search`).
///
/// **Sort** — `sort=-published_at,title`: up to 3 of published_at, updated_at, title, slug,
/// view_count, id, rank (relevance to q; without q every article is equally relevant); `-` for
/// descending; a field named again keeps its first direction; ties are broken by id.
///
/// **Shape** — `fields=id,slug,title` keeps only those fields (`id` always stays); `include=
/// category,breadcrumbs,sections` picks the embeds (default `category`), each loaded with one
/// query for the whole page.
///
/// **Paging** — `page`/`per_page` (default 20, max 100) always report `meta.total` and
/// `X-Total-Count`; or keyset cursors: `limit` (default 20, max 100) and `after=<meta.next_cursor>`,
/// whose cost does not grow with depth, with totals only on `count=true`. `Link` has
/// `rel="first"` always, `rel="prev"` in page mode from page 2 on (a cursor only leads forward)
/// and `rel="next"` when another page follows, in both modes; the two modes exclude each other,
/// and a cursor is valid only with the sort it was made for. Each parameter's schema states what
/// it accepts; unknown parameters, fields, operators and values are 400s.
#[utoipa::path(
    get, path = "/api/v1/articles", tag = "articles",
    params(ListParams),
    responses(
        (status = 200, description = "One page of articles", body = ArticlePage,
            headers(
                ("X-Total-Count" = i64, description = "Items over all pages (page mode, or count=true)"),
                ("Link" = String, description = "RFC 8288 links: `<url>; rel=\"first\"` always; `rel=\"prev\"` in page mode from page 2 on; `rel=\"next\"` when another page follows"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `articles categories people tags media` (any article, category, person, tag or media change may alter it)"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_articles(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    list_response(state, caller, req, query::LIST).await
}

/// Full-text search over titles, subtitles, excerpts, section headings and bodies.
///
/// Results are ranked by relevance (a title hit weighs more than a body hit, an exact phrase more
/// than the same words scattered: BM25 per column from the ranked-search index for a search with
/// no other filter, else bm25 on SQLite, cover density on PostgreSQL) and carry a
/// highlighted `snippet` (HTML-escaped, hits in `<mark>`). The last word matches as a prefix
/// (`thera` finds "therapist"); any input is safe (quotes, `*`, `NEAR(`, `-` are plain text).
/// Takes every parameter of `GET /articles` (default sort `rank`); anonymous searches see
/// published content only.
#[utoipa::path(
    get, path = "/api/v1/search", tag = "articles",
    params(SearchParams),
    responses(
        (status = 200, description = "One page of search results", body = ArticlePage,
            headers(
                ("X-Total-Count" = i64, description = "Results over all pages (page mode, or count=true)"),
                ("Link" = String, description = "RFC 8288 links: `<url>; rel=\"first\"` always; `rel=\"prev\"` in page mode from page 2 on; `rel=\"next\"` when another page follows"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `articles categories people tags media` (any article, category, person, tag or media change may alter it)"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn search_articles(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    list_response(state, caller, req, query::SEARCH).await
}

async fn list_response(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    defaults: Defaults,
) -> ApiResult<HttpResponse> {
    let list_query = query::parse(req.query_string(), defaults)?;
    if list_query.asks_for_unpublished() {
        caller.require(Scope::Read)?;
    }
    let now = state.clock.now().naive_utc();
    let audience = caller.audience(now);
    let for_db = list_query.clone();
    let tree = state.category_links.snapshot();
    let known = tree.links.clone();
    let site = state.site.clone();
    let ranked_search = state.ranked_search.clone();
    let (listing, data, read_links) = state
        .db
        .read(move |conn| {
            let ranked = match &ranked_search {
                Some(index) => listing::ranked::page(conn, index, &for_db, audience, now)?,
                None => None,
            };
            let mut listing = match ranked {
                Some(listing) => listing,
                None => listing::run(conn, &for_db, audience, now)?,
            };
            let items = std::mem::take(&mut listing.items);
            let searching = for_db.q.is_some();
            let (views, read_links) = view::listed(
                conn,
                items,
                &for_db.shape,
                now,
                known.clone(),
                &site,
                searching,
            )?;
            let data: Vec<serde_json::Value> = views
                .iter()
                .map(|view| view::shaped(view, &for_db.shape))
                .collect();
            Ok((listing, data, read_links))
        })
        .await?;
    if let Some(links) = read_links {
        state.category_links.fill(tree.generation, links);
    }
    // `first` always; `prev` in page mode after the first page (a cursor only knows the way on);
    // `next` when another page follows.
    let mut links = Vec::new();
    let meta = match &list_query.paging {
        Paging::Pages { page, per_page } => {
            let total = listing.total.unwrap_or_default();
            let to_page =
                |n: i64| paging_links::with_query(&req, &[("page", n.to_string())], &["page"]);
            links.push((to_page(1), "first"));
            if *page > 1 {
                links.push((to_page(page - 1), "prev"));
            }
            if listing.has_more {
                links.push((to_page(page + 1), "next"));
            }
            ListMeta::Pages(PageMeta {
                page: *page,
                per_page: *per_page,
                total,
                total_pages: (total + per_page - 1) / per_page,
            })
        }
        Paging::Cursor { limit, .. } => {
            let next = listing.next.map(|c| c.encode(&list_query.sort));
            links.extend(paging_links::cursor_links(&req, next.as_deref()));
            ListMeta::Cursor(CursorMeta {
                limit: *limit,
                next_cursor: next,
                total: listing.total,
            })
        }
    };
    let mut response = HttpResponse::Ok();
    if let Some(total) = listing.total {
        response.insert_header(("X-Total-Count", total.to_string()));
    }
    response.insert_header((header::LINK, paging_links::header_value(&links)));
    Ok(tagged(
        response.json(ArticlePage { data, meta }),
        &Shows::ArticleLists,
    ))
}

/// One article with its category, breadcrumbs and sections in order (by default).
///
/// `include` and `format` shape it as on lists (`fields` is for lists only: a single read is
/// always whole). A slug the article had before a
/// rename answers `308 Permanent Redirect` to the current one.
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id (all digits) or slug"), ShapeQuery),
    responses(
        (status = 200, description = "The article", body = ArticleView,
            headers(
                ("ETag" = String, description = "`\"<version>-<digest>\"`; its version part works in If-Match"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `article-<id>`, `category-<id>` of each category in its breadcrumbs, `person-<id>` of each person of its byline it shows, `tag-<id>` of each tag it shows, and `media-<id>` of its feature and social images and of its people's avatars"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 308, description = "The article was renamed: `Location` has its current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A preview token made for another article (whether this one exists or not)",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_article(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    shape: web::Query<ShapeQuery>,
) -> ApiResult<HttpResponse> {
    let shape = shape.into_inner().shape(query::SINGLE)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let audience = caller.audience(now);
    let for_db = shape.clone();
    let tree = state.category_links.snapshot();
    let known = tree.links.clone();
    let site = state.site.clone();
    let found = state
        .db
        .read_by_key(move |conn| match model::lookup(conn, &key, audience)? {
            Found::Here(row) => Ok(Found::Here(view::single_with(
                conn,
                row,
                &for_db,
                now,
                known.clone(),
                &site,
            )?)),
            Found::MovedTo(slug) => Ok(Found::MovedTo(slug)),
        })
        .await?;
    match found {
        Found::Here((article, read_links)) => {
            if let Some(links) = read_links {
                state.category_links.fill(tree.generation, links);
            }
            // The categories the answer shows: its breadcrumbs (which end with its own
            // category), else its category; the embeds already hold them, no second query.
            let categories = match (&article.breadcrumbs, &article.category) {
                (Some(path), _) => path.iter().map(|category| category.id).collect(),
                (None, Some(category)) => vec![category.id],
                (None, None) => Vec::new(),
            };
            let response = HttpResponse::Ok()
                .insert_header((header::ETAG, version_etag(article.version)))
                .json(view::shaped(&article, &shape));
            let shown_people: Vec<&PersonRef> = article
                .authors
                .iter()
                .flatten()
                .chain(article.review.iter().flatten().map(|r| &r.reviewer))
                .collect();
            let people = shown_people.iter().map(|person| person.id).collect();
            let avatars = shown_people
                .iter()
                .filter_map(|person| person.avatar.as_ref().map(|avatar| avatar.media_id));
            let tags = article.tags.iter().flatten().map(|tag| tag.id).collect();
            let feature = article.feature_image.iter().flatten().map(|f| f.media_id);
            let social = article.seo.iter().flat_map(|seo| &seo.og_image);
            let mut media: Vec<i32> = feature
                .chain(social.map(|image| image.media_id))
                .flatten()
                .chain(avatars)
                .collect();
            media.sort_unstable();
            media.dedup();
            let shows = Shows::Article {
                id: article.id,
                categories,
                people,
                tags,
                media,
            };
            Ok(tagged(about_article(response, article.id), &shows))
        }
        Found::MovedTo(slug) => Ok(moved(&req, &id_or_slug, &slug)),
    }
}

/// Query of `GET /articles/{id_or_slug}/related`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RelatedQuery {
    /// How many (1–20, default 5).
    #[param(minimum = 1, maximum = 20, default = 5)]
    pub limit: Option<i64>,
}

/// Published articles from the same category, then from its parent, newest first.
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}/related", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id (all digits) or slug"), RelatedQuery),
    responses(
        (status = 200, description = "Related articles (with their category)", body = RelatedArticles,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `articles categories people tags media` (any article, category, person, tag or media change may alter it)"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 308, description = "The article was renamed: `Location` has its current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn related_articles(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    related: web::Query<RelatedQuery>,
) -> ApiResult<HttpResponse> {
    let limit = related.limit.unwrap_or(5);
    if !(1..=20).contains(&limit) {
        return Err(ApiError::BadRequest(
            "limit must be between 1 and 20".to_owned(),
        ));
    }
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let audience = caller.audience(now);
    let site = state.site.clone();
    let found = state
        .db
        .read(move |conn| {
            let article = match model::lookup(conn, &key, audience)? {
                Found::Here(row) => row,
                Found::MovedTo(slug) => return Ok(Found::MovedTo(slug)),
            };
            let mut rows =
                model::visible_in_category(conn, article.category_id, &[article.id], limit, now)?;
            let parent = crate::categories::model::get(conn, &Key::Id(article.category_id.into()))?
                .parent_id;
            if let Some(parent) = parent.filter(|_| (rows.len() as i64) < limit) {
                let mut seen: Vec<i32> = rows.iter().map(|r| r.id).collect();
                seen.push(article.id);
                let more = limit - rows.len() as i64;
                rows.extend(model::visible_in_category(conn, parent, &seen, more, now)?);
            }
            let shape = Shape::default_for(query::LIST);
            let refs: Vec<_> = rows.iter().collect();
            let mut embeds = Embeds::load(conn, &refs, &shape, &site)?;
            let data: Vec<ArticleView> = rows
                .into_iter()
                .map(|row| view::article_view(row, &mut embeds, &shape, now, None))
                .collect();
            Ok(Found::Here(data))
        })
        .await?;
    match found {
        Found::Here(data) => {
            let meta = RelatedMeta {
                total: data.len() as i64,
            };
            Ok(tagged(
                HttpResponse::Ok().json(RelatedArticles { data, meta }),
                &Shows::ArticleLists,
            ))
        }
        Found::MovedTo(slug) => Ok(moved(&req, &id_or_slug, &slug)),
    }
}

/// Create an article, optionally with its sections, in one transaction.
///
/// Needs `content:write`; creating it `published` or with a `published_at` also needs `content:publish`.
#[utoipa::path(
    post, path = "/api/v1/articles", tag = "articles",
    request_body = CreateArticle,
    responses(
        (status = 201, description = "Created", body = ArticleView,
            headers(("Location" = String, description = "URL of the new article"),
                    ("ETag" = String, description = "The article's version, `\"1\"`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write", "content:publish"]))
)]
pub async fn create_article(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<CreateArticle>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    if request.publishes() {
        caller.require(Scope::Publish)?;
    }
    request.check()?;
    let now = state.clock.now().naive_utc();
    let site = state.site.clone();
    let article = state
        .db
        .write(move |conn| {
            let article = model::create(conn, &request, now)?;
            history::record(conn, article.id, None, &journal, now)?;
            Ok(view::single(
                conn,
                article,
                &Shape::default_for(query::SINGLE),
                now,
                &site,
            )?)
        })
        .await?;
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/articles/{}", article.id)))
        .insert_header((header::ETAG, version_etag(article.version)))
        .json(&article);
    Ok(about_article(response, article.id))
}

/// Change some fields of an article (needs `content:write`; status and `published_at` need `content:publish`).
#[utoipa::path(
    patch, path = "/api/v1/articles/{id_or_slug}", tag = "articles",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits) or slug"),
        ("If-Match" = Option<String>, Header, description = "Only update if the article is still at this version, e.g. `\"3\"`"),
    ),
    request_body = UpdateArticle,
    responses(
        (status = 200, description = "The updated article", body = ArticleView,
            headers(("ETag" = String, description = "The article's new version"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write", "content:publish"]))
)]
pub async fn update_article(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<UpdateArticle>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    if request.publishes() {
        caller.require(Scope::Publish)?;
    }
    request.check()?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let site = state.site.clone();
    let article = state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, current.version)?;
            let article = model::change(conn, &current, &request, now)?;
            history::record(conn, article.id, Some(&current), &journal, now)?;
            Ok(view::single(
                conn,
                article,
                &Shape::default_for(query::SINGLE),
                now,
                &site,
            )?)
        })
        .await?;
    Ok(about_article(
        ok_with_version(article.version, &article),
        article.id,
    ))
}

/// Delete an article and its sections (needs `content:write`).
#[utoipa::path(
    delete, path = "/api/v1/articles/{id_or_slug}", tag = "articles",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits) or slug"),
        ("If-Match" = Option<String>, Header, description = "Only delete if the article is still at this version"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn delete_article(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let id = state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, current.version)?;
            history::record_deletion(conn, &current, &journal, now)?;
            model::delete(conn, current.id)?;
            Ok(current.id)
        })
        .await?;
    Ok(about_article(HttpResponse::NoContent().finish(), id))
}

/// Publish an article (needs `content:publish`).
///
/// `published_at` defaults to the time already set on the article, else now; a future time
/// schedules it (anonymous readers see it from that moment).
#[utoipa::path(
    post, path = "/api/v1/articles/{id_or_slug}/publish", tag = "articles",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits) or slug"),
        ("If-Match" = Option<String>, Header, description = "Only publish if the article is still at this version"),
    ),
    request_body(content = Option<PublishArticle>, description = "Optional: no body (or `{}`) publishes with the default time"),
    responses(
        (status = 200, description = "The published article", body = ArticleView,
            headers(("ETag" = String, description = "The article's new version"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:publish"]))
)]
pub async fn publish_article(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    OptionalJsonBody(request): OptionalJsonBody<PublishArticle>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Publish)?;
    let request = request.unwrap_or_default();
    request.check()?;
    let at = request.published_at;
    set_status(state, caller, req, id_or_slug, ArticleStatus::Published, at).await
}

/// Make an article a draft again (needs `content:publish`); its `published_at` is kept.
#[utoipa::path(
    post, path = "/api/v1/articles/{id_or_slug}/unpublish", tag = "articles",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits) or slug"),
        ("If-Match" = Option<String>, Header, description = "Only unpublish if the article is still at this version"),
    ),
    responses(
        (status = 200, description = "The article, now a draft", body = ArticleView,
            headers(("ETag" = String, description = "The article's new version"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["content:publish"]))
)]
pub async fn unpublish_article(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_status(state, caller, req, id_or_slug, ArticleStatus::Draft, None).await
}

async fn set_status(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    status: ArticleStatus,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Publish)?);
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let site = state.site.clone();
    let article = state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, current.version)?;
            let article =
                model::set_status(conn, &current, status, at.map(|t| t.naive_utc()), now)?;
            history::record(conn, article.id, Some(&current), &journal, now)?;
            Ok(view::single(
                conn,
                article,
                &Shape::default_for(query::SINGLE),
                now,
                &site,
            )?)
        })
        .await?;
    Ok(about_article(
        ok_with_version(article.version, &article),
        article.id,
    ))
}

/// Count one view of an article (public).
///
/// Each client (IP address) counts one view of an article per window
/// (`HEALTHHUB_VIEW_WINDOW_SECONDS`, 60 s by default): a repeat within the window is a `429`
/// (`code: "view_already_counted"`) with `Retry-After` and changes nothing, so a loop cannot inflate the count, and the count
/// goes up by exactly one for every `200`. Counted views are written in batches (every
/// `HEALTHHUB_VIEW_FLUSH_MS`, 1 s by default), so reads show them a moment later. The view
/// window is not a request quota: the `RateLimit-*` headers describe the request quota only.
#[utoipa::path(
    post, path = "/api/v1/articles/{id_or_slug}/views", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id (all digits) or slug")),
    responses(
        (status = 200, description = "The view was counted: the article's count including it (reads show it once the batch is written)", body = ViewCount),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 429, description = "Not counted, and the count is unchanged: with `code: \
            \"view_already_counted\"`, this client's view of this article was already counted \
            within the view window (`Retry-After` says when it counts again; the window is not \
            the request quota, so `RateLimit-*` keep describing the request quota only); with \
            `code: \"rate_limited\"`, the client exceeded its request quota",
            body = Problem, content_type = "application/problem+json",
            headers(
                ("Retry-After" = u64, description = "Seconds until a view by this client counts again (or, for `rate_limited`, until one more request is allowed)"),
                ("RateLimit-Limit" = u32, description = "Requests the client's request quota allows per period"),
                ("RateLimit-Remaining" = u32, description = "Requests left in the request quota"),
                ("RateLimit-Reset" = u64, description = "Seconds until the whole request quota is available again"),
            )),
    ),
    security((), ("bearer" = []))
)]
pub async fn add_view(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    client: ClientIp,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now();
    let audience = caller.audience(now.naive_utc());
    // Look the article up on a read connection first: a refused repeat never waits for the
    // writer.
    let article = state
        .db
        .read_by_key(move |conn| model::get(conn, &key, audience))
        .await?;
    state.limiters.count_view(client.0, article.id, now).await?;
    let waiting = state.views.add(article.id);
    if state.config.view_flush_ms == 0 {
        views::flush(&state).await?;
    }
    let mut response = HttpResponse::Ok().json(ViewCount {
        view_count: article.view_count.saturating_add(waiting),
    });
    response.extensions_mut().insert(CacheScope::Unchanged);
    Ok(response)
}

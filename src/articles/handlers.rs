//! HTTP handlers for `/api/v1/articles`: list, read, write, publish and count views.

use super::dto::{
    ArticleDetail, ArticleList, ArticleListQuery, ArticleStatus, ArticleSummary, CreateArticle,
    PageMeta, PublishArticle, UpdateArticle, ViewCount, DEFAULT_PER_PAGE, MAX_PER_PAGE,
};
use super::model::{self, ArticleFilter, Audience};
use crate::app::AppState;
use crate::auth::{Caller, Scope};
use crate::categories::dto::CategoryRef;
use crate::categories::model as categories_model;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, OptionalJsonBody};
use crate::http::{check_version, if_match, ok_with_version, version_etag};
use crate::lookup::Key;
use crate::responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

/// List articles, newest `published_at` first.
///
/// Anonymous callers see published articles whose time has come; tokens with `content:read`
/// see drafts and scheduled articles too.
#[utoipa::path(
    get, path = "/api/v1/articles", tag = "articles",
    params(ArticleListQuery),
    responses(
        (status = 200, description = "One page of articles", body = ArticleList),
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
    query: web::Query<ArticleListQuery>,
) -> ApiResult<web::Json<ArticleList>> {
    let query = query.into_inner();
    let page = query.page.unwrap_or(1);
    let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if page < 1 {
        return Err(ApiError::BadRequest("page must be 1 or more".to_owned()));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::BadRequest(format!(
            "per_page must be between 1 and {MAX_PER_PAGE}"
        )));
    }
    if query.status == Some(ArticleStatus::Draft) {
        caller.require(Scope::Read)?;
    }
    let audience = Audience::of(&caller, state.clock.now().naive_utc());
    let category = query.category.map(|c| Key::parse(&c));
    let status = query.status;
    let (rows, categories, total) = state
        .db
        .read(move |conn| {
            let category_id = match category {
                Some(key) => Some(categories_model::get(conn, &key)?.id),
                None => None,
            };
            let filter = ArticleFilter {
                audience,
                category_id,
                status,
            };
            Ok(model::list(conn, &filter, page, per_page)?)
        })
        .await?;
    let data = rows
        .into_iter()
        .filter_map(|row| {
            let category = categories.get(&row.category_id).cloned()?;
            Some(ArticleSummary::new(row, CategoryRef::from(category)))
        })
        .collect();
    Ok(web::Json(ArticleList {
        data,
        meta: PageMeta {
            page,
            per_page,
            total,
            total_pages: (total + per_page - 1) / per_page,
        },
    }))
}

/// One article with its category, breadcrumbs and sections in order.
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id (all digits) or slug")),
    responses(
        (status = 200, description = "The article", body = ArticleDetail,
            headers(("ETag" = String, description = "The article's version, e.g. `\"3\"`"))),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_article(
    state: web::Data<AppState>,
    caller: Caller,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = Key::parse(&id_or_slug);
    let audience = Audience::of(&caller, state.clock.now().naive_utc());
    let page = state
        .db
        .read(move |conn| {
            let article = model::get(conn, &key, audience)?;
            Ok(model::page(conn, article)?)
        })
        .await?;
    let version = page.article.version;
    Ok(ok_with_version(version, &ArticleDetail::from(page)))
}

/// Create an article, optionally with its sections, in one transaction.
///
/// Needs `content:write`; creating it `published` or with a `published_at` also needs `content:publish`.
#[utoipa::path(
    post, path = "/api/v1/articles", tag = "articles",
    request_body = CreateArticle,
    responses(
        (status = 201, description = "Created", body = ArticleDetail,
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
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<CreateArticle>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    if request.publishes() {
        caller.require(Scope::Publish)?;
    }
    request.check()?;
    let now = state.clock.now().naive_utc();
    let page = state
        .db
        .write(move |conn| {
            let article = model::create(conn, &request, now)?;
            Ok(model::page(conn, article)?)
        })
        .await?;
    let version = page.article.version;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/articles/{}", page.article.id),
        ))
        .insert_header((header::ETAG, version_etag(version)))
        .json(ArticleDetail::from(page)))
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
        (status = 200, description = "The updated article", body = ArticleDetail,
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
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<UpdateArticle>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    if request.publishes() {
        caller.require(Scope::Publish)?;
    }
    request.check()?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let page = state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, current.version)?;
            let article = model::change(conn, &current, &request, now)?;
            Ok(model::page(conn, article)?)
        })
        .await?;
    Ok(ok_with_version(
        page.article.version,
        &ArticleDetail::from(page),
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
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, current.version)?;
            Ok(model::delete(conn, current.id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
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
    request_body(content = Option<PublishArticle>, description = "Optional; may be empty"),
    responses(
        (status = 200, description = "The published article", body = ArticleDetail,
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
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    OptionalJsonBody(request): OptionalJsonBody<PublishArticle>,
) -> ApiResult<HttpResponse> {
    let at = request.unwrap_or_default().published_at;
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
        (status = 200, description = "The article, now a draft", body = ArticleDetail,
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
    caller.require(Scope::Publish)?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let page = state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, current.version)?;
            let article =
                model::set_status(conn, &current, status, at.map(|t| t.naive_utc()), now)?;
            Ok(model::page(conn, article)?)
        })
        .await?;
    Ok(ok_with_version(
        page.article.version,
        &ArticleDetail::from(page),
    ))
}

/// Count one view of an article (public).
#[utoipa::path(
    post, path = "/api/v1/articles/{id_or_slug}/views", tag = "articles",
    params(("id_or_slug" = String, Path, description = "Article id (all digits) or slug")),
    responses(
        (status = 200, description = "The new view count", body = ViewCount),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn add_view(
    state: web::Data<AppState>,
    caller: Caller,
    id_or_slug: web::Path<String>,
) -> ApiResult<web::Json<ViewCount>> {
    let key = Key::parse(&id_or_slug);
    let audience = Audience::of(&caller, state.clock.now().naive_utc());
    let view_count = state
        .db
        .write(move |conn| {
            let article = model::get(conn, &key, audience)?;
            Ok(model::add_view(conn, article.id)?)
        })
        .await?;
    Ok(web::Json(ViewCount { view_count }))
}

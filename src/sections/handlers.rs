//! HTTP handlers for an article's sections and for `/api/v1/sections/{id}`.

use super::input::BodyFormat;
use super::input::{CreateSection, FormatQuery, ReplaceSections, UpdateSection};
use super::model;
use super::view::{SectionList, SectionView};
use crate::articles::history;
use crate::articles::model::{self as articles_model, ArticleRow, Found};
use crate::articles::status::Audience;
use crate::auth::{Caller, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::http::conditional::{
    about_article, check_version, created, if_match, moved, ok_with_version, version_etag,
};
use crate::http::extract::{JsonBody, NoQuery};
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::http::purge_keys::{tagged, Shows};
use crate::state::AppState;
use crate::support::key::{path_id, Key};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

/// The sections of an article, in order.
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}/sections", tag = "sections",
    params(("id_or_slug" = String, Path, description = "Article id (all digits) or slug"), FormatQuery),
    responses(
        (status = 200, description = "The sections", body = SectionList,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `article-<id>` of the article they belong to"),
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
pub async fn list_sections(
    state: web::Data<AppState>,
    caller: Caller,
    id_or_slug: web::Path<String>,
    format: web::Query<FormatQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let format = format.body_format();
    let key = Key::parse(&id_or_slug);
    let audience = caller.audience(state.clock.now().naive_utc());
    let found = state
        .db
        .read(
            move |conn| match articles_model::lookup(conn, &key, audience)? {
                Found::Here(article) => Ok(Found::Here((
                    (article.id, article.version),
                    model::for_article(conn, article.id)?,
                ))),
                Found::MovedTo(slug) => Ok(Found::MovedTo(slug)),
            },
        )
        .await?;
    match found {
        Found::Here(((article, version), rows)) => Ok(tagged(
            about_article(
                ok_with_version(version, &SectionList::new(rows, format)),
                article,
            ),
            &Shows::ArticleParts(article),
        )),
        Found::MovedTo(slug) => Ok(moved(&req, &id_or_slug, &slug)),
    }
}

/// Add a section to an article, at the end or at `position` (needs `content:write`).
#[utoipa::path(
    post, path = "/api/v1/articles/{id_or_slug}/sections", tag = "sections",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug"),
        ("If-Match" = Option<String>, Header, description = "Only add it if the article is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    request_body = CreateSection,
    responses(
        (status = 201, description = "Created", body = SectionView,
            headers(("Location" = String, description = "URL of the new section"),
                    ("ETag" = String, description = "The article's new version"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn create_section(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<CreateSection>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let (row, version) = state
        .db
        .write(move |conn| {
            let article = articles_model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, article.version)?;
            let inserted = model::insert_at(
                conn,
                article.id,
                request.position,
                &request.heading,
                &request.body,
                now,
            )?;
            history::record(conn, article.id, Some(&article), &journal, now)?;
            Ok(inserted)
        })
        .await?;
    let article = row.article_id;
    Ok(about_article(
        created(
            format!("/api/v1/sections/{}", row.id),
            version,
            &SectionView::new(row, BodyFormat::Both),
        ),
        article,
    ))
}

/// Replace an article's whole ordered list of sections in one atomic call (needs `content:write`).
///
/// Entries with an `id` keep that section (moved and updated), entries without one are new,
/// and sections not listed are deleted.
#[utoipa::path(
    put, path = "/api/v1/articles/{id_or_slug}/sections", tag = "sections",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits) or slug"),
        ("If-Match" = Option<String>, Header, description = "Only replace if the article is still at this version"),
    ),
    request_body = ReplaceSections,
    responses(
        (status = 200, description = "The new list", body = SectionList,
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
    security(("bearer" = ["content:write"]))
)]
pub async fn replace_sections(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<ReplaceSections>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let (article, rows, version) = state
        .db
        .write(move |conn| {
            let article = articles_model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, article.version)?;
            let (rows, version) =
                model::replace_all(conn, article.id, article.version, &request.sections, now)?;
            history::record(conn, article.id, Some(&article), &journal, now)?;
            Ok((article.id, rows, version))
        })
        .await?;
    Ok(about_article(
        ok_with_version(version, &SectionList::new(rows, BodyFormat::Both)),
        article,
    ))
}

/// One section.
#[utoipa::path(
    get, path = "/api/v1/sections/{id}", tag = "sections",
    params(("id" = i32, Path, description = "Section id"), FormatQuery),
    responses(
        (status = 200, description = "The section", body = SectionView,
            headers(
                ("ETag" = String, description = "`\"<article version>-<digest>\"`; its version part works in If-Match"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `article-<id>` of the article they belong to"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_section(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    format: web::Query<FormatQuery>,
) -> ApiResult<HttpResponse> {
    let format = format.body_format();
    let id = path_id("section", &id)?;
    let audience = caller.audience(state.clock.now().naive_utc());
    let (row, version) = state
        .db
        .read(move |conn| {
            visible_section(conn, id, audience).map(|(section, article)| (section, article.version))
        })
        .await?;
    let article = row.article_id;
    Ok(tagged(
        about_article(
            ok_with_version(version, &SectionView::new(row, format)),
            article,
        ),
        &Shows::ArticleParts(article),
    ))
}

/// Change a section's heading or body, or move it to another position (needs `content:write`).
#[utoipa::path(
    patch, path = "/api/v1/sections/{id}", tag = "sections",
    params(
        ("id" = i32, Path, description = "Section id"),
        ("If-Match" = Option<String>, Header, description = "Only change it if its article is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    request_body = UpdateSection,
    responses(
        (status = 200, description = "The updated section (unchanged, the article at the same version, when nothing differed)", body = SectionView,
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
    security(("bearer" = ["content:write"]))
)]
pub async fn update_section(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    JsonBody(request): JsonBody<UpdateSection>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let expected = if_match(&req)?;
    let id = path_id("section", &id)?;
    let now = state.clock.now().naive_utc();
    let (row, version) = state
        .db
        .write(move |conn| {
            let (section, article) = visible_section(conn, id, Audience::Editors)?;
            check_version(&expected, article.version)?;
            let heading = request
                .heading
                .flatten()
                .unwrap_or_else(|| section.heading.clone());
            let body = request
                .body
                .flatten()
                .unwrap_or_else(|| section.body.clone());
            let position = request.position.flatten().unwrap_or(section.position);
            let changed = model::change(
                conn,
                &section,
                article.version,
                &heading,
                &body,
                position,
                now,
            )?;
            history::record(conn, article.id, Some(&article), &journal, now)?;
            Ok(changed)
        })
        .await?;
    let article = row.article_id;
    Ok(about_article(
        ok_with_version(version, &SectionView::new(row, BodyFormat::Both)),
        article,
    ))
}

/// Delete a section; the ones after it move up (needs `content:write`).
#[utoipa::path(
    delete, path = "/api/v1/sections/{id}", tag = "sections",
    params(
        ("id" = i32, Path, description = "Section id"),
        ("If-Match" = Option<String>, Header, description = "Only delete it if its article is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    responses(
        (status = 204, description = "Deleted",
            headers(("ETag" = String, description = "The article's new version"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn delete_section(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    let expected = if_match(&req)?;
    let id = path_id("section", &id)?;
    let now = state.clock.now().naive_utc();
    let (article, version) = state
        .db
        .write(move |conn| {
            let (section, article) = visible_section(conn, id, Audience::Editors)?;
            check_version(&expected, article.version)?;
            let version = model::remove(conn, &section, now)?;
            history::record(conn, article.id, Some(&article), &journal, now)?;
            Ok((section.article_id, version))
        })
        .await?;
    Ok(about_article(
        HttpResponse::NoContent()
            .insert_header((header::ETAG, version_etag(version)))
            .finish(),
        article,
    ))
}

/// The section with `id` and its article, if `audience` may see that article, else a 404.
fn visible_section(
    conn: &mut DbConn,
    id: i32,
    audience: Audience,
) -> ApiResult<(model::SectionRow, ArticleRow)> {
    let not_found = || ApiError::not_found("section", id);
    let section = model::find(conn, id)?.ok_or_else(not_found)?;
    match articles_model::get_by_id(conn, section.article_id, audience) {
        Ok(article) => Ok((section, article)),
        Err(ApiError::NotFound(_)) => Err(not_found()),
        Err(other) => Err(other),
    }
}

//! HTTP handlers for `/api/v1/tags`.

use super::input::{CreateTag, TagsQuery, UpdateTag};
use super::model::{self, TagRow};
use super::view::{TagView, TagsMeta, TagsPage};
use crate::articles::model::Found;
use crate::auth::{Caller, Scope};
use crate::changes::versioned;
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::http::conditional::{check_version, created, if_match, moved, ok_with_version};
use crate::http::extract::{JsonBody, NoQuery};
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::http::purge_keys::{tagged, Shows};
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use diesel::QueryResult;

/// `row` with its count of published articles at `now`.
fn counted(conn: &mut DbConn, row: TagRow, now: NaiveDateTime) -> QueryResult<TagView> {
    let count = model::public_counts(conn, &[row.id], now)?
        .get(&row.id)
        .copied()
        .unwrap_or(0);
    Ok(TagView::new(row, count))
}

/// Tags, in id order, a page at a time, each with its count of published articles.
#[utoipa::path(
    get, path = "/api/v1/tags", tag = "tags",
    params(TagsQuery),
    responses(
        (status = 200, description = "A page of tags", body = TagsPage,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly): `tags articles`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare)"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_tags(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<TagsQuery>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = query.page()?;
    let now = state.clock.now().naive_utc();
    let (data, more) = state
        .db
        .read(move |conn| {
            let mut rows = model::page(conn, after, limit + 1)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
            let counts = model::public_counts(conn, &ids, now)?;
            let data: Vec<TagView> = rows
                .into_iter()
                .map(|row| {
                    let count = counts.get(&row.id).copied().unwrap_or(0);
                    TagView::new(row, count)
                })
                .collect();
            Ok((data, more))
        })
        .await?;
    let next_after = data.last().filter(|_| more).map(|tag| tag.id);
    let page = TagsPage {
        data,
        meta: TagsMeta { limit, next_after },
    };
    Ok(tagged(HttpResponse::Ok().json(page), &Shows::Tags))
}

/// One tag with its count of published articles (its articles: `GET /articles?tag=<slug>`). A
/// slug the tag had before a rename answers `308 Permanent Redirect` to the current one.
#[utoipa::path(
    get, path = "/api/v1/tags/{id_or_slug}", tag = "tags",
    params(("id_or_slug" = String, Path, description = "Tag id (all digits), slug or old slug")),
    responses(
        (status = 200, description = "The tag", body = TagView,
            headers(
                ("ETag" = String, description = "`\"<version>-<digest>\"`; its version part works in If-Match"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly): `tag-<id> articles`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare)"),
            )),
        (status = 308, description = "The tag was renamed: `Location` has the current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_tag(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let found = state
        .db
        .read(move |conn| {
            let row = model::get(conn, &key)?;
            Ok(match &key {
                Key::Slug(asked) if *asked != row.slug => Found::MovedTo(row.slug),
                _ => Found::Here(counted(conn, row, now)?),
            })
        })
        .await?;
    match found {
        Found::Here(tag) => Ok(tagged(
            ok_with_version(tag.version, &tag),
            &Shows::Tag(tag.id),
        )),
        Found::MovedTo(current) => Ok(moved(&req, &id_or_slug, &current)),
    }
}

/// Create a tag (needs `content:write`).
#[utoipa::path(
    post, path = "/api/v1/tags", tag = "tags",
    request_body = CreateTag,
    responses(
        (status = 201, description = "Created; `Location` names the new tag", body = TagView,
            headers(("Location" = String, description = "URL of the new tag"),
                    ("ETag" = String, description = "The tag's version, `\"1\"`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn create_tag(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<CreateTag>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let now = state.clock.now().naive_utc();
    let view = state
        .db
        .write(move |conn| {
            let row = model::create(conn, &request, now)?;
            versioned::record(conn, None, &row, &journal, now)?;
            Ok(TagView::new(row, 0))
        })
        .await?;
    Ok(created(
        format!("/api/v1/tags/{}", view.id),
        view.version,
        &view,
    ))
}

/// Change some fields of a tag (needs `content:write`).
#[utoipa::path(
    patch, path = "/api/v1/tags/{id_or_slug}", tag = "tags",
    params(
        ("id_or_slug" = String, Path, description = "Tag id (all digits), slug or old slug"),
        ("If-Match" = Option<String>, Header, description = "Only update if the tag is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    request_body = UpdateTag,
    responses(
        (status = 200, description = "The updated tag (unchanged, same version, when nothing differed)", body = TagView,
            headers(("ETag" = String, description = "The tag's new version, `\"<version>\"`"))),
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
pub async fn update_tag(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<UpdateTag>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let expected = if_match(&req)?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let view = state
        .db
        .write(move |conn| {
            let current = model::get(conn, &key)?;
            check_version(&expected, current.version)?;
            let merged = request.merged_onto(&current);
            let row = model::write_content(conn, &current, merged, now)?;
            versioned::record(conn, Some(&current), &row, &journal, now)?;
            Ok(counted(conn, row, now)?)
        })
        .await?;
    Ok(ok_with_version(view.version, &view))
}

/// Delete a tag; 409 while an article carries it (needs `content:write`).
#[utoipa::path(
    delete, path = "/api/v1/tags/{id_or_slug}", tag = "tags",
    params(
        ("id_or_slug" = String, Path, description = "Tag id (all digits), slug or old slug"),
        ("If-Match" = Option<String>, Header, description = "Only delete if the tag is still at this version (RFC 9110 §13.1.1)"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn delete_tag(
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
    state
        .db
        .write(move |conn| {
            let row = model::get(conn, &key)?;
            check_version(&expected, row.version)?;
            model::delete(conn, row.id)?;
            versioned::record_deletion(conn, &row, &journal, now)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

//! HTTP handlers for `/api/v1/people`.

use super::input::{CreatePerson, PeopleQuery, UpdatePerson};
use super::model;
use super::view::{self, PeopleMeta, PeoplePage, PersonView};
use crate::articles::authored::{self, AuthoredQuery, PersonWithArticles};
use crate::articles::model::Found;
use crate::auth::{Caller, Scope};
use crate::changes::versioned;
use crate::error::ApiResult;
use crate::http::conditional::{
    check_version, created, if_match, moved, ok_with_version, version_etag,
};
use crate::http::extract::{JsonBody, NoQuery};
use crate::http::links as paging_links;
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::http::purge_keys::{tagged, Shows};
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

/// People (authors and reviewers), in id order, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/people", tag = "people",
    params(PeopleQuery),
    responses(
        (status = 200, description = "A page of people", body = PeoplePage,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly): `people media` (each person shows their avatar)"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare)"),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_people(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<PeopleQuery>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = query.page()?;
    let (data, more) = state
        .db
        .read(move |conn| {
            let mut rows = model::page(conn, after, limit + 1)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(usize::try_from(limit).unwrap_or(0));
            Ok((view::with_avatars(conn, rows)?, more))
        })
        .await?;
    let next_after = data.last().filter(|_| more).map(|person| person.id);
    let page = PeoplePage {
        data,
        meta: PeopleMeta { limit, next_after },
    };
    Ok(tagged(HttpResponse::Ok().json(page), &Shows::People))
}

/// One person, with a page of their published articles: a frontend's author page in one request.
///
/// `articles` lists the articles that name the person among their authors (not those they
/// reviewed) as anonymous readers see them now, whoever asks: published, their `published_at`
/// come and their `unpublish_at` not, newest `published_at` first (then highest id). Its items
/// are those of `GET /articles` (default fields, `category` embedded) and its cursors those of
/// `GET /articles?author=<id>&limit=…` (editors list drafts and scheduled articles there, with
/// `status=`). `limit` (1–100, default 20) and `after` (`articles.meta.next_cursor`) page through
/// them; `Link` has `rel="first"` always and `rel="next"` when another page follows. A slug the
/// person had before a rename answers `308 Permanent Redirect` to the current one, query kept.
#[utoipa::path(
    get, path = "/api/v1/people/{id_or_slug}", tag = "people",
    params(("id_or_slug" = String, Path, description = "Person id (all digits), slug or old slug"), AuthoredQuery),
    responses(
        (status = 200, description = "The person and a page of their published articles", body = PersonWithArticles,
            headers(
                ("ETag" = String, description = "`\"<version>-<digest>\"`; its version part works in If-Match"),
                ("Link" = String, description = "RFC 8288 links to pages of `articles`: `<url>; rel=\"first\"` always; `rel=\"next\"` when another page follows"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly), space-separated: `person-<id> articles categories` (any article change may alter their list; its items embed their category) and `media-<id>` of their avatar"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare), comma-separated"),
            )),
        (status = 308, description = "The person was renamed: `Location` has the current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_person(
    query: web::Query<AuthoredQuery>,
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let paging = query.paging()?;
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let tree = state.category_links.snapshot();
    let known = tree.links.clone();
    let site = state.site.clone();
    let found = state
        .db
        .read(move |conn| {
            let row = model::get(conn, &key)?;
            if matches!(&key, Key::Slug(asked) if *asked != row.slug) {
                return Ok(Found::MovedTo(row.slug));
            }
            let person = view::with_avatar(conn, row)?;
            let (articles, read_links) =
                authored::page(conn, person.id, paging.clone(), now, known.clone(), &site)?;
            Ok(Found::Here((
                PersonWithArticles { person, articles },
                read_links,
            )))
        })
        .await?;
    match found {
        Found::Here((page, read_links)) => {
            if let Some(links) = read_links {
                state.category_links.fill(tree.generation, links);
            }
            let next = page.articles.meta.next_cursor.as_deref();
            let link = paging_links::header_value(&paging_links::cursor_links(&req, next));
            let response = HttpResponse::Ok()
                .insert_header((header::ETAG, version_etag(page.person.version)))
                .insert_header((header::LINK, link))
                .json(&page);
            let shows = Shows::Person {
                id: page.person.id,
                avatar: page.person.avatar.as_ref().map(|avatar| avatar.media_id),
            };
            Ok(tagged(response, &shows))
        }
        Found::MovedTo(current) => Ok(moved(&req, &id_or_slug, &current)),
    }
}

/// Create a person (needs `content:write`).
#[utoipa::path(
    post, path = "/api/v1/people", tag = "people",
    request_body = CreatePerson,
    responses(
        (status = 201, description = "Created; `Location` names the new person, whose articles `GET` lists (the write answers with the person alone)", body = PersonView,
            headers(("Location" = String, description = "URL of the new person"),
                    ("ETag" = String, description = "The person's version, `\"1\"`"))),
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
pub async fn create_person(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<CreatePerson>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    request.check()?;
    let now = state.clock.now().naive_utc();
    let view = state
        .db
        .write(move |conn| {
            let row = model::create(conn, &request, now)?;
            versioned::record(conn, None, &row, &journal, now)?;
            Ok(view::with_avatar(conn, row)?)
        })
        .await?;
    Ok(created(
        format!("/api/v1/people/{}", view.id),
        view.version,
        &view,
    ))
}

/// Change some fields of a person (needs `content:write`).
#[utoipa::path(
    patch, path = "/api/v1/people/{id_or_slug}", tag = "people",
    params(
        ("id_or_slug" = String, Path, description = "Person id (all digits), slug or old slug"),
        ("If-Match" = Option<String>, Header, description = "Only update if the person is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    request_body = UpdatePerson,
    responses(
        (status = 200, description = "The updated person alone, without `articles` (unchanged, same version, when nothing differed)", body = PersonView,
            headers(("ETag" = String, description = "The person's new version, `\"<version>\"`"))),
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
pub async fn update_person(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<UpdatePerson>,
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
            let avatar = request.avatar.as_ref().map(Option::as_ref);
            let row = model::write_content(conn, &current, merged, avatar, now)?;
            versioned::record(conn, Some(&current), &row, &journal, now)?;
            Ok(view::with_avatar(conn, row)?)
        })
        .await?;
    Ok(ok_with_version(view.version, &view))
}

/// Delete a person; 409 while an article names them as an author or its reviewer (needs
/// `content:write`).
#[utoipa::path(
    delete, path = "/api/v1/people/{id_or_slug}", tag = "people",
    params(
        ("id_or_slug" = String, Path, description = "Person id (all digits), slug or old slug"),
        ("If-Match" = Option<String>, Header, description = "Only delete if the person is still at this version (RFC 9110 §13.1.1)"),
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
pub async fn delete_person(
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

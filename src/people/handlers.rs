//! HTTP handlers for `/api/v1/people`.

use super::input::{CreatePerson, PeopleQuery, UpdatePerson};
use super::model;
use super::view::{PeopleMeta, PeoplePage, PersonView};
use crate::articles::model::Found;
use crate::auth::{Caller, Scope};
use crate::changes::versioned;
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

/// People (authors and reviewers), in id order, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/people", tag = "people",
    params(PeopleQuery),
    responses(
        (status = 200, description = "A page of people", body = PeoplePage,
            headers(
                ("Surrogate-Key" = String, description = "Purge keys (Fastly): `people`"),
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
    let rows = state
        .db
        .read(move |conn| Ok(model::page(conn, after, limit + 1)?))
        .await?;
    let more = rows.len() as i64 > limit;
    let data: Vec<PersonView> = rows
        .into_iter()
        .take(limit as usize)
        .map(PersonView::from)
        .collect();
    let next_after = data.last().filter(|_| more).map(|person| person.id);
    let page = PeoplePage {
        data,
        meta: PeopleMeta { limit, next_after },
    };
    Ok(tagged(HttpResponse::Ok().json(page), &Shows::People))
}

/// One person. A slug the person had before a rename answers `308 Permanent Redirect` to the
/// current one.
#[utoipa::path(
    get, path = "/api/v1/people/{id_or_slug}", tag = "people",
    params(("id_or_slug" = String, Path, description = "Person id (all digits), slug or old slug")),
    responses(
        (status = 200, description = "The person", body = PersonView,
            headers(
                ("ETag" = String, description = "`\"<version>-<digest>\"`; its version part works in If-Match"),
                ("Surrogate-Key" = String, description = "Purge keys (Fastly): `person-<id>`"),
                ("Cache-Tag" = String, description = "The same purge keys (Cloudflare)"),
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
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = Key::parse(&id_or_slug);
    let found = state
        .db
        .read(move |conn| {
            let row = model::get(conn, &key)?;
            Ok(match &key {
                Key::Slug(asked) if *asked != row.slug => Found::MovedTo(row.slug),
                _ => Found::Here(PersonView::from(row)),
            })
        })
        .await?;
    match found {
        Found::Here(person) => Ok(tagged(
            ok_with_version(person.version, &person),
            &Shows::Person(person.id),
        )),
        Found::MovedTo(current) => Ok(moved(&req, &id_or_slug, &current)),
    }
}

/// Create a person (needs `content:write`).
#[utoipa::path(
    post, path = "/api/v1/people", tag = "people",
    request_body = CreatePerson,
    responses(
        (status = 201, description = "Created; `Location` names the new person", body = PersonView,
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
            Ok(PersonView::from(row))
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
        (status = 200, description = "The updated person (unchanged, same version, when nothing differed)", body = PersonView,
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
            let row = model::write_content(conn, &current, merged, now)?;
            versioned::record(conn, Some(&current), &row, &journal, now)?;
            Ok(PersonView::from(row))
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

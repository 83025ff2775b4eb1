//! HTTP handlers for an article's references (`/api/v1/articles/{id_or_slug}/references`).

use super::input::ReplaceReferences;
use super::model;
use super::view::ReferenceList;
use crate::articles::history;
use crate::articles::model::{self as articles_model, Found};
use crate::articles::status::Audience;
use crate::auth::{Caller, Scope};
use crate::error::ApiResult;
use crate::http::conditional::{about_article, check_version, if_match, moved, ok_with_version};
use crate::http::extract::{JsonBody, NoQuery};
use crate::http::openapi_responses::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::http::purge_keys::{tagged, Shows};
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::{web, HttpRequest, HttpResponse};

/// The references of an article, in order.
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}/references", tag = "references",
    params(("id_or_slug" = String, Path, description = "Article id (all digits) or slug")),
    responses(
        (status = 200, description = "The references", body = ReferenceList,
            headers(
                ("ETag" = String, description = "`\"<article version>-<digest>\"`; its version part works in If-Match"),
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
pub async fn list_references(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    id_or_slug: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
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
            about_article(ok_with_version(version, &ReferenceList::new(rows)), article),
            &Shows::ArticleParts(article),
        )),
        Found::MovedTo(slug) => Ok(moved(&req, &id_or_slug, &slug)),
    }
}

/// Replace an article's whole ordered list of references in one atomic call (needs
/// `content:write`).
///
/// A list equal to the stored one (after trimming titles and publishers) writes nothing: the
/// article keeps its version. Any other list is a new version of the article, in its changes
/// log entry (`article.updated`) and its revisions.
#[utoipa::path(
    put, path = "/api/v1/articles/{id_or_slug}/references", tag = "references",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits) or slug"),
        ("If-Match" = Option<String>, Header, description = "Only replace if the article is still at this version"),
    ),
    request_body = ReplaceReferences,
    responses(
        (status = 200, description = "The new list", body = ReferenceList,
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
    security(("bearer" = ["content:write"]))
)]
pub async fn replace_references(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
    JsonBody(request): JsonBody<ReplaceReferences>,
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
            let version = match model::replace_all(conn, article.id, &request.references)? {
                true => model::article_changed(conn, article.id, now)?,
                false => article.version,
            };
            history::record(conn, article.id, Some(&article), &journal, now)?;
            Ok((article.id, model::for_article(conn, article.id)?, version))
        })
        .await?;
    Ok(about_article(
        ok_with_version(version, &ReferenceList::new(rows)),
        article,
    ))
}

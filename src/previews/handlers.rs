//! HTTP handlers for preview links: mint one for an article (`POST …/preview`), list its live ones, read one, revoke one.

use super::view::{article_url, MintedPreview, PreviewList, PreviewView, PreviewsMeta};
use crate::articles::model as articles_model;
use crate::articles::status::Audience;
use crate::auth::keys::preview_subject;
use crate::auth::records::{self, TokenRow};
use crate::auth::{Caller, Scope};
use crate::caching::store::CacheScope;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::http::article_reads::editors_read;
use crate::http::extract::NoQuery;
use crate::http::middleware::idempotency::ShownOnce;
use crate::http::openapi_responses::{BadRequest, Forbidden, NotFound, Unauthorized};
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

/// Mint a preview link for an article, whatever its status (needs `content:write`).
///
/// The answer's `token` reads this one article (draft, scheduled, expired or published, at its
/// current version, with its sections) and nothing else: `GET` or `HEAD` of `url` with
/// `Authorization: Bearer <token>` (a token in the query string is refused, by design: URLs end
/// up in logs and histories). Any other request made with it is a `403`. It lives
/// `HEALTHHUB_PREVIEW_TTL` (1 hour by default), is recorded like any token (`healthhub token
/// list` shows it, subject `preview:article-<id>`) and can be revoked before then; its answers
/// are `Cache-Control: private, no-store`. The token is never stored for an `Idempotency-Key`
/// replay: a retry with the same key is a `409` whose `Location` names the link.
#[utoipa::path(
    post, path = "/api/v1/articles/{id_or_slug}/preview", tag = "previews",
    params(("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug")),
    responses(
        (status = 201, description = "The preview link; its token is shown only here", body = MintedPreview,
            headers(("Location" = String, description = "The preview link's URL (to read or revoke it)"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn create_preview(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Write)?;
    let key = Key::parse(&id_or_slug);
    let article = state
        .db
        .read(move |conn| articles_model::get(conn, &key, Audience::Editors))
        .await?
        .id;
    let now = state.clock.now();
    let minter = state.clone();
    let minted = web::block(move || {
        let minted = minter
            .keys
            .issue_preview(article, minter.config.journal.preview_ttl, now)?;
        minter
            .db
            .write_bookkeeping(|conn| records::record(conn, &minted))?;
        Ok::<_, anyhow::Error>(minted)
    })
    .await?
    .map_err(ApiError::Internal)?;
    let body = MintedPreview {
        url: article_url(article),
        id: minted.claims.jti,
        token: minted.token,
        article_id: article,
        expires_at: row_time(minted.claims.exp)?,
    };
    let mut response = HttpResponse::Created()
        .insert_header((header::LOCATION, preview_url(article, &body.id)))
        .json(&body);
    response.extensions_mut().insert(CacheScope::Unchanged);
    response.extensions_mut().insert(ShownOnce);
    Ok(response)
}

/// An article's live preview links (neither expired nor revoked), newest first, without their
/// tokens (needs `content:read`).
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}/previews", tag = "previews",
    params(("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug")),
    responses(
        (status = 200, description = "The live preview links", body = PreviewList),
        (status = 308, description = "The article was renamed: `Location` has its current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["content:read"]))
)]
pub async fn list_previews(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let now = state.clock.now().naive_utc();
    editors_read(&state, &req, &id_or_slug, move |conn, article| {
        let data: Vec<PreviewView> = records::live_of(conn, &preview_subject(article.id), now)?
            .into_iter()
            .map(|row| PreviewView::new(row, article.id))
            .collect();
        Ok(PreviewList {
            meta: PreviewsMeta { total: data.len() },
            data,
        })
    })
    .await
}

/// One live preview link of an article, without its token (needs `content:read`).
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}/previews/{token_id}", tag = "previews",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug"),
        ("token_id" = String, Path, description = "The preview token's id (`jti`)"),
    ),
    responses(
        (status = 200, description = "The preview link", body = PreviewView),
        (status = 308, description = "The article was renamed: `Location` has its current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["content:read"]))
)]
pub async fn get_preview(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let (id_or_slug, token_id) = path.into_inner();
    let now = state.clock.now().naive_utc();
    editors_read(&state, &req, &id_or_slug, move |conn, article| {
        let row = preview_of(conn, article.id, &token_id)?;
        match row.revoked_at.is_none() && row.expires_at > now {
            true => Ok(PreviewView::new(row, article.id)),
            false => Err(no_preview(&token_id)),
        }
    })
    .await
}

/// Revoke a preview link of an article (needs `content:write`): its token is a `401` from the
/// next request on. Logs a `token.revoked` change (the first time only).
#[utoipa::path(
    delete, path = "/api/v1/articles/{id_or_slug}/previews/{token_id}", tag = "previews",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug"),
        ("token_id" = String, Path, description = "The preview token's id (`jti`)"),
    ),
    responses(
        (status = 204, description = "Revoked (or revoked before)"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["content:write"]))
)]
pub async fn revoke_preview(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    let (id_or_slug, token_id) = path.into_inner();
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    state
        .db
        .write(move |conn| {
            let article = articles_model::get(conn, &key, Audience::Editors)?;
            let row = preview_of(conn, article.id, &token_id)?;
            records::revoke(conn, &row.jti, &journal, now)
        })
        .await?;
    let mut response = HttpResponse::NoContent().finish();
    response.extensions_mut().insert(CacheScope::Unchanged);
    Ok(response)
}

/// The record of token `token_id` if it is a preview of `article` (whatever its state), else a
/// 404 naming only the id asked for (at once for an id holding a NUL, which no token id holds and
/// PostgreSQL cannot compare with).
fn preview_of(conn: &mut DbConn, article: i32, token_id: &str) -> ApiResult<TokenRow> {
    if token_id.contains('\0') {
        return Err(no_preview(token_id));
    }
    records::find(conn, token_id)?
        .filter(|row| row.subject == preview_subject(article))
        .ok_or_else(|| no_preview(token_id))
}

fn no_preview(token_id: &str) -> ApiError {
    ApiError::NotFound(format!("no preview link '{token_id}' of this article"))
}

/// The URL of preview link `token_id` of `article`.
fn preview_url(article: i32, token_id: &str) -> String {
    format!("/api/v1/articles/{article}/previews/{token_id}")
}

/// A token time (seconds since the epoch) as a timestamp.
fn row_time(seconds: i64) -> ApiResult<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("token time out of range")))
}

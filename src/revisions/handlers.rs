//! HTTP handlers for `/api/v1/articles/{id_or_slug}/revisions`: list, read and restore an article's revisions.

use super::model::{self, Snapshot};
use super::view::{RevisionList, RevisionSummary, RevisionView, RevisionsMeta};
use crate::articles::history;
use crate::articles::model::{self as articles_model, ArticleRow};
use crate::articles::query::{self, Shape};
use crate::articles::status::{ArticleStatus, Audience};
use crate::articles::view::{self as article_view, ArticleView};
use crate::auth::{Caller, Scope};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::http::article_reads::editors_read;
use crate::http::conditional::{about_article, check_version, if_match, ok_with_version};
use crate::http::extract::NoQuery;
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized,
};
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::{web, HttpRequest, HttpResponse};

/// The revisions kept of an article, newest first (needs `content:read`).
///
/// Every write that changes an article's content or sections stores one (creates, updates,
/// publication, section writes, imports, restores); the newest `HEALTHHUB_REVISIONS_PER_ARTICLE`
/// (50 by default) are kept. History starts with the first such write after this feature was
/// installed.
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}/revisions", tag = "revisions",
    params(("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug")),
    responses(
        (status = 200, description = "The revisions, newest first", body = RevisionList),
        (status = 308, description = "The article was renamed: `Location` has its current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["content:read"]))
)]
pub async fn list_revisions(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id_or_slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    editors_read(&state, &req, &id_or_slug, |conn, article| {
        let data = model::list(conn, article.id)?
            .iter()
            .map(|row| Ok(RevisionSummary::new(row, &row.snapshot()?)))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(RevisionList {
            meta: RevisionsMeta {
                total: data.len(),
                current_version: article.version,
            },
            data,
        })
    })
    .await
}

/// One revision: the article's fields and ordered sections as that version left them (needs
/// `content:read`).
#[utoipa::path(
    get, path = "/api/v1/articles/{id_or_slug}/revisions/{version}", tag = "revisions",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug"),
        ("version" = i32, Path, description = "The version (a 404 when it is not kept)"),
    ),
    responses(
        (status = 200, description = "The revision", body = RevisionView),
        (status = 308, description = "The article was renamed: `Location` has its current URL",
            headers(("Location" = String, description = "The current URL"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["content:read"]))
)]
pub async fn get_revision(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let (id_or_slug, version) = path.into_inner();
    editors_read(&state, &req, &id_or_slug, move |conn, article| {
        let (row, snapshot) = kept_revision(conn, &article, &version)?;
        Ok(RevisionView::new(row, snapshot))
    })
    .await
}

/// Restore a revision: write it back as the article's next version (needs `content:write`, and
/// `content:publish` when it changes the status, `published_at` or `unpublish_at`).
///
/// The article gets the revision's fields and sections (its views stay) as a new version, which
/// is logged (`article.updated`, or `article.published`/`article.unpublished` when what anonymous
/// readers see changes) and stored as a revision of its own. Restoring what is already current
/// writes nothing. The stored state may refuse it (its slug is now another article's, its
/// category was deleted, its publication window has passed): a 409 naming the field.
#[utoipa::path(
    post, path = "/api/v1/articles/{id_or_slug}/revisions/{version}/restore", tag = "revisions",
    params(
        ("id_or_slug" = String, Path, description = "Article id (all digits), slug or old slug"),
        ("version" = i32, Path, description = "The version to restore"),
        ("If-Match" = Option<String>, Header, description = "Only restore if the article is still at this version, e.g. `\"7\"` (RFC 9110 §13.1.1)"),
    ),
    responses(
        (status = 200, description = "The article as restored", body = ArticleView,
            headers(("ETag" = String, description = "The article's new version"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["content:write", "content:publish"]))
)]
pub async fn restore_revision(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let journal = state.journal_of(caller.require(Scope::Write)?);
    let may_publish = caller.require(Scope::Publish).is_ok();
    let expected = if_match(&req)?;
    let (id_or_slug, version) = path.into_inner();
    let key = Key::parse(&id_or_slug);
    let now = state.clock.now().naive_utc();
    let site = state.site.clone();
    let article: ArticleView = state
        .db
        .write(move |conn| {
            let current = articles_model::get(conn, &key, Audience::Editors)?;
            check_version(&expected, current.version)?;
            let (_, snapshot) = kept_revision(conn, &current, &version)?;
            if !may_publish && changes_publication(&current, &snapshot) {
                return Err(ApiError::Forbidden(Scope::Publish.as_str()));
            }
            let restored = articles_model::restore(conn, &current, &snapshot, now)?;
            history::record(conn, restored.id, Some(&current), &journal, now)?;
            Ok(article_view::single(
                conn,
                restored,
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

/// Revision `version` (as the path wrote it) of `article`, or a 404 naming it.
fn kept_revision(
    conn: &mut DbConn,
    article: &ArticleRow,
    version: &str,
) -> ApiResult<(model::RevisionRow, Snapshot)> {
    let not_found = || {
        ApiError::NotFound(format!(
            "article {} has no kept revision '{version}'",
            article.id
        ))
    };
    let number: i32 = match Key::parse(version) {
        Key::Id(n) => i32::try_from(n).map_err(|_| not_found())?,
        Key::Unmatchable(_) | Key::Slug(_) => return Err(not_found()),
    };
    let row = model::find(conn, article.id, number)?.ok_or_else(not_found)?;
    let snapshot = row.snapshot()?;
    Ok((row, snapshot))
}

/// True when restoring `snapshot` would change what only `content:publish` may change.
fn changes_publication(current: &ArticleRow, snapshot: &Snapshot) -> bool {
    ArticleStatus::from_stored(&current.status) != snapshot.status
        || current.published_at != snapshot.published_at.map(|t| t.naive_utc())
        || current.unpublish_at != snapshot.unpublish_at.map(|t| t.naive_utc())
}

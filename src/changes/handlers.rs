//! HTTP handler for `GET /api/v1/changes`: the changes log, paged in seq order.

use super::model;
use super::view::{ChangePage, ChangeView, ChangesMeta};
use crate::auth::{Caller, Scope};
use crate::error::{ApiError, ApiResult};
use crate::http::openapi_responses::{BadRequest, Conflict, Forbidden, Gone, Unauthorized};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

/// Most entries one page may ask for.
pub const MAX_LIMIT: i64 = 1000;

/// Query of `GET /changes`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Entries with a seq above this one (default 0: from the oldest kept). Pass the previous
    /// page's `meta.next`.
    #[param(minimum = 0, default = 0)]
    pub after: Option<i64>,
    /// Most entries on the page (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<i64>,
}

/// The changes log: every committed change, oldest first, paged by seq (needs `content:read`).
///
/// Each write appends, in its own transaction, one entry per resource it changed; a scheduled
/// article whose `published_at` or `unpublish_at` passes gets its `article.published` /
/// `article.unpublished` entry within seconds, exactly once. Entries commit in seq order, so
/// following `meta.next` never skips one, even while writers are committing. Entries older than
/// the retention (`HEALTHHUB_CHANGES_RETENTION`) are removed: asking for `after` below what is
/// kept is a 410 (re-sync from a full export, then follow the feed from the seq it names); an
/// `after` beyond the newest seq this log has written (a database restored from an older
/// backup) is a 409.
#[utoipa::path(
    get, path = "/api/v1/changes", tag = "changes",
    params(ChangesQuery),
    responses(
        (status = 200, description = "A page of the log", body = ChangePage,
            headers(("Link" = String, description = "RFC 8288: `<url>; rel=\"next\"` (the next page, or where to poll for new entries)"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 410, response = Gone),
    ),
    security(("bearer" = ["content:read"]))
)]
pub async fn list_changes(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ChangesQuery>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Read)?;
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100);
    if after < 0 {
        return Err(ApiError::BadRequest(
            "after must be a seq of 0 or more".to_owned(),
        ));
    }
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let (rows, last_seq) = state
        .db
        .read(move |conn| {
            let pruned = model::pruned_through(conn)?;
            if after < pruned {
                return Err(ApiError::Gone(format!(
                    "the changes after seq {after} up to seq {pruned} are past the log's retention \
                     and have been removed; re-sync from a full export, then read from after={pruned}"
                )));
            }
            let last_seq = model::last_seq(conn)?;
            if after > last_seq {
                return Err(ApiError::Conflict(format!(
                    "after={after} is beyond the newest seq, {last_seq}: this log never wrote it \
                     (was the database restored from an older backup?); re-sync from a full \
                     export, then read from after={last_seq}"
                )));
            }
            // One more than asked for tells whether another page follows.
            Ok((model::after(conn, after, limit + 1)?, last_seq))
        })
        .await?;
    let has_more = rows.len() as i64 > limit;
    let data: Vec<ChangeView> = rows
        .into_iter()
        .take(limit as usize)
        .map(ChangeView::from)
        .collect();
    let next = data.last().map_or(after, |entry| entry.seq);
    let link = format!("</api/v1/changes?after={next}&limit={limit}>; rel=\"next\"");
    Ok(HttpResponse::Ok()
        .insert_header((header::LINK, link))
        .json(ChangePage {
            data,
            meta: ChangesMeta {
                next,
                has_more,
                last_seq,
            },
        }))
}

//! Editors' reads about one article (its revisions, its preview links): the article named by id, slug or old slug, read in one snapshot, with the old-slug redirect.

use crate::articles::model::{self as articles_model, ArticleRow, Found};
use crate::articles::status::Audience;
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::http::conditional::moved;
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

/// Answers what `read` makes of the article `id_or_slug` names (as editors see it), read in one
/// snapshot: 200 with it as JSON, a 308 to the current URL when asked by an old slug, or the
/// error `read` (or the lookup: 404) gives.
pub async fn editors_read<T: Serialize + Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    id_or_slug: &str,
    read: impl Fn(&mut DbConn, ArticleRow) -> ApiResult<T> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let key = Key::parse(id_or_slug);
    let found = state
        .db
        .read(
            move |conn| match articles_model::lookup(conn, &key, Audience::Editors)? {
                Found::Here(article) => Ok(Found::Here(read(conn, article)?)),
                Found::MovedTo(slug) => Ok(Found::MovedTo(slug)),
            },
        )
        .await?;
    Ok(match found {
        Found::Here(body) => HttpResponse::Ok().json(body),
        Found::MovedTo(slug) => moved(req, id_or_slug, &slug),
    })
}

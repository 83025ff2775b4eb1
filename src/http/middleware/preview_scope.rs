//! Confines a preview token to the one request it exists for: `GET`/`HEAD /api/v1/articles/{id_or_slug}` of its own article; anything else it is sent with is a 403.
//!
//! The rule lives here, once, for every route (a new route cannot forget it): a handler never
//! sees a preview token except on that one read, where `Caller::audience` lets it see the
//! article whatever its status.

use crate::articles::model;
use crate::articles::status::Audience;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::support::key::Key;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest};

/// The one route a preview token is accepted on (GET and HEAD).
pub const PREVIEW_ROUTE: &str = "/api/v1/articles/{id_or_slug}";

/// The preview guard (position 13 of the table in `super`): a request with a verified preview
/// token goes on only when it reads the token's article; anything else is a `403 forbidden`
/// that says nothing of whether what was asked for exists. Requests without a token, with an
/// ordinary token or with an invalid one (the handler refuses it) pass untouched.
pub async fn confine_previews(
    state: web::Data<AppState>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        if let Ok(caller) = req.extract::<Caller>().await {
            if let Some(article) = caller.preview() {
                if let Err(error) = admit(&state, req.request(), article).await {
                    return Ok(req.error_response(error).map_into_boxed_body());
                }
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// `Ok` when `req` reads the article `article` (by id, slug or old slug); else a 403.
async fn admit(state: &AppState, req: &HttpRequest, article: i32) -> ApiResult<()> {
    let reads = matches!(*req.method(), Method::GET | Method::HEAD)
        && req.match_pattern().as_deref() == Some(PREVIEW_ROUTE);
    if !reads {
        return Err(ApiError::PreviewOnly);
    }
    let segment = req.path().rsplit('/').next().unwrap_or_default();
    let key = match Key::parse(segment) {
        Key::Id(id) if id == i64::from(article) => return Ok(()),
        Key::Slug(slug) => Key::Slug(slug),
        Key::Id(_) | Key::Unmatchable(_) => return Err(ApiError::PreviewOnly),
    };
    // A slug (current or old) of the article: anything it does not name, or names another
    // article, is the same 403.
    let found = state
        .db
        .read(move |conn| model::get(conn, &key, Audience::Editors).map(|row| row.id))
        .await;
    match found {
        Ok(id) if id == article => Ok(()),
        Ok(_) | Err(ApiError::NotFound(_)) => Err(ApiError::PreviewOnly),
        Err(other) => Err(other),
    }
}

//! Refuses a token sent in the query string (`?access_token=`, `?token=`) with a 401 on every route.

use crate::error::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::ResponseError;

/// Query parameters that would carry a token: refused on every route.
const QUERY_TOKEN_PARAMETERS: [&str; 2] = ["access_token", "token"];

/// Middleware refusing, with a 401 on every route, a request that carries a token in its query
/// string (`?access_token=` or `?token=`): URLs end up in logs, histories and caches, so such a
/// token is never used, and never silently ignored either. Register it with
/// `actix_web::middleware::from_fn(refuse_query_tokens)`.
pub async fn refuse_query_tokens(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let query = req.query_string();
    let carries_token = !query.is_empty()
        && form_urlencoded::parse(query.as_bytes()).any(|(name, _)| {
            QUERY_TOKEN_PARAMETERS
                .iter()
                .any(|p| name.eq_ignore_ascii_case(p))
        });
    if carries_token {
        let error = ApiError::Unauthorized(
            "tokens are not accepted in the query string; send 'Authorization: Bearer <token>'"
                .to_owned(),
        );
        return Ok(req.into_response(error.error_response()));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

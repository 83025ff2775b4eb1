//! HTTP handlers for `/api/v1/auth`.

use super::dto::WhoAmI;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::http::NoQuery;
use crate::responses::BadRequest;
use crate::responses::Unauthorized;
use actix_web::web;

/// Who the bearer token belongs to: subject, scopes, expiry, id and issuer.
///
/// Lets a script check its token before it writes. Needs a valid token (any scope).
#[utoipa::path(
    get, path = "/api/v1/auth/whoami", tag = "auth",
    responses(
        (status = 200, description = "The token's subject, scopes and expiry", body = WhoAmI),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    ),
    security(("bearer" = []))
)]
pub async fn whoami(
    caller: Caller,
    _no_query: web::Query<NoQuery>,
) -> ApiResult<web::Json<WhoAmI>> {
    Ok(web::Json(WhoAmI::from(caller.principal()?)))
}

//! `GET /api/v1/auth/whoami`: who the caller's bearer token says they are.

use super::caller::Caller;
use super::keys::Principal;
use crate::error::ApiResult;
use crate::http::extract::NoQuery;
use crate::http::openapi_responses::BadRequest;
use crate::http::openapi_responses::Unauthorized;
use actix_web::web;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

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

/// Who the caller's token says they are: for scripts to check their token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "subject": "import-script",
    "scopes": ["content:read", "content:write"],
    "expires_at": "2026-07-01T12:00:00Z",
    "jti": "5f0b8c1e-3d2a-4b6f-9e7c-1a2b3c4d5e6f",
    "issuer": "healthhub"
}))]
pub struct WhoAmI {
    /// The token's subject (`sub`).
    pub subject: String,
    /// The scopes this service recognised in the token.
    #[schema(example = json!(["content:read", "content:write"]))]
    pub scopes: Vec<String>,
    /// When the token expires (`exp`).
    pub expires_at: DateTime<Utc>,
    /// The token's id (`jti`): what `healthhub token revoke` takes. `null` for an external
    /// issuer's token without one.
    #[schema(required = true)]
    pub jti: Option<String>,
    /// Who issued the token (`iss`): this service, or the configured external issuer.
    pub issuer: String,
}

impl From<&Principal> for WhoAmI {
    fn from(principal: &Principal) -> Self {
        Self {
            subject: principal.subject.clone(),
            scopes: principal
                .scopes
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            expires_at: principal.expires_at,
            jti: principal.jti.clone(),
            issuer: principal.issuer.clone(),
        }
    }
}

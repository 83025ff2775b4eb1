//! The `Caller` extractor: who is calling (anonymous, or the holder of a verified, recorded and
//! unrevoked token), and what that lets them see.
//!
//! Revocation is checked with one primary-key lookup on the read pool per authenticated request
//! (anonymous requests pay nothing): a token revoked by `healthhub token revoke` from another
//! process is refused by the very next request, with no cache to invalidate.

use super::keys::{Principal, Scope, TokenOrigin};
use super::records;
use crate::articles::status::Audience;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::NaiveDateTime;
use std::future::Future;
use std::pin::Pin;

/// Who is calling: anonymous, or the holder of a verified token.
///
/// Extracting it fails with 401 when a token is sent but invalid, unknown or revoked: a bad
/// token is never silently treated as anonymous.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No `Authorization` header.
    Anonymous,
    /// A verified bearer token.
    Token(Principal),
}

impl Caller {
    /// The principal, when it holds `scope`; 401 for anonymous callers, 403 without the scope.
    pub fn require(&self, scope: Scope) -> Result<&Principal, ApiError> {
        match self.principal()? {
            principal if principal.has(scope) => Ok(principal),
            _ => Err(ApiError::Forbidden(scope.as_str())),
        }
    }

    /// The principal, whatever its scopes; 401 for anonymous callers.
    pub fn principal(&self) -> Result<&Principal, ApiError> {
        match self {
            Caller::Anonymous => Err(ApiError::Unauthorized(
                "this request needs a bearer token".to_owned(),
            )),
            Caller::Token(principal) => Ok(principal),
        }
    }

    /// What the caller may see at `now`: everything with `content:read` or a preview token (which
    /// reaches only its own article: `http::middleware::preview_scope`), else what is public.
    pub fn audience(&self, now: NaiveDateTime) -> Audience {
        if self.sees_unpublished() {
            Audience::Editors
        } else {
            Audience::Public(now)
        }
    }

    /// True when the caller may see drafts and scheduled articles.
    pub fn sees_unpublished(&self) -> bool {
        matches!(self, Caller::Token(p) if p.has(Scope::Read) || p.preview.is_some())
    }

    /// The article a preview token is bound to, if the caller holds one.
    pub fn preview(&self) -> Option<i32> {
        match self {
            Caller::Token(principal) => principal.preview,
            Caller::Anonymous => None,
        }
    }

    /// The bearer token of `req`, if any; 401 for any other `Authorization`.
    fn bearer(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
        let Some(value) = req.headers().get(header::AUTHORIZATION) else {
            return Ok(None);
        };
        let value = value.to_str().map_err(|_| {
            ApiError::Unauthorized("the Authorization header is not ASCII".to_owned())
        })?;
        match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                Ok(Some(token.trim()))
            }
            _ => Err(ApiError::Unauthorized(
                "the Authorization header must be 'Bearer <token>'".to_owned(),
            )),
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    /// Verifies the bearer token and checks its record once per request: the admitted caller is
    /// kept in the request's extensions, so a middleware that extracts it too (the per-subject
    /// rate limit) and the handler share one lookup.
    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        if let Some(caller) = req.extensions().get::<Caller>() {
            return Box::pin(std::future::ready(Ok(caller.clone())));
        }
        let verified = AppState::of(req).and_then(|state| {
            let principal = match Caller::bearer(req)? {
                Some(token) => Some(state.keys.verify(token, state.clock.now())?),
                None => None,
            };
            Ok((state, principal))
        });
        let req = req.clone();
        Box::pin(async move {
            let caller = match verified? {
                (state, Some(principal)) => {
                    admit(&state, &principal).await?;
                    Caller::Token(principal)
                }
                (_, None) => Caller::Anonymous,
            };
            req.extensions_mut().insert(caller.clone());
            Ok(caller)
        })
    }
}

/// Admits a verified `principal`: a token this service minted must be recorded under the same
/// subject and not revoked; its use is noted for `last_used_at`. External issuers' tokens are
/// not recorded and pass as they are.
pub async fn admit(state: &AppState, principal: &Principal) -> ApiResult<()> {
    if principal.origin == TokenOrigin::External {
        return Ok(());
    }
    // A preview link ends exactly at the `expires_at` it was handed out with: the clock-skew
    // leeway of ordinary tokens does not stretch it.
    if principal.preview.is_some() && state.clock.now() >= principal.expires_at {
        return Err(ApiError::Unauthorized(
            "the preview link has expired".to_owned(),
        ));
    }
    let Some(jti) = principal.jti.clone() else {
        return Err(ApiError::Unauthorized(
            "the bearer token has no id (jti)".to_owned(),
        ));
    };
    let lookup = jti.clone();
    let status = state
        .db
        .read(move |conn| records::status(conn, &lookup))
        .await?;
    match status {
        Some(status) if status.subject == principal.subject => match status.revoked_at {
            Some(_) => Err(ApiError::Unauthorized(
                "the bearer token has been revoked".to_owned(),
            )),
            None => {
                state.token_usage.touch(&jti, state.clock.now().naive_utc());
                Ok(())
            }
        },
        _ => Err(ApiError::Unauthorized(
            "the bearer token is not known to this server".to_owned(),
        )),
    }
}

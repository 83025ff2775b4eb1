//! The token lifecycle: recording minted tokens, refusing unknown and revoked ones at once,
//! coalesced `last_used_at`, external issuers' public keys, `GET /auth/whoami` and the CLI.
//!
//! Revocation is checked with one primary-key lookup on the read pool per authenticated request
//! (anonymous requests pay nothing): a token revoked by `healthhub token revoke` from another
//! process is refused by the very next request, with no cache to invalidate.

pub mod cli;
pub mod dto;
pub mod handlers;
pub mod model;
pub mod public_keys;
pub mod usage;

use crate::app::AppState;
use crate::auth::{MintedToken, Principal, Scope, TokenKeys, TokenOrigin};
use crate::db::Database;
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Mints a token for `subject` with `scopes`, valid for `ttl` from `now`, and records it: the
/// token is returned only once its row is committed.
pub fn issue(
    db: &Database,
    keys: &TokenKeys,
    subject: &str,
    scopes: &[Scope],
    ttl: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<MintedToken> {
    let minted = keys.issue(subject, scopes, ttl, now)?;
    db.write_bookkeeping(|conn| model::record(conn, &minted))?;
    Ok(minted)
}

/// Admits a verified `principal`: a token this service minted must be recorded under the same
/// subject and not revoked; its use is noted for `last_used_at`. External issuers' tokens are
/// not recorded and pass as they are.
pub async fn admit(state: &AppState, principal: &Principal) -> ApiResult<()> {
    if principal.origin == TokenOrigin::External {
        return Ok(());
    }
    let Some(jti) = principal.jti.clone() else {
        return Err(ApiError::Unauthorized(
            "the bearer token has no id (jti)".to_owned(),
        ));
    };
    let lookup = jti.clone();
    let status = state
        .db
        .read(move |conn| model::status(conn, &lookup))
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

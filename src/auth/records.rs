//! Token records and every query on the `api_tokens` table.

use super::keys::{MintedToken, Scope, TokenKeys};
use crate::changes::model::{self as changes, Journal, NewChange};
use crate::db::schema::api_tokens;
use crate::db::Database;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::time::Duration;

/// A row of `api_tokens`: one token this service minted.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TokenRow {
    /// The token's id (`jti`).
    pub jti: String,
    /// Who it was issued to (`sub`).
    pub subject: String,
    /// Its space-separated scopes.
    pub scopes: String,
    /// The id of the key that signed it.
    pub kid: String,
    /// When it was minted (`iat`).
    pub created_at: NaiveDateTime,
    /// When it expires (`exp`).
    pub expires_at: NaiveDateTime,
    /// When it was last accepted, as of the last flush of the usage buffer.
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked; a revoked token is refused.
    pub revoked_at: Option<NaiveDateTime>,
}

/// What verification needs to know about a recorded token.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TokenStatus {
    /// Who it was issued to.
    pub subject: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

/// What `revoke` did.
#[derive(Debug, Default)]
pub struct Revocation {
    /// Tokens revoked now (with `revoked_at` set).
    pub revoked: Vec<TokenRow>,
    /// Tokens that matched but were revoked before.
    pub already_revoked: Vec<TokenRow>,
}

impl Revocation {
    /// True when nothing matched the key.
    pub fn is_empty(&self) -> bool {
        self.revoked.is_empty() && self.already_revoked.is_empty()
    }
}

/// The row recording `minted`.
fn row_of(minted: &MintedToken) -> ApiResult<TokenRow> {
    let at = |seconds: i64| {
        DateTime::from_timestamp(seconds, 0)
            .map(|t| t.naive_utc())
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("token time out of range")))
    };
    Ok(TokenRow {
        jti: minted.claims.jti.clone(),
        subject: minted.claims.sub.clone(),
        scopes: minted.claims.scope.clone(),
        kid: minted.kid.clone(),
        created_at: at(minted.claims.iat)?,
        expires_at: at(minted.claims.exp)?,
        last_used_at: None,
        revoked_at: None,
    })
}

/// Records a freshly minted token.
pub fn record(conn: &mut DbConn, minted: &MintedToken) -> ApiResult<()> {
    diesel::insert_into(api_tokens::table)
        .values(row_of(minted)?)
        .execute(conn)?;
    Ok(())
}

/// The record of token `jti`.
pub fn find(conn: &mut DbConn, jti: &str) -> ApiResult<Option<TokenRow>> {
    Ok(api_tokens::table
        .find(jti)
        .select(TokenRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The subject and revocation of token `jti` (a primary-key lookup, on every authenticated
/// request); `None` when it is not recorded.
pub fn status(conn: &mut DbConn, jti: &str) -> ApiResult<Option<TokenStatus>> {
    Ok(api_tokens::table
        .find(jti)
        .select(TokenStatus::as_select())
        .get_result(conn)
        .optional()?)
}

/// Every recorded token, newest first.
pub fn list(conn: &mut DbConn) -> ApiResult<Vec<TokenRow>> {
    Ok(api_tokens::table
        .select(TokenRow::as_select())
        .order((api_tokens::created_at.desc(), api_tokens::jti))
        .load(conn)?)
}

/// The tokens of `subject` that are neither expired nor revoked at `now`, newest first.
pub fn live_of(conn: &mut DbConn, subject: &str, now: NaiveDateTime) -> ApiResult<Vec<TokenRow>> {
    Ok(api_tokens::table
        .filter(api_tokens::subject.eq(subject))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .select(TokenRow::as_select())
        .order((api_tokens::created_at.desc(), api_tokens::jti))
        .load(conn)?)
}

/// Revokes token `key` when a token has that id, otherwise every token of the subject `key`,
/// at `now`, logging a `token.revoked` change for each. Tokens revoked before keep their first
/// `revoked_at` and log nothing.
pub fn revoke(
    conn: &mut DbConn,
    key: &str,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<Revocation> {
    let matching: Vec<TokenRow> = match find(conn, key)? {
        Some(row) => vec![row],
        None => api_tokens::table
            .filter(api_tokens::subject.eq(key))
            .select(TokenRow::as_select())
            .order((api_tokens::created_at, api_tokens::jti))
            .load(conn)?,
    };
    let (already_revoked, mut revoked): (Vec<TokenRow>, Vec<TokenRow>) = matching
        .into_iter()
        .partition(|row| row.revoked_at.is_some());
    let jtis: Vec<&str> = revoked.iter().map(|row| row.jti.as_str()).collect();
    diesel::update(api_tokens::table.filter(api_tokens::jti.eq_any(&jtis)))
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)?;
    for row in &mut revoked {
        row.revoked_at = Some(now);
        changes::append(conn, NewChange::token_revoked(&row.jti), journal, now)?;
    }
    Ok(Revocation {
        revoked,
        already_revoked,
    })
}

/// Stores buffered uses: each token's `last_used_at` moves forward to its time, never back.
/// Returns how many rows changed.
pub fn record_usage(conn: &mut DbConn, uses: &[(String, NaiveDateTime)]) -> ApiResult<usize> {
    let mut changed = 0;
    for (jti, at) in uses {
        changed += diesel::update(
            api_tokens::table.filter(api_tokens::jti.eq(jti)).filter(
                api_tokens::last_used_at
                    .is_null()
                    .or(api_tokens::last_used_at.lt(at)),
            ),
        )
        .set(api_tokens::last_used_at.eq(at))
        .execute(conn)?;
    }
    Ok(changed)
}

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
    db.write_bookkeeping(|conn| record(conn, &minted))?;
    Ok(minted)
}

//! `healthhub token create | list | revoke`: the command-line side of the token lifecycle.

use super::records::{self as model, TokenRow};
use crate::auth::{Scope, TokenKeys};
use crate::changes::model::Journal;
use crate::db::Database;
use anyhow::bail;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::io::Write;
use std::time::Duration;

/// Mints and records a token; returns the JWT (to be printed alone on stdout).
pub fn create(
    db: &Database,
    keys: &TokenKeys,
    subject: &str,
    scopes: &[Scope],
    ttl: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    model::issue(db, keys, subject, scopes, ttl, now).map(|minted| minted.token)
}

/// Writes every recorded token as a table: jti, subject, scopes, created, expires, last used,
/// revoked (times in UTC; `-` for none; an expired token's expiry is marked `(expired)`).
pub fn list(db: &Database, now: DateTime<Utc>, out: &mut impl Write) -> anyhow::Result<()> {
    let rows = db.read_blocking(model::list)?;
    let now = now.naive_utc();
    let mut table = vec![[
        "JTI",
        "SUBJECT",
        "SCOPES",
        "CREATED",
        "EXPIRES",
        "LAST USED",
        "REVOKED",
    ]
    .map(str::to_owned)];
    for row in &rows {
        let mut expires = time(Some(row.expires_at));
        if row.expires_at < now {
            expires.push_str(" (expired)");
        }
        table.push([
            row.jti.clone(),
            row.subject.clone(),
            row.scopes.replace(' ', ","),
            time(Some(row.created_at)),
            expires,
            time(row.last_used_at),
            time(row.revoked_at),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| {
            table
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    if rows.is_empty() {
        writeln!(out, "(no tokens recorded)")?;
    }
    Ok(())
}

/// Revokes the token whose id is `key`, or else every token of the subject `key`, and writes a
/// line per token revoked (and per token that already was). Fails when nothing matches.
pub fn revoke(
    db: &Database,
    key: &str,
    now: DateTime<Utc>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let now = now.naive_utc();
    // The command line's writes are logged without a subject; a token has no revisions.
    let journal = Journal::system(0);
    let revocation = db.write_bookkeeping(|conn| model::revoke(conn, key, &journal, now))?;
    if revocation.is_empty() {
        bail!("no token has the id or subject '{key}' (see `healthhub token list`)");
    }
    for row in &revocation.revoked {
        writeln!(out, "revoked {}", describe(row))?;
    }
    for row in &revocation.already_revoked {
        writeln!(
            out,
            "already revoked at {}: {}",
            time(row.revoked_at),
            describe(row)
        )?;
    }
    Ok(())
}

/// `jti (subject …, scopes …, expires …)`.
fn describe(row: &TokenRow) -> String {
    format!(
        "{} (subject {}, scopes {}, expires {})",
        row.jti,
        row.subject,
        if row.scopes.is_empty() {
            "none".to_owned()
        } else {
            row.scopes.replace(' ', ",")
        },
        time(Some(row.expires_at))
    )
}

/// A stored UTC time as RFC 3339 to the second, or `-`.
fn time(at: Option<NaiveDateTime>) -> String {
    at.map(|t| t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "-".to_owned())
}

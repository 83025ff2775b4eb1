//! Idempotency-Key records: reserving a key, storing the first response, replaying it (see `crate::http::middleware::idempotency`).

use super::schema::idempotency_keys;
use crate::db::sql::placeholders;
use crate::db::{Backend, DbConn};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

/// How long a key is remembered after its first request.
pub const RETENTION: TimeDelta = TimeDelta::hours(24);

/// How long a reservation (a first request still running) holds its key. A reservation older
/// than this was left by a process that stopped mid-request and no longer blocks a retry.
pub const IN_FLIGHT_LEASE: TimeDelta = TimeDelta::seconds(60);

/// Expired rows deleted at most per claim, so the purge never holds the writer for long.
const PURGE_BATCH: i64 = 100;

/// What identifies a request for idempotency: who sent which key, and what it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// `token:<sub>` for a token holder, `anonymous` otherwise: keys are per caller.
    pub subject: String,
    /// The `Idempotency-Key` value.
    pub key: String,
    /// The request method.
    pub method: String,
    /// The request path with its query string.
    pub path: String,
    /// Hex SHA-256 of the raw request body.
    pub body_sha256: String,
}

/// A stored first response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The replayed headers as a JSON object of name to value.
    pub headers: String,
    /// The body, byte for byte.
    pub body: Vec<u8>,
}

/// What a request carrying a key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or expired): it is now reserved for this request, which runs.
    Reserved,
    /// The same request was answered before: replay this.
    Replay(StoredResponse),
    /// The same request is still running.
    InUse,
    /// The key was used for a different request (method, path or body).
    Reused,
}

#[derive(Queryable)]
struct Row {
    method: String,
    path: String,
    body_sha256: String,
    status: Option<i32>,
    headers: Option<String>,
    body: Option<Vec<u8>>,
}

/// Claims `fingerprint`'s key at `now`, in the caller's (writer) transaction: forgets expired
/// records and abandoned reservations, then reserves the key or says how it is taken.
pub fn claim(
    conn: &mut DbConn,
    fingerprint: &Fingerprint,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    let expired = now - RETENTION;
    purge_expired(conn, expired)?;
    let this_key = idempotency_keys::table
        .filter(idempotency_keys::subject.eq(&fingerprint.subject))
        .filter(idempotency_keys::key.eq(&fingerprint.key));
    diesel::delete(
        this_key.filter(
            idempotency_keys::created_at
                .lt(expired)
                .or(idempotency_keys::status
                    .is_null()
                    .and(idempotency_keys::created_at.lt(now - IN_FLIGHT_LEASE))),
        ),
    )
    .execute(conn)?;
    let existing = this_key
        .select((
            idempotency_keys::method,
            idempotency_keys::path,
            idempotency_keys::body_sha256,
            idempotency_keys::status,
            idempotency_keys::headers,
            idempotency_keys::body,
        ))
        .get_result::<Row>(conn)
        .optional()?;
    let Some(row) = existing else {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::key.eq(&fingerprint.key),
                idempotency_keys::subject.eq(&fingerprint.subject),
                idempotency_keys::method.eq(&fingerprint.method),
                idempotency_keys::path.eq(&fingerprint.path),
                idempotency_keys::body_sha256.eq(&fingerprint.body_sha256),
                idempotency_keys::created_at.eq(now),
            ))
            .execute(conn)?;
        return Ok(Claim::Reserved);
    };
    let same_request = row.method == fingerprint.method
        && row.path == fingerprint.path
        && row.body_sha256 == fingerprint.body_sha256;
    Ok(match (same_request, row.status) {
        (false, _) => Claim::Reused,
        (true, None) => Claim::InUse,
        (true, Some(status)) => Claim::Replay(StoredResponse {
            status: u16::try_from(status).unwrap_or(500),
            headers: row.headers.unwrap_or_else(|| "{}".to_owned()),
            body: row.body.unwrap_or_default(),
        }),
    })
}

/// Stores the response to the request that reserved `subject`'s `key`.
pub fn complete(
    conn: &mut DbConn,
    subject: &str,
    key: &str,
    response: &StoredResponse,
) -> QueryResult<()> {
    diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::subject.eq(subject))
            .filter(idempotency_keys::key.eq(key))
            .filter(idempotency_keys::status.is_null()),
    )
    .set((
        idempotency_keys::status.eq(i32::from(response.status)),
        idempotency_keys::headers.eq(&response.headers),
        idempotency_keys::body.eq(&response.body),
    ))
    .execute(conn)?;
    Ok(())
}

/// Drops the reservation of `subject`'s `key` (its request failed), so the key can be used again.
pub fn release(conn: &mut DbConn, subject: &str, key: &str) -> QueryResult<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::subject.eq(subject))
            .filter(idempotency_keys::key.eq(key))
            .filter(idempotency_keys::status.is_null()),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes up to [`PURGE_BATCH`] records created before `expired`, oldest first.
fn purge_expired(conn: &mut DbConn, expired: NaiveDateTime) -> QueryResult<usize> {
    // A row's physical address: `rowid` in SQLite, `ctid` in PostgreSQL.
    let row = match conn.backend() {
        Backend::Sqlite => "rowid",
        Backend::Postgres => "ctid",
    };
    let statement = format!(
        "DELETE FROM idempotency_keys WHERE {row} IN ( \
         SELECT {row} FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)"
    );
    diesel::sql_query(placeholders(conn, &statement))
        .bind::<Timestamp, _>(expired)
        .bind::<BigInt, _>(PURGE_BATCH)
        .execute(conn)
}

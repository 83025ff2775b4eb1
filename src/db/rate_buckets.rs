//! The shared rate-limit buckets of PostgreSQL (`rate_buckets`, migration
//! `2026-12-08-000002_shared_limits`): one atomic statement charges a request (GCRA), so the
//! nodes of a cluster enforce one quota per key.

use crate::db::DbConn;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

#[derive(QueryableByName)]
struct FullAt {
    #[diesel(sql_type = BigInt)]
    full_at: i64,
}

/// Charges one request to bucket `key` at `now` (all times in microseconds): `Ok(full_at)`,
/// the bucket's new "full again" time, when the request fits, i.e. when that time stays within
/// `period` of `now` after adding `interval`; `Err(full_at)`, the time unchanged, when it does
/// not. One statement (`INSERT … ON CONFLICT … DO UPDATE … WHERE`), atomic across nodes.
pub fn charge(
    conn: &mut DbConn,
    key: &str,
    now: i64,
    interval: i64,
    period: i64,
) -> QueryResult<Result<i64, i64>> {
    let charged: Option<FullAt> = diesel::sql_query(
        "INSERT INTO rate_buckets AS b (key, full_at) VALUES ($1, $2 + $3) \
         ON CONFLICT (key) DO UPDATE SET full_at = GREATEST(b.full_at, $2) + $3 \
         WHERE GREATEST(b.full_at, $2) + $3 - $2 <= $4 \
         RETURNING full_at",
    )
    .bind::<Text, _>(key)
    .bind::<BigInt, _>(now)
    .bind::<BigInt, _>(interval)
    .bind::<BigInt, _>(period)
    .get_result(conn)
    .optional()?;
    if let Some(charged) = charged {
        return Ok(Ok(charged.full_at));
    }
    let current: Option<FullAt> =
        diesel::sql_query("SELECT full_at FROM rate_buckets WHERE key = $1")
            .bind::<Text, _>(key)
            .get_result(conn)
            .optional()?;
    Ok(Err(current.map_or(now, |bucket| bucket.full_at)))
}

/// Deletes the buckets that are full again by `now` (they mean the same as no row): at most
/// `limit` of them.
pub fn purge(conn: &mut DbConn, now: i64, limit: i64) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM rate_buckets WHERE key IN \
         (SELECT key FROM rate_buckets WHERE full_at <= $1 LIMIT $2)",
    )
    .bind::<BigInt, _>(now)
    .bind::<BigInt, _>(limit)
    .execute(conn)
}

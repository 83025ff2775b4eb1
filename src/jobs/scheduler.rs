//! The scheduler: every `HEALTHHUB_SCHEDULER_MS` it logs the articles whose scheduled `published_at` or `unpublish_at` has passed, prunes the changes log past its retention and, on PostgreSQL, drops the shared rate-limit buckets that are full again.

use crate::articles::history;
use crate::caching::store::Change;
use crate::changes::model as changes;
use crate::db::{rate_buckets, Backend};
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::model as webhooks;
use actix_web::web;
use std::time::Duration;

/// The most full-again rate-limit buckets one run deletes.
const PURGE_BATCH: i64 = 10_000;

/// What one run of the scheduler did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Articles that got an `article.published` or `article.unpublished` entry.
    pub transitions: Vec<i32>,
    /// Log entries removed by retention.
    pub pruned: usize,
}

/// One run, in one writer transaction: the due transitions (each logged exactly once: the entry
/// and the article's flag commit together) and the pruning. Bookkeeping for `Last-Modified`: the
/// clock, not a write, changed what the public sees, and the validators already follow the
/// publication schedule.
pub async fn tick(state: &AppState) -> Result<Tick, ApiError> {
    let now = state.clock.now().naive_utc();
    let retention = chrono::Duration::from_std(state.config.journal.changes_retention)
        .unwrap_or(chrono::Duration::MAX);
    let cutoff = now.checked_sub_signed(retention).unwrap_or(now);
    let journal = state.system_journal();
    let db = state.db.clone();
    let tick = web::block(move || {
        db.write_bookkeeping(|conn| {
            let transitions = history::log_due_transitions(conn, &journal, now)?;
            // Entries the webhook worker has not turned into deliveries yet stay.
            let undelivered = webhooks::lowest_cursor(conn)?;
            Ok(Tick {
                transitions,
                pruned: changes::prune(conn, cutoff, undelivered)?,
            })
        })
    })
    .await?
    .map_err(ApiError::Internal)?;
    if !tick.transitions.is_empty() {
        state.content_changed(&Change::Articles(tick.transitions.clone()));
    }
    if state.db.backend() == Backend::Postgres {
        let now = state.clock.now().timestamp_micros();
        state
            .db
            .unlocked(move |conn| Ok(rate_buckets::purge(conn, now, PURGE_BATCH)?))
            .await?;
    }
    Ok(tick)
}

/// Runs [`tick`] every `period`, for as long as the server runs.
pub async fn run_periodically(state: web::Data<AppState>, period: Duration) {
    let mut interval = actix_web::rt::time::interval(period);
    loop {
        interval.tick().await;
        match tick(&state).await {
            Ok(done) if !done.transitions.is_empty() || done.pruned > 0 => tracing::info!(
                transitions = done.transitions.len(),
                pruned = done.pruned,
                "logged scheduled transitions"
            ),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "the scheduler could not run"),
        }
    }
}

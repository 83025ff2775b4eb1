//! Coalesced `last_used_at`: an accepted token's use is noted in memory (no write on the request
//! path) and written in one transaction every 30 s and when the server stops.
//!
//! A crash loses at most the last interval's uses; `healthhub token list` may show a time up to
//! that much behind.

use super::model;
use crate::app::AppState;
use actix_web::web;
use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How often buffered uses are written.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(30);

/// The latest use of each token since the last flush.
#[derive(Debug, Default)]
pub struct TokenUsage {
    seen: Mutex<HashMap<String, NaiveDateTime>>,
}

impl TokenUsage {
    /// Notes that token `jti` was accepted at `at` (keeps the latest time).
    pub fn touch(&self, jti: &str, at: NaiveDateTime) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        match seen.get_mut(jti) {
            Some(last) => *last = (*last).max(at),
            None => {
                seen.insert(jti.to_owned(), at);
            }
        }
    }

    /// How many tokens have uses waiting to be written.
    pub fn pending(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Takes every buffered use, leaving the buffer empty.
    fn take(&self) -> Vec<(String, NaiveDateTime)> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner))
            .into_iter()
            .collect()
    }

    /// Puts back uses whose write failed, so the next flush retries them.
    fn restore(&self, uses: Vec<(String, NaiveDateTime)>) {
        for (jti, at) in uses {
            self.touch(&jti, at);
        }
    }
}

/// Writes the buffered uses of `state` in one transaction (nothing when there are none);
/// returns how many records moved forward.
pub async fn flush(state: &AppState) -> anyhow::Result<usize> {
    let uses = state.token_usage.take();
    if uses.is_empty() {
        return Ok(0);
    }
    let db = state.db.clone();
    let batch = uses.clone();
    let written =
        web::block(move || db.write_bookkeeping(|conn| model::record_usage(conn, &batch)))
            .await
            .map_err(|e| anyhow::anyhow!("blocking task failed: {e}"))
            .and_then(|result| result);
    if written.is_err() {
        state.token_usage.restore(uses);
    }
    written
}

/// Flushes the buffered uses of `state` every [`FLUSH_INTERVAL`], for as long as it runs (spawn
/// it next to the server; flush once more after the server stops).
pub async fn flush_periodically(state: web::Data<AppState>) {
    let mut interval = actix_web::rt::time::interval(FLUSH_INTERVAL);
    interval.tick().await;
    loop {
        interval.tick().await;
        if let Err(error) = flush(&state).await {
            tracing::warn!(error = format!("{error:#}"), "could not record token use");
        }
    }
}

//! Buffered view counts: a counted view is added up in memory and written with the others in one transaction every `HEALTHHUB_VIEW_FLUSH_MS` and when the server stops.
//!
//! A crash (not a graceful stop) loses the views of at most the last interval; a failed write
//! keeps them for the next flush.

use super::model;
use crate::app::AppState;
use crate::caching::{self, store::Change};
use crate::error::ApiError;
use actix_web::web;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Views counted and not yet written, per article id.
#[derive(Debug, Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<i32, i64>>,
}

impl ViewCounter {
    /// Counts one view of `article`; returns how many of its views are now waiting.
    pub fn add(&self, article: i32) -> i64 {
        let mut pending = self.lock();
        let waiting = pending.entry(article).or_insert(0);
        *waiting += 1;
        *waiting
    }

    /// How many views are waiting to be written, in all.
    pub fn pending(&self) -> i64 {
        self.lock().values().sum()
    }

    fn take(&self) -> HashMap<i32, i64> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts back views whose write failed, so the next flush retries them.
    fn restore(&self, views: HashMap<i32, i64>) {
        let mut pending = self.lock();
        for (article, count) in views {
            *pending.entry(article).or_insert(0) += count;
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i32, i64>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes the waiting views of `state` in one transaction and drops the cached responses that
/// show those articles; returns how many articles' counts moved.
pub async fn flush(state: &AppState) -> Result<usize, ApiError> {
    let views = state.views.take();
    if views.is_empty() {
        return Ok(0);
    }
    let batch: Vec<(i32, i64)> = views.iter().map(|(id, count)| (*id, *count)).collect();
    let written = state
        .db
        .write(move |conn| {
            for (id, count) in &batch {
                model::add_views(conn, *id, *count)?;
            }
            Ok(())
        })
        .await;
    match written {
        Ok(()) => {
            let articles: Vec<i32> = views.keys().copied().collect();
            let moved = articles.len();
            caching::content_changed(state, &Change::Articles(articles));
            Ok(moved)
        }
        Err(error) => {
            state.views.restore(views);
            Err(error)
        }
    }
}

/// Flushes the waiting views of `state` every `period`, for as long as it runs (spawn it next
/// to the server; flush once more after the server stops).
pub async fn flush_periodically(state: web::Data<AppState>, period: Duration) {
    let mut interval = actix_web::rt::time::interval(period);
    interval.tick().await;
    loop {
        interval.tick().await;
        if let Err(error) = flush(&state).await {
            tracing::warn!(%error, "could not write the counted views");
        }
    }
}

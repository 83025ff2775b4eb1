//! Buffered view counts: a counted view is added up in memory and written with the others in one transaction every `HEALTHHUB_VIEW_FLUSH_MS` and when the server stops.
//!
//! A crash (not a graceful stop) loses the views of at most the last interval; a failed write
//! keeps them for the next flush.

use super::model;
use crate::db::Database;
use crate::error::ApiError;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Views counted and not yet written, per article id.
#[derive(Debug, Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<i32, i64>>,
}

impl ViewCounter {
    /// Counts one view of `article`; returns how many of its views are now waiting (saturating
    /// at `i64::MAX`, as every counter does).
    pub fn add(&self, article: i32) -> i64 {
        let mut pending = self.lock();
        let waiting = pending.entry(article).or_insert(0);
        *waiting = waiting.saturating_add(1);
        *waiting
    }

    /// How many views are waiting to be written, in all (saturating at `i64::MAX`).
    pub fn pending(&self) -> i64 {
        self.lock()
            .values()
            .fold(0, |sum, n| sum.saturating_add(*n))
    }

    /// Writes the waiting views in one transaction; returns the ids of the articles whose counts
    /// moved (empty when none were waiting). A failed write keeps the views for the next call.
    pub async fn flush(&self, db: &Database) -> Result<Vec<i32>, ApiError> {
        let views = self.take();
        if views.is_empty() {
            return Ok(Vec::new());
        }
        let batch: Vec<(i32, i64)> = views.iter().map(|(id, count)| (*id, *count)).collect();
        let written = db
            .write(move |conn| {
                for (id, count) in &batch {
                    model::add_views(conn, *id, *count)?;
                }
                Ok(())
            })
            .await;
        match written {
            Ok(()) => Ok(views.keys().copied().collect()),
            Err(error) => {
                self.restore(views);
                Err(error)
            }
        }
    }

    fn take(&self) -> HashMap<i32, i64> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts back views whose write failed, so the next flush retries them.
    fn restore(&self, views: HashMap<i32, i64>) {
        let mut pending = self.lock();
        for (article, count) in views {
            let waiting = pending.entry(article).or_insert(0);
            *waiting = waiting.saturating_add(count);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i32, i64>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

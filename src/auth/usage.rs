//! Coalesced `last_used_at`: an accepted token's use is noted in memory (no write on the request
//! path) and written in one transaction by `crate::jobs::usage` every 30 s and when the server stops.
//!
//! A crash loses at most the last interval's uses; `healthhub token list` may show a time up to
//! that much behind.

use super::records;
use crate::db::Database;
use actix_web::web;
use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

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

    /// Writes the buffered uses in one transaction (nothing when there are none); returns how
    /// many records moved forward. A failed write keeps the uses for the next call.
    pub async fn flush(&self, db: &Database) -> anyhow::Result<usize> {
        let uses = self.take();
        if uses.is_empty() {
            return Ok(0);
        }
        let db = db.clone();
        let batch = uses.clone();
        let written =
            web::block(move || db.write_bookkeeping(|conn| records::record_usage(conn, &batch)))
                .await
                .map_err(|e| anyhow::anyhow!("blocking task failed: {e}"))
                .and_then(|result| result);
        if written.is_err() {
            self.restore(uses);
        }
        written
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

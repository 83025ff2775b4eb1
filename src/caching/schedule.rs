//! The publication schedule as the caches need it: when the public set of articles last changed by the clock alone, and when it next will — asked of the database only after a write or once that moment has come.

use crate::articles::status;
use crate::db::Database;
use crate::error::ApiResult;
use chrono::NaiveDateTime;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Scheduled (un)publications around an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Around {
    /// The latest scheduled change that has come to pass.
    pub last: Option<NaiveDateTime>,
    /// The earliest one still to come.
    pub next: Option<NaiveDateTime>,
    /// The instant both were computed for.
    as_of: NaiveDateTime,
}

impl Around {
    /// True when the answer still holds at `now`: no scheduled change lies between.
    fn holds_at(&self, now: NaiveDateTime) -> bool {
        self.as_of <= now && self.next.is_none_or(|next| now < next)
    }
}

/// The remembered answer; share it through `AppState`.
#[derive(Debug, Default)]
pub struct Schedule {
    known: Mutex<Option<Around>>,
    /// Bumped by every write, so an answer computed before one is not remembered after it.
    writes: AtomicU64,
}

impl Schedule {
    /// Forgets the answer: a write may have changed publication dates.
    pub fn forget(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
        *self.known.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The scheduled changes around `now`, from memory while no write and no scheduled change
    /// has happened since they were read.
    pub async fn around(&self, db: &Database, now: NaiveDateTime) -> ApiResult<Around> {
        let known = *self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = known.filter(|known| known.holds_at(now)) {
            return Ok(known);
        }
        let writes = self.writes.load(Ordering::SeqCst);
        let (last, next) = db
            .read(move |conn| Ok(status::schedule_around(conn, now)?))
            .await?;
        let fresh = Around {
            last,
            next,
            as_of: now,
        };
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if self.writes.load(Ordering::SeqCst) == writes {
            *known = Some(fresh);
        }
        Ok(fresh)
    }
}

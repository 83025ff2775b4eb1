//! `Clock`: the source of "now", injectable so tests can move time instead of sleeping.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::sync::Arc;

/// A source of the current time, truncated to microseconds (what the database keeps).
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::from_fn(Utc::now)
    }

    /// A clock that reads the time from `now` (tests use a shared, movable instant).
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        let now = (self.0)();
        now.duration_trunc(TimeDelta::microseconds(1))
            .unwrap_or(now)
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

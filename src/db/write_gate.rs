//! A node's queue for its PostgreSQL writes: a write waits here, holding no pooled connection,
//! until it may take one, so writes waiting for the cluster-wide write lock cannot fill the pool
//! that reads share.

use crate::error::{ApiError, ApiResult};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many of a node's writes may hold a pooled connection at once: one, the connection the
/// pool holds beyond `HEALTHHUB_READ_POOL_SIZE`. Every write transaction takes the cluster-wide
/// write lock first, so a second one on the same node would only wait inside the database with a
/// connection that a read could use.
pub const WRITERS_PER_NODE: usize = 1;

/// The queue: [`WRITERS_PER_NODE`] permits, and how long a write may wait for one (the pool's
/// own wait, `HEALTHHUB_DB_POOL_TIMEOUT`).
#[derive(Clone)]
pub struct WriteGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

/// The right to take a pooled connection for one write; dropping it lets the next write in.
pub type WritePermit = OwnedSemaphorePermit;

impl WriteGate {
    /// A gate whose writes wait at most `wait` for their turn.
    pub fn new(wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(WRITERS_PER_NODE)),
            wait,
        }
    }

    /// Waits for this write's turn, first come first served.
    ///
    /// Errors: [`ApiError::Unavailable`] (503, `Retry-After`) when the turn does not come within
    /// the wait, as when no pooled connection frees up in time.
    pub async fn enter(&self) -> ApiResult<WritePermit> {
        match tokio::time::timeout(self.wait, Arc::clone(&self.permits).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphore is never closed; a timeout is the busy case.
            Ok(Err(_)) | Err(_) => {
                tracing::warn!(wait = ?self.wait, "a write waited too long for its turn on this node");
                Err(ApiError::Unavailable(
                    "the database is busy; retry shortly".to_owned(),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_write_waits_for_the_one_before_it_and_gives_up_after_the_wait() {
        let gate = WriteGate::new(Duration::from_millis(50));
        let first = gate.enter().await.expect("the first write enters at once");
        let error = gate.enter().await.expect_err("the second must wait");
        assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
        drop(first);
        let _second = gate.enter().await.expect("its turn once the first is done");
    }
}

//! Coalescing concurrent misses of the response cache: while one request computes the answer
//! for a key, the others asking for that key wait for it and then read the cache, instead of
//! all running the same (possibly expensive: a search) queries at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::Notify;

/// The keys being computed, each with what its waiters wait on.
#[derive(Debug, Default)]
pub struct Flights {
    computing: Mutex<HashMap<String, Arc<Notify>>>,
}

/// A request's part in the flight for its key.
pub enum Turn<'a> {
    /// Nobody computes this key: this request does; the others wait until it is dropped.
    Lead(Leader<'a>),
    /// Another request computes it; wait for it with [`Flights::wait`].
    Follow(Arc<Notify>),
}

/// The request computing a key; dropping it (answered, failed or abandoned) wakes the waiters.
pub struct Leader<'a> {
    flights: &'a Flights,
    key: String,
    done: Arc<Notify>,
}

impl Flights {
    /// Joins the flight for `key`: leads it when nobody computes that key yet.
    pub fn join(&self, key: &str) -> Turn<'_> {
        let mut computing = self.lock();
        if let Some(done) = computing.get(key) {
            return Turn::Follow(done.clone());
        }
        let done = Arc::new(Notify::new());
        computing.insert(key.to_owned(), done.clone());
        Turn::Lead(Leader {
            flights: self,
            key: key.to_owned(),
            done,
        })
    }

    /// Waits until the leader of `key`, whose `done` this is, has finished. Returns at once when
    /// it already has.
    pub async fn wait(&self, key: &str, done: Arc<Notify>) {
        let mut finished = std::pin::pin!(done.notified());
        // Registered before the check: a leader finishing from here on wakes this waiter.
        finished.as_mut().enable();
        let still_computing = self
            .lock()
            .get(key)
            .is_some_and(|current| Arc::ptr_eq(current, &done));
        if still_computing {
            finished.await;
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        self.computing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        self.flights.lock().remove(&self.key);
        self.done.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::rt::time::timeout;
    use std::time::Duration;

    #[actix_web::test]
    async fn followers_wait_for_the_leader_and_the_next_request_leads_again() {
        let flights = Flights::default();
        let Turn::Lead(leader) = flights.join("/a") else {
            panic!("the first request leads");
        };
        let Turn::Follow(done) = flights.join("/a") else {
            panic!("the second request follows");
        };
        assert!(
            matches!(flights.join("/b"), Turn::Lead(_)),
            "other keys are independent"
        );
        let mut waiting = std::pin::pin!(flights.wait("/a", done));
        let early = timeout(Duration::from_millis(20), waiting.as_mut()).await;
        assert!(early.is_err(), "a follower waits while the leader computes");
        drop(leader);
        timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the leader's end wakes its followers");
        assert!(matches!(flights.join("/a"), Turn::Lead(_)));
    }

    #[actix_web::test]
    async fn waiting_after_the_leader_finished_returns_at_once() {
        let flights = Flights::default();
        let leader = flights.join("/a");
        let Turn::Follow(done) = flights.join("/a") else {
            panic!("the second request follows");
        };
        drop(leader);
        timeout(Duration::from_secs(5), flights.wait("/a", done))
            .await
            .expect("no wake-up is missed");
    }
}

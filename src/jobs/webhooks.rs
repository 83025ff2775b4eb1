//! The webhook worker: every `HEALTHHUB_WEBHOOKS_POLL_MS` it turns new log entries into deliveries, then sends each enabled webhook's oldest due delivery, webhooks side by side.
//!
//! Deliveries are written before they are sent and their outcome after, each in a bookkeeping
//! transaction (content's `Last-Modified` stays): a process killed mid-delivery leaves it pending,
//! and it is sent again after the restart (at least once; receivers drop repeats by
//! `webhook-id`). Writers of content never wait for any of this.

use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::delivery::Sender;
use crate::webhooks::model::{self, DeliveryRow, Policy, WebhookRow};
use actix_web::web;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Log entries one webhook turns into deliveries per cycle.
const BATCH: i64 = 500;

/// Most webhooks with an attempt in flight at once (each attempt holds a blocking thread for up
/// to the timeout).
const MAX_IN_FLIGHT: usize = 16;

/// What one cycle did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Deliveries made from new log entries.
    pub materialized: usize,
    /// Attempts started.
    pub attempted: usize,
}

/// The worker: the HTTP client and the webhooks with an attempt in flight (a slow target holds
/// up only its own webhook).
#[derive(Clone)]
pub struct Worker {
    sender: Sender,
    busy: Arc<Mutex<HashSet<i32>>>,
}

impl Worker {
    /// A worker with the client `state`'s settings describe.
    pub fn new(state: &AppState) -> Self {
        Self {
            sender: Sender::new(&state.config.webhooks),
            busy: Arc::default(),
        }
    }

    /// One cycle, waiting for its attempts to finish: what tests call instead of waiting for the
    /// timer.
    pub async fn tick(&self, state: &web::Data<AppState>) -> Result<Cycle, ApiError> {
        let (cycle, attempts) = self.start(state).await?;
        for attempt in attempts {
            attempt
                .await
                .map_err(|error| ApiError::Internal(anyhow::anyhow!("delivery task: {error}")))?;
        }
        Ok(cycle)
    }

    /// Runs a cycle every `period` for as long as the server runs, without waiting for the
    /// attempts it starts: the next cycle skips the webhooks still busy.
    pub async fn run_periodically(self, state: web::Data<AppState>, period: Duration) {
        let mut interval = actix_web::rt::time::interval(period);
        loop {
            interval.tick().await;
            if let Err(error) = self.start(&state).await {
                tracing::warn!(%error, "the webhook worker could not run");
            }
        }
    }

    /// Materializes new deliveries, then spawns one attempt per webhook with a due delivery.
    async fn start(
        &self,
        state: &web::Data<AppState>,
    ) -> Result<(Cycle, Vec<actix_web::rt::task::JoinHandle<()>>), ApiError> {
        let now = state.clock.now().naive_utc();
        let db = state.db.clone();
        let materialized =
            web::block(move || db.write_bookkeeping(|conn| model::materialize(conn, BATCH, now)))
                .await?
                .map_err(ApiError::Internal)?;
        let busy: Vec<i32> = self.lock().iter().copied().collect();
        let room = MAX_IN_FLIGHT.saturating_sub(busy.len());
        let due = match room {
            0 => Vec::new(),
            _ => {
                state
                    .db
                    .read(move |conn| Ok(model::due(conn, now, &busy, room)?))
                    .await?
            }
        };
        // Several workers (one per node) read the same due deliveries: each attempt goes to the
        // one that claims it first.
        let until = now.checked_add_signed(claim_lease(state)).unwrap_or(now);
        let due = if due.is_empty() {
            due
        } else {
            let db = state.db.clone();
            web::block(move || db.write_bookkeeping(|conn| Ok(model::claim(conn, due, until)?)))
                .await?
                .map_err(ApiError::Internal)?
        };
        let attempted = due.len();
        let mut attempts = Vec::with_capacity(attempted);
        for (webhook, delivery) in due {
            self.lock().insert(webhook.id);
            let worker = self.clone();
            let state = state.clone();
            attempts.push(actix_web::rt::spawn(async move {
                let id = webhook.id;
                if let Err(error) = worker.attempt(&state, webhook, delivery).await {
                    tracing::warn!(%error, webhook = id, "could not record a webhook delivery");
                }
                worker.lock().remove(&id);
            }));
        }
        Ok((
            Cycle {
                materialized,
                attempted,
            },
            attempts,
        ))
    }

    /// Sends `delivery` once (on the blocking pool) and records the outcome.
    async fn attempt(
        &self,
        state: &web::Data<AppState>,
        webhook: WebhookRow,
        delivery: DeliveryRow,
    ) -> Result<(), ApiError> {
        let sender = self.sender.clone();
        let now = state.clock.now();
        let policy = policy(state);
        let db = state.db.clone();
        web::block(move || {
            let attempt = sender.send(&webhook, &delivery, now);
            if let Some(error) = &attempt.error {
                tracing::info!(
                    webhook = webhook.id,
                    seq = delivery.seq,
                    status = attempt.status_code,
                    %error,
                    "a webhook delivery attempt failed"
                );
            }
            db.write_bookkeeping(|conn| Ok(model::record(conn, &delivery, &attempt, &policy)?))
        })
        .await?
        .map_err(ApiError::Internal)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<i32>> {
        self.busy.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The retry policy of `state`'s settings.
/// How long a claimed delivery is left to its worker before another may try it (or, after a
/// crash, the restarted node): the request timeout, the longest wait for the write lock to
/// record the outcome, and a few seconds. A worker slower than that may see its delivery sent
/// again, with the same `webhook-id`: deliveries are at least once, as Standard Webhooks has them.
fn claim_lease(state: &AppState) -> chrono::Duration {
    let waits = state.config.webhooks.timeout + state.config.db_timeouts.lock;
    chrono::Duration::from_std(waits)
        .unwrap_or(chrono::Duration::MAX)
        .checked_add(&chrono::Duration::seconds(CLAIM_MARGIN_SECONDS))
        .unwrap_or(chrono::Duration::MAX)
}

/// What a claim adds to the request timeout, in seconds.
const CLAIM_MARGIN_SECONDS: i64 = 5;

fn policy(state: &AppState) -> Policy {
    let settings = &state.config.webhooks;
    let duration = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    Policy {
        max_attempts: settings.max_attempts,
        backoff: duration(settings.backoff),
        max_backoff: duration(settings.max_backoff),
        disable_after: settings.disable_after,
    }
}

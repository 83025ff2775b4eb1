//! Writing the buffered token uses (`api_tokens.last_used_at`): on demand and every 30 s.

use crate::state::AppState;
use actix_web::web;
use std::time::Duration;

/// How often buffered uses are written.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(30);

/// Writes the buffered uses of `state` in one transaction (nothing when there are none);
/// returns how many records moved forward.
pub async fn flush(state: &AppState) -> anyhow::Result<usize> {
    state.token_usage.flush(&state.db).await
}

/// Flushes the buffered uses of `state` every [`FLUSH_INTERVAL`], for as long as it runs.
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

//! Writing the buffered view counts: on demand and every `HEALTHHUB_VIEW_FLUSH_MS`.

use crate::caching::store::Change;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::web;
use std::time::Duration;

/// Writes the waiting views of `state` in one transaction and drops the cached responses that
/// show those articles; returns how many articles' counts moved.
pub async fn flush(state: &AppState) -> Result<usize, ApiError> {
    let articles = state.views.flush(&state.db).await?;
    let moved = articles.len();
    if moved > 0 {
        state.content_changed(&Change::Views(articles));
    }
    Ok(moved)
}

/// Flushes the waiting views of `state` every `period`, for as long as it runs.
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

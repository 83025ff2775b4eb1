//! `GET /metrics`: the server's metrics in the Prometheus text format (`crate::metrics` lists
//! them).

use crate::error::ApiResult;
use crate::metrics::CONTENT_TYPE;
use crate::state::AppState;
use crate::webhooks::model as webhooks;
use actix_web::{web, HttpResponse};

/// The metrics of this node, in the Prometheus text format (version 0.0.4): request durations
/// by method, route and status, the response cache's hits, misses and evictions, database pool
/// waits, the notification channel's state, the webhook backlog and the replica's lag.
#[utoipa::path(
    get, path = "/metrics", tag = "health", security(()),
    responses(
        (status = 200, description = "Every metric, in the Prometheus text format (version 0.0.4)",
            body = String, content_type = "text/plain; version=0.0.4; charset=utf-8"),
        (status = 503, description = "The database does not answer", body = crate::http::problem::Problem,
            content_type = "application/problem+json"),
    )
)]
pub async fn metrics(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let backlog = state
        .db
        .read(|conn| Ok(webhooks::pending_count(conn)?))
        .await?;
    state.metrics.webhook_backlog.set(backlog);
    let lag = state.db.replica_lag().await?;
    state
        .metrics
        .replica_lag
        .set(i64::try_from(lag).unwrap_or(i64::MAX));
    Ok(HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(state.metrics.encode()))
}

//! Liveness and readiness probes: `GET /healthz` and `GET /readyz`.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of both probes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct HealthStatus {
    /// Always `ok` when the answer is 200.
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(
    get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, description = "The process is up", body = HealthStatus))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok" })
}

/// The database answers queries and, on PostgreSQL, the node hears of other nodes' changes
/// (while it does not, it serves nothing from its response cache and is not ready).
#[utoipa::path(
    get, path = "/readyz", tag = "health", security(()),
    responses(
        (status = 200, description = "Ready to serve", body = HealthStatus),
        (status = 503, description = "The database does not answer, or the node's change notification channel is down", body = crate::http::problem::Problem,
            content_type = "application/problem+json"),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if !state.channel_up.load(std::sync::atomic::Ordering::Acquire) {
        return Err(ApiError::Unavailable(
            "the node does not hear of other nodes' changes yet (its notification channel is down)"
                .to_owned(),
        ));
    }
    if state.db.ping().await {
        Ok(HttpResponse::Ok().json(HealthStatus { status: "ok" }))
    } else {
        Err(ApiError::Unavailable(
            "the database does not answer".to_owned(),
        ))
    }
}

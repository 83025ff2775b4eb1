//! Webhook responses: a webhook (with its secret only when just created), lists, and its deliveries.

use super::events::EventPattern;
use super::model::{DeliveryRow, DeliveryStatus, WebhookRow};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A webhook as returned by the API (never with its secret).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "url": "https://hooks.example.org/healthhub",
    "events": ["article.*"], "enabled": true, "description": "Rebuild the static site",
    "version": 1, "created_at": "2026-06-01T12:00:00Z", "updated_at": "2026-06-01T12:00:00Z",
    "consecutive_failures": 0, "disabled_at": null, "disabled_reason": null
}))]
pub struct WebhookView {
    pub id: i32,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The patterns of the events it receives.
    pub events: Vec<EventPattern>,
    /// Whether deliveries are being sent.
    pub enabled: bool,
    /// A note for people.
    #[schema(required = true)]
    pub description: Option<String>,
    /// Starts at 1; every change adds one (also the server disabling it). Send it as
    /// `If-Match: "<version>"` on writes.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Failed attempts in a row; the webhook is disabled when it reaches
    /// `HEALTHHUB_WEBHOOKS_DISABLE_AFTER`.
    pub consecutive_failures: i32,
    /// When the server disabled it after a run of failures (null otherwise).
    #[schema(required = true)]
    pub disabled_at: Option<DateTime<Utc>>,
    /// Why the server disabled it, with the last error (null otherwise).
    #[schema(required = true)]
    pub disabled_reason: Option<String>,
}

impl From<&WebhookRow> for WebhookView {
    fn from(row: &WebhookRow) -> Self {
        Self {
            id: row.id,
            url: row.url.clone(),
            events: row.patterns(),
            enabled: row.enabled,
            description: row.description.clone(),
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            consecutive_failures: row.consecutive_failures,
            disabled_at: row.disabled_at.map(|at| at.and_utc()),
            disabled_reason: row.disabled_reason.clone(),
        }
    }
}

/// A webhook just created: the webhook and, this once, its signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The signing secret (`whsec_` and the base64 of 32 random bytes, per Standard Webhooks).
    /// Shown only in this response: keep it, it is never shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// Counts that come with an unpaginated list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookListMeta {
    /// Number of items in `data`.
    pub total: usize,
}

/// Every webhook, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub data: Vec<WebhookView>,
    pub meta: WebhookListMeta,
}

/// One delivery: a log entry sent (or to be sent) to a webhook, and its last attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i32,
    pub webhook_id: i32,
    /// The log entry's seq (deliveries of one webhook go out in seq order).
    pub seq: i64,
    /// The entry's event.
    pub event: String,
    /// `pending` until it succeeds or every attempt has failed.
    pub status: DeliveryStatus,
    /// Attempts made (since the last redeliver).
    pub attempts: i32,
    /// When the next attempt is due (null once it succeeded or failed for good).
    #[schema(required = true)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the last attempt started.
    #[schema(required = true)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The status code of the last answer (null when the target did not answer).
    #[schema(required = true)]
    pub last_status_code: Option<i32>,
    /// How long the last attempt took, in milliseconds.
    #[schema(required = true)]
    pub last_duration_ms: Option<i64>,
    /// Why the last attempt failed.
    #[schema(required = true)]
    pub last_error: Option<String>,
    /// The start of the last response body (at most 256 bytes; nothing more is kept).
    #[schema(required = true)]
    pub response_excerpt: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<DeliveryRow> for DeliveryView {
    fn from(row: DeliveryRow) -> Self {
        let status = DeliveryStatus::parse(&row.status);
        Self {
            id: row.id,
            webhook_id: row.webhook_id,
            seq: row.seq,
            event: row.event,
            status,
            attempts: row.attempts,
            next_attempt_at: (status == DeliveryStatus::Pending)
                .then(|| row.next_attempt_at.and_utc()),
            last_attempt_at: row.last_attempt_at.map(|at| at.and_utc()),
            last_status_code: row.last_status_code,
            last_duration_ms: row.last_duration_ms,
            last_error: row.last_error,
            response_excerpt: row.response_excerpt,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// `meta` of a page of deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveriesMeta {
    /// The `before` of the next page (the last id on this one); null on the last page.
    #[schema(required = true)]
    pub next_before: Option<i32>,
}

/// A page of a webhook's deliveries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub data: Vec<DeliveryView>,
    pub meta: DeliveriesMeta,
}

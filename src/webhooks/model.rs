//! Webhook and delivery rows, and every query on the `webhooks` and `webhook_deliveries` tables: saving webhooks, turning log entries into deliveries, and recording attempts.

use super::events::{any_matches, EventPattern};
use crate::changes::model::{self as changes, ChangeRow};
use crate::changes::view::ChangeView;
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// A row of `webhooks`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct WebhookRow {
    pub id: i32,
    pub url: String,
    /// The event patterns, as a JSON array of strings.
    pub events: String,
    /// The `whsec_` signing secret.
    pub secret: String,
    pub enabled: bool,
    pub description: Option<String>,
    /// Starts at 1; every change adds one (the `If-Match` validator).
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The last log seq already turned into deliveries.
    pub cursor_seq: i64,
    /// Failed attempts in a row (any delivery); a success resets it.
    pub consecutive_failures: i32,
    pub disabled_at: Option<NaiveDateTime>,
    pub disabled_reason: Option<String>,
}

impl WebhookRow {
    /// The stored patterns (none when the column holds something this server did not write).
    pub fn patterns(&self) -> Vec<EventPattern> {
        serde_json::from_str(&self.events).unwrap_or_default()
    }
}

/// The state of a delivery, stored as its lowercase name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The target answered 2xx.
    Succeeded,
    /// Every attempt failed; given up.
    Failed,
}

impl DeliveryStatus {
    /// The value stored in `webhook_deliveries.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The status stored as `value` (anything unknown reads as failed).
    pub fn parse(value: &str) -> Self {
        match value {
            "pending" => DeliveryStatus::Pending,
            "succeeded" => DeliveryStatus::Succeeded,
            _ => DeliveryStatus::Failed,
        }
    }
}

/// A row of `webhook_deliveries`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DeliveryRow {
    pub id: i32,
    pub webhook_id: i32,
    pub seq: i64,
    pub event: String,
    /// The exact body sent on every attempt.
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_duration_ms: Option<i64>,
    pub last_error: Option<String>,
    pub response_excerpt: Option<String>,
    pub created_at: NaiveDateTime,
}

impl DeliveryRow {
    /// The value of the `webhook-id` header: the same on every attempt of this delivery, so a
    /// receiver can drop a repeat (Standard Webhooks, "Idempotency").
    pub fn message_id(&self) -> String {
        format!("msg_{}_{}", self.webhook_id, self.seq)
    }
}

/// What a new webhook is made of (a checked request, with its secret).
#[derive(Debug)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<EventPattern>,
    pub enabled: bool,
    pub description: Option<String>,
    pub secret: String,
}

/// The changes a PATCH asks for: `None` keeps a value.
#[derive(Debug, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<EventPattern>>,
    pub enabled: Option<bool>,
    pub description: Option<Option<String>>,
}

fn to_json(patterns: &[EventPattern]) -> ApiResult<String> {
    serde_json::to_string(patterns).map_err(|error| ApiError::Internal(error.into()))
}

/// Saves a new webhook; it starts after the log's newest entry, so it receives the changes made
/// after it.
pub fn create(conn: &mut DbConn, new: NewWebhook, now: NaiveDateTime) -> ApiResult<WebhookRow> {
    let cursor = changes::last_seq(conn)?;
    Ok(diesel::insert_into(webhooks::table)
        .values((
            webhooks::url.eq(new.url),
            webhooks::events.eq(to_json(&new.events)?),
            webhooks::secret.eq(new.secret),
            webhooks::enabled.eq(new.enabled),
            webhooks::description.eq(new.description),
            webhooks::created_at.eq(now),
            webhooks::updated_at.eq(now),
            webhooks::cursor_seq.eq(cursor),
        ))
        .returning(<WebhookRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)?)
}

/// Every webhook, oldest first.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<WebhookRow>> {
    webhooks::table
        .order(webhooks::id)
        .select(WebhookRow::as_select())
        .load(conn)
}

/// The webhook with `id`, else a 404.
pub fn get(conn: &mut DbConn, id: i32) -> ApiResult<WebhookRow> {
    webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("webhook", id))
}

/// Applies `changes` to `current`; a new version only when something differs. Enabling a
/// disabled webhook clears its run of failures and the reason.
pub fn update(
    conn: &mut DbConn,
    current: &WebhookRow,
    changes: WebhookChanges,
    now: NaiveDateTime,
) -> ApiResult<WebhookRow> {
    let url = changes.url.unwrap_or_else(|| current.url.clone());
    let events = match changes.events {
        Some(events) => to_json(&events)?,
        None => current.events.clone(),
    };
    let enabled = changes.enabled.unwrap_or(current.enabled);
    let description = changes
        .description
        .unwrap_or_else(|| current.description.clone());
    if url == current.url
        && events == current.events
        && enabled == current.enabled
        && description == current.description
    {
        return Ok(current.clone());
    }
    let reenabled = enabled && !current.enabled;
    let (failures, disabled_at, reason) = match reenabled {
        true => (0, None, None),
        false => (
            current.consecutive_failures,
            current.disabled_at,
            current.disabled_reason.clone(),
        ),
    };
    Ok(diesel::update(webhooks::table.find(current.id))
        .set((
            webhooks::url.eq(url),
            webhooks::events.eq(events),
            webhooks::enabled.eq(enabled),
            webhooks::description.eq(description),
            webhooks::version.eq(current.version + 1),
            webhooks::updated_at.eq(now),
            webhooks::consecutive_failures.eq(failures),
            webhooks::disabled_at.eq(disabled_at),
            webhooks::disabled_reason.eq(reason),
        ))
        .returning(<WebhookRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)?)
}

/// Deletes webhook `id` and its deliveries.
pub fn delete(conn: &mut DbConn, id: i32) -> QueryResult<usize> {
    diesel::delete(webhooks::table.find(id)).execute(conn)
}

/// Up to `limit` deliveries of `webhook_id` with an id below `before`, newest first.
pub fn deliveries(
    conn: &mut DbConn,
    webhook_id: i32,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        let before = i32::try_from(before).unwrap_or(i32::MAX);
        query = query.filter(webhook_deliveries::id.lt(before));
    }
    query.load(conn)
}

/// Delivery `id` of webhook `webhook_id`, else a 404.
pub fn delivery(conn: &mut DbConn, webhook_id: i32, id: i32) -> ApiResult<DeliveryRow> {
    webhook_deliveries::table
        .find(id)
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(DeliveryRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("delivery", id))
}

/// Queues delivery `id` again: pending, due `now`, with a fresh count of attempts.
pub fn redeliver(conn: &mut DbConn, id: i32, now: NaiveDateTime) -> QueryResult<DeliveryRow> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now),
        ))
        .returning(<DeliveryRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)
}

/// The body of a delivery (Standard Webhooks, "Payload structure"): the event as `type`, the
/// time of the change as `timestamp` and the log entry as `data`.
#[derive(Debug, Serialize)]
struct Envelope {
    r#type: &'static str,
    timestamp: chrono::DateTime<chrono::Utc>,
    data: ChangeView,
}

/// The lowest seq any webhook has turned into deliveries up to (`None` without webhooks): the log
/// must keep what comes after it.
pub fn lowest_cursor(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    webhooks::table
        .select(diesel::dsl::min(webhooks::cursor_seq))
        .get_result(conn)
}

/// For every webhook (enabled or not), turns up to `batch` log entries after its cursor into
/// pending deliveries due `now` (those its patterns match) and moves the cursor past them; returns
/// how many deliveries were made. Run in one writer transaction: an entry becomes a delivery
/// exactly once.
pub fn materialize(conn: &mut DbConn, batch: i64, now: NaiveDateTime) -> ApiResult<usize> {
    let mut made = 0;
    for webhook in list(conn)? {
        let entries = changes::after(conn, webhook.cursor_seq, batch)?;
        let Some(last) = entries.last().map(|entry| entry.seq) else {
            continue;
        };
        let patterns = webhook.patterns();
        for entry in entries {
            if entry
                .event()
                .is_some_and(|event| any_matches(&patterns, event))
            {
                insert_delivery(conn, webhook.id, entry, now)?;
                made += 1;
            }
        }
        diesel::update(webhooks::table.find(webhook.id))
            .set(webhooks::cursor_seq.eq(last))
            .execute(conn)?;
    }
    Ok(made)
}

fn insert_delivery(
    conn: &mut DbConn,
    webhook_id: i32,
    entry: ChangeRow,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let seq = entry.seq;
    let event = entry.event.clone();
    let view = ChangeView::from(entry);
    let payload = serde_json::to_string(&Envelope {
        r#type: view.event.as_str(),
        timestamp: view.at,
        data: view,
    })
    .map_err(|error| ApiError::Internal(error.into()))?;
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::webhook_id.eq(webhook_id),
            webhook_deliveries::seq.eq(seq),
            webhook_deliveries::event.eq(event),
            webhook_deliveries::payload.eq(payload),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// For each enabled webhook (up to `limit`, skipping those in `busy`), its oldest pending
/// delivery when that one is due by `now`: a later delivery never goes before an earlier one has
/// succeeded or failed for good.
pub fn due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    busy: &[i32],
    limit: usize,
) -> QueryResult<Vec<(WebhookRow, DeliveryRow)>> {
    let mut due = Vec::new();
    let enabled = webhooks::table
        .filter(webhooks::enabled.eq(true))
        .filter(webhooks::id.ne_all(busy))
        .order(webhooks::id)
        .select(WebhookRow::as_select())
        .load(conn)?;
    for webhook in enabled {
        let oldest = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook.id))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .order(webhook_deliveries::seq)
            .select(DeliveryRow::as_select())
            .first(conn)
            .optional()?;
        if let Some(delivery) = oldest.filter(|d| d.next_attempt_at <= now) {
            due.push((webhook, delivery));
            if due.len() >= limit {
                break;
            }
        }
    }
    Ok(due)
}

/// Claims the deliveries of `due` for one attempt each, in one transaction: a claim pushes the
/// delivery's next attempt to `until` unless its next attempt is no longer the one read (another
/// worker, on this node or another, claimed or recorded it first). Returns the claimed ones.
/// A node that dies mid-attempt leaves its claim to expire at `until`, after which any node
/// tries again (the receiver sees the same `webhook-id` and can drop the repeat).
pub fn claim(
    conn: &mut DbConn,
    due: Vec<(WebhookRow, DeliveryRow)>,
    until: NaiveDateTime,
) -> QueryResult<Vec<(WebhookRow, DeliveryRow)>> {
    let mut claimed = Vec::with_capacity(due.len());
    for (webhook, delivery) in due {
        let updated = diesel::update(
            webhook_deliveries::table
                .find(delivery.id)
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                .filter(webhook_deliveries::next_attempt_at.eq(delivery.next_attempt_at)),
        )
        .set(webhook_deliveries::next_attempt_at.eq(until))
        .execute(conn)?;
        if updated == 1 {
            claimed.push((webhook, delivery));
        }
    }
    Ok(claimed)
}

/// How many deliveries are pending (due, or waiting for a retry), over every webhook.
pub fn pending_count(conn: &mut DbConn) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .count()
        .get_result(conn)
}

/// The outcome of one attempt.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// When it started.
    pub at: NaiveDateTime,
    /// The target's status code, when it answered.
    pub status_code: Option<u16>,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// Why it failed (no answer, or a non-2xx answer); `None` on success.
    pub error: Option<String>,
    /// The start of the response body (at most 256 bytes).
    pub excerpt: Option<String>,
}

/// The retry policy (`HEALTHHUB_WEBHOOKS_*`).
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Attempts before a delivery fails for good.
    pub max_attempts: u32,
    /// The first retry's delay.
    pub backoff: chrono::Duration,
    /// The longest delay.
    pub max_backoff: chrono::Duration,
    /// Failed attempts in a row that disable the webhook.
    pub disable_after: u32,
}

impl Policy {
    /// The delay after the `attempts`-th failed attempt: `backoff · 2^(attempts−1)`, at most
    /// `max_backoff`.
    pub fn delay(&self, attempts: i32) -> chrono::Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.backoff
            .checked_mul(1 << doublings)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }
}

/// Records `attempt` of `delivery` (a bookkeeping transaction): a success ends the delivery and
/// the webhook's run of failures; a failure schedules the next attempt after the back-off, fails
/// the delivery for good after `max_attempts`, and disables the webhook after `disable_after`
/// failures in a row. Nothing is recorded when the delivery is gone (its webhook deleted).
pub fn record(
    conn: &mut DbConn,
    delivery: &DeliveryRow,
    attempt: &Attempt,
    policy: &Policy,
) -> QueryResult<()> {
    let Some(current) = webhook_deliveries::table
        .find(delivery.id)
        .select(DeliveryRow::as_select())
        .get_result(conn)
        .optional()?
    else {
        return Ok(());
    };
    let attempts = current.attempts + 1;
    let status = match (&attempt.error, attempts >= policy.max_attempts as i32) {
        (None, _) => DeliveryStatus::Succeeded,
        (Some(_), true) => DeliveryStatus::Failed,
        (Some(_), false) => DeliveryStatus::Pending,
    };
    let next = attempt
        .at
        .checked_add_signed(policy.delay(attempts))
        .unwrap_or(attempt.at);
    diesel::update(webhook_deliveries::table.find(delivery.id))
        .set((
            webhook_deliveries::status.eq(status.as_str()),
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::next_attempt_at.eq(next),
            webhook_deliveries::last_attempt_at.eq(attempt.at),
            webhook_deliveries::last_status_code.eq(attempt.status_code.map(i32::from)),
            webhook_deliveries::last_duration_ms.eq(attempt.duration_ms),
            webhook_deliveries::last_error.eq(&attempt.error),
            webhook_deliveries::response_excerpt.eq(&attempt.excerpt),
        ))
        .execute(conn)?;
    let webhook = webhooks::table.find(delivery.webhook_id);
    let Some(error) = &attempt.error else {
        diesel::update(webhook)
            .set(webhooks::consecutive_failures.eq(0))
            .execute(conn)?;
        return Ok(());
    };
    let failures: i32 = diesel::update(webhook)
        .set(webhooks::consecutive_failures.eq(webhooks::consecutive_failures + 1))
        .returning(webhooks::consecutive_failures)
        .get_result(conn)?;
    if failures >= policy.disable_after as i32 {
        diesel::update(webhook.filter(webhooks::enabled.eq(true)))
            .set((
                webhooks::enabled.eq(false),
                webhooks::disabled_at.eq(attempt.at),
                webhooks::disabled_reason.eq(format!(
                    "disabled after {failures} failed attempts in a row; the last: {error}"
                )),
                webhooks::version.eq(webhooks::version + 1),
                webhooks::updated_at.eq(attempt.at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Policy;
    use chrono::Duration;

    #[test]
    fn the_delay_doubles_from_the_backoff_up_to_the_maximum() {
        let policy = Policy {
            max_attempts: 8,
            backoff: Duration::seconds(5),
            max_backoff: Duration::seconds(60),
            disable_after: 20,
        };
        let delays: Vec<i64> = (1..=6).map(|n| policy.delay(n).num_seconds()).collect();
        assert_eq!(delays, vec![5, 10, 20, 40, 60, 60]);
        assert_eq!(policy.delay(1_000).num_seconds(), 60);
    }
}

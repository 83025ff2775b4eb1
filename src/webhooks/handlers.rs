//! HTTP handlers for `/api/v1/webhooks`: the webhooks, their deliveries and redelivery (all need `webhooks:manage`).

use super::input::{self, CreateWebhook, DeliveriesQuery, UpdateWebhook};
use super::model::{self, NewWebhook, WebhookChanges};
use super::signature;
use super::target::Target;
use super::view::{
    CreatedWebhook, DeliveriesMeta, DeliveryPage, DeliveryView, WebhookList, WebhookListMeta,
    WebhookView,
};
use crate::auth::{Caller, Scope};
use crate::caching::store::CacheScope;
use crate::error::{ApiError, ApiResult};
use crate::http::conditional::{check_version, created, if_match, ok_with_version};
use crate::http::extract::{JsonBody, NoQuery};
use crate::http::middleware::idempotency::ShownOnce;
use crate::http::openapi_responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PreconditionFailed, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use crate::state::AppState;
use crate::support::key::path_id;
use actix_web::{web, HttpRequest, HttpResponse};

/// `response` marked as changing no content: the response cache and `Last-Modified` stay.
fn unchanged(mut response: HttpResponse) -> HttpResponse {
    response.extensions_mut().insert(CacheScope::Unchanged);
    response
}

/// 409 `state_conflict` on `url` when it names a private target and the operator has not
/// allowed those: the refusal depends on a setting the document cannot state.
fn check_target(state: &AppState, target: &Target) -> ApiResult<()> {
    match target.refusal() {
        Some(why) if !state.config.webhooks.allow_private_targets => Err(ApiError::conflicting(
            "url",
            format!(
                "{why}: webhooks may not target this machine or a private network \
                 (HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE is off)"
            ),
        )),
        _ => Ok(()),
    }
}

/// List the webhooks, oldest first (needs `webhooks:manage`).
#[utoipa::path(
    get, path = "/api/v1/webhooks", tag = "webhooks",
    responses(
        (status = 200, description = "Every webhook (without secrets)", body = WebhookList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = ["webhooks:manage"]))
)]
pub async fn list_webhooks(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<WebhookList>> {
    caller.require(Scope::Webhooks)?;
    let rows = state.db.read(|conn| Ok(model::list(conn)?)).await?;
    let data: Vec<WebhookView> = rows.iter().map(WebhookView::from).collect();
    Ok(web::Json(WebhookList {
        meta: WebhookListMeta { total: data.len() },
        data,
    }))
}

/// Create a webhook; the response shows its signing secret, this once (needs `webhooks:manage`).
///
/// It receives the log entries written after its creation that its patterns match, as signed
/// POSTs (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`). The
/// secret is never stored for an `Idempotency-Key` replay: a retry with the same key is a `409`
/// whose `Location` names the webhook created.
#[utoipa::path(
    post, path = "/api/v1/webhooks", tag = "webhooks",
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Created; `Location` names the webhook; `secret` is shown only here", body = CreatedWebhook,
            headers(("Location" = String, description = "URL of the new webhook"),
                    ("ETag" = String, description = "The webhook's version, `\"1\"`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["webhooks:manage"]))
)]
pub async fn create_webhook(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<CreateWebhook>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Webhooks)?;
    let target = request.check()?;
    check_target(&state, &target)?;
    let secret = signature::new_secret()
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("no random bytes: {error}")))?;
    let new = NewWebhook {
        url: request.url,
        events: input::distinct(request.events),
        enabled: request.enabled,
        description: request.description,
        secret,
    };
    let now = state.clock.now().naive_utc();
    let row = state
        .db
        .bookkeeping(move |conn| model::create(conn, new, now))
        .await?;
    let body = CreatedWebhook {
        webhook: WebhookView::from(&row),
        secret: row.secret,
    };
    let mut response = unchanged(created(
        format!("/api/v1/webhooks/{}", row.id),
        row.version,
        &body,
    ));
    response.extensions_mut().insert(ShownOnce);
    Ok(response)
}

/// One webhook, with its run of failures and why it was disabled, if it was (needs
/// `webhooks:manage`).
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = i32, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook (without its secret)", body = WebhookView,
            headers(("ETag" = String, description = "`\"<version>\"`, for If-Match"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["webhooks:manage"]))
)]
pub async fn get_webhook(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Webhooks)?;
    let id = path_id("webhook", &id)?;
    let row = state.db.read(move |conn| model::get(conn, id)).await?;
    Ok(ok_with_version(row.version, &WebhookView::from(&row)))
}

/// Change a webhook: its URL, patterns, description, or turn it on and off (needs
/// `webhooks:manage`). Enabling a disabled webhook clears its run of failures; the deliveries
/// still pending are then sent, oldest first.
#[utoipa::path(
    patch, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(
        ("id" = i32, Path, description = "Webhook id"),
        ("If-Match" = Option<String>, Header, description = "Only update if the webhook is still at this version, e.g. `\"3\"` (RFC 9110 §13.1.1)"),
    ),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "The updated webhook (unchanged, same version, when nothing differed)", body = WebhookView,
            headers(("ETag" = String, description = "The webhook's new version, `\"<version>\"`"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 412, response = PreconditionFailed),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
    ),
    security(("bearer" = ["webhooks:manage"]))
)]
pub async fn update_webhook(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    JsonBody(request): JsonBody<UpdateWebhook>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Webhooks)?;
    let id = path_id("webhook", &id)?;
    if let Some(target) = request.check()? {
        check_target(&state, &target)?;
    }
    let expected = if_match(&req)?;
    let changes = WebhookChanges {
        url: request.url.flatten(),
        events: request.events.flatten().map(input::distinct),
        enabled: request.enabled.flatten(),
        description: request.description,
    };
    let now = state.clock.now().naive_utc();
    let row = state
        .db
        .bookkeeping(move |conn| {
            let current = model::get(conn, id)?;
            check_version(&expected, current.version)?;
            model::update(conn, &current, changes, now)
        })
        .await?;
    Ok(unchanged(ok_with_version(
        row.version,
        &WebhookView::from(&row),
    )))
}

/// Delete a webhook and its deliveries (needs `webhooks:manage`).
#[utoipa::path(
    delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(
        ("id" = i32, Path, description = "Webhook id"),
        ("If-Match" = Option<String>, Header, description = "Only delete if the webhook is still at this version (RFC 9110 §13.1.1)"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 412, response = PreconditionFailed),
    ),
    security(("bearer" = ["webhooks:manage"]))
)]
pub async fn delete_webhook(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Webhooks)?;
    let id = path_id("webhook", &id)?;
    let expected = if_match(&req)?;
    state
        .db
        .bookkeeping(move |conn| {
            let current = model::get(conn, id)?;
            check_version(&expected, current.version)?;
            model::delete(conn, id)?;
            Ok(())
        })
        .await?;
    Ok(unchanged(HttpResponse::NoContent().finish()))
}

/// A webhook's deliveries, newest first: status, attempts, the last answer's code, duration and
/// excerpt, and when the next attempt is due (needs `webhooks:manage`).
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i32, Path, description = "Webhook id"), DeliveriesQuery),
    responses(
        (status = 200, description = "A page of deliveries, newest first", body = DeliveryPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["webhooks:manage"]))
)]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<DeliveriesQuery>,
) -> ApiResult<web::Json<DeliveryPage>> {
    caller.require(Scope::Webhooks)?;
    let id = path_id("webhook", &id)?;
    let (before, limit) = query.page()?;
    let rows = state
        .db
        .read(move |conn| {
            model::get(conn, id)?;
            // One more than asked for tells whether another page follows.
            Ok(model::deliveries(conn, id, before, limit + 1)?)
        })
        .await?;
    let more = rows.len() as i64 > limit;
    let data: Vec<DeliveryView> = rows
        .into_iter()
        .take(limit as usize)
        .map(DeliveryView::from)
        .collect();
    let next_before = data.last().filter(|_| more).map(|last| last.id);
    Ok(web::Json(DeliveryPage {
        data,
        meta: DeliveriesMeta { next_before },
    }))
}

/// Queue a delivery again: pending, due now, with a fresh count of attempts (needs
/// `webhooks:manage`). It is sent in seq order with the webhook's other pending deliveries, once
/// the webhook is enabled.
#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "webhooks",
    params(
        ("id" = i32, Path, description = "Webhook id"),
        ("delivery_id" = i32, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued; the delivery as it now is", body = DeliveryView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = ["webhooks:manage"]))
)]
pub async fn redeliver(
    _no_query: web::Query<NoQuery>,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    caller.require(Scope::Webhooks)?;
    let (webhook, delivery) = path.into_inner();
    let webhook = path_id("webhook", &webhook)?;
    let delivery = path_id("delivery", &delivery)?;
    let now = state.clock.now().naive_utc();
    let row = state
        .db
        .bookkeeping(move |conn| {
            model::get(conn, webhook)?;
            let found = model::delivery(conn, webhook, delivery)?;
            Ok(model::redeliver(conn, found.id, now)?)
        })
        .await?;
    Ok(unchanged(
        HttpResponse::Accepted().json(DeliveryView::from(row)),
    ))
}

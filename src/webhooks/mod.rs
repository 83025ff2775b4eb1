//! Webhooks: targets that receive the changes log's entries as signed POSTs, in order, retried with back-off, and their deliveries.
//!
//! `events`, `target`, `signature`, `input`, `view`, `model` and `delivery` are the cores (the
//! worker in `jobs::webhooks` drives `model` and `delivery`); `handlers` answers requests; this
//! file routes them ([`endpoints`]) and documents them ([`WebhooksApi`]).

pub mod delivery;
pub mod events;
pub mod handlers;
pub mod input;
pub mod model;
pub mod signature;
pub mod target;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of webhooks.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/webhooks",
            vec![
                on(Method::GET, handlers::list_webhooks),
                on(Method::POST, handlers::create_webhook),
            ],
        ),
        Endpoint::new(
            "/webhooks/{id}",
            vec![
                on(Method::GET, handlers::get_webhook),
                on(Method::PATCH, handlers::update_webhook),
                on(Method::DELETE, handlers::delete_webhook),
            ],
        ),
        Endpoint::new(
            "/webhooks/{id}/deliveries",
            vec![on(Method::GET, handlers::list_deliveries)],
        ),
        Endpoint::new(
            "/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            vec![on(Method::POST, handlers::redeliver)],
        ),
    ]
}

/// The webhooks' part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_webhooks,
        handlers::create_webhook,
        handlers::get_webhook,
        handlers::update_webhook,
        handlers::delete_webhook,
        handlers::list_deliveries,
        handlers::redeliver,
    ),
    components(schemas(
        view::WebhookView,
        view::CreatedWebhook,
        view::WebhookList,
        view::WebhookListMeta,
        view::DeliveryView,
        view::DeliveryPage,
        view::DeliveriesMeta,
        model::DeliveryStatus,
        events::EventPattern,
        input::CreateWebhook,
        input::UpdateWebhook,
    ))
)]
pub struct WebhooksApi;

//! The changes log: one ordered entry per resource every committed write changed, read through `GET /api/v1/changes` and delivered by webhooks.
//!
//! `event`, `model`, `purge` and `view` are the cores (the writers of other resources append
//! through [`model::append`], those with a slug and a version through [`versioned`]); `handlers` answers the feed; this file routes and documents it.

pub mod event;
pub mod handlers;
pub mod model;
pub mod purge;
pub mod versioned;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of the changes log.
pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        "/changes",
        vec![on(Method::GET, handlers::list_changes)],
    )]
}

/// The changes log's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(handlers::list_changes),
    components(schemas(
        view::ChangePage,
        view::ChangeView,
        view::ChangesMeta,
        purge::Purge,
        event::Event,
        event::ResourceType,
    ))
)]
pub struct ChangesApi;

//! References: the works an article cites, in order (title, URL, publisher, year, DOI, PubMed id).
//!
//! `input`, `model` and `view` are the cores; `handlers` answers requests; this file routes them
//! ([`endpoints`]) and documents them ([`ReferencesApi`]).

pub mod handlers;
pub mod input;
pub mod model;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of references, in registration order.
pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        "/articles/{id_or_slug}/references",
        vec![
            on(Method::GET, handlers::list_references),
            on(Method::PUT, handlers::replace_references),
        ],
    )]
}

/// The references' part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(handlers::list_references, handlers::replace_references),
    components(schemas(
        view::ReferenceView,
        view::ReferenceList,
        input::ReferenceInput,
        input::ReplaceReferences,
    ))
)]
pub struct ReferencesApi;

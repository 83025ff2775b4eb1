//! Revisions: every version of an article's content, listed, read and restored under `/api/v1/articles/{id_or_slug}/revisions`.
//!
//! `model` and `view` are the cores (`articles::history` stores a revision with every write
//! that changes an article); `handlers` answers requests; this file routes and documents them.

pub mod handlers;
pub mod model;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of revisions.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/articles/{id_or_slug}/revisions",
            vec![on(Method::GET, handlers::list_revisions)],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}/revisions/{version}",
            vec![on(Method::GET, handlers::get_revision)],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}/revisions/{version}/restore",
            vec![on(Method::POST, handlers::restore_revision)],
        ),
    ]
}

/// The revisions' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_revisions,
        handlers::get_revision,
        handlers::restore_revision,
    ),
    components(schemas(
        view::RevisionList,
        view::RevisionSummary,
        view::RevisionsMeta,
        view::RevisionView,
        model::Snapshot,
        model::SnapshotSection,
    ))
)]
pub struct RevisionsApi;

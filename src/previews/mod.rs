//! Preview links: short-lived, revocable tokens that read one article whatever its status, and nothing else.
//!
//! The token itself is minted in `auth::keys` and recorded in `api_tokens` like any other;
//! `http::middleware::preview_scope` confines it to its article; `handlers` mints, lists, reads
//! and revokes links; this file routes ([`endpoints`]) and documents them ([`PreviewsApi`]).

pub mod handlers;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of preview links.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/articles/{id_or_slug}/preview",
            vec![on(Method::POST, handlers::create_preview)],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}/previews",
            vec![on(Method::GET, handlers::list_previews)],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}/previews/{token_id}",
            vec![
                on(Method::GET, handlers::get_preview),
                on(Method::DELETE, handlers::revoke_preview),
            ],
        ),
    ]
}

/// Preview links' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::create_preview,
        handlers::list_previews,
        handlers::get_preview,
        handlers::revoke_preview,
    ),
    components(schemas(
        view::MintedPreview,
        view::PreviewView,
        view::PreviewList,
        view::PreviewsMeta,
    ))
)]
pub struct PreviewsApi;

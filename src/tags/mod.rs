//! Tags: flat topics across categories ("Sleep", "Anxiety"), an article carrying any number.
//!
//! `input`, `model`, `view`, `journal` and `article_tags` (which tags an article carries) are the
//! cores; `handlers` answers requests; this file routes them ([`endpoints`]) and documents them
//! ([`TagsApi`]).

pub mod article_tags;
pub mod handlers;
pub mod input;
pub mod journal;
pub mod model;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of tags, in registration order.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/tags",
            vec![
                on(Method::GET, handlers::list_tags),
                on(Method::POST, handlers::create_tag),
            ],
        ),
        Endpoint::new(
            "/tags/{id_or_slug}",
            vec![
                on(Method::GET, handlers::get_tag),
                on(Method::PATCH, handlers::update_tag),
                on(Method::DELETE, handlers::delete_tag),
            ],
        ),
    ]
}

/// The tags' part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_tags,
        handlers::get_tag,
        handlers::create_tag,
        handlers::update_tag,
        handlers::delete_tag,
    ),
    components(schemas(
        view::TagView,
        article_tags::TagRef,
        view::TagsPage,
        view::TagsMeta,
        input::CreateTag,
        input::UpdateTag,
    ))
)]
pub struct TagsApi;

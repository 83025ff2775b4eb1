//! Sections: the ordered heading + body blocks that make up an article.
//!
//! `input`, `view`, `model` and `rendering` are the cores; `handlers` answers requests; this
//! file routes them ([`endpoints`]) and documents them ([`SectionsApi`]).

pub mod handlers;
pub mod input;
pub mod model;
pub mod rendering;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of sections, in registration order (an article's list lives under
/// `/articles/{id_or_slug}/sections`, but sections own it).
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/articles/{id_or_slug}/sections",
            vec![
                on(Method::GET, handlers::list_sections),
                on(Method::POST, handlers::create_section),
                on(Method::PUT, handlers::replace_sections),
            ],
        ),
        Endpoint::new(
            "/sections/{id}",
            vec![
                on(Method::GET, handlers::get_section),
                on(Method::PATCH, handlers::update_section),
                on(Method::DELETE, handlers::delete_section),
            ],
        ),
    ]
}

/// The sections' part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_sections,
        handlers::create_section,
        handlers::replace_sections,
        handlers::get_section,
        handlers::update_section,
        handlers::delete_section,
    ),
    components(schemas(
        view::SectionView,
        view::SectionList,
        input::SectionInput,
        input::CreateSection,
        input::UpdateSection,
        input::ReplacementSection,
        input::ReplaceSections,
    ))
)]
pub struct SectionsApi;

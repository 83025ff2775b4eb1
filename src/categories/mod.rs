//! Categories: the tree articles are filed in (HOME > Health > Mental Health).
//!
//! `input`, `view`, `model` and `tree` are the cores; `handlers` answers requests; this file
//! routes them ([`endpoints`]) and documents them ([`CategoriesApi`]).

pub mod content;
pub mod handlers;
pub mod input;
pub mod journal;
pub mod links_cache;
pub mod model;
pub mod tree;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of categories, in registration order (`/categories/tree` before
/// `/categories/{id_or_slug}`, which would match it too).
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/categories",
            vec![
                on(Method::GET, handlers::list_categories),
                on(Method::POST, handlers::create_category),
            ],
        ),
        Endpoint::new(
            "/categories/tree",
            vec![on(Method::GET, handlers::category_tree)],
        ),
        Endpoint::new(
            "/categories/{id_or_slug}",
            vec![
                on(Method::GET, handlers::get_category),
                on(Method::PATCH, handlers::update_category),
                on(Method::DELETE, handlers::delete_category),
            ],
        ),
    ]
}

/// The categories' part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_categories,
        handlers::create_category,
        handlers::category_tree,
        handlers::get_category,
        handlers::update_category,
        handlers::delete_category,
    ),
    components(schemas(
        view::CategoryView,
        view::CategoryRef,
        view::CategoryDetail,
        view::CategoryList,
        view::CategoryNode,
        view::CategoryTree,
        view::CountMeta,
        input::CreateCategory,
        input::UpdateCategory,
    ))
)]
pub struct CategoriesApi;

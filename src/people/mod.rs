//! People: the authors and medical reviewers of articles (name, credentials, Markdown bio, links,
//! avatar), each read with a page of their published articles.
//!
//! `input`, `model`, `view`, `journal` and `bylines` (who wrote and who reviewed an article) are
//! the cores; `handlers` answers requests; this file
//! routes them ([`endpoints`]) and documents them ([`PeopleApi`]).

pub mod bylines;
pub mod handlers;
pub mod input;
pub mod journal;
pub mod model;
pub mod view;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of people, in registration order.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/people",
            vec![
                on(Method::GET, handlers::list_people),
                on(Method::POST, handlers::create_person),
            ],
        ),
        Endpoint::new(
            "/people/{id_or_slug}",
            vec![
                on(Method::GET, handlers::get_person),
                on(Method::PATCH, handlers::update_person),
                on(Method::DELETE, handlers::delete_person),
            ],
        ),
    ]
}

/// The people's part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_people,
        handlers::get_person,
        handlers::create_person,
        handlers::update_person,
        handlers::delete_person,
    ),
    components(schemas(
        view::PersonView,
        crate::articles::authored::PersonWithArticles,
        crate::articles::authored::AuthoredArticles,
        crate::articles::authored::AuthoredMeta,
        bylines::PersonRef,
        view::PeoplePage,
        view::PeopleMeta,
        input::CreatePerson,
        input::UpdatePerson,
    ))
)]
pub struct PeopleApi;

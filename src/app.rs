//! `build(state)`: the actix application (middleware in order, `/api/v1` configured by each resource, probes, `/docs`), used by the binary and by the tests alike.

use crate::articles::handlers as articles;
use crate::auth::whoami as tokens;
use crate::categories::handlers as categories;
use crate::error::ApiError;
use crate::http::health;
use crate::http::middleware::{
    caching, cors, idempotency, query_tokens, rate_limit, request_log, security_headers,
};
use crate::http::problem::problem_for_bare_errors;
use crate::http::routing::{no_route, on, redirect_to_docs, resource};
use crate::openapi::ApiDoc;
use crate::sections::handlers as sections;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// The whole application: the API under `/api/v1`, probes, the OpenAPI document and `/docs`.
pub fn build(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors::cors(&state.config.cors_origins);
    App::new()
        .app_data(state)
        .app_data(web::QueryConfig::default().error_handler(|error, _| {
            ApiError::BadRequest(format!("invalid query string: {error}")).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|error, _| {
            ApiError::BadRequest(format!("invalid path parameter: {error}")).into()
        }))
        .wrap(from_fn(caching::cache_headers))
        .wrap(from_fn(rate_limit::per_subject))
        .wrap(from_fn(query_tokens::refuse_query_tokens))
        .wrap(from_fn(rate_limit::per_client))
        .wrap(cors)
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(caching::no_store))
        .wrap(from_fn(security_headers::apply))
        .wrap(from_fn(request_log::log_requests))
        .service(
            web::scope("/api/v1")
                .wrap(from_fn(idempotency::idempotency_keys))
                .configure(api_routes),
        )
        .service(resource("/healthz", vec![on(Method::GET, health::healthz)]))
        .service(resource("/readyz", vec![on(Method::GET, health::readyz)]))
        .service(resource("/docs", vec![on(Method::GET, redirect_to_docs)]))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", ApiDoc::openapi()))
        .default_service(web::to(no_route))
}

fn api_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource(
        "/auth/whoami",
        vec![on(Method::GET, tokens::whoami)],
    ))
    .service(resource(
        "/categories",
        vec![
            on(Method::GET, categories::list_categories),
            on(Method::POST, categories::create_category),
        ],
    ))
    .service(resource(
        "/categories/tree",
        vec![on(Method::GET, categories::category_tree)],
    ))
    .service(resource(
        "/categories/{id_or_slug}",
        vec![
            on(Method::GET, categories::get_category),
            on(Method::PATCH, categories::update_category),
            on(Method::DELETE, categories::delete_category),
        ],
    ))
    .service(resource(
        "/articles",
        vec![
            on(Method::GET, articles::list_articles),
            on(Method::POST, articles::create_article),
        ],
    ))
    .service(resource(
        "/articles/{id_or_slug}",
        vec![
            on(Method::GET, articles::get_article),
            on(Method::PATCH, articles::update_article),
            on(Method::DELETE, articles::delete_article),
        ],
    ))
    .service(resource(
        "/articles/{id_or_slug}/related",
        vec![on(Method::GET, articles::related_articles)],
    ))
    .service(resource(
        "/search",
        vec![on(Method::GET, articles::search_articles)],
    ))
    .service(resource(
        "/articles/{id_or_slug}/publish",
        vec![on(Method::POST, articles::publish_article)],
    ))
    .service(resource(
        "/articles/{id_or_slug}/unpublish",
        vec![on(Method::POST, articles::unpublish_article)],
    ))
    .service(resource(
        "/articles/{id_or_slug}/views",
        vec![on(Method::POST, articles::add_view)],
    ))
    .service(resource(
        "/articles/{id_or_slug}/sections",
        vec![
            on(Method::GET, sections::list_sections),
            on(Method::POST, sections::create_section),
            on(Method::PUT, sections::replace_sections),
        ],
    ))
    .service(resource(
        "/sections/{id}",
        vec![
            on(Method::GET, sections::get_section),
            on(Method::PATCH, sections::update_section),
            on(Method::DELETE, sections::delete_section),
        ],
    ));
}

//! `build(state)`: the actix application (middleware in order, `/api/v1` configured by each resource, probes, `/docs`), used by the binary and by the tests alike.

use crate::articles;
use crate::auth;
use crate::categories;
use crate::error::ApiError;
use crate::http::health;
use crate::http::middleware::{
    caching, cors, idempotency, query_tokens, rate_limit, request_log, security_headers,
};
use crate::http::problem::problem_for_bare_errors;
use crate::http::routing::{self, no_route, on, redirect_to_docs, resource, Endpoint};
use crate::openapi;
use crate::sections;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App};
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
        // The stack, innermost first: the table in `http::middleware` says why each sits where.
        .wrap(from_fn(caching::cache_headers))
        .wrap(from_fn(rate_limit::per_subject))
        .wrap(from_fn(query_tokens::refuse_query_tokens))
        .wrap(from_fn(rate_limit::per_client))
        .wrap(cors)
        .wrap(from_fn(cors::explain_refusals))
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(caching::no_store))
        .wrap(from_fn(security_headers::apply))
        .wrap(from_fn(request_log::log_requests))
        .service(
            web::scope("/api/v1")
                .wrap(from_fn(idempotency::idempotency_keys))
                .configure(api_routes),
        )
        .configure(|cfg| routing::register(cfg, probe_endpoints()))
        .service(resource("/docs", on(Method::GET, redirect_to_docs)))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi::document()))
        .default_service(web::to(no_route))
}

/// Each resource's routes on the `/api/v1` scope.
fn api_routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(auth::routes)
        .configure(categories::routes)
        .configure(articles::routes)
        .configure(sections::routes);
}

/// The endpoints outside `/api/v1` that the OpenAPI document describes: the probes.
fn probe_endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new("/healthz", vec![on(Method::GET, health::healthz)]),
        Endpoint::new("/readyz", vec![on(Method::GET, health::readyz)]),
    ]
}

/// Every routed operation as `(method, path)` with the full path, HEAD included: what the
/// routed ⇒ documented test compares with the OpenAPI document. `/docs`, `/docs/*` and
/// `/openapi.json` (Swagger UI and the document itself) are left out: they serve the
/// reference, they are not part of the API it describes.
pub fn routed_operations() -> Vec<(Method, String)> {
    let api = [
        auth::endpoints(),
        categories::endpoints(),
        articles::endpoints(),
        sections::endpoints(),
    ]
    .into_iter()
    .flatten()
    .map(|endpoint| (format!("/api/v1{}", endpoint.path), endpoint));
    let probes = probe_endpoints()
        .into_iter()
        .map(|endpoint| (endpoint.path.to_owned(), endpoint));
    api.chain(probes)
        .flat_map(|(path, endpoint)| {
            endpoint
                .methods()
                .into_iter()
                .map(move |method| (method, path.clone()))
        })
        .collect()
}

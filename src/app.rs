//! `build(state)`: the actix application (middleware in order, `/api/v1` with its index and each resource's routes, probes, `/openapi.json` and `/docs`), used by the binary and by the tests alike.

use crate::articles;
use crate::auth;
use crate::categories;
use crate::changes;
use crate::error::ApiError;
use crate::http::middleware::{
    caching, compression, cors, idempotency, preview_scope, query_tokens, rate_limit,
    replica_reads, request_log, security_headers, trailing_slash, url_encoding,
};
use crate::http::problem::problem_for_bare_errors;
use crate::http::routing::{self, no_route, on, Endpoint};
use crate::http::{docs, health, index, metrics};
use crate::media;
use crate::openapi;
use crate::people;
use crate::previews;
use crate::references;
use crate::revisions;
use crate::sections;
use crate::site;
use crate::state::AppState;
use crate::tags;
use crate::webhooks;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Compress, ErrorHandlers};
use actix_web::{web, App};

/// The whole application: the API under `/api/v1`, probes, the site's feed and sitemap, the
/// media files, the OpenAPI document and `/docs`.
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
            // Only numeric ids are typed path parameters (`/sections/{id}`).
            ApiError::BadRequest(format!(
                "invalid path parameter: {error}; an id is an integer from 1 to {}",
                i32::MAX
            ))
            .into()
        }))
        // The stack, innermost first: the table in `http::middleware` says why each sits where.
        .wrap(from_fn(replica_reads::mark_anonymous_reads))
        .wrap(from_fn(caching::cache_headers))
        .wrap(from_fn(preview_scope::confine_previews))
        .wrap(from_fn(rate_limit::per_subject))
        .wrap(from_fn(trailing_slash::redirect_trailing_slash))
        .wrap(from_fn(query_tokens::refuse_query_tokens))
        .wrap(from_fn(url_encoding::refuse_undecodable_urls))
        .wrap(from_fn(rate_limit::per_client))
        .wrap(cors)
        .wrap(from_fn(cors::explain_refusals))
        .wrap(Compress::default())
        .wrap(from_fn(compression::tag_representations))
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
        .configure(|cfg| routing::register(cfg, site::endpoints()))
        .configure(|cfg| routing::register(cfg, media::file_endpoints()))
        .configure(|cfg| routing::register(cfg, reference_endpoints()))
        .default_service(web::to(no_route))
}

/// The index and each resource's routes on the `/api/v1` scope.
fn api_routes(cfg: &mut web::ServiceConfig) {
    routing::register(cfg, api_endpoints());
}

/// The index and each resource's endpoints, in registration order, paths relative to `/api/v1`.
fn api_endpoints() -> Vec<Endpoint> {
    [
        index_endpoints(),
        auth::endpoints(),
        categories::endpoints(),
        articles::endpoints(),
        sections::endpoints(),
        references::endpoints(),
        people::endpoints(),
        tags::endpoints(),
        media::endpoints(),
        changes::endpoints(),
        revisions::endpoints(),
        previews::endpoints(),
        webhooks::endpoints(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The index of the API, `GET /api/v1` (relative to the `/api/v1` scope).
fn index_endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new("", vec![on(Method::GET, index::api_index)])]
}

/// The reference, outside the API it describes: the OpenAPI document and Swagger UI (`/docs`
/// redirects to `/docs/`, whose page loads its files by relative URLs).
fn reference_endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/openapi.json",
            vec![on(Method::GET, openapi::serve_document)],
        ),
        Endpoint::new("/docs", vec![on(Method::GET, docs::redirect_to_docs)]),
        Endpoint::new("/docs/", vec![on(Method::GET, docs::docs_index)]),
        Endpoint::new("/docs/{file}", vec![on(Method::GET, docs::docs_file)]),
    ]
}

/// The endpoints outside `/api/v1` that the OpenAPI document describes: the probes and the
/// metrics.
fn probe_endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new("/healthz", vec![on(Method::GET, health::healthz)]),
        Endpoint::new("/readyz", vec![on(Method::GET, health::readyz)]),
        Endpoint::new("/metrics", vec![on(Method::GET, metrics::metrics)]),
    ]
}

/// Every routed operation as `(method, path)` with the full path, HEAD included: what the
/// routed ⇒ documented test compares with the OpenAPI document. `/docs`, `/docs/*` and
/// `/openapi.json` (Swagger UI and the document itself) are left out: they serve the
/// reference, they are not part of the API it describes.
pub fn routed_operations() -> Vec<(Method, String)> {
    let api = api_endpoints()
        .into_iter()
        .map(|endpoint| (format!("/api/v1{}", endpoint.path), endpoint));
    let outside = probe_endpoints()
        .into_iter()
        .chain(site::endpoints())
        .chain(media::file_endpoints())
        .map(|endpoint| (endpoint.path.to_owned(), endpoint));
    api.chain(outside)
        .flat_map(|(path, endpoint)| {
            endpoint
                .methods()
                .into_iter()
                .map(move |method| (method, path.clone()))
        })
        .collect()
}

/// The operations of the reference (`/openapi.json`, `/docs`, `/docs/`, `/docs/{file}`) as
/// `(method, path)`, HEAD included: routed like every other path, but not part of the document.
pub fn reference_operations() -> Vec<(Method, String)> {
    reference_endpoints()
        .into_iter()
        .flat_map(|endpoint| {
            let path = endpoint.path.to_owned();
            endpoint
                .methods()
                .into_iter()
                .map(move |method| (method, path.clone()))
        })
        .collect()
}

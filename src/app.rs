//! `AppState` and `build(state)`: the actix application, used by `main` and by the tests alike.

use crate::articles::handlers as articles;
use crate::articles::views::ViewCounter;
use crate::auth::{self, TokenKeys};
use crate::caching::{self, schedule::Schedule, store::ResponseCache};
use crate::categories::handlers as categories;
use crate::clock::Clock;
use crate::config::{Config, CorsOrigins};
use crate::db::Database;
use crate::error::{ApiError, PROBLEM_JSON};
use crate::health;
use crate::idempotency;
use crate::limits::{self, RateLimits};
use crate::openapi::ApiDoc;
use crate::request_log;
use crate::sections::handlers as sections;
use crate::security_headers;
use crate::tokens::handlers as tokens;
use crate::tokens::usage::TokenUsage;
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{from_fn, Condition, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, FromRequest, Handler, HttpResponse, Responder, ResponseError, Route};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// What every request handler can reach.
pub struct AppState {
    /// Runtime configuration.
    pub config: Config,
    /// The database handles.
    pub db: Database,
    /// Token signing and verification keys.
    pub keys: TokenKeys,
    /// The source of "now".
    pub clock: Clock,
    /// The in-memory rate limiters (per client IP, per token subject, per viewed article).
    pub limiters: RateLimits,
    /// Uses of recorded tokens not yet written to `api_tokens.last_used_at`.
    pub token_usage: TokenUsage,
    /// Article views counted and not yet written.
    pub views: ViewCounter,
    /// Anonymous API responses kept in memory until a write changes them.
    pub responses: ResponseCache,
    /// When the public set of articles last changed, and will next change, by the clock alone.
    pub schedule: Schedule,
}

impl AppState {
    /// State for `config` over an opened database, with the token keys `config` names.
    pub fn new(config: Config, db: Database, clock: Clock) -> anyhow::Result<Self> {
        let keys = TokenKeys::from_config(&config)?;
        let limiters = RateLimits::new(&config.limits);
        let responses = ResponseCache::new(config.response_cache_bytes);
        Ok(Self {
            config,
            db: db.with_clock(clock.clone()),
            keys,
            clock,
            limiters,
            token_usage: TokenUsage::default(),
            views: ViewCounter::default(),
            responses,
            schedule: Schedule::default(),
        })
    }
}

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
    let cors = cors(&state.config.cors_origins);
    App::new()
        .app_data(state)
        .app_data(web::QueryConfig::default().error_handler(|error, _| {
            ApiError::BadRequest(format!("invalid query string: {error}")).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|error, _| {
            ApiError::BadRequest(format!("invalid path parameter: {error}")).into()
        }))
        .wrap(from_fn(caching::cache_headers))
        .wrap(from_fn(limits::per_subject))
        .wrap(from_fn(auth::refuse_query_tokens))
        .wrap(from_fn(limits::per_client))
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

/// CORS for browser frontends on other origins, per `HEALTHHUB_CORS_ORIGINS`; switched off
/// entirely (no headers, preflights reach the routes) when no origin is configured.
///
/// It sits inside the error rewriting, so a refused preflight is a problem+json 400 too.
fn cors(origins: &CorsOrigins) -> Condition<Cors> {
    let base = Cors::default()
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::HeaderName::from_static("idempotency-key"),
            request_log::X_REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::HeaderName::from_static("x-total-count"),
            header::LOCATION,
            idempotency::IDEMPOTENT_REPLAYED,
            header::RETRY_AFTER,
            limits::RATELIMIT_LIMIT,
            limits::RATELIMIT_REMAINING,
            limits::RATELIMIT_RESET,
            request_log::X_REQUEST_ID,
        ])
        .max_age(600);
    match origins {
        CorsOrigins::None => Condition::new(false, base),
        CorsOrigins::AnyReadOnly => Condition::new(
            true,
            base.allow_any_origin().send_wildcard().allowed_methods([
                Method::GET,
                Method::HEAD,
                Method::OPTIONS,
            ]),
        ),
        CorsOrigins::List(list) => Condition::new(
            true,
            list.iter()
                .fold(base, |cors, origin| cors.allowed_origin(origin))
                .allowed_methods([
                    Method::GET,
                    Method::HEAD,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                    Method::OPTIONS,
                ]),
        ),
    }
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

/// The routes answering `method` with `handler`; a GET also answers HEAD (RFC 9110).
fn on<F, Args>(method: Method, handler: F) -> Vec<(Method, Route)>
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    let mut routes = Vec::new();
    if method == Method::GET {
        routes.push((Method::HEAD, web::head().to(handler.clone())));
    }
    routes.insert(0, (method.clone(), web::method(method).to(handler)));
    routes
}

/// A resource at `path` with `routes`; any other method is a 405 whose `Allow` lists them.
fn resource(path: &str, routes: Vec<Vec<(Method, Route)>>) -> actix_web::Resource {
    let routes: Vec<(Method, Route)> = routes.into_iter().flatten().collect();
    let allow = routes
        .iter()
        .map(|(method, _)| method.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    routes
        .into_iter()
        .fold(web::resource(path), |resource, (_, route)| {
            resource.route(route)
        })
        .default_service(web::to(move || {
            let allow = allow.clone();
            async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow }) }
        }))
}

async fn no_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("no route matches this path".to_owned()))
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// Rewrites any error response that is not already problem+json (from actix itself or a
/// library) into one, so every failure has the same shape.
fn problem_for_bare_errors<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("no route matches this path".to_owned()),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge("the request body is too large".to_owned())
        }
        other => ApiError::Http(
            other,
            other.canonical_reason().unwrap_or("error").to_owned(),
        ),
    };
    let (request, _) = response.into_parts();
    let rewritten = ServiceResponse::new(request, error.error_response());
    Ok(ErrorHandlerResponse::Response(
        rewritten.map_into_right_body(),
    ))
}

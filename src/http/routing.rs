//! Routing helpers: a resource answers HEAD wherever it answers GET (RFC 9110 §9.3.2) and 405 with `Allow` for any other method (RFC 9110 §15.5.6); unknown paths are a problem+json 404.

use crate::error::ApiError;
use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, HttpResponse, Responder, Route};

/// The routes answering `method` with `handler`; a GET also answers HEAD (RFC 9110).
pub fn on<F, Args>(method: Method, handler: F) -> Vec<(Method, Route)>
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
pub fn resource(path: &str, routes: Vec<(Method, Route)>) -> actix_web::Resource {
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

/// The default service: a problem+json 404 for any path no route matches.
pub async fn no_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("no route matches this path".to_owned()))
}

/// One routed path and its operations: what a resource's `endpoints()` lists, registered by
/// [`register`] and listed by the routed ⇒ documented test.
pub struct Endpoint {
    /// The path pattern relative to its scope, in the OpenAPI spelling (`/articles/{id_or_slug}`).
    pub path: &'static str,
    /// The operations, HEAD included wherever GET is.
    pub routes: Vec<(Method, Route)>,
}

impl Endpoint {
    /// The endpoint at `path` answering each of `operations` (built with [`on`]).
    pub fn new(path: &'static str, operations: Vec<Vec<(Method, Route)>>) -> Self {
        Self {
            path,
            routes: operations.into_iter().flatten().collect(),
        }
    }

    /// The methods it answers, in registration order.
    pub fn methods(&self) -> Vec<Method> {
        self.routes
            .iter()
            .map(|(method, _)| method.clone())
            .collect()
    }
}

/// Registers each of `endpoints` as a [`resource`], in order (actix tries them in that order,
/// so a literal path such as `/categories/tree` must come before `/categories/{id_or_slug}`).
pub fn register(cfg: &mut web::ServiceConfig, endpoints: Vec<Endpoint>) {
    for endpoint in endpoints {
        cfg.service(resource(endpoint.path, endpoint.routes));
    }
}

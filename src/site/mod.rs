//! The public site's documents: `GET /feed.xml` (Atom 1.0, RFC 4287) and `GET /sitemap.xml` (sitemaps.org 0.9), linking to the frontend's pages.
//!
//! The cores know nothing of HTTP: `urls` (the frontend's URLs from `config::Site`), `params`
//! (the query parameters), `model` (what is read, through the article list query so visibility
//! has one rule), `feed` and `sitemap` (the XML). `handlers` answers requests; this file routes
//! them ([`endpoints`], outside `/api/v1`, where sites and crawlers expect them) and documents
//! them ([`SiteApi`]). Caching, validators and `304`s come from `http::middleware::caching`, as
//! for every anonymous read.

pub mod feed;
pub mod handlers;
pub mod model;
pub mod params;
pub mod sitemap;
pub mod urls;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The site's endpoints, with their full paths.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(urls::FEED_PATH, vec![on(Method::GET, handlers::feed)]),
        Endpoint::new(urls::SITEMAP_PATH, vec![on(Method::GET, handlers::sitemap)]),
    ]
}

/// The site documents' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(handlers::feed, handlers::sitemap))]
pub struct SiteApi;

//! `GET /api/v1`: the index of the API — where each collection, the OpenAPI document and the docs are.

use crate::http::extract::NoQuery;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// The index of the API: links to what a client can start from.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIndex {
    /// The API's name.
    pub name: &'static str,
    /// The API version this prefix serves.
    pub version: &'static str,
    /// Where to start: each collection, the caller's token, the document and the docs.
    pub links: IndexLinks,
    /// URI templates (RFC 6570) of the single resources.
    pub templates: IndexTemplates,
}

/// The starting points of the API, as absolute paths.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexLinks {
    /// This index.
    #[serde(rename = "self")]
    pub this: &'static str,
    /// The flat category list.
    pub categories: &'static str,
    /// The nested category tree.
    pub category_tree: &'static str,
    /// The article list (filters, sort, paging).
    pub articles: &'static str,
    /// Full-text search over the articles (add `?q=`).
    pub search: &'static str,
    /// The authors and medical reviewers.
    pub people: &'static str,
    /// The topics across categories, with their counts of published articles.
    pub tags: &'static str,
    /// The media library (`POST` uploads an image).
    pub media: &'static str,
    /// The caller's token (needs one).
    pub whoami: &'static str,
    /// The changes log (needs `content:read`).
    pub changes: &'static str,
    /// The webhooks (needs `webhooks:manage`).
    pub webhooks: &'static str,
    /// The OpenAPI document describing every operation.
    pub openapi: &'static str,
    /// The interactive documentation (Swagger UI).
    pub docs: &'static str,
}

/// URI templates of the single resources.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexTemplates {
    /// One category by id or slug.
    pub category: &'static str,
    /// One article by id or slug.
    pub article: &'static str,
    /// The ordered sections of an article.
    pub article_sections: &'static str,
    /// The ordered references of an article.
    pub article_references: &'static str,
    /// One person by id or slug.
    pub person: &'static str,
    /// One tag by id or slug.
    pub tag: &'static str,
    /// One section by id.
    pub section: &'static str,
    /// The revisions of an article (needs `content:read`).
    pub article_revisions: &'static str,
    /// `POST` mints a preview link of an article (needs `content:write`); its token reads the
    /// `article` template with that article only.
    pub article_preview: &'static str,
}

/// The index's body; fixed for the life of the process.
pub const INDEX: ApiIndex = ApiIndex {
    name: "HealthHub Content API",
    version: "v1",
    links: IndexLinks {
        this: "/api/v1",
        categories: "/api/v1/categories",
        category_tree: "/api/v1/categories/tree",
        articles: "/api/v1/articles",
        search: "/api/v1/search",
        people: "/api/v1/people",
        tags: "/api/v1/tags",
        media: "/api/v1/media",
        whoami: "/api/v1/auth/whoami",
        changes: "/api/v1/changes",
        webhooks: "/api/v1/webhooks",
        openapi: "/openapi.json",
        docs: "/docs/",
    },
    templates: IndexTemplates {
        category: "/api/v1/categories/{id_or_slug}",
        article: "/api/v1/articles/{id_or_slug}",
        article_sections: "/api/v1/articles/{id_or_slug}/sections",
        article_references: "/api/v1/articles/{id_or_slug}/references",
        person: "/api/v1/people/{id_or_slug}",
        tag: "/api/v1/tags/{id_or_slug}",
        section: "/api/v1/sections/{id}",
        article_revisions: "/api/v1/articles/{id_or_slug}/revisions",
        article_preview: "/api/v1/articles/{id_or_slug}/preview",
    },
};

/// The index of the API: links to each collection, the caller's token, the OpenAPI document and
/// the docs, and URI templates of the single resources.
#[utoipa::path(
    get, path = "/api/v1", tag = "index",
    responses(
        (status = 200, description = "Where to start", body = ApiIndex),
        (status = 400, response = crate::http::openapi_responses::BadRequest),
    ),
    security((), ("bearer" = []))
)]
pub async fn api_index(_no_query: web::Query<NoQuery>) -> HttpResponse {
    HttpResponse::Ok().json(INDEX)
}

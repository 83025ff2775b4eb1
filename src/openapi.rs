//! The OpenAPI 3.1 document: every route, body, parameter and error response, plus the bearer scheme.

use crate::articles::{dto as article_dto, handlers as articles};
use crate::categories::{dto as category_dto, handlers as categories};
use crate::error::{FieldError, Problem};
use crate::sections::{dto as section_dto, handlers as sections};
use crate::{health, responses};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The generated document, served at `/openapi.json` and committed as `openapi/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "HealthHub Content API",
        description = "A headless JSON/REST content API for a health publication: a category tree, \
articles and their ordered sections.\n\n\
Reads are public and see published articles whose `published_at` has passed. Writes need \
`Authorization: Bearer <token>` with the `content:write` scope; publishing needs `content:publish`; \
seeing drafts needs `content:read`. Mint a token with `healthhub token create`.\n\n\
Every error is an RFC 9457 `application/problem+json` body with a stable `code`; validation \
failures (422) list each bad field in `errors`.",
        license(name = "MIT"),
    ),
    paths(
        categories::list_categories,
        categories::create_category,
        categories::get_category,
        categories::update_category,
        categories::delete_category,
        articles::list_articles,
        articles::create_article,
        articles::get_article,
        articles::update_article,
        articles::delete_article,
        articles::publish_article,
        articles::unpublish_article,
        articles::add_view,
        sections::list_sections,
        sections::create_section,
        sections::replace_sections,
        sections::get_section,
        sections::update_section,
        sections::delete_section,
        health::healthz,
        health::readyz,
    ),
    components(
        schemas(
            Problem,
            FieldError,
            category_dto::CategoryView,
            category_dto::CategoryRef,
            category_dto::CategoryDetail,
            category_dto::CategoryList,
            category_dto::CountMeta,
            category_dto::CreateCategory,
            category_dto::UpdateCategory,
            article_dto::ArticleStatus,
            article_dto::ArticleSummary,
            article_dto::ArticleDetail,
            article_dto::ArticleList,
            article_dto::PageMeta,
            article_dto::CreateArticle,
            article_dto::UpdateArticle,
            article_dto::PublishArticle,
            article_dto::ViewCount,
            section_dto::SectionView,
            section_dto::SectionList,
            section_dto::SectionInput,
            section_dto::CreateSection,
            section_dto::UpdateSection,
            section_dto::ReplacementSection,
            section_dto::ReplaceSections,
            health::HealthStatus,
        ),
        responses(
            responses::BadRequest,
            responses::Unauthorized,
            responses::Forbidden,
            responses::NotFound,
            responses::Conflict,
            responses::PreconditionFailed,
            responses::PayloadTooLarge,
            responses::UnsupportedMediaType,
            responses::ValidationFailed,
        )
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "categories", description = "The category tree (HOME > Health > Mental Health)"),
        (name = "articles", description = "Articles: list, read, write, publish, count views"),
        (name = "sections", description = "The ordered heading + body blocks of an article"),
        (name = "health", description = "Liveness and readiness probes"),
    )
)]
pub struct ApiDoc;

/// Adds the `bearer` security scheme (HS256 JWTs minted by `healthhub token create`).
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT from `healthhub token create`; scopes: content:read, content:write, content:publish",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as pretty-printed JSON with a trailing newline (the committed form).
pub fn to_pretty_json() -> serde_json::Result<String> {
    ApiDoc::openapi().to_pretty_json().map(|json| json + "\n")
}

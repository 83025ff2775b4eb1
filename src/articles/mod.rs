//! Articles: title, subtitle, excerpt, status and publish date, filed in a category, with ordered sections.
//!
//! The cores (`status`, `input`, `model`, `query`, `listing`, `search`, `seo`, `view`,
//! `view_counter`, `authored`: a person's articles as their page lists them)
//! know nothing of HTTP; `handlers` answers requests; this file routes them ([`endpoints`]) and
//! documents them ([`ArticlesApi`]).

pub mod authored;
pub mod content;
pub mod handlers;
pub mod history;
pub mod input;
pub mod listing;
pub mod model;
pub mod parts;
pub mod query;
pub mod ranked_index;
pub mod search;
pub mod search_sql;
pub mod seo;
pub mod status;
pub mod view;
pub mod view_counter;

use crate::http::routing::{on, Endpoint};
use actix_web::http::Method;
use utoipa::OpenApi;

/// The `/api/v1` endpoints of articles, in registration order.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            "/articles",
            vec![
                on(Method::GET, handlers::list_articles),
                on(Method::POST, handlers::create_article),
            ],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}",
            vec![
                on(Method::GET, handlers::get_article),
                on(Method::PATCH, handlers::update_article),
                on(Method::DELETE, handlers::delete_article),
            ],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}/related",
            vec![on(Method::GET, handlers::related_articles)],
        ),
        Endpoint::new("/search", vec![on(Method::GET, handlers::search_articles)]),
        Endpoint::new(
            "/articles/{id_or_slug}/publish",
            vec![on(Method::POST, handlers::publish_article)],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}/unpublish",
            vec![on(Method::POST, handlers::unpublish_article)],
        ),
        Endpoint::new(
            "/articles/{id_or_slug}/views",
            vec![on(Method::POST, handlers::add_view)],
        ),
    ]
}

/// The articles' part of the OpenAPI document: their operations and bodies.
#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::list_articles,
        handlers::create_article,
        handlers::search_articles,
        handlers::get_article,
        handlers::related_articles,
        handlers::update_article,
        handlers::delete_article,
        handlers::publish_article,
        handlers::unpublish_article,
        handlers::add_view,
    ),
    components(schemas(
        status::ArticleStatus,
        status::ArticleState,
        view::ArticleView,
        view::SparseArticle,
        view::ArticlePage,
        view::ListMeta,
        view::PageMeta,
        view::CursorMeta,
        view::RelatedArticles,
        view::RelatedMeta,
        input::CreateArticle,
        input::UpdateArticle,
        seo::SeoInput,
        seo::SeoView,
        seo::SocialImageView,
        input::PublishArticle,
        view::ViewCount,
    ))
)]
pub struct ArticlesApi;

//! Request and response bodies for articles.

use super::model::{ArticlePage, ArticleRow};
use crate::categories::dto::CategoryRef;
use crate::nullable;
use crate::sections::dto::{SectionInput, SectionView};
use crate::validate::Checks;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Longest title.
const MAX_TITLE: usize = 300;
/// Longest subtitle.
const MAX_SUBTITLE: usize = 300;
/// Longest excerpt.
const MAX_EXCERPT: usize = 1_000;
/// Most sections in one request.
const MAX_SECTIONS: usize = 200;
/// Default and largest page size of `GET /articles`.
pub const DEFAULT_PER_PAGE: i64 = 20;
/// Largest page size of `GET /articles`.
pub const MAX_PER_PAGE: i64 = 100;

/// Whether an article is visible to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    /// Work in progress: visible only to tokens with `content:read`.
    Draft,
    /// Public once `published_at` has passed.
    Published,
}

impl ArticleStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
        }
    }

    /// Reads a stored value (anything unknown reads as draft, the safe side).
    pub fn from_stored(value: &str) -> Self {
        if value == "published" {
            ArticleStatus::Published
        } else {
            ArticleStatus::Draft
        }
    }
}

/// An article without its sections, as in lists.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "slug": "why-do-we-wake-up-at-3-a-m-sleep-cycles-explained",
    "title": "Why Do We Wake Up at 3 a.m.? Sleep Cycles Explained",
    "subtitle": "Is it a sign of a sleep problem, or simply how the night is structured?",
    "excerpt": "Waking in the small hours is common.", "status": "published",
    "published_at": "2025-04-19T09:30:00Z", "category": {"id": 3, "slug": "sleep", "name": "Sleep"},
    "view_count": 2255, "version": 1,
    "created_at": "2025-04-19T09:30:00Z", "updated_at": "2025-04-19T09:30:00Z"
}))]
pub struct ArticleSummary {
    pub id: i32,
    pub slug: String,
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    pub excerpt: String,
    pub status: ArticleStatus,
    /// When it is (or was, or will be) public; `null` for a draft never scheduled.
    pub published_at: Option<DateTime<Utc>>,
    pub category: CategoryRef,
    pub view_count: i64,
    /// Starts at 1 and grows with every change to the article or its sections; also the `ETag`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ArticleSummary {
    /// The summary of `row`, filed in `category`.
    pub fn new(row: ArticleRow, category: CategoryRef) -> Self {
        Self {
            id: row.id,
            status: ArticleStatus::from_stored(&row.status),
            slug: row.slug,
            title: row.title,
            subtitle: row.subtitle,
            excerpt: row.excerpt,
            published_at: row.published_at.map(|t| t.and_utc()),
            category,
            view_count: row.view_count,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// One article as a page shows it: with its category path and its sections in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDetail {
    #[serde(flatten)]
    pub article: ArticleSummary,
    /// The category path, top-level category first, the article's own category last.
    pub breadcrumbs: Vec<CategoryRef>,
    pub sections: Vec<SectionView>,
}

impl From<ArticlePage> for ArticleDetail {
    fn from(page: ArticlePage) -> Self {
        Self {
            article: ArticleSummary::new(page.article, page.category.into()),
            breadcrumbs: page
                .breadcrumbs
                .into_iter()
                .map(CategoryRef::from)
                .collect(),
            sections: page.sections.into_iter().map(SectionView::from).collect(),
        }
    }
}

/// Paging facts of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    pub page: i64,
    pub per_page: i64,
    /// Items matching the query, over all pages.
    pub total: i64,
    pub total_pages: i64,
}

/// One page of articles, newest `published_at` first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub data: Vec<ArticleSummary>,
    pub meta: PageMeta,
}

/// Query parameters of `GET /articles`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// Only articles filed directly in this category (id or slug).
    pub category: Option<String>,
    /// Only articles with this status; `draft` needs a token with `content:read`.
    pub status: Option<ArticleStatus>,
    /// Page number, from 1.
    #[param(minimum = 1, default = 1)]
    pub page: Option<i64>,
    /// Items per page, 1–100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub per_page: Option<i64>,
}

/// Body of `POST /articles`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Do Therapists Cry During Sessions?",
    "subtitle": "Is it a sign of a deeper issue or simply a moment of empathy?",
    "category_id": 2,
    "sections": [{"heading": "Introduction", "body": "In the practice of psychotherapy…"}]
}))]
pub struct CreateArticle {
    /// 1–300 characters, one line.
    pub title: String,
    /// URL slug; generated from `title` when absent. A taken slug is a 409.
    pub slug: Option<String>,
    /// One line, at most 300 characters.
    #[serde(default)]
    pub subtitle: String,
    /// At most 1 000 characters.
    #[serde(default)]
    pub excerpt: String,
    /// `draft` by default; `published` needs the `content:publish` scope.
    pub status: Option<ArticleStatus>,
    /// Publication time (RFC 3339); for a published article, now when absent. Needs `content:publish`.
    pub published_at: Option<DateTime<Utc>>,
    /// The category the article is filed in.
    pub category_id: i32,
    /// Sections in order (at most 200), created in the same transaction.
    #[serde(default)]
    pub sections: Vec<SectionInput>,
}

impl CreateArticle {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.required_line("title", &self.title, MAX_TITLE);
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        checks.line("subtitle", &self.subtitle, MAX_SUBTITLE);
        checks.text("excerpt", &self.excerpt, MAX_EXCERPT);
        if self.sections.len() > MAX_SECTIONS {
            checks.fail("sections", format!("at most {MAX_SECTIONS} sections"));
        }
        for (i, section) in self.sections.iter().enumerate() {
            section.check(&mut checks, &format!("sections[{i}]."));
        }
        checks.finish()
    }

    /// True when creating it touches publication (status `published` or a `published_at`).
    pub fn publishes(&self) -> bool {
        self.status == Some(ArticleStatus::Published) || self.published_at.is_some()
    }
}

/// Body of `PATCH /articles/{id_or_slug}`: every field optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subtitle": "A one-line promise of what the article answers."}))]
pub struct UpdateArticle {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    pub excerpt: Option<String>,
    pub category_id: Option<i32>,
    /// Changing the status needs `content:publish` (as do the publish/unpublish operations).
    pub status: Option<ArticleStatus>,
    /// Changing the publication time needs `content:publish`; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub published_at: Option<Option<DateTime<Utc>>>,
}

impl UpdateArticle {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        if let Some(title) = &self.title {
            checks.required_line("title", title, MAX_TITLE);
        }
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        if let Some(subtitle) = &self.subtitle {
            checks.line("subtitle", subtitle, MAX_SUBTITLE);
        }
        if let Some(excerpt) = &self.excerpt {
            checks.text("excerpt", excerpt, MAX_EXCERPT);
        }
        if self.status == Some(ArticleStatus::Published) && self.published_at == Some(None) {
            checks.fail(
                "published_at",
                "a published article needs a publication time",
            );
        }
        checks.finish()
    }

    /// True when the change touches publication (status or `published_at`).
    pub fn publishes(&self) -> bool {
        self.status.is_some() || self.published_at.is_some()
    }
}

/// Optional body of `POST /articles/{id_or_slug}/publish`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishArticle {
    /// Publication time; defaults to the one already set, else now. A future time schedules it.
    pub published_at: Option<DateTime<Utc>>,
}

/// The view counter after counting one view.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"view_count": 2256}))]
pub struct ViewCount {
    pub view_count: i64,
}

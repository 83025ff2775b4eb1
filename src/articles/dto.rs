//! Request and response bodies for articles.

use super::model::ArticleRow;
use crate::categories::dto::CategoryRef;
use crate::sections::dto::{SectionInput, SectionView};
use crate::support::nullable;
use crate::support::validate::Checks;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest title.
const MAX_TITLE: usize = 300;
/// Longest subtitle.
const MAX_SUBTITLE: usize = 300;
/// Longest excerpt.
const MAX_EXCERPT: usize = 1_000;
/// Most sections in one request.
const MAX_SECTIONS: usize = 200;

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

/// Where an article stands, as responses report it (computed at request time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleState {
    /// Not published.
    Draft,
    /// Published, but `published_at` is still in the future: invisible to anonymous readers.
    Scheduled,
    /// Public.
    Published,
    /// Published, but `unpublish_at` has passed: invisible to anonymous readers.
    Expired,
}

impl ArticleState {
    /// The state of `row` at `now`.
    pub fn of(row: &ArticleRow, now: NaiveDateTime) -> Self {
        if ArticleStatus::from_stored(&row.status) == ArticleStatus::Draft {
            ArticleState::Draft
        } else if row.published_at.is_none_or(|at| at > now) {
            ArticleState::Scheduled
        } else if row.unpublish_at.is_some_and(|at| at <= now) {
            ArticleState::Expired
        } else {
            ArticleState::Published
        }
    }
}

/// An article. Lists and single reads share this shape; `fields` can narrow it (`id` always
/// stays) and `include` chooses the embeds (`category`, `breadcrumbs`, `sections`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "slug": "why-do-we-wake-up-at-3-a-m-sleep-cycles-explained",
    "title": "Why Do We Wake Up at 3 a.m.? Sleep Cycles Explained",
    "subtitle": "Is it a sign of a sleep problem, or simply how the night is structured?",
    "excerpt": "Middle-of-the-night awakenings are common. Here is how sleep cycles, stress, and evening habits may explain waking in the early hours.",
    "status": "published", "published_at": "2025-04-19T09:30:00Z", "unpublish_at": null,
    "category_id": 3, "view_count": 2255, "version": 1, "word_count": 480, "reading_time_minutes": 3,
    "created_at": "2025-04-19T09:30:00Z", "updated_at": "2025-04-19T09:30:00Z",
    "category": {"id": 3, "slug": "sleep", "name": "Sleep"}
}))]
pub struct ArticleView {
    pub id: i32,
    #[schema(required = false)]
    pub slug: String,
    #[schema(required = false)]
    pub title: String,
    /// One line under the title.
    #[schema(required = false)]
    pub subtitle: String,
    /// The given excerpt, or one derived from the first section (cut on a word boundary with "…").
    #[schema(required = false)]
    pub excerpt: String,
    #[schema(required = false)]
    pub status: ArticleState,
    /// When it is (or was, or will be) public; `null` for a draft never scheduled.
    #[schema(required = false)]
    pub published_at: Option<DateTime<Utc>>,
    /// When it stops being public; `null` for never.
    #[schema(required = false)]
    pub unpublish_at: Option<DateTime<Utc>>,
    #[schema(required = false)]
    pub category_id: i32,
    #[schema(required = false)]
    pub view_count: i64,
    /// Starts at 1 and grows with every change to the article or its sections.
    #[schema(required = false)]
    pub version: i32,
    /// Words in the section headings and bodies.
    #[schema(required = false)]
    pub word_count: i32,
    /// At 200 words per minute, at least 1.
    #[schema(required = false)]
    pub reading_time_minutes: u32,
    #[schema(required = false)]
    pub created_at: DateTime<Utc>,
    #[schema(required = false)]
    pub updated_at: DateTime<Utc>,
    /// Embed `category`: the category it is filed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryRef>,
    /// Embed `breadcrumbs`: the category path, top-level first, its own category last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breadcrumbs: Option<Vec<CategoryRef>>,
    /// Embed `sections`: the sections in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<SectionView>>,
    /// Search results only: the best matching passage, HTML-escaped, hits wrapped in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Search results only: bm25 relevance (lower is more relevant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<f64>,
}

/// Paging facts of a list; which are present depends on the paging mode.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ListMeta {
    /// Page mode: the page number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    /// Page mode: items per page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_page: Option<i64>,
    /// Cursor mode: items per page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Items matching the query over all pages (page mode, or `count=true`); also `X-Total-Count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// Page mode: the number of pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<i64>,
    /// Cursor mode: pass as `after` for the next page; `null` on the last page. Also in `Link: rel="next"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<Option<String>>,
}

/// A page of articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub data: Vec<ArticleView>,
    pub meta: ListMeta,
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
    /// Publication time (RFC 3339); for a published article, now when absent; a future time
    /// schedules it. Needs `content:publish`.
    pub published_at: Option<DateTime<Utc>>,
    /// When the article stops being public (optional). Needs `content:publish`.
    pub unpublish_at: Option<DateTime<Utc>>,
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
        check_window(&mut checks, self.published_at, self.unpublish_at);
        checks.finish()
    }

    /// True when creating it touches publication (status, `published_at` or `unpublish_at`).
    pub fn publishes(&self) -> bool {
        self.status == Some(ArticleStatus::Published)
            || self.published_at.is_some()
            || self.unpublish_at.is_some()
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
    /// When it stops being public; `null` clears it. Needs `content:publish`.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
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
        check_window(
            &mut checks,
            self.published_at.flatten(),
            self.unpublish_at.flatten(),
        );
        checks.finish()
    }

    /// True when the change touches publication (status, `published_at` or `unpublish_at`).
    pub fn publishes(&self) -> bool {
        self.status.is_some() || self.published_at.is_some() || self.unpublish_at.is_some()
    }
}

/// `unpublish_at` must come after `published_at` when both are given.
fn check_window(
    checks: &mut Checks,
    published_at: Option<DateTime<Utc>>,
    unpublish_at: Option<DateTime<Utc>>,
) {
    if let (Some(from), Some(until)) = (published_at, unpublish_at) {
        if until <= from {
            checks.fail("unpublish_at", "must be after published_at");
        }
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

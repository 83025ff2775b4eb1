//! Request bodies of the article endpoints and the checks that need no database (422 field errors).

use super::status::ArticleStatus;
use crate::sections::input::SectionInput;
use crate::support::nullable;
use crate::support::validate::Checks;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

/// Longest title.
const MAX_TITLE: usize = 300;
/// Longest subtitle.
const MAX_SUBTITLE: usize = 300;
/// Longest excerpt.
const MAX_EXCERPT: usize = 1_000;
/// Most sections in one request.
const MAX_SECTIONS: usize = 200;

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

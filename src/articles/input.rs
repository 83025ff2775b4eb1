//! Request bodies of the article endpoints and the checks that need no database (422 field errors).

use super::content::{check_window, ArticleContent};
use super::status::ArticleStatus;
use crate::people::bylines::{self, Byline};
use crate::references::input::{self as references_input, ReferenceInput};
use crate::sections::input::{SectionInput, MAX_SECTIONS};
use crate::support::nullable;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

/// A title: one line, 1–300 characters.
const TITLE: Syntax = Syntax::RequiredLine(300);
/// A subtitle: one line, at most 300 characters.
const SUBTITLE: Syntax = Syntax::Line(300);
/// An excerpt: at most 1 000 characters.
const EXCERPT: Syntax = Syntax::Text(1_000);

/// The syntax of the article bodies' text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("CreateArticle", "title", TITLE),
    ("CreateArticle", "slug", Syntax::Slug),
    ("CreateArticle", "subtitle", SUBTITLE),
    ("CreateArticle", "excerpt", EXCERPT),
    ("UpdateArticle", "title", TITLE),
    ("UpdateArticle", "slug", Syntax::Slug),
    ("UpdateArticle", "subtitle", SUBTITLE),
    ("UpdateArticle", "excerpt", EXCERPT),
];

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
    #[schema(max_items = 200)]
    pub sections: Vec<SectionInput>,
    /// References in order (at most 200), created in the same transaction.
    #[serde(default)]
    #[schema(max_items = 200)]
    pub references: Vec<ReferenceInput>,
    /// Its authors' person ids, in byline order (at most 20, each once).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub authors: Vec<i32>,
    /// Its medical reviewer's person id; given with `reviewed_at`.
    pub reviewer_id: Option<i32>,
    /// The date of the last medical review (`YYYY-MM-DD`); given with `reviewer_id`.
    pub reviewed_at: Option<NaiveDate>,
}

impl CreateArticle {
    /// The byline this request gives the article.
    pub fn byline(&self) -> Byline {
        Byline {
            authors: self.authors.clone(),
            reviewer_id: self.reviewer_id,
            reviewed_at: self.reviewed_at,
        }
    }

    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.syntax("title", &self.title, TITLE);
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        checks.syntax("subtitle", &self.subtitle, SUBTITLE);
        checks.syntax("excerpt", &self.excerpt, EXCERPT);
        if self.sections.len() > MAX_SECTIONS {
            checks.fail(
                "sections",
                format!("an article has at most {MAX_SECTIONS} sections"),
            );
        }
        for (i, section) in self.sections.iter().enumerate() {
            section.check(&mut checks, &format!("sections[{i}]."));
        }
        references_input::check_all(&mut checks, "references", &self.references);
        bylines::check_authors(&mut checks, &self.authors);
        bylines::check_review(&mut checks, &self.byline());
        bylines::check_review_date(&mut checks, self.reviewed_at);
        checks.time("published_at", self.published_at);
        checks.time("unpublish_at", self.unpublish_at);
        check_window(
            &mut checks,
            self.published_at.map(|t| t.naive_utc()),
            self.unpublish_at.map(|t| t.naive_utc()),
        );
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
///
/// An absent field keeps its value; `null` clears an optional field (`subtitle`, `excerpt`,
/// `published_at`, `unpublish_at`) and is a 422 for a required one. The rules over several
/// fields hold on the merged result (stored values + these changes), and a PATCH that changes
/// nothing writes nothing: same `version`, same `updated_at`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subtitle": "A one-line promise of what the article answers."}))]
pub struct UpdateArticle {
    /// 1–300 characters, one line; not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub title: Option<Option<String>>,
    /// A free slug; the old one keeps redirecting. Not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub slug: Option<Option<String>>,
    /// One line, at most 300 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub subtitle: Option<Option<String>>,
    /// At most 1 000 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub excerpt: Option<Option<String>>,
    /// An existing category's id; not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = i32)]
    pub category_id: Option<Option<i32>>,
    /// Changing the status needs `content:publish` (as do the publish/unpublish operations).
    /// Not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = ArticleStatus)]
    pub status: Option<Option<ArticleStatus>>,
    /// Changing the publication time needs `content:publish`; `null` clears it (a draft's only).
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub published_at: Option<Option<DateTime<Utc>>>,
    /// When it stops being public (after `published_at`); `null` clears it. Needs `content:publish`.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub unpublish_at: Option<Option<DateTime<Utc>>>,
    /// The whole new list of authors' person ids (at most 20, each once; `[]` for none). Not
    /// nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Vec<i32>, max_items = 20)]
    pub authors: Option<Option<Vec<i32>>>,
    /// A new medical reviewer's person id; `null` removes the review (and its date).
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<i32>)]
    pub reviewer_id: Option<Option<i32>>,
    /// The date of the last medical review (`YYYY-MM-DD`). Not nullable: `reviewer_id: null`
    /// removes the review with its date.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = NaiveDate)]
    pub reviewed_at: Option<Option<NaiveDate>>,
}

impl UpdateArticle {
    /// Checks everything that needs no database: each field alone (the merged result is
    /// checked by [`ArticleContent::check`]).
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        if let Some(title) = checks.not_null("title", &self.title) {
            checks.syntax("title", title, TITLE);
        }
        if let Some(slug) = checks.not_null("slug", &self.slug) {
            checks.slug("slug", slug);
        }
        checks.not_null("category_id", &self.category_id);
        checks.not_null("status", &self.status);
        if let Some(authors) = checks.not_null("authors", &self.authors) {
            bylines::check_authors(&mut checks, authors);
        }
        if let Some(at) = checks.not_null("reviewed_at", &self.reviewed_at) {
            bylines::check_review_date(&mut checks, Some(*at));
        }
        if self.reviewer_id == Some(None) && matches!(self.reviewed_at, Some(Some(_))) {
            checks.fail("reviewed_at", "a review date needs a reviewer_id");
        }
        if let Some(Some(subtitle)) = &self.subtitle {
            checks.syntax("subtitle", subtitle, SUBTITLE);
        }
        if let Some(Some(excerpt)) = &self.excerpt {
            checks.syntax("excerpt", excerpt, EXCERPT);
        }
        if self.status == Some(Some(ArticleStatus::Published)) && self.published_at == Some(None) {
            checks.fail(
                "published_at",
                "a published article needs a publication time",
            );
        }
        checks.time("published_at", self.published_at.flatten());
        checks.time("unpublish_at", self.unpublish_at.flatten());
        check_window(
            &mut checks,
            self.published_at.flatten().map(|t| t.naive_utc()),
            self.unpublish_at.flatten().map(|t| t.naive_utc()),
        );
        checks.finish()
    }

    /// `stored` with the byline changes of this request applied, or `None` when it names no
    /// byline field. Removing the reviewer removes the review's date too.
    pub fn byline_onto(&self, stored: Byline) -> Option<Byline> {
        if self.authors.is_none() && self.reviewer_id.is_none() && self.reviewed_at.is_none() {
            return None;
        }
        let mut merged = stored;
        if let Some(Some(authors)) = &self.authors {
            merged.authors.clone_from(authors);
        }
        if let Some(Some(at)) = self.reviewed_at {
            merged.reviewed_at = Some(at);
        }
        if let Some(reviewer) = self.reviewer_id {
            merged.reviewer_id = reviewer;
            if reviewer.is_none() {
                merged.reviewed_at = None;
            }
        }
        Some(merged)
    }

    /// True when the change touches publication (status, `published_at` or `unpublish_at`).
    pub fn publishes(&self) -> bool {
        self.status.is_some() || self.published_at.is_some() || self.unpublish_at.is_some()
    }

    /// `stored` with these changes applied (a checked request: required fields are not null).
    /// Becoming published without a publication time takes the one stored, else `now`.
    pub fn merged_onto(&self, stored: &ArticleContent, now: NaiveDateTime) -> ArticleContent {
        let mut merged = stored.clone();
        if let Some(Some(title)) = &self.title {
            merged.title = title.trim().to_owned();
        }
        if let Some(Some(slug)) = &self.slug {
            merged.slug.clone_from(slug);
        }
        if let Some(subtitle) = &self.subtitle {
            merged.subtitle = subtitle
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned();
        }
        if let Some(excerpt) = &self.excerpt {
            merged.excerpt = excerpt
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned();
        }
        if let Some(Some(category_id)) = self.category_id {
            merged.category_id = category_id;
        }
        if let Some(at) = self.published_at {
            merged.published_at = at.map(|t| t.naive_utc());
        }
        if let Some(at) = self.unpublish_at {
            merged.unpublish_at = at.map(|t| t.naive_utc());
        }
        if let Some(Some(status)) = self.status {
            merged.status = status.as_str().to_owned();
        }
        let published = merged.status() == ArticleStatus::Published;
        if published && merged.published_at.is_none() && self.published_at.is_none() {
            merged.published_at = Some(now);
        }
        merged
    }
}

/// Optional body of `POST /articles/{id_or_slug}/publish`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishArticle {
    /// Publication time; defaults to the one already set, else now. A future time schedules it.
    pub published_at: Option<DateTime<Utc>>,
}

impl PublishArticle {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.time("published_at", self.published_at);
        checks.finish()
    }
}

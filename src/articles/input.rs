//! Request bodies of the article endpoints and the checks that need no database (422 field errors).

use super::content::{check_window, ArticleContent};
use super::seo::SeoInput;
use super::status::ArticleStatus;
use crate::media::feature_images::{self, FeatureImage};
use crate::people::bylines::{self, Byline, ReviewInput};
use crate::references::input::{self as references_input, ReferenceInput};
use crate::sections::input::{SectionInput, MAX_SECTIONS};
use crate::support::json_object;
use crate::support::nullable;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use crate::tags::article_tags;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

/// A title: one line, 1–300 characters.
pub const TITLE: Syntax = Syntax::RequiredLine(300);
/// A subtitle: one line, at most 300 characters.
pub const SUBTITLE: Syntax = Syntax::Line(300);
/// An excerpt: at most 1 000 characters.
pub const EXCERPT: Syntax = Syntax::Text(1_000);

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

/// The list properties whose items must differ from each other (`uniqueItems`), for the OpenAPI
/// document: an article names each author and each tag once.
pub const UNIQUE_LIST_FIELDS: &[(&str, &str)] = &[
    ("CreateArticle", "authors"),
    ("UpdateArticle", "authors"),
    ("CreateArticle", "tags"),
    ("UpdateArticle", "tags"),
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
    #[serde(default, deserialize_with = "json_object::object_list")]
    #[schema(max_items = 200)]
    pub sections: Vec<SectionInput>,
    /// References in order (at most 200), created in the same transaction.
    #[serde(default, deserialize_with = "json_object::object_list")]
    #[schema(max_items = 200)]
    pub references: Vec<ReferenceInput>,
    /// Its authors' person ids, in byline order (at most 20, each once).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub authors: Vec<i32>,
    /// Its medical review: who reviewed it and when.
    #[serde(default, deserialize_with = "json_object::optional")]
    pub review: Option<ReviewInput>,
    /// The ids of the tags it carries, in order (at most 20, each once).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub tags: Vec<i32>,
    /// Its SEO fields; what is absent is derived when read.
    #[serde(default, deserialize_with = "json_object::optional")]
    pub seo: Option<SeoInput>,
    /// Its feature image: a media item with the alt text and caption it has here (alt text
    /// required when the article is published).
    #[serde(default, deserialize_with = "json_object::optional")]
    pub feature_image: Option<FeatureImage>,
}

impl CreateArticle {
    /// The byline this request gives the article.
    pub fn byline(&self) -> Byline {
        Byline {
            authors: self.authors.clone(),
            reviewer_id: self.review.as_ref().map(|r| r.reviewer_id),
            reviewed_at: self.review.as_ref().map(|r| r.reviewed_at),
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
        if let Some(review) = &self.review {
            bylines::check_review_date(&mut checks, review.reviewed_at);
        }
        article_tags::check(&mut checks, &self.tags);
        if let Some(seo) = &self.seo {
            seo.check(&mut checks);
        }
        if let Some(image) = &self.feature_image {
            let published = self.status == Some(ArticleStatus::Published);
            feature_images::check(&mut checks, "feature_image", image, published);
        }
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
    /// A new medical review (who and when, both required); `null` removes the review.
    #[serde(default, deserialize_with = "json_object::nullable")]
    #[schema(value_type = Option<ReviewInput>)]
    pub review: Option<Option<ReviewInput>>,
    /// The whole new list of tag ids (at most 20, each once; `[]` for none). Not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Vec<i32>, max_items = 20)]
    pub tags: Option<Option<Vec<i32>>>,
    /// The whole new set of SEO fields (what it leaves out is derived); `null` removes them all.
    #[serde(default, deserialize_with = "json_object::nullable")]
    #[schema(value_type = Option<SeoInput>)]
    pub seo: Option<Option<SeoInput>>,
    /// A new feature image (media id, alt text, caption); `null` removes it. Its alt text is
    /// required when the article is (or becomes) published.
    #[serde(default, deserialize_with = "json_object::nullable")]
    #[schema(value_type = Option<FeatureImage>)]
    pub feature_image: Option<Option<FeatureImage>>,
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
        if let Some(Some(review)) = &self.review {
            bylines::check_review_date(&mut checks, review.reviewed_at);
        }
        if let Some(tags) = checks.not_null("tags", &self.tags) {
            article_tags::check(&mut checks, tags);
        }
        if let Some(Some(seo)) = &self.seo {
            seo.check(&mut checks);
        }
        if let Some(Some(image)) = &self.feature_image {
            let published = self.status == Some(Some(ArticleStatus::Published));
            feature_images::check(&mut checks, "feature_image", image, published);
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
    /// byline field.
    pub fn byline_onto(&self, stored: Byline) -> Option<Byline> {
        if self.authors.is_none() && self.review.is_none() {
            return None;
        }
        let mut merged = stored;
        if let Some(Some(authors)) = &self.authors {
            merged.authors.clone_from(authors);
        }
        if let Some(review) = &self.review {
            merged.reviewer_id = review.as_ref().map(|r| r.reviewer_id);
            merged.reviewed_at = review.as_ref().map(|r| r.reviewed_at);
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

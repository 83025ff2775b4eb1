//! An article's search-engine and social fields: a meta title, a meta description, a
//! canonical URL and a social image, each optional, stored beside the article in `article_seo`;
//! and the values a frontend uses when one is absent (derived from the title, the excerpt, the
//! public page and the feature image).

use crate::db::by_ids::load_by_ids;
use crate::db::schema::article_seo;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::media::files;
use crate::media::model::{self as media_model, MediaRow};
use crate::support::markdown;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// The longest meta title: one line of 70 characters (what search results show before they cut).
pub const MAX_META_TITLE: usize = 70;
/// The longest meta description: one line of 160 characters (likewise).
pub const MAX_META_DESCRIPTION: usize = 160;

/// The syntax of the SEO text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    (
        "SeoInput",
        "meta_title",
        Syntax::RequiredLine(MAX_META_TITLE),
    ),
    (
        "SeoInput",
        "meta_description",
        Syntax::RequiredLine(MAX_META_DESCRIPTION),
    ),
];

/// The SEO fields a write gives an article, as stored: each absent (or `null`) field is derived
/// when read ([`SeoView`]).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, Queryable, Selectable,
)]
#[diesel(table_name = article_seo, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"meta_title": "Why we wake at 3 a.m.", "meta_description": null,
                          "canonical_url": null, "og_image": null}))]
pub struct SeoInput {
    /// The page's `<title>`: one line, 1–70 characters; absent: the article's title.
    #[serde(default)]
    pub meta_title: Option<String>,
    /// The page's meta description: one line, 1–160 characters; absent: the excerpt.
    #[serde(default)]
    pub meta_description: Option<String>,
    /// Where the content's original lives (`<link rel="canonical">`), an absolute `http` or
    /// `https` URL; absent: the article's own page on the public site.
    #[serde(default)]
    pub canonical_url: Option<String>,
    /// The media item social cards show (`og:image`), by id; absent: the feature image. The
    /// item must exist (409 otherwise) and cannot be deleted while an article names it.
    #[serde(default)]
    #[diesel(column_name = og_image_id)]
    pub og_image: Option<i32>,
}

impl SeoInput {
    /// True when no field is set (nothing to store).
    pub fn is_empty(&self) -> bool {
        *self == SeoInput::default()
    }

    /// Records what is wrong with these fields under `seo.<field>`.
    pub fn check(&self, checks: &mut Checks) {
        if let Some(title) = &self.meta_title {
            checks.syntax(
                "seo.meta_title",
                title,
                Syntax::RequiredLine(MAX_META_TITLE),
            );
        }
        if let Some(description) = &self.meta_description {
            checks.syntax(
                "seo.meta_description",
                description,
                Syntax::RequiredLine(MAX_META_DESCRIPTION),
            );
        }
        if let Some(url) = &self.canonical_url {
            if let Err(message) = crate::webhooks::target::check_url(url) {
                checks.fail("seo.canonical_url", message);
            }
        }
    }
}

/// The SEO fields of an article as a frontend uses them: every value present, derived where
/// none was given, with what was stored beside them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "meta_title": "Why Do We Wake Up at 3 a.m.? Sleep Cycles Explained",
    "meta_description": "Middle-of-the-night awakenings are common.",
    "canonical_url": "https://www.example.org/articles/why-do-we-wake-up-at-3-a-m",
    "og_image": {"media_id": 3, "alt": "A bowl of oats with blueberries",
        "url": "/media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg",
        "media_type": "image/jpeg", "width": 2400, "height": 1600},
    "stored": {"meta_title": null, "meta_description": null, "canonical_url": null, "og_image": null}
}))]
pub struct SeoView {
    /// The stored meta title, else the article's title cut to 70 characters on a word
    /// boundary ("…").
    pub meta_title: String,
    /// The stored meta description, else the excerpt cut to 160 characters likewise.
    pub meta_description: String,
    /// The stored canonical URL, else the article's page on the public site
    /// (`HEALTHHUB_PUBLIC_BASE_URL` and `HEALTHHUB_PUBLIC_ARTICLE_PATH`).
    pub canonical_url: String,
    /// The stored social image, else the feature image (with its alt text on this article);
    /// `null` when the article has neither.
    #[schema(required = true)]
    pub og_image: Option<SocialImageView>,
    /// What the article stores (`null`: derived).
    pub stored: SeoInput,
}

/// The image social cards show, with what the Open Graph tags need (`og:image`,
/// `og:image:type`, `og:image:width`, `og:image:height`, `og:image:alt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SocialImageView {
    /// The media item; `null` when an external feature image stands in.
    #[schema(required = true)]
    pub media_id: Option<i32>,
    /// `og:image:alt`: the media item's alt text, or, when the feature image stands in, the alt
    /// text it has on the article.
    pub alt: String,
    /// Where the original is served, like a feature image's `url` (an external feature image's
    /// address when it stands in).
    pub url: String,
    /// `og:image:type`; `null` for an external image (never fetched, so unknown).
    #[schema(required = true)]
    pub media_type: Option<String>,
    /// `og:image:width` in pixels; `null` for an external image.
    #[schema(required = true)]
    pub width: Option<i32>,
    /// `og:image:height` in pixels; `null` for an external image.
    #[schema(required = true)]
    pub height: Option<i32>,
}

impl SocialImageView {
    /// The view of `medium` shown with `alt`.
    pub fn new(medium: &MediaRow, alt: String) -> Self {
        let format = medium.format();
        Self {
            media_id: Some(medium.id),
            alt,
            url: files::url(&files::original(&medium.sha256, format)),
            media_type: Some(medium.media_type.clone()),
            width: Some(medium.width),
            height: Some(medium.height),
        }
    }

    /// The external image at `url` (an article's feature image kept by reference) shown with
    /// `alt`: its format and size are unknown.
    pub fn external(url: &str, alt: String) -> Self {
        Self {
            media_id: None,
            alt,
            url: url.to_string(),
            media_type: None,
            width: None,
            height: None,
        }
    }
}

/// What an article shows that its derived SEO values come from.
#[derive(Debug, Clone, Copy)]
pub struct Derivable<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    /// The given or derived excerpt.
    pub excerpt: &'a str,
}

impl SeoView {
    /// The view of `stored` for an article showing `shown` whose public page is `page` and
    /// whose social image (stored, else its feature image) is `og_image`. A derived
    /// value has the syntax of a stored one: one line (runs of white space, line breaks included,
    /// become one space; control characters go), never empty (the description falls back from
    /// the excerpt to the subtitle, then the title), cut to its limit.
    pub fn new(
        stored: SeoInput,
        shown: Derivable<'_>,
        page: String,
        og_image: Option<SocialImageView>,
    ) -> Self {
        let derived = |text: &str, max: usize| markdown::excerpt(&one_line(text), max);
        let description = [shown.excerpt, shown.subtitle, shown.title]
            .into_iter()
            .map(one_line)
            .find(|text| !text.is_empty())
            .unwrap_or_default();
        Self {
            meta_title: stored
                .meta_title
                .clone()
                .unwrap_or_else(|| derived(shown.title, MAX_META_TITLE)),
            meta_description: stored
                .meta_description
                .clone()
                .unwrap_or_else(|| markdown::excerpt(&description, MAX_META_DESCRIPTION)),
            canonical_url: stored.canonical_url.clone().unwrap_or(page),
            og_image,
            stored,
        }
    }
}

/// `text` on one line: control characters dropped, runs of white space made one space, trimmed.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stored SEO fields of each of `article_ids` (an article with none is absent).
pub fn of_articles(conn: &mut DbConn, article_ids: &[i32]) -> QueryResult<HashMap<i32, SeoInput>> {
    let rows: Vec<(i32, SeoInput)> = load_by_ids!(
        article_seo::table.select((article_seo::article_id, SeoInput::as_select())),
        article_seo::article_id,
        article_ids,
        conn
    )?;
    Ok(rows.into_iter().collect())
}

/// The stored SEO fields of `article_id` (all absent when it has none).
pub fn of(conn: &mut DbConn, article_id: i32) -> QueryResult<SeoInput> {
    Ok(of_articles(conn, &[article_id])?
        .remove(&article_id)
        .unwrap_or_default())
}

/// Makes `seo` (checked) the stored SEO fields of `article_id`; returns whether they changed.
///
/// Errors: 409 on `seo.og_image` when no media item has that id.
pub fn write(conn: &mut DbConn, article_id: i32, seo: &SeoInput) -> ApiResult<bool> {
    if of(conn, article_id)? == *seo {
        return Ok(false);
    }
    store(conn, article_id, seo)?;
    Ok(true)
}

/// Stores `seo` like [`write`], without first comparing it with the stored fields (for a caller
/// that has): no row when every field is absent. Errors: as [`write`]'s.
pub fn store(conn: &mut DbConn, article_id: i32, seo: &SeoInput) -> ApiResult<()> {
    if let Some(id) = seo.og_image {
        if media_model::find(conn, id)?.is_none() {
            return Err(ApiError::conflicting(
                "seo.og_image",
                format!("no media item has id {id}"),
            ));
        }
    }
    diesel::delete(article_seo::table.find(article_id)).execute(conn)?;
    if !seo.is_empty() {
        diesel::insert_into(article_seo::table)
            .values((
                article_seo::article_id.eq(article_id),
                article_seo::meta_title.eq(&seo.meta_title),
                article_seo::meta_description.eq(&seo.meta_description),
                article_seo::canonical_url.eq(&seo.canonical_url),
                article_seo::og_image_id.eq(seo.og_image),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown<'a>(title: &'a str, subtitle: &'a str, excerpt: &'a str) -> Derivable<'a> {
        Derivable {
            title,
            subtitle,
            excerpt,
        }
    }

    #[test]
    fn derived_values_are_one_line_and_never_empty() {
        let view = SeoView::new(
            SeoInput::default(),
            shown(
                "Sleep\twell",
                "",
                "First line\r\nSecond\u{1}line\u{1b}[31m  end",
            ),
            "https://example.org/a".to_owned(),
            None,
        );
        assert_eq!(view.meta_title, "Sleep well");
        assert_eq!(view.meta_description, "First line Second line [31m end");
        let bare = SeoView::new(
            SeoInput::default(),
            shown("Title", " ", ""),
            String::new(),
            None,
        );
        assert_eq!(bare.meta_description, "Title");
        let subtitled = SeoView::new(
            SeoInput::default(),
            shown("Title", "Sub", ""),
            String::new(),
            None,
        );
        assert_eq!(subtitled.meta_description, "Sub");
    }
}

//! Request bodies and query parameters of the tag endpoints, and the checks that need no database (422 field errors).

use crate::support::nullable;
use crate::support::query_number;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A tag's name: one line, 1–100 characters.
pub const NAME: Syntax = Syntax::RequiredLine(100);
/// A tag's description: plain text, at most 1 000 characters.
pub const DESCRIPTION: Syntax = Syntax::Text(1_000);
/// The default `limit` of `GET /tags`.
pub const DEFAULT_LIMIT: i64 = 100;
/// The largest `limit` of `GET /tags`.
pub const MAX_LIMIT: i64 = 500;

/// The syntax of the tag bodies' text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("CreateTag", "name", NAME),
    ("CreateTag", "slug", Syntax::Slug),
    ("CreateTag", "description", DESCRIPTION),
    ("UpdateTag", "name", NAME),
    ("UpdateTag", "slug", Syntax::Slug),
    ("UpdateTag", "description", DESCRIPTION),
];

/// Query parameters of `GET /tags`: keyset pages in id order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TagsQuery {
    /// Tags per page, 1–500 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// Only tags with an id above this one (the previous page's `meta.next_after`).
    #[param(value_type = Option<i32>, minimum = 0, maximum = 2147483647)]
    pub after: Option<String>,
}

impl TagsQuery {
    /// `limit` (default 100) and `after` (default 0), each a 400 naming it and its range when
    /// it is not an integer in that range.
    pub fn page(&self) -> Result<(i64, i32), crate::error::ApiError> {
        query_number::id_page(
            self.limit.as_deref(),
            self.after.as_deref(),
            DEFAULT_LIMIT,
            MAX_LIMIT,
        )
    }
}

/// Body of `POST /tags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Sleep", "description": "Rest, insomnia and dreams."}))]
pub struct CreateTag {
    /// Display name (1–100 characters, one line).
    pub name: String,
    /// URL slug; generated from `name` when absent. A taken slug is a 409.
    pub slug: Option<String>,
    /// Plain text, at most 1 000 characters.
    #[serde(default)]
    pub description: String,
}

impl CreateTag {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.syntax("name", &self.name, NAME);
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        checks.syntax("description", &self.description, DESCRIPTION);
        checks.finish()
    }
}

/// Body of `PATCH /tags/{id_or_slug}`: every field optional.
///
/// An absent field keeps its value; `null` clears `description`, and is a 422 for `name` and
/// `slug`. A PATCH that changes nothing writes nothing (same `version`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Sleep health"}))]
pub struct UpdateTag {
    /// 1–100 characters, one line; not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub name: Option<Option<String>>,
    /// A free slug; the old one keeps redirecting. Not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub slug: Option<Option<String>>,
    /// At most 1 000 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

impl UpdateTag {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        if let Some(name) = checks.not_null("name", &self.name) {
            checks.syntax("name", name, NAME);
        }
        if let Some(slug) = checks.not_null("slug", &self.slug) {
            checks.slug("slug", slug);
        }
        if let Some(Some(description)) = &self.description {
            checks.syntax("description", description, DESCRIPTION);
        }
        checks.finish()
    }
}

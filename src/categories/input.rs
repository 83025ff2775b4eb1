//! Request bodies and query parameters of the category endpoints, and the checks that need no database (422 field errors).

use super::content::CategoryContent;
use crate::support::nullable;
use crate::support::validate::{Checks, FieldSyntax, Syntax};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A category name: one line, 1–120 characters.
pub const NAME: Syntax = Syntax::RequiredLine(120);
/// A category description: at most 2 000 characters.
pub const DESCRIPTION: Syntax = Syntax::Text(2_000);

/// The syntax of the category bodies' text fields, for the OpenAPI document.
pub const TEXT_FIELDS: &[FieldSyntax] = &[
    ("CreateCategory", "name", NAME),
    ("CreateCategory", "slug", Syntax::Slug),
    ("CreateCategory", "description", DESCRIPTION),
    ("UpdateCategory", "name", NAME),
    ("UpdateCategory", "slug", Syntax::Slug),
    ("UpdateCategory", "description", DESCRIPTION),
];
/// Largest position.
const MAX_POSITION: i32 = 1_000_000;
/// Most levels `GET /categories/tree` returns when asked for a `depth`.
pub const MAX_TREE_DEPTH: u32 = 16;

/// Query parameters of `GET /categories/tree`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CategoryTreeQuery {
    /// Only this category and its descendants (id or slug).
    pub root: Option<String>,
    /// Levels to include, 1–16 (1 = only the top nodes); all levels when absent.
    #[param(minimum = 1, maximum = 16)]
    pub depth: Option<u32>,
    /// Add `article_count` and `subtree_article_count` to every node.
    #[param(default = false)]
    pub counts: Option<bool>,
}

impl CategoryTreeQuery {
    /// Checks the ranges serde cannot: `depth` must be 1–16 (400 otherwise).
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        match self.depth {
            Some(depth) if !(1..=MAX_TREE_DEPTH).contains(&depth) => {
                Err(crate::error::ApiError::BadRequest(format!(
                    "depth must be between 1 and {MAX_TREE_DEPTH}"
                )))
            }
            _ => Ok(()),
        }
    }
}

/// Query parameters of `GET /categories`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CategoryListQuery {
    /// Only the direct children of this category (id or slug).
    pub parent: Option<String>,
}

/// Body of `POST /categories`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mental Health", "parent_id": 1, "description": "Feelings, relationships and the mind."}))]
pub struct CreateCategory {
    /// Display name (1–120 characters, one line).
    pub name: String,
    /// URL slug; generated from `name` when absent. A taken slug is a 409.
    pub slug: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Parent category id; absent or `null` for a top-level category.
    pub parent_id: Option<i32>,
    /// Order among siblings (0–1 000 000, default 0).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub position: i32,
}

impl CreateCategory {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.syntax("name", &self.name, NAME);
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        checks.syntax("description", &self.description, DESCRIPTION);
        check_position(&mut checks, self.position);
        checks.finish()
    }
}

/// Body of `PATCH /categories/{id_or_slug}`: every field optional.
///
/// An absent field keeps its value; `null` clears `description` and makes `parent_id` a
/// top-level category, and is a 422 for `name`, `slug` and `position`. A PATCH that changes
/// nothing writes nothing (same `version` and `updated_at`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"parent_id": null, "position": 2}))]
pub struct UpdateCategory {
    /// 1–120 characters, one line; not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub name: Option<Option<String>>,
    /// A free slug; the old one keeps redirecting. Not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = String)]
    pub slug: Option<Option<String>>,
    /// At most 2 000 characters; `null` clears it.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// New parent id; `null` makes it a top-level category. A category cannot become its own
    /// ancestor, and the tree has at most 32 levels (409 `state_conflict`).
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<i32>)]
    pub parent_id: Option<Option<i32>>,
    /// Order among siblings (0–1 000 000); not nullable.
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = i32, minimum = 0, maximum = 1_000_000)]
    pub position: Option<Option<i32>>,
}

impl UpdateCategory {
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
        if let Some(position) = checks.not_null("position", &self.position) {
            check_position(&mut checks, *position);
        }
        checks.finish()
    }

    /// `stored` with these changes applied (a checked request: required fields are not null).
    pub fn merged_onto(&self, stored: &CategoryContent) -> CategoryContent {
        let mut merged = stored.clone();
        if let Some(Some(name)) = &self.name {
            merged.name = name.trim().to_owned();
        }
        if let Some(Some(slug)) = &self.slug {
            merged.slug.clone_from(slug);
        }
        if let Some(description) = &self.description {
            merged.description = description.clone().unwrap_or_default();
        }
        if let Some(parent_id) = self.parent_id {
            merged.parent_id = parent_id;
        }
        if let Some(Some(position)) = self.position {
            merged.position = position;
        }
        merged
    }
}

fn check_position(checks: &mut Checks, position: i32) {
    if !(0..=MAX_POSITION).contains(&position) {
        checks.fail("position", format!("must be between 0 and {MAX_POSITION}"));
    }
}

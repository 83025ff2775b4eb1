//! Request bodies and query parameters of the category endpoints, and the checks that need no database (422 field errors).

use crate::support::nullable;
use crate::support::validate::Checks;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Longest category name.
const MAX_NAME: usize = 120;
/// Longest category description.
const MAX_DESCRIPTION: usize = 2_000;
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
    pub position: i32,
}

impl CreateCategory {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        checks.required_line("name", &self.name, MAX_NAME);
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        checks.text("description", &self.description, MAX_DESCRIPTION);
        check_position(&mut checks, self.position);
        checks.finish()
    }
}

/// Body of `PATCH /categories/{id_or_slug}`: every field optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"parent_id": null, "position": 2}))]
pub struct UpdateCategory {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    /// New parent id; `null` makes it a top-level category. A category cannot become its own ancestor (422).
    #[serde(default, deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<i32>)]
    pub parent_id: Option<Option<i32>>,
    pub position: Option<i32>,
}

impl UpdateCategory {
    /// Checks everything that needs no database.
    pub fn check(&self) -> Result<(), crate::error::ApiError> {
        let mut checks = Checks::new();
        if let Some(name) = &self.name {
            checks.required_line("name", name, MAX_NAME);
        }
        if let Some(slug) = &self.slug {
            checks.slug("slug", slug);
        }
        if let Some(description) = &self.description {
            checks.text("description", description, MAX_DESCRIPTION);
        }
        if let Some(position) = self.position {
            check_position(&mut checks, position);
        }
        checks.finish()
    }
}

fn check_position(checks: &mut Checks, position: i32) {
    if !(0..=MAX_POSITION).contains(&position) {
        checks.fail("position", format!("must be between 0 and {MAX_POSITION}"));
    }
}

//! Request and response bodies for categories.

use super::model::CategoryRow;
use crate::nullable;
use crate::validate::Checks;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Longest category name.
const MAX_NAME: usize = 120;
/// Longest category description.
const MAX_DESCRIPTION: usize = 2_000;
/// Largest position.
const MAX_POSITION: i32 = 1_000_000;

/// A category as returned by the API.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "slug": "mental-health", "name": "Mental Health",
    "description": "Feelings, relationships and the mind.", "parent_id": 1, "position": 0,
    "created_at": "2025-04-01T08:00:00Z", "updated_at": "2025-04-01T08:00:00Z"
}))]
pub struct CategoryView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The parent category; `null` for a top-level category.
    pub parent_id: Option<i32>,
    /// Order among siblings (ascending; ties by name).
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CategoryRow> for CategoryView {
    fn from(row: CategoryRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            parent_id: row.parent_id,
            position: row.position,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// The short form of a category used in breadcrumbs and on articles.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "health", "name": "Health"}))]
pub struct CategoryRef {
    pub id: i32,
    pub slug: String,
    pub name: String,
}

impl From<CategoryRow> for CategoryRef {
    fn from(row: CategoryRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
        }
    }
}

/// One category with its path from the root and its direct children.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryDetail {
    #[serde(flatten)]
    pub category: CategoryView,
    /// The path from the top-level category down to this one (itself last).
    pub breadcrumbs: Vec<CategoryRef>,
    /// Direct subcategories, ordered by position then name.
    pub children: Vec<CategoryView>,
}

/// Counts that come with an unpaginated list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountMeta {
    /// Number of items in `data`.
    pub total: usize,
}

/// A flat list of categories.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub data: Vec<CategoryView>,
    pub meta: CountMeta,
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

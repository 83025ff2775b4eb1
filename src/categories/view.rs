//! Category responses: the category, its short reference, its detail with path and children, flat lists and the nested tree.

use super::model::{CategoryLink, CategoryRow};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A category as returned by the API.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "slug": "mental-health", "name": "Mental Health",
    "description": "Feelings, relationships and the mind.", "parent_id": 1, "position": 0,
    "path": "health/mental-health",
    "created_at": "2025-04-01T08:00:00Z", "updated_at": "2025-04-01T08:00:00Z", "version": 1
}))]
pub struct CategoryView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The parent category; `null` for a top-level category.
    #[schema(required = true)]
    pub parent_id: Option<i32>,
    /// Order among siblings (ascending; ties by name).
    pub position: i32,
    /// The slugs from the top-level category down to this one, joined by `/`.
    #[schema(example = "health/mental-health")]
    pub path: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Starts at 1; every change adds one. Send it as `If-Match: "<version>"` on writes.
    pub version: i32,
}

impl CategoryView {
    /// The view of `row`, whose slug path (see `model::slug_path`) is `path`.
    pub fn new(row: CategoryRow, path: String) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            parent_id: row.parent_id,
            position: row.position,
            path,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            version: row.version,
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

impl From<&CategoryLink> for CategoryRef {
    fn from(link: &CategoryLink) -> Self {
        Self {
            id: link.id,
            slug: link.slug.clone(),
            name: link.name.clone(),
        }
    }
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

/// One category in the tree, with its subcategories nested under it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "slug": "health", "name": "Health", "description": "", "parent_id": null,
    "position": 0, "path": "health", "article_count": 3, "subtree_article_count": 5,
    "children": [{
        "id": 2, "slug": "mental-health", "name": "Mental Health", "description": "",
        "parent_id": 1, "position": 0, "path": "health/mental-health",
        "article_count": 2, "subtree_article_count": 2, "children": []
    }]
}))]
pub struct CategoryNode {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The parent category; `null` for a top-level category.
    #[schema(required = true)]
    pub parent_id: Option<i32>,
    /// Order among siblings (ascending; ties by name).
    pub position: i32,
    /// The slugs from the top-level category down to this one, joined by `/`.
    pub path: String,
    /// Direct subcategories, ordered by position then name; empty below the requested `depth`.
    #[schema(no_recursion)]
    pub children: Vec<CategoryNode>,
    /// Articles visible to anonymous readers filed directly in this category (only with `counts=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64, required = false)]
    pub article_count: Option<i64>,
    /// Articles visible to anonymous readers in this category and all its descendants, whatever
    /// the `depth` (only with `counts=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64, required = false)]
    pub subtree_article_count: Option<i64>,
}

/// The category tree: the top-level categories (or the requested root), each with its children.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryTree {
    pub data: Vec<CategoryNode>,
}

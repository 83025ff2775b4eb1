//! Tag responses: a whole tag with its count of published articles, and a page of tags.

use super::model::TagRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A tag, whole (`GET /tags/{id_or_slug}`, lists, writes).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "slug": "sleep", "name": "Sleep", "description": "Rest, insomnia and dreams.",
    "article_count": 12, "version": 1,
    "created_at": "2025-04-19T09:30:00Z", "updated_at": "2025-04-19T09:30:00Z"
}))]
pub struct TagView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    /// Plain text; may be empty.
    pub description: String,
    /// Articles anonymous readers can see now that carry the tag (drafts, scheduled and
    /// unpublished articles are not counted).
    pub article_count: i64,
    /// Starts at 1 and grows with every change; works in `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TagView {
    /// `row` shown with `article_count` published articles.
    pub fn new(row: TagRow, article_count: i64) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            article_count,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// Paging facts of `GET /tags`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagsMeta {
    /// Tags per page.
    pub limit: i64,
    /// Pass as `after` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_after: Option<i32>,
}

/// A page of tags, in id order.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagsPage {
    pub data: Vec<TagView>,
    pub meta: TagsMeta,
}

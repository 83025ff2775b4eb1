//! People responses: a whole person, a short reference for embeds, and a page of people.

use super::model::PersonRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A person, whole (`GET /people/{id_or_slug}`, writes).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "slug": "jane-doe", "name": "Jane Doe", "credentials": "MD, MPH",
    "bio": "Psychiatrist and **writer**.", "bio_html": "<p>Psychiatrist and <strong>writer</strong>.</p>\n",
    "links": ["https://example.org/jane-doe"], "version": 1,
    "created_at": "2025-04-19T09:30:00Z", "updated_at": "2025-04-19T09:30:00Z"
}))]
pub struct PersonView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    /// Shown after the name ("MD", "PhD, RN"); may be empty.
    pub credentials: String,
    /// Markdown, as written.
    pub bio: String,
    /// `bio` rendered to sanitized HTML.
    pub bio_html: String,
    /// Profile pages.
    pub links: Vec<String>,
    /// Starts at 1 and grows with every change; works in `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PersonRow> for PersonView {
    fn from(row: PersonRow) -> Self {
        Self {
            links: row.links(),
            id: row.id,
            slug: row.slug,
            name: row.name,
            credentials: row.credentials,
            bio: row.bio,
            bio_html: row.bio_html,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// Paging facts of `GET /people`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleMeta {
    /// People per page.
    pub limit: i64,
    /// Pass as `after` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_after: Option<i32>,
}

/// A page of people, in id order.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeoplePage {
    pub data: Vec<PersonView>,
    pub meta: PeopleMeta,
}

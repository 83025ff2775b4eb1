//! People responses: a whole person (with their avatar) and a page of people; the short
//! reference articles embed is `bylines::PersonRef`, the person with their articles
//! `articles::authored::PersonWithArticles`.

use super::model::PersonRow;
use crate::db::DbConn;
use crate::media::avatars::{self, AvatarView};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

/// A person, whole (lists, writes, and the first part of `GET /people/{id_or_slug}`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "slug": "jane-doe", "name": "Jane Doe", "credentials": "MD, MPH",
    "bio": "Psychiatrist and **writer**.", "bio_html": "<p>Psychiatrist and <strong>writer</strong>.</p>\n",
    "links": ["https://example.org/jane-doe"], "avatar": null, "version": 1,
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
    /// Their picture with the file's URLs and variants; `null` when they have none.
    #[schema(required = true)]
    pub avatar: Option<AvatarView>,
    /// Starts at 1 and grows with every change (of the avatar too); works in `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PersonView {
    /// `row` shown with its `avatar`.
    pub fn new(row: PersonRow, avatar: Option<AvatarView>) -> Self {
        Self {
            links: row.links(),
            id: row.id,
            slug: row.slug,
            name: row.name,
            credentials: row.credentials,
            bio: row.bio,
            bio_html: row.bio_html,
            avatar,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// `rows` shown with their avatars (two queries at most for all of them).
pub fn with_avatars(conn: &mut DbConn, rows: Vec<PersonRow>) -> QueryResult<Vec<PersonView>> {
    let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
    let mut shown = avatars::shown(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let avatar = shown.remove(&row.id);
            PersonView::new(row, avatar)
        })
        .collect())
}

/// `row` shown with its avatar.
pub fn with_avatar(conn: &mut DbConn, row: PersonRow) -> QueryResult<PersonView> {
    let id = row.id;
    let avatar = avatars::shown(conn, &[id])?.remove(&id);
    Ok(PersonView::new(row, avatar))
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

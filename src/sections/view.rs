//! Section responses: one section and an article's ordered list, with the body in the format asked for.

use super::input::BodyFormat;
use super::model::SectionRow;
use crate::categories::view::CountMeta;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A section as returned by the API.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 11, "article_id": 3, "position": 1, "heading": "Introduction",
    "body": "Most of us have felt it: a room full of people, and yet…",
    "body_html": "<p>Most of us have felt it: a room full of people, and yet…</p>",
    "created_at": "2025-04-19T09:30:00Z", "updated_at": "2025-04-19T09:30:00Z"
}))]
pub struct SectionView {
    pub id: i32,
    pub article_id: i32,
    /// 1-based place in the article; positions are always 1..n without gaps.
    pub position: i32,
    pub heading: String,
    /// The Markdown source (absent with `format=html`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body rendered to sanitized HTML (absent with `format=markdown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SectionView {
    /// The view of `row` with the body representations `format` asks for.
    pub fn new(mut row: SectionRow, format: BodyFormat) -> Self {
        let body_html = format.html().then(|| row.take_html());
        Self {
            id: row.id,
            article_id: row.article_id,
            position: row.position,
            heading: row.heading,
            body_html,
            body: format.markdown().then_some(row.body),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// The sections of one article, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionList {
    pub data: Vec<SectionView>,
    pub meta: CountMeta,
}

impl SectionList {
    /// The list of `rows` with the body representations `format` asks for.
    pub fn new(rows: Vec<SectionRow>, format: BodyFormat) -> Self {
        let data: Vec<SectionView> = rows
            .into_iter()
            .map(|row| SectionView::new(row, format))
            .collect();
        Self {
            meta: CountMeta { total: data.len() },
            data,
        }
    }
}

//! The JSON shapes of revisions: one entry of the list ([`RevisionSummary`]), the list ([`RevisionList`]) and a whole revision ([`RevisionView`]).

use super::model::{RevisionRow, Snapshot};
use crate::articles::status::ArticleStatus;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One revision in the list: who wrote which version when, and what it was called.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionSummary {
    /// The article's version this revision is.
    pub version: i32,
    /// When that version was written.
    pub created_at: DateTime<Utc>,
    /// The subject of the token that wrote it; null for the server or the command line.
    pub subject: Option<String>,
    /// The title at that version.
    pub title: String,
    /// The stored status at that version.
    pub status: ArticleStatus,
    /// How many sections it had.
    pub section_count: usize,
}

impl RevisionSummary {
    /// The summary of `row`, whose snapshot is `snapshot`.
    pub fn new(row: &RevisionRow, snapshot: &Snapshot) -> Self {
        Self {
            version: row.version,
            created_at: row.created_at.and_utc(),
            subject: row.subject.clone(),
            title: snapshot.title.clone(),
            status: snapshot.status,
            section_count: snapshot.sections.len(),
        }
    }
}

/// `meta` of the revisions list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionsMeta {
    /// How many revisions are kept (at most `HEALTHHUB_REVISIONS_PER_ARTICLE`).
    pub total: usize,
    /// The article's current version.
    pub current_version: i32,
}

/// The kept revisions of an article, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionList {
    /// The revisions.
    pub data: Vec<RevisionSummary>,
    /// Counts.
    pub meta: RevisionsMeta,
}

/// One whole revision: the article's content and sections as that version left them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionView {
    /// The article's id.
    pub article_id: i32,
    /// The version.
    pub version: i32,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// The subject of the token that wrote it; null for the server or the command line.
    pub subject: Option<String>,
    /// The content.
    pub article: Snapshot,
}

impl RevisionView {
    /// The view of `row`, whose snapshot is `article`.
    pub fn new(row: RevisionRow, article: Snapshot) -> Self {
        Self {
            article_id: row.article_id,
            version: row.version,
            created_at: row.created_at.and_utc(),
            subject: row.subject,
            article,
        }
    }
}

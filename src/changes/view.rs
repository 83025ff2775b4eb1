//! The JSON shapes of the changes feed: one entry ([`ChangeView`]) and a page of them ([`ChangePage`]).

use super::event::{Event, ResourceType};
use super::model::ChangeRow;
use super::purge::{self, Purge};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One entry of the changes log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeView {
    /// Position in the log: increases with every committed change, never reused.
    pub seq: i64,
    /// When the change was committed (for time-driven transitions: when the scheduler wrote it,
    /// within seconds of the scheduled time).
    pub at: DateTime<Utc>,
    /// What happened.
    pub event: Event,
    /// What kind of resource it happened to.
    pub resource_type: ResourceType,
    /// The article's, category's or person's id (null for tokens).
    pub id: Option<i32>,
    /// The revoked token's id, its `jti` (null for the other resources).
    pub token_id: Option<String>,
    /// The resource's slug after the change (its last slug for a deletion).
    pub slug: Option<String>,
    /// The slug it had before, when the change renamed it (the old slug keeps redirecting).
    pub old_slug: Option<String>,
    /// The resource's version after the change (its last version for a deletion); null for
    /// tokens.
    pub version: Option<i32>,
    /// The subject of the token that made the change; null when the server made it (a
    /// scheduled time passing) or the command line did (an import, a revocation).
    pub subject: Option<String>,
    /// Articles only: whether anonymous readers see it after the change.
    pub public: Option<bool>,
    /// What a CDN should purge; null when no public response changed.
    pub purge: Option<Purge>,
}

impl From<ChangeRow> for ChangeView {
    fn from(row: ChangeRow) -> Self {
        let purge = purge::of(&row);
        let resource_type = match row.event() {
            Some(event) => event.resource(),
            None => ResourceType::Article,
        };
        ChangeView {
            seq: row.seq,
            at: row.at.and_utc(),
            event: row.event().unwrap_or(Event::ArticleUpdated),
            resource_type,
            id: row.resource_id,
            token_id: row.token_id,
            slug: row.slug,
            old_slug: row.old_slug,
            version: row.version,
            subject: row.subject,
            public: row.public_after,
            purge,
        }
    }
}

/// `meta` of a page of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangesMeta {
    /// The `after` of the next request: the last seq on this page, or the request's own
    /// `after` when the page is empty (poll again with it later).
    pub next: i64,
    /// True when more entries follow right away.
    pub has_more: bool,
    /// The newest seq written when the page was read.
    pub last_seq: i64,
}

/// A page of the changes log, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangePage {
    /// The entries.
    pub data: Vec<ChangeView>,
    /// Where to go on.
    pub meta: ChangesMeta,
}

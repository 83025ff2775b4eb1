//! The `article_revisions` table: every version of an article's content as a [`Snapshot`] (its fields and ordered sections after that write), kept up to a number per article.

use crate::articles::status::ArticleStatus;
use crate::changes::model::Journal;
use crate::db::schema::article_revisions;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::media::feature_images::FeatureImage;
use crate::people::bylines::Byline;
use crate::references::input::ReferenceInput;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An article's content as one write left it: what a restore writes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    /// The slug.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The one-line subtitle.
    pub subtitle: String,
    /// The excerpt as written (empty: derived from the sections).
    pub excerpt: String,
    /// The stored status.
    pub status: ArticleStatus,
    /// When it is (or was to be) published.
    pub published_at: Option<DateTime<Utc>>,
    /// When it stops being public.
    pub unpublish_at: Option<DateTime<Utc>>,
    /// The category it was filed in.
    pub category_id: i32,
    /// The sections, in order.
    pub sections: Vec<SnapshotSection>,
    /// The references, in order (none in revisions written before references existed).
    #[serde(default)]
    pub references: Vec<ReferenceInput>,
    /// Its authors and review (none in revisions written before bylines existed).
    #[serde(flatten)]
    pub byline: Byline,
    /// The ids of its tags, in order (none in revisions written before tags existed).
    #[serde(default)]
    pub tags: Vec<i32>,
    /// Its stored SEO fields (none in revisions written before they existed).
    #[serde(default)]
    pub seo: crate::articles::seo::SeoInput,
    /// Its feature image (none in revisions written before feature images existed).
    #[serde(default)]
    pub feature_image: Option<FeatureImage>,
}

/// One section of a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotSection {
    /// The heading.
    pub heading: String,
    /// The Markdown body.
    pub body: String,
}

/// A row of `article_revisions`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_revisions, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RevisionRow {
    pub article_id: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub subject: Option<String>,
    pub snapshot: String,
}

impl RevisionRow {
    /// The stored snapshot (a 500 if the row is not one this server wrote).
    pub fn snapshot(&self) -> ApiResult<Snapshot> {
        serde_json::from_str(&self.snapshot).map_err(|error| {
            ApiError::Internal(anyhow::anyhow!(
                "revision {} of article {} is unreadable: {error}",
                self.version,
                self.article_id
            ))
        })
    }
}

/// Stores `snapshot` as `version` of article `article_id`, written by `journal`'s subject at
/// `now`, and removes the revisions beyond the newest `journal.revisions_kept`.
pub fn store(
    conn: &mut DbConn,
    snapshot: &Snapshot,
    article_id: i32,
    version: i32,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let json = serde_json::to_string(snapshot)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("serializing a revision: {error}")))?;
    diesel::delete(
        article_revisions::table
            .filter(article_revisions::article_id.eq(article_id))
            .filter(article_revisions::version.eq(version)),
    )
    .execute(conn)?;
    diesel::insert_into(article_revisions::table)
        .values((
            article_revisions::article_id.eq(article_id),
            article_revisions::version.eq(version),
            article_revisions::created_at.eq(now),
            article_revisions::subject.eq(&journal.subject),
            article_revisions::snapshot.eq(json),
        ))
        .execute(conn)?;
    let kept = i32::try_from(journal.revisions_kept).unwrap_or(i32::MAX);
    diesel::delete(
        article_revisions::table
            .filter(article_revisions::article_id.eq(article_id))
            .filter(article_revisions::version.le(version.saturating_sub(kept))),
    )
    .execute(conn)?;
    Ok(())
}

/// The revisions of article `article_id`, newest first.
pub fn list(conn: &mut DbConn, article_id: i32) -> QueryResult<Vec<RevisionRow>> {
    article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .order(article_revisions::version.desc())
        .select(RevisionRow::as_select())
        .load(conn)
}

/// Revision `version` of article `article_id`, if it is kept.
pub fn find(conn: &mut DbConn, article_id: i32, version: i32) -> QueryResult<Option<RevisionRow>> {
    article_revisions::table
        .find((article_id, version))
        .select(RevisionRow::as_select())
        .get_result(conn)
        .optional()
}

//! An article's writable content as one value: what every write path (create, PATCH, publish,
//! unpublish, import) computes by merging its request onto the stored row, the rules that merged
//! value must satisfy, and the comparison that makes a write changing nothing a no-op.

use super::status::ArticleStatus;
use crate::db::schema::articles;
use crate::error::{ApiError, ApiResult};
use crate::support::validate::Checks;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The columns a write sets, all of them: an update writes the whole merged value, so no column
/// can be forgotten by one path and remembered by another.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset, Insertable)]
#[diesel(table_name = articles, treat_none_as_null = true)]
pub struct ArticleContent {
    /// The URL slug.
    pub slug: String,
    /// Trimmed title.
    pub title: String,
    /// Trimmed subtitle; empty when there is none.
    pub subtitle: String,
    /// Trimmed excerpt; empty when there is none.
    pub excerpt: String,
    /// `draft` or `published` ([`ArticleStatus::as_str`]).
    pub status: String,
    /// When it is (or was, or will be) published.
    pub published_at: Option<NaiveDateTime>,
    /// When it stops being public.
    pub unpublish_at: Option<NaiveDateTime>,
    /// The category it is filed in.
    pub category_id: i32,
}

impl ArticleContent {
    /// The stored status.
    pub fn status(&self) -> ArticleStatus {
        ArticleStatus::from_stored(&self.status)
    }

    /// Publishes it (at `at`, else at the time it already has, else `now`) or makes it a draft
    /// (keeping its `published_at`).
    pub fn set_status(
        &mut self,
        status: ArticleStatus,
        at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) {
        self.status = status.as_str().to_owned();
        if status == ArticleStatus::Published {
            self.published_at = Some(at.or(self.published_at).unwrap_or(now));
        }
    }

    /// The rules over several fields, checked on the merged value of every write: a published
    /// article has a publication time, and `unpublish_at` comes after `published_at`. A request
    /// that breaks them by itself is refused earlier (422, [`check_window`]); here what breaks
    /// them is the stored value the request left in place, so it is a 409 naming the field.
    pub fn check(&self) -> ApiResult<()> {
        let mut checks = Checks::new();
        if self.status() == ArticleStatus::Published && self.published_at.is_none() {
            checks.fail(
                "published_at",
                "a published article needs a publication time",
            );
        }
        check_window(&mut checks, self.published_at, self.unpublish_at);
        checks.finish().map_err(ApiError::into_state_conflict)
    }
}

/// Records a failure on `unpublish_at` unless it comes after `published_at` (when both are set).
pub fn check_window(
    checks: &mut Checks,
    published_at: Option<NaiveDateTime>,
    unpublish_at: Option<NaiveDateTime>,
) {
    if let (Some(from), Some(until)) = (published_at, unpublish_at) {
        if until <= from {
            checks.fail(
                "unpublish_at",
                format!(
                    "must be after published_at ({}); send both to move the window",
                    from.and_utc()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            );
        }
    }
}

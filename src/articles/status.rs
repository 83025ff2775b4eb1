//! Article visibility and state in every form it is written: the stored [`ArticleStatus`], the computed [`ArticleState`] and the [`Audience`] rule in Rust, the same rule as SQL fragments and a Diesel filter, and the schedule query that says when the clock alone changes what the public sees.
//!
//! The rule: an article is public at `t` when its status is `published`, `published_at <= t`
//! and `unpublish_at` is null or later than `t`. Every encoding below is checked against
//! [`ArticleState::of`] over a grid of rows on a real database (`tests/api/article_visibility.rs`).

use crate::db::schema::articles;
use crate::db::sql::{placeholders, Bind, Sql};
use crate::db::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether an article is visible to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    /// Work in progress: visible only to tokens with `content:read`.
    Draft,
    /// Public once `published_at` has passed.
    Published,
}

impl ArticleStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
        }
    }

    /// Reads a stored value (anything unknown reads as draft, the safe side).
    pub fn from_stored(value: &str) -> Self {
        if value == "published" {
            ArticleStatus::Published
        } else {
            ArticleStatus::Draft
        }
    }
}

/// Where an article stands, as responses report it (computed at request time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleState {
    /// Not published.
    Draft,
    /// Published, but `published_at` is still in the future: invisible to anonymous readers.
    Scheduled,
    /// Public.
    Published,
    /// Published, but `unpublish_at` has passed: invisible to anonymous readers.
    Expired,
}

impl ArticleState {
    /// Every state, in the order of the lifecycle.
    pub const ALL: [ArticleState; 4] = [
        ArticleState::Draft,
        ArticleState::Scheduled,
        ArticleState::Published,
        ArticleState::Expired,
    ];

    /// The state at `now` of an article stored with `status` (`draft`, `published`),
    /// `published_at` and `unpublish_at`. A published row without `published_at` (the write
    /// rules never store one) reads as scheduled: it is not public.
    pub fn of(
        status: &str,
        published_at: Option<NaiveDateTime>,
        unpublish_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> Self {
        if ArticleStatus::from_stored(status) == ArticleStatus::Draft {
            ArticleState::Draft
        } else if published_at.is_none_or(|at| at > now) {
            ArticleState::Scheduled
        } else if unpublish_at.is_some_and(|at| at <= now) {
            ArticleState::Expired
        } else {
            ArticleState::Published
        }
    }

    /// The state's name in responses and in `filter[status]`.
    pub fn name(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::Scheduled => "scheduled",
            ArticleState::Published => "published",
            ArticleState::Expired => "expired",
        }
    }

    /// The state named `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.name() == name)
    }
}

/// The SQL condition (over `articles a`) for what anonymous readers see; binds `now` twice.
pub const PUBLIC_SQL: &str = "a.status = 'published' AND a.published_at <= ? \
     AND (a.unpublish_at IS NULL OR a.unpublish_at > ?)";

/// Who is reading, which decides what exists for them.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    /// Anonymous readers at this instant: published articles whose time has come.
    Public(NaiveDateTime),
    /// Tokens with `content:read`: everything.
    Editors,
}

impl Audience {
    /// True when an article stored with `status`, `published_at` and `unpublish_at` exists
    /// for this audience: always for editors, only in the published state for the public.
    pub fn sees(
        &self,
        status: &str,
        published_at: Option<NaiveDateTime>,
        unpublish_at: Option<NaiveDateTime>,
    ) -> bool {
        match self {
            Audience::Editors => true,
            Audience::Public(now) => {
                ArticleState::of(status, published_at, unpublish_at, *now)
                    == ArticleState::Published
            }
        }
    }
}

/// The Diesel filter (over `articles`) for what anonymous readers see at `now`; a concrete type,
/// so the statements using it stay in Diesel's prepared-statement cache.
#[diesel::dsl::auto_type(no_type_alias)]
pub fn public_at(now: NaiveDateTime) -> _ {
    let published: &'static str = "published";
    articles::status
        .eq(published)
        .and(articles::published_at.le(now))
        .and(
            articles::unpublish_at
                .is_null()
                .or(articles::unpublish_at.gt(now)),
        )
}

/// Published at `now`, with `status` and `published_at` written as `status` and `published_at`
/// (`a.status`, `a.published_at`, or the same behind SQLite's unary `+`, which keeps the planner
/// from choosing an index for that term: <https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_>).
pub fn published_sql(now: NaiveDateTime, status: &str, published_at: &str) -> Sql {
    let mut sql = Sql::new("(");
    sql.push(status)
        .push(" = 'published' AND ")
        .push(published_at)
        .push(" <= ")
        .bind(Bind::Time(now))
        .push(" AND (a.unpublish_at IS NULL OR a.unpublish_at > ")
        .bind(Bind::Time(now))
        .push("))");
    sql
}

/// The condition selecting articles in `state` at `now`.
pub fn state_sql(state: ArticleState, now: NaiveDateTime) -> Sql {
    let mut sql = Sql::default();
    match state {
        ArticleState::Draft => {
            sql.push("a.status = 'draft'");
        }
        ArticleState::Scheduled => {
            sql.push("(a.status = 'published' AND (a.published_at IS NULL OR a.published_at > ")
                .bind(Bind::Time(now))
                .push("))");
        }
        ArticleState::Published => return published_sql(now, "a.status", "a.published_at"),
        ArticleState::Expired => {
            sql.push("(a.status = 'published' AND a.published_at <= ")
                .bind(Bind::Time(now))
                .push(" AND a.unpublish_at <= ")
                .bind(Bind::Time(now))
                .push(")");
        }
    }
    sql
}

/// Around `now`, among published articles: the latest `published_at` or `unpublish_at` at or
/// before it (the last time the public set of articles changed by the clock alone, without a
/// write) and the earliest after it (the next time it will). The caches expire on these.
pub fn schedule_around(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> QueryResult<(Option<NaiveDateTime>, Option<NaiveDateTime>)> {
    #[derive(QueryableByName)]
    struct Around {
        #[diesel(sql_type = Nullable<Timestamp>)]
        last: Option<NaiveDateTime>,
        #[diesel(sql_type = Nullable<Timestamp>)]
        next: Option<NaiveDateTime>,
    }
    diesel::sql_query(placeholders(
        conn,
        "SELECT \
             (SELECT MAX(t) FROM ( \
               SELECT MAX(published_at) AS t FROM articles \
               WHERE status = 'published' AND published_at <= ? \
               UNION ALL SELECT MAX(unpublish_at) FROM articles \
               WHERE status = 'published' AND unpublish_at <= ?) AS passed) AS last, \
             (SELECT MIN(t) FROM ( \
               SELECT MIN(published_at) AS t FROM articles \
               WHERE status = 'published' AND published_at > ? \
               UNION ALL SELECT MIN(unpublish_at) FROM articles \
               WHERE status = 'published' AND unpublish_at > ?) AS coming) AS next",
    ))
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .get_result::<Around>(conn)
    .map(|around| (around.last, around.next))
}

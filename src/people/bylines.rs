//! Bylines: who wrote an article (its authors, in order) and who last reviewed it medically (a
//! person and a date), stored beside the article in `article_authors` and `article_reviews`.

use crate::db::by_ids::load_by_ids;
use crate::db::schema::{article_authors, article_reviews, media, people, person_avatars};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::media::avatars::{self, AvatarView, Joined};
use crate::media::model::{self as media_model, MediaRow};
use crate::support::validate::Checks;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// Most authors an article may have.
pub const MAX_AUTHORS: usize = 20;

/// Who wrote an article and who reviewed it, by person id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Byline {
    /// Its authors' ids, in byline order.
    #[serde(default)]
    pub authors: Vec<i32>,
    /// The medical reviewer's id; set together with `reviewed_at`.
    #[serde(default)]
    pub reviewer_id: Option<i32>,
    /// The date of the last medical review (`YYYY-MM-DD`).
    #[serde(default)]
    pub reviewed_at: Option<NaiveDate>,
}

impl Byline {
    /// Every person it names, authors first.
    pub fn people(&self) -> Vec<i32> {
        self.authors
            .iter()
            .copied()
            .chain(self.reviewer_id)
            .collect()
    }
}

/// Records what is wrong with `authors` by itself: at most [`MAX_AUTHORS`], each named once.
pub fn check_authors(checks: &mut Checks, authors: &[i32]) {
    checks.id_list("authors", authors, MAX_AUTHORS, "person");
}

/// A medical review as a write gives it: both parts together, so a review never lacks one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reviewer_id": 3, "reviewed_at": "2025-04-15"}))]
pub struct ReviewInput {
    /// The reviewer's person id.
    pub reviewer_id: i32,
    /// The date of the review (`YYYY-MM-DD`, years 0001–9999).
    pub reviewed_at: NaiveDate,
}

/// Records a failure on `review.reviewed_at` unless it is a date of the years 0001–9999 (the
/// dates of RFC 3339's `full-date`, what the document calls `format: date`).
pub fn check_review_date(checks: &mut Checks, reviewed_at: NaiveDate) {
    if !(1..=9999).contains(&reviewed_at.year()) {
        checks.fail(
            "review.reviewed_at",
            "must be a date from 0001-01-01 to 9999-12-31",
        );
    }
}

/// The byline of `article_id`.
pub fn of(conn: &mut DbConn, article_id: i32) -> QueryResult<Byline> {
    Ok(of_articles(conn, &[article_id])?
        .remove(&article_id)
        .unwrap_or_default())
}

/// The bylines of `article_ids` (an article without authors or review has none in the map).
pub fn of_articles(conn: &mut DbConn, article_ids: &[i32]) -> QueryResult<HashMap<i32, Byline>> {
    let mut bylines: HashMap<i32, Byline> = HashMap::new();
    let authors: Vec<(i32, i32)> = load_by_ids!(
        article_authors::table
            .order((article_authors::article_id, article_authors::position))
            .select((article_authors::article_id, article_authors::person_id)),
        article_authors::article_id,
        article_ids,
        conn
    )?;
    for (article, person) in authors {
        bylines.entry(article).or_default().authors.push(person);
    }
    let reviews: Vec<(i32, i32, NaiveDate)> = load_by_ids!(
        article_reviews::table.select((
            article_reviews::article_id,
            article_reviews::reviewer_id,
            article_reviews::reviewed_at,
        )),
        article_reviews::article_id,
        article_ids,
        conn
    )?;
    for (article, reviewer, at) in reviews {
        let byline = bylines.entry(article).or_default();
        byline.reviewer_id = Some(reviewer);
        byline.reviewed_at = Some(at);
    }
    Ok(bylines)
}

/// Stores `byline` (checked alone) as that of `article_id`; returns whether it changed. Every
/// person it names must exist (409 on `authors[i]` or `review.reviewer_id` otherwise).
pub fn write(conn: &mut DbConn, article_id: i32, byline: &Byline) -> ApiResult<bool> {
    if of(conn, article_id)? == *byline {
        return Ok(false);
    }
    store(conn, article_id, byline)?;
    Ok(true)
}

/// Stores `byline` as that of `article_id` like [`write`], without first comparing it with the
/// stored one (for a caller that has). Errors: as [`write`]'s.
pub fn store(conn: &mut DbConn, article_id: i32, byline: &Byline) -> ApiResult<()> {
    let named = byline.people();
    let existing: Vec<i32> = load_by_ids!(
        people::table.select(people::id),
        people::id,
        named.as_slice(),
        conn
    )?;
    let missing = |id: &i32| !existing.contains(id);
    let mut unknown: Vec<FieldError> = byline
        .authors
        .iter()
        .enumerate()
        .filter(|(_, id)| missing(id))
        .map(|(i, id)| FieldError::new(format!("authors[{i}]"), format!("no person has id {id}")))
        .collect();
    if let Some(id) = byline.reviewer_id.filter(missing) {
        unknown.push(FieldError::new(
            "review.reviewer_id",
            format!("no person has id {id}"),
        ));
    }
    if !unknown.is_empty() {
        return Err(ApiError::StateConflict(unknown));
    }
    diesel::delete(article_authors::table.filter(article_authors::article_id.eq(article_id)))
        .execute(conn)?;
    for (position, person) in (1..).zip(&byline.authors) {
        diesel::insert_into(article_authors::table)
            .values((
                article_authors::article_id.eq(article_id),
                article_authors::person_id.eq(person),
                article_authors::position.eq(position),
            ))
            .execute(conn)?;
    }
    diesel::delete(article_reviews::table.find(article_id)).execute(conn)?;
    if let (Some(reviewer), Some(at)) = (byline.reviewer_id, byline.reviewed_at) {
        diesel::insert_into(article_reviews::table)
            .values((
                article_reviews::article_id.eq(article_id),
                article_reviews::reviewer_id.eq(reviewer),
                article_reviews::reviewed_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A person as an article's byline shows them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "slug": "jane-doe", "name": "Jane Doe", "credentials": "MD, MPH", "avatar": null}))]
pub struct PersonRef {
    pub id: i32,
    pub slug: String,
    pub name: String,
    /// May be empty.
    pub credentials: String,
    /// Their picture with the file's URLs and variants, as on the person; `null` when they have
    /// none.
    #[schema(required = true)]
    pub avatar: Option<AvatarView>,
}

/// A byline as an article shows it: its people, not only their ids.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// The authors, in byline order.
    pub authors: Vec<PersonRef>,
    /// The reviewer and the date of the review.
    pub review: Option<(PersonRef, NaiveDate)>,
}

/// The bylines of `article_ids` with their people, reading the authors only when `authors` is
/// set and the reviews only when `review` is (one query each, people and their avatars joined
/// in), and the variants of the avatars they show in one more (none without avatars).
pub fn shown(
    conn: &mut DbConn,
    article_ids: &[i32],
    authors: bool,
    review: bool,
) -> QueryResult<HashMap<i32, Shown>> {
    let person = (people::id, people::slug, people::name, people::credentials);
    let avatar = (
        person_avatars::alt.nullable(),
        Option::<MediaRow>::as_select(),
    );
    let mut author_rows: Vec<(i32, PersonColumns, Joined)> = Vec::new();
    if authors {
        author_rows = load_by_ids!(
            article_authors::table
                .inner_join(people::table.on(people::id.eq(article_authors::person_id)))
                .left_join(person_avatars::table.on(person_avatars::person_id.eq(people::id)))
                .left_join(media::table.on(media::id.eq(person_avatars::media_id)))
                .order((article_authors::article_id, article_authors::position))
                .select((article_authors::article_id, person, avatar)),
            article_authors::article_id,
            article_ids,
            conn
        )?;
    }
    let mut review_rows: Vec<(i32, NaiveDate, PersonColumns, Joined)> = Vec::new();
    if review {
        review_rows = load_by_ids!(
            article_reviews::table
                .inner_join(people::table.on(people::id.eq(article_reviews::reviewer_id)))
                .left_join(person_avatars::table.on(person_avatars::person_id.eq(people::id)))
                .left_join(media::table.on(media::id.eq(person_avatars::media_id)))
                .select((
                    article_reviews::article_id,
                    article_reviews::reviewed_at,
                    person,
                    avatar,
                )),
            article_reviews::article_id,
            article_ids,
            conn
        )?;
    }
    let joined = author_rows
        .iter()
        .map(|(_, _, joined)| joined)
        .chain(review_rows.iter().map(|(_, _, _, joined)| joined));
    let variants = media_model::variants_of(conn, &avatars::media_ids(joined))?;
    let person_ref = |(id, slug, name, credentials): PersonColumns, joined: Joined| PersonRef {
        id,
        slug,
        name,
        credentials,
        avatar: avatars::view(joined, &variants),
    };
    let mut shown: HashMap<i32, Shown> = HashMap::new();
    for (article, columns, joined) in author_rows {
        shown
            .entry(article)
            .or_default()
            .authors
            .push(person_ref(columns, joined));
    }
    for (article, at, columns, joined) in review_rows {
        shown.entry(article).or_default().review = Some((person_ref(columns, joined), at));
    }
    Ok(shown)
}

/// `people.id, slug, name, credentials`.
type PersonColumns = (i32, String, String, String);

/// How many articles name `person_id` as an author, and as their reviewer.
pub fn uses_of(conn: &mut DbConn, person_id: i32) -> QueryResult<(i64, i64)> {
    let authored = article_authors::table
        .filter(article_authors::person_id.eq(person_id))
        .count()
        .get_result(conn)?;
    let reviewed = article_reviews::table
        .filter(article_reviews::reviewer_id.eq(person_id))
        .count()
        .get_result(conn)?;
    Ok((authored, reviewed))
}

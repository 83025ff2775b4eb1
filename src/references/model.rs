//! The `article_references` table: an article's cited works in order, read for one or many
//! articles and replaced as a whole.

use super::input::ReferenceInput;
use crate::db::by_ids::load_by_ids;
use crate::db::schema::{article_references, articles};
use crate::db::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A row of `article_references`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = article_references, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ReferenceRow {
    pub id: i32,
    pub article_id: i32,
    pub position: i32,
    pub title: String,
    pub url: String,
    pub publisher: String,
    pub year: Option<i32>,
    pub doi: Option<String>,
    pub pubmed_id: Option<String>,
}

impl ReferenceRow {
    /// The reference as written (what revisions and exports keep).
    pub fn input(&self) -> ReferenceInput {
        ReferenceInput {
            title: self.title.clone(),
            url: self.url.clone(),
            publisher: self.publisher.clone(),
            year: self.year,
            doi: self.doi.clone(),
            pubmed_id: self.pubmed_id.clone(),
        }
    }
}

/// The columns of a new reference.
#[derive(Debug, Insertable)]
#[diesel(table_name = article_references)]
struct NewReference<'a> {
    article_id: i32,
    position: i32,
    title: &'a str,
    url: &'a str,
    publisher: &'a str,
    year: Option<i32>,
    doi: Option<&'a str>,
    pubmed_id: Option<&'a str>,
}

/// The references of `article_id`, in order.
pub fn for_article(conn: &mut DbConn, article_id: i32) -> QueryResult<Vec<ReferenceRow>> {
    for_articles(conn, &[article_id])
}

/// The references of every article in `article_ids`, by article then position.
pub fn for_articles(conn: &mut DbConn, article_ids: &[i32]) -> QueryResult<Vec<ReferenceRow>> {
    load_by_ids!(
        article_references::table
            .order((article_references::article_id, article_references::position))
            .select(ReferenceRow::as_select()),
        article_references::article_id,
        article_ids,
        conn
    )
}

/// Stores `items` ([`ReferenceInput::normalized`]) as the references of `article_id` (positions
/// 1..n), replacing any it had.
/// Returns whether anything changed (the same list in the same order writes nothing).
pub fn replace_all(
    conn: &mut DbConn,
    article_id: i32,
    items: &[ReferenceInput],
) -> QueryResult<bool> {
    if stored_equal(conn, article_id, items)? {
        return Ok(false);
    }
    store(conn, article_id, items)?;
    Ok(true)
}

/// Stores `items` as the references of `article_id` like [`replace_all`], without first
/// comparing them with the stored ones (for a caller that has).
pub fn store(conn: &mut DbConn, article_id: i32, items: &[ReferenceInput]) -> QueryResult<()> {
    let items: Vec<ReferenceInput> = items.iter().map(ReferenceInput::normalized).collect();
    diesel::delete(article_references::table.filter(article_references::article_id.eq(article_id)))
        .execute(conn)?;
    for (position, item) in (1..).zip(&items) {
        diesel::insert_into(article_references::table)
            .values(NewReference {
                article_id,
                position,
                title: &item.title,
                url: &item.url,
                publisher: &item.publisher,
                year: item.year,
                doi: item.doi.as_deref(),
                pubmed_id: item.pubmed_id.as_deref(),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// True when `article_id` has exactly `items` ([`ReferenceInput::normalized`]), in that order.
pub fn stored_equal(
    conn: &mut DbConn,
    article_id: i32,
    items: &[ReferenceInput],
) -> QueryResult<bool> {
    let stored = for_article(conn, article_id)?;
    Ok(stored.len() == items.len()
        && stored
            .iter()
            .zip(items)
            .all(|(row, item)| row.input() == item.normalized()))
}

/// Counts a change of `article_id`'s references in the article: a new version, `updated_at`
/// now. Returns the new version.
pub fn article_changed(conn: &mut DbConn, article_id: i32, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::update(articles::table.find(article_id))
        .set((
            articles::version.eq(articles::version + 1),
            articles::updated_at.eq(now),
        ))
        .returning(articles::version)
        .get_result(conn)
}

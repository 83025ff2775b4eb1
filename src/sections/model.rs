//! Section rows and every query on the `sections` table, keeping positions 1..n without gaps.

use super::input::{ReplacementSection, SectionInput, MAX_SECTIONS};
use crate::db::by_ids::load_by_ids;
use crate::db::schema::{articles, sections};
use crate::db::search_index;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::support::{markdown, search_text};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A row of `sections`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sections, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SectionRow {
    pub id: i32,
    pub article_id: i32,
    pub position: i32,
    pub heading: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// `body` rendered to sanitized HTML when the section was written; `None` for rows not
    /// rendered yet (see [`render_missing`]).
    pub body_html: Option<String>,
}

impl SectionRow {
    /// The body as sanitized HTML, taken out of the row: the stored rendering, or a fresh one when
    /// there is none yet.
    pub fn take_html(&mut self) -> String {
        self.body_html
            .take()
            .unwrap_or_else(|| markdown::to_html(&self.body))
    }
}

/// The columns of a new section.
#[derive(Debug, Insertable)]
#[diesel(table_name = sections)]
struct NewSection<'a> {
    article_id: i32,
    position: i32,
    heading: &'a str,
    body: &'a str,
    body_html: String,
    body_text: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A change of a section's text.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = sections)]
struct SectionChanges<'a> {
    heading: &'a str,
    body: &'a str,
    /// The rendering of `body`, set with it.
    body_html: String,
    /// The reader's text of `body`, for the search index, set with it.
    body_text: String,
    updated_at: NaiveDateTime,
}

/// What is stored along with a body, derived from it on every write: its sanitized HTML and
/// the plain text a reader sees (what the search index holds).
struct Derived {
    html: String,
    text: String,
}

impl Derived {
    fn of(body: &str) -> Self {
        let html = markdown::to_html(body);
        let text = search_text::of_html(&html);
        Self { html, text }
    }
}

/// The section with `id`, if any.
pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<SectionRow>> {
    sections::table
        .find(id)
        .select(SectionRow::as_select())
        .get_result(conn)
        .optional()
}

/// The sections of `article_id`, in order.
pub fn for_article(conn: &mut DbConn, article_id: i32) -> QueryResult<Vec<SectionRow>> {
    sections::table
        .filter(sections::article_id.eq(article_id))
        .order(sections::position)
        .select(SectionRow::as_select())
        .load(conn)
}

fn count(conn: &mut DbConn, article_id: i32) -> QueryResult<i32> {
    let n: i64 = sections::table
        .filter(sections::article_id.eq(article_id))
        .count()
        .get_result(conn)?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}

fn insert_one(
    conn: &mut DbConn,
    article_id: i32,
    position: i32,
    heading: &str,
    body: &str,
    now: NaiveDateTime,
) -> QueryResult<SectionRow> {
    let derived = Derived::of(body);
    diesel::insert_into(sections::table)
        .values(NewSection {
            article_id,
            position,
            heading: heading.trim(),
            body,
            body_html: derived.html,
            body_text: derived.text,
            created_at: now,
            updated_at: now,
        })
        .returning(<SectionRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)
}

/// Inserts `items` as positions 1..n of an article that has no sections, atomic within the
/// caller's transaction. PostgreSQL: one multi-row statement (every statement is a round trip,
/// made while holding the cluster-wide write lock). SQLite: one (cached) statement per section;
/// diesel's batch insert there would open a savepoint, which makes FTS5 flush its pending index
/// terms on every call.
pub fn insert_all(
    conn: &mut DbConn,
    article_id: i32,
    items: &[SectionInput],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let rows: Vec<NewSection> = (1..)
        .zip(items)
        .map(|(position, item)| {
            let derived = Derived::of(&item.body);
            NewSection {
                article_id,
                position,
                heading: item.heading.trim(),
                body: &item.body,
                body_html: derived.html,
                body_text: derived.text,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    match conn {
        // Diesel's multi-backend connection has no multi-row INSERT: the server's own has.
        DbConn::Postgres(server) if !rows.is_empty() => diesel::insert_into(sections::table)
            .values(rows)
            .execute(server),
        _ => {
            for row in &rows {
                diesel::insert_into(sections::table)
                    .values(row)
                    .execute(conn)?;
            }
            Ok(rows.len())
        }
    }
}

/// Deletes every section of `article_id`.
pub fn delete_all(conn: &mut DbConn, article_id: i32) -> QueryResult<usize> {
    diesel::delete(sections::table.filter(sections::article_id.eq(article_id))).execute(conn)
}

/// Shifts by `delta` every section of `article_id` at or after `from`, without ever holding two
/// rows at one position (the unique index is checked row by row): through negative positions.
fn shift(conn: &mut DbConn, article_id: i32, from: i32, delta: i32) -> QueryResult<()> {
    diesel::update(
        sections::table
            .filter(sections::article_id.eq(article_id))
            .filter(sections::position.ge(from)),
    )
    .set(sections::position.eq((sections::position + delta) * -1))
    .execute(conn)?;
    flip_negative(conn, article_id)
}

fn flip_negative(conn: &mut DbConn, article_id: i32) -> QueryResult<()> {
    diesel::update(
        sections::table
            .filter(sections::article_id.eq(article_id))
            .filter(sections::position.lt(0)),
    )
    .set(sections::position.eq(sections::position * -1))
    .execute(conn)?;
    Ok(())
}

/// Inserts a section at `position` (1..n+1, default n+1), shifting later ones down; returns it
/// and the article's new version. 422 when the article already has [`MAX_SECTIONS`].
pub fn insert_at(
    conn: &mut DbConn,
    article_id: i32,
    position: Option<i32>,
    heading: &str,
    body: &str,
    now: NaiveDateTime,
) -> ApiResult<(SectionRow, i32)> {
    let end = count(conn, article_id)? + 1;
    if usize::try_from(end).unwrap_or(usize::MAX) > MAX_SECTIONS {
        return Err(ApiError::conflicting(
            "sections",
            format!("an article has at most {MAX_SECTIONS} sections"),
        ));
    }
    let position = position.unwrap_or(end);
    if !(1..=end).contains(&position) {
        return Err(ApiError::conflicting(
            "position",
            format!(
                "must be between 1 and {end}: the article has {} sections",
                end - 1
            ),
        ));
    }
    shift(conn, article_id, position, 1)?;
    let row = insert_one(conn, article_id, position, heading, body, now)?;
    let version = article_changed(conn, article_id, now)?;
    Ok((row, version))
}

/// Deletes `section` and closes the gap it leaves; returns the article's new version.
pub fn remove(conn: &mut DbConn, section: &SectionRow, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::delete(sections::table.find(section.id)).execute(conn)?;
    shift(conn, section.article_id, section.position + 1, -1)?;
    article_changed(conn, section.article_id, now)
}

/// Gives `section` a new heading and body and, with `position`, moves it (1..n), shifting the
/// others; returns it and the article's version. Nothing is written (and the version of
/// `article_version` is returned) when all three equal what is stored.
pub fn change(
    conn: &mut DbConn,
    section: &SectionRow,
    article_version: i32,
    heading: &str,
    body: &str,
    position: i32,
    now: NaiveDateTime,
) -> ApiResult<(SectionRow, i32)> {
    let heading = heading.trim();
    if heading == section.heading && body == section.body && position == section.position {
        return Ok((section.clone(), article_version));
    }
    if position != section.position {
        let last = count(conn, section.article_id)?;
        if !(1..=last).contains(&position) {
            return Err(ApiError::conflicting(
                "position",
                format!("must be between 1 and {last}: the article has {last} sections"),
            ));
        }
        let mut order: Vec<i32> = for_article(conn, section.article_id)?
            .into_iter()
            .map(|s| s.id)
            .filter(|id| *id != section.id)
            .collect();
        order.insert(usize::try_from(position - 1).unwrap_or(0), section.id);
        renumber(conn, section.article_id, &order)?;
    }
    let derived = Derived::of(body);
    let changes = SectionChanges {
        heading,
        body,
        body_html: derived.html,
        body_text: derived.text,
        updated_at: now,
    };
    let row = diesel::update(sections::table.find(section.id))
        .set(&changes)
        .returning(<SectionRow as diesel::Selectable<
            crate::db::MultiBackend,
        >>::construct_selection())
        .get_result(conn)?;
    let version = article_changed(conn, section.article_id, now)?;
    Ok((row, version))
}

/// The rule of every change to an article's sections, run in the change's transaction by each
/// public write here (so no handler can forget it): the article gets a new `version` (its
/// entity tag) and `updated_at`, and fresh `word_count` and `derived_excerpt`; its search row
/// follows the sections through the `sections` triggers. Returns the new version.
///
/// It writes the `articles` row itself rather than calling `articles::model`, which imports
/// this module to write an article with its sections.
fn article_changed(conn: &mut DbConn, article_id: i32, now: NaiveDateTime) -> QueryResult<i32> {
    let sections = for_article(conn, article_id)?;
    let (word_count, derived_excerpt) = markdown::derived_text(
        sections
            .iter()
            .map(|s| (s.heading.as_str(), s.body.as_str())),
    );
    diesel::update(articles::table.find(article_id))
        .set((
            articles::version.eq(articles::version + 1),
            articles::updated_at.eq(now),
            articles::word_count.eq(word_count),
            articles::derived_excerpt.eq(derived_excerpt),
        ))
        .returning(articles::version)
        .get_result(conn)
}

/// Gives the sections `order` positions 1..n, in that order.
fn renumber(conn: &mut DbConn, article_id: i32, order: &[i32]) -> QueryResult<()> {
    for (position, id) in (1..).zip(order) {
        diesel::update(sections::table.find(id))
            .set(sections::position.eq(-position))
            .execute(conn)?;
    }
    flip_negative(conn, article_id)
}

/// Makes `items` the complete ordered list of the article's sections: listed ids are kept and
/// updated, new entries inserted, unlisted sections deleted. Returns the sections and the
/// article's version: `article_version`, with nothing written, when `items` are exactly what is
/// stored.
pub fn replace_all(
    conn: &mut DbConn,
    article_id: i32,
    article_version: i32,
    items: &[ReplacementSection],
    now: NaiveDateTime,
) -> ApiResult<(Vec<SectionRow>, i32)> {
    let stored = for_article(conn, article_id)?;
    let unchanged = stored.len() == items.len()
        && stored.iter().zip(items).all(|(row, item)| {
            item.id == Some(row.id) && item.heading.trim() == row.heading && item.body == row.body
        });
    if unchanged {
        return Ok((stored, article_version));
    }
    search_index::pause(conn)?;
    let existing: Vec<i32> = stored.into_iter().map(|s| s.id).collect();
    let foreign: Vec<FieldError> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            item.id
                .filter(|id| !existing.contains(id))
                .map(|id| (i, id))
        })
        .map(|(i, id)| {
            FieldError::new(
                format!("sections[{i}].id"),
                format!("section {id} is not a section of this article"),
            )
        })
        .collect();
    if !foreign.is_empty() {
        return Err(ApiError::StateConflict(foreign));
    }
    let kept: Vec<i32> = items.iter().filter_map(|item| item.id).collect();
    diesel::delete(
        sections::table
            .filter(sections::article_id.eq(article_id))
            .filter(sections::id.ne_all(&kept)),
    )
    .execute(conn)?;
    diesel::update(sections::table.filter(sections::article_id.eq(article_id)))
        .set(sections::position.eq(sections::position * -1))
        .execute(conn)?;
    for (position, item) in (1..).zip(items) {
        match item.id {
            Some(id) => {
                let derived = Derived::of(&item.body);
                diesel::update(sections::table.find(id))
                    .set((
                        sections::position.eq(position),
                        sections::heading.eq(item.heading.trim()),
                        sections::body.eq(&item.body),
                        sections::body_html.eq(derived.html),
                        sections::body_text.eq(derived.text),
                        sections::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                insert_one(conn, article_id, position, &item.heading, &item.body, now)?;
            }
        }
    }
    search_index::resume_and_index(conn, article_id)?;
    let version = article_changed(conn, article_id, now)?;
    Ok((for_article(conn, article_id)?, version))
}

/// The sections of all `article_ids`, each article's in order (one query for a whole list).
pub fn for_articles(conn: &mut DbConn, article_ids: &[i32]) -> QueryResult<Vec<SectionRow>> {
    load_by_ids!(
        sections::table
            .order((sections::article_id, sections::position))
            .select(SectionRow::as_select()),
        sections::article_id,
        article_ids,
        conn
    )
}

/// Renders and stores the HTML of up to `batch` sections after id `after` that have none yet
/// (written before bodies were rendered on write), in id order; returns how many and the last
/// id, `None` when none is left after `after`.
pub fn render_missing(
    conn: &mut DbConn,
    after: i32,
    batch: i64,
) -> QueryResult<Option<(usize, i32)>> {
    let missing: Vec<(i32, String)> = sections::table
        .filter(sections::id.gt(after))
        .filter(sections::body_html.is_null())
        .order(sections::id)
        .select((sections::id, sections::body))
        .limit(batch)
        .load(conn)?;
    for (id, body) in &missing {
        diesel::update(sections::table.find(id))
            .set(sections::body_html.eq(markdown::to_html(body)))
            .execute(conn)?;
    }
    Ok(missing.last().map(|(last, _)| (missing.len(), *last)))
}

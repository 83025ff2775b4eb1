//! An article with its sections, and the category tree when asked, in one statement: what a
//! PostgreSQL read of one article needs to make one round trip instead of a transaction's five.
//!
//! The sections and the tree come back as JSON arrays of rows (`json_agg` of `json_build_array`,
//! columns in the order of [`SectionRow`] and [`CategoryLink`]); a statement is one snapshot, so
//! the three agree with each other as in a transaction.

use super::model::ArticleRow;
use crate::categories::model::CategoryLink;
use crate::db::schema::articles;
use crate::db::DbConn;
use crate::sections::model::SectionRow;
use crate::support::key::Key;
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{Nullable, Text};

/// An article's sections in order, as a JSON array of rows (PostgreSQL).
const SECTIONS_JSON: &str = "(SELECT coalesce(json_agg(json_build_array(s.id, s.article_id, \
     s.position, s.heading, s.body, s.created_at, s.updated_at, s.body_html) \
     ORDER BY s.position), '[]')::text FROM sections s WHERE s.article_id = articles.id)";

/// Every category, as a JSON array of rows (PostgreSQL).
const LINKS_JSON: &str = "(SELECT coalesce(json_agg(json_build_array(c.id, c.slug, c.name, \
     c.parent_id)), '[]')::text FROM categories c)";

/// What to read beside the article.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    /// Its sections.
    pub sections: bool,
    /// The whole category tree.
    pub links: bool,
}

/// One article as one statement read it.
#[derive(Debug)]
pub struct Whole {
    pub row: ArticleRow,
    /// Its sections in order; empty when they were not wanted.
    pub sections: Vec<SectionRow>,
    /// Every category, when wanted.
    pub links: Option<Vec<CategoryLink>>,
}

/// A section row as `SECTIONS_JSON` sends it.
type SectionTuple = (
    i32,
    i32,
    i32,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<String>,
);

/// The article whose id or current slug is `key`, whatever its status, with what `wanted` asks
/// for; `None` when no article holds that id or slug now (old slugs are not followed).
///
/// PostgreSQL only (the JSON functions are PostgreSQL's).
///
/// Errors: the database's, or [`DieselError::DeserializationError`] if the JSON it built does
/// not have the shape of the rows (a bug, not bad input).
pub fn find(conn: &mut DbConn, key: &Key, wanted: Wanted) -> QueryResult<Option<Whole>> {
    let aside = |json: &'static str, want: bool| {
        sql::<Nullable<Text>>(if want { json } else { "NULL::text" })
    };
    let query = articles::table
        .select((
            ArticleRow::as_select(),
            aside(SECTIONS_JSON, wanted.sections),
            aside(LINKS_JSON, wanted.links),
        ))
        .into_boxed();
    let query = match key {
        Key::Id(id) => match i32::try_from(*id) {
            Ok(id) => query.filter(articles::id.eq(id)),
            Err(_) => return Ok(None),
        },
        Key::Unmatchable(_) => return Ok(None),
        Key::Slug(slug) => query.filter(articles::slug.eq(slug.as_str())),
    };
    let Some((row, sections, links)) = query
        .get_result::<(ArticleRow, Option<String>, Option<String>)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let sections = match sections {
        Some(json) => parse::<SectionTuple>(&json)?
            .into_iter()
            .map(section_row)
            .collect(),
        None => Vec::new(),
    };
    let links = links
        .map(|json| parse::<(i32, String, String, Option<i32>)>(&json))
        .transpose()?
        .map(|rows| {
            rows.into_iter()
                .map(|(id, slug, name, parent_id)| CategoryLink {
                    id,
                    slug,
                    name,
                    parent_id,
                })
                .collect()
        });
    Ok(Some(Whole {
        row,
        sections,
        links,
    }))
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> QueryResult<Vec<T>> {
    serde_json::from_str(json).map_err(|error| DieselError::DeserializationError(Box::new(error)))
}

fn section_row(
    (id, article_id, position, heading, body, created_at, updated_at, body_html): SectionTuple,
) -> SectionRow {
    SectionRow {
        id,
        article_id,
        position,
        heading,
        body,
        created_at,
        updated_at,
        body_html,
    }
}

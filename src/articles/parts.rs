//! The references and bylines of a page of articles, with the bylines' people, in one statement
//! (a `UNION ALL` of the three kinds of rows): what the embeds `references`, `authors` and
//! `review` show, for one query instead of three.

use crate::db::sql::{Bind, Sql};
use crate::db::DbConn;
use crate::people::bylines::{PersonRef, Shown};
use crate::references::model::ReferenceRow;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{Integer, Nullable, Text};
use std::collections::HashMap;

/// Which parts to read.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    pub references: bool,
    pub authors: bool,
    pub review: bool,
}

/// The parts of a page of articles, by article id.
#[derive(Debug, Default)]
pub struct Parts {
    /// Each article's references, in order.
    pub references: HashMap<i32, Vec<ReferenceRow>>,
    /// Each article's byline with its people.
    pub bylines: HashMap<i32, Shown>,
}

/// One row of the union: a reference (`r`), an author (`a`) or a review (`v`), its columns in
/// the order the branches below select them.
#[derive(QueryableByName)]
struct PartRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Integer)]
    article_id: i32,
    #[diesel(sql_type = Integer)]
    position: i32,
    /// Reference id, or person id.
    #[diesel(sql_type = Integer)]
    id: i32,
    /// Title, or slug.
    #[diesel(sql_type = Text)]
    a: String,
    /// URL, or name.
    #[diesel(sql_type = Text)]
    b: String,
    /// Publisher, or credentials.
    #[diesel(sql_type = Text)]
    c: String,
    /// DOI, or the review's date (`YYYY-MM-DD`).
    #[diesel(sql_type = Nullable<Text>)]
    d: Option<String>,
    /// PubMed id.
    #[diesel(sql_type = Nullable<Text>)]
    e: Option<String>,
    /// Year.
    #[diesel(sql_type = Nullable<Integer>)]
    n: Option<i32>,
}

/// The branches of the union, each followed by the `IN (…)` of the article ids.
const REFERENCES: &str = "SELECT 'r' AS kind, article_id AS article_id, position AS position, \
     id AS id, title AS a, url AS b, \
     publisher AS c, doi AS d, pubmed_id AS e, year AS n FROM article_references \
     WHERE article_id IN (";
const AUTHORS: &str = "SELECT 'a' AS kind, w.article_id AS article_id, w.position AS position, \
     p.id AS id, p.slug AS a, \
     p.name AS b, p.credentials AS c, CAST(NULL AS TEXT) AS d, CAST(NULL AS TEXT) AS e, \
     CAST(NULL AS INTEGER) AS n FROM article_authors w JOIN people p ON p.id = w.person_id \
     WHERE w.article_id IN (";
const REVIEWS: &str = "SELECT 'v' AS kind, v.article_id AS article_id, 0 AS position, \
     p.id AS id, p.slug AS a, p.name AS b, \
     p.credentials AS c, CAST(v.reviewed_at AS TEXT) AS d, CAST(NULL AS TEXT) AS e, \
     CAST(NULL AS INTEGER) AS n FROM article_reviews v JOIN people p ON p.id = v.reviewer_id \
     WHERE v.article_id IN (";

/// The `wanted` parts of the articles `ids`, in one statement (none when nothing is wanted).
///
/// Errors: the database's, or [`DieselError::DeserializationError`] for a review date that is
/// not `YYYY-MM-DD` (no write of this server stores one).
pub fn load(conn: &mut DbConn, ids: &[i32], wanted: Wanted) -> QueryResult<Parts> {
    let branches: Vec<&str> = [
        (wanted.references, REFERENCES),
        (wanted.authors, AUTHORS),
        (wanted.review, REVIEWS),
    ]
    .into_iter()
    .filter_map(|(want, branch)| want.then_some(branch))
    .collect();
    let mut parts = Parts::default();
    if branches.is_empty() || ids.is_empty() {
        return Ok(parts);
    }
    let mut sql = Sql::new("");
    for (i, branch) in branches.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push(branch)
            .bind_list(ids.iter().map(|id| Bind::Int((*id).into())))
            .push(")");
    }
    sql.push(" ORDER BY article_id, kind, position");
    for row in sql.query(conn).load::<PartRow>(conn)? {
        match row.kind.as_str() {
            "r" => parts
                .references
                .entry(row.article_id)
                .or_default()
                .push(ReferenceRow {
                    id: row.id,
                    article_id: row.article_id,
                    position: row.position,
                    title: row.a,
                    url: row.b,
                    publisher: row.c,
                    year: row.n,
                    doi: row.d,
                    pubmed_id: row.e,
                }),
            "a" => {
                let person = person(row.id, row.a, row.b, row.c);
                let byline = parts.bylines.entry(row.article_id).or_default();
                byline.authors.push(person);
            }
            _ => {
                let at = row.d.as_deref().unwrap_or_default();
                let at = NaiveDate::parse_from_str(at, "%Y-%m-%d")
                    .map_err(|error| DieselError::DeserializationError(Box::new(error)))?;
                let person = person(row.id, row.a, row.b, row.c);
                parts.bylines.entry(row.article_id).or_default().review = Some((person, at));
            }
        }
    }
    Ok(parts)
}

fn person(id: i32, slug: String, name: String, credentials: String) -> PersonRef {
    PersonRef {
        id,
        slug,
        name,
        credentials,
    }
}

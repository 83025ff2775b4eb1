//! Reading articles' searchable text from the database for the ranked-search index: the same
//! plain text the database's own search table holds (FTS5's `article_search` on SQLite, the
//! `article_search` table on PostgreSQL), with what decides who may see each article.

use crate::db::sql::{Bind, Sql};
use crate::db::{Backend, DbConn};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text, Timestamp};

/// One article as the index takes it.
#[derive(Debug, QueryableByName)]
pub struct SearchRow {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub subtitle: String,
    #[diesel(sql_type = Text)]
    pub excerpt: String,
    #[diesel(sql_type = Text)]
    pub headings: String,
    #[diesel(sql_type = Text)]
    pub bodies: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub published_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub unpublish_at: Option<NaiveDateTime>,
}

impl SearchRow {
    /// The searchable columns in the order of [`super::schema::COLUMNS`].
    pub fn columns(&self) -> [&str; 5] {
        [
            &self.title,
            &self.subtitle,
            &self.excerpt,
            &self.headings,
            &self.bodies,
        ]
    }
}

/// `SELECT` of every [`SearchRow`] column from the articles `a` and their search rows `s`.
fn select(backend: Backend) -> Sql {
    let (from, key) = match backend {
        Backend::Sqlite => (
            " FROM articles a JOIN article_search s ON s.rowid = a.id",
            "s.rowid",
        ),
        Backend::Postgres => (
            " FROM articles a JOIN article_search s ON s.article_id = a.id",
            "s.article_id",
        ),
    };
    let mut sql = Sql::new("SELECT ");
    sql.push(key).push(
        " AS id, s.title, s.subtitle, s.excerpt, s.headings, s.bodies, a.status, \
         a.published_at, a.unpublish_at",
    );
    sql.push(from);
    sql
}

/// The articles among `ids` that exist (any order).
pub fn by_ids(conn: &mut DbConn, ids: &[i32]) -> QueryResult<Vec<SearchRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = select(conn.backend());
    sql.push(" WHERE a.id IN (")
        .bind_list(ids.iter().map(|&id| Bind::Int(id.into())))
        .push(")");
    sql.query(conn).load(conn)
}

/// Up to `limit` articles with an id above `after`, in id order: one batch of a full rebuild.
pub fn after(conn: &mut DbConn, after: i32, limit: i64) -> QueryResult<Vec<SearchRow>> {
    let mut sql = select(conn.backend());
    sql.push(" WHERE a.id > ")
        .bind(Bind::Int(after.into()))
        .push(" ORDER BY a.id LIMIT ")
        .bind(Bind::Int(limit));
    sql.query(conn).load(conn)
}

//! `Sql`: raw SQL text with its bind values, for queries whose shape is only known at run time,
//! rendered with the placeholders of the connection's backend (`?` for SQLite, `$1, $2, …` for
//! PostgreSQL).

use super::{Backend, DbConn, MultiBackend};
use chrono::NaiveDateTime;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Double, Text, Timestamp};

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
    Time(NaiveDateTime),
}

/// SQL text and the values of its placeholders, in order.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    /// Where each placeholder goes in `text` (byte offsets, ascending).
    marks: Vec<usize>,
    binds: Vec<Bind>,
}

impl Sql {
    /// Starts with `text` (which holds no placeholders).
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            marks: Vec::new(),
            binds: Vec::new(),
        }
    }

    /// Appends text without placeholders.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.marks.push(self.text.len());
        self.binds.push(value);
        self
    }

    /// Appends placeholders bound to `values`, separated by commas.
    pub fn bind_list(&mut self, values: impl IntoIterator<Item = Bind>) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self
    }

    /// Appends another fragment with its binds.
    pub fn append(&mut self, other: &Sql) -> &mut Self {
        let start = self.text.len();
        self.marks
            .extend(other.marks.iter().map(|mark| start + mark));
        self.text.push_str(&other.text);
        self.binds.extend(other.binds.iter().cloned());
        self
    }

    /// True when no text has been written.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.marks.is_empty()
    }

    /// The text with `backend`'s placeholders.
    pub fn render(&self, backend: Backend) -> String {
        let mut rendered = String::with_capacity(self.text.len() + 3 * self.marks.len());
        let mut from = 0;
        for (index, &mark) in self.marks.iter().enumerate() {
            rendered.push_str(&self.text[from..mark]);
            match backend {
                Backend::Sqlite => rendered.push('?'),
                Backend::Postgres => rendered.push_str(&format!("${}", index + 1)),
            }
            from = mark;
        }
        rendered.push_str(&self.text[from..]);
        rendered
    }

    /// The diesel query for `conn`'s backend, ready to load.
    pub fn query(&self, conn: &DbConn) -> BoxedSqlQuery<'static, MultiBackend, SqlQuery> {
        self.binds.iter().fold(
            diesel::sql_query(self.render(conn.backend())).into_boxed::<MultiBackend>(),
            |query, bind| match bind.clone() {
                Bind::Text(value) => query.bind::<Text, _>(value),
                Bind::Int(value) => query.bind::<BigInt, _>(value),
                Bind::Float(value) => query.bind::<Double, _>(value),
                Bind::Time(value) => query.bind::<Timestamp, _>(value),
            },
        )
    }
}

/// `text`, whose placeholders are written `?`, with `conn`'s placeholders: for fixed statements
/// (a `?` inside a string literal would be taken for a placeholder; these statements have none).
pub fn placeholders(conn: &DbConn, text: &str) -> String {
    placeholders_of(conn.backend(), text)
}

/// `text`, whose placeholders are written `?`, with `backend`'s placeholders (see
/// [`placeholders`]).
pub fn placeholders_of(backend: Backend, text: &str) -> String {
    match backend {
        Backend::Sqlite => text.to_owned(),
        Backend::Postgres => {
            let mut rendered = String::with_capacity(text.len() + 8);
            for (index, piece) in text.split('?').enumerate() {
                if index > 0 {
                    rendered.push_str(&format!("${index}"));
                }
                rendered.push_str(piece);
            }
            rendered
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order_across_appended_fragments() {
        let mut inner = Sql::new("b = ");
        inner.bind(Bind::Int(2));
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.bind(Bind::Int(1)).push(" AND ").append(&inner);
        sql.push(" AND c IN (")
            .bind_list([Bind::Int(3), Bind::Int(4)])
            .push(")");
        assert_eq!(
            sql.render(Backend::Postgres),
            "SELECT 1 WHERE a = $1 AND b = $2 AND c IN ($3, $4)"
        );
        assert_eq!(
            sql.render(Backend::Sqlite),
            "SELECT 1 WHERE a = ? AND b = ? AND c IN (?, ?)"
        );
    }
}

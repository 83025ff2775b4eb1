//! `Sql`: raw SQL text with its bind values, for queries whose shape is only known at run time.

use chrono::NaiveDateTime;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Double, Text, Timestamp};
use diesel::sqlite::Sqlite;

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
    Time(NaiveDateTime),
}

/// SQL text and the values of its `?` placeholders, in order.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    /// Starts with `text` (which holds no placeholders).
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Appends text without placeholders.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a `?` bound to `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.text.push('?');
        self.binds.push(value);
        self
    }

    /// Appends `?, ?, …` bound to `values`.
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
        self.text.push_str(&other.text);
        self.binds.extend(other.binds.iter().cloned());
        self
    }

    /// True when no text has been written.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The diesel query, ready to load.
    pub fn query(&self) -> BoxedSqlQuery<'static, Sqlite, SqlQuery> {
        self.binds.iter().fold(
            diesel::sql_query(self.text.clone()).into_boxed::<Sqlite>(),
            |query, bind| match bind.clone() {
                Bind::Text(value) => query.bind::<Text, _>(value),
                Bind::Int(value) => query.bind::<BigInt, _>(value),
                Bind::Float(value) => query.bind::<Double, _>(value),
                Bind::Time(value) => query.bind::<Timestamp, _>(value),
            },
        )
    }
}

//! `load_by_ids!`: a query filtered to a list of ids whose prepared statement is kept, whatever the list's length.
//!
//! diesel cannot cache the prepared statement of `column.eq_any(ids)` on SQLite: it is written
//! `IN (?, ?, …)` with one parameter per id, so it is parsed and planned again on every call.
//! Every article read asks for the parts of its articles (sections, tags, bylines, references,
//! SEO fields, images) this way, and preparing those statements took a quarter of the server's
//! CPU on uncached reads (perf, scenario 1). Here one id is written `column = ?` and several
//! [`InIds`]: one parameter holding them all, so each connection prepares each statement once.

use crate::db::MultiBackend;
use diesel::expression::{AppearsOnTable, Expression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Integer, Text};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

/// `$query.filter($column.eq(id)).load($conn)` when `$ids` (a slice of `i32`) holds one id,
/// `$query.filter(InIds::new($column, ids)).load($conn)` otherwise; a `QueryResult<Vec<_>>`
/// either way. `$query` is any select statement (`filter` may follow `select` and `order`).
macro_rules! load_by_ids {
    ($query:expr, $column:expr, $ids:expr, $conn:expr) => {
        match $ids {
            [id] => $query.filter($column.eq(*id)).load($conn),
            ids => $query
                .filter($crate::db::by_ids::InIds::new($column, ids))
                .load($conn),
        }
    };
}

pub(crate) use load_by_ids;

/// `column IN (ids)` with the ids in one bind parameter, so its statement can be cached: on
/// SQLite `column IN (SELECT value FROM json_each(?))` with a JSON array of the ids, on
/// PostgreSQL `column = ANY(?)` with an `int4[]`. An empty list matches nothing on both.
#[derive(Debug, Clone)]
pub struct InIds<C> {
    column: C,
    ids: Vec<i32>,
    json: String,
}

impl<C> InIds<C> {
    /// `column` among `ids`.
    pub fn new(column: C, ids: &[i32]) -> Self {
        let json = format!(
            "[{}]",
            ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
        );
        Self {
            column,
            ids: ids.to_vec(),
            json,
        }
    }
}

impl<C: Expression<SqlType = Integer>> Expression for InIds<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS> + Expression<SqlType = Integer>, QS> AppearsOnTable<QS> for InIds<C> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for InIds<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C: QueryId> QueryId for InIds<C> {
    type QueryId = InIds<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for InIds<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

impl<C: QueryFragment<Pg>> QueryFragment<Pg> for InIds<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<Integer>, _>(&self.ids)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C: QueryFragment<Sqlite> + QueryFragment<Pg>> QueryFragment<MultiBackend> for InIds<C> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

//! `load_by_ids!`: a query filtered to a list of ids that keeps its prepared statement when the list has one id.
//!
//! diesel cannot cache the prepared statement of `column.eq_any(ids)` on SQLite: it is written
//! `IN (?, ?, …)` with one parameter per id, so it is parsed and planned again on every call
//! (on PostgreSQL it is `= ANY($1)` and is cached). Every single-article read asks for the
//! parts of one article (its sections, tags, bylines, references, SEO fields, images), and
//! preparing those statements took a quarter of the server's CPU on uncached reads (perf,
//! scenario 1). With one id the filter is written `column = ?`, whose statement each connection
//! prepares once.

/// `$query.filter($column.eq(id)).load($conn)` when `$ids` (a slice) holds exactly one id,
/// `$query.filter($column.eq_any($ids)).load($conn)` otherwise; a `QueryResult<Vec<_>>` either way.
/// `$query` is any select statement (`filter` may follow `select` and `order` in diesel).
macro_rules! load_by_ids {
    ($query:expr, $column:expr, $ids:expr, $conn:expr) => {
        match $ids {
            [id] => $query.filter($column.eq(*id)).load($conn),
            ids => $query.filter($column.eq_any(ids)).load($conn),
        }
    };
}

pub(crate) use load_by_ids;

//! The changes-log entries of category writes, appended in the write's own transaction.

use super::model::CategoryRow;
use crate::changes::event::Event;
use crate::changes::model::{self as changes, Journal, NewChange};
use crate::db::DbConn;
use crate::error::ApiResult;
use chrono::NaiveDateTime;

/// Records a committed write that left category `after`, whose row was `before` (`None` for a
/// new one): `category.created` or `category.updated`, nothing when its version did not move.
pub fn record(
    conn: &mut DbConn,
    before: Option<&CategoryRow>,
    after: &CategoryRow,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let event = match before {
        None => Event::CategoryCreated,
        Some(b) if b.version == after.version => return Ok(()),
        Some(_) => Event::CategoryUpdated,
    };
    let old_slug = before
        .map(|b| b.slug.as_str())
        .filter(|slug| *slug != after.slug);
    let entry = NewChange::category(event, after.id, &after.slug, old_slug, after.version);
    changes::append(conn, entry, journal, now)?;
    Ok(())
}

/// Records the deletion of `row`, in the deleting transaction.
pub fn record_deletion(
    conn: &mut DbConn,
    row: &CategoryRow,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let entry = NewChange::category(Event::CategoryDeleted, row.id, &row.slug, None, row.version);
    changes::append(conn, entry, journal, now)?;
    Ok(())
}

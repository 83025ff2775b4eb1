//! The changes-log entries of people writes, appended in the write's own transaction.

use super::model::PersonRow;
use crate::changes::event::Event;
use crate::changes::model::{self as changes, Journal, NewChange};
use crate::db::DbConn;
use crate::error::ApiResult;
use chrono::NaiveDateTime;

/// Records a committed write that left person `after`, whose row was `before` (`None` for a
/// new one): `person.created` or `person.updated`, nothing when its version did not move.
pub fn record(
    conn: &mut DbConn,
    before: Option<&PersonRow>,
    after: &PersonRow,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let event = match before {
        None => Event::PersonCreated,
        Some(b) if b.version == after.version => return Ok(()),
        Some(_) => Event::PersonUpdated,
    };
    let old_slug = before
        .map(|b| b.slug.as_str())
        .filter(|slug| *slug != after.slug);
    let entry = NewChange::person(event, after.id, &after.slug, old_slug, after.version);
    changes::append(conn, entry, journal, now)?;
    Ok(())
}

/// Records the deletion of `row`, in the deleting transaction.
pub fn record_deletion(
    conn: &mut DbConn,
    row: &PersonRow,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let entry = NewChange::person(Event::PersonDeleted, row.id, &row.slug, None, row.version);
    changes::append(conn, entry, journal, now)?;
    Ok(())
}

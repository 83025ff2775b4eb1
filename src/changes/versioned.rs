//! The changes-log entries of the resources with a slug and a version (categories, people,
//! tags), appended in the write's own transaction.

use super::event::Event;
use super::model::{self as changes, Journal, NewChange};
use crate::db::DbConn;
use crate::error::ApiResult;
use chrono::NaiveDateTime;

/// A row whose writes the log records as `<resource>.created`, `.updated` and `.deleted`.
pub trait Versioned {
    /// The resource's `created`, `updated` and `deleted` events, in that order.
    const EVENTS: [Event; 3];
    /// The row's id.
    fn id(&self) -> i32;
    /// Its current slug.
    fn slug(&self) -> &str;
    /// Its version (1 when created, one more for every change).
    fn version(&self) -> i32;
}

/// Records a committed write that left `after`, whose row was `before` (`None` for a new one):
/// the resource's `created` or `updated` event, nothing when its version did not move.
pub fn record<R: Versioned>(
    conn: &mut DbConn,
    before: Option<&R>,
    after: &R,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let [created, updated, _] = R::EVENTS;
    let event = match before {
        None => created,
        Some(b) if b.version() == after.version() => return Ok(()),
        Some(_) => updated,
    };
    let old_slug = before.map(R::slug).filter(|slug| *slug != after.slug());
    let entry = NewChange::versioned(event, after.id(), after.slug(), old_slug, after.version());
    changes::append(conn, entry, journal, now)?;
    Ok(())
}

/// Records the deletion of `row`, in the deleting transaction.
pub fn record_deletion<R: Versioned>(
    conn: &mut DbConn,
    row: &R,
    journal: &Journal,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let [_, _, deleted] = R::EVENTS;
    let entry = NewChange::versioned(deleted, row.id(), row.slug(), None, row.version());
    changes::append(conn, entry, journal, now)?;
    Ok(())
}

//! Filling in the stored HTML of sections written before bodies were rendered on write.

use super::model;
use crate::db::Database;
use actix_web::web;

/// Sections rendered per transaction: short enough not to hold up other writers for long.
const BATCH: i64 = 200;

/// Renders every section that has no stored HTML yet, one short transaction per batch; returns
/// how many. As bookkeeping: the stored HTML is what a read renders without it, so no answer
/// changes, `Last-Modified` stays and no cached response is invalidated.
pub fn render_all(db: &Database) -> anyhow::Result<usize> {
    let mut rendered = 0;
    let mut after = 0;
    while let Some((done, last)) =
        db.write_bookkeeping(|conn| Ok(model::render_missing(conn, after, BATCH)?))?
    {
        rendered += done;
        after = last;
    }
    Ok(rendered)
}

/// [`render_all`] on a blocking thread while the server runs, logging the outcome.
pub async fn render_in_background(db: Database) {
    match web::block(move || render_all(&db)).await {
        Ok(Ok(0)) => {}
        Ok(Ok(sections)) => tracing::info!(sections, "stored the HTML of older sections"),
        Ok(Err(error)) => {
            tracing::warn!(
                error = format!("{error:#}"),
                "could not render section bodies"
            )
        }
        Err(error) => tracing::warn!(%error, "could not render section bodies"),
    }
}

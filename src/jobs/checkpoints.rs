//! WAL checkpoints every [`checkpoint::INTERVAL`] (SQLite), so that commits never copy the WAL
//! into the database file themselves (see [`crate::db::checkpoint`]).

use crate::db::checkpoint;
use crate::db::Database;

/// Checkpoints the WAL of `db` every [`checkpoint::INTERVAL`], for as long as it runs; logs a
/// failure and carries on (the next call copies what this one could not).
pub async fn run_periodically(db: Database) {
    let mut interval = actix_web::rt::time::interval(checkpoint::INTERVAL);
    loop {
        interval.tick().await;
        if let Err(error) = db.checkpoint().await {
            tracing::warn!(%error, "could not checkpoint the WAL");
        }
    }
}

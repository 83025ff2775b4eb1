//! The search index's merge steps every [`search_merge::INTERVAL`] (SQLite), so that no write
//! merges large segments itself (see [`crate::db::search_merge`]).

use crate::db::search_merge;
use crate::db::Database;

/// Takes a merge step on the search index of `db` every [`search_merge::INTERVAL`], and
/// further steps at once while there is merge work left, for as long as it runs; logs a failure
/// and carries on.
pub async fn run_periodically(db: Database) {
    let mut interval = actix_web::rt::time::interval(search_merge::INTERVAL);
    loop {
        interval.tick().await;
        loop {
            match db.merge_search_index().await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(error) => {
                    tracing::warn!(%error, "could not merge the search index");
                    break;
                }
            }
        }
    }
}

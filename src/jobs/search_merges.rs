//! The search index's merge steps every [`search_merge::INTERVAL`] (SQLite), so that no write
//! merges large segments itself (see [`crate::db::search_merge`]).

use crate::db::search_merge;
use crate::db::Database;

/// Takes a merge step on the search index of `db` every [`search_merge::INTERVAL`], and
/// further steps at once while there is merge work left, for as long as it runs; logs a failure
/// and carries on. Once a step finds nothing to merge, the job rests (takes no write
/// transaction) until the next content write: only writes give the index segments to merge.
pub async fn run_periodically(db: Database) {
    let mut interval = actix_web::rt::time::interval(search_merge::INTERVAL);
    let mut merged_through = None;
    loop {
        interval.tick().await;
        let writes = db.content_writes();
        if merged_through == Some(writes) {
            continue;
        }
        loop {
            match db.merge_search_index().await {
                Ok(true) => continue,
                Ok(false) => merged_through = Some(writes),
                Err(error) => tracing::warn!(%error, "could not merge the search index"),
            }
            break;
        }
    }
}

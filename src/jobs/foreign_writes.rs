//! Noticing other processes' writes to the SQLite file every [`foreign_writes::INTERVAL`] (see
//! [`crate::db::foreign_writes`]): a command-line import beside the server empties its response
//! cache and moves `Last-Modified`, as a write through the server would.

use crate::db::foreign_writes;
use crate::state::AppState;
use actix_web::web;

/// Treats everything as changed when another process has written since the last call; returns
/// whether one had. Errors are logged (the next call looks again).
pub async fn check(state: &AppState) -> bool {
    match state.db.foreign_writes_seen().await {
        Ok(true) => {
            state.remote_change(None);
            true
        }
        Ok(false) => false,
        Err(error) => {
            tracing::warn!(%error, "could not look for other processes' writes");
            false
        }
    }
}

/// [`check`] every [`foreign_writes::INTERVAL`], for as long as it runs.
pub async fn check_periodically(state: web::Data<AppState>) {
    let mut interval = actix_web::rt::time::interval(foreign_writes::INTERVAL);
    loop {
        interval.tick().await;
        check(&state).await;
    }
}

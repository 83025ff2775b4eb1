//! The background work `healthhub serve` runs beside the server: the search index's merges and the look for other processes' writes (SQLite), the view-count and token-use flushes, the scheduler of time-driven changes, the webhook worker, the one-off rendering of older sections and the media variants still missing.
//!
//! [`Jobs::start`] spawns them on the actix runtime; [`Jobs::stop`] cancels them once the server
//! has stopped and flushes what is still buffered, so a graceful stop loses nothing.

pub mod foreign_writes;
pub mod listener;
pub mod media;
pub mod scheduler;
pub mod search_merges;
pub mod usage;
pub mod views;
pub mod webhooks;

use crate::db::notifications::Listener;
use crate::db::Backend;
use crate::sections::rendering;
use crate::state::AppState;
use actix_web::rt::task::JoinHandle;
use actix_web::web;
use std::time::Duration;

/// The spawned background tasks of one server run.
pub struct Jobs {
    state: web::Data<AppState>,
    tasks: Vec<JoinHandle<()>>,
    /// The change notification listener (PostgreSQL), stopped when dropped.
    listener: Option<Listener>,
}

impl Jobs {
    /// Starts the change notification listener (PostgreSQL), and spawns the search index's merge
    /// steps and the look for other processes' writes (SQLite, every
    /// [`crate::db::search_merge::INTERVAL`] and [`crate::db::foreign_writes::INTERVAL`]), the
    /// token-use flush (every [`usage::FLUSH_INTERVAL`]), the scheduler, the webhook
    /// worker (every `HEALTHHUB_WEBHOOKS_POLL_MS`), the view flush (every
    /// `HEALTHHUB_VIEW_FLUSH_MS`; none when it is 0, views are then written on the request) and
    /// the rendering of sections stored without HTML and the media variants still missing.
    pub fn start(state: web::Data<AppState>) -> Self {
        let mut tasks = vec![
            actix_web::rt::spawn(usage::flush_periodically(state.clone())),
            actix_web::rt::spawn(rendering::render_in_background(state.db.clone())),
            actix_web::rt::spawn(media::catch_up(state.clone())),
            actix_web::rt::spawn(scheduler::run_periodically(
                state.clone(),
                Duration::from_millis(state.config.journal.scheduler_ms),
            )),
            actix_web::rt::spawn(webhooks::Worker::new(&state).run_periodically(
                state.clone(),
                Duration::from_millis(state.config.webhooks.poll_ms),
            )),
        ];
        if state.db.backend() == Backend::Sqlite {
            tasks.push(actix_web::rt::spawn(search_merges::run_periodically(
                state.db.clone(),
            )));
            tasks.push(actix_web::rt::spawn(foreign_writes::check_periodically(
                state.clone(),
            )));
        }
        if state.config.view_flush_ms > 0 {
            let period = Duration::from_millis(state.config.view_flush_ms);
            tasks.push(actix_web::rt::spawn(views::flush_periodically(
                state.clone(),
                period,
            )));
        }
        let listener = listener::start(&state);
        Self {
            state,
            tasks,
            listener,
        }
    }

    /// Cancels the tasks and writes the views and token uses still buffered, logging failures.
    pub async fn stop(self) {
        for task in &self.tasks {
            task.abort();
        }
        drop(self.listener);
        match views::flush(&self.state).await {
            Ok(articles) => tracing::info!(articles, "wrote the last counted views"),
            Err(error) => tracing::warn!(%error, "could not write the last counted views"),
        }
        if let Err(error) = usage::flush(&self.state).await {
            tracing::warn!(
                error = format!("{error:#}"),
                "could not record the last token uses"
            );
        }
    }
}

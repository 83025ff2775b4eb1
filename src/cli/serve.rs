//! `healthhub serve` (the default): opens and migrates the database, loads the demo content into one never written to, serves the API and runs the background jobs until stopped.

use actix_web::{web, HttpServer};
use anyhow::Context;
use healthhub::app;
use healthhub::config::Config;
use healthhub::dataset::demo;
use healthhub::db::Database;
use healthhub::error::ApiError;
use healthhub::jobs::Jobs;
use healthhub::state::AppState;
use healthhub::support::clock::Clock;

/// Serves the API as `config` says until the server stops (SIGINT/SIGTERM), then writes what
/// the background jobs still buffer.
#[actix_web::main]
pub async fn run(config: Config) -> anyhow::Result<()> {
    let clock = Clock::system();
    let (mut db, _) = Database::open_with(
        &config.database_url,
        config.read_pool_size,
        &config.db_timeouts,
    )?;
    if let Some(replica) = &config.replica_url {
        db = db.with_replica(replica, config.read_pool_size, &config.db_timeouts)?;
        tracing::info!("anonymous reads use the replica whenever it has caught up");
    }
    tracing::info!(database = %config.database_for_logs(), "opened the database and applied migrations");
    let (addr, demo) = (config.addr.clone(), config.demo);
    let state = web::Data::new(AppState::new(config, db, clock)?);
    if demo && demo::untouched(&state.db)? {
        let now = state.clock.now().naive_utc();
        let loaded = demo::load(&state.db, &state.media, now)
            .await
            .context("loading the demo content")?;
        tracing::info!(
            articles = loaded,
            "loaded the demo content into the new database"
        );
    }
    let app_state = state.clone();
    let server = HttpServer::new(move || app::build(app_state.clone()))
        .bind(&addr)
        .with_context(|| format!("binding {addr}"))?;
    for bound in server.addrs() {
        tracing::info!("listening on http://{bound} (API under /api/v1, reference at /docs)");
    }
    // The command as this very binary can be run again (a fresh clone has no `healthhub` on its
    // PATH): its own path.
    let binary = std::env::current_exe()
        .map(|path| path.display().to_string())
        .unwrap_or_else(|_| "healthhub".to_owned());
    tracing::info!(
        "mint a token with: {binary} token create --subject you --scopes content:read,content:write,content:publish"
    );
    warm_ranked_search(&state);
    let jobs = Jobs::start(state);
    let served = server.run().await.context("running the server");
    jobs.stop().await;
    served
}

/// Builds or catches up the ranked-search index in the background, so that the first search
/// does not wait for it (searches are ranked by the database until it is built).
fn warm_ranked_search(state: &web::Data<AppState>) {
    let Some(index) = state.ranked_search.clone() else {
        return;
    };
    let db = state.db.clone();
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let result = db.read_blocking(|conn| index.catch_up(conn).map_err(ApiError::Internal));
        match result {
            Ok(_) => tracing::info!(
                seconds = started.elapsed().as_secs_f64(),
                "the ranked-search index is up to date"
            ),
            Err(error) => tracing::warn!(%error, "the ranked-search index could not be built"),
        }
    });
}

//! `healthhub migrate | openapi | import | export | backup | restore`: the commands that work on the database or the document, without serving.

use anyhow::Context;
use healthhub::config::Config;
use healthhub::dataset::import::ImportOptions;
use healthhub::dataset::sources::{self, Source};
use healthhub::dataset::{export as exporter, import as importer};
use healthhub::db::{backup as backups, Database};
use healthhub::openapi;
use healthhub::sections::rendering;
use healthhub::support::clock::Clock;
use std::path::Path;
use std::time::Instant;

/// Creates the database if needed, applies pending migrations and stores the HTML of sections
/// that have none.
pub fn migrate(config: &Config) -> anyhow::Result<()> {
    let (db, _) = Database::open(&config.database_url, 1)?;
    tracing::info!(database = %config.database_for_logs(), "migrations applied");
    let sections = rendering::render_all(&db)?;
    tracing::info!(sections, "stored the HTML of sections that had none");
    Ok(())
}

/// Prints the OpenAPI document on stdout.
pub fn openapi() -> anyhow::Result<()> {
    print!("{}", openapi::to_pretty_json()?);
    Ok(())
}

/// Loads the data set in `file` in one transaction (or skipping bad records); from another
/// system, converted first (`dry_run`: reporting what would be written, writing nothing).
pub fn import(
    config: &Config,
    file: &Path,
    from: Source,
    site_url: Option<&str>,
    continue_on_error: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let (db, _) = Database::open(&config.database_url, 1)?;
    let started = Instant::now();
    let options = ImportOptions {
        continue_on_error,
        revisions_kept: config.journal.revisions_per_article,
    };
    if from != Source::Healthhub {
        let mut converted = sources::convert(from, file, site_url, continue_on_error)?;
        let records = std::mem::take(&mut converted.records);
        let now = Clock::system().now().naive_utc();
        let summary = importer::import_converted(&db, records, options, dry_run, now)
            .with_context(|| format!("importing {} (nothing was written)", file.display()))?;
        eprint!("{}", sources::report(&converted, &summary, dry_run));
        eprintln!(
            "{} {} in {:.1} s{}",
            if dry_run { "checked" } else { "imported" },
            file.display(),
            started.elapsed().as_secs_f64(),
            if dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        );
        return Ok(());
    }
    if dry_run {
        anyhow::bail!(
            "--dry-run is for --from wordpress, ghost or markdown (a HealthHub data set is imported as it is)"
        );
    }
    let summary = importer::import(&db, file, options, Clock::system().now().naive_utc())?;
    for skipped in &summary.skipped {
        eprintln!("skipped {skipped}");
    }
    eprintln!(
        "imported {}: {summary} in {:.1} s",
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Writes every category and article to `file`.
pub fn export(config: &Config, file: &Path) -> anyhow::Result<()> {
    let (db, _) = Database::open(&config.database_url, 1)?;
    let started = Instant::now();
    let summary = exporter::export(&db, file)?;
    eprintln!(
        "exported {} categories, {} people, {} tags and {} articles to {} in {:.1} s",
        summary.categories,
        summary.people,
        summary.tags,
        summary.articles,
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Copies the live database to the new file `file`.
pub fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let bytes = backups::backup(&config.database_url, file)?;
    eprintln!(
        "backed up {} to {} ({bytes} bytes) in {:.1} s",
        config.database_for_logs(),
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Checks `backup` and makes it the database (`force`: replacing an existing one). On SQLite
/// the server must be stopped; on PostgreSQL running servers are notified.
pub fn restore(config: &Config, backup: &Path, force: bool) -> anyhow::Result<()> {
    let restored = backups::restore(backup, &config.database_url, force)?;
    eprintln!(
        "restored {} ({} bytes, {} migrations) to {}{}; start the server (or run `healthhub \
         migrate`) to apply newer migrations",
        backup.display(),
        restored.info.bytes,
        restored.info.migrations,
        restored.database,
        if restored.replaced {
            ", replacing the previous database"
        } else {
            ""
        },
    );
    Ok(())
}

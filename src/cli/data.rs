//! `healthhub migrate | openapi | import | export | backup | restore`: the commands that work on the database or the document, without serving.

use anyhow::Context;
use healthhub::config::Config;
use healthhub::dataset::import::ImportOptions;
use healthhub::dataset::sources::{self, Source};
use healthhub::dataset::{export as exporter, import as importer};
use healthhub::db::backup::database_file;
use healthhub::db::{backup as backups, Backend, Database};
use healthhub::openapi;
use healthhub::sections::rendering;
use healthhub::support::clock::Clock;
use std::path::{Path, PathBuf};
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
/// system, converted first (`dry_run`: reporting what would be written, writing nothing; the
/// site URL is checked and the file converted before the database is opened).
pub fn import(
    config: &Config,
    file: &Path,
    from: Source,
    site_url: Option<&str>,
    continue_on_error: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let options = ImportOptions {
        continue_on_error,
        revisions_kept: config.journal.revisions_per_article,
    };
    if from != Source::Healthhub {
        let mut converted = sources::convert(from, file, site_url, continue_on_error)?;
        let records = std::mem::take(&mut converted.records);
        let (db, scratch) = open_to_import(config, dry_run)?;
        let now = Clock::system().now().naive_utc();
        let summary = importer::import_converted(&db, records, options, dry_run, now)
            .with_context(|| format!("importing {} (nothing was written)", file.display()));
        // The database closes before its scratch folder (if any) is removed.
        drop(db);
        drop(scratch);
        let summary = summary?;
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
    let (db, _) = Database::open(&config.database_url, 1)?;
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

/// The database an import writes to. A dry run never creates a database: when `DATABASE_URL`
/// names an SQLite file that does not exist, it compares with an empty database made in a
/// folder of its own under the temporary directory (removed when the guard is dropped).
fn open_to_import(config: &Config, dry_run: bool) -> anyhow::Result<(Database, Option<Scratch>)> {
    let url = config.database_url.as_str();
    let absent = Backend::of(url) == Backend::Sqlite
        && database_file(url.strip_prefix("sqlite://").unwrap_or(url))
            .is_ok_and(|path| !path.exists());
    if !(dry_run && absent) {
        return Ok((Database::open(url, 1)?.0, None));
    }
    let scratch = Scratch::create()?;
    let scratch_url = scratch.0.join("dry-run.db");
    let scratch_url = scratch_url
        .to_str()
        .context("the temporary directory's path is not UTF-8")?;
    let (db, _) = Database::open(scratch_url, 1).context("opening an empty database")?;
    Ok((db, Some(scratch)))
}

/// A folder of its own under the temporary directory, removed with what it holds when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn create() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "healthhub-dry-run-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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

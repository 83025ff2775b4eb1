//! The command line: `Cli` (clap) and [`run`], one line per command; each command's body lives in its own file.

mod data;
mod serve;
mod token;

use clap::{Parser, Subcommand};
use healthhub::config::Config;
use healthhub::dataset::sources::Source;
use std::path::PathBuf;

/// `healthhub [--no-demo] [command]`.
#[derive(Parser)]
#[command(name = "healthhub", version, about = "HealthHub content API")]
pub struct Cli {
    /// Do not load the demo content into a brand-new database (same as HEALTHHUB_DEMO=false).
    #[arg(long, global = true)]
    no_demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate,
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Print the OpenAPI document (e.g. `healthhub openapi > openapi/openapi.json`).
    Openapi,
    /// Load a data set (JSON document, or NDJSON for .ndjson/.jsonl) or another system's
    /// export in one transaction, upserting by slug; a bad record stops it and changes nothing.
    Import {
        /// The data-set file, or the export of `--from`.
        file: PathBuf,
        /// What the file is: HealthHub's data set, a WordPress export (WXR), a Ghost JSON
        /// export, or a folder of Markdown files.
        #[arg(long, value_enum, default_value_t = Source::Healthhub)]
        from: Source,
        /// Skip bad records (and list them) instead of stopping.
        #[arg(long)]
        continue_on_error: bool,
        /// Print what would be written, skipped and warned about, and write nothing
        /// (`--from wordpress | ghost | markdown`).
        #[arg(long)]
        dry_run: bool,
        /// The site's address, for `__GHOST_URL__` and root-relative image paths (`--from ghost | markdown`).
        #[arg(long)]
        site_url: Option<String>,
    },
    /// Write every category and article to a data-set file (NDJSON for .ndjson/.jsonl).
    Export {
        /// The file to write.
        file: PathBuf,
    },
    /// Copy the live database to a new file (a consistent snapshot; the server keeps running):
    /// an SQLite file, or a pg_dump archive on PostgreSQL.
    Backup {
        /// The backup file to create; an existing file is never overwritten.
        file: PathBuf,
    },
    /// Check a backup and make it the database (SQLite: stop the server first; PostgreSQL: the
    /// database must exist, running servers are notified).
    Restore {
        /// The backup file (from `healthhub backup`).
        backup: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
}

/// Reads the configuration from the environment, installs the log subscriber and runs the
/// command of `cli`.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::from_env()?;
    if cli.no_demo {
        config.demo = false;
    }
    healthhub::telemetry::init(&config);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config),
        Command::Migrate => data::migrate(&config),
        Command::Token(command) => token::run(&config, command),
        Command::Openapi => data::openapi(),
        Command::Import {
            file,
            from,
            continue_on_error,
            dry_run,
            site_url,
        } => data::import(
            &config,
            &file,
            from,
            site_url.as_deref(),
            continue_on_error,
            dry_run,
        ),
        Command::Export { file } => data::export(&config, &file),
        Command::Backup { file } => data::backup(&config, &file),
        Command::Restore { backup, force } => data::restore(&config, &backup, force),
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

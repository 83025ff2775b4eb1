//! The `healthhub` command: serve the API (default), run migrations, mint tokens, print the OpenAPI document.

use actix_web::{web, HttpServer};
use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use healthhub::app::{self, AppState};
use healthhub::auth::{Scope, TokenKeys};
use healthhub::clock::Clock;
use healthhub::config::Config;
use healthhub::dataset::export;
use healthhub::dataset::import::{self, ImportOptions};
use healthhub::db::Database;
use healthhub::{demo, openapi};
use std::path::PathBuf;
use std::time::Instant;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "healthhub", version, about = "HealthHub content API")]
struct Cli {
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
    Token(TokenCommand),
    /// Print the OpenAPI document (e.g. `healthhub openapi > openapi/openapi.json`).
    Openapi,
    /// Load a data set (JSON document, or NDJSON for .ndjson/.jsonl) in one transaction,
    /// upserting by slug; a bad record stops it and changes nothing.
    Import {
        /// The data-set file.
        file: PathBuf,
        /// Skip bad records (and list them) instead of stopping.
        #[arg(long)]
        continue_on_error: bool,
    },
    /// Write every category and article to a data-set file (NDJSON for .ndjson/.jsonl).
    Export {
        /// The file to write.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Mint a token and print it alone on stdout.
    Create {
        /// Who the token is for (the `sub` claim).
        #[arg(long)]
        subject: String,
        /// Comma-separated scopes: content:read, content:write, content:publish.
        #[arg(long, value_delimiter = ',', default_value = "content:read")]
        scopes: Vec<String>,
        /// Lifetime, e.g. 30d, 12h, 90m (at most 365d).
        #[arg(long, default_value = "30d")]
        ttl: humantime::Duration,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::from_env()?;
    if cli.no_demo {
        config.demo = false;
    }
    init_logging(&config);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => {
            Database::open(&config.database_url, 1)?;
            tracing::info!(database = %config.database_url, "migrations applied");
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            subject,
            scopes,
            ttl,
        }) => {
            let scopes = parse_scopes(&scopes)?;
            let keys = TokenKeys::from_config(&config)?;
            let token = keys.mint(&subject, &scopes, ttl.into(), Clock::system().now())?;
            println!("{token}");
            Ok(())
        }
        Command::Openapi => {
            print!("{}", openapi::to_pretty_json()?);
            Ok(())
        }
        Command::Import {
            file,
            continue_on_error,
        } => {
            let (db, _) = Database::open(&config.database_url, 1)?;
            let started = Instant::now();
            let options = ImportOptions { continue_on_error };
            let summary = import::import(&db, &file, options, Clock::system().now().naive_utc())?;
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
        Command::Export { file } => {
            let (db, _) = Database::open(&config.database_url, 1)?;
            let started = Instant::now();
            let summary = export::export(&db, &file)?;
            eprintln!(
                "exported {} categories and {} articles to {} in {:.1} s",
                summary.categories,
                summary.articles,
                file.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

fn parse_scopes(names: &[String]) -> anyhow::Result<Vec<Scope>> {
    names
        .iter()
        .map(|name| match Scope::parse(name.trim()) {
            Some(scope) => Ok(scope),
            None => bail!(
                "unknown scope '{name}'; known: {}",
                Scope::ALL.map(Scope::as_str).join(", ")
            ),
        })
        .collect()
}

fn init_logging(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

#[actix_web::main]
async fn serve(config: Config) -> anyhow::Result<()> {
    let clock = Clock::system();
    let (db, fresh) = Database::open(&config.database_url, config.read_pool_size)?;
    tracing::info!(database = %config.database_url, "opened the database and applied migrations");
    if fresh && config.demo {
        let loaded =
            demo::load(&db, clock.now().naive_utc()).context("loading the demo content")?;
        tracing::info!(
            articles = loaded,
            "loaded the demo content into the new database"
        );
    }
    let addr = config.addr.clone();
    let state = web::Data::new(AppState::new(config, db, clock)?);
    let server = HttpServer::new(move || app::build(state.clone()))
        .bind(&addr)
        .with_context(|| format!("binding {addr}"))?;
    for bound in server.addrs() {
        tracing::info!("listening on http://{bound} (API under /api/v1, reference at /docs)");
    }
    tracing::info!(
        "mint a token with: healthhub token create --subject you --scopes content:read,content:write,content:publish"
    );
    server.run().await.context("running the server")
}

//! The `healthhub` command: serve the API (default), run migrations, mint tokens, print the OpenAPI document.

use actix_web::{web, HttpServer};
use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use healthhub::app::{self, AppState};
use healthhub::articles::views;
use healthhub::auth::{Scope, TokenKeys};
use healthhub::clock::Clock;
use healthhub::config::Config;
use healthhub::dataset::export;
use healthhub::dataset::import::{self, ImportOptions};
use healthhub::db::{backup, Database};
use healthhub::sections;
use healthhub::{demo, openapi, tokens};
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    /// Copy the live database to a new file (a consistent snapshot; the server keeps running).
    Backup {
        /// The backup file to create; an existing file is never overwritten.
        file: PathBuf,
    },
    /// Check a backup and make it the database (stop the server first).
    Restore {
        /// The backup file (from `healthhub backup`).
        backup: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Mint a token, record it in the database and print it alone on stdout.
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
    /// List every recorded token: jti, subject, scopes, created, expires, last used, revoked.
    List,
    /// Revoke the token with this jti, or every token of this subject; prints what was revoked.
    Revoke {
        /// A token id (jti) or a subject.
        jti_or_subject: String,
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
            let (db, _) = Database::open(&config.database_url, 1)?;
            tracing::info!(database = %config.database_for_logs(), "migrations applied");
            let sections = sections::rendering::render_all(&db)?;
            tracing::info!(sections, "stored the HTML of sections that had none");
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            subject,
            scopes,
            ttl,
        }) => {
            let scopes = parse_scopes(&scopes)?;
            let keys = TokenKeys::from_config(&config)?;
            let (db, _) = Database::open(&config.database_url, 1)?;
            let token = tokens::cli::create(
                &db,
                &keys,
                &subject,
                &scopes,
                ttl.into(),
                Clock::system().now(),
            )?;
            println!("{token}");
            Ok(())
        }
        Command::Token(TokenCommand::List) => {
            let (db, _) = Database::open(&config.database_url, 1)?;
            tokens::cli::list(&db, Clock::system().now(), &mut std::io::stdout().lock())
        }
        Command::Token(TokenCommand::Revoke { jti_or_subject }) => {
            let (db, _) = Database::open(&config.database_url, 1)?;
            tokens::cli::revoke(
                &db,
                &jti_or_subject,
                Clock::system().now(),
                &mut std::io::stdout().lock(),
            )
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
        Command::Backup { file } => {
            let started = Instant::now();
            let bytes = backup::backup(&config.database_url, &file)?;
            eprintln!(
                "backed up {} to {} ({bytes} bytes) in {:.1} s",
                config.database_url,
                file.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { backup, force } => {
            let restored = backup::restore(&backup, &config.database_url, force)?;
            eprintln!(
                "restored {} ({} bytes, {} migrations) to {}{}; start the server to apply newer migrations",
                backup.display(),
                restored.info.bytes,
                restored.info.migrations,
                restored.database.display(),
                if restored.replaced { ", replacing the previous database" } else { "" },
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
    healthhub::request_log::init(config);
}

#[actix_web::main]
async fn serve(config: Config) -> anyhow::Result<()> {
    let clock = Clock::system();
    let (db, fresh) = Database::open(&config.database_url, config.read_pool_size)?;
    tracing::info!(database = %config.database_for_logs(), "opened the database and applied migrations");
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
    let app_state = state.clone();
    let server = HttpServer::new(move || app::build(app_state.clone()))
        .bind(&addr)
        .with_context(|| format!("binding {addr}"))?;
    for bound in server.addrs() {
        tracing::info!("listening on http://{bound} (API under /api/v1, reference at /docs)");
    }
    tracing::info!(
        "mint a token with: healthhub token create --subject you --scopes content:read,content:write,content:publish"
    );
    let flusher = actix_web::rt::spawn(tokens::usage::flush_periodically(state.clone()));
    let renderer =
        actix_web::rt::spawn(sections::rendering::render_in_background(state.db.clone()));
    let view_flusher = (state.config.view_flush_ms > 0).then(|| {
        let period = Duration::from_millis(state.config.view_flush_ms);
        actix_web::rt::spawn(views::flush_periodically(state.clone(), period))
    });
    let served = server.run().await.context("running the server");
    flusher.abort();
    renderer.abort();
    if let Some(view_flusher) = view_flusher {
        view_flusher.abort();
    }
    match views::flush(&state).await {
        Ok(articles) => tracing::info!(articles, "wrote the last counted views"),
        Err(error) => tracing::warn!(%error, "could not write the last counted views"),
    }
    if let Err(error) = tokens::usage::flush(&state).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "could not record the last token uses"
        );
    }
    served
}

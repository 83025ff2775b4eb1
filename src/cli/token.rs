//! `healthhub token create | list | revoke`.

use anyhow::bail;
use clap::Subcommand;
use healthhub::auth::{cli, Scope, TokenKeys};
use healthhub::config::Config;
use healthhub::db::Database;
use healthhub::support::clock::Clock;

/// The `token` subcommands.
#[derive(Subcommand)]
pub enum TokenCommand {
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

/// Runs `command` against the database `config` names.
pub fn run(config: &Config, command: TokenCommand) -> anyhow::Result<()> {
    let open = || Database::open(&config.database_url, 1).map(|(db, _)| db);
    let now = Clock::system().now();
    match command {
        TokenCommand::Create {
            subject,
            scopes,
            ttl,
        } => {
            let scopes = parse_scopes(&scopes)?;
            let keys = TokenKeys::from_config(config)?;
            let token = cli::create(&open()?, &keys, &subject, &scopes, ttl.into(), now)?;
            println!("{token}");
            Ok(())
        }
        TokenCommand::List => cli::list(&open()?, now, &mut std::io::stdout().lock()),
        TokenCommand::Revoke { jti_or_subject } => cli::revoke(
            &open()?,
            &jti_or_subject,
            now,
            &mut std::io::stdout().lock(),
        ),
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

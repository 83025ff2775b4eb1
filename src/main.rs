//! The `healthhub` binary: parses the command line and runs the command (serving the API when none is given).

mod cli;

use clap::Parser;

fn main() -> anyhow::Result<()> {
    cli::run(cli::Cli::parse())
}

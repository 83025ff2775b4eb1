//! The `healthhub` binary: parses the command line and runs the command (serving the API when none is given).

mod cli;

use clap::Parser;

/// Every allocation of the binary goes through mimalloc, not the C library's malloc: an uncached
/// read makes hundreds of small allocations, and glibc's malloc took about 15 % of its CPU
/// (BENCHMARKS.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    cli::run(cli::Cli::parse())
}

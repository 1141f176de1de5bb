//! The `cordon` command: ingest sanctions lists into the embedded store, inspect them, and
//! (through the subcommands added by each area) screen names, wallets and applicants.
//!
//! Exit status: 0 on success, 1 when the work finished but something failed (a list source
//! could not be read, a batch line was rejected), 2 on a usage error or a failure that stopped
//! the work.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// `cordon serve` spends about a tenth less CPU per request with mimalloc than with the system
// allocator (docs/benchmarks/serve.md, "mimalloc").
#[cfg(feature = "mimalloc")]
use cordon_alloc as _;

/// Prints a line to standard output; a closed pipe (`cordon … | head`) ends the program quietly
/// instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_stdout(&format!($($arg)*), true)
    };
}

/// Prints to standard output without a newline (see [`outln!`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_stdout(&format!($($arg)*), false)
    };
}

mod address;
mod applicants;
mod audit;
mod compare;
mod decide;
mod diff;
mod export;
mod ingest;
mod keys;
mod lists;
mod rescreen;
mod review;
mod screen;
mod serve;
mod show;
mod stix;
mod table;
mod taxii;
mod tx;

/// Cordon: screening against sanctions lists, crypto tracing and DPRK IT-worker detection.
#[derive(Debug, Parser)]
#[command(name = "cordon", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Global {
    /// The store file [default: $CORDON_DB, else <data dir>/cordon/cordon.redb].
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
}

impl Global {
    /// The store path in effect.
    pub(crate) fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(cordon_store::default_db_path)
    }

    /// The transaction graph directory when none is given: `tx/` beside the store file.
    pub(crate) fn default_tx_dir(&self) -> PathBuf {
        self.db_path()
            .parent()
            .map_or_else(|| PathBuf::from("tx"), |p| p.join("tx"))
    }

    /// Opens the store.
    pub(crate) fn store(&self) -> anyhow::Result<cordon_store::Store> {
        Ok(cordon_store::Store::open(&self.db_path())?)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read every list file under a directory into the store (a new version per changed source).
    Ingest(ingest::Args),
    /// Show the stored sources: versions, publication dates, counts, last errors.
    Lists(lists::Args),
    /// Show one entity (merged over the sources that list it) with its linked wallets.
    Show(show::Args),
    /// Export the current entities (FtM JSON lines).
    Export(export::Args),
    /// What changed in a source between two versions.
    Diff(diff::Args),
    /// Screen a name (or a batch file of queries) against every list in the store.
    Screen(screen::Args),
    /// Score two names against each other and explain the score.
    Compare(compare::Args),
    /// Validate crypto addresses and screen them against list wallets and TagPacks.
    Address(address::Args),
    /// DPRK IT-worker applicant screening: `applicants screen` and `applicants link`.
    Applicants(applicants::Args),
    /// Run the screening service (yente-compatible HTTP API, audit trail, decisions, alerts).
    Serve(serve::Args),
    /// Export or verify the service's audit trail (safe while the server runs).
    Audit(audit::Args),
    /// Record an analyst decision on a hit: true match or false positive.
    Decide(decide::Args),
    /// Manage the service's API keys.
    Keys(keys::Args),
    /// Re-screen monitored subjects against the lists' changes; report new and vanished hits.
    Rescreen(rescreen::Args),
    /// The shared review queue: hits no decision covers yet (safe while the server runs).
    Review(review::Args),
    /// Transaction store: `tx ingest` reads transfer exports into a memory-mapped graph.
    Tx(tx::TxArgs),
    /// Exposure of an address to attributed categories, direct and indirect.
    Exposure(tx::ExposureArgs),
    /// Trace stolen value forward from an address: where it went and stopped.
    Trace(tx::TraceArgs),
    /// Share indicators: `stix export` (STIX 2.1 bundle or MISP event), `stix import` (a bundle
    /// as a watch-list).
    Stix(stix::Args),
    /// Fetch shared indicators: `taxii pull URL COLLECTION` stores a TAXII 2.1 collection as a
    /// watch-list.
    Taxii(taxii::Args),
}

/// Writes to standard output; exits with status 0 when the reader has gone away.
pub(crate) fn write_stdout(text: &str, newline: bool) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let result = stdout.write_all(text.as_bytes()).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write output: {e}");
        std::process::exit(2);
    }
}

fn main() -> ExitCode {
    #[cfg(feature = "mimalloc")]
    cordon_alloc::keep_freed_memory();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(args) => ingest::run(&cli.global, &args),
        Command::Lists(args) => lists::run(&cli.global, &args),
        Command::Show(args) => show::run(&cli.global, &args),
        Command::Export(args) => export::run(&cli.global, &args),
        Command::Diff(args) => diff::run(&cli.global, &args),
        Command::Screen(args) => screen::run(&cli.global, &args),
        Command::Compare(args) => compare::run(&args),
        Command::Serve(args) => serve::run(&cli.global, &args),
        Command::Audit(args) => audit::run(&cli.global, &args),
        Command::Decide(args) => decide::run(&cli.global, &args),
        Command::Keys(args) => keys::run(&cli.global, &args),
        Command::Rescreen(args) => rescreen::run(&cli.global, &args),
        Command::Review(args) => review::run(&cli.global, &args),
        Command::Address(args) => address::run(&cli.global, &args),
        Command::Applicants(args) => applicants::run(&cli.global, &args),
        Command::Tx(args) => tx::run_tx(&cli.global, &args),
        Command::Exposure(args) => tx::run_exposure(&cli.global, &args),
        Command::Trace(args) => tx::run_trace(&cli.global, &args),
        Command::Stix(args) => stix::run(&cli.global, &args),
        Command::Taxii(args) => taxii::run(&cli.global, &args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

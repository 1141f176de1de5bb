//! A slim service binary for the load scripts (scripts/serve_*.sh): the same library as
//! `cordon serve`, without the rest of the CLI, so a release build stays short on a 2-core machine.
//!
//! Run with `cargo run --release -p cordon-server --example cordon_serve -- DB COMMAND ...`:
//! `ingest DIR`, `key NAME ROLE` (prints the key), `serve ADDR [LISTS_DIR]`, `load` (start-up
//! only, then exit: for profiling), `verify`, `export`.

use std::path::PathBuf;
use std::process::ExitCode;

use cordon_server::{AppState, Config, ExportFormat, Keys, ServiceDir};

// The allocator `cordon serve` uses (cordon-cli's default `mimalloc` feature), set up the same
// way, so that the load scripts measure what it runs.
use cordon_alloc as _;

fn main() -> ExitCode {
    cordon_alloc::keep_freed_memory();
    // JSON logs on stderr, as `cordon serve` writes them (the scripts read timings from them).
    let filter = tracing_subscriber::EnvFilter::try_from_env("CORDON_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let (Some(db), Some(cmd)) = (args.first(), args.get(1)) else {
        return Err("usage: cordon_serve DB (ingest DIR | key NAME ROLE | serve ADDR [LISTS] | verify | export)".into());
    };
    let db = PathBuf::from(db);
    let dir = ServiceDir::for_db(&db);
    let arg = |i: usize| args.get(i).cloned().ok_or("missing argument");
    match cmd.as_str() {
        "ingest" => {
            let store = cordon_store::Store::open(&db)?;
            let r = cordon_store::ingest_dir(&store, arg(2)?.as_ref(), &Default::default());
            for s in &r.sources {
                eprintln!("{} {:?} {}", s.source, s.status, s.entity_count);
            }
        }
        "key" => {
            dir.create()?;
            let (_, token) = Keys::create(&dir.keys(), &arg(2)?, arg(3)?.parse()?)?;
            println!("{token}");
        }
        "serve" => {
            let started = std::time::Instant::now();
            let store = cordon_store::Store::open(&db)?;
            let lists = args.get(3).map(PathBuf::from);
            let state = AppState::open(store, Config::default().lists_dir(lists))?;
            eprintln!(
                "loaded {} entities in {} ms",
                state.snapshot().len(),
                started.elapsed().as_millis()
            );
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                let listener = tokio::net::TcpListener::bind(arg(2)?).await?;
                cordon_server::serve(state, listener, None).await?;
                Ok::<(), Box<dyn std::error::Error>>(())
            })?;
        }
        "load" => {
            // What a start does before it listens, then exit: for profiling the start-up.
            let started = std::time::Instant::now();
            let store = cordon_store::Store::open(&db)?;
            let state = AppState::open(store, Config::default())?;
            println!(
                "loaded {} entities in {} ms",
                state.snapshot().len(),
                started.elapsed().as_millis()
            );
        }
        "verify" => {
            let v = cordon_server::read_verified(&dir.audit(), |_, _| Ok(()))?;
            println!("ok: {} records, head {}", v.records, v.head);
        }
        "export" => {
            let mut out = std::io::stdout().lock();
            cordon_server::export(
                &dir.audit(),
                &Default::default(),
                ExportFormat::Jsonl,
                &mut out,
            )?;
        }
        other => return Err(format!("unknown command {other:?}").into()),
    }
    Ok(ExitCode::SUCCESS)
}

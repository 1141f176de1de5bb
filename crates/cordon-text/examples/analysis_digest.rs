//! Proves that a speed change to name analysis changed no output, and times it.
//!
//! Runs [`cordon_text::analyze_with_case`] on every distinct name of the real lists (read
//! with cordon-lists from `../shared/data/lists` or `$CORDON_SHARED_DATA/lists`) and on both
//! name columns of the labelled pairs, each as written, lower-cased and upper-cased, under all
//! three [`NameKind`]s, and prints one digest of the `{:?}` of every result (FNV-1a, 64 bits:
//! stable across runs and toolchains). Equal digests before and after a change mean equal
//! output on all of them. Then times the same analyses (CPU time of the thread).
//!
//! ```text
//! cargo run --release -p cordon-text --example analysis_digest [-- --passes N] [--lists DIR] [--pairs FILE] [--shared-analyzer]
//! ```
//!
//! With `--shared-analyzer`, one [`Analyzer`] analyses every input of the digest pass (so
//! that every word analysed before is served from its memory: the digest must not change),
//! and each timed pass gets a fresh one (its memory fills during the pass).
//!
//! For instruction counts, run it under
//! `valgrind --tool=callgrind --toggle-collect='cordon_text::name::analyze_with_case'` with
//! `--passes 0` (the digest pass alone analyses every name once).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cordon_text::{Analyzer, NameKind, analyze_with_case};

// The allocator of the `cordon` binary (cordon-cli's default `mimalloc` feature), set up the
// same way, so that the times are those of `cordon screen`.
use cordon_alloc as _;

// Shared with the other output-digest example.
#[path = "support/fnv.rs"]
mod fnv;
use fnv::Fnv;

const KINDS: [NameKind; 3] = [NameKind::Person, NameKind::Organization, NameKind::Unknown];

fn main() {
    cordon_alloc::keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let shared = std::env::var_os("CORDON_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let lists = opt("--lists").map_or_else(|| shared.join("lists"), PathBuf::from);
    let pairs = opt("--pairs").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../cordon-match/tests/data/pairs.csv"),
        PathBuf::from,
    );
    let passes: usize = opt("--passes").and_then(|p| p.parse().ok()).unwrap_or(3);
    let share_analyzer = args.iter().any(|a| a == "--shared-analyzer");
    // Without `--shared-analyzer`, each analysis goes through `analyze_with_case`, which
    // remembers nothing.
    let mut analyzer = Analyzer::with_word_limit(if share_analyzer {
        Analyzer::DEFAULT_WORD_LIMIT
    } else {
        0
    });

    let mut names = list_names(&lists);
    let from_lists = names.len();
    names.extend(pair_names(&pairs));
    names.sort();
    names.dedup();
    let mut inputs: Vec<String> = Vec::with_capacity(names.len() * 3);
    for n in &names {
        inputs.push(n.clone());
        inputs.push(n.to_lowercase());
        inputs.push(n.to_uppercase());
    }
    inputs.sort();
    inputs.dedup();
    eprintln!(
        "{} distinct names ({from_lists} from {}, the rest from {}); {} inputs with case variants, x {} kinds",
        names.len(),
        lists.display(),
        pairs.display(),
        inputs.len(),
        KINDS.len()
    );

    let mut digest = Fnv::default();
    let mut forms = 0usize;
    for input in &inputs {
        for kind in KINDS {
            let result = if share_analyzer {
                analyzer.analyze_with_case(input, kind)
            } else {
                analyze_with_case(input, kind)
            };
            forms += result.len();
            let _ = write!(digest, "{input}\u{0}{kind:?}\u{0}{result:?}\u{0}");
        }
    }
    println!("digest {:016x} ({forms} forms)", digest.0);

    if passes == 0 {
        return;
    }
    let cpu = thread_cpu_secs();
    let wall = Instant::now();
    for _ in 0..passes {
        let mut analyzer = Analyzer::with_word_limit(if share_analyzer {
            Analyzer::DEFAULT_WORD_LIMIT
        } else {
            0
        });
        for input in &inputs {
            for kind in KINDS {
                std::hint::black_box(analyzer.analyze_with_case(std::hint::black_box(input), kind));
            }
        }
    }
    let wall = wall.elapsed().as_secs_f64();
    let cpu = thread_cpu_secs() - cpu;
    let n = (inputs.len() * KINDS.len() * passes) as f64;
    println!(
        "{n:.0} analyses in {wall:.3} s wall, {cpu:.3} s CPU: {:.2} µs per analysis (CPU), {:.0} per CPU-second",
        cpu / n * 1e6,
        n / cpu.max(1e-9)
    );
}

/// Every distinct name (`name`, `alias`, `previousName`, `weakAlias`) of every source in `dir`.
fn list_names(dir: &Path) -> Vec<String> {
    let (plans, _) = cordon_lists::plan(dir);
    if plans.is_empty() {
        eprintln!(
            "no lists found in {}: set CORDON_SHARED_DATA or pass --lists DIR",
            dir.display()
        );
        std::process::exit(2);
    }
    let mut names = Vec::new();
    for plan in &plans {
        let mut sink = cordon_lists::CollectSink::default();
        if let Err(e) = cordon_lists::parse_source(plan, &mut sink) {
            eprintln!("{}: {e}", plan.source_id);
            continue;
        }
        for e in &sink.entities {
            names.extend(e.names().map(|(_, n)| n.to_owned()));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Both name columns of a pairs CSV (`group,schema,query,candidate,label,source`).
fn pair_names(path: &Path) -> Vec<String> {
    let mut rdr = match csv::Reader::from_path(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            std::process::exit(2);
        }
    };
    let mut names = Vec::new();
    for rec in rdr.records().map_while(Result::ok) {
        names.extend([2, 3].iter().filter_map(|&i| rec.get(i).map(str::to_owned)));
    }
    names
}

/// CPU seconds of the calling thread (`/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

//! Times planning and parsing of the UN and EU journal sources under a lists directory, for
//! `docs/benchmarks/uneu.md`.
//!
//! ```text
//! cargo run --release -p cordon-lists --example uneu_timing -- ../shared/data/lists 10
//! ```

use std::time::Instant;

use cordon_lists::{EntitySink, ListError, parse_source, plan};
use cordon_model::{Diagnostic, Entity};

/// Counts instead of keeping, so the timing is the parser's.
#[derive(Default)]
struct Count(u64);

impl EntitySink for Count {
    fn entity(&mut self, _: Entity) -> Result<(), ListError> {
        self.0 += 1;
        Ok(())
    }
    fn diagnostic(&mut self, _: Diagnostic) {}
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "../shared/data/lists".into());
    let runs: usize = args.next().map_or(Ok(10), |r| r.parse())?;
    let (plans, _) = plan(dir.as_ref());
    for source in ["un-sc", "eu-journal"] {
        let Some(p) = plans.iter().find(|p| p.source_id == source) else {
            eprintln!("{source}: not found under {dir}");
            continue;
        };
        let bytes: u64 = p
            .files
            .iter()
            .filter_map(|f| std::fs::metadata(&f.path).ok())
            .map(|m| m.len())
            .sum();
        let mut times = Vec::with_capacity(runs);
        let mut entities = 0;
        for _ in 0..runs {
            let mut sink = Count::default();
            let start = Instant::now();
            parse_source(p, &mut sink)?;
            times.push(start.elapsed());
            entities = sink.0;
        }
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "{source}: {} files, {:.1} MB, {entities} entities, median {:.1} ms over {runs} runs ({:.0} MB/s)",
            p.files.len(),
            bytes as f64 / 1e6,
            median.as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / median.as_secs_f64()
        );
    }
    Ok(())
}

//! Parses one OFAC advanced XML file and reports what it found and how long it took; used with
//! `/usr/bin/time -v` to measure peak memory on a synthetic 120 MB file
//! (`scripts/ofac_advanced_synth.py`, see `docs/benchmarks/ofac.md`).
//!
//! ```text
//! cargo run --release -p cordon-lists --example ofac_advanced_parse -- /tmp/sdn_advanced.xml
//! ```

use std::time::Instant;

use cordon_lists::{EntitySink, Format, ListError, Role, SourceFile, SourcePlan, parse_source};
use cordon_model::{Diagnostic, Entity, Schema};

/// Counts entities without keeping them, like a store that writes each one out.
#[derive(Default)]
struct Count {
    entities: u64,
    wallets: u64,
    diagnostics: u64,
}

impl EntitySink for Count {
    fn entity(&mut self, e: Entity) -> Result<(), ListError> {
        self.entities += 1;
        if e.schema == Schema::CryptoWallet {
            self.wallets += 1;
        }
        Ok(())
    }

    fn diagnostic(&mut self, _: Diagnostic) {
        self.diagnostics += 1;
    }
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: ofac_advanced_parse FILE");
        std::process::exit(2);
    };
    let plan = SourcePlan {
        source_id: "ofac-sdn-advanced".into(),
        format: Format::OfacAdvancedXml,
        files: vec![SourceFile::on_disk(&path, Role::Primary)],
    };
    let started = Instant::now();
    let mut sink = Count::default();
    match parse_source(&plan, &mut sink) {
        Ok(outcome) => println!(
            "{path}: {} entities ({} wallets), {} diagnostics, published {:?}, {:.2} s",
            sink.entities,
            sink.wallets,
            sink.diagnostics,
            outcome.publication_date,
            started.elapsed().as_secs_f64()
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

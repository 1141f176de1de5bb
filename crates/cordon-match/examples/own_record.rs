//! Whether each query finds the record it was taken from: the rank of that record among the
//! results, its score and the list name that matched. For names a list writes inside a longer
//! field (aliases joined by `, ` or `;`), screened one by one.
//!
//! ```text
//! cargo run --release -p cordon-match --example own_record -- --db STORE --queries FILE
//! ```
//!
//! `FILE` holds JSON lines `{"q": "p0", "record": "eu-…", "part": "AO VNII Signal",
//! "schema": "Company", "name_like": true}` (`schema`, `name_like` optional), as
//! `scripts/joined_alias_parts.py` writes them. Prints one tab-separated line per query (id,
//! rank or `-`, score, matched name, query) and, on stderr, how many find their record at
//! rank 1, in the top five and as a match.

use cordon_match::{Matcher, Options, Query};
use cordon_model::Schema;

#[path = "support/load.rs"]
mod load;

#[derive(serde::Deserialize)]
struct Line {
    q: String,
    record: String,
    part: String,
    schema: Option<Schema>,
    /// Counted apart too when given (`scripts/joined_alias_parts.py` marks the parts that are
    /// names, not dates or legal forms).
    #[serde(default)]
    name_like: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(db), Some(path)) = (arg("--db"), arg("--queries")) else {
        eprintln!("usage: own_record --db STORE.redb --queries FILE");
        std::process::exit(2)
    };
    let matcher = Matcher::build(load::entities(Some(&db), None));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let opts = Options::default();
    // All queries, and those marked name-like: count, rank 1, top five, a match.
    let mut all = [0usize; 4];
    let mut named = [0usize; 4];
    for (i, l) in text.lines().enumerate() {
        let line: Line = match serde_json::from_str(l) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{path}:{}: {e}", i + 1);
                continue;
            }
        };
        let q = Query {
            name: line.part.clone(),
            schema: line.schema,
            ..Query::default()
        };
        let results = matcher.screen(&q, &opts);
        let hit = results
            .iter()
            .enumerate()
            .find(|(_, r)| r.id == line.record);
        let counts = [
            true,
            hit.is_some_and(|(rank, _)| rank == 0),
            hit.is_some_and(|(rank, _)| rank < 5),
            hit.is_some_and(|(_, r)| r.is_match),
        ];
        for (k, c) in counts.into_iter().enumerate() {
            if let Some(a) = all.get_mut(k) {
                *a += usize::from(c);
            }
            if let Some(a) = named.get_mut(k) {
                *a += usize::from(c && line.name_like);
            }
        }
        match hit {
            Some((rank, r)) => println!(
                "{}\t{}\t{:.3}\t{}\t{}",
                line.q,
                rank + 1,
                r.score,
                r.matched_name,
                line.part
            ),
            None => println!("{}\t-\t\t\t{}", line.q, line.part),
        }
    }
    for (what, [n, first, top5, matched]) in [("queries", all), ("name-like", named)] {
        eprintln!("{n} {what}: own record at rank 1 {first}, top 5 {top5}, a match {matched}");
    }
}

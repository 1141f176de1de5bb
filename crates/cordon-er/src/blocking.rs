//! Blocking: candidate pairs from equi-join rules, their union without duplicates.

use rayon::prelude::*;
use serde::Serialize;

use crate::data::{Dataset, RecordIx};
use crate::error::ErError;
use crate::hash::{combine, hash_bytes};

/// One part of a blocking key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "arg")]
pub enum KeyPart {
    /// The whole value of a field.
    Field(String),
    /// The first `n` characters of a field.
    Prefix(String, usize),
    /// The last `n` characters of a field.
    Suffix(String, usize),
}

/// A blocking rule: pairs whose key parts are all equal and present are candidates
/// (`l.a = r.a AND l.b = r.b`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockingRule {
    /// The parts, all of which must be equal.
    pub parts: Vec<KeyPart>,
}

impl BlockingRule {
    /// Equality on all these fields.
    pub fn on(fields: &[&str]) -> Self {
        BlockingRule {
            parts: fields
                .iter()
                .map(|f| KeyPart::Field((*f).to_owned()))
                .collect(),
        }
    }

    /// Adds a part.
    #[must_use]
    pub fn and(mut self, part: KeyPart) -> Self {
        self.parts.push(part);
        self
    }

    /// Fields this rule reads (EM cannot estimate `m` for them in a session blocked on it).
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|p| match p {
            KeyPart::Field(f) | KeyPart::Prefix(f, _) | KeyPart::Suffix(f, _) => f.as_str(),
        })
    }

    /// A readable form, e.g. `given_name + surname`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| match p {
                KeyPart::Field(f) => f.clone(),
                KeyPart::Prefix(f, n) => format!("first {n} of {f}"),
                KeyPart::Suffix(f, n) => format!("last {n} of {f}"),
            })
            .collect();
        parts.join(" + ")
    }
}

/// Whether pairs are looked for inside one set or only across sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkType {
    /// Every pair of records (one source, find duplicates).
    #[default]
    Dedupe,
    /// Only pairs from different sources (link file A to file B).
    LinkOnly,
}

impl LinkType {
    pub(crate) fn allows(self, ds: &Dataset, a: RecordIx, b: RecordIx) -> bool {
        match self {
            LinkType::Dedupe => true,
            LinkType::LinkOnly => ds.source(a) != ds.source(b),
        }
    }
}

/// Per record key of one rule; 0 = some part missing (never blocks).
pub(crate) fn rule_keys(ds: &Dataset, rule: &BlockingRule) -> Result<Vec<u64>, ErError> {
    let mut parts = Vec::with_capacity(rule.parts.len());
    for p in &rule.parts {
        let (f, kind) = match p {
            KeyPart::Field(f) => (f, (0u8, 0usize)),
            KeyPart::Prefix(f, n) => (f, (1, *n)),
            KeyPart::Suffix(f, n) => (f, (2, *n)),
        };
        let col = ds
            .field(f)
            .ok_or_else(|| ErError::UnknownField(f.clone()))?;
        parts.push((col, kind));
    }
    Ok((0..ds.len() as RecordIx)
        .into_par_iter()
        .map(|rec| {
            let mut h = 0x9E37_79B9_u64;
            for &(col, (kind, n)) in &parts {
                let Some(c) = ds.columns.get(col) else {
                    return 0;
                };
                let code = c.code(rec);
                if code == 0 {
                    return 0;
                }
                let part = match kind {
                    0 => c.hashes.get(code as usize - 1).copied().unwrap_or(0),
                    _ => {
                        let v = c.get(rec).unwrap_or("");
                        let s = if kind == 1 {
                            v.char_indices().nth(n).map_or(v, |(i, _)| &v[..i])
                        } else {
                            let count = v.chars().count();
                            v.char_indices()
                                .nth(count.saturating_sub(n))
                                .map_or(v, |(i, _)| &v[i..])
                        };
                        hash_bytes(0xB10C, s.as_bytes())
                    }
                };
                h = combine(h, part);
            }
            h | 1
        })
        .collect())
}

/// A candidate pair `(a, b)`, `a < b`.
pub(crate) type Pair = (RecordIx, RecordIx);

/// Statistics of one rule's blocks.
#[derive(Debug, Clone, Serialize)]
pub struct RuleStats {
    /// The rule.
    pub rule: String,
    /// Pairs this rule added (not produced by an earlier rule).
    pub pairs: u64,
    /// Blocks skipped because they were larger than the limit (records in them).
    pub skipped_blocks: Vec<usize>,
}

/// The union of all rules' candidate pairs, each pair once as `(a, b)` with `a < b`, sorted.
/// Blocks larger than `max_block` records are skipped and reported (their records can still
/// pair through other rules).
pub(crate) fn candidate_pairs(
    ds: &Dataset,
    rules: &[BlockingRule],
    link_type: LinkType,
    max_block: usize,
) -> Result<(Vec<Pair>, Vec<RuleStats>), ErError> {
    candidate_pairs_of(ds, rules, link_type, max_block, &|_| true)
}

/// Pairs a rule would produce (Σ over blocks of n(n − 1)/2), without producing them.
pub(crate) fn rule_pair_count(ds: &Dataset, rule: &BlockingRule) -> Result<f64, ErError> {
    let mut keys: Vec<u64> = rule_keys(ds, rule)?
        .into_iter()
        .filter(|&k| k != 0)
        .collect();
    keys.par_sort_unstable();
    Ok(keys
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let n = run.len() as f64;
            n * (n - 1.0) / 2.0
        })
        .sum())
}

/// [`candidate_pairs`] among the records `keep` accepts.
pub(crate) fn candidate_pairs_of(
    ds: &Dataset,
    rules: &[BlockingRule],
    link_type: LinkType,
    max_block: usize,
    keep: &(dyn Fn(RecordIx) -> bool + Sync),
) -> Result<(Vec<Pair>, Vec<RuleStats>), ErError> {
    let keys: Vec<Vec<u64>> = rules
        .iter()
        .map(|r| rule_keys(ds, r))
        .collect::<Result<_, _>>()?;
    let mut all = Vec::new();
    let mut stats = Vec::new();
    for (ri, rk) in keys.iter().enumerate() {
        let mut order: Vec<(u64, RecordIx)> = rk
            .iter()
            .enumerate()
            .filter(|&(i, &k)| k != 0 && keep(i as RecordIx))
            .map(|(i, &k)| (k, i as RecordIx))
            .collect();
        order.par_sort_unstable();
        let mut runs = Vec::new();
        let mut skipped = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let key = order.get(start).map_or(0, |x| x.0);
            let mut end = start + 1;
            while order.get(end).is_some_and(|x| x.0 == key) {
                end += 1;
            }
            if end - start > max_block {
                skipped.push(end - start);
            } else if end - start > 1 {
                runs.push((start, end));
            }
            start = end;
        }
        let earlier = keys.get(..ri).unwrap_or_default();
        let pairs: Vec<(RecordIx, RecordIx)> = runs
            .par_iter()
            .flat_map_iter(|&(s, e)| {
                let block = order.get(s..e).unwrap_or_default();
                let mut out = Vec::new();
                for (i, &(_, a)) in block.iter().enumerate() {
                    for &(_, b) in block.get(i + 1..).unwrap_or_default() {
                        if !link_type.allows(ds, a, b) {
                            continue;
                        }
                        // Splink's rule j AND NOT (rule 1..j-1): each pair comes from the first
                        // rule that produces it.
                        let dup = earlier.iter().any(|k| {
                            let ka = k.get(a as usize).copied().unwrap_or(0);
                            ka != 0 && Some(&ka) == k.get(b as usize)
                        });
                        if !dup {
                            out.push((a.min(b), a.max(b)));
                        }
                    }
                }
                out
            })
            .collect();
        stats.push(RuleStats {
            rule: rules
                .get(ri)
                .map(BlockingRule::describe)
                .unwrap_or_default(),
            pairs: pairs.len() as u64,
            skipped_blocks: skipped,
        });
        all.extend(pairs);
    }
    all.par_sort_unstable();
    Ok((all, stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetBuilder, RecordRef};
    use cordon_model::Location;

    fn ds(rows: &[(&str, &str, u16)]) -> Dataset {
        let mut b = DatasetBuilder::new(&["a", "b"]);
        for (i, (x, y, s)) in rows.iter().enumerate() {
            b.push(RecordRef {
                id: i.to_string().as_bytes(),
                source: *s,
                fields: &[Some(x.as_bytes()), Some(y.as_bytes())],
                keys: &[],
                location: &Location::default(),
            });
        }
        b.finish().0
    }

    #[test]
    fn union_of_rules_has_each_pair_once() {
        let d = ds(&[("x", "1", 0), ("x", "1", 0), ("x", "2", 0), ("y", "2", 0)]);
        let rules = [BlockingRule::on(&["a"]), BlockingRule::on(&["b"])];
        let (pairs, stats) = candidate_pairs(&d, &rules, LinkType::Dedupe, 100).unwrap();
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2), (2, 3)]);
        assert_eq!(stats[0].pairs, 3);
        assert_eq!(stats[1].pairs, 1);
    }

    #[test]
    fn link_only_pairs_cross_sources() {
        let d = ds(&[("x", "", 0), ("x", "", 0), ("x", "", 1)]);
        let (pairs, _) =
            candidate_pairs(&d, &[BlockingRule::on(&["a"])], LinkType::LinkOnly, 100).unwrap();
        assert_eq!(pairs, vec![(0, 2), (1, 2)]);
    }

    #[test]
    fn oversized_blocks_are_skipped_and_reported() {
        let d = ds(&[("x", "", 0), ("x", "", 0), ("x", "", 0)]);
        let (pairs, stats) =
            candidate_pairs(&d, &[BlockingRule::on(&["a"])], LinkType::Dedupe, 2).unwrap();
        assert!(pairs.is_empty());
        assert_eq!(stats[0].skipped_blocks, vec![3]);
    }

    #[test]
    fn prefix_keys_block_on_leading_characters() {
        let d = ds(&[("2119", "", 0), ("2118", "", 0), ("3119", "", 0)]);
        let rule = BlockingRule {
            parts: vec![KeyPart::Prefix("a".into(), 3)],
        };
        let (pairs, _) = candidate_pairs(&d, &[rule], LinkType::Dedupe, 100).unwrap();
        assert_eq!(pairs, vec![(0, 1)]);
    }
}

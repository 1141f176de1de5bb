//! The Fellegi–Sunter model: m/u probabilities per comparison level, the prior λ, training
//! (λ from deterministic rules, u from random pairs, m by EM) and scoring.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::blocking::{
    BlockingRule, LinkType, candidate_pairs, candidate_pairs_of, rule_pair_count,
};
use crate::compare::{CLevel, ComparisonSpec, Compiled, Gamma, MAX_COMPARISONS};
use crate::data::{Dataset, FieldPopulation, RecordIx};
use crate::error::ErError;
use crate::explain::Reason;
use crate::hash::{SplitMix, mix64};

/// Fewest distinct (and sampled) pairs a comparison's u is estimated from: a small batch says
/// little about how often non-matches agree, so the u the model has is kept (the exact level's
/// u still comes from the value counts, the population's when known).
const MIN_SAMPLED_PAIRS: u64 = 100;

/// Smallest probability kept, so that a level never seen in training cannot make a weight
/// infinite.
const P_FLOOR: f64 = 1e-9;

/// A Fellegi–Sunter model: comparisons with m and u per level and the prior λ.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// The comparisons.
    pub comparisons: Vec<ComparisonSpec>,
    /// λ = P(two random records match).
    pub lambda: f64,
    /// Per comparison, m per level (index 0 = first level, last = "else").
    pub m: Vec<Vec<f64>>,
    /// Per comparison, u per level (same layout as `m`).
    pub u: Vec<Vec<f64>>,
    /// Per comparison, the EM sessions that estimated its m (for averaging).
    #[serde(skip)]
    m_sessions: Vec<Vec<Vec<f64>>>,
}

/// What one EM session did.
#[derive(Debug, Clone, Serialize)]
pub struct EmSession {
    /// The training blocking rule.
    pub rule: String,
    /// Pairs EM ran on.
    pub pairs: usize,
    /// Share of the records that took part (1 unless `max_pairs` asked for a sample).
    pub sampled_share: f64,
    /// Iterations run.
    pub iterations: usize,
    /// λ within the block at convergence.
    pub lambda_in_block: f64,
    /// Comparisons whose m this session estimated (not those the rule blocks on).
    pub estimated: Vec<String>,
}

impl Model {
    /// A model with default starting parameters (`m` decreasing from the strongest level,
    /// `u` increasing), λ = 1e-4.
    pub fn new(comparisons: Vec<ComparisonSpec>) -> Result<Model, ErError> {
        if comparisons.is_empty() || comparisons.len() > MAX_COMPARISONS {
            return Err(ErError::Config(format!(
                "a model needs 1 to {MAX_COMPARISONS} comparisons, got {}",
                comparisons.len()
            )));
        }
        let mut m = Vec::new();
        let mut u = Vec::new();
        for c in &comparisons {
            let n = c.levels.len() + 1;
            let mut mm: Vec<f64> = (0..n).map(|i| 0.5f64.powi(i as i32 + 1)).collect();
            let mut uu: Vec<f64> = (0..n).map(|i| 0.5f64.powi((n - i) as i32)).collect();
            normalise(&mut mm);
            normalise(&mut uu);
            m.push(mm);
            u.push(uu);
        }
        let sessions = vec![Vec::new(); comparisons.len()];
        Ok(Model {
            comparisons,
            lambda: 1e-4,
            m,
            u,
            m_sessions: sessions,
        })
    }

    pub(crate) fn compile(&self, ds: &Dataset) -> Result<Vec<Compiled>, ErError> {
        self.comparisons
            .iter()
            .map(|c| Compiled::compile(c, ds))
            .collect()
    }

    /// Estimates λ from rules believed to find only matches and the share of all matches they
    /// are believed to find (Splink's `estimate_probability_two_random_records_match`).
    pub fn estimate_lambda(
        &mut self,
        ds: &Dataset,
        link_type: LinkType,
        rules: &[BlockingRule],
        recall: f64,
    ) -> Result<f64, ErError> {
        if !(recall > 0.0 && recall <= 1.0) {
            return Err(ErError::Config(format!(
                "recall must be in (0, 1], got {recall}"
            )));
        }
        let (pairs, _) = candidate_pairs(ds, rules, link_type, usize::MAX)?;
        let total = total_pairs(ds, link_type);
        if total == 0.0 {
            return Err(ErError::Config("no pair of records to compare".into()));
        }
        self.lambda = ((pairs.len() as f64 / recall) / total).clamp(P_FLOOR, 1.0 - 1e-6);
        Ok(self.lambda)
    }

    /// Estimates u from `max_pairs` random pairs (almost all non-matches), deterministic for a
    /// seed whatever the number of threads. The u of an exact first level is computed from the
    /// value counts (of the dataset's population when [`crate::Population`] counts are known);
    /// a field with fewer than 100 distinct pairs of values keeps the shares the model had for
    /// its other levels.
    pub fn estimate_u(
        &mut self,
        ds: &Dataset,
        link_type: LinkType,
        max_pairs: usize,
        seed: u64,
    ) -> Result<(), ErError> {
        let compiled = self.compile(ds)?;
        let n = ds.len() as u64;
        if n < 2 {
            return Err(ErError::Config("u estimation needs two records".into()));
        }
        const CHUNK: usize = 4096;
        let chunks = max_pairs.div_ceil(CHUNK);
        let levels: Vec<usize> = compiled.iter().map(|c| c.levels.len() + 2).collect();
        let counts = (0..chunks)
            .into_par_iter()
            .map(|ci| {
                let mut rng = SplitMix::new(mix64(seed ^ (ci as u64).wrapping_mul(0xA24B)));
                let mut counts: Vec<Vec<u64>> = levels.iter().map(|&l| vec![0; l]).collect();
                let todo = CHUNK.min(max_pairs - ci * CHUNK);
                for _ in 0..todo {
                    let a = rng.below(n) as RecordIx;
                    let mut b = rng.below(n) as RecordIx;
                    let mut tries = 0;
                    while (a == b || !link_type.allows(ds, a, b)) && tries < 64 {
                        b = rng.below(n) as RecordIx;
                        tries += 1;
                    }
                    if a == b || !link_type.allows(ds, a, b) {
                        continue;
                    }
                    for (c, cnt) in compiled.iter().zip(counts.iter_mut()) {
                        if let Some(x) = cnt.get_mut(c.level(ds, a, b) as usize) {
                            *x += 1;
                        }
                    }
                }
                counts
            })
            .reduce(
                || levels.iter().map(|&l| vec![0; l]).collect(),
                |mut x, y| {
                    for (a, b) in x.iter_mut().zip(y) {
                        for (p, q) in a.iter_mut().zip(b) {
                            *p += q;
                        }
                    }
                    x
                },
            );
        for ((u, cnt), c) in self.u.iter_mut().zip(counts).zip(&compiled) {
            let non_null: u64 = cnt.iter().skip(1).sum();
            let holders = ds
                .columns
                .get(c.field)
                .map_or(0, |col| u64::from(col.non_null));
            // A small batch has too few distinct pairs to say how often non-matches agree.
            let sample_too_small = holders.saturating_mul(holders.saturating_sub(1)) / 2
                < MIN_SAMPLED_PAIRS
                || non_null < MIN_SAMPLED_PAIRS;
            // An exact first level has an exact u (Σ over values of the chance both records
            // hold it); the sample then only has to spread the rest over the fuzzy levels,
            // which are common enough to estimate from far fewer pairs.
            let exact = matches!(c.levels.first(), Some(CLevel::Exact))
                .then(|| exact_agreement(ds, c.field, link_type))
                .flatten();
            match exact {
                Some(pe) => {
                    let rest: u64 = cnt.iter().skip(2).sum();
                    let before: f64 = u.iter().skip(1).sum();
                    if let Some(u0) = u.first_mut() {
                        *u0 = pe.max(P_FLOOR);
                    }
                    for (ui, &k) in u.iter_mut().skip(1).zip(cnt.iter().skip(2)) {
                        *ui = if sample_too_small {
                            // Keep the model's shares of the other levels.
                            (*ui * (1.0 - pe) / before.max(P_FLOOR)).max(P_FLOOR)
                        } else {
                            ((1.0 - pe) * k as f64 / rest.max(1) as f64).max(P_FLOOR)
                        };
                    }
                }
                None if sample_too_small => {}
                None => {
                    for (ui, &k) in u.iter_mut().zip(cnt.iter().skip(1)) {
                        *ui = (k as f64 / non_null as f64).max(P_FLOOR);
                    }
                }
            }
        }
        Ok(())
    }

    /// Estimates m by expectation maximisation on the pairs of one training blocking rule, with
    /// u fixed. Comparisons on the rule's own fields keep their m (a rule on `dob` tells nothing
    /// about how often matches agree on `dob`); running several rules averages the estimates.
    pub fn estimate_m_em(
        &mut self,
        ds: &Dataset,
        link_type: LinkType,
        rule: &BlockingRule,
        max_iterations: usize,
    ) -> Result<EmSession, ErError> {
        self.estimate_m_em_sampled(ds, link_type, rule, max_iterations, usize::MAX, 0)
    }

    /// [`Model::estimate_m_em`] on at most about `max_pairs` of the rule's pairs: when the rule
    /// produces more, a seeded share of the records takes part (pairs shrink with its square),
    /// so that training on a million records with large blocks costs what a sample costs. The
    /// level proportions EM estimates are unbiased under this sampling.
    pub fn estimate_m_em_sampled(
        &mut self,
        ds: &Dataset,
        link_type: LinkType,
        rule: &BlockingRule,
        max_iterations: usize,
        max_pairs: usize,
        seed: u64,
    ) -> Result<EmSession, ErError> {
        let compiled = self.compile(ds)?;
        let rules = std::slice::from_ref(rule);
        let full = rule_pair_count(ds, rule)?;
        let share = if full > max_pairs as f64 {
            (max_pairs as f64 / full).sqrt()
        } else {
            1.0
        };
        let pairs = if share < 1.0 {
            let cut = (share * u64::MAX as f64) as u64;
            let keep = move |r: RecordIx| mix64(seed ^ u64::from(r).wrapping_mul(0x9E37)) < cut;
            candidate_pairs_of(ds, rules, link_type, usize::MAX, &keep)?.0
        } else {
            candidate_pairs(ds, rules, link_type, usize::MAX)?.0
        };
        let blocked: Vec<String> = rule.fields().map(str::to_owned).collect();
        let free: Vec<bool> = self
            .comparisons
            .iter()
            .map(|c| !blocked.contains(&c.field))
            .collect();
        let patterns: FxHashMap<Gamma, u64> = pairs
            .par_iter()
            .fold(
                FxHashMap::default,
                |mut acc: FxHashMap<Gamma, u64>, &(a, b)| {
                    *acc.entry(gamma(&compiled, ds, a, b)).or_insert(0) += 1;
                    acc
                },
            )
            .reduce(FxHashMap::default, |mut x, y| {
                for (k, v) in y {
                    *x.entry(k).or_insert(0) += v;
                }
                x
            });
        // Sorted so that the floating-point sums do not depend on hash-map order.
        let mut patterns: Vec<(Gamma, u64)> = patterns.into_iter().collect();
        patterns.sort_unstable();
        let total = total_pairs(ds, link_type);
        let block_pairs = pairs.len() as f64 / (share * share);
        let mut lam = (self.lambda * total / block_pairs.max(1.0)).clamp(0.01, 0.9);
        let mut m = self.m.clone();
        let mut iterations = 0;
        for _ in 0..max_iterations {
            iterations += 1;
            let logk = log_bf(&m, &self.u);
            let mut num: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
            let mut sum_p = 0.0;
            let mut sum_n = 0.0;
            for (g, cnt) in &patterns {
                let w = pattern_weight(g, &logk);
                let prior = (lam / (1.0 - lam)).log2();
                let p = 1.0 / (1.0 + (-(prior + w)).exp2());
                let c = *cnt as f64;
                sum_p += p * c;
                sum_n += c;
                for (ci, row) in num.iter_mut().enumerate() {
                    let l = g.get(ci).copied().unwrap_or(0) as usize;
                    if l > 0
                        && let Some(x) = row.get_mut(l - 1)
                    {
                        *x += p * c;
                    }
                }
            }
            let mut delta: f64 = 0.0;
            for (ci, row) in num.into_iter().enumerate() {
                if !free.get(ci).copied().unwrap_or(false) {
                    continue;
                }
                let s: f64 = row.iter().sum();
                if s <= 0.0 {
                    continue;
                }
                if let Some(mc) = m.get_mut(ci) {
                    for (old, new) in mc.iter_mut().zip(row) {
                        let v = (new / s).max(P_FLOOR);
                        delta = delta.max((v - *old).abs());
                        *old = v;
                    }
                }
            }
            let new_lam = (sum_p / sum_n.max(1.0)).clamp(1e-6, 1.0 - 1e-6);
            delta = delta.max((new_lam - lam).abs());
            lam = new_lam;
            if delta < 1e-5 {
                break;
            }
        }
        let mut estimated = Vec::new();
        for (ci, is_free) in free.iter().enumerate() {
            if !is_free {
                continue;
            }
            if let (Some(sess), Some(mc), Some(spec)) = (
                self.m_sessions.get_mut(ci),
                m.get(ci),
                self.comparisons.get(ci),
            ) {
                sess.push(mc.clone());
                estimated.push(spec.name.clone());
                let k = sess.len() as f64;
                let mut avg = vec![0.0; mc.len()];
                for s in sess.iter() {
                    for (a, v) in avg.iter_mut().zip(s) {
                        *a += v / k;
                    }
                }
                if let Some(target) = self.m.get_mut(ci) {
                    *target = avg;
                }
            }
        }
        Ok(EmSession {
            rule: rule.describe(),
            pairs: pairs.len(),
            sampled_share: share,
            iterations,
            lambda_in_block: lam,
            estimated,
        })
    }

    /// The prior match weight log2(λ / (1 − λ)).
    pub fn prior_weight(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    /// Binds the model to a dataset for scoring.
    pub(crate) fn scorer<'a>(&'a self, ds: &'a Dataset) -> Result<Scorer<'a>, ErError> {
        let compiled = self.compile(ds)?;
        let logk = log_bf(&self.m, &self.u);
        let tf = self
            .comparisons
            .iter()
            .zip(&compiled)
            .zip(&self.u)
            .map(|((spec, c), u)| {
                if !spec.tf_adjust {
                    return None;
                }
                let exact = c.levels.iter().position(|l| matches!(l, CLevel::Exact))?;
                let u_exact = u.get(exact).copied()?;
                Some(((exact + 1) as u8, u_exact.log2(), spec.tf_min))
            })
            .collect();
        Ok(Scorer {
            model: self,
            ds,
            compiled,
            logk,
            tf,
        })
    }
}

/// P(two random records hold the same value | both hold one), from the value counts (of the
/// population when they are known, else of the dataset).
fn exact_agreement(ds: &Dataset, field: usize, link_type: LinkType) -> Option<f64> {
    let col = ds.columns.get(field)?;
    match link_type {
        LinkType::Dedupe => {
            if let FieldPopulation::Known {
                non_null, agreeing, ..
            } = &col.population
                && *non_null >= u64::from(col.non_null)
            {
                let n = *non_null as f64;
                return (n > 1.0).then(|| agreeing / (n * (n - 1.0)));
            }
            let n = f64::from(col.non_null);
            let same: f64 = col
                .counts
                .iter()
                .map(|&c| f64::from(c) * (f64::from(c) - 1.0))
                .sum();
            (n > 1.0).then(|| same / (n * (n - 1.0)))
        }
        LinkType::LinkOnly => {
            let mut per: FxHashMap<(u16, u32), f64> = FxHashMap::default();
            let mut by_source: FxHashMap<u16, f64> = FxHashMap::default();
            for (rec, &code) in col.codes.iter().enumerate() {
                if code != 0 {
                    let s = ds.source(rec as RecordIx);
                    *per.entry((s, code)).or_insert(0.0) += 1.0;
                    *by_source.entry(s).or_insert(0.0) += 1.0;
                }
            }
            let total: f64 = by_source.values().sum();
            let sq: f64 = by_source.values().map(|c| c * c).sum();
            let cross = (total * total - sq) / 2.0;
            let mut codes: FxHashMap<u32, (f64, f64)> = FxHashMap::default();
            for (&(_, code), &c) in &per {
                let e = codes.entry(code).or_insert((0.0, 0.0));
                e.0 += c;
                e.1 += c * c;
            }
            let same: f64 = codes.values().map(|(s, q)| (s * s - q) / 2.0).sum();
            (cross > 0.0).then(|| same / cross)
        }
    }
}

fn normalise(v: &mut [f64]) {
    let s: f64 = v.iter().sum();
    if s > 0.0 {
        for x in v {
            *x /= s;
        }
    }
}

fn log_bf(m: &[Vec<f64>], u: &[Vec<f64>]) -> Vec<Vec<f64>> {
    m.iter()
        .zip(u)
        .map(|(mm, uu)| {
            mm.iter()
                .zip(uu)
                .map(|(a, b)| (a.max(P_FLOOR) / b.max(P_FLOOR)).log2())
                .collect()
        })
        .collect()
}

fn pattern_weight(g: &Gamma, logk: &[Vec<f64>]) -> f64 {
    logk.iter()
        .enumerate()
        .map(|(ci, row)| match g.get(ci).copied().unwrap_or(0) {
            0 => 0.0,
            l => row.get(l as usize - 1).copied().unwrap_or(0.0),
        })
        .sum()
}

pub(crate) fn gamma(compiled: &[Compiled], ds: &Dataset, a: RecordIx, b: RecordIx) -> Gamma {
    let mut g = [0u8; MAX_COMPARISONS];
    for (slot, c) in g.iter_mut().zip(compiled) {
        *slot = c.level(ds, a, b);
    }
    g
}

/// Number of pairs a link type allows.
pub(crate) fn total_pairs(ds: &Dataset, link_type: LinkType) -> f64 {
    let n = ds.len() as f64;
    match link_type {
        LinkType::Dedupe => n * (n - 1.0) / 2.0,
        LinkType::LinkOnly => {
            let mut per: FxHashMap<u16, f64> = FxHashMap::default();
            for &s in &ds.sources {
                *per.entry(s).or_insert(0.0) += 1.0;
            }
            let sq: f64 = per.values().map(|c| c * c).sum();
            (n * n - sq) / 2.0
        }
    }
}

/// A model bound to a dataset.
#[derive(Debug)]
pub(crate) struct Scorer<'a> {
    model: &'a Model,
    ds: &'a Dataset,
    compiled: Vec<Compiled>,
    logk: Vec<Vec<f64>>,
    /// Per comparison with TF: (exact level, log2 u_exact, tf floor).
    tf: Vec<Option<(u8, f64, f64)>>,
}

impl Scorer<'_> {
    /// Per-comparison weights of a pair (without the prior), summed; `positive_only` drops
    /// negative contributions.
    pub(crate) fn weight(&self, a: RecordIx, b: RecordIx, positive_only: bool) -> f64 {
        let mut total = 0.0;
        for (ci, c) in self.compiled.iter().enumerate() {
            let w = self.level_weight(ci, c.level(self.ds, a, b), a);
            if !positive_only || w > 0.0 {
                total += w;
            }
        }
        total
    }

    fn tf_adjustment(&self, ci: usize, level: u8, a: RecordIx) -> f64 {
        let Some(Some((exact, log_u, tf_min))) = self.tf.get(ci) else {
            return 0.0;
        };
        if level != *exact {
            return 0.0;
        }
        let Some(c) = self.compiled.get(ci) else {
            return 0.0;
        };
        let Some(col) = self.ds.columns.get(c.field) else {
            return 0.0;
        };
        // Exact match: both records hold the same value, so tf_l = tf_r. Unknown in a batch
        // drawn from a larger population without its counts: no adjustment.
        match col.tf(col.code(a)) {
            Some(tf) => log_u - tf.max(*tf_min).log2(),
            None => 0.0,
        }
    }

    fn level_weight(&self, ci: usize, level: u8, a: RecordIx) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let base = self
            .logk
            .get(ci)
            .and_then(|r| r.get(level as usize - 1))
            .copied()
            .unwrap_or(0.0);
        base + self.tf_adjustment(ci, level, a)
    }

    /// The reasons behind a pair's comparison weights.
    pub(crate) fn explain(
        &self,
        a: RecordIx,
        b: RecordIx,
        positive_only: bool,
        out: &mut Vec<Reason>,
    ) {
        for (ci, c) in self.compiled.iter().enumerate() {
            let Some(spec) = self.model.comparisons.get(ci) else {
                continue;
            };
            let level = c.level(self.ds, a, b);
            if level == 0 {
                continue;
            }
            let label = spec
                .levels
                .get(level as usize - 1)
                .map_or("else", |l| l.label.as_str());
            let w = self.level_weight(ci, level, a);
            let tf = self.tf_adjustment(ci, level, a);
            out.push(Reason::Comparison {
                comparison: spec.name.clone(),
                level: label.to_owned(),
                weight: w,
                tf_adjustment: tf,
                counted: !positive_only || w > 0.0,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetBuilder, RecordRef};
    use cordon_model::Location;

    #[test]
    fn em_learns_that_agreement_signals_matches() {
        // 200 entities, each twice; given name and birth date identify an entity, surnames
        // have a typo in 10% of duplicates.
        let mut b = DatasetBuilder::new(&["given", "surname", "dob", "city"]);
        let mut rng = SplitMix::new(3);
        for e in 0..200u32 {
            let city = format!("c{}", rng.below(5));
            let dob = format!("d{}", rng.below(100_000));
            for k in 0..2 {
                let id = format!("{e}-{k}");
                let given = format!("g{e}");
                let surname = if k == 1 && e % 10 == 0 {
                    format!("typo{e}")
                } else {
                    format!("s{e}")
                };
                b.push(RecordRef {
                    id: id.as_bytes(),
                    source: 0,
                    fields: &[
                        Some(given.as_bytes()),
                        Some(surname.as_bytes()),
                        Some(dob.as_bytes()),
                        Some(city.as_bytes()),
                    ],
                    keys: &[],
                    location: &Location::default(),
                });
            }
        }
        let (ds, _) = b.finish();
        let mut model = Model::new(vec![
            ComparisonSpec::exact("given"),
            ComparisonSpec::exact("surname"),
            ComparisonSpec::exact("dob"),
        ])
        .unwrap();
        model.lambda = 200.0 / (400.0 * 399.0 / 2.0);
        model.estimate_u(&ds, LinkType::Dedupe, 20_000, 1).unwrap();
        let s = model
            .estimate_m_em(&ds, LinkType::Dedupe, &BlockingRule::on(&["city"]), 50)
            .unwrap();
        assert_eq!(s.estimated, ["given", "surname", "dob"]);
        let m_surname_exact = model.m[1][0];
        assert!(
            (m_surname_exact - 0.9).abs() < 0.05,
            "m(surname exact) = {m_surname_exact}"
        );
        assert!(model.u[1][0] < 0.01);

        // On a quarter of the pairs (half the records), EM finds about the same m.
        let mut sampled = Model::new(model.comparisons.clone()).unwrap();
        sampled.lambda = model.lambda;
        sampled.u = model.u.clone();
        let s = sampled
            .estimate_m_em_sampled(
                &ds,
                LinkType::Dedupe,
                &BlockingRule::on(&["city"]),
                50,
                s.pairs / 4,
                7,
            )
            .unwrap();
        assert!((s.sampled_share - 0.5).abs() < 0.01, "{}", s.sampled_share);
        assert!(s.pairs < 6_000, "{}", s.pairs);
        let m = sampled.m[1][0];
        assert!((m - 0.9).abs() < 0.1, "sampled m(surname exact) = {m}");
    }

    #[test]
    fn u_estimation_is_deterministic_for_a_seed() {
        let mut b = DatasetBuilder::new(&["x"]);
        for i in 0..50u32 {
            let v = (i % 7).to_string();
            b.push(RecordRef {
                id: i.to_string().as_bytes(),
                source: 0,
                fields: &[Some(v.as_bytes())],
                keys: &[],
                location: &Location::default(),
            });
        }
        let (ds, _) = b.finish();
        let mut m1 = Model::new(vec![ComparisonSpec::exact("x")]).unwrap();
        let mut m2 = m1.clone();
        m1.estimate_u(&ds, LinkType::Dedupe, 10_000, 9).unwrap();
        m2.estimate_u(&ds, LinkType::Dedupe, 10_000, 9).unwrap();
        assert_eq!(m1.u, m2.u);
        assert!((m1.u[0][0] - 1.0 / 7.0).abs() < 0.03);
    }
}

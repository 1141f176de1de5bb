//! Linking: candidate pairs from blocking and from shared identifiers, scored by the
//! Fellegi–Sunter model plus identifier evidence, kept above a threshold with their reasons.

use rayon::prelude::*;
use serde::Serialize;

use crate::blocking::{BlockingRule, LinkType, RuleStats, candidate_pairs};
use crate::data::{Dataset, RecordIx};
use crate::error::ErError;
use crate::explain::Reason;
use crate::ident::{Hub, KeyMatch, Shared, shared_identifiers};
use crate::model::{Model, Scorer};
use crate::suspects::Suspects;

/// How Fellegi–Sunter comparison weights enter a link's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FsUse {
    /// All weights, positive and negative (classic record linkage: FEBRL).
    #[default]
    Full,
    /// Only positive weights: similar names add evidence, different names do not cancel a
    /// shared payout account (people behind many accounts use different names on purpose).
    PositiveOnly,
    /// Comparisons are not used.
    Off,
}

/// What to link and how.
#[derive(Debug, Clone, Serialize)]
pub struct LinkConfig {
    /// Dedupe one set, or link sources.
    pub link_type: LinkType,
    /// Blocking rules for Fellegi–Sunter candidates (union).
    pub blocking: Vec<BlockingRule>,
    /// Blocks larger than this are skipped (and reported).
    pub max_block: usize,
    /// How comparison weights count.
    pub fs: FsUse,
    /// Use shared identifiers (candidates and evidence).
    pub identifiers: bool,
    /// Prior match weight; `None` takes the model's log2(λ / (1 − λ)) (or 0 without a model).
    pub prior_weight: Option<f64>,
    /// Smallest total match weight kept as a link (3.17 ≈ probability 0.9).
    pub threshold: f64,
    /// How many hub values to report.
    pub max_hubs: usize,
    /// Records suspect on their own evidence, outside linkage: a pair of two of them gains
    /// from sharing a value that mostly suspects hold (see [`Suspects`]).
    #[serde(skip)]
    pub suspects: Option<Suspects>,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            link_type: LinkType::Dedupe,
            blocking: Vec::new(),
            max_block: 5_000,
            fs: FsUse::Full,
            identifiers: true,
            prior_weight: None,
            threshold: 3.17,
            max_hubs: 100,
            suspects: None,
        }
    }
}

/// A scored, explained link between two records (`a < b`, record indices of the dataset).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// First record.
    pub a: RecordIx,
    /// Second record.
    pub b: RecordIx,
    /// Total match weight (the sum of the counted reasons).
    pub weight: f64,
    /// 2^w / (1 + 2^w).
    pub probability: f64,
    /// The terms of `weight`.
    pub reasons: Vec<Reason>,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkStats {
    /// Records.
    pub records: usize,
    /// Candidate pairs from blocking.
    pub blocked_pairs: usize,
    /// Distinct pairs sharing an identifier.
    pub identifier_pairs: usize,
    /// Distinct pairs scored.
    pub scored_pairs: usize,
    /// Links kept.
    pub links: usize,
    /// Per blocking rule.
    pub rules: Vec<RuleStats>,
}

/// The result of [`link`].
#[derive(Debug, Clone, Serialize)]
pub struct Linkage {
    /// Links at or above the threshold, sorted by (a, b).
    pub links: Vec<Link>,
    /// Identifier values that were too common to link (reported, not used).
    pub hubs: Vec<Hub>,
    /// Counts.
    pub stats: LinkStats,
}

/// Converts a match weight to a probability.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// Finds, scores and explains links.
pub fn link(ds: &Dataset, model: Option<&Model>, cfg: &LinkConfig) -> Result<Linkage, ErError> {
    let scorer = model.map(|m| m.scorer(ds)).transpose()?;
    let (blocked, rules) = if cfg.blocking.is_empty() || model.is_none() || cfg.fs == FsUse::Off {
        (Vec::new(), Vec::new())
    } else {
        candidate_pairs(ds, &cfg.blocking, cfg.link_type, cfg.max_block)?
    };
    let (shared, hubs) = if cfg.identifiers {
        shared_identifiers(ds, cfg.link_type, cfg.max_hubs, cfg.suspects.as_ref())
    } else {
        (Vec::new(), Vec::new())
    };
    // Group the identifier evidence by pair: (a, b, start, end) into `shared`.
    let mut groups: Vec<(RecordIx, RecordIx, usize, usize)> = Vec::new();
    let mut s = 0;
    while let Some(first) = shared.get(s) {
        let mut e = s + 1;
        while shared
            .get(e)
            .is_some_and(|x| x.a == first.a && x.b == first.b)
        {
            e += 1;
        }
        groups.push((first.a, first.b, s, e));
        s = e;
    }
    // Merge with the blocked pairs (both sorted).
    let mut cands: Vec<(RecordIx, RecordIx, usize, usize)> =
        Vec::with_capacity(blocked.len() + groups.len());
    let (mut i, mut j) = (0, 0);
    loop {
        match (blocked.get(i), groups.get(j)) {
            (Some(&(a, b)), Some(&(ga, gb, gs, ge))) => {
                if (a, b) < (ga, gb) {
                    cands.push((a, b, 0, 0));
                    i += 1;
                } else if (a, b) > (ga, gb) {
                    cands.push((ga, gb, gs, ge));
                    j += 1;
                } else {
                    cands.push((a, b, gs, ge));
                    i += 1;
                    j += 1;
                }
            }
            (Some(&(a, b)), None) => {
                cands.push((a, b, 0, 0));
                i += 1;
            }
            (None, Some(&g)) => {
                cands.push(g);
                j += 1;
            }
            (None, None) => break,
        }
    }
    let prior = cfg
        .prior_weight
        .unwrap_or_else(|| model.map_or(0.0, Model::prior_weight));
    let ctx = Ctx {
        ds,
        scorer: scorer.as_ref(),
        cfg,
        prior,
        shared: &shared,
    };
    let links: Vec<Link> = cands
        .par_iter()
        .filter_map(|&(a, b, gs, ge)| {
            let w = ctx.weight(a, b, gs, ge);
            (w >= cfg.threshold).then(|| ctx.link(a, b, gs, ge, w))
        })
        .collect();
    let stats = LinkStats {
        records: ds.len(),
        blocked_pairs: blocked.len(),
        identifier_pairs: groups.len(),
        scored_pairs: cands.len(),
        links: links.len(),
        rules,
    };
    Ok(Linkage { links, hubs, stats })
}

struct Ctx<'a> {
    ds: &'a Dataset,
    scorer: Option<&'a Scorer<'a>>,
    cfg: &'a LinkConfig,
    prior: f64,
    shared: &'a [Shared],
}

impl Ctx<'_> {
    fn fs_weight(&self, a: RecordIx, b: RecordIx) -> f64 {
        match (self.scorer, self.cfg.fs) {
            (Some(s), FsUse::Full) => s.weight(a, b, false),
            (Some(s), FsUse::PositiveOnly) => s.weight(a, b, true),
            _ => 0.0,
        }
    }

    /// Per entry of the pair's identifier evidence: its effective weight (after the context
    /// discount), whether it counts (the best of its group), and the context that discounted
    /// it.
    fn effective(&self, gs: usize, ge: usize) -> Vec<(f64, bool, Option<&str>)> {
        let ev = self.shared.get(gs..ge).unwrap_or_default();
        let spec = |x: &Shared| self.ds.kinds.get(x.kind as usize);
        let kinds: Vec<&str> = ev
            .iter()
            .filter_map(|x| spec(x).map(|k| k.name.as_str()))
            .collect();
        let mut out: Vec<(f64, bool, Option<&str>)> = ev
            .iter()
            .map(|x| {
                let Some(k) = spec(x) else {
                    return (0.0, false, None);
                };
                match &k.context {
                    Some((g, u)) if kinds.contains(&g.as_str()) => {
                        let cap = (k.m / u.max(1e-12)).log2();
                        if cap < x.weight {
                            (cap, true, Some(g.as_str()))
                        } else {
                            (x.weight, true, None)
                        }
                    }
                    _ => (x.weight, true, None),
                }
            })
            .collect();
        for i in 0..out.len() {
            let gi = ev.get(i).and_then(spec).map(|k| &k.group);
            let wi = out.get(i).map_or(0.0, |o| o.0);
            let better = (0..out.len()).any(|j| {
                let gj = ev.get(j).and_then(spec).map(|k| &k.group);
                let wj = out.get(j).map_or(0.0, |o| o.0);
                j != i && gi == gj && (wj > wi || (wj == wi && j < i))
            });
            if let Some(o) = out.get_mut(i) {
                o.1 = !better;
            }
        }
        out
    }

    fn id_weight(&self, gs: usize, ge: usize) -> f64 {
        if ge - gs == 1 {
            return self.shared.get(gs).map_or(0.0, |x| x.weight);
        }
        self.effective(gs, ge)
            .iter()
            .filter(|e| e.1)
            .map(|e| e.0)
            .sum()
    }

    /// When both records are suspect: the shared value whose holders are the least likely to
    /// be that suspect by chance, and the bits it adds (once per pair: it is one fact about
    /// the pair, however many values show it).
    fn suspect_evidence(
        &self,
        a: RecordIx,
        b: RecordIx,
        gs: usize,
        ge: usize,
    ) -> Option<(&Shared, f64)> {
        let s = self.cfg.suspects.as_ref()?;
        if !(s.is_suspect(a) && s.is_suspect(b)) || s.same_unit(a, b) {
            return None;
        }
        self.shared
            .get(gs..ge)
            .unwrap_or_default()
            .iter()
            .map(|x| (x, s.weight(x.units.into(), x.suspects.into())))
            .filter(|&(_, w)| w > 0.0)
            .max_by(|x, y| x.1.total_cmp(&y.1))
    }

    fn weight(&self, a: RecordIx, b: RecordIx, gs: usize, ge: usize) -> f64 {
        let suspect = self.suspect_evidence(a, b, gs, ge).map_or(0.0, |e| e.1);
        self.prior + suspect + self.fs_weight(a, b) + self.id_weight(gs, ge)
    }

    fn link(&self, a: RecordIx, b: RecordIx, gs: usize, ge: usize, weight: f64) -> Link {
        let mut reasons = vec![Reason::Prior { weight: self.prior }];
        if let (Some(s), Some((x, weight))) = (
            self.cfg.suspects.as_ref(),
            self.suspect_evidence(a, b, gs, ge),
        ) {
            let spec = self.ds.kinds.get(x.kind as usize);
            reasons.push(Reason::Suspects {
                kind: spec.map(|k| k.name.clone()).unwrap_or_default(),
                value: match spec.map(|k| &k.matching) {
                    Some(KeyMatch::Exact) => self.ds.key_value(x.kind, x.detail).to_owned(),
                    _ => String::new(),
                },
                records: x.units.into(),
                suspects: x.suspects.into(),
                share: s.share(),
                weight,
            });
        }
        if let Some(s) = self.scorer
            && self.cfg.fs != FsUse::Off
        {
            s.explain(a, b, self.cfg.fs == FsUse::PositiveOnly, &mut reasons);
        }
        let ev = self.shared.get(gs..ge).unwrap_or_default();
        for (x, (w, counted, context)) in ev.iter().zip(self.effective(gs, ge)) {
            let context = context.map(str::to_owned);
            let Some(spec) = self.ds.kinds.get(x.kind as usize) else {
                continue;
            };
            reasons.push(match spec.matching {
                KeyMatch::Exact => Reason::SharedIdentifier {
                    kind: spec.name.clone(),
                    value: self.ds.key_value(x.kind, x.detail).to_owned(),
                    records: x.degree,
                    weight: w,
                    counted,
                    context,
                },
                KeyMatch::Hamming { .. } => Reason::NearIdentifier {
                    kind: spec.name.clone(),
                    distance: f64::from(x.detail),
                    records: x.degree,
                    weight: w,
                    counted,
                    context,
                },
                KeyMatch::MinHash(_) => Reason::NearIdentifier {
                    kind: spec.name.clone(),
                    distance: f64::from(x.detail) / 1000.0,
                    records: x.degree,
                    weight: w,
                    counted,
                    context,
                },
            });
        }
        Link {
            a,
            b,
            weight,
            probability: probability(weight),
            reasons,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetBuilder, KeyValue, RecordRef};
    use crate::ident::KeySpec;
    use crate::population::Population;
    use cordon_model::Location;

    fn ds(rows: &[&[(&str, &str)]]) -> Dataset {
        // Drawn from 10,000 records, so that a value held by two records is rare.
        let mut b = DatasetBuilder::new(&["name"]).with_population(Population::of_size(10_000));
        let kinds: Vec<(String, u16)> = KeySpec::applicant_defaults()
            .into_iter()
            .map(|k| (k.name.clone(), b.key_kind(k)))
            .collect();
        for (i, keys) in rows.iter().enumerate() {
            let keys: Vec<(u16, KeyValue)> = keys
                .iter()
                .filter_map(|(k, v)| {
                    let ix = kinds.iter().find(|x| x.0 == *k)?.1;
                    Some((ix, KeyValue::Exact((*v).to_owned())))
                })
                .collect();
            b.push(RecordRef {
                id: format!("r{i}").as_bytes(),
                source: 0,
                fields: &[None],
                keys: &keys,
                location: &Location::default(),
            });
        }
        b.finish().0
    }

    fn only_link(ds: &Dataset) -> Link {
        let cfg = LinkConfig {
            prior_weight: Some(0.0),
            threshold: f64::NEG_INFINITY,
            ..LinkConfig::default()
        };
        let mut l = link(ds, None, &cfg).unwrap().links;
        assert_eq!(l.len(), 1);
        l.remove(0)
    }

    #[test]
    fn household_discounts_a_shared_device() {
        let family = ds(&[
            &[("device", "pc1"), ("home_address", "1 main st")],
            &[("device", "pc1"), ("home_address", "1 main st")],
        ]);
        let strangers = ds(&[&[("device", "pc1")], &[("device", "pc1")]]);
        let (f, s) = (only_link(&family), only_link(&strangers));
        let device = |l: &Link| {
            l.reasons.iter().find_map(|r| match r {
                Reason::SharedIdentifier {
                    kind,
                    weight,
                    context,
                    ..
                } if kind == "device" => Some((*weight, context.clone())),
                _ => None,
            })
        };
        let (fw, fc) = device(&f).unwrap();
        let (sw, sc) = device(&s).unwrap();
        assert!(fw < 2.0 && sw > 10.0, "{fw} vs {sw}");
        assert_eq!(fc.as_deref(), Some("home_address"));
        assert_eq!(sc, None);
    }

    #[test]
    fn one_group_counts_once() {
        // IP, /24 and home address are one piece of "same place" evidence.
        let d = ds(&[
            &[
                ("ip", "1.2.3.4"),
                ("ip_net", "1.2.3.0/24"),
                ("home_address", "x"),
            ],
            &[
                ("ip", "1.2.3.4"),
                ("ip_net", "1.2.3.0/24"),
                ("home_address", "x"),
            ],
        ]);
        let l = only_link(&d);
        let counted = l
            .reasons
            .iter()
            .filter(|r| matches!(r, Reason::SharedIdentifier { counted: true, .. }))
            .count();
        assert_eq!(counted, 1);
        let sum: f64 = l.reasons.iter().map(Reason::counted_weight).sum();
        assert!((sum - l.weight).abs() < 1e-12);
    }

    #[test]
    fn hub_values_link_nobody() {
        let rows: Vec<&[(&str, &str)]> = vec![&[("ip", "9.9.9.9")]; 60];
        let d = ds(&rows);
        let out = link(
            &d,
            None,
            &LinkConfig {
                prior_weight: Some(0.0),
                threshold: f64::NEG_INFINITY,
                ..LinkConfig::default()
            },
        )
        .unwrap();
        assert!(out.links.is_empty());
        assert_eq!(out.hubs.first().map(|h| h.records), Some(60));
    }
}

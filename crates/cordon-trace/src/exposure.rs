//! Exposure of an address: how much of what it received (or sent) came from (or went to)
//! attributed addresses, per category, directly and through up to `max_hops` hops.
//!
//! Paths are time-respecting (each earlier hop happened before the later one) and pass only
//! through unattributed addresses: the first attributed address on a path ends it (Chainalysis
//! semantics). Amounts are haircut shares in exact integer base units: an intermediate address
//! passes on each inflow in proportion to its share of that address's inflows before the
//! onward transfer (received), or of its outflows after the arrival (sent), in the same asset.
//!
//! The report also lists the excluded transfers the target itself sent or received (fake
//! tokens, poisoning look-alikes, zero-value and failed transfers), none of which counts, so
//! that an analyst sees what was left out and why.

use std::collections::BTreeMap;

use cordon_tx::{Amount, Exclusion, TxStore, mul_div};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::TraceError;
use crate::labels::{Category, Label, LabelSource, labels_of};
use crate::trace::{ExcludedTransfer, Step, make_step};

/// Which way value moved relative to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Value the target received (source of funds).
    Received,
    /// Value the target sent (destination of funds).
    Sent,
}

/// Options of an exposure query.
#[derive(Debug, Clone)]
pub struct ExposureOptions {
    /// Hop bound (1 = direct only).
    pub max_hops: u32,
    /// Paths kept per (category, direction, asset).
    pub top_paths: usize,
    /// Edge visits allowed before the answer is marked truncated.
    pub budget: usize,
    /// Directions to compute.
    pub directions: Vec<Direction>,
    /// Excluded transfers of the target listed in full (the rest are counted): spam can put
    /// millions of zero-value transfers on a busy address.
    pub max_excluded: usize,
}

impl Default for ExposureOptions {
    fn default() -> Self {
        ExposureOptions {
            max_hops: 5,
            top_paths: 3,
            budget: 2_000_000,
            directions: vec![Direction::Received, Direction::Sent],
            max_excluded: 1_000,
        }
    }
}

/// An excluded transfer the target sent or received: it carries no value into the exposure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExcludedContact {
    /// `received` when the target is the receiver, `sent` when it is the sender.
    pub direction: Direction,
    /// The other party (the target itself for a transfer to itself).
    pub counterparty: String,
    /// The transfer with its reasons.
    #[serde(flatten)]
    pub transfer: ExcludedTransfer,
}

/// A contributing path.
#[derive(Debug, Clone, Serialize)]
pub struct ExposurePath {
    /// Exposure this path contributes, whole units.
    pub amount: String,
    /// Hops.
    pub hops: u32,
    /// The attributed counterparty at the far end.
    pub counterparty: String,
    /// Steps in time order.
    pub steps: Vec<Step>,
}

/// Exposure to one category in one direction and asset.
#[derive(Debug, Clone, Serialize)]
pub struct ExposureEntry {
    /// Category.
    pub category: Category,
    /// Direction.
    pub direction: Direction,
    /// Asset.
    pub asset: String,
    /// Direct exposure (one hop), whole units.
    pub direct: String,
    /// Indirect exposure (2..=max_hops hops), whole units.
    pub indirect: String,
    /// Direct, base units.
    pub direct_base: String,
    /// Indirect, base units.
    pub indirect_base: String,
    /// Decimals of the asset (base units per whole unit = 10^decimals).
    pub decimals: u8,
    /// Fewest hops at which this category was met.
    pub min_hops: u32,
    /// Top contributing paths.
    pub paths: Vec<ExposurePath>,
}

/// An exposure report.
#[derive(Debug, Clone, Serialize)]
pub struct ExposureReport {
    /// The target.
    pub address: String,
    /// The propagation rule.
    pub rule: &'static str,
    /// Hop bound.
    pub max_hops: u32,
    /// Entries, largest first.
    pub entries: Vec<ExposureEntry>,
    /// Edges visited.
    pub edges_visited: usize,
    /// True when the visit budget ran out (amounts are then lower bounds).
    pub truncated: bool,
    /// Excluded transfers the target sent or received (in the directions asked), in time
    /// order: at most [`ExposureOptions::max_excluded`], impersonating tokens, look-alikes and
    /// failed transfers before plain zero-value ones.
    pub excluded: Vec<ExcludedContact>,
    /// How many excluded transfers the target has in those directions, listed or not.
    pub excluded_total: usize,
    /// The same count per reason (a transfer can have several).
    pub excluded_by_reason: BTreeMap<&'static str, usize>,
    /// The attribution of every labelled address the report names (target, path steps,
    /// counterparties), as the wallet screening words it.
    pub labels: BTreeMap<String, Label>,
    /// Remarks on how the answer was obtained (an older graph directory, for instance).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A recorded path: (exposure, steps as (transfer, share), far-end address).
type PathRec = (Amount, Vec<(u32, Amount)>, u32);

#[derive(Default)]
struct Acc {
    direct: Amount,
    indirect: Amount,
    min_hops: u32,
    paths: Vec<PathRec>,
}

struct Walk<'a> {
    store: &'a TxStore,
    labels: &'a dyn LabelSource,
    opts: &'a ExposureOptions,
    acc: FxHashMap<(Category, Direction, u32), Acc>,
    visited: usize,
    truncated: bool,
    cats: FxHashMap<u32, Option<Category>>,
}

/// Computes the exposure of `address`.
pub fn exposure(
    store: &TxStore,
    labels: &dyn LabelSource,
    address: &str,
    opts: &ExposureOptions,
) -> Result<ExposureReport, TraceError> {
    let x = store
        .address_id(address)
        .ok_or_else(|| TraceError::UnknownAddress(address.to_string()))?;
    let mut w = Walk {
        store,
        labels,
        opts,
        acc: FxHashMap::default(),
        visited: 0,
        truncated: false,
        cats: FxHashMap::default(),
    };
    let mut stack = Vec::new();
    for &dir in &opts.directions {
        let csr = match dir {
            Direction::Received => store.in_csr(),
            Direction::Sent => store.out_csr(),
        };
        for i in csr.range(x) {
            let e = csr.edge(i);
            stack.push((e.xfer, e.amount));
            w.step(dir, e.nbr, e.xfer, e.asset, e.amount, 1, &mut stack);
            stack.pop();
        }
    }
    let mut report = w.report(x);
    excluded_contacts(store, x, opts, &mut report);
    let named = labels_of(
        labels,
        std::iter::once(report.address.as_str())
            .chain(report.entries.iter().flat_map(|e| {
                e.paths.iter().flat_map(|p| {
                    std::iter::once(p.counterparty.as_str()).chain(
                        p.steps
                            .iter()
                            .flat_map(|s| [s.from.as_str(), s.to.as_str()]),
                    )
                })
            }))
            .chain(report.excluded.iter().map(|c| c.counterparty.as_str())),
    );
    report.labels = named;
    Ok(report)
}

/// Fills the report's excluded transfers of the target `x`.
fn excluded_contacts(store: &TxStore, x: u32, opts: &ExposureOptions, report: &mut ExposureReport) {
    let wants = |d: Direction| opts.directions.contains(&d);
    let mut adversarial = Vec::new();
    let mut zero_only = Vec::new();
    for id in store.excluded_of(x) {
        let t = store.transfer(id);
        let direction = if t.from == x && wants(Direction::Sent) {
            Direction::Sent
        } else if t.to == x && wants(Direction::Received) {
            Direction::Received
        } else {
            continue;
        };
        report.excluded_total += 1;
        for reason in t.exclusion.names() {
            *report.excluded_by_reason.entry(reason).or_default() += 1;
        }
        // Contract calls move nothing and are many; the adversarial rows come first.
        if t.exclusion == Exclusion::ZERO_VALUE {
            zero_only.push((id, direction));
        } else {
            adversarial.push((id, direction));
        }
    }
    let mut listed: Vec<(u32, Direction)> = adversarial;
    listed.extend(zero_only);
    listed.truncate(opts.max_excluded);
    listed.sort_unstable_by_key(|&(id, _)| id);
    report.excluded = listed
        .into_iter()
        .map(|(id, direction)| {
            let t = store.transfer(id);
            let other = if direction == Direction::Sent {
                t.to
            } else {
                t.from
            };
            ExcludedContact {
                direction,
                counterparty: store.address(other).to_string(),
                transfer: ExcludedTransfer::new(store, id),
            }
        })
        .collect();
    if !store.has_exclusion_index() {
        report.notes.push(format!(
            "this graph directory was written before excluded transfers were indexed by address: \
             they were found by scanning all {} excluded transfers; re-run `cordon tx ingest` to index them",
            store.excluded().count()
        ));
    }
}

impl Walk<'_> {
    fn cat(&mut self, id: u32) -> Option<Category> {
        if let Some(c) = self.cats.get(&id) {
            return *c;
        }
        let c = self
            .labels
            .label(self.store.address(id))
            .map(|l| l.category);
        self.cats.insert(id, c);
        c
    }

    #[allow(clippy::too_many_arguments)]
    fn step(
        &mut self,
        dir: Direction,
        u: u32,
        xfer: u32,
        asset: u32,
        tau: Amount,
        depth: u32,
        stack: &mut Vec<(u32, Amount)>,
    ) {
        match self.cat(u) {
            Some(c) if c.is_risk() => {
                let a = self.acc.entry((c, dir, asset)).or_insert_with(|| Acc {
                    min_hops: u32::MAX,
                    ..Acc::default()
                });
                if depth == 1 {
                    a.direct += tau;
                } else {
                    a.indirect += tau;
                }
                a.min_hops = a.min_hops.min(depth);
                let k = self.opts.top_paths;
                if k > 0 && (a.paths.len() < k || a.paths.iter().any(|p| p.0 < tau)) {
                    a.paths.push((tau, stack.clone(), u));
                    a.paths.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)));
                    a.paths.truncate(k);
                }
                return;
            }
            // Swap venues and token contracts end a path without counting: value changes
            // asset there, which exposure does not follow.
            Some(Category::Dex | Category::Token | Category::Poisoning) => return,
            _ => {}
        }
        if depth >= self.opts.max_hops {
            return;
        }
        let (csr, range) = match dir {
            Direction::Received => {
                let c = self.store.in_csr();
                (c, c.range(u).start..c.lower_bound(u, xfer))
            }
            Direction::Sent => {
                let c = self.store.out_csr();
                (c, c.lower_bound(u, xfer.saturating_add(1))..c.range(u).end)
            }
        };
        // Only the columns the share needs are read (not the times: the transfer id orders):
        // on a graph larger than the page cache each column is a page touched per edge.
        let mut total: Amount = 0;
        for i in range.clone() {
            if csr.asset(i) == asset {
                total = total.saturating_add(csr.amount(i));
            }
        }
        self.visited += range.len();
        if total == 0 {
            return;
        }
        for i in range {
            if self.visited >= self.opts.budget {
                self.truncated = true;
                return;
            }
            if csr.asset(i) != asset {
                continue;
            }
            let t = mul_div(tau, csr.amount(i), total);
            if t == 0 {
                continue;
            }
            self.visited += 1;
            let xfer = csr.xfer(i);
            stack.push((xfer, t));
            self.step(dir, csr.nbr(i), xfer, asset, t, depth + 1, stack);
            stack.pop();
        }
    }

    fn report(self, x: u32) -> ExposureReport {
        let store = self.store;
        let mut entries: Vec<(Amount, ExposureEntry)> = self
            .acc
            .into_iter()
            .map(|((category, direction, asset), a)| {
                let info = store.asset(asset);
                let d = info.map_or(18, |i| i.decimals);
                let paths = a
                    .paths
                    .iter()
                    .map(|(amt, st, cp)| {
                        let mut steps: Vec<Step> = st
                            .iter()
                            .map(|&(xf, t)| make_step(store, xf, t, "haircut".into()))
                            .collect();
                        if direction == Direction::Received {
                            steps.reverse();
                        }
                        ExposurePath {
                            amount: cordon_tx::format_amount(*amt, d),
                            hops: st.len() as u32,
                            counterparty: store.address(*cp).to_string(),
                            steps,
                        }
                    })
                    .collect();
                (
                    a.direct + a.indirect,
                    ExposureEntry {
                        category,
                        direction,
                        asset: info.map_or_else(String::new, |i| i.label()),
                        direct: cordon_tx::format_amount(a.direct, d),
                        indirect: cordon_tx::format_amount(a.indirect, d),
                        direct_base: a.direct.to_string(),
                        indirect_base: a.indirect.to_string(),
                        decimals: d,
                        min_hops: a.min_hops,
                        paths,
                    },
                )
            })
            .collect();
        entries.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.category.cmp(&b.1.category))
                .then(a.1.direction.cmp(&b.1.direction))
                .then(a.1.asset.cmp(&b.1.asset))
        });
        ExposureReport {
            address: store.address(x).to_string(),
            rule: "haircut",
            max_hops: self.opts.max_hops,
            entries: entries.into_iter().map(|(_, e)| e).collect(),
            edges_visited: self.visited,
            truncated: self.truncated,
            excluded: Vec::new(),
            excluded_total: 0,
            excluded_by_reason: BTreeMap::new(),
            labels: BTreeMap::new(),
            notes: Vec::new(),
        }
    }
}

//! The query surface shared by the CLI and the HTTP service: open a graph directory with its
//! labels ([`Graph::open`]), answer an [`ExposureQuery`] or a [`TraceQuery`], and get one
//! serde-serialisable report ([`ExposureReport`], [`TraceReport`]) or DOT. `cordon exposure
//! --json` and `GET /exposure/{address}` print the same value because both call this.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cordon_tx::{TokenRegistry, TxStore, UtxoStore};
use serde::{Deserialize, Serialize};

use crate::TraceError;
use crate::exposure::{Direction, ExposureOptions, ExposureReport, exposure};
use crate::labels::{Category, Label, Labels, labels_of};
use crate::patterns::{Pattern, PatternOptions, detect};
use crate::render::{main_path, to_dot};
use crate::rules::AccountRule;
use crate::trace::{IntervalSink, TraceOptions, TraceResult, trace_interval};
use crate::utxo::{UtxoTraceResult, trace_utxo};

/// The UTXO transactions of a graph directory (`cordon tx ingest --utxo`), in the
/// row-per-input/output CSV layout of [`UtxoStore::from_csv`].
pub const UTXO_FILE: &str = "utxo.csv";

/// Edges kept in a DOT picture (largest first): more is unreadable.
pub const DOT_MAX_EDGES: usize = 500;

/// Parameters of an exposure question. Deserialises from a query string or JSON with every
/// field optional (`direction=both&max_hops=5&top=3`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExposureQuery {
    /// `received` (`in`), `sent` (`out`) or `both`.
    pub direction: String,
    /// Hop bound (1 = direct only).
    pub max_hops: u32,
    /// Paths shown per category.
    pub top: usize,
}

impl Default for ExposureQuery {
    fn default() -> Self {
        ExposureQuery {
            direction: "both".into(),
            max_hops: 5,
            top: 3,
        }
    }
}

impl ExposureQuery {
    /// The directions this query asks for.
    pub fn directions(&self) -> Result<Vec<Direction>, TraceError> {
        Ok(match self.direction.to_ascii_lowercase().as_str() {
            "received" | "in" => vec![Direction::Received],
            "sent" | "out" => vec![Direction::Sent],
            "both" | "" => vec![Direction::Received, Direction::Sent],
            other => {
                return Err(TraceError::BadQuery(format!(
                    "direction {other:?}: use received, sent or both"
                )));
            }
        })
    }
}

/// Parameters of a forward trace (`{"from": ADDRESS, "asset": .., "rule": .., "max_hops": ..}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TraceQuery {
    /// The theft address whose outflows are stolen value.
    pub from: String,
    /// Only seed this asset (symbol or contract) at the source.
    pub asset: Option<String>,
    /// Taint rule: fifo, lifo, haircut (pro-rata), poison, libr, tfo.
    pub rule: String,
    /// Stop following beyond this many hops.
    pub max_hops: u32,
    /// Contributing paths per sink: the main one plus up to this many minus one more
    /// (1..=100).
    pub paths_per_sink: usize,
}

impl Default for TraceQuery {
    fn default() -> Self {
        TraceQuery {
            from: String::new(),
            asset: None,
            rule: "haircut".into(),
            max_hops: 32,
            paths_per_sink: 1,
        }
    }
}

/// What `cordon trace --json` and `POST /trace` return.
#[derive(Debug, Clone, Serialize)]
pub struct TraceReport {
    /// The trace under the chosen rule.
    pub trace: TraceResult,
    /// Per sink, `[LIBR, TFO]` with the point value.
    pub intervals: Vec<IntervalSink>,
    /// The analyst's main path: the largest tainted recipient at each hop.
    pub main_path: Vec<String>,
    /// Laundering shapes among the accounts that passed taint on: peel chains, fan-out /
    /// fan-in, fixed-denomination (mixer pool) transfers.
    pub patterns: Vec<Pattern>,
    /// The attribution of every labelled address the report names (the source, sinks, every
    /// step of every path, excluded transfers, patterns), as the wallet screening words it:
    /// what lets a picture of the trace name the addresses between the source and the sinks.
    pub labels: BTreeMap<String, Label>,
}

impl TraceReport {
    /// The interval of a sink of [`TraceReport::trace`].
    pub fn interval_of(&self, sink: &crate::Sink) -> Option<&IntervalSink> {
        self.intervals
            .iter()
            .find(|x| x.address == sink.address && x.kind == sink.kind && x.asset == sink.asset)
    }
}

/// A transaction graph directory opened for queries: the memory-mapped store and the labels
/// stored with it (`labels/`) plus any given at open time.
#[derive(Debug)]
pub struct Graph {
    dir: PathBuf,
    store: TxStore,
    utxo: Option<UtxoStore>,
    labels: Labels,
}

impl Graph {
    /// Opens the graph `cordon tx ingest` wrote in `dir`, with the label files in `dir/labels/`
    /// and then `extra_labels` (CSV, TagPack YAML, or directories of them; later files win).
    pub fn open(dir: &Path, extra_labels: &[PathBuf]) -> Result<Graph, TraceError> {
        let store = TxStore::open(dir).map_err(|e| TraceError::NoGraph {
            dir: dir.to_owned(),
            cause: e,
        })?;
        let mut labels = Labels::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("labels"))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        for f in files.iter().chain(extra_labels) {
            add_label_file(&mut labels, f, None)?;
        }
        let upath = dir.join(UTXO_FILE);
        let utxo = if upath.is_file() {
            Some(UtxoStore::from_csv(&upath)?)
        } else {
            None
        };
        Ok(Graph {
            dir: dir.to_owned(),
            store,
            utxo,
            labels,
        })
    }

    /// Wraps an already built store (tests, generated graphs).
    pub fn from_parts(dir: PathBuf, store: TxStore, labels: Labels) -> Graph {
        Graph {
            dir,
            store,
            utxo: None,
            labels,
        }
    }

    /// The UTXO transactions, when the directory has them.
    pub fn utxo(&self) -> Option<&UtxoStore> {
        self.utxo.as_ref()
    }

    /// True when `from` names a UTXO transaction of this graph (a UTXO trace seed) rather
    /// than an account.
    pub fn is_utxo_seed(&self, from: &str) -> bool {
        self.utxo
            .as_ref()
            .is_some_and(|u| u.position(from).is_some())
            && self.store.address_id(from).is_none()
    }

    /// Forward UTXO trace from the outputs of transaction `q.from` under `q.rule` (poison,
    /// haircut, fifo, lifo, tiho, seniority); `asset` and `max_hops` do not apply.
    pub fn trace_utxo(&self, q: &TraceQuery) -> Result<UtxoTraceResult, TraceError> {
        let rule: crate::UtxoRule = q
            .rule
            .parse()
            .map_err(|e| TraceError::BadQuery(format!("{e}")))?;
        let utxo = self.utxo.as_ref().ok_or_else(|| {
            TraceError::BadQuery(format!(
                "{} holds no UTXO transactions (ingest them with `cordon tx ingest --utxo FILE`)",
                self.dir.display()
            ))
        })?;
        trace_utxo(utxo, &self.labels, &q.from, rule)
            .ok_or_else(|| TraceError::UnknownAddress(q.from.clone()))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The transfer store.
    pub fn store(&self) -> &TxStore {
        &self.store
    }

    /// The labels.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// Exposure of `address`.
    pub fn exposure(&self, address: &str, q: &ExposureQuery) -> Result<ExposureReport, TraceError> {
        exposure(
            &self.store,
            &self.labels,
            address,
            &ExposureOptions {
                max_hops: q.max_hops,
                top_paths: q.top,
                directions: q.directions()?,
                ..ExposureOptions::default()
            },
        )
    }

    /// Forward trace with `[LIBR, TFO]` intervals and the main path.
    pub fn trace(&self, q: &TraceQuery) -> Result<TraceReport, TraceError> {
        let rule: AccountRule = q
            .rule
            .parse()
            .map_err(|e| TraceError::BadQuery(format!("{e}")))?;
        let assets = match &q.asset {
            None => None,
            Some(name) => {
                let ids = self.store.find_assets(name);
                if ids.is_empty() {
                    return Err(TraceError::BadQuery(format!(
                        "asset {name:?}: no such asset in the graph"
                    )));
                }
                Some(ids)
            }
        };
        if !(1..=100).contains(&q.paths_per_sink) {
            return Err(TraceError::BadQuery(format!(
                "paths_per_sink (--paths) {} is out of range: give 1 to 100",
                q.paths_per_sink
            )));
        }
        let opts = TraceOptions {
            rule,
            assets,
            max_hops: q.max_hops,
            paths_per_sink: q.paths_per_sink,
            ..TraceOptions::default()
        };
        let iv = trace_interval(&self.store, &self.labels, &q.from, &opts)?;
        let main_path = main_path(&self.store, &self.labels, &iv.point, q.max_hops as usize);
        let mut senders: Vec<u32> = iv
            .point
            .flows
            .iter()
            .map(|&(x, _)| self.store.transfer(x).from)
            .collect();
        senders.sort_unstable();
        senders.dedup();
        let patterns = detect(
            &self.store,
            &self.labels,
            &senders,
            &PatternOptions::default(),
        );
        let t = &iv.point;
        let labels = labels_of(
            &self.labels,
            std::iter::once(t.source.as_str())
                .chain(t.sinks.iter().flat_map(|s| {
                    std::iter::once(s.address.as_str())
                        .chain(s.path.iter().flat_map(|p| [p.from.as_str(), p.to.as_str()]))
                }))
                .chain(main_path.iter().map(String::as_str))
                .chain(
                    t.excluded
                        .iter()
                        .flat_map(|x| [x.from.as_str(), x.to.as_str()]),
                )
                .chain(t.swap_inferences.iter().map(|i| i.account.as_str()))
                .chain(t.unexplained_funding.iter().map(|u| u.0.as_str()))
                .chain(patterns.iter().flat_map(Pattern::addresses)),
        );
        Ok(TraceReport {
            trace: iv.point,
            intervals: iv.intervals,
            main_path,
            patterns,
            labels,
        })
    }

    /// Graphviz DOT of a trace (the [`DOT_MAX_EDGES`] largest edges).
    pub fn dot(&self, r: &TraceReport) -> String {
        to_dot(&self.store, &self.labels, &r.trace, DOT_MAX_EDGES)
    }
}

/// Adds a label file to `labels`: a CSV (see [`Labels::load_csv`]; token rows feed `registry`
/// when given), a GraphSense TagPack (`.yaml`/`.yml`, parsed by `cordon-wallets`) or a
/// directory of either. Files of other types are skipped. Returns how many labels were read.
pub fn add_label_file(
    labels: &mut Labels,
    path: &Path,
    mut registry: Option<&mut TokenRegistry>,
) -> Result<usize, TraceError> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| TraceError::Labels(format!("{}: {e}", path.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let mut n = 0;
        for f in files {
            n += add_label_file(labels, &f, registry.as_deref_mut())?;
        }
        return Ok(n);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext == "yaml" || ext == "yml" {
        let mut diags = Vec::new();
        let pack = cordon_wallets::read_tagpack(path, &mut diags)
            .map_err(|e| TraceError::Labels(e.to_string()))?;
        for tag in &pack.tags {
            labels.insert(&tag.address, tagpack_label(tag, &pack));
        }
        Ok(pack.tags.len())
    } else if ext == "csv" {
        labels.load_csv(path, registry)
    } else {
        Ok(0)
    }
}

fn tagpack_label(tag: &cordon_wallets::Tag, pack: &cordon_wallets::TagPack) -> Label {
    use cordon_wallets::Category as W;
    // The most severe category a tag carries decides how tracing treats the address.
    let rank = |c: &W| match c {
        W::DprkAttributed => 0,
        W::Sanctioned => 1,
        W::Theft => 2,
        W::Mixer => 3,
        W::Bridge => 4,
        W::Exchange => 5,
        _ => 6,
    };
    let category = match tag.categories.iter().min_by_key(|c| rank(c)) {
        Some(W::DprkAttributed) => Category::Dprk,
        Some(W::Sanctioned) => Category::Sanctioned,
        Some(W::Theft) => Category::Theft,
        Some(W::Mixer) => Category::Mixer,
        Some(W::Bridge) => Category::Bridge,
        Some(W::Exchange) => Category::Exchange,
        _ => Category::Other,
    };
    Label {
        category,
        name: tag
            .label
            .clone()
            .or_else(|| pack.title.clone())
            .unwrap_or_default(),
        source: tag
            .source
            .clone()
            .unwrap_or_else(|| pack.path.display().to_string()),
        confidence: tag.confidence.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_query_directions() {
        let q = |d: &str| ExposureQuery {
            direction: d.into(),
            ..ExposureQuery::default()
        };
        assert_eq!(q("in").directions().unwrap(), vec![Direction::Received]);
        assert_eq!(q("SENT").directions().unwrap(), vec![Direction::Sent]);
        assert_eq!(q("both").directions().unwrap().len(), 2);
        let e = q("sideways").directions().unwrap_err();
        assert_eq!(e.code(), "trace.bad_query");
    }

    #[test]
    fn queries_deserialise_with_defaults() {
        let t: TraceQuery = serde_json::from_str(r#"{"from":"0xab"}"#).unwrap();
        assert_eq!(t.rule, "haircut");
        assert_eq!(t.max_hops, 32);
        assert!(serde_json::from_str::<TraceQuery>(r#"{"form":"0xab"}"#).is_err());
        let e: ExposureQuery = serde_json::from_str(r#"{"max_hops":2}"#).unwrap();
        assert_eq!((e.direction.as_str(), e.max_hops, e.top), ("both", 2, 3));
    }
}

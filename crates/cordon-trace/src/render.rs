//! Rendering: Graphviz DOT of a trace, and the analyst's "follow the biggest" main path.

use std::fmt::Write;

use cordon_tx::{Amount, TxStore, format_amount};
use rustc_hash::FxHashMap;

use crate::labels::LabelSource;
use crate::trace::{TraceResult, peg_group};

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn short(a: &str) -> String {
    if a.len() > 14 {
        format!("{}…{}", &a[..8], &a[a.len() - 4..])
    } else {
        a.to_string()
    }
}

/// Graphviz DOT: one node per address that carried taint, one edge per (from, to, asset) with
/// the tainted total; sinks are coloured by kind. `max_edges` keeps the picture readable
/// (largest edges first).
pub fn to_dot(
    store: &TxStore,
    labels: &dyn LabelSource,
    r: &TraceResult,
    max_edges: usize,
) -> String {
    let mut agg: FxHashMap<(u32, u32, u32), Amount> = FxHashMap::default();
    for &(x, t) in &r.flows {
        let tr = store.transfer(x);
        *agg.entry((tr.from, tr.to, tr.asset)).or_default() += t;
    }
    let mut edges: Vec<_> = agg.into_iter().collect();
    edges.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    edges.truncate(max_edges);
    let mut nodes: Vec<u32> = edges.iter().flat_map(|((f, t, _), _)| [*f, *t]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let sink_kind: FxHashMap<&str, &str> = r
        .sinks
        .iter()
        .map(|s| {
            (
                s.address.as_str(),
                match s.kind {
                    crate::SinkKind::Exchange => "gold",
                    crate::SinkKind::Bridge => "orange",
                    crate::SinkKind::Mixer => "red",
                    crate::SinkKind::Held => "lightblue",
                    crate::SinkKind::HopLimit => "grey",
                    crate::SinkKind::SwapUnreconciled => "violet",
                },
            )
        })
        .collect();
    let mut out = String::from(
        "digraph trace {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n",
    );
    for n in nodes {
        let a = store.address(n);
        let label = labels.label(a).map_or(String::new(), |l| {
            format!(
                "\\n{}: {}",
                l.category,
                esc(&l.name.chars().take(40).collect::<String>())
            )
        });
        let color = if a == r.source {
            "tomato"
        } else {
            sink_kind.get(a).copied().unwrap_or("white")
        };
        let _ = writeln!(
            out,
            "  \"{a}\" [label=\"{}{label}\", style=filled, fillcolor={color}];",
            short(a)
        );
    }
    for ((f, t, asset), taint) in edges {
        let info = store.asset(asset);
        let d = info.map_or(18, |i| i.decimals);
        let sym = info.map_or("", |i| i.symbol.as_str());
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{} {}\"];",
            store.address(f),
            store.address(t),
            format_amount(taint, d),
            esc(sym)
        );
    }
    out.push_str("}\n");
    out
}

/// The "follow the biggest" path an analyst draws by hand: from the source, repeatedly go to
/// the recipient that received the most taint from the current address (amounts of one peg
/// group added up), ties broken by the earliest transfer, then by address; stop at a service
/// or after `max_hops`. Deterministic by construction.
pub fn main_path(
    store: &TxStore,
    labels: &dyn LabelSource,
    r: &TraceResult,
    max_hops: usize,
) -> Vec<String> {
    let Some(src) = store.address_id(&r.source) else {
        return Vec::new();
    };
    // Recipients of `sender`: (recipient, taint by group, first time, first id). Read from the
    // sender's own edges, so the cost does not grow with the size of the trace.
    let out = store.out_csr();
    let recipients = |sender: u32| -> Vec<(u32, Amount, i64, u32)> {
        let mut acc: Vec<(u32, Amount, i64, u32)> = Vec::new();
        for i in out.range(sender) {
            let e = out.edge(i);
            let t = r.taint_of(e.xfer);
            let grouped = store
                .asset(e.asset)
                .and_then(|a| peg_group(&a.symbol))
                .is_some();
            if t == 0 || !grouped {
                continue;
            }
            match acc.iter_mut().find(|c| c.0 == e.nbr) {
                // Edges come in id order, so the first seen is the earliest.
                Some(c) => c.1 += t,
                None => acc.push((e.nbr, t, e.time, e.xfer)),
            }
        }
        acc
    };
    let mut path = vec![r.source.clone()];
    let mut cur = src;
    let mut seen = vec![src];
    for _ in 0..max_hops {
        let next = recipients(cur)
            .into_iter()
            .filter(|c| {
                !seen.contains(&c.0)
                    && labels
                        .label(store.address(c.0))
                        .is_none_or(|l| l.category != crate::Category::Dex)
            })
            .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(b.3.cmp(&a.3)));
        let Some((n, ..)) = next else { break };
        path.push(store.address(n).to_string());
        seen.push(n);
        if labels
            .label(store.address(n))
            .is_some_and(|l| l.category.is_service())
        {
            break;
        }
        cur = n;
    }
    path
}

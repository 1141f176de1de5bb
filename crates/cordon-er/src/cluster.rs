//! Clustering: connected components over links above a threshold, optionally refusing to chain
//! clusters together through weak links; each cluster keeps the links (and so the reasons)
//! that formed it, and the links that were held back.

use serde::Serialize;

use crate::data::{Dataset, RecordIx};
use crate::explain::Reason;
use crate::link::Link;

/// Disjoint sets with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The representative of `x`'s set (`x` itself when out of range).
    pub fn find(&mut self, mut x: u32) -> u32 {
        while let Some(&p) = self.parent.get(x as usize) {
            if p == x {
                break;
            }
            let gp = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x as usize) {
                *slot = gp;
            }
            x = gp;
        }
        x
    }

    /// Size of `x`'s set.
    pub fn set_size(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size.get(r as usize).copied().unwrap_or(1)
    }

    /// Joins the sets of `a` and `b`; false when they were already one.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb || ra as usize >= self.parent.len() || rb as usize >= self.parent.len() {
            return false;
        }
        let (sa, sb) = (
            self.size.get(ra as usize).copied().unwrap_or(1),
            self.size.get(rb as usize).copied().unwrap_or(1),
        );
        let (big, small) = if sa >= sb { (ra, rb) } else { (rb, ra) };
        if let Some(p) = self.parent.get_mut(small as usize) {
            *p = big;
        }
        if let Some(s) = self.size.get_mut(big as usize) {
            *s = sa + sb;
        }
        true
    }
}

/// Clustering parameters.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ClusterConfig {
    /// Links below this weight are ignored.
    pub threshold: f64,
    /// When set, links below this weight ("weak") may attach a lone record to a cluster but
    /// never join two clusters of two or more records: a chain of weak links cannot fuse
    /// unrelated groups. Links are taken strongest first.
    pub strong: Option<f64>,
}

/// A cluster of two or more records.
#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    /// Cluster id (0-based, ordered by smallest member).
    pub id: u32,
    /// Members, ascending.
    pub members: Vec<RecordIx>,
    /// Indices (into the links given to [`cluster`]) of the links that joined it, and of the
    /// other links inside it above the threshold.
    pub links: Vec<usize>,
    /// Indices of the links that are bridges (removing one splits the cluster): the likeliest
    /// false links, for review.
    pub bridges: Vec<usize>,
    /// Links inside / possible pairs.
    pub density: f64,
    /// Highest link weight inside.
    pub max_weight: f64,
}

/// The result of [`cluster`].
#[derive(Debug, Clone, Serialize)]
pub struct Clustering {
    /// Per record, its cluster label (clusters first, then one label per unlinked record).
    pub labels: Vec<u32>,
    /// Clusters of two or more records.
    pub clusters: Vec<Cluster>,
    /// Links above the threshold that were not used because they would have chained two
    /// clusters through a weak link.
    pub held: Vec<usize>,
}

/// Clusters `n` records by `links`. Deterministic: links are taken by decreasing weight, ties
/// by (a, b).
pub fn cluster(n: usize, links: &[Link], cfg: &ClusterConfig) -> Clustering {
    let mut order: Vec<usize> = (0..links.len())
        .filter(|&i| links.get(i).is_some_and(|l| l.weight >= cfg.threshold))
        .collect();
    order.sort_by(|&x, &y| {
        let (lx, ly) = (&links[x], &links[y]);
        ly.weight
            .total_cmp(&lx.weight)
            .then((lx.a, lx.b).cmp(&(ly.a, ly.b)))
    });
    let mut uf = UnionFind::new(n);
    let mut held = Vec::new();
    let mut used = Vec::new();
    for &i in &order {
        let Some(l) = links.get(i) else { continue };
        if l.a as usize >= n || l.b as usize >= n {
            continue;
        }
        let weak = cfg.strong.is_some_and(|s| l.weight < s);
        if weak && uf.find(l.a) != uf.find(l.b) && uf.set_size(l.a) > 1 && uf.set_size(l.b) > 1 {
            held.push(i);
            continue;
        }
        uf.union(l.a, l.b);
        used.push(i);
    }
    // Label clusters by smallest member, deterministic.
    let mut root_label: Vec<u32> = vec![u32::MAX; n];
    let mut members: Vec<Vec<RecordIx>> = Vec::new();
    let mut labels = vec![u32::MAX; n];
    for r in 0..n as u32 {
        let root = uf.find(r);
        if uf.set_size(root) < 2 {
            continue;
        }
        let Some(slot) = root_label.get_mut(root as usize) else {
            continue;
        };
        if *slot == u32::MAX {
            *slot = members.len() as u32;
            members.push(Vec::new());
        }
        if let Some(m) = members.get_mut(*slot as usize) {
            m.push(r);
        }
        if let Some(l) = labels.get_mut(r as usize) {
            *l = *slot;
        }
    }
    let mut next = members.len() as u32;
    for l in &mut labels {
        if *l == u32::MAX {
            *l = next;
            next += 1;
        }
    }
    let mut cluster_links: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    let mut used_sorted = used.clone();
    used_sorted.sort_unstable();
    for &i in &order {
        let Some(l) = links.get(i) else { continue };
        let (la, lb) = (
            labels.get(l.a as usize).copied(),
            labels.get(l.b as usize).copied(),
        );
        if la == lb
            && let Some(c) = la.and_then(|c| cluster_links.get_mut(c as usize))
        {
            c.push(i);
        }
    }
    let clusters = members
        .into_iter()
        .zip(cluster_links)
        .enumerate()
        .map(|(id, (m, mut ls))| {
            ls.sort_unstable();
            let k = m.len() as f64;
            let max_weight = ls
                .iter()
                .filter_map(|&i| links.get(i))
                .map(|l| l.weight)
                .fold(f64::NEG_INFINITY, f64::max);
            Cluster {
                id: id as u32,
                bridges: bridges(&m, &ls, links),
                density: ls.len() as f64 / (k * (k - 1.0) / 2.0),
                max_weight,
                members: m,
                links: ls,
            }
        })
        .collect();
    Clustering {
        labels,
        clusters,
        held,
    }
}

/// One piece of a cluster's collective evidence: the strongest shared identifier of a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupEvidence {
    /// Identifier group (`place`, `payout_account`, ...).
    pub group: String,
    /// The kind of the strongest shared value in that group.
    pub kind: String,
    /// The value (empty for near-duplicates).
    pub value: String,
    /// Its weight (after context discounts).
    pub weight: f64,
}

/// The collective evidence of a cluster: per identifier group, the strongest value shared
/// inside it by a link of weight at least `min_link` (counted once however many links share
/// it), strongest first. Its sum is the cluster's evidence score: a team sharing a payout
/// account, laptops and a résumé template adds up even when no single pair shares more than
/// one of them. `min_link` keeps weak links (a popular résumé template, one shared place) from
/// adding unrelated relationships together.
pub fn cluster_evidence(
    ds: &Dataset,
    c: &Cluster,
    links: &[Link],
    min_link: f64,
) -> Vec<GroupEvidence> {
    let mut best: Vec<GroupEvidence> = Vec::new();
    for l in c
        .links
        .iter()
        .filter_map(|&i| links.get(i))
        .filter(|l| l.weight >= min_link)
    {
        for r in &l.reasons {
            let (kind, value, weight) = match r {
                Reason::SharedIdentifier {
                    kind,
                    value,
                    weight,
                    ..
                } => (kind, value.as_str(), *weight),
                Reason::NearIdentifier { kind, weight, .. } => (kind, "", *weight),
                _ => continue,
            };
            if weight <= 0.0 {
                continue;
            }
            let group = ds
                .key_kinds()
                .iter()
                .find(|k| &k.name == kind)
                .map_or(kind.as_str(), |k| k.group.as_str());
            match best.iter_mut().find(|g| g.group == group) {
                Some(g) if g.weight >= weight => {}
                Some(g) => {
                    g.kind = kind.clone();
                    g.value = value.to_owned();
                    g.weight = weight;
                }
                None => best.push(GroupEvidence {
                    group: group.to_owned(),
                    kind: kind.clone(),
                    value: value.to_owned(),
                    weight,
                }),
            }
        }
    }
    best.sort_by(|x, y| y.weight.total_cmp(&x.weight).then(x.group.cmp(&y.group)));
    best
}

/// Bridges of the graph `(members, links)` by an iterative low-link DFS.
fn bridges(members: &[RecordIx], ls: &[usize], links: &[Link]) -> Vec<usize> {
    let pos = |r: RecordIx| members.binary_search(&r).ok();
    let k = members.len();
    let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); k];
    for &i in ls {
        let Some(l) = links.get(i) else { continue };
        if let (Some(x), Some(y)) = (pos(l.a), pos(l.b)) {
            if let Some(v) = adj.get_mut(x) {
                v.push((y, i));
            }
            if let Some(v) = adj.get_mut(y) {
                v.push((x, i));
            }
        }
    }
    let mut disc = vec![usize::MAX; k];
    let mut low = vec![0usize; k];
    let mut out = Vec::new();
    let mut time = 0;
    for start in 0..k {
        if disc.get(start) != Some(&usize::MAX) {
            continue;
        }
        // (node, link index used to reach it, next neighbour position)
        let mut stack: Vec<(usize, usize, usize)> = vec![(start, usize::MAX, 0)];
        disc[start] = time;
        low[start] = time;
        time += 1;
        while let Some(&mut (v, via, ref mut next)) = stack.last_mut() {
            if let Some(&(w, li)) = adj.get(v).and_then(|a| a.get(*next)) {
                *next += 1;
                if li == via {
                    continue;
                }
                if disc[w] == usize::MAX {
                    disc[w] = time;
                    low[w] = time;
                    time += 1;
                    stack.push((w, li, 0));
                } else {
                    low[v] = low[v].min(disc[w]);
                }
            } else {
                stack.pop();
                if let Some(&(p, _, _)) = stack.last() {
                    low[p] = low[p].min(low[v]);
                    if low[v] > disc[p] {
                        out.push(via);
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(a: u32, b: u32, w: f64) -> Link {
        Link {
            a,
            b,
            weight: w,
            probability: crate::link::probability(w),
            reasons: Vec::new(),
        }
    }

    #[test]
    fn components_and_bridges() {
        let links = [l(0, 1, 10.0), l(1, 2, 10.0), l(0, 2, 10.0), l(2, 3, 5.0)];
        let c = cluster(
            5,
            &links,
            &ClusterConfig {
                threshold: 4.0,
                strong: None,
            },
        );
        assert_eq!(c.clusters.len(), 1);
        assert_eq!(c.clusters[0].members, vec![0, 1, 2, 3]);
        assert_eq!(c.clusters[0].bridges, vec![3]);
        assert_eq!(c.labels[4], 1);
    }

    #[test]
    fn weak_links_do_not_chain_clusters() {
        let links = [l(0, 1, 10.0), l(2, 3, 10.0), l(1, 2, 4.0), l(3, 4, 4.0)];
        let cfg = ClusterConfig {
            threshold: 3.0,
            strong: Some(8.0),
        };
        let c = cluster(5, &links, &cfg);
        assert_eq!(c.held, vec![2]);
        assert_eq!(c.clusters.len(), 2);
        assert_eq!(
            c.clusters[1].members,
            vec![2, 3, 4],
            "a lone record may attach"
        );
    }
}

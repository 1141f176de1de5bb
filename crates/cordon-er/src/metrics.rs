//! Evaluation against ground truth: pairwise precision/recall/F1 over the pairs inside clusters,
//! and B-cubed.

use rustc_hash::FxHashMap;
use serde::Serialize;

/// Pairwise counts and scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairMetrics {
    /// Predicted pairs that are true.
    pub true_positives: u64,
    /// Predicted pairs.
    pub predicted: u64,
    /// True pairs.
    pub actual: u64,
    /// TP / predicted.
    pub precision: f64,
    /// TP / actual.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
}

/// B-cubed scores (averaged per record).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BCubed {
    /// Mean per-record precision.
    pub precision: f64,
    /// Mean per-record recall.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Sizes of predicted clusters, true clusters and their intersections.
type Sizes = FxHashMap<u32, u64>;

fn contingency(pred: &[u32], truth: &[u32]) -> (Sizes, Sizes, FxHashMap<(u32, u32), u64>) {
    let mut p: FxHashMap<u32, u64> = FxHashMap::default();
    let mut t: FxHashMap<u32, u64> = FxHashMap::default();
    let mut both: FxHashMap<(u32, u32), u64> = FxHashMap::default();
    for (&a, &b) in pred.iter().zip(truth) {
        *p.entry(a).or_insert(0) += 1;
        *t.entry(b).or_insert(0) += 1;
        *both.entry((a, b)).or_insert(0) += 1;
    }
    (p, t, both)
}

/// Pairwise metrics of a predicted labelling against the true one (one label per record; equal
/// labels = same cluster). Records beyond the shorter slice are ignored.
pub fn pairwise(pred: &[u32], truth: &[u32]) -> PairMetrics {
    let (p, t, both) = contingency(pred, truth);
    let tp: u64 = both.values().map(|&n| pairs(n)).sum();
    let predicted: u64 = p.values().map(|&n| pairs(n)).sum();
    let actual: u64 = t.values().map(|&n| pairs(n)).sum();
    let precision = if predicted == 0 {
        1.0
    } else {
        tp as f64 / predicted as f64
    };
    let recall = if actual == 0 {
        1.0
    } else {
        tp as f64 / actual as f64
    };
    PairMetrics {
        true_positives: tp,
        predicted,
        actual,
        precision,
        recall,
        f1: f1(precision, recall),
    }
}

/// B-cubed metrics of a predicted labelling against the true one.
pub fn bcubed(pred: &[u32], truth: &[u32]) -> BCubed {
    let (p, t, both) = contingency(pred, truth);
    let n = pred.len().min(truth.len());
    if n == 0 {
        return BCubed {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    // Each record in cell (a, b) has precision |cell|/|a| and recall |cell|/|b|; summing per
    // cell avoids a pass per record.
    let mut sp = 0.0;
    let mut sr = 0.0;
    for (&(a, b), &c) in &both {
        let c = c as f64;
        sp += c * c / p.get(&a).copied().unwrap_or(1) as f64;
        sr += c * c / t.get(&b).copied().unwrap_or(1) as f64;
    }
    let precision = sp / n as f64;
    let recall = sr / n as f64;
    BCubed {
        precision,
        recall,
        f1: f1(precision, recall),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_merged_predictions() {
        let truth = [0, 0, 1, 1, 2];
        let m = pairwise(&truth, &truth);
        assert_eq!((m.precision, m.recall), (1.0, 1.0));
        // Everything in one cluster: 10 predicted pairs, 2 true.
        let all = [9, 9, 9, 9, 9];
        let m = pairwise(&all, &truth);
        assert_eq!((m.true_positives, m.predicted, m.actual), (2, 10, 2));
        let b = bcubed(&all, &truth);
        assert!((b.recall - 1.0).abs() < 1e-12);
        // Per record precision: 2/5,2/5,2/5,2/5,1/5 -> mean 9/25.
        assert!((b.precision - 9.0 / 25.0).abs() < 1e-12);
    }

    #[test]
    fn singletons_have_perfect_bcubed_precision() {
        let truth = [0, 0, 1];
        let pred = [0, 1, 2];
        let b = bcubed(&pred, &truth);
        assert_eq!(b.precision, 1.0);
        assert!((b.recall - (0.5 + 0.5 + 1.0) / 3.0).abs() < 1e-12);
        assert_eq!(pairwise(&pred, &truth).recall, 0.0);
    }
}

//! Records suspect on their own evidence (outside linkage), and what that says about the
//! values they share.

/// Records that are suspect on their own evidence, outside linkage: an applicant whose own red
/// flags reach review level.
///
/// Whether a shared value is one operator's artifact (a laptop farm's network, a team's phone
/// line) or a place many people happen to share (an office network, an agency's phone) shows in
/// who holds it. An operator's accounts are suspect with probability `recall` (how well the
/// red flags catch them); other holders with probability `share` (the share of all holders that
/// are suspect). For a value `s` of whose `k` holders are suspect, the likelihood ratio of the
/// two readings is
///
/// ```text
/// log2 LR = s·log2(recall / share) + (k − s)·log2((1 − recall) / (1 − share))
/// ```
///
/// and a pair of suspects sharing the value gains `min(max_weight, max(0, log2 LR))` bits. Two
/// holders, both suspect, at a share of 4 % and a recall of 0.8: +8.4; a network 46 households
/// share, 13 of them suspect: nothing (an operator's network would be nearly all suspects).
///
/// Records of one household (one [`Suspects::with_units`] unit) are not independent — they share
/// a connection and habits, so their own red flags come together —: holders are counted in
/// units (a unit is suspect when one of its records is; `share` is over units), and two records
/// of one unit gain nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Suspects {
    flags: Vec<bool>,
    /// Per record: its unit (0 = a unit of its own).
    units: Vec<u32>,
    recall: f64,
    max_weight: f64,
    share: f64,
}

impl Suspects {
    /// `flags[r]` says whether record `r` (dataset order) is suspect; `recall` is the share of
    /// an operator's accounts that are suspect; a pair gains at most `max_weight` bits.
    pub fn new(flags: Vec<bool>, recall: f64, max_weight: f64) -> Self {
        let mut s = Suspects {
            flags,
            units: Vec::new(),
            recall: recall.clamp(0.0, 1.0),
            max_weight: max_weight.max(0.0),
            share: 0.0,
        };
        s.share = s.unit_share();
        s
    }

    /// Says which records belong together (a household: `units[r]`, 0 = on its own).
    #[must_use]
    pub fn with_units(mut self, units: Vec<u32>) -> Self {
        self.units = units;
        self.share = self.unit_share();
        self
    }

    /// Share of units with a suspect record.
    fn unit_share(&self) -> f64 {
        let (units, suspects) = self.count(0..self.flags.len() as u32, 0);
        suspects as f64 / units.max(1) as f64
    }

    fn unit(&self, rec: u32) -> u32 {
        self.units.get(rec as usize).copied().unwrap_or(0)
    }

    /// Share of units (households, or records on their own) that are suspect.
    pub fn share(&self) -> f64 {
        self.share
    }

    /// Whether a record is suspect.
    pub fn is_suspect(&self, rec: u32) -> bool {
        self.flags.get(rec as usize).copied().unwrap_or(false)
    }

    /// Whether two records belong to one unit.
    pub fn same_unit(&self, a: u32, b: u32) -> bool {
        let u = self.unit(a);
        u != 0 && u == self.unit(b)
    }

    /// (holders, suspects) of a value counted in units: `records` are its holders in the
    /// dataset; `holders` its holders in the population, when more (those beyond the dataset
    /// count one unit each, not suspect).
    pub(crate) fn count(
        &self,
        records: impl Iterator<Item = u32>,
        holders: usize,
    ) -> (usize, usize) {
        // (unit, or a record's own key; suspect)
        let mut seen: Vec<(u64, bool)> = records
            .map(|r| {
                let u = self.unit(r);
                let key = if u == 0 {
                    (1 << 32) | u64::from(r)
                } else {
                    u64::from(u)
                };
                (key, self.is_suspect(r))
            })
            .collect();
        let in_dataset = seen.len();
        seen.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        seen.dedup_by_key(|x| x.0);
        let suspects = seen.iter().filter(|x| x.1).count();
        (holders.saturating_sub(in_dataset) + seen.len(), suspects)
    }

    /// Bits a pair of suspects gains from sharing a value `suspects` of whose `holders` are
    /// suspect (see [`Suspects`]).
    pub fn weight(&self, holders: usize, suspects: usize) -> f64 {
        let (f, r) = (self.share, self.recall);
        if suspects < 2 || f <= 0.0 || f >= 1.0 || r <= f {
            return 0.0;
        }
        let others = holders.saturating_sub(suspects) as f64;
        let bits = suspects as f64 * (r / f).log2() + others * ((1.0 - r) / (1.0 - f)).log2();
        if bits.is_nan() {
            return 0.0;
        }
        bits.clamp(0.0, self.max_weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suspects(n: usize, suspect: usize) -> Suspects {
        let flags = (0..n).map(|i| i < suspect).collect();
        Suspects::new(flags, 0.8, 10.0)
    }

    #[test]
    fn a_household_counts_once() {
        // Records 0-2 one household, all suspect; 3 suspect on its own; 4 not suspect.
        let s = Suspects::new(vec![true, true, true, true, false], 0.8, 10.0)
            .with_units(vec![7, 7, 7, 0, 0]);
        assert_eq!(s.count([0, 1, 2].into_iter(), 3), (1, 1));
        assert_eq!(s.count([0, 1, 3, 4].into_iter(), 4), (3, 2));
        // Population holders beyond the dataset count one each.
        assert_eq!(s.count([0, 3].into_iter(), 10), (10, 2));
        assert!(s.same_unit(0, 2) && !s.same_unit(3, 4) && !s.same_unit(0, 3));
        // Three units, two of them suspect.
        assert!((s.share() - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn values_nearly_only_suspects_hold_weigh_and_scattered_ones_do_not() {
        let s = suspects(1000, 43);
        // Two holders, both suspect: 2·log2(0.8 / 0.043) ≈ 8.4.
        assert!((s.weight(2, 2) - 8.43).abs() < 0.01, "{}", s.weight(2, 2));
        assert_eq!(s.weight(3, 3), 10.0);
        assert!(s.weight(3, 2) > 5.0 && s.weight(3, 2) < 7.0);
        // An office network of 46 households with 13 suspects, an agency phone of 13 with 3.
        assert_eq!(s.weight(46, 13), 0.0);
        assert_eq!(s.weight(13, 3), 0.0);
        assert_eq!(s.weight(10, 1), 0.0);
        // Nothing suspect, or everything: nothing to tell apart.
        assert_eq!(suspects(5, 0).weight(2, 2), 0.0);
        assert_eq!(suspects(5, 5).weight(2, 2), 0.0);
    }
}

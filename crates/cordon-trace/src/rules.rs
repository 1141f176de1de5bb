//! Taint rules, exact in integer base units.
//!
//! UTXO rules map one transaction's input taints to output taints ([`utxo_taint`]); account
//! rules are per-(account, asset) lot ledgers ([`Ledger`]). Definitions follow
//! `tracing-anchors.md` §2: rounding is always down on a share and the remainder stays with the
//! sender (account) or goes to the fee (UTXO), so taint is conserved exactly.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use cordon_tx::{Amount, mul_div};
use serde::{Deserialize, Serialize};

/// A taint rule for UTXO transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UtxoRule {
    /// Any taint in makes every output fully tainted.
    Poison,
    /// Each output gets the inputs' taint share of its value.
    Haircut,
    /// Inputs and outputs laid on one line in order; taint keeps its position.
    Fifo,
    /// As FIFO with the inputs laid in reverse order.
    Lifo,
    /// Taint In, Highest Out: taint poured into the largest outputs first.
    Tiho,
    /// Tainted segments spent first, then FIFO.
    Seniority,
}

/// A taint rule for account chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRule {
    /// Oldest lots leave first (Clayton's Case).
    Fifo,
    /// Newest lots leave first.
    Lifo,
    /// Each outflow carries the balance's taint share (pro-rata).
    Haircut,
    /// After a tainted credit every outflow is fully tainted while the balance is positive.
    Poison,
    /// Lowest intermediate balance rule: clean money leaves first (lower bound).
    Libr,
    /// Taint-first-out: tainted money leaves first (upper bound).
    Tfo,
}

impl AccountRule {
    /// All account rules.
    pub const ALL: [AccountRule; 6] = [
        AccountRule::Fifo,
        AccountRule::Lifo,
        AccountRule::Haircut,
        AccountRule::Poison,
        AccountRule::Libr,
        AccountRule::Tfo,
    ];

    /// Stable name.
    pub fn name(self) -> &'static str {
        match self {
            AccountRule::Fifo => "fifo",
            AccountRule::Lifo => "lifo",
            AccountRule::Haircut => "haircut",
            AccountRule::Poison => "poison",
            AccountRule::Libr => "libr",
            AccountRule::Tfo => "tfo",
        }
    }
}

impl fmt::Display for AccountRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown rule name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown taint rule {0:?} (account: fifo, lifo, haircut, pro-rata, poison, libr, tfo; utxo: poison, haircut, fifo, lifo, tiho, seniority)"
)]
pub struct UnknownRule(pub String);

impl FromStr for AccountRule {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "fifo" => AccountRule::Fifo,
            "lifo" => AccountRule::Lifo,
            "haircut" | "pro-rata" | "prorata" | "pro_rata" => AccountRule::Haircut,
            "poison" => AccountRule::Poison,
            "libr" => AccountRule::Libr,
            "tfo" | "taint-first-out" => AccountRule::Tfo,
            _ => return Err(UnknownRule(s.into())),
        })
    }
}

impl FromStr for UtxoRule {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "poison" => UtxoRule::Poison,
            "haircut" | "pro-rata" => UtxoRule::Haircut,
            "fifo" => UtxoRule::Fifo,
            "lifo" => UtxoRule::Lifo,
            "tiho" => UtxoRule::Tiho,
            "seniority" => UtxoRule::Seniority,
            _ => return Err(UnknownRule(s.into())),
        })
    }
}

/// Tainted intervals `[start, end)` inside one coin's value, sorted and disjoint.
pub type Intervals = Vec<(Amount, Amount)>;

/// Total length of `iv`.
pub fn interval_len(iv: &[(Amount, Amount)]) -> Amount {
    iv.iter().map(|(a, b)| b.saturating_sub(*a)).sum()
}

/// One input of a UTXO transaction for [`utxo_taint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaintedCoin {
    /// Value in base units.
    pub value: Amount,
    /// Where inside the value the taint sits (only its length matters to haircut, poison and
    /// TIHO).
    pub taint: Intervals,
}

impl TaintedCoin {
    /// A clean coin.
    pub fn clean(value: Amount) -> Self {
        TaintedCoin {
            value,
            taint: Vec::new(),
        }
    }

    /// A fully tainted coin.
    pub fn tainted(value: Amount) -> Self {
        TaintedCoin {
            value,
            taint: if value > 0 {
                vec![(0, value)]
            } else {
                Vec::new()
            },
        }
    }

    /// Tainted amount.
    pub fn taint_amount(&self) -> Amount {
        interval_len(&self.taint)
    }
}

/// Result of one UTXO transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtxoTaint {
    /// Per output, its taint (intervals in the output's own coordinates).
    pub outputs: Vec<TaintedCoin>,
    /// Taint assigned to the fee.
    pub fee: Amount,
}

/// Applies `rule` to a transaction with `inputs` and output values `outputs`; the fee is
/// inputs minus outputs (0 if outputs exceed inputs).
pub fn utxo_taint(rule: UtxoRule, inputs: &[TaintedCoin], outputs: &[Amount]) -> UtxoTaint {
    let a: Amount = inputs.iter().map(|c| c.value).sum();
    let b: Amount = outputs.iter().sum();
    let fee = a.saturating_sub(b);
    let t: Amount = inputs.iter().map(TaintedCoin::taint_amount).sum();
    let prefix = |v: Amount, x: Amount| TaintedCoin {
        value: v,
        taint: if x > 0 { vec![(0, x)] } else { Vec::new() },
    };
    match rule {
        UtxoRule::Poison => {
            let on = t > 0;
            UtxoTaint {
                outputs: outputs
                    .iter()
                    .map(|&v| prefix(v, if on { v } else { 0 }))
                    .collect(),
                fee: if on { fee } else { 0 },
            }
        }
        UtxoRule::Haircut => {
            let mut left = t;
            let outs = outputs
                .iter()
                .map(|&v| {
                    let x = mul_div(v, t, a).min(v).min(left);
                    left -= x;
                    prefix(v, x)
                })
                .collect();
            UtxoTaint {
                outputs: outs,
                fee: left,
            }
        }
        UtxoRule::Tiho => {
            let mut idx: Vec<usize> = (0..outputs.len()).collect();
            idx.sort_by_key(|&i| (std::cmp::Reverse(outputs[i]), i));
            let mut taint = vec![0; outputs.len()];
            let mut left = t;
            for i in idx {
                let x = outputs[i].min(left);
                taint[i] = x;
                left -= x;
            }
            UtxoTaint {
                outputs: outputs
                    .iter()
                    .zip(taint)
                    .map(|(&v, x)| prefix(v, x))
                    .collect(),
                fee: left,
            }
        }
        UtxoRule::Fifo | UtxoRule::Lifo | UtxoRule::Seniority => {
            // Lay the tainted set on the input line.
            let mut line: Intervals = Vec::new();
            match rule {
                UtxoRule::Seniority => {
                    if t > 0 {
                        line.push((0, t));
                    }
                }
                _ => {
                    let order: Vec<&TaintedCoin> = if rule == UtxoRule::Lifo {
                        inputs.iter().rev().collect()
                    } else {
                        inputs.iter().collect()
                    };
                    let mut start = 0;
                    for c in order {
                        for &(s, e) in &c.taint {
                            let (s, e) = (s.min(c.value), e.min(c.value));
                            if e > s {
                                line.push((start + s, start + e));
                            }
                        }
                        start += c.value;
                    }
                }
            }
            let mut outs = Vec::with_capacity(outputs.len());
            let mut r = 0;
            for &v in outputs {
                outs.push(TaintedCoin {
                    value: v,
                    taint: clip(&line, r, r + v),
                });
                r += v;
            }
            UtxoTaint {
                outputs: outs,
                fee: interval_len(&clip(&line, r, r + fee)),
            }
        }
    }
}

fn clip(line: &[(Amount, Amount)], lo: Amount, hi: Amount) -> Intervals {
    line.iter()
        .filter_map(|&(s, e)| {
            let (s, e) = (s.max(lo), e.min(hi));
            (e > s).then(|| (s - lo, e - lo))
        })
        .collect()
}

/// A lot in a FIFO/LIFO ledger: homogeneous (all tainted or all clean).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lot {
    amount: Amount,
    tainted: bool,
    origin: u32,
}

/// What one debit carried.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Debit {
    /// Tainted part of the outflow.
    pub taint: Amount,
    /// The credit (an opaque origin id given to [`Ledger::credit`]) that contributed the most
    /// taint; the previous step of an explanation path.
    pub origin: Option<u32>,
    /// For FIFO/LIFO: the outflow as ordered (amount, tainted) segments, so a receiving FIFO
    /// ledger keeps the order losslessly.
    pub segments: Vec<(Amount, bool)>,
}

/// One account's ledger for one asset under one rule.
#[derive(Debug, Clone)]
pub struct Ledger {
    rule: AccountRule,
    balance: Amount,
    taint: Amount,
    lots: VecDeque<Lot>,
    poisoned: bool,
    best_origin: Option<(Amount, u32)>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new(rule: AccountRule) -> Self {
        Ledger {
            rule,
            balance: 0,
            taint: 0,
            lots: VecDeque::new(),
            poisoned: false,
            best_origin: None,
        }
    }

    /// Current balance.
    pub fn balance(&self) -> Amount {
        self.balance
    }

    /// Tainted part of the balance (the whole balance once poisoned).
    pub fn taint(&self) -> Amount {
        match self.rule {
            AccountRule::Poison if self.poisoned => self.balance,
            AccountRule::Fifo | AccountRule::Lifo => self
                .lots
                .iter()
                .filter(|l| l.tainted)
                .map(|l| l.amount)
                .sum(),
            _ => self.taint,
        }
    }

    /// The credit that contributed the most taint so far (ties: the earliest).
    pub fn best_origin(&self) -> Option<u32> {
        self.best_origin.map(|(_, o)| o)
    }

    /// Adds `amount` of which `taint` is tainted (`taint` is capped at `amount`). For FIFO/LIFO
    /// the tainted part is placed before the clean part unless `segments` gives the order.
    pub fn credit(&mut self, amount: Amount, taint: Amount, origin: u32) {
        self.credit_segments(amount, taint, origin, &[]);
    }

    /// As [`Ledger::credit`], with an explicit order of segments (from a FIFO/LIFO debit).
    pub fn credit_segments(
        &mut self,
        amount: Amount,
        taint: Amount,
        origin: u32,
        segments: &[(Amount, bool)],
    ) {
        let taint = taint.min(amount);
        self.balance = self.balance.saturating_add(amount);
        self.taint = self.taint.saturating_add(taint);
        if taint > 0 {
            self.poisoned = true;
            if self.best_origin.is_none_or(|(t, _)| taint > t) {
                self.best_origin = Some((taint, origin));
            }
        }
        if matches!(self.rule, AccountRule::Fifo | AccountRule::Lifo) {
            let seg_sum: Amount = segments.iter().map(|s| s.0).sum();
            let seg_taint: Amount = segments.iter().filter(|s| s.1).map(|s| s.0).sum();
            if !segments.is_empty() && seg_sum == amount && seg_taint == taint {
                for &(a, t) in segments {
                    self.push_lot(a, t, origin);
                }
            } else {
                self.push_lot(taint, true, origin);
                self.push_lot(amount - taint, false, origin);
            }
        }
    }

    fn push_lot(&mut self, amount: Amount, tainted: bool, origin: u32) {
        if amount == 0 {
            return;
        }
        if let Some(last) = self.lots.back_mut()
            && last.tainted == tainted
            && last.origin == origin
        {
            last.amount += amount;
            return;
        }
        self.lots.push_back(Lot {
            amount,
            tainted,
            origin,
        });
    }

    /// Removes `x`. The caller must first credit any shortfall (partial data) so that
    /// `x <= balance`; an overdraft is clamped to the balance.
    pub fn debit(&mut self, x: Amount) -> Debit {
        let x = x.min(self.balance);
        let bal_before = self.balance;
        self.balance -= x;
        let mut d = Debit::default();
        match self.rule {
            AccountRule::Fifo | AccountRule::Lifo => {
                let mut need = x;
                let mut best: Option<(Amount, u32)> = None;
                while need > 0 {
                    let lot = if self.rule == AccountRule::Fifo {
                        self.lots.front_mut()
                    } else {
                        self.lots.back_mut()
                    };
                    let Some(lot) = lot else { break };
                    let take = lot.amount.min(need);
                    lot.amount -= take;
                    need -= take;
                    let (tainted, origin) = (lot.tainted, lot.origin);
                    if lot.amount == 0 {
                        if self.rule == AccountRule::Fifo {
                            self.lots.pop_front();
                        } else {
                            self.lots.pop_back();
                        }
                    }
                    if tainted {
                        d.taint += take;
                        if best.is_none_or(|(t, _)| take > t) {
                            best = Some((take, origin));
                        }
                    }
                    match d.segments.last_mut() {
                        Some(last) if last.1 == tainted => last.0 += take,
                        _ => d.segments.push((take, tainted)),
                    }
                }
                self.taint = self.taint.saturating_sub(d.taint);
                d.origin = best.map(|(_, o)| o);
            }
            AccountRule::Haircut => {
                d.taint = mul_div(x, self.taint, bal_before).min(self.taint).min(x);
                self.taint -= d.taint;
            }
            AccountRule::Poison => {
                if self.poisoned {
                    d.taint = x;
                }
                self.taint = self.taint.saturating_sub(d.taint);
                if self.balance == 0 {
                    self.poisoned = false;
                    self.taint = 0;
                }
            }
            AccountRule::Libr => {
                let after = self.taint.min(self.balance);
                d.taint = self.taint - after;
                self.taint = after;
            }
            AccountRule::Tfo => {
                d.taint = x.min(self.taint);
                self.taint -= d.taint;
            }
        }
        if d.origin.is_none() && d.taint > 0 {
            d.origin = self.best_origin();
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_tx::parse_amount;

    /// Whole units to satoshis (8 decimals), so the doc's vectors are exact.
    fn btc(s: &str) -> Amount {
        parse_amount(s, 8).unwrap().0
    }

    fn run(rule: UtxoRule, inputs: &[TaintedCoin], outputs: &[&str]) -> (Vec<Amount>, Amount) {
        let outs: Vec<Amount> = outputs.iter().map(|s| btc(s)).collect();
        let r = utxo_taint(rule, inputs, &outs);
        (
            r.outputs.iter().map(TaintedCoin::taint_amount).collect(),
            r.fee,
        )
    }

    // tracing-anchors.md §2.3, first vector: inputs [3 tainted, 7 clean]; outputs [4, 5]; fee 1.
    #[test]
    fn utxo_vector_one_from_the_tracing_doc() {
        let inputs = [TaintedCoin::tainted(btc("3")), TaintedCoin::clean(btc("7"))];
        let outs = ["4", "5"];
        // | rule | τ'(out0 = 4) | τ'(out1 = 5) | τ_fee |
        let table = [
            (UtxoRule::Poison, "4", "5", "1"),
            (UtxoRule::Haircut, "1.2", "1.5", "0.3"),
            (UtxoRule::Fifo, "3", "0", "0"),
            (UtxoRule::Lifo, "0", "2", "1"),
            (UtxoRule::Tiho, "0", "3", "0"),
            (UtxoRule::Seniority, "3", "0", "0"),
        ];
        for (rule, o0, o1, fee) in table {
            assert_eq!(
                run(rule, &inputs, &outs),
                (vec![btc(o0), btc(o1)], btc(fee)),
                "{rule:?}"
            );
        }
        // Conserved for all but poison.
        for rule in [
            UtxoRule::Haircut,
            UtxoRule::Fifo,
            UtxoRule::Lifo,
            UtxoRule::Tiho,
        ] {
            let (o, f) = run(rule, &inputs, &outs);
            assert_eq!(o.iter().sum::<Amount>() + f, btc("3"), "{rule:?}");
        }
    }

    // Second vector: inputs [5 clean, 2 tainted]; outputs [3, 3]; fee 1.
    #[test]
    fn utxo_vector_two_separates_fifo_from_seniority() {
        let inputs = [TaintedCoin::clean(btc("5")), TaintedCoin::tainted(btc("2"))];
        let outs = ["3", "3"];
        assert_eq!(
            run(UtxoRule::Fifo, &inputs, &outs),
            (vec![0, btc("1")], btc("1"))
        );
        assert_eq!(
            run(UtxoRule::Seniority, &inputs, &outs),
            (vec![btc("2"), 0], 0)
        );
        assert_eq!(run(UtxoRule::Tiho, &inputs, &outs), (vec![btc("2"), 0], 0));
        // Haircut: 2/7 of each → 0.857, 0.857, fee 0.286 (to the doc's three decimals).
        let (o, f) = run(UtxoRule::Haircut, &inputs, &outs);
        let milli = |v: Amount| (v + 50_000) / 100_000; // satoshi → 1/1000 unit, rounded
        assert_eq!((milli(o[0]), milli(o[1]), milli(f)), (857, 857, 286));
        assert_eq!(o[0] + o[1] + f, btc("2"));
    }

    fn eth(s: &str) -> Amount {
        parse_amount(s, 18).unwrap().0
    }

    // tracing-anchors.md §2.4: credits t1 +10 clean, t2 +5 tainted; debits t3 −8, t4 −4.
    #[test]
    fn account_vector_from_the_tracing_doc() {
        // | rule | taint out at t3 (8) | taint out at t4 (4) | taint left (of 3) |
        let table = [
            (AccountRule::Fifo, "0", "2", "3"),
            (AccountRule::Lifo, "5", "0", "0"),
            (AccountRule::Haircut, "2.667", "1.333", "1.0"),
            (AccountRule::Libr, "0", "2", "3"),
            (AccountRule::Tfo, "5", "0", "0"),
            (AccountRule::Poison, "8", "4", "3"),
        ];
        // Compare at the table's precision (three decimals).
        let milli = |v: Amount| (v + eth("0.0005")) / eth("0.001");
        for (rule, t3, t4, left) in table {
            let mut l = Ledger::new(rule);
            l.credit(eth("10"), 0, 1);
            l.credit(eth("5"), eth("5"), 2);
            let d3 = l.debit(eth("8"));
            let d4 = l.debit(eth("4"));
            assert_eq!(l.balance(), eth("3"));
            assert_eq!(
                (milli(d3.taint), milli(d4.taint), milli(l.taint())),
                (milli(eth(t3)), milli(eth(t4)), milli(eth(left))),
                "{rule:?}"
            );
            if rule != AccountRule::Poison {
                assert_eq!(
                    d3.taint + d4.taint + l.taint(),
                    eth("5"),
                    "{rule:?} conserves"
                );
            }
        }
    }

    // The doc's per-transfer bound at t4: TFO leaves 0 and LIBR leaves 5 before t4 (Bal = 7),
    // so the 4-unit debit's taint is within [max(0, 4 − (7 − 0)), min(4, 5)] = [0, 4].
    #[test]
    fn every_rule_lands_inside_the_libr_tfo_bound() {
        for rule in AccountRule::ALL {
            let mut l = Ledger::new(rule);
            l.credit(eth("10"), 0, 1);
            l.credit(eth("5"), eth("5"), 2);
            l.debit(eth("8"));
            let d4 = l.debit(eth("4"));
            assert!(d4.taint <= eth("4"), "{rule:?}");
        }
        let (mut libr, mut tfo) = (
            Ledger::new(AccountRule::Libr),
            Ledger::new(AccountRule::Tfo),
        );
        for l in [&mut libr, &mut tfo] {
            l.credit(eth("10"), 0, 1);
            l.credit(eth("5"), eth("5"), 2);
            l.debit(eth("8"));
        }
        assert_eq!((tfo.taint(), libr.taint()), (0, eth("5")));
    }

    #[test]
    fn fifo_segments_keep_order_downstream() {
        let mut a = Ledger::new(AccountRule::Fifo);
        a.credit(eth("1"), 0, 1);
        a.credit(eth("1"), eth("1"), 2);
        let d = a.debit(eth("2"));
        assert_eq!(d.segments, vec![(eth("1"), false), (eth("1"), true)]);
        let mut b = Ledger::new(AccountRule::Fifo);
        b.credit_segments(eth("2"), d.taint, 3, &d.segments);
        assert_eq!(b.debit(eth("1")).taint, 0);
        assert_eq!(b.debit(eth("1")).taint, eth("1"));
    }

    proptest::proptest! {
        #[test]
        fn ledgers_conserve_taint(ops in proptest::collection::vec((0u8..2, 1u64..1_000, 0u64..1_000), 1..40)) {
            for rule in AccountRule::ALL {
                let mut l = Ledger::new(rule);
                let (mut tin, mut tout) = (0u128, 0u128);
                for (i, (kind, a, t)) in ops.iter().enumerate() {
                    if *kind == 0 {
                        let t = (*t).min(*a);
                        l.credit(u128::from(*a), u128::from(t), i as u32);
                        tin += u128::from(t);
                    } else {
                        let d = l.debit(u128::from(*a));
                        proptest::prop_assert!(d.taint <= u128::from(*a));
                        tout += d.taint;
                    }
                }
                if rule != AccountRule::Poison {
                    proptest::prop_assert_eq!(tout + l.taint(), tin, "{:?}", rule);
                }
            }
        }

        #[test]
        fn utxo_rules_conserve_taint(ins in proptest::collection::vec((1u64..1000, proptest::bool::ANY), 1..6),
                                     outs in proptest::collection::vec(1u64..1000, 1..6)) {
            let inputs: Vec<TaintedCoin> = ins.iter().map(|&(v, t)| if t { TaintedCoin::tainted(v.into()) } else { TaintedCoin::clean(v.into()) }).collect();
            let a: u128 = inputs.iter().map(|c| c.value).sum();
            let t: u128 = inputs.iter().map(TaintedCoin::taint_amount).sum();
            // Scale outputs so they never exceed the inputs.
            let total: u128 = outs.iter().map(|&o| u128::from(o)).sum();
            let outs: Vec<u128> = outs.iter().map(|&o| u128::from(o) * a / total.max(a)).collect();
            for rule in [UtxoRule::Haircut, UtxoRule::Fifo, UtxoRule::Lifo, UtxoRule::Tiho, UtxoRule::Seniority] {
                let r = utxo_taint(rule, &inputs, &outs);
                let sum: u128 = r.outputs.iter().map(TaintedCoin::taint_amount).sum::<u128>() + r.fee;
                proptest::prop_assert_eq!(sum, t, "{:?}", rule);
                for (o, &v) in r.outputs.iter().zip(&outs) {
                    proptest::prop_assert!(o.taint_amount() <= v);
                }
            }
        }
    }
}

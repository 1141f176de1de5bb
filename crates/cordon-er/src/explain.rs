//! Reasons: every link's weight decomposes into these, so a reviewer sees why it exists.

use std::fmt;

use serde::Serialize;

/// One term of a link's match weight (log2 Bayes factors, added).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reason {
    /// The prior log2(λ / (1 − λ)): how unlikely two random records are to match.
    Prior {
        /// The weight.
        weight: f64,
    },
    /// Both records are suspect on their own evidence, outside linkage, and share a value
    /// that mostly suspects hold (see [`crate::Suspects`]).
    Suspects {
        /// Identifier kind of that value.
        kind: String,
        /// The value (empty for near-duplicates: then the larger neighbourhood).
        value: String,
        /// Independent holders (households counted once), or records near it.
        records: u32,
        /// Of those, suspect ones.
        suspects: u32,
        /// Share of all records that are suspect.
        share: f64,
        /// −log2 of the chance of that many suspects among its holders, capped.
        weight: f64,
    },
    /// A Fellegi–Sunter comparison at one of its levels.
    Comparison {
        /// Comparison name.
        comparison: String,
        /// The level the pair is at.
        level: String,
        /// log2(m / u) plus the term-frequency adjustment.
        weight: f64,
        /// The part of `weight` due to the term-frequency adjustment.
        tf_adjustment: f64,
        /// False when the configuration ignores it (negative weights in positive-only mode).
        counted: bool,
    },
    /// Both records hold the same identifier value.
    SharedIdentifier {
        /// Identifier kind.
        kind: String,
        /// The shared value.
        value: String,
        /// Records holding it.
        records: u32,
        /// log2(m / max(tf, u_floor)).
        weight: f64,
        /// False when a stronger identifier of the same group already counts.
        counted: bool,
        /// The shared kind that discounted it (a home address explains a shared PC).
        #[serde(skip_serializing_if = "Option::is_none")]
        context: Option<String>,
    },
    /// The records hold near-identical identifiers (photo hash, résumé).
    NearIdentifier {
        /// Identifier kind.
        kind: String,
        /// Hamming bits, or 1 − Jaccard for texts.
        distance: f64,
        /// Records in the larger neighbourhood of the two.
        records: u32,
        /// The weight.
        weight: f64,
        /// False when a stronger identifier of the same group already counts.
        counted: bool,
        /// The shared kind that discounted it (a home address explains a shared PC).
        #[serde(skip_serializing_if = "Option::is_none")]
        context: Option<String>,
    },
}

impl Reason {
    /// The weight this reason adds (0 when not counted).
    pub fn counted_weight(&self) -> f64 {
        match self {
            Reason::Prior { weight } | Reason::Suspects { weight, .. } => *weight,
            Reason::Comparison {
                weight, counted, ..
            }
            | Reason::SharedIdentifier {
                weight, counted, ..
            }
            | Reason::NearIdentifier {
                weight, counted, ..
            } => {
                if *counted {
                    *weight
                } else {
                    0.0
                }
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let note = |c: &bool| if *c { "" } else { " (not counted)" };
        match self {
            Reason::Prior { weight } => write!(f, "prior {weight:+.2}"),
            Reason::Suspects {
                kind,
                value,
                records,
                suspects,
                share,
                weight,
            } => {
                f.write_str("both suspect on their own evidence, ")?;
                if value.is_empty() {
                    write!(f, "{suspects} of {records} near-identical {kind}s")?;
                } else {
                    write!(
                        f,
                        "{suspects} of the {records} independent holders of {kind} {value:?}"
                    )?;
                }
                write!(
                    f,
                    " suspect ({:.1} % of all records are) {weight:+.2}",
                    share * 100.0
                )
            }
            Reason::Comparison {
                comparison,
                level,
                weight,
                tf_adjustment,
                counted,
            } => {
                write!(f, "{comparison}: {level} {weight:+.2}")?;
                if *tf_adjustment != 0.0 {
                    write!(f, " (term frequency {tf_adjustment:+.2})")?;
                }
                f.write_str(note(counted))
            }
            Reason::SharedIdentifier {
                kind,
                value,
                records,
                weight,
                counted,
                context,
            } => {
                write!(
                    f,
                    "shared {kind} {value:?} (held by {records} records) {weight:+.2}"
                )?;
                if let Some(c) = context {
                    write!(f, " (discounted: also share {c})")?;
                }
                f.write_str(note(counted))
            }
            Reason::NearIdentifier {
                kind,
                distance,
                records,
                weight,
                counted,
                context,
            } => {
                write!(
                    f,
                    "near-identical {kind} (distance {distance}, {records} records near) {weight:+.2}"
                )?;
                if let Some(c) = context {
                    write!(f, " (discounted: also share {c})")?;
                }
                f.write_str(note(counted))
            }
        }
    }
}

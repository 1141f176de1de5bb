//! Comparisons: ordered levels per field, from "identical" down to "else".

use serde::{Deserialize, Serialize};

use crate::data::{Dataset, RecordIx};
use crate::error::ErError;
use crate::sim::{Ymd, damerau_within, jaro_winkler, levenshtein_within};

/// What a comparison level tests. Levels are tried in order; the first that holds is the pair's
/// level; a pair where either value is missing is at the null level (weight 0); a pair where no
/// level holds is at the "else" level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "arg")]
pub enum LevelKind {
    /// Identical values. Eligible for term-frequency adjustment.
    Exact,
    /// The values of this field and of another are swapped between the records
    /// (`a.given = b.surname` and `a.surname = b.given`).
    Swapped(String),
    /// Jaro-Winkler similarity at least this.
    JaroWinkler(f64),
    /// Levenshtein distance at most this.
    Levenshtein(u32),
    /// Damerau-Levenshtein (adjacent transpositions cost 1) distance at most this.
    DamerauLevenshtein(u32),
    /// Both values are dates and their day and month are swapped (`1956-04-09` / `1956-09-04`).
    DateTransposed,
    /// Both values are dates at most this many days apart.
    DateWithinDays(u32),
    /// Both values are dates in the same year (month or day may differ or be unknown).
    DateSameYear,
    /// Both values are numbers at most this far apart.
    NumericWithin(f64),
    /// The first `n` characters are equal (postcode districts).
    Prefix(usize),
}

/// One level of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelSpec {
    /// Shown in explanations, e.g. `"jaro-winkler >= 0.92"`.
    pub label: String,
    /// The test.
    pub kind: LevelKind,
}

/// A comparison of one field between two records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonSpec {
    /// Shown in explanations.
    pub name: String,
    /// The field compared.
    pub field: String,
    /// The levels, strongest first (an "else" level is implied).
    pub levels: Vec<LevelSpec>,
    /// Term-frequency adjustment of the exact level: a shared rare value weighs more.
    pub tf_adjust: bool,
    /// Floor of the term frequency (Splink's `tf_minimum_u_value`).
    pub tf_min: f64,
}

fn lvl(label: &str, kind: LevelKind) -> LevelSpec {
    LevelSpec {
        label: label.to_owned(),
        kind,
    }
}

impl ComparisonSpec {
    /// A comparison with the given levels, no TF adjustment.
    pub fn new(field: &str, levels: Vec<LevelSpec>) -> Self {
        ComparisonSpec {
            name: field.to_owned(),
            field: field.to_owned(),
            levels,
            tf_adjust: false,
            tf_min: 0.001,
        }
    }

    /// Exact match or else.
    pub fn exact(field: &str) -> Self {
        Self::new(field, vec![lvl("exact", LevelKind::Exact)])
    }

    /// A person-name comparison: exact, Jaro-Winkler ≥ 0.92, ≥ 0.88, ≥ 0.70, else (the levels of
    /// Splink's `NameComparison`).
    pub fn name(field: &str) -> Self {
        Self::new(
            field,
            vec![
                lvl("exact", LevelKind::Exact),
                lvl("jaro-winkler >= 0.92", LevelKind::JaroWinkler(0.92)),
                lvl("jaro-winkler >= 0.88", LevelKind::JaroWinkler(0.88)),
                lvl("jaro-winkler >= 0.70", LevelKind::JaroWinkler(0.70)),
            ],
        )
    }

    /// A date-of-birth comparison: exact, one typo (Damerau-Levenshtein ≤ 1), day/month
    /// transposed, within 31 days, within a year, same year, within 10 years, else.
    pub fn date(field: &str) -> Self {
        Self::new(
            field,
            vec![
                lvl("exact", LevelKind::Exact),
                lvl("one typo", LevelKind::DamerauLevenshtein(1)),
                lvl("day and month transposed", LevelKind::DateTransposed),
                lvl("within 31 days", LevelKind::DateWithinDays(31)),
                lvl("within a year", LevelKind::DateWithinDays(366)),
                lvl("within 10 years", LevelKind::DateWithinDays(3653)),
            ],
        )
    }

    /// Exact, then Damerau-Levenshtein within each threshold, else.
    pub fn damerau(field: &str, thresholds: &[u32]) -> Self {
        let mut levels = vec![lvl("exact", LevelKind::Exact)];
        for &t in thresholds {
            levels.push(lvl(
                &format!("damerau-levenshtein <= {t}"),
                LevelKind::DamerauLevenshtein(t),
            ));
        }
        Self::new(field, levels)
    }

    /// Exact, then Levenshtein within each threshold, else.
    pub fn levenshtein(field: &str, thresholds: &[u32]) -> Self {
        let mut levels = vec![lvl("exact", LevelKind::Exact)];
        for &t in thresholds {
            levels.push(lvl(
                &format!("levenshtein <= {t}"),
                LevelKind::Levenshtein(t),
            ));
        }
        Self::new(field, levels)
    }

    /// Adds a level after the existing ones.
    #[must_use]
    pub fn with_level(mut self, label: &str, kind: LevelKind) -> Self {
        self.levels.push(lvl(label, kind));
        self
    }

    /// Inserts a level at a position (clamped to the end).
    #[must_use]
    pub fn with_level_at(mut self, at: usize, label: &str, kind: LevelKind) -> Self {
        let at = at.min(self.levels.len());
        self.levels.insert(at, lvl(label, kind));
        self
    }

    /// Turns on term-frequency adjustment of the exact level.
    #[must_use]
    pub fn tf(mut self) -> Self {
        self.tf_adjust = true;
        self
    }

    /// Renames the comparison (explanations show the name).
    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }
}

/// A comparison bound to a dataset's columns.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) field: usize,
    pub(crate) levels: Vec<CLevel>,
    /// Largest Levenshtein / Damerau thresholds: one bounded distance serves every level.
    max_lev: u32,
    max_dam: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum CLevel {
    Exact,
    Swapped(usize),
    JaroWinkler(f64),
    Levenshtein(u32),
    Damerau(u32),
    DateTransposed,
    DateWithinDays(u32),
    DateSameYear,
    NumericWithin(f64),
    Prefix(usize),
}

/// Largest number of comparisons in one model (gamma vectors live on the stack).
pub(crate) const MAX_COMPARISONS: usize = 16;

/// Per-pair level of every comparison: 0 = null, 1..=L = level, L+1 = else.
pub(crate) type Gamma = [u8; MAX_COMPARISONS];

impl Compiled {
    pub(crate) fn compile(spec: &ComparisonSpec, ds: &Dataset) -> Result<Compiled, ErError> {
        let field = ds
            .field(&spec.field)
            .ok_or_else(|| ErError::UnknownField(spec.field.clone()))?;
        if spec.levels.len() > 250 {
            return Err(ErError::Config(format!(
                "comparison {:?} has more than 250 levels",
                spec.name
            )));
        }
        let levels = spec
            .levels
            .iter()
            .map(|l| {
                Ok(match &l.kind {
                    LevelKind::Exact => CLevel::Exact,
                    LevelKind::Swapped(other) => CLevel::Swapped(
                        ds.field(other)
                            .ok_or_else(|| ErError::UnknownField(other.clone()))?,
                    ),
                    LevelKind::JaroWinkler(t) => CLevel::JaroWinkler(*t),
                    LevelKind::Levenshtein(t) => CLevel::Levenshtein(*t),
                    LevelKind::DamerauLevenshtein(t) => CLevel::Damerau(*t),
                    LevelKind::DateTransposed => CLevel::DateTransposed,
                    LevelKind::DateWithinDays(d) => CLevel::DateWithinDays(*d),
                    LevelKind::DateSameYear => CLevel::DateSameYear,
                    LevelKind::NumericWithin(d) => CLevel::NumericWithin(*d),
                    LevelKind::Prefix(n) => CLevel::Prefix(*n),
                })
            })
            .collect::<Result<Vec<_>, ErError>>()?;
        let max_of = |f: fn(&CLevel) -> Option<u32>| levels.iter().filter_map(f).max().unwrap_or(0);
        let max_lev = max_of(|l| match l {
            CLevel::Levenshtein(t) => Some(*t),
            _ => None,
        });
        let max_dam = max_of(|l| match l {
            CLevel::Damerau(t) => Some(*t),
            _ => None,
        });
        Ok(Compiled {
            field,
            levels,
            max_lev,
            max_dam,
        })
    }

    /// The level of a pair (see [`Gamma`]).
    pub(crate) fn level(&self, ds: &Dataset, a: RecordIx, b: RecordIx) -> u8 {
        let Some(col) = ds.columns.get(self.field) else {
            return 0;
        };
        let (ca, cb) = (col.code(a), col.code(b));
        if ca == 0 || cb == 0 {
            return 0;
        }
        let (Some(va), Some(vb)) = (col.get(a), col.get(b)) else {
            return 0;
        };
        // Each measure is computed at most once per pair, whatever the number of levels.
        let mut dates: Option<(Option<Ymd>, Option<Ymd>)> = None;
        let mut jw: Option<f64> = None;
        let mut lev: Option<u32> = None;
        let mut dam: Option<u32> = None;
        for (i, l) in self.levels.iter().enumerate() {
            let hit = match l {
                CLevel::Exact => ca == cb,
                CLevel::Swapped(other) => ds.columns.get(*other).is_some_and(|o| {
                    let (oa, ob) = (o.get(a), o.get(b));
                    oa.is_some() && oa == Some(vb) && ob == Some(va)
                }),
                CLevel::JaroWinkler(t) => *jw.get_or_insert_with(|| jaro_winkler(va, vb)) >= *t,
                CLevel::Levenshtein(t) => {
                    *lev.get_or_insert_with(|| levenshtein_within(va, vb, self.max_lev)) <= *t
                }
                CLevel::Damerau(t) => {
                    *dam.get_or_insert_with(|| damerau_within(va, vb, self.max_dam)) <= *t
                }
                CLevel::DateTransposed | CLevel::DateWithinDays(_) | CLevel::DateSameYear => {
                    let (da, db) = *dates.get_or_insert_with(|| (Ymd::parse(va), Ymd::parse(vb)));
                    match (da, db) {
                        (Some(x), Some(y)) => match l {
                            CLevel::DateTransposed => {
                                x.year == y.year
                                    && x.month != x.day
                                    && x.month == y.day
                                    && x.day == y.month
                            }
                            CLevel::DateWithinDays(d) => {
                                x.month != 0
                                    && y.month != 0
                                    && (x.days() - y.days()).unsigned_abs() <= u64::from(*d)
                            }
                            _ => x.year == y.year,
                        },
                        _ => false,
                    }
                }
                CLevel::NumericWithin(d) => match (va.parse::<f64>(), vb.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= *d,
                    _ => false,
                },
                CLevel::Prefix(n) => {
                    let mut ia = va.chars();
                    let mut ib = vb.chars();
                    (0..*n).all(|_| {
                        let (x, y) = (ia.next(), ib.next());
                        x.is_some() && x == y
                    })
                }
            };
            if hit {
                return (i + 1) as u8;
            }
        }
        (self.levels.len() + 1) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetBuilder, RecordRef};
    use cordon_model::Location;

    fn ds(rows: &[[&str; 3]]) -> Dataset {
        let mut b = DatasetBuilder::new(&["given", "surname", "dob"]);
        for (i, r) in rows.iter().enumerate() {
            let fields: Vec<Option<&[u8]>> = r.iter().map(|v| Some(v.as_bytes())).collect();
            b.push(RecordRef {
                id: i.to_string().as_bytes(),
                source: 0,
                fields: &fields,
                keys: &[],
                location: &Location::default(),
            });
        }
        b.finish().0
    }

    #[test]
    fn date_levels_catch_transposition_and_typos() {
        let d = ds(&[
            ["a", "b", "19560409"],
            ["a", "b", "19560904"],
            ["a", "b", "19560419"],
            ["a", "b", ""],
            ["a", "b", "19570409"],
        ]);
        let c = Compiled::compile(&ComparisonSpec::date("dob"), &d).unwrap();
        assert_eq!(c.level(&d, 0, 0), 1, "exact");
        assert_eq!(c.level(&d, 0, 1), 3, "transposed");
        assert_eq!(c.level(&d, 0, 2), 2, "one typo");
        assert_eq!(c.level(&d, 0, 3), 0, "null");
        assert_eq!(c.level(&d, 0, 4), 2, "year typo is one edit");
    }

    #[test]
    fn swapped_names_level() {
        let d = ds(&[["john", "smith", ""], ["smith", "john", ""]]);
        let spec = ComparisonSpec::name("given").with_level_at(
            1,
            "swapped with surname",
            LevelKind::Swapped("surname".into()),
        );
        let c = Compiled::compile(&spec, &d).unwrap();
        assert_eq!(c.level(&d, 0, 1), 2);
        assert!(Compiled::compile(&ComparisonSpec::exact("nope"), &d).is_err());
    }
}

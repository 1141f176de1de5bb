//! What is known of the population a dataset is drawn from: its size, and how many records hold
//! each identifier and field value.
//!
//! Rarity is a property of the population, not of the batch being linked: two applicants of a
//! platform's 100,000 who share a payout account share a rare value, even when they arrive as a
//! batch of two; an IP address that 5,000 of the platform's accounts use is a hub even when only
//! two of them are in the batch. A [`Population`] given to [`DatasetBuilder::with_population`]
//! makes term frequencies (identifier evidence and the term-frequency adjustment of exact
//! comparison levels), hub caps and the u of exact levels use the population's counts.
//!
//! The population is assumed to include the batch (a value's holders are the larger of the
//! batch's and the population's count); statistics computed from an earlier, disjoint set
//! under-count a value by at most its holders in the batch. Values are stored as seeded 64-bit
//! hashes, never as text, so a statistics file does not hold the identifiers themselves; only
//! values held by two or more records are kept (any other value counts as held by its holders in
//! the batch).
//!
//! [`DatasetBuilder::with_population`]: crate::DatasetBuilder::with_population

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::hash::hash_bytes;
use crate::ident::value_runs;

/// Seed of the value hashes (part of the statistics format: changing it invalidates saved
/// populations).
const VALUE_SEED: u64 = 0x0B5E_55ED_7A75_0001;

/// The hash under which a value is counted.
pub(crate) fn value_hash(value: &str) -> u64 {
    hash_bytes(VALUE_SEED, value.as_bytes())
}

/// Counts of one field's values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldCounts {
    /// Records with a value in the field.
    pub non_null: u64,
    /// Value hash → records holding the value (values held by two or more).
    pub values: FxHashMap<u64, u64>,
}

/// The population a dataset is drawn from (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Population {
    /// Records in the population.
    pub records: u64,
    /// Identifier kind → value hash → records holding the value.
    #[serde(default)]
    pub keys: BTreeMap<String, FxHashMap<u64, u64>>,
    /// Field name → value counts.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldCounts>,
}

impl Population {
    /// A population of `records` records whose value counts are unknown: identifier values
    /// count as held by their holders in the batch, and field term frequencies are not used
    /// (a batch much smaller than its population cannot tell a common surname from a rare one).
    pub fn of_size(records: u64) -> Self {
        Population {
            records,
            ..Population::default()
        }
    }

    /// The statistics of a whole dataset (for example a platform's applicant base), to judge
    /// later batches against.
    pub fn from_dataset(ds: &Dataset) -> Self {
        let mut keys: BTreeMap<String, FxHashMap<u64, u64>> = BTreeMap::new();
        for (s, e) in value_runs(&ds.exact_keys) {
            if let Some(first) = ds.exact_keys.get(s)
                && e - s > 1
                && let Some(spec) = ds.kinds.get(first.kind as usize)
            {
                keys.entry(spec.name.clone()).or_default().insert(
                    value_hash(ds.key_value(first.kind, first.code)),
                    (e - s) as u64,
                );
            }
        }
        let fields = ds
            .field_names
            .iter()
            .zip(&ds.columns)
            .map(|(name, col)| {
                let values = col
                    .dict
                    .iter()
                    .zip(&col.counts)
                    .filter(|&(_, &c)| c > 1)
                    .map(|(v, &c)| (value_hash(v), u64::from(c)))
                    .collect();
                let counts = FieldCounts {
                    non_null: u64::from(col.non_null),
                    values,
                };
                (name.clone(), counts)
            })
            .collect();
        Population {
            records: ds.len() as u64,
            keys,
            fields,
        }
    }

    /// Records known to hold `value` of identifier kind `kind` (0 when not known).
    pub fn key_count(&self, kind: &str, value: &str) -> u64 {
        self.keys
            .get(kind)
            .and_then(|m| m.get(&value_hash(value)))
            .copied()
            .unwrap_or(0)
    }

    /// Records the value of identifier kind `kind` (an IP address known to be a VPN exit, say).
    pub fn set_key_count(&mut self, kind: &str, value: &str, records: u64) {
        self.keys
            .entry(kind.to_owned())
            .or_default()
            .insert(value_hash(value), records);
    }

    /// Records how many records hold `value` in `field`, and how many have the field at all.
    pub fn set_field_count(&mut self, field: &str, value: &str, records: u64, non_null: u64) {
        let f = self.fields.entry(field.to_owned()).or_default();
        f.non_null = f.non_null.max(non_null);
        f.values.insert(value_hash(value), records);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetBuilder, KeyValue, RecordRef};
    use crate::ident::KeySpec;
    use cordon_model::Location;

    #[test]
    fn statistics_of_a_dataset_count_shared_values_only() {
        let mut b = DatasetBuilder::new(&["surname"]);
        let ip = b.key_kind(KeySpec::exact("ip", 0.6, 1e-2, 50));
        for (i, (s, v)) in [("kim", "1.1.1.1"), ("kim", "1.1.1.1"), ("lee", "2.2.2.2")]
            .iter()
            .enumerate()
        {
            b.push(RecordRef {
                id: i.to_string().as_bytes(),
                source: 0,
                fields: &[Some(s.as_bytes())],
                keys: &[(ip, KeyValue::Exact((*v).to_owned()))],
                location: &Location::default(),
            });
        }
        let p = Population::from_dataset(&b.finish().0);
        assert_eq!(p.records, 3);
        assert_eq!(p.key_count("ip", "1.1.1.1"), 2);
        assert_eq!(
            p.key_count("ip", "2.2.2.2"),
            0,
            "values held once are not kept"
        );
        let surname = &p.fields["surname"];
        assert_eq!(surname.non_null, 3);
        assert_eq!(surname.values.get(&value_hash("kim")), Some(&2));
        // Saved and read back unchanged (no value text in it).
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("1.1.1.1") && !json.contains("kim"));
        assert_eq!(serde_json::from_str::<Population>(&json).unwrap(), p);
    }
}

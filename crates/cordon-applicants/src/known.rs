//! Accounts of earlier batches, indexed so that a new applicant (a sign-up, a hiring
//! candidate) can be linked to them without linking the whole population again.
//!
//! The index finds the known accounts that could link to a new record — those holding one of
//! its exact identifier values (e-mail, phone, payout account, wallet, device, address, IP,
//! /24, handle, document), a photo within the linking Hamming distance, or a résumé whose LSH
//! band keys meet its own and whose estimated Jaccard similarity reaches the linking bar — and
//! the new records are linked with those candidates by the same linkage as a batch, judged
//! against the statistics of all known accounts (so a value the platform knows to be a hub
//! links nobody, and one other holder among a million accounts is rare). Candidates beyond a
//! value's hub cap are not fetched: the statistics make such a value a hub anyway.

mod packed;

use std::hash::{Hash, Hasher};

use cordon_er::{
    Hub, KeyMatch, KeySpec, KeyValue, Limits, Population, estimated_jaccard, text_minhash,
};
use rayon::prelude::*;
use rustc_hash::{FxHashSet, FxHasher};

use crate::error::ApplicantError;
use crate::linking::{self, ClusterOut, LinkInput, Prepared};
use crate::record::Applicant;
use crate::rules::LinkParams;

/// Most known accounts fetched as candidates for one call (a bound on the work of linking one
/// applicant, whatever the values it holds).
const MAX_CANDIDATES: usize = 2_000;

/// Known accounts (earlier batches) indexed by their identifier values. Build with
/// [`crate::Screener::known_accounts`]; link new records with
/// [`crate::Screener::link_to_known`].
///
/// The index keeps of each account only what linkage reads (its id, identifier values and
/// compared fields), not the record: logins, work history and the other fields stay with the
/// caller.
#[derive(Debug)]
pub struct KnownAccounts {
    /// Per record: its id.
    ids: Vec<Box<str>>,
    /// Per record: its linkage keys and compared fields, as a batch would prepare them,
    /// packed ([`packed`]).
    packed: Vec<Box<[u8]>>,
    /// (hash of kind and exact value, record), sorted.
    exact: Vec<(u64, u32)>,
    /// (photo hash, record).
    photos: Vec<(u64, u32)>,
    /// (résumé band key, record), sorted.
    bands: Vec<(u64, u32)>,
    /// Per record: its résumé's MinHash signature.
    signatures: Vec<Option<Box<[u64]>>>,
    /// Per identifier kind: its spec (hub caps, matching).
    kinds: Vec<KeySpec>,
    population: Population,
    /// The size limits of the datasets [`KnownAccounts::link`] builds: a résumé's signature is
    /// computed under them.
    limits: Limits,
}

/// New records linked to known accounts.
#[derive(Debug)]
pub struct KnownLinks {
    /// Clusters holding at least one new record (members are new or known ids), with the
    /// reasons of each link; the same output as `cordon applicants link`.
    pub clusters: Vec<ClusterOut>,
    /// Per new record (input order): index into `clusters`.
    pub cluster_of: Vec<Option<usize>>,
    /// Identifier values too common to link anybody, largest first.
    pub hubs: Vec<Hub>,
    /// Known accounts fetched as candidates.
    pub candidates: usize,
}

/// What the index keeps of one record: (exact value key, record) pairs, its photo hash, its
/// résumé's signature and band keys, and its packed keys and fields.
type Indexed = (
    Vec<(u64, u32)>,
    Option<u64>,
    Option<(Box<[u64]>, Vec<u64>)>,
    Box<[u8]>,
);

fn value_key(kind: u16, value: &str) -> u64 {
    let mut h = FxHasher::default();
    kind.hash(&mut h);
    value.hash(&mut h);
    h.finish()
}

/// The records whose (key, record) entries of a sorted list equal `key`.
fn holders(list: &[(u64, u32)], key: u64) -> &[(u64, u32)] {
    let start = list.partition_point(|x| x.0 < key);
    let end = list.partition_point(|x| x.0 <= key);
    list.get(start..end).unwrap_or_default()
}

impl KnownAccounts {
    /// Indexes `records`, judged as a population whose statistics are `population`.
    pub(crate) fn new(records: Vec<Applicant>, population: Population) -> KnownAccounts {
        let input = LinkInput::new(Population::of_size(0));
        let kinds: Vec<KeySpec> = input.key_kinds();
        let limits = input.limits().clone();
        let ids: Vec<Box<str>> = records.iter().map(|a| a.id.as_str().into()).collect();
        let per: Vec<Indexed> = records
            .into_par_iter()
            .enumerate()
            .map(|(r, a)| {
                let r = r as u32;
                let (mut keys, fields) = input.prepare(&a);
                drop(a);
                let (mut exact, mut photo, mut resume) = (Vec::new(), None, None);
                for (kind, value) in &keys {
                    let spec = kinds.get(usize::from(*kind));
                    match (value, spec.map(|s| &s.matching)) {
                        (KeyValue::Exact(v), Some(KeyMatch::Exact)) => {
                            exact.push((value_key(*kind, v), r));
                        }
                        (KeyValue::Bits(b), Some(KeyMatch::Hamming { .. })) => photo = Some(*b),
                        (KeyValue::Text(t), Some(KeyMatch::MinHash(mh))) => {
                            resume = text_minhash(t, mh, &limits);
                        }
                        _ => {}
                    }
                }
                // Linkage compares a résumé by its signature: keep that, not the text (most
                // of an account's bytes), and only once: an empty signature here stands for
                // the one in `signatures`. A text too short for one links nothing either way.
                keys.retain_mut(|(_, value)| match (value, &resume) {
                    (v @ KeyValue::Text(_), Some(_)) => {
                        *v = KeyValue::Signature(Box::default());
                        true
                    }
                    (KeyValue::Text(_), None) => false,
                    _ => true,
                });
                let packed = packed::pack(&(keys, fields));
                (exact, photo, resume, packed)
            })
            .collect();
        let mut known = KnownAccounts {
            packed: Vec::with_capacity(ids.len()),
            ids,
            exact: Vec::new(),
            photos: Vec::new(),
            bands: Vec::new(),
            signatures: Vec::with_capacity(per.len()),
            kinds,
            population,
            limits,
        };
        for (r, (exact, photo, resume, packed)) in per.into_iter().enumerate() {
            let r = r as u32;
            known.packed.push(packed);
            known.exact.extend(exact);
            if let Some(p) = photo {
                known.photos.push((p, r));
            }
            let sig = resume.map(|(sig, bands)| {
                known.bands.extend(bands.into_iter().map(|b| (b, r)));
                sig
            });
            known.signatures.push(sig);
        }
        known.exact.par_sort_unstable();
        known.exact.dedup();
        known.bands.par_sort_unstable();
        known.bands.dedup();
        known
    }

    /// Number of known accounts.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when no account is known.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The statistics rarity is judged against.
    pub fn population(&self) -> &Population {
        &self.population
    }

    /// The known accounts that could link to a record with these linkage keys.
    fn candidates(&self, keys: &[(u16, KeyValue)], out: &mut FxHashSet<u32>) {
        for (kind, value) in keys {
            let Some(spec) = self.kinds.get(usize::from(*kind)) else {
                continue;
            };
            match (value, &spec.matching) {
                (KeyValue::Exact(v), KeyMatch::Exact) => {
                    let run = holders(&self.exact, value_key(*kind, v));
                    // More holders than the hub cap: a hub, which links nobody.
                    if run.len() <= spec.hub_cap {
                        out.extend(run.iter().map(|x| x.1));
                    }
                }
                (KeyValue::Bits(b), KeyMatch::Hamming { max }) => {
                    let near: Vec<u32> = self
                        .photos
                        .iter()
                        .filter(|(p, _)| (p ^ b).count_ones() <= *max)
                        .map(|x| x.1)
                        .collect();
                    if near.len() <= spec.hub_cap {
                        out.extend(near);
                    }
                }
                (KeyValue::Text(t), KeyMatch::MinHash(mh)) => {
                    let Some((sig, bands)) = text_minhash(t, mh, &self.limits) else {
                        continue;
                    };
                    let mut near: Vec<u32> = bands
                        .iter()
                        .flat_map(|&b| holders(&self.bands, b).iter().map(|x| x.1))
                        .collect();
                    near.sort_unstable();
                    near.dedup();
                    near.retain(|&r| {
                        self.signatures
                            .get(r as usize)
                            .and_then(Option::as_deref)
                            .is_some_and(|s| estimated_jaccard(s, &sig) >= mh.min_jaccard)
                    });
                    if near.len() <= spec.hub_cap {
                        out.extend(near);
                    }
                }
                _ => {}
            }
        }
    }

    /// Account `r`'s linkage keys and fields, with its résumé signature put back.
    fn unpack(&self, r: usize) -> Option<Prepared> {
        let (mut keys, fields) = packed::unpack(self.packed.get(r)?)?;
        for (_, value) in &mut keys {
            if let KeyValue::Signature(sig) = value
                && sig.is_empty()
            {
                *sig = self.signatures.get(r)?.clone()?;
            }
        }
        Some((keys, fields))
    }

    /// The known accounts linked with `new` records (prepared as `new_prepared`), in index
    /// order, at most [`MAX_CANDIDATES`].
    fn chosen_candidates(&self, new: &[Applicant], new_prepared: &[Prepared]) -> Vec<u32> {
        let mut found: FxHashSet<u32> = FxHashSet::default();
        for (keys, _) in new_prepared {
            self.candidates(keys, &mut found);
        }
        let new_ids: FxHashSet<&str> = new.iter().map(|a| a.id.as_str()).collect();
        let mut found: Vec<u32> = found.into_iter().collect();
        found.sort_unstable();
        // A known account screened again is one of the new records, not its own candidate.
        found.retain(|&r| {
            self.ids
                .get(r as usize)
                .is_some_and(|id| !new_ids.contains(&**id))
        });
        found.truncate(MAX_CANDIDATES);
        found
    }

    /// Links `new` records to the known accounts (and to each other).
    pub(crate) fn link(
        &self,
        new: &[Applicant],
        params: &LinkParams,
    ) -> Result<KnownLinks, ApplicantError> {
        let mut population = self.population.clone();
        population.records = population.records.saturating_add(new.len() as u64);
        let mut input = LinkInput::new(population);
        let new_prepared: Vec<Prepared> = new.iter().map(|a| input.prepare(a)).collect();
        let found = self.chosen_candidates(new, &new_prepared);
        let known: Vec<(&str, Prepared)> = found
            .iter()
            .filter_map(|&r| {
                let r = r as usize;
                Some((&**self.ids.get(r)?, self.unpack(r)?))
            })
            .collect();
        // The batch: the new records, then the candidates, as a batch of them all would be.
        let mut batch: Vec<(&str, &Prepared)> = new
            .iter()
            .map(|a| a.id.as_str())
            .zip(&new_prepared)
            .collect();
        batch.extend(known.iter().map(|(id, p)| (*id, p)));
        input.push_prepared(&batch);
        let (ds, input_of, inputs) = input.finish();
        let run = linking::link_dataset(ds, input_of, inputs, params, None, &mut |_| {})?;
        let linked = run.linked;
        // Clusters holding a new record, renumbered in order.
        let mut keep: Vec<Option<usize>> = vec![None; linked.clusters.len()];
        let mut clusters = Vec::new();
        for c in linked.cluster_of.iter().take(new.len()).flatten() {
            if let Some(slot) = keep.get_mut(*c)
                && slot.is_none()
                && let Some(cluster) = linked.clusters.get(*c)
            {
                *slot = Some(clusters.len());
                clusters.push(cluster.clone());
            }
        }
        let cluster_of = linked
            .cluster_of
            .iter()
            .take(new.len())
            .map(|c| c.and_then(|c| keep.get(c).copied().flatten()))
            .collect();
        Ok(KnownLinks {
            clusters,
            cluster_of,
            hubs: linked.hubs,
            candidates: found.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rules;
    use crate::synth::{Generator, SynthConfig};

    /// The index keeps each account's linkage keys and fields instead of the record: linking
    /// from them must give what linking the full records of the same candidates gives.
    #[test]
    fn linking_from_kept_keys_equals_linking_the_full_records() {
        let g = Generator::new(SynthConfig {
            seed: 7,
            applicants: 2_000,
            ..Default::default()
        });
        let apps: Vec<Applicant> = (0..g.len()).map(|i| g.applicant(i)).collect();
        let late: Vec<usize> = g
            .rings()
            .iter()
            .take(6)
            .filter_map(|r| r.last().map(|&m| m as usize))
            .chain([5, 500, 1_500])
            .collect();
        let records: Vec<Applicant> = (0..apps.len())
            .filter(|i| !late.contains(i))
            .filter_map(|i| apps.get(i).cloned())
            .collect();
        let params = Rules::default_rules().link;
        let population = Population::of_size(params.population);
        let known = KnownAccounts::new(records.clone(), population.clone());
        let mut compared = 0;
        for &i in &late {
            let new = apps.get(i..=i).unwrap_or_default();
            let out = known.link(new, &params).unwrap();
            // The old way: the new record and its candidates' full records, as one batch.
            let input = LinkInput::new(Population::of_size(0));
            let prepared: Vec<Prepared> = new.iter().map(|a| input.prepare(a)).collect();
            let mut batch = new.to_vec();
            batch.extend(
                known
                    .chosen_candidates(new, &prepared)
                    .iter()
                    .filter_map(|&r| records.get(r as usize).cloned()),
            );
            let mut batch_population = population.clone();
            batch_population.records += 1;
            let (ds, input_of, inputs) = linking::dataset(&batch, batch_population);
            let full = linking::link_dataset(ds, input_of, inputs, &params, None, &mut |_| {})
                .unwrap()
                .linked;
            let full_clusters: Vec<String> = full
                .cluster_of
                .first()
                .copied()
                .flatten()
                .and_then(|c| full.clusters.get(c))
                .map(|c| format!("{:?} {} {:?}", c.members, c.score, c.links))
                .into_iter()
                .collect();
            let kept_clusters: Vec<String> = out
                .clusters
                .iter()
                .map(|c| format!("{:?} {} {:?}", c.members, c.score, c.links))
                .collect();
            assert_eq!(kept_clusters, full_clusters, "applicant {i}");
            compared += usize::from(!kept_clusters.is_empty());
        }
        // Most late ring accounts link to a ring-mate: the comparison is not of empty results.
        assert!(compared >= 4, "{compared} linked");
    }
}

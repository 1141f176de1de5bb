//! The shared-identifier graph: records linked by identifiers they share, weighted by how rare
//! the shared value is, with hub values capped.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::blocking::LinkType;
use crate::data::{Dataset, ExactKey, RecordIx};
use crate::hash::{hash_bytes, mix64};
use crate::suspects::Suspects;

/// How values of an identifier kind are compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum KeyMatch {
    /// Equal normalised values.
    Exact,
    /// 64-bit hashes within a Hamming distance (perceptual photo hashes), found by multi-index
    /// hashing: split into `max + 1` chunks, one of which must be equal (pigeonhole).
    Hamming {
        /// Largest distance that links.
        max: u32,
    },
    /// Near-duplicate texts by MinHash and LSH.
    MinHash(MinHashSpec),
}

/// MinHash/LSH parameters for near-duplicate texts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinHashSpec {
    /// Words per shingle.
    pub shingle_words: usize,
    /// LSH bands (of 64 / bands rows each); more bands find less similar pairs.
    pub bands: usize,
    /// Smallest estimated Jaccard similarity that links.
    pub min_jaccard: f64,
    /// Seed of the 64-bit shingle hash.
    pub seed: u64,
    /// Texts with fewer shingles than this get no signature (too short to tell).
    pub min_shingles: usize,
}

impl Default for MinHashSpec {
    fn default() -> Self {
        MinHashSpec {
            shingle_words: 5,
            bands: 16,
            min_jaccard: 0.8,
            seed: 0xC0DE,
            min_shingles: 8,
        }
    }
}

/// An identifier kind and how much sharing it weighs.
///
/// Sharing value `v` weighs `log2(m / max(tf(v), u_floor))` where `tf(v)` is the share of all
/// records that hold `v` (Splink's term-frequency adjustment of an exact match; all records
/// rather than those carrying the kind, so that a kind few records have, like a shipping
/// address, is not made common by its rarity). `u_floor` is how often unrelated people share such a value anyway (a family's home
/// address is shared far more often than a payout account), so it caps what one shared value
/// can weigh. Values held by more than `hub_cap` records (a VPN exit, a corporate NAT) link
/// nobody and are reported as hubs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeySpec {
    /// Name, e.g. `payout_account`.
    pub name: String,
    /// Kinds in one group count once per pair (the best of them): IP /32 and /24 are one piece
    /// of evidence, not two.
    pub group: String,
    /// P(two records of the same person share such a value).
    pub m: f64,
    /// Floor of the chance that unrelated records share a value.
    pub u_floor: f64,
    /// Largest number of records a value may link.
    pub hub_cap: usize,
    /// How values are compared.
    pub matching: KeyMatch,
    /// When the pair also shares a value of this kind (e.g. `home_address`: a household),
    /// sharing this kind is common among different people (a family PC, a joint account), so
    /// it weighs at most `log2(m / u)` with this `u`.
    pub context: Option<(String, f64)>,
}

impl KeySpec {
    /// An exact-match kind in its own group.
    pub fn exact(name: &str, m: f64, u_floor: f64, hub_cap: usize) -> Self {
        KeySpec {
            name: name.to_owned(),
            group: name.to_owned(),
            m,
            u_floor,
            hub_cap,
            matching: KeyMatch::Exact,
            context: None,
        }
    }

    /// Sets the context discount (see [`KeySpec::context`]).
    #[must_use]
    pub fn explained_by(mut self, kind: &str, u: f64) -> Self {
        self.context = Some((kind.to_owned(), u));
        self
    }

    /// Identifier kinds for applicant and account records, with the weights documented in
    /// `docs/linkage.md`: operator artifacts (payout account, wallet, device, photo, e-mail)
    /// weigh most; a shared shipping address other than home (a laptop farm) is strong; places
    /// (home address, IP, /24) count once as the `place` group; phones are often shared;
    /// sharing a device, phone or payout account inside a household (same home address) counts
    /// little.
    pub fn applicant_defaults() -> Vec<KeySpec> {
        let ctx = "home_address";
        let place = "place";
        vec![
            KeySpec::exact("email", 0.9, 1e-7, 20),
            KeySpec::exact("phone", 0.7, 1e-2, 20).explained_by(ctx, 0.3),
            KeySpec::exact("payout_account", 0.8, 1e-6, 20).explained_by(ctx, 0.2),
            KeySpec::exact("wallet", 0.8, 1e-6, 20).explained_by(ctx, 0.2),
            KeySpec::exact("device", 0.8, 1e-6, 20).explained_by(ctx, 0.3),
            KeySpec::exact("home_address", 0.5, 1e-2, 20).in_group(place),
            KeySpec::exact("shipping_address", 0.5, 1e-5, 20),
            KeySpec::exact("ip", 0.6, 1e-2, 50).in_group(place),
            KeySpec::exact("ip_net", 0.6, 3e-2, 200).in_group(place),
            KeySpec::exact("handle", 0.9, 1e-7, 5),
            KeySpec::exact("id_document", 0.95, 1e-8, 5),
            KeySpec::exact("photo", 0.7, 1e-5, 20)
                .matching(KeyMatch::Hamming { max: 6 })
                .explained_by(ctx, 0.3),
            KeySpec::exact("resume", 0.6, 1e-4, 10)
                .matching(KeyMatch::MinHash(MinHashSpec::default())),
        ]
    }

    /// Puts the kind in a group.
    #[must_use]
    pub fn in_group(mut self, group: &str) -> Self {
        self.group = group.to_owned();
        self
    }

    /// Sets how values are compared.
    #[must_use]
    pub fn matching(mut self, matching: KeyMatch) -> Self {
        self.matching = matching;
        self
    }
}

/// Evidence that a pair shares an identifier.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shared {
    pub(crate) a: RecordIx,
    pub(crate) b: RecordIx,
    pub(crate) kind: u16,
    /// Exact: the value's dictionary code; near: the distance (Hamming bits or
    /// 1000 × (1 − Jaccard)).
    pub(crate) detail: u32,
    /// Records holding the value (exact) or near it.
    pub(crate) degree: u32,
    /// Holders in units (households; see [`Suspects`]), and the suspect ones among them
    /// (0 without suspects).
    pub(crate) units: u16,
    pub(crate) suspects: u16,
    pub(crate) weight: f64,
}

/// A value held by more records than its kind's hub cap.
#[derive(Debug, Clone, Serialize)]
pub struct Hub {
    /// Identifier kind.
    pub kind: String,
    /// The value (for near kinds, a description).
    pub value: String,
    /// Records holding it.
    pub records: usize,
}

/// Weight of sharing a value held by `degree` of `n` records.
fn evidence(spec: &KeySpec, degree: usize, n: usize) -> f64 {
    let tf = degree as f64 / n.max(1) as f64;
    (spec.m / tf.max(spec.u_floor)).log2()
}

/// All identifier evidence, sorted by pair, and the hubs found.
pub(crate) fn shared_identifiers(
    ds: &Dataset,
    link_type: LinkType,
    max_hubs: usize,
    suspects: Option<&Suspects>,
) -> (Vec<Shared>, Vec<Hub>) {
    let suspect = |r: RecordIx| suspects.is_some_and(|s| s.is_suspect(r));
    let u16_of = |x: usize| u16::try_from(x).unwrap_or(u16::MAX);
    // tf denominators: every record of the population (see `KeySpec`).
    let n = usize::try_from(ds.population_records()).unwrap_or(usize::MAX);
    let mut hubs = Vec::new();
    // Exact postings: runs of (kind, code) in the sorted key list, with their holders in the
    // population.
    let mut runs = Vec::new();
    for (s, e) in value_runs(&ds.exact_keys) {
        let Some(first) = ds.exact_keys.get(s) else {
            continue;
        };
        let Some(spec) = ds.kinds.get(first.kind as usize) else {
            continue;
        };
        let holders = ds.key_holders(first.kind, first.code, e - s);
        if holders > spec.hub_cap {
            hubs.push(Hub {
                kind: spec.name.clone(),
                value: ds.key_value(first.kind, first.code).to_owned(),
                records: holders,
            });
        } else if e - s > 1 {
            runs.push((s, e, holders));
        }
    }
    let keys = &ds.exact_keys;
    let mut out: Vec<Shared> = runs
        .par_iter()
        .flat_map_iter(|&(s, e, holders)| {
            let run = keys.get(s..e).unwrap_or_default();
            let mut v = Vec::new();
            let Some(first) = run.first() else { return v };
            let Some(spec) = ds.kinds.get(first.kind as usize) else {
                return v;
            };
            let w = evidence(spec, holders, n);
            let (units, run_suspects) = suspects.map_or((holders, 0), |sp| {
                sp.count(run.iter().map(|x| x.rec), holders)
            });
            for (i, x) in run.iter().enumerate() {
                for y in run.get(i + 1..).unwrap_or_default() {
                    if link_type.allows(ds, x.rec, y.rec) {
                        v.push(Shared {
                            a: x.rec.min(y.rec),
                            b: x.rec.max(y.rec),
                            kind: first.kind,
                            detail: first.code,
                            degree: u32::try_from(holders).unwrap_or(u32::MAX),
                            units: u16_of(units),
                            suspects: u16_of(run_suspects),
                            weight: w,
                        });
                    }
                }
            }
            v
        })
        .collect();
    near_hamming(ds, link_type, n, &suspect, &mut out, &mut hubs);
    near_minhash(ds, link_type, n, &suspect, &mut out, &mut hubs);
    out.par_sort_unstable_by(|x, y| {
        (x.a, x.b, x.kind, x.detail).cmp(&(y.a, y.b, y.kind, y.detail))
    });
    hubs.sort_by(|x, y| y.records.cmp(&x.records).then(x.value.cmp(&y.value)));
    hubs.truncate(max_hubs);
    (out, hubs)
}

/// `(start, end)` of each run of equal (kind, value) in sorted exact keys: the records holding
/// one value.
pub(crate) fn value_runs(keys: &[ExactKey]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut s = 0;
    std::iter::from_fn(move || {
        let first = keys.get(s)?;
        let mut e = s + 1;
        while keys
            .get(e)
            .is_some_and(|k| k.kind == first.kind && k.code == first.code)
        {
            e += 1;
        }
        let run = (s, e);
        s = e;
        Some(run)
    })
}

/// Per record, the exact identifier values it shares with other records of a dataset (see
/// [`Dataset::shared_values`]).
#[derive(Debug, Clone, Default)]
pub struct SharedIndex {
    /// (start, end) in the dataset's sorted keys and population holders, per shared value.
    runs: Vec<(u32, u32, u32)>,
    /// Per record r, `run_ids[offsets[r]..offsets[r + 1]]` are the values it holds.
    offsets: Vec<u32>,
    run_ids: Vec<u32>,
}

/// One identifier value a record shares with others.
#[derive(Debug, Clone, Copy)]
pub struct SharedValue<'a> {
    /// Identifier kind.
    pub kind: &'a str,
    /// The (normalised) value.
    pub value: &'a str,
    /// Records holding it in the population (at least its holders in the dataset).
    pub records: usize,
    holders: &'a [ExactKey],
}

impl SharedValue<'_> {
    /// The dataset's records holding the value, ascending.
    pub fn holders(&self) -> impl Iterator<Item = RecordIx> + '_ {
        self.holders.iter().map(|k| k.rec)
    }
}

impl Dataset {
    /// Per record, the exact identifier values it shares with at least one other record of
    /// the dataset, leaving out values held by more than `max_records` records of the
    /// population (hubs). The same postings and population counts as linking uses.
    pub fn shared_values(&self, max_records: usize) -> SharedIndex {
        let mut runs = Vec::new();
        let mut per_record = vec![0u32; self.len() + 1];
        for (s, e) in value_runs(&self.exact_keys) {
            let Some(first) = self.exact_keys.get(s) else {
                continue;
            };
            let holders = self.key_holders(first.kind, first.code, e - s);
            if e - s < 2 || holders > max_records {
                continue;
            }
            for k in self.exact_keys.get(s..e).unwrap_or_default() {
                if let Some(c) = per_record.get_mut(k.rec as usize + 1) {
                    *c += 1;
                }
            }
            runs.push((
                s as u32,
                e as u32,
                u32::try_from(holders).unwrap_or(u32::MAX),
            ));
        }
        for i in 1..per_record.len() {
            let prev = per_record.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = per_record.get_mut(i) {
                *c += prev;
            }
        }
        let mut fill = per_record.clone();
        let mut run_ids = vec![0u32; per_record.last().copied().unwrap_or(0) as usize];
        for (ri, &(s, e, _)) in runs.iter().enumerate() {
            for k in self
                .exact_keys
                .get(s as usize..e as usize)
                .unwrap_or_default()
            {
                if let Some(pos) = fill.get_mut(k.rec as usize) {
                    if let Some(slot) = run_ids.get_mut(*pos as usize) {
                        *slot = ri as u32;
                    }
                    *pos += 1;
                }
            }
        }
        SharedIndex {
            runs,
            offsets: per_record,
            run_ids,
        }
    }
}

impl SharedIndex {
    /// The values record `rec` of `ds` (the dataset the index was made from) shares.
    pub fn of<'a>(
        &'a self,
        ds: &'a Dataset,
        rec: RecordIx,
    ) -> impl Iterator<Item = SharedValue<'a>> + 'a {
        let lo = self.offsets.get(rec as usize).copied().unwrap_or(0) as usize;
        let hi = self.offsets.get(rec as usize + 1).copied().unwrap_or(0) as usize;
        self.run_ids
            .get(lo..hi)
            .unwrap_or_default()
            .iter()
            .filter_map(move |&ri| {
                let &(s, e, records) = self.runs.get(ri as usize)?;
                let holders = ds.exact_keys.get(s as usize..e as usize)?;
                let first = holders.first()?;
                Some(SharedValue {
                    kind: ds.kinds.get(first.kind as usize)?.name.as_str(),
                    value: ds.key_value(first.kind, first.code),
                    records: records as usize,
                    holders,
                })
            })
    }
}

/// Keeps, per kind, near pairs whose both records have at most `hub_cap` neighbours, weighting
/// each by the larger neighbourhood (a popular résumé template is a weak signal).
#[allow(clippy::too_many_arguments)]
fn weigh_near(
    ds: &Dataset,
    kind: u16,
    pairs: Vec<(RecordIx, RecordIx, u32)>,
    n: usize,
    suspect: &dyn Fn(RecordIx) -> bool,
    out: &mut Vec<Shared>,
    hubs: &mut Vec<Hub>,
    penalty_per_unit: f64,
) {
    let Some(spec) = ds.kinds.get(kind as usize) else {
        return;
    };
    // Per record: (itself and its neighbours, the suspects among them).
    let mut degree: FxHashMap<RecordIx, (u32, u32)> = FxHashMap::default();
    for &(a, b, _) in &pairs {
        for (x, y) in [(a, b), (b, a)] {
            let e = degree.entry(x).or_insert((1, u32::from(suspect(x))));
            e.0 += 1;
            e.1 += u32::from(suspect(y));
        }
    }
    let mut hub_recs: Vec<(u32, RecordIx)> = degree
        .iter()
        .filter(|&(_, &(d, _))| d as usize > spec.hub_cap)
        .map(|(&r, &(d, _))| (d, r))
        .collect();
    hub_recs.sort_unstable_by(|x, y| y.cmp(x));
    if let Some(&(d, r)) = hub_recs.first() {
        hubs.push(Hub {
            kind: spec.name.clone(),
            value: format!(
                "{} records each near more than {} others (largest: {} near {})",
                hub_recs.len(),
                spec.hub_cap,
                ds.id(r),
                d
            ),
            records: d as usize,
        });
    }
    for (a, b, dist) in pairs {
        let na = degree.get(&a).copied().unwrap_or((1, 0));
        let nb = degree.get(&b).copied().unwrap_or((1, 0));
        // The larger neighbourhood is the "value" (and, on a tie, the one with fewer
        // suspects: the weaker reading).
        let (d, s) = if (na.0, nb.1) >= (nb.0, na.1) { na } else { nb };
        if d as usize > spec.hub_cap {
            continue;
        }
        out.push(Shared {
            a,
            b,
            kind,
            detail: dist,
            degree: d,
            units: u16::try_from(d).unwrap_or(u16::MAX),
            suspects: u16::try_from(s).unwrap_or(u16::MAX),
            weight: evidence(spec, d as usize, n) - penalty_per_unit * f64::from(dist),
        });
    }
}

fn near_hamming(
    ds: &Dataset,
    link_type: LinkType,
    n: usize,
    suspect: &dyn Fn(RecordIx) -> bool,
    out: &mut Vec<Shared>,
    hubs: &mut Vec<Hub>,
) {
    for (kind, spec) in ds.kinds.iter().enumerate() {
        let KeyMatch::Hamming { max } = spec.matching else {
            continue;
        };
        let kind = kind as u16;
        let items: Vec<(u64, RecordIx)> = ds
            .bits_keys
            .iter()
            .filter(|k| k.0 == kind)
            .map(|k| (k.1, k.2))
            .collect();
        // Pigeonhole: split the 64 bits into `max + 2` chunks; hashes within distance `max`
        // agree exactly on at least two of them, so every pair of chunks is a bucket key (16
        // bits for `max` 6: buckets stay small at millions of photos, where one 9-bit chunk
        // would put thousands in each).
        let chunks = (max as usize + 2).min(64);
        let bounds = |c: usize| (64 * c / chunks, 64 * (c + 1) / chunks);
        let part = |h: u64, c: usize| {
            let (lo, hi) = bounds(c);
            let width = hi - lo;
            let mask = if width >= 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            ((h >> lo) & mask, width)
        };
        let combos: Vec<(usize, usize)> = (0..chunks)
            .flat_map(|i| (i + 1..chunks).map(move |j| (i, j)))
            .collect();
        let items = &items;
        let mut pairs: Vec<(RecordIx, RecordIx, u32)> = combos
            .par_iter()
            .flat_map_iter(|&(ci, cj)| {
                let (_, wj) = part(0, cj);
                let key_bits = (part(0, ci).1 + wj).min(63) as i32;
                let mut idx: Vec<(u64, usize)> = items
                    .iter()
                    .enumerate()
                    .map(|(i, &(h, _))| {
                        let ((a, _), (b, _)) = (part(h, ci), part(h, cj));
                        ((a << wj) | b, i)
                    })
                    .collect();
                idx.sort_unstable();
                // A bucket far beyond its expected size is a degenerate hash (all zeros):
                // skip it.
                let expected = idx.len() as f64 / 2f64.powi(key_bits);
                let limit = spec
                    .hub_cap
                    .saturating_mul(4)
                    .max(2)
                    .max((8.0 * expected) as usize + 16);
                let mut found = Vec::new();
                for_each_pair_in_buckets(&idx, limit, |x, y| {
                    let (Some(&(hx, rx)), Some(&(hy, ry))) = (items.get(x), items.get(y)) else {
                        return;
                    };
                    let d = (hx ^ hy).count_ones();
                    if rx != ry && d <= max && link_type.allows(ds, rx, ry) {
                        found.push((rx.min(ry), rx.max(ry), d));
                    }
                });
                found
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| (p.0, p.1));
        weigh_near(ds, kind, pairs, n, suspect, out, hubs, 0.25);
    }
}

fn near_minhash(
    ds: &Dataset,
    link_type: LinkType,
    n: usize,
    suspect: &dyn Fn(RecordIx) -> bool,
    out: &mut Vec<Shared>,
    hubs: &mut Vec<Hub>,
) {
    for (kind, spec) in ds.kinds.iter().enumerate() {
        let KeyMatch::MinHash(mh) = &spec.matching else {
            continue;
        };
        let kind = kind as u16;
        let items: Vec<(RecordIx, &[u64])> = ds
            .text_keys
            .iter()
            .filter(|k| k.0 == kind)
            .map(|k| (k.1, &*k.2))
            .collect();
        let bands = mh.bands.clamp(1, SIG);
        let rows = SIG / bands;
        let mut pairs: Vec<(RecordIx, RecordIx)> = Vec::new();
        for band in 0..bands {
            let mut idx: Vec<(u64, usize)> = items
                .iter()
                .enumerate()
                .map(|(i, (_, sig))| (band_key(sig, band, rows), i))
                .collect();
            idx.sort_unstable();
            for_each_pair_in_buckets(&idx, spec.hub_cap.saturating_mul(4).max(2), |x, y| {
                if let (Some(&(rx, _)), Some(&(ry, _))) = (items.get(x), items.get(y))
                    && rx != ry
                    && link_type.allows(ds, rx, ry)
                {
                    pairs.push((rx.min(ry), rx.max(ry)));
                }
            });
        }
        pairs.sort_unstable();
        pairs.dedup();
        let sig_of: FxHashMap<RecordIx, &[u64]> = items.iter().copied().collect();
        let verified: Vec<(RecordIx, RecordIx, u32)> = pairs
            .into_iter()
            .filter_map(|(a, b)| {
                let j = jaccard_estimate(sig_of.get(&a)?, sig_of.get(&b)?);
                (j >= mh.min_jaccard).then(|| (a, b, ((1.0 - j) * 1000.0).round() as u32))
            })
            .collect();
        weigh_near(ds, kind, verified, n, suspect, out, hubs, 0.005);
    }
}

/// Calls `visit` with the item indexes of every pair in each bucket of `idx` (sorted by key) that
/// holds at most `limit` items; a bigger bucket is a hub or a degenerate key and is skipped.
fn for_each_pair_in_buckets(
    idx: &[(u64, usize)],
    limit: usize,
    mut visit: impl FnMut(usize, usize),
) {
    for run in idx.chunk_by(|a, b| a.0 == b.0) {
        if run.len() > limit {
            continue;
        }
        for (i, &(_, x)) in run.iter().enumerate() {
            for &(_, y) in run.get(i + 1..).unwrap_or_default() {
                visit(x, y);
            }
        }
    }
}

/// The LSH key of one band of a signature.
fn band_key(sig: &[u64], band: usize, rows: usize) -> u64 {
    let part = sig.get(band * rows..(band + 1) * rows).unwrap_or_default();
    part.iter().fold(band as u64, |h, &x| mix64(h ^ x))
}

/// A text's MinHash signature and its LSH band keys, as linking computes them: two texts
/// whose keys share a value are the candidates linking verifies (`estimated_jaccard` against
/// `spec.min_jaccard`). `None` when the text is too short to compare. For callers that index
/// texts outside a [`Dataset`] (new records matched against stored ones).
pub fn minhash_bands(text: &str, spec: &MinHashSpec) -> Option<(Box<[u64]>, Vec<u64>)> {
    let sig = minhash_signature(text, spec)?;
    let bands = spec.bands.clamp(1, SIG);
    let rows = SIG / bands;
    let keys = (0..bands).map(|b| band_key(&sig, b, rows)).collect();
    Some((sig, keys))
}

/// The share of equal bins of two signatures: the estimated Jaccard similarity of the texts.
pub fn estimated_jaccard(a: &[u64], b: &[u64]) -> f64 {
    jaccard_estimate(a, b)
}

/// Signature length (one-permutation hashing bins).
pub(crate) const SIG: usize = 64;

/// A MinHash signature of a text's word shingles by one-permutation hashing with rotation
/// densification: one seeded 64-bit hash per shingle, so a 10 MB résumé costs one pass.
/// `None` when the text has fewer shingles than `spec.min_shingles`.
pub(crate) fn minhash_signature(text: &str, spec: &MinHashSpec) -> Option<Box<[u64]>> {
    // Shingles are hashed from a ring of the last `w` word hashes (at most 16 words).
    let w = spec.shingle_words.clamp(1, 16);
    let mut ring = [0u64; 16];
    let mut seen = 0usize;
    let mut bins = [u64::MAX; SIG];
    let mut shingles = 0usize;
    let mut word = Vec::<u8>::with_capacity(32);
    let mut flush = |word: &mut Vec<u8>| {
        if word.is_empty() {
            return;
        }
        let h = hash_bytes(spec.seed, word);
        word.clear();
        if let Some(slot) = ring.get_mut(seen % w) {
            *slot = h;
        }
        seen += 1;
        if seen >= w {
            // Oldest to newest, so the shingle hash is order-sensitive.
            let sh = (0..w).fold(spec.seed, |acc, k| {
                mix64(acc ^ ring.get((seen + k) % w).copied().unwrap_or(0))
            });
            let bin = (sh >> 58) as usize;
            if let Some(slot) = bins.get_mut(bin) {
                *slot = (*slot).min(sh & ((1 << 58) - 1));
            }
            shingles += 1;
        }
    };
    if text.is_ascii() {
        for &c in text.as_bytes() {
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            } else {
                flush(&mut word);
            }
        }
    } else {
        for ch in text.chars() {
            if ch.is_alphanumeric() {
                for lc in ch.to_lowercase() {
                    let mut buf = [0u8; 4];
                    word.extend_from_slice(lc.encode_utf8(&mut buf).as_bytes());
                }
            } else {
                flush(&mut word);
            }
        }
    }
    flush(&mut word);
    if shingles < spec.min_shingles.max(1) {
        return None;
    }
    // Densify: an empty bin borrows the next non-empty bin's value, tagged by the distance so
    // that borrowed and real values rarely collide.
    let mut sig = [0u64; SIG];
    for (i, s) in sig.iter_mut().enumerate() {
        let mut j = 0;
        while j < SIG {
            let v = bins.get((i + j) % SIG).copied().unwrap_or(u64::MAX);
            if v != u64::MAX {
                *s = mix64(v ^ ((j as u64) << 58));
                break;
            }
            j += 1;
        }
    }
    Some(sig.into())
}

/// Share of equal signature positions: an unbiased estimate of Jaccard similarity.
pub(crate) fn jaccard_estimate(a: &[u64], b: &[u64]) -> f64 {
    let eq = a.iter().zip(b).filter(|(x, y)| x == y).count();
    eq as f64 / a.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicate_texts_have_high_estimated_jaccard() {
        let spec = MinHashSpec::default();
        let base: Vec<String> = (0..300).map(|i| format!("word{i}")).collect();
        let a = base.join(" ");
        let mut b_words = base.clone();
        b_words[150] = "changed".into();
        let b = b_words.join(" ");
        let c: String = (0..300).map(|i| format!("other{i} ")).collect();
        let (sa, sb, sc) = (
            minhash_signature(&a, &spec).unwrap(),
            minhash_signature(&b, &spec).unwrap(),
            minhash_signature(&c, &spec).unwrap(),
        );
        assert!(jaccard_estimate(&sa, &sb) > 0.85);
        assert!(jaccard_estimate(&sa, &sc) < 0.1);
        assert!(minhash_signature("too short", &spec).is_none());
        // Case and punctuation do not matter; the non-ASCII path folds case too.
        let upper = a.to_uppercase().replace(' ', ", ");
        assert_eq!(minhash_signature(&upper, &spec), Some(sa.clone()));
        let greek = "ΑΒΓ δεζ ηθι κλμ νξο πρσ τυφ χψω αβγ δεζ ηθι κλμ";
        assert_eq!(
            minhash_signature(greek, &spec),
            minhash_signature(&greek.to_lowercase(), &spec)
        );
    }

    #[test]
    fn shared_values_per_record_leave_out_hubs() {
        use crate::data::{DatasetBuilder, KeyValue, RecordRef};
        use crate::population::Population;
        use cordon_model::Location;
        let mut pop = Population::of_size(1_000);
        pop.set_key_count("ip", "9.9.9.9", 400);
        let mut b = DatasetBuilder::new(&["x"]).with_population(pop);
        let phone = b.key_kind(KeySpec::exact("phone", 0.7, 1e-2, 20));
        let ip = b.key_kind(KeySpec::exact("ip", 0.6, 1e-2, 50));
        let rows = [
            ("+15550001", "9.9.9.9"),
            ("+15550001", "9.9.9.9"),
            ("+15550002", "1.1.1.1"),
        ];
        for (i, (p, a)) in rows.iter().enumerate() {
            b.push(RecordRef {
                id: i.to_string().as_bytes(),
                source: 0,
                fields: &[None],
                keys: &[
                    (phone, KeyValue::Exact((*p).into())),
                    (ip, KeyValue::Exact((*a).into())),
                ],
                location: &Location::default(),
            });
        }
        let ds = b.finish().0;
        let idx = ds.shared_values(20);
        let of = |r| {
            idx.of(&ds, r)
                .map(|v| (v.kind, v.value, v.records, v.holders().collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        };
        // The IP is held by 400 of the population: a hub, left out.
        assert_eq!(of(0), [("phone", "+15550001", 2, vec![0, 1])]);
        assert_eq!(of(1), [("phone", "+15550001", 2, vec![0, 1])]);
        assert!(of(2).is_empty());
        assert_eq!(ds.shared_values(1_000).of(&ds, 0).count(), 2);
    }

    #[test]
    fn rare_values_weigh_more_than_common_ones() {
        let spec = KeySpec::exact("ip", 0.9, 1e-6, 50);
        assert!(evidence(&spec, 2, 10_000) > evidence(&spec, 40, 10_000) + 4.0);
    }
}

//! The record store: named fields (columnar, interned) and identifier keys.

use cordon_model::{Diagnostic, Location};
use rustc_hash::FxHashMap;

use crate::hash::hash_bytes;
use crate::ident::{KeyMatch, KeySpec, MinHashSpec, minhash_bands, minhash_signature};
use crate::population::{Population, value_hash};

/// Index of a record in a [`Dataset`] (insertion order of accepted records).
pub type RecordIx = u32;

/// Limits applied while reading records; values beyond them are truncated and reported.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest field value kept for comparisons, in bytes (longer values are cut at a character
    /// boundary and reported).
    pub max_field_bytes: usize,
    /// Largest text kept for near-duplicate keys (résumés), in bytes.
    pub max_text_bytes: usize,
    /// Largest exact key value, in bytes.
    pub max_key_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_bytes: 4096,
            max_text_bytes: 1 << 20,
            max_key_bytes: 1024,
        }
    }
}

/// One identifier a record carries, named by its kind (registered with
/// [`DatasetBuilder::key_kind`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    /// An exact value (already normalised: see [`crate::normalize`]).
    Exact(String),
    /// A 64-bit hash compared by Hamming distance (a photo's perceptual hash).
    Bits(u64),
    /// A text compared by MinHash near-duplicate detection (a résumé).
    Text(Vec<u8>),
    /// A text's MinHash signature, computed ahead by [`text_minhash`] exactly as the dataset
    /// would compute it from the text: an index of many records keeps 512 bytes instead of
    /// each résumé. The text's own problems were reported when it was read.
    Signature(Box<[u64]>),
}

/// The MinHash signature and LSH band keys a dataset built under `limits` computes for the text
/// `raw` (its first `max_text_bytes`, decoded the same way); `None` when the text is too short
/// to compare. With [`KeyValue::Signature`], for indexes that keep signatures, not texts.
pub fn text_minhash(
    raw: &[u8],
    spec: &MinHashSpec,
    limits: &Limits,
) -> Option<(Box<[u64]>, Vec<u64>)> {
    minhash_bands(&lossy_prefix(raw, limits.max_text_bytes), spec)
}

/// One column: values interned so that equality is a code comparison and term frequencies are
/// counts.
#[derive(Debug, Default)]
pub(crate) struct Column {
    /// Per record: 0 = missing, otherwise dictionary index + 1.
    pub(crate) codes: Vec<u32>,
    pub(crate) dict: Vec<Box<str>>,
    /// Seeded hash of each dictionary value (blocking keys, cross-field equality).
    pub(crate) hashes: Vec<u64>,
    pub(crate) counts: Vec<u32>,
    pub(crate) non_null: u32,
    /// What the population says about this field, when the dataset is part of a larger one.
    pub(crate) population: FieldPopulation,
}

/// A field's value counts in the population (see [`Population`]).
#[derive(Debug, Default)]
pub(crate) enum FieldPopulation {
    /// The dataset is the whole population.
    #[default]
    Dataset,
    /// A larger population whose counts of this field are unknown: term frequencies cannot be
    /// judged from the batch.
    Unknown,
    /// Known counts.
    Known {
        /// Per dictionary code - 1: records of the population holding the value.
        counts: Vec<u32>,
        /// Records of the population with a value.
        non_null: u64,
        /// Σ c·(c − 1) over the population's values (pairs agreeing exactly, twice).
        agreeing: f64,
    },
}

impl Column {
    /// The value of a record, `None` when missing.
    pub(crate) fn get(&self, rec: RecordIx) -> Option<&str> {
        let code = *self.codes.get(rec as usize)?;
        if code == 0 {
            return None;
        }
        self.dict.get(code as usize - 1).map(|s| &**s)
    }

    pub(crate) fn code(&self, rec: RecordIx) -> u32 {
        self.codes.get(rec as usize).copied().unwrap_or(0)
    }

    /// Share of non-missing records holding this code, in the population; `None` when the
    /// population is larger than the dataset and its counts of this field are unknown.
    pub(crate) fn tf(&self, code: u32) -> Option<f64> {
        if code == 0 || self.non_null == 0 {
            return Some(1.0);
        }
        let c = self.counts.get(code as usize - 1).copied().unwrap_or(0);
        match &self.population {
            FieldPopulation::Dataset => Some(f64::from(c) / f64::from(self.non_null)),
            FieldPopulation::Unknown => None,
            FieldPopulation::Known {
                counts, non_null, ..
            } => {
                let known = counts.get(code as usize - 1).copied().unwrap_or(0);
                let n = (*non_null).max(u64::from(self.non_null));
                Some(f64::from(c.max(known)) / n as f64)
            }
        }
    }
}

/// An exact identifier held by a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ExactKey {
    pub(crate) kind: u16,
    pub(crate) code: u32,
    pub(crate) rec: RecordIx,
}

/// Records with named fields and identifier keys, ready for linkage. Build with
/// [`DatasetBuilder`].
#[derive(Debug)]
pub struct Dataset {
    pub(crate) field_names: Vec<String>,
    pub(crate) ids: Vec<Box<str>>,
    pub(crate) sources: Vec<u16>,
    pub(crate) columns: Vec<Column>,
    pub(crate) kinds: Vec<KeySpec>,
    /// Per kind, the dictionary of exact values.
    pub(crate) key_dicts: Vec<Vec<Box<str>>>,
    pub(crate) exact_keys: Vec<ExactKey>,
    pub(crate) bits_keys: Vec<(u16, u64, RecordIx)>,
    pub(crate) text_keys: Vec<(u16, RecordIx, Box<[u64]>)>,
    /// Records in the population the dataset is drawn from (at least its own).
    pub(crate) population_records: u64,
    /// Per kind, per value code: records of the population known to hold it (empty when no
    /// population was given).
    pub(crate) key_known: Vec<Vec<u32>>,
}

impl Dataset {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there is no record.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The caller's id of a record.
    pub fn id(&self, rec: RecordIx) -> &str {
        self.ids.get(rec as usize).map_or("", |s| s)
    }

    /// The source (0 for deduplication; 0/1 for linking two files) of a record.
    pub fn source(&self, rec: RecordIx) -> u16 {
        self.sources.get(rec as usize).copied().unwrap_or(0)
    }

    /// The index of a field by name.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.field_names.iter().position(|f| f == name)
    }

    /// A record's value of a field, `None` when missing.
    pub fn value(&self, rec: RecordIx, field: usize) -> Option<&str> {
        self.columns.get(field)?.get(rec)
    }

    /// The interned code of a record's value of a field: 0 when missing, equal for equal values
    /// (cheap grouping of records by value).
    pub fn value_code(&self, rec: RecordIx, field: usize) -> u32 {
        self.columns.get(field).map_or(0, |c| c.code(rec))
    }

    /// The field names, in column order.
    pub fn field_names(&self) -> &[String] {
        &self.field_names
    }

    /// The registered identifier kinds.
    pub fn key_kinds(&self) -> &[KeySpec] {
        &self.kinds
    }

    /// Records in the population this dataset is judged against (its own size unless
    /// [`DatasetBuilder::with_population`] gave a larger one).
    pub fn population_records(&self) -> u64 {
        self.population_records
    }

    /// Records holding an identifier value: the larger of the dataset's holders and the
    /// population's known count.
    pub(crate) fn key_holders(&self, kind: u16, code: u32, in_dataset: usize) -> usize {
        let known = self
            .key_known
            .get(kind as usize)
            .and_then(|k| k.get(code as usize))
            .copied()
            .unwrap_or(0);
        in_dataset.max(known as usize)
    }

    pub(crate) fn key_value(&self, kind: u16, code: u32) -> &str {
        self.key_dicts
            .get(kind as usize)
            .and_then(|d| d.get(code as usize))
            .map_or("", |s| s)
    }
}

/// Builds a [`Dataset`] record by record; bad values are reported as [`Diagnostic`]s and the
/// rest of the record is kept.
#[derive(Debug)]
pub struct DatasetBuilder {
    field_names: Vec<String>,
    maps: Vec<FxHashMap<Box<str>, u32>>,
    columns: Vec<Column>,
    ids: Vec<Box<str>>,
    id_index: FxHashMap<Box<str>, RecordIx>,
    sources: Vec<u16>,
    kinds: Vec<KeySpec>,
    key_maps: Vec<FxHashMap<Box<str>, u32>>,
    exact_keys: Vec<ExactKey>,
    bits_keys: Vec<(u16, u64, RecordIx)>,
    text_keys: Vec<(u16, RecordIx, Box<[u64]>)>,
    limits: Limits,
    diagnostics: Vec<Diagnostic>,
    population: Option<Population>,
}

/// A record offered to [`DatasetBuilder::push`].
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    /// The caller's record id (must be unique).
    pub id: &'a [u8],
    /// 0 for deduplication; the file index when linking files.
    pub source: u16,
    /// One value per field, in the order given to [`DatasetBuilder::new`]; `None` or empty =
    /// missing. Invalid UTF-8 is replaced and reported.
    pub fields: &'a [Option<&'a [u8]>],
    /// Identifier keys: (kind index from [`DatasetBuilder::key_kind`], value).
    pub keys: &'a [(u16, KeyValue)],
    /// Where the record came from, for diagnostics (line, byte).
    pub location: &'a Location,
}

impl DatasetBuilder {
    /// A builder for records with these named fields.
    pub fn new<S: AsRef<str>>(fields: &[S]) -> Self {
        let n = fields.len();
        DatasetBuilder {
            field_names: fields.iter().map(|f| f.as_ref().to_owned()).collect(),
            maps: (0..n).map(|_| FxHashMap::default()).collect(),
            columns: (0..n).map(|_| Column::default()).collect(),
            ids: Vec::new(),
            id_index: FxHashMap::default(),
            sources: Vec::new(),
            kinds: Vec::new(),
            key_maps: Vec::new(),
            exact_keys: Vec::new(),
            bits_keys: Vec::new(),
            text_keys: Vec::new(),
            limits: Limits::default(),
            diagnostics: Vec::new(),
            population: None,
        }
    }

    /// Judges rarity against a population the records are drawn from (see [`Population`]):
    /// term frequencies, hub caps and the u of exact comparison levels use its counts.
    #[must_use]
    pub fn with_population(mut self, population: Population) -> Self {
        self.population = Some(population);
        self
    }

    /// Replaces the size limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The size limits in force (what [`text_minhash`] needs to match this builder).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Registers an identifier kind and returns its index for [`RecordRef::keys`]. Registering
    /// the same name twice returns the first index.
    pub fn key_kind(&mut self, spec: KeySpec) -> u16 {
        if let Some(i) = self.kinds.iter().position(|k| k.name == spec.name) {
            return i as u16;
        }
        self.kinds.push(spec);
        self.key_maps.push(FxHashMap::default());
        (self.kinds.len() - 1) as u16
    }

    /// The identifier kinds registered, in index order.
    pub fn key_kinds(&self) -> &[KeySpec] {
        &self.kinds
    }

    /// Number of records accepted so far.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when no record was accepted yet.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Reserves room for `n` more records.
    pub fn reserve(&mut self, n: usize) {
        self.ids.reserve(n);
        self.sources.reserve(n);
        for c in &mut self.columns {
            c.codes.reserve(n);
        }
    }

    /// Adds a record. A record without an id, or whose id was seen before, is rejected with an
    /// error diagnostic (and `None` is returned); bad values inside an accepted record are
    /// reported as warnings and the value is dropped or truncated.
    pub fn push(&mut self, rec: RecordRef<'_>) -> Option<RecordIx> {
        self.push_batch(std::slice::from_ref(&rec))
            .into_iter()
            .next()
            .flatten()
    }

    /// Adds many records: the same result (records, codes, keys, diagnostics in order) as
    /// pushing them one by one. Ids are checked in order; then every field column and every
    /// identifier kind is interned by its own task (each owns its dictionary and sees the
    /// records in order, so codes are those of one-by-one pushing), and MinHash signatures
    /// are computed in parallel per record — at a million records the interning of tens of
    /// millions of login addresses was the sequential part of building a dataset.
    pub fn push_batch(&mut self, recs: &[RecordRef<'_>]) -> Vec<Option<RecordIx>> {
        use rayon::prelude::*;
        let max = self.limits.max_text_bytes;
        let kinds = &self.kinds;
        // Below this many records, tasks cost more than they save (`push` is a batch of one).
        let parallel = recs.len() >= PARALLEL_BATCH;
        let signatures = |r: &RecordRef<'_>| -> Vec<Option<Box<[u64]>>> {
            r.keys
                .iter()
                .map(|(kind, value)| match (value, kinds.get(*kind as usize)) {
                    (KeyValue::Text(t), Some(spec)) => match &spec.matching {
                        KeyMatch::MinHash(mh) => minhash_signature(&lossy_prefix(t, max), mh),
                        _ => None,
                    },
                    (KeyValue::Signature(sig), Some(spec)) => {
                        matches!(spec.matching, KeyMatch::MinHash(_)).then(|| sig.clone())
                    }
                    _ => None,
                })
                .collect()
        };
        let mut sigs: Vec<Vec<Option<Box<[u64]>>>> = if parallel {
            recs.par_iter().map(signatures).collect()
        } else {
            recs.iter().map(signatures).collect()
        };
        let mut tagged: Vec<Tagged> = Vec::new();
        // (batch position, record index) of the accepted records, in order.
        let mut accepted: Vec<(usize, RecordIx)> = Vec::with_capacity(recs.len());
        let mut out = Vec::with_capacity(recs.len());
        for (pos, rec) in recs.iter().enumerate() {
            let ix = self.accept(pos, rec, &mut tagged);
            if let Some(ix) = ix {
                accepted.push((pos, ix));
            }
            out.push(ix);
        }
        let nf = self.field_names.len();
        // Per kind, its keys as (accepted record, key index): one pass, so that each kind's
        // task reads only its own keys.
        let mut of_kind: Vec<Vec<(u32, u32)>> = vec![Vec::new(); self.kinds.len()];
        for (a, &(pos, _)) in accepted.iter().enumerate() {
            for (i, (kind, _)) in recs.get(pos).map_or(&[][..], |r| r.keys).iter().enumerate() {
                if let Some(list) = of_kind.get_mut(usize::from(*kind)) {
                    list.push((a as u32, i as u32));
                }
            }
        }
        let limits = &self.limits;
        let field_names = &self.field_names;
        let kinds = &self.kinds;
        let accepted = &accepted;
        let column = |(f, (map, col)): (usize, (&mut FxHashMap<Box<str>, u32>, &mut Column))| {
            let name = field_names.get(f).map_or("", String::as_str);
            intern_column(f, name, map, col, recs, accepted, limits)
        };
        type KindTask<'t> = (
            usize,
            (
                (&'t mut FxHashMap<Box<str>, u32>, &'t KeySpec),
                &'t Vec<(u32, u32)>,
            ),
        );
        let kind_task = |(kind, ((map, spec), keys)): KindTask<'_>| {
            let kind = u16::try_from(kind).unwrap_or(u16::MAX);
            intern_kind(kind, spec, map, recs, accepted, keys, limits, nf)
        };
        let (field_diags, by_kind): (Vec<Vec<Tagged>>, Vec<KindOut>) = if parallel {
            rayon::join(
                || {
                    (self.maps.par_iter_mut().zip(self.columns.par_iter_mut()))
                        .enumerate()
                        .map(column)
                        .collect()
                },
                || {
                    (self.key_maps.par_iter_mut().zip(kinds.par_iter()))
                        .zip(of_kind.par_iter())
                        .enumerate()
                        .map(kind_task)
                        .collect()
                },
            )
        } else {
            (
                (self.maps.iter_mut().zip(self.columns.iter_mut()))
                    .enumerate()
                    .map(column)
                    .collect(),
                (self.key_maps.iter_mut().zip(kinds.iter()))
                    .zip(of_kind.iter())
                    .enumerate()
                    .map(kind_task)
                    .collect(),
            )
        };
        let mut texts: Vec<((usize, usize), u16, RecordIx)> = Vec::new();
        for k in by_kind {
            self.exact_keys.extend(k.exact);
            self.bits_keys.extend(k.bits);
            texts.extend(k.texts);
            tagged.extend(k.diagnostics);
        }
        // Texts in one-by-one order, with the signatures computed above.
        texts.sort_unstable_by_key(|t| t.0);
        for ((pos, i), kind, ix) in texts {
            if let Some(sig) = sigs
                .get_mut(pos)
                .and_then(|s| s.get_mut(i))
                .and_then(Option::take)
            {
                self.text_keys.push((kind, ix, sig));
            }
        }
        tagged.extend(field_diags.into_iter().flatten());
        // Keys of kinds never registered are reported and ignored.
        for &(pos, _) in accepted {
            let Some(rec) = recs.get(pos) else { continue };
            for (i, (kind, _)) in rec.keys.iter().enumerate() {
                if usize::from(*kind) >= self.kinds.len() {
                    tagged.push((
                        (pos, 1 + nf + i),
                        Diagnostic::warning(
                            "er-unknown-key-kind",
                            format!("identifier kind #{kind} was never registered; key ignored"),
                            rec.location.clone(),
                        ),
                    ));
                }
            }
        }
        // Stable: the diagnostics of one value keep their order.
        tagged.sort_by_key(|t| t.0);
        self.diagnostics.extend(tagged.into_iter().map(|t| t.1));
        out
    }

    /// Checks a record's id (reporting a missing or repeated one) and its field count, and
    /// gives it the next index.
    fn accept(
        &mut self,
        pos: usize,
        rec: &RecordRef<'_>,
        tagged: &mut Vec<Tagged>,
    ) -> Option<RecordIx> {
        let loc = rec.location;
        let mut diags = Vec::new();
        let id = decode(rec.id, 1024, loc, "id", &mut diags);
        tagged.extend(diags.into_iter().map(|d| ((pos, 0), d)));
        let id = id.trim();
        if id.is_empty() {
            tagged.push((
                (pos, 0),
                Diagnostic::error("er-missing-id", "record has no id; skipped", loc.clone()),
            ));
            return None;
        }
        if let Some(&first) = self.id_index.get(id) {
            let msg = format!(
                "duplicate record id {id:?} (first seen as record #{first}); later copy skipped"
            );
            tagged.push((
                (pos, 0),
                Diagnostic::error("er-duplicate-id", msg, loc.clone().record(id)),
            ));
            return None;
        }
        if rec.fields.len() != self.field_names.len() {
            let msg = format!(
                "record has {} fields, expected {}; missing ones are empty, extra ones ignored",
                rec.fields.len(),
                self.field_names.len()
            );
            tagged.push((
                (pos, 0),
                Diagnostic::warning("er-field-count", msg, loc.clone().record(id)),
            ));
        }
        let ix = self.ids.len() as RecordIx;
        let id: Box<str> = id.into();
        self.id_index.insert(id.clone(), ix);
        self.ids.push(id);
        self.sources.push(rec.source);
        Some(ix)
    }

    /// Diagnostics gathered so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Finishes the dataset, returning it with every diagnostic reported while reading.
    pub fn finish(self) -> (Dataset, Vec<Diagnostic>) {
        let n = self.ids.len() as u64;
        let population = self
            .population
            .filter(|p| p.records > n || !p.keys.is_empty() || !p.fields.is_empty());
        let mut columns = self.columns;
        for ((col, map), name) in columns.iter_mut().zip(self.maps).zip(&self.field_names) {
            let mut dict: Vec<Box<str>> = vec![Box::from(""); map.len()];
            for (v, code) in map {
                if let Some(slot) = dict.get_mut(code as usize - 1) {
                    *slot = v;
                }
            }
            col.dict = dict;
            col.population = match population.as_ref().map(|p| (p.records, p.fields.get(name))) {
                None => FieldPopulation::Dataset,
                Some((records, None)) if records > n => FieldPopulation::Unknown,
                Some((_, None)) => FieldPopulation::Dataset,
                Some((_, Some(f))) => FieldPopulation::Known {
                    counts: col
                        .dict
                        .iter()
                        .map(|v| {
                            let c = f.values.get(&value_hash(v)).copied().unwrap_or(0);
                            u32::try_from(c).unwrap_or(u32::MAX)
                        })
                        .collect(),
                    non_null: f.non_null,
                    agreeing: f
                        .values
                        .values()
                        .map(|&c| c as f64 * (c as f64 - 1.0))
                        .sum(),
                },
            };
        }
        let key_dicts: Vec<Vec<Box<str>>> = self
            .key_maps
            .into_iter()
            .map(|map| {
                let mut dict: Vec<Box<str>> = vec![Box::from(""); map.len()];
                for (v, code) in map {
                    if let Some(slot) = dict.get_mut(code as usize) {
                        *slot = v;
                    }
                }
                dict
            })
            .collect();
        let key_known = match &population {
            Some(p) => self
                .kinds
                .iter()
                .zip(&key_dicts)
                .map(|(spec, dict)| match p.keys.get(&spec.name) {
                    Some(known) if !known.is_empty() => dict
                        .iter()
                        .map(|v| {
                            let c = known.get(&value_hash(v)).copied().unwrap_or(0);
                            u32::try_from(c).unwrap_or(u32::MAX)
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .collect(),
            None => Vec::new(),
        };
        let mut exact_keys = self.exact_keys;
        exact_keys.sort_unstable();
        exact_keys.dedup();
        let mut bits_keys = self.bits_keys;
        bits_keys.sort_unstable();
        bits_keys.dedup();
        (
            Dataset {
                field_names: self.field_names,
                ids: self.ids,
                sources: self.sources,
                columns,
                kinds: self.kinds,
                key_dicts,
                exact_keys,
                bits_keys,
                text_keys: self.text_keys,
                population_records: population.map_or(n, |p| p.records.max(n)),
                key_known,
            },
            self.diagnostics,
        )
    }
}

/// Batches of at least this many records are read by parallel tasks.
const PARALLEL_BATCH: usize = 256;

/// A diagnostic with its place in one-by-one order: (batch position, slot), slot 0 for the
/// record, 1 + f for field f, 1 + fields + i for key i.
type Tagged = ((usize, usize), Diagnostic);

/// What interning one identifier kind of a batch gives.
#[derive(Default)]
struct KindOut {
    exact: Vec<ExactKey>,
    bits: Vec<(u16, u64, RecordIx)>,
    /// Texts as (batch position, key index), record: their signatures are computed apart.
    texts: Vec<((usize, usize), u16, RecordIx)>,
    diagnostics: Vec<Tagged>,
}

/// Interns field `f` of the accepted records of a batch, in order.
fn intern_column(
    f: usize,
    name: &str,
    map: &mut FxHashMap<Box<str>, u32>,
    col: &mut Column,
    recs: &[RecordRef<'_>],
    accepted: &[(usize, RecordIx)],
    limits: &Limits,
) -> Vec<Tagged> {
    let mut tagged = Vec::new();
    let mut diags = Vec::new();
    col.codes.reserve(accepted.len());
    for &(pos, _) in accepted {
        let Some(rec) = recs.get(pos) else { continue };
        let raw = rec.fields.get(f).copied().flatten().unwrap_or(b"");
        let code = if raw.is_empty() {
            0
        } else {
            let v = decode(raw, limits.max_field_bytes, rec.location, name, &mut diags);
            tagged.extend(diags.drain(..).map(|d| ((pos, 1 + f), d)));
            let v = v.trim();
            if v.is_empty() { 0 } else { intern(map, col, v) }
        };
        col.codes.push(code);
    }
    tagged
}

/// A field value's code (counted).
fn intern(map: &mut FxHashMap<Box<str>, u32>, col: &mut Column, v: &str) -> u32 {
    col.non_null += 1;
    if let Some(&c) = map.get(v) {
        if let Some(n) = col.counts.get_mut(c as usize - 1) {
            *n += 1;
        }
        return c;
    }
    let code = map.len() as u32 + 1;
    map.insert(v.into(), code);
    col.hashes.push(hash_bytes(0x5EED, v.as_bytes()));
    col.counts.push(1);
    code
}

/// Interns the keys of one identifier kind of a batch, in order: `keys` are (index in
/// `accepted`, key index) (`fields`: the number of fields, for the order of diagnostics).
#[allow(clippy::too_many_arguments)]
fn intern_kind(
    kind: u16,
    spec: &KeySpec,
    map: &mut FxHashMap<Box<str>, u32>,
    recs: &[RecordRef<'_>],
    accepted: &[(usize, RecordIx)],
    keys: &[(u32, u32)],
    limits: &Limits,
    fields: usize,
) -> KindOut {
    let mut out = KindOut::default();
    let mut diags = Vec::new();
    let name = spec.name.as_str();
    for &(a, i) in keys {
        let (i, Some(&(pos, ix))) = (i as usize, accepted.get(a as usize)) else {
            continue;
        };
        let Some(rec) = recs.get(pos) else { continue };
        let loc = rec.location;
        if let Some((_, value)) = rec.keys.get(i) {
            match (value, &spec.matching) {
                (KeyValue::Exact(v), KeyMatch::Exact) => {
                    let v = decode(v.as_bytes(), limits.max_key_bytes, loc, name, &mut diags);
                    let v = v.trim();
                    if !v.is_empty() {
                        // Looked up before inserting: most values were seen before, and an
                        // entry would allocate the key every time.
                        let code = match map.get(v) {
                            Some(&c) => c,
                            None => {
                                let next = map.len() as u32;
                                map.insert(v.into(), next);
                                next
                            }
                        };
                        out.exact.push(ExactKey {
                            kind,
                            code,
                            rec: ix,
                        });
                    }
                }
                (KeyValue::Bits(b), KeyMatch::Hamming { .. }) => out.bits.push((kind, *b, ix)),
                (KeyValue::Text(t), KeyMatch::MinHash(_)) => {
                    // Decoded here for its diagnostics (bad bytes, truncation); the signature
                    // is of the same text (see `lossy_prefix`).
                    decode(t, limits.max_text_bytes, loc, name, &mut diags);
                    out.texts.push(((pos, i), kind, ix));
                }
                (KeyValue::Signature(_), KeyMatch::MinHash(_)) => {
                    out.texts.push(((pos, i), kind, ix));
                }
                _ => diags.push(Diagnostic::warning(
                    "er-key-type",
                    format!("identifier {name:?} got a value of the wrong type; key ignored"),
                    loc.clone(),
                )),
            }
            let slot = (pos, 1 + fields + i);
            out.diagnostics.extend(diags.drain(..).map(|d| (slot, d)));
        }
    }
    out
}

/// Decodes bytes as UTF-8 (lossily, reporting), truncated to `max` bytes at a character
/// boundary (reporting).
fn decode<'b>(
    raw: &'b [u8],
    max: usize,
    loc: &Location,
    field: &str,
    diags: &mut Vec<Diagnostic>,
) -> std::borrow::Cow<'b, str> {
    let cut = raw.len() > max;
    let raw = if cut {
        raw.get(..max).unwrap_or(raw)
    } else {
        raw
    };
    if cut {
        diags.push(Diagnostic::warning(
            "er-value-too-long",
            format!("value longer than {max} bytes; truncated"),
            loc.clone().field(field),
        ));
    }
    match std::str::from_utf8(raw) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) if cut && e.error_len().is_none() => {
            // The cut fell inside a character: keep the whole characters before it.
            let ok = raw.get(..e.valid_up_to()).unwrap_or_default();
            std::borrow::Cow::Borrowed(std::str::from_utf8(ok).unwrap_or_default())
        }
        Err(e) => {
            diags.push(Diagnostic::warning(
                "er-invalid-utf8",
                format!(
                    "invalid UTF-8 at byte {} of the value; replaced with U+FFFD",
                    e.valid_up_to()
                ),
                loc.clone().field(field),
            ));
            String::from_utf8_lossy(raw)
        }
    }
}

/// The text [`decode`] makes of `raw` (first `max` bytes, whole characters,
/// invalid bytes replaced), without reporting.
fn lossy_prefix(raw: &[u8], max: usize) -> std::borrow::Cow<'_, str> {
    let cut = raw.len() > max;
    let raw = if cut {
        raw.get(..max).unwrap_or(raw)
    } else {
        raw
    };
    match std::str::from_utf8(raw) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) if cut && e.error_len().is_none() => std::borrow::Cow::Borrowed(
            std::str::from_utf8(raw.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
        ),
        Err(_) => String::from_utf8_lossy(raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(b: &mut DatasetBuilder, id: &[u8], fields: &[Option<&[u8]>]) -> Option<RecordIx> {
        b.push(RecordRef {
            id,
            source: 0,
            fields,
            keys: &[],
            location: &Location::default(),
        })
    }

    #[test]
    fn duplicate_ids_are_reported_and_skipped() {
        let mut b = DatasetBuilder::new(&["name"]);
        assert_eq!(push(&mut b, b"a", &[Some(b"x")]), Some(0));
        assert_eq!(push(&mut b, b"a", &[Some(b"y")]), None);
        let (ds, diags) = b.finish();
        assert_eq!(ds.len(), 1);
        assert_eq!(
            diags.first().map(|d| d.code.as_str()),
            Some("er-duplicate-id")
        );
    }

    #[test]
    fn invalid_utf8_and_huge_values_are_kept_reported() {
        let mut b = DatasetBuilder::new(&["name", "bio"]);
        let huge = vec![b'a'; 10 << 20];
        push(&mut b, b"r1", &[Some(b"J\xffrg"), Some(&huge)]);
        let (ds, diags) = b.finish();
        assert_eq!(ds.value(0, 0), Some("J\u{fffd}rg"));
        assert_eq!(ds.value(0, 1).map(str::len), Some(4096));
        let codes: Vec<_> = diags.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["er-invalid-utf8", "er-value-too-long"]);
    }

    #[test]
    fn truncation_inside_a_character_keeps_whole_characters() {
        let mut b = DatasetBuilder::new(&["n"]).with_limits(Limits {
            max_field_bytes: 2,
            ..Limits::default()
        });
        push(&mut b, b"r", &[Some("aé".as_bytes())]);
        let (ds, diags) = b.finish();
        assert_eq!(ds.value(0, 0), Some("a"));
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn push_batch_equals_pushing_one_by_one() {
        // Texts (one with a bad byte), exact keys (repeated, one too long, one of the wrong
        // type, one of a kind never registered), fields (one invalid), a repeated id: in
        // batches of 1, 7, 256 and all, the same codes, keys and diagnostics in the same order.
        let resume = crate::ident::KeySpec::exact("resume", 0.6, 1e-4, 10)
            .matching(KeyMatch::MinHash(crate::ident::MinHashSpec::default()));
        let texts: Vec<Vec<u8>> = (0..600)
            .map(|i| {
                let mut t: Vec<u8> = (0..60)
                    .flat_map(|w| format!("w{} ", (w * 7 + i) % 50).into_bytes())
                    .collect();
                if i == 3 {
                    t.push(0xff);
                }
                t
            })
            .collect();
        let build = |batch: usize| {
            let mut b = DatasetBuilder::new(&["x", "y"]).with_limits(Limits {
                max_key_bytes: 8,
                ..Limits::default()
            });
            let r = b.key_kind(resume.clone());
            let ip = b.key_kind(crate::ident::KeySpec::exact("ip", 0.6, 1e-2, 50));
            let ids: Vec<String> = (0..texts.len())
                .map(|i| format!("r{}", if i == 9 { 4 } else { i }))
                .collect();
            let keys: Vec<Vec<(u16, KeyValue)>> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let mut k = vec![
                        (ip, KeyValue::Exact(format!("10.0.0.{}", i % 3))),
                        (r, KeyValue::Text(t.clone())),
                        (ip, KeyValue::Exact(format!("10.1.{i}"))),
                    ];
                    match i {
                        5 => k.push((ip, KeyValue::Exact("10.100.100.100".into()))),
                        6 => k.push((ip, KeyValue::Bits(7))),
                        7 => k.insert(0, (9, KeyValue::Exact("x".into()))),
                        _ => {}
                    }
                    k
                })
                .collect();
            let fields: Vec<[Option<Vec<u8>>; 2]> = (0..texts.len())
                .map(|i| {
                    let x = if i == 2 {
                        b"J\xffrg".to_vec()
                    } else {
                        format!("n{}", i % 4).into_bytes()
                    };
                    [Some(x), (i % 2 == 0).then(|| b"even".to_vec())]
                })
                .collect();
            let field_refs: Vec<[Option<&[u8]>; 2]> = fields
                .iter()
                .map(|f| [f[0].as_deref(), f[1].as_deref()])
                .collect();
            let loc = Location::default();
            let recs: Vec<RecordRef<'_>> = ids
                .iter()
                .zip(&keys)
                .zip(&field_refs)
                .map(|((id, keys), fields)| RecordRef {
                    id: id.as_bytes(),
                    source: 0,
                    fields,
                    keys,
                    location: &loc,
                })
                .collect();
            let mut accepted = Vec::new();
            for chunk in recs.chunks(batch) {
                accepted.extend(b.push_batch(chunk));
            }
            let (ds, diags) = b.finish();
            let codes: Vec<Vec<u32>> = ds.columns.iter().map(|c| c.codes.clone()).collect();
            let diags: Vec<(String, Option<String>)> = diags
                .into_iter()
                .map(|d| (d.code, d.location.field))
                .collect();
            (
                accepted,
                codes,
                ds.key_dicts,
                ds.exact_keys,
                ds.text_keys,
                diags,
            )
        };
        let one_by_one = build(1);
        assert_eq!(one_by_one.0.get(9), Some(&None));
        assert_eq!(one_by_one.5.len(), 6, "{:?}", one_by_one.5);
        // Small batches are read in order, large ones by parallel tasks (`PARALLEL_BATCH`).
        assert_eq!(build(7), one_by_one);
        assert_eq!(build(PARALLEL_BATCH), one_by_one);
        assert_eq!(build(1_000), one_by_one);
    }

    #[test]
    fn interning_counts_term_frequencies() {
        let mut b = DatasetBuilder::new(&["s"]);
        push(&mut b, b"1", &[Some(b"smith")]);
        push(&mut b, b"2", &[Some(b"smith")]);
        push(&mut b, b"3", &[Some(b"jones")]);
        push(&mut b, b"4", &[None]);
        let (ds, _) = b.finish();
        let col = &ds.columns[0];
        assert_eq!(col.code(0), col.code(1));
        assert!((col.tf(col.code(0)).unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(ds.value(3, 0), None);
    }

    #[test]
    fn a_signature_key_gives_the_signature_its_text_gives() {
        // A text with a bad byte, one cut by the limit inside a character, one too short to
        // compare: each given as text and as the signature `text_minhash` makes of it.
        let spec = crate::ident::MinHashSpec::default();
        let limits = Limits {
            max_text_bytes: 300,
            ..Limits::default()
        };
        let long: Vec<u8> = (0..120)
            .flat_map(|w| format!("wörd{w} ").into_bytes())
            .collect();
        let mut bad: Vec<u8> = (0..40)
            .flat_map(|w| format!("w{w} ").into_bytes())
            .collect();
        bad.push(0xff);
        let texts = [long, bad, b"too short".to_vec()];
        let build = |as_signature: bool| {
            let mut b = DatasetBuilder::new(&["x"]).with_limits(limits.clone());
            let kind = b.key_kind(
                crate::ident::KeySpec::exact("resume", 0.6, 1e-4, 10)
                    .matching(KeyMatch::MinHash(spec.clone())),
            );
            for (i, t) in texts.iter().enumerate() {
                let value = if as_signature {
                    match text_minhash(t, &spec, &limits) {
                        Some((sig, _)) => KeyValue::Signature(sig),
                        None => continue,
                    }
                } else {
                    KeyValue::Text(t.clone())
                };
                b.push(RecordRef {
                    id: format!("r{i}").as_bytes(),
                    source: 0,
                    fields: &[None],
                    keys: &[(kind, value)],
                    location: &Location::default(),
                });
            }
            b.finish().0.text_keys
        };
        let from_text = build(false);
        assert_eq!(from_text.len(), 2, "the short text has no signature");
        assert_eq!(build(true), from_text);
    }
}

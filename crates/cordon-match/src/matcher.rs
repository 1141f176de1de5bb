//! The in-memory index and screening.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::{Hash, Hasher};

use cordon_model::{Entity, Schema, prop};
use cordon_text::{NameForm, NameKind, Script, Token, TokenClass, Via};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;

use crate::evidence::{self, Evidence, weights};
use crate::group;
use crate::joined;
use crate::names::{
    Aligned, NameScore, NameWords, PreparedName, conversions_of, round3, rules_fired,
    score_ceiling, score_names_reaching,
};
use crate::query::{Options, Query};

/// Share of the final score that the name can give on its own: an exact name with no other
/// evidence scores 0.90, leaving room for birth date and country to grade results above it.
pub const NAME_SHARE: f64 = 0.9;
/// Names retrieved per query before exact scoring, by default
/// ([`Matcher::set_retrieval_depth`]).
const CANDIDATE_NAMES: usize = 32;
/// Terms whose postings are longer than this share of all names (but at least
/// [`MIN_POSTING_CAP`]) are skipped at query time when rarer terms matched: they rank nothing
/// and cost the most.
const MAX_POSTING_SHARE: f64 = 0.02;
const MIN_POSTING_CAP: f64 = 200.0;
/// Trigrams are there for words the index does not hold as written (typos, words run
/// together); one shared by more than this share of names (`^ma`, `ov$`) ranks nothing and
/// was most of the retrieval work.
const MAX_TRIGRAM_SHARE: f64 = 0.005;
/// Boost of a trigram term; also what marks a term as a trigram.
const TRIGRAM_BOOST: f32 = 0.25;

/// One screening hit, serialised as the CLI and the service print it.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenResult {
    /// The entity id (`ofac-12345`).
    pub id: String,
    /// The entity's schema.
    pub schema: Schema,
    /// Display name.
    pub caption: String,
    /// 0–1, three decimals.
    pub score: f64,
    /// Whether `score` ≥ the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// Sources the entity is on.
    pub datasets: Vec<String>,
    /// Sanctions programmes.
    pub programs: Vec<String>,
    /// The list name that matched best.
    pub matched_name: String,
    /// The query name.
    pub query_name: String,
    /// Records on other lists that are the same person or organisation share this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Why.
    pub explanation: Explanation,
    /// The index in [`Matcher::entities`] of the record that stands for `id`: of an id on
    /// several sources, the last the store gives (the last of [`Matcher::records`]), whose
    /// content hash the audit trail records. Carried so that no caller looks the id up again.
    #[serde(skip)]
    pub record: u32,
}

/// A reviewer-readable account of a score.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The name similarity, 0–1.
    pub name_score: f64,
    /// The property of the matched list name (`name`, `alias`, `weakAlias`, `previousName`).
    pub matched_property: String,
    /// The query form compared (after script conversion).
    pub query_form: String,
    /// The list-name form compared.
    pub candidate_form: String,
    /// `korean syllables` or `tokens`.
    pub method: &'static str,
    /// Script conversions used on either side (`Hanja reading`, `katakana` …).
    pub conversions: Vec<&'static str>,
    /// Part-by-part alignment.
    pub alignment: Vec<Aligned>,
    /// The distinct rules that fired, in alignment order.
    pub rules: Vec<&'static str>,
    /// Evidence for (+) and against (−).
    pub evidence: Vec<Evidence>,
    /// Other records in the same group.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub same_as: Vec<String>,
}

/// A part's field (numbered while listing an index's names) and how it was split.
type JoinedField = (u32, joined::Split);

/// One name of one entity. Records of one person on several lists share the analysis of
/// a name they all write the same way.
struct IndexedName {
    entity: u32,
    /// The property the entity gives it under (`name`, `alias`, `weakAlias` …).
    prop: &'static str,
    /// Index into [`Matcher::analyses`].
    analysis: u32,
    /// A part of a field joining several names ([`joined`]): a name to find the entity by, not
    /// one to group it by (a field may name a parent company beside the entity).
    part: bool,
}

/// An immutable screening index over a set of entities.
pub struct Matcher {
    /// Names handed from retrieval to exact scoring per query.
    depth: usize,
    entities: Vec<Entity>,
    first_name: Vec<u32>,
    names: Vec<IndexedName>,
    /// Every distinct (name, kind) analysed once.
    analyses: Vec<PreparedName>,
    /// Words in each name's first form: among names that share the same query terms, the
    /// shorter one is the closer match.
    name_words: Vec<u8>,
    postings: FxHashMap<u64, Vec<u32>>,
    ids: FxHashMap<String, Vec<u32>>,
    groups: group::Groups,
    /// Every record's index, ordered by entity id, records of one id in index order
    /// ([`Matcher::records`]).
    by_id: Vec<u32>,
    /// Per record, the record that stands for its id ([`ScreenResult::record`]).
    standing: Vec<u32>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("entities", &self.entities.len())
            .field("names", &self.names.len())
            .field("terms", &self.postings.len())
            .finish()
    }
}

/// The name kind for a schema.
pub fn kind_of(schema: Option<Schema>) -> NameKind {
    match schema {
        Some(Schema::Person) => NameKind::Person,
        Some(Schema::LegalEntity) | None => NameKind::Unknown,
        Some(_) => NameKind::Organization,
    }
}

fn term(tag: u8, s: &str) -> u64 {
    let mut h = FxHasher::default();
    tag.hash(&mut h);
    s.hash(&mut h);
    h.finish()
}

/// Retrieval terms of one form, with a per-term boost.
fn terms(form: &NameForm, out: &mut Vec<(u64, f32)>) {
    // A name's Belarusian reading scores a name its transliterations find (they share most
    // letters); as terms of its own it would crowd other names out of every retrieval.
    if matches!(form.via, Via::Belarusian | Via::BelarusianLatin) {
        return;
    }
    // The English words of a Russian glossary form are for scoring a name found by its own
    // words: as terms they would pull every Russian institute and plant into the retrieval
    // of every English query with `research` or `plant` in it.
    let glossed = form.via == Via::Glossary(Script::Cyrillic);
    // A word's other spellings are terms as the whole forms that spelt them were, the
    // Belarusian readings' aside.
    let spellings = form.word_alternatives.iter().filter_map(|a| {
        (!matches!(a.via, Via::Belarusian | Via::BelarusianLatin)).then_some(&a.token)
    });
    for t in form.tokens.iter().chain(spellings) {
        let boost = match t.class {
            TokenClass::Word | TokenClass::Number => 1.0,
            TokenClass::Generic if glossed => continue,
            TokenClass::Generic => 0.3,
            TokenClass::LegalForm => continue,
        };
        if !t.latin.is_empty() {
            out.push((term(b'w', &t.latin), boost));
        }
        if t.text != t.latin {
            out.push((term(b'w', &t.text), boost));
        }
        if t.key.len() >= 2 {
            out.push((term(b'p', &t.key), 0.5 * boost));
        }
        trigrams(t, |h| out.push((h, TRIGRAM_BOOST)));
    }
    for r in &form.korean {
        for s in r.syllables().iter() {
            out.push((term(b's', s.key.as_str()), 1.0));
            let n = s.kana_folded();
            if n != s.key {
                out.push((term(b's', n.as_str()), 0.5));
            }
        }
        let given: String = r.given().iter().map(|s| s.key.as_str()).collect();
        out.push((term(b'g', &given), 1.5));
    }
}

/// The trigram terms of a word of four letters or more (`^ki`, `kim`, … with `^`/`$` marking
/// the ends).
fn trigrams(t: &Token, mut f: impl FnMut(u64)) {
    let l = t.latin.as_bytes();
    if l.len() < 4 || t.class != TokenClass::Word {
        return;
    }
    let mut padded: smallvec::SmallVec<[u8; 32]> = smallvec::SmallVec::with_capacity(l.len() + 2);
    padded.push(b'^');
    padded.extend_from_slice(l);
    padded.push(b'$');
    for w in padded.windows(3) {
        if let Ok(s) = std::str::from_utf8(w) {
            f(term(b'3', s));
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<(Vec<f32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

impl Matcher {
    /// Indexes entities (in parallel). Entities without any usable name are kept for
    /// identifier lookups.
    pub fn build(entities: Vec<Entity>) -> Matcher {
        // Each entity's distinct names, in order; the same name on several records (one
        // person on the UN, EU, UK and OFAC lists, a list published in two formats) is
        // analysed once.
        // The parts of a field joining several names follow the entity's own names, each
        // with its field's number and how it was split.
        let mut listed: Vec<(u32, &'static str, u32, Option<JoinedField>)> = Vec::new();
        let mut distinct: Vec<(&str, NameKind)> = Vec::new();
        let mut first: FxHashMap<(&str, NameKind), u32> = FxHashMap::default();
        let mut fields = 0u32;
        for (i, e) in entities.iter().enumerate() {
            let kind = kind_of(Some(e.schema));
            let mut intern = |n| -> u32 {
                *first.entry((n, kind)).or_insert_with(|| {
                    distinct.push((n, kind));
                    (distinct.len() - 1) as u32
                })
            };
            let mut seen: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
            for (p, n) in e.names() {
                if seen.contains(&n) {
                    continue;
                }
                seen.push(n);
                listed.push((i as u32, p, intern(n), None));
            }
            for (p, n) in e.names() {
                let Some((parts, how)) = joined::split(n, kind == NameKind::Person) else {
                    continue;
                };
                for part in parts {
                    if !seen.contains(&part) {
                        seen.push(part);
                        listed.push((i as u32, p, intern(part), Some((fields, how))));
                    }
                }
                fields += 1;
            }
        }
        drop(first);
        // List names share words (given names, surnames, legal forms, place names): each
        // worker remembers what it made of the words it has seen.
        let analyses: Vec<PreparedName> = distinct
            .par_iter()
            .map_init(cordon_text::Analyzer::new, |analyzer, (n, kind)| {
                PreparedName::new_with(analyzer, n, *kind)
            })
            .collect();
        // Not kept through the rest of the build, whose peak is the index's.
        drop(distinct);

        // A field is split only when every part is a name of its own, and after a bare comma
        // a variant of another (a field's parts are consecutive in `listed`).
        let mut whole = vec![false; fields as usize];
        for run in listed.chunk_by(|a, b| a.3.map(|f| f.0) == b.3.map(|f| f.0)) {
            let Some((_, _, _, Some((f, how)))) = run.first() else {
                continue;
            };
            let parts: Vec<&PreparedName> = run
                .iter()
                .filter_map(|(_, _, d, _)| analyses.get(*d as usize))
                .collect();
            let split = parts.len() == run.len()
                && parts.iter().all(|a| joined::is_name(a, *how))
                && (*how == joined::Split::Marked || joined::are_variants(&parts));
            if let Some(w) = whole.get_mut(*f as usize) {
                *w = !split;
            }
        }
        let names: Vec<IndexedName> = listed
            .into_iter()
            .filter(|(_, _, d, field)| {
                analyses
                    .get(*d as usize)
                    .is_some_and(|a| !a.forms.is_empty())
                    && field.is_none_or(|(f, _)| whole.get(f as usize) == Some(&false))
            })
            .map(|(entity, prop, analysis, field)| IndexedName {
                entity,
                prop,
                analysis,
                part: field.is_some(),
            })
            .collect();
        let mut postings: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let mut buf = Vec::new();
        for (ni, n) in names.iter().enumerate() {
            buf.clear();
            for f in analyses
                .get(n.analysis as usize)
                .into_iter()
                .flat_map(|a| &a.forms)
            {
                terms(f, &mut buf);
            }
            buf.sort_unstable_by_key(|t| t.0);
            buf.dedup_by_key(|t| t.0);
            for (t, _) in &buf {
                postings.entry(*t).or_default().push(ni as u32);
            }
        }
        for v in postings.values_mut() {
            v.shrink_to_fit();
        }
        let mut ids: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (i, e) in entities.iter().enumerate() {
            for p in evidence::ID_PROPS {
                for v in e.get(p) {
                    if let Some(n) = evidence::normalize_id(v) {
                        let slot = ids.entry(n).or_default();
                        if !slot.contains(&(i as u32)) {
                            slot.push(i as u32);
                        }
                    }
                }
            }
        }
        let mut first_name = vec![u32::MAX; entities.len()];
        for (ni, n) in names.iter().enumerate().rev() {
            if let Some(slot) = first_name.get_mut(n.entity as usize) {
                *slot = ni as u32;
            }
        }
        // An entity's names are consecutive in `names`, from its first.
        let groups = group::Groups::build(&entities, |i| {
            let from = first_name.get(i).map_or(usize::MAX, |&ni| ni as usize);
            names
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(move |n| n.entity as usize == i)
                .filter(|n| !n.part)
                .filter_map(|n| analyses.get(n.analysis as usize))
        });
        let mut by_id: Vec<u32> = (0..entities.len() as u32).collect();
        // Stable, so that one id's records stay in index order; the store gives each source's
        // records ordered by id, runs this sort merges rather than sorts.
        by_id.sort_by(|&a, &b| {
            let id = |i: u32| entities.get(i as usize).map(|e| e.id.as_str());
            id(a).cmp(&id(b))
        });
        let standing = standing_records(&entities, &by_id);
        let name_words = names
            .iter()
            .map(|n| {
                analyses
                    .get(n.analysis as usize)
                    .and_then(|a| a.forms.first())
                    .map_or(0, |f| f.tokens.len().min(255) as u8)
            })
            .collect();
        Matcher {
            depth: CANDIDATE_NAMES,
            entities,
            first_name,
            names,
            analyses,
            name_words,
            postings,
            ids,
            groups,
            by_id,
            standing,
        }
    }

    /// Sets how many names retrieval hands to exact scoring per query (default 32): more
    /// finds more of what exact scoring would find over every name, at a cost per name.
    pub fn set_retrieval_depth(&mut self, names: usize) {
        self.depth = names.max(1);
    }

    /// Number of entities indexed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Number of names indexed.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// Reads the first bytes of every retrieved name's analysis, forms and tokens, level by
    /// level: the reads of one level do not depend on each other, so the memory system serves
    /// them together instead of one cache miss at a time inside the alignment.
    fn warm(&self, retrieved: &[u32]) {
        let mut sink = 0usize;
        for &ni in retrieved {
            if let Some((_, a)) = self.name(ni) {
                sink ^= a.forms.len();
            }
        }
        for &ni in retrieved {
            if let Some((_, a)) = self.name(ni) {
                for f in &a.forms {
                    sink ^= f.tokens.len() ^ f.korean.len();
                }
            }
        }
        for &ni in retrieved {
            if let Some((_, a)) = self.name(ni) {
                for f in &a.forms {
                    sink ^= f.tokens.first().map_or(0, |t| t.letters as usize);
                }
            }
        }
        std::hint::black_box(sink);
    }

    /// Name `ni` and its analysis.
    fn name(&self, ni: u32) -> Option<(&IndexedName, &PreparedName)> {
        let n = self.names.get(ni as usize)?;
        Some((n, self.analyses.get(n.analysis as usize)?))
    }

    /// The indexed entities.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The indexes in [`Matcher::entities`] of the records with this id, in index order: one
    /// per source that lists it (the UK's spreadsheet and YAML both hold `uk-DPR0257`), none
    /// for an id no list gives.
    pub fn records(&self, id: &str) -> &[u32] {
        let id_of = |i: &u32| self.entities.get(*i as usize).map(|e| e.id.as_str());
        let from = self.by_id.partition_point(|i| id_of(i) < Some(id));
        let rest = self.by_id.get(from..).unwrap_or_default();
        rest.get(..rest.partition_point(|i| id_of(i) == Some(id)))
            .unwrap_or_default()
    }

    /// The group id of an entity, when other records are the same person or organisation.
    pub fn group_of(&self, entity_id: &str) -> Option<&str> {
        let &i = self.records(entity_id).first()?;
        self.groups.group(i as usize)
    }

    /// Screens one query; results best first.
    pub fn screen(&self, q: &Query, opts: &Options) -> Vec<ScreenResult> {
        let kind = kind_of(q.schema);
        let qn = PreparedName::query(&q.name, kind);
        // Per entity: its best name's score (weak aliases discounted), the name, and how it
        // was scored.
        let mut best: FxHashMap<u32, (f64, u32, NameScore)> = FxHashMap::default();
        let retrieved = self.retrieve(&qn);
        self.warm(&retrieved);
        let qwords = NameWords::new(&qn);
        let floor = name_floor(q, opts);
        // Records of one person on several lists share a name's analysis: it is scored once.
        let mut scored_analyses: smallvec::SmallVec<[(u32, Option<NameScore>); 32]> =
            smallvec::SmallVec::new();
        for ni in retrieved {
            let Some((n, analysis)) = self.name(ni) else {
                continue;
            };
            let Some(e) = self.entities.get(n.entity as usize) else {
                continue;
            };
            if let Some(s) = q.schema
                && !s.can_match(e.schema)
            {
                continue;
            }
            // A name only replaces its entity's best when it scores strictly higher: one that
            // cannot, by its ceiling, is not scored (the entity's second and third aliases
            // after an exact hit).
            let factor = prop_factor(n.prop);
            if let Some(slot) = best.get(&n.entity)
                && score_ceiling(&qn, analysis) * factor <= slot.0
            {
                continue;
            }
            let ns = match scored_analyses.iter().find(|(a, _)| *a == n.analysis) {
                Some((_, ns)) => ns.clone(),
                None => {
                    let ns = score_names_reaching(&qn, &qwords, analysis, floor);
                    scored_analyses.push((n.analysis, ns.clone()));
                    ns
                }
            };
            // A name below the floor can neither make its entity a result nor keep a better
            // name of it from being one.
            let Some(ns) = ns else {
                continue;
            };
            let s = ns.score * factor;
            let slot = best
                .entry(n.entity)
                .or_insert((0.0, ni, NameScore::default()));
            if s > slot.0 {
                *slot = (s, ni, ns);
            }
        }
        // Identifier hits are candidates whatever their names.
        if let Some(id) = q.id_number.as_deref().and_then(evidence::normalize_id)
            && let Some(hits) = self.ids.get(&id)
        {
            for &ei in hits {
                if best.contains_key(&ei) {
                    continue;
                }
                let ni = self
                    .first_name
                    .get(ei as usize)
                    .copied()
                    .unwrap_or(u32::MAX);
                let ns = self
                    .name(ni)
                    .and_then(|(_, analysis)| score_names_reaching(&qn, &qwords, analysis, 0.0))
                    .unwrap_or_default();
                best.insert(ei, (ns.score, ni, ns));
            }
        }
        let mut scored: Vec<(f64, f64, u32, u32, Vec<Evidence>, NameScore)> = best
            .into_iter()
            .filter_map(|(ei, (s, ni, ns))| {
                let e = self.entities.get(ei as usize)?;
                let ev = evidence::evaluate(q, e);
                let score = final_score(s, &ev);
                (score >= opts.min_score).then_some((score, s, ei, ni, ev, ns))
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.total_cmp(&a.1))
                .then(a.2.cmp(&b.2))
        });
        // One record per id: the store gives a record per source that lists it (the UK's
        // spreadsheet and YAML both hold `uk-DPR0257`); the best scoring one stands for the
        // others, with their sources added.
        let mut results: Vec<ScreenResult> = Vec::with_capacity(opts.limit);
        for (score, _, ei, ni, ev, ns) in scored {
            let Some(e) = self.entities.get(ei as usize) else {
                continue;
            };
            if let Some(kept) = results.iter_mut().find(|r| r.id == e.id) {
                for d in &e.datasets {
                    if !kept.datasets.contains(d) {
                        kept.datasets.push(d.clone());
                    }
                }
                if kept.group.is_none() {
                    kept.group = self.groups.group(ei as usize).map(str::to_owned);
                }
                continue;
            }
            if results.len() == opts.limit {
                continue;
            }
            if let Some(r) = self.result(&qn, q, ei, ni, score, ev, ns, opts) {
                results.push(r);
            }
        }
        results
    }

    /// Screens many queries in parallel; results in input order.
    pub fn screen_batch(&self, queries: &[Query], opts: &Options) -> Vec<Vec<ScreenResult>> {
        queries.par_iter().map(|q| self.screen(q, opts)).collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn result(
        &self,
        qn: &PreparedName,
        q: &Query,
        ei: u32,
        ni: u32,
        score: f64,
        evidence: Vec<Evidence>,
        ns: NameScore,
        opts: &Options,
    ) -> Option<ScreenResult> {
        let e = self.entities.get(ei as usize)?;
        let n = self.name(ni);
        let (qf, cf) = (
            qn.forms.get(ns.query_form),
            n.and_then(|(_, analysis)| analysis.forms.get(ns.candidate_form)),
        );
        let conversions = conversions_of([qf, cf]);
        let rules = rules_fired([qf, cf], &ns.alignment);
        let group = self.groups.group(ei as usize).map(str::to_owned);
        let mut same_as: Vec<String> = Vec::new();
        for o in self
            .groups
            .members(ei as usize)
            .iter()
            .filter_map(|&i| self.entities.get(i as usize))
        {
            if o.id != e.id && !same_as.contains(&o.id) {
                same_as.push(o.id.clone());
            }
        }
        Some(ScreenResult {
            id: e.id.clone(),
            schema: e.schema,
            caption: e.caption.clone(),
            score: round3(score),
            is_match: score >= opts.threshold,
            datasets: e.datasets.clone(),
            programs: e.get(prop::PROGRAM).to_vec(),
            matched_name: n
                .map(|(_, analysis)| analysis.original.clone())
                .unwrap_or_default(),
            query_name: q.name.clone(),
            group,
            record: self.standing.get(ei as usize).copied().unwrap_or(ei),
            explanation: Explanation {
                name_score: round3(ns.score),
                matched_property: n.map(|(n, _)| n.prop.to_owned()).unwrap_or_default(),
                query_form: qf
                    .map(|f| String::from(f.text.as_str()))
                    .unwrap_or_default(),
                candidate_form: cf
                    .map(|f| String::from(f.text.as_str()))
                    .unwrap_or_default(),
                method: if ns.korean {
                    "korean syllables"
                } else {
                    "tokens"
                },
                conversions,
                alignment: ns.alignment,
                rules,
                evidence,
                same_as,
            },
        })
    }

    /// Candidate names: those sharing the most (IDF-weighted) terms with the query.
    fn retrieve(&self, qn: &PreparedName) -> Vec<u32> {
        let mut qterms = Vec::new();
        for f in &qn.forms {
            terms(f, &mut qterms);
        }
        qterms.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        qterms.dedup_by_key(|t| t.0);
        let n_names = self.names.len().max(1);
        let cap = ((n_names as f64) * MAX_POSTING_SHARE).max(MIN_POSTING_CAP) as usize;
        // Rarest terms first; common ones (`kim`, `^mo`, `LLC`) only rank when nothing rarer
        // matched at all.
        let mut found: Vec<(&[u32], f32, u64)> = qterms
            .iter()
            .filter_map(|(t, boost)| self.postings.get(t).map(|p| (p.as_slice(), *boost, *t)))
            .collect();
        found.sort_unstable_by_key(|(p, ..)| p.len());
        let within = found.iter().filter(|(p, ..)| p.len() <= cap).count();
        let take = if within == 0 {
            found.len().min(2)
        } else {
            within
        };
        // Common trigrams only for words the index does not hold as written: those are the
        // typos and run-together words trigrams are for.
        let mut unknown_word_trigrams: smallvec::SmallVec<[u64; 32]> = smallvec::SmallVec::new();
        let words = qn
            .forms
            .iter()
            .flat_map(|f| (f.tokens.iter()).chain(f.word_alternatives.iter().map(|a| &a.token)));
        for t in words {
            if !self.postings.contains_key(&term(b'w', &t.latin)) {
                trigrams(t, |h| unknown_word_trigrams.push(h));
            }
        }
        let trigram_cap =
            ((n_names as f64) * MAX_TRIGRAM_SHARE).max(MIN_POSTING_CAP / 2.0) as usize;
        let found: Vec<(&[u32], f32)> = found
            .into_iter()
            .take(take)
            .filter(|(p, boost, h)| {
                *boost != TRIGRAM_BOOST
                    || p.len() <= trigram_cap
                    || unknown_word_trigrams.contains(h)
            })
            .map(|(p, boost, _)| (p, boost))
            .collect();
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (acc, touched) = &mut *guard;
            if acc.len() != n_names {
                *acc = vec![0.0; n_names];
            }
            let postings: usize = found.iter().map(|(p, _)| p.len()).sum();
            if touched.len() < postings {
                touched.resize(postings, 0);
            }
            // Plain slices from here: the loops keep their bounds in registers rather than
            // reading them back from the vectors after every store.
            let n_touched = accumulate(&found, n_names, acc, touched);
            let touched = touched.get(..n_touched).unwrap_or_default();
            best_ranked(touched, acc, &self.names, &self.name_words, self.depth)
        })
    }
}

/// Adds each posting list's weight (its IDF times its boost) to the accumulator of every name
/// on it, and writes the names to `touched` in the order they were first touched; returns how
/// many. Every posting is written to `touched`, and the count only moves past it for a name
/// seen the first time: no branch on that (a coin toss per posting).
fn accumulate(
    found: &[(&[u32], f32)],
    n_names: usize,
    acc: &mut [f32],
    touched: &mut [u32],
) -> usize {
    let mut n_touched = 0;
    for (p, boost) in found {
        let idf = ((n_names as f32) / (p.len() as f32)).ln_1p() * boost;
        for &ni in *p {
            if let (Some(a), Some(slot)) = (acc.get_mut(ni as usize), touched.get_mut(n_touched)) {
                *slot = ni;
                n_touched += usize::from(*a == 0.0);
                *a += idf;
            }
        }
    }
    n_touched
}

/// The `depth` best of the `touched` names by accumulated weight (ties to the shorter name,
/// then the earlier), clearing the accumulator on the way: a min-heap of the best so far. The
/// parts of joined fields ([`joined`]) come on top of the `depth` names, a quarter as many at
/// most and one per entity (its best): parts take no place from the names retrieval ranks
/// after them, and a field of ten aliases sharing the query's words cannot push other entities
/// out. The best `2 × depth` are ranked to find them.
fn best_ranked(
    touched: &[u32],
    acc: &mut [f32],
    names: &[IndexedName],
    name_words: &[u8],
    depth: usize,
) -> Vec<u32> {
    let wanted = depth;
    let depth = depth.saturating_mul(2);
    let mut top: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(depth + 1);
    // Once the heap is full, most touched names (one common term) weigh less than its worst: a
    // plain comparison with that weight turns them away before the full ranking (word count,
    // index) is looked at.
    let mut floor = f32::NEG_INFINITY;
    for &ni in touched {
        let Some(a) = acc.get_mut(ni as usize) else {
            continue;
        };
        let weight = std::mem::take(a);
        if weight < floor {
            continue;
        }
        let words = name_words.get(ni as usize).copied().unwrap_or(u8::MAX);
        let entry = Ranked::new(weight, words, ni);
        if top.len() < depth {
            top.push(Reverse(entry));
        } else if let Some(mut worst) = top.peek_mut()
            && entry > worst.0
        {
            *worst = Reverse(entry);
        }
        if top.len() == depth
            && let Some(worst) = top.peek()
        {
            floor = worst.0.weight();
        }
    }
    let mut ranked: Vec<Ranked> = top.into_iter().map(|Reverse(r)| r).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    let mut out: Vec<u32> = Vec::with_capacity(wanted + wanted / 4);
    let (mut whole, mut parts) = (0, 0);
    for r in ranked {
        if whole == wanted {
            break;
        }
        let ni = r.index();
        let Some(n) = names.get(ni as usize) else {
            continue;
        };
        if n.part {
            if parts == wanted / 4
                || out.iter().any(|&o| {
                    names
                        .get(o as usize)
                        .is_some_and(|m| m.part && m.entity == n.entity)
                })
            {
                continue;
            }
            parts += 1;
        } else {
            whole += 1;
        }
        out.push(ni);
    }
    out
}

/// A retrieved name: its accumulated weight, its number of words and its index. Ranks by
/// weight (`f32::total_cmp`), then the shorter name, then the earlier one, packed into one
/// integer that compares in that order: the ranking heap compares and moves one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Ranked(u128);

impl Ranked {
    fn new(weight: f32, words: u8, index: u32) -> Self {
        // The bits of a float ordered as `total_cmp` orders floats: negatives reversed below
        // the positives.
        let bits = weight.to_bits();
        let ordered = if bits >> 31 == 1 {
            !bits
        } else {
            bits | 1 << 31
        };
        Ranked(
            u128::from(ordered) << 40
                | u128::from(u8::MAX - words) << 32
                | u128::from(u32::MAX - index),
        )
    }

    fn weight(self) -> f32 {
        let ordered = (self.0 >> 40) as u32;
        f32::from_bits(if ordered >> 31 == 1 {
            ordered & !(1 << 31)
        } else {
            !ordered
        })
    }

    fn index(self) -> u32 {
        u32::MAX - self.0 as u32
    }
}

/// Per record, the record that stands for its id: the last of its run in `by_id` (records of
/// one id are consecutive there, in index order).
fn standing_records(entities: &[Entity], by_id: &[u32]) -> Vec<u32> {
    let id = |i: u32| entities.get(i as usize).map(|e| e.id.as_str());
    let mut standing: Vec<u32> = (0..entities.len() as u32).collect();
    let mut last = None::<u32>;
    for &i in by_id.iter().rev() {
        let stands = match last {
            Some(l) if id(l) == id(i) => l,
            _ => i,
        };
        if let Some(slot) = standing.get_mut(i as usize) {
            *slot = stands;
        }
        last = Some(stands);
    }
    standing
}

/// The name score below which a name cannot make a result of `q`: its final score
/// (`NAME_SHARE × name`, a weak alias less, plus the query's evidence at most) stays under
/// `min_score`. 0 (every name counts) when the query has an identifier, whose hit makes a
/// result of any name.
fn name_floor(q: &Query, opts: &Options) -> f64 {
    // Far above the rounding of the final score's sum, far below any score's resolution.
    const MARGIN: f64 = 1e-9;
    if q.id_number.is_some() {
        return 0.0;
    }
    ((opts.min_score - evidence::most_support(q)) / NAME_SHARE - MARGIN).max(0.0)
}

/// Weak aliases are nicknames and low-quality a.k.a.s: never as strong as a real name.
fn prop_factor(p: &str) -> f64 {
    if p == prop::WEAK_ALIAS { 0.9 } else { 1.0 }
}

/// Combines the name score with evidence: `NAME_SHARE × name + Σ evidence`, an identifier
/// match lifting it to at least [`weights::ID_FLOOR`]; clamped to 0–1.
pub fn final_score(name: f64, ev: &[Evidence]) -> f64 {
    let mut s = NAME_SHARE * name;
    let mut id = false;
    for e in ev {
        if e.feature == "identifier" && e.weight > 0.0 {
            id = true;
        } else {
            s += e.weight;
        }
    }
    if id {
        s = s.max(weights::ID_FLOOR) + 0.02;
    }
    s.clamp(0.0, 1.0)
}

#[cfg(test)]
mod ranked_tests {
    use super::Ranked;
    use std::cmp::Ordering;

    /// The order the ranking was first written in.
    fn first_written(a: (f32, u8, u32), b: (f32, u8, u32)) -> Ordering {
        a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2))
    }

    fn check(a: (f32, u8, u32), b: (f32, u8, u32)) {
        let (ra, rb) = (Ranked::new(a.0, a.1, a.2), Ranked::new(b.0, b.1, b.2));
        assert_eq!(ra.cmp(&rb), first_written(a, b), "{a:?} {b:?}");
        assert_eq!(ra.weight().to_bits(), a.0.to_bits(), "{a:?}");
        assert_eq!(ra.index(), a.2, "{a:?}");
    }

    #[test]
    fn packed_ranking_orders_as_first_written_at_the_edges() {
        let weights = [
            f32::NEG_INFINITY,
            -1.5,
            -0.0,
            0.0,
            f32::MIN_POSITIVE,
            0.25,
            1.0,
            7.5,
            f32::MAX,
            f32::INFINITY,
            f32::NAN,
            -f32::NAN,
        ];
        for &wa in &weights {
            for &wb in &weights {
                for (na, nb) in [(0, 0), (0, 255), (255, 0), (3, 4)] {
                    for (ia, ib) in [(0, 0), (0, u32::MAX), (u32::MAX, 0), (7, 8)] {
                        check((wa, na, ia), (wb, nb, ib));
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn packed_ranking_orders_as_first_written(
            a in (proptest::num::f32::ANY, proptest::num::u8::ANY, proptest::num::u32::ANY),
            b in (proptest::num::f32::ANY, proptest::num::u8::ANY, proptest::num::u32::ANY),
            tie in proptest::bool::ANY,
        ) {
            // Equal weights half the time: the ties are what the other fields decide.
            let b = if tie { (a.0, b.1, b.2) } else { b };
            check(a, b);
        }
    }
}

#[cfg(test)]
mod records_tests {
    use super::Matcher;
    use cordon_model::{Entity, Schema, prop};

    fn matcher(ids: &[String]) -> Matcher {
        Matcher::build(
            ids.iter()
                .map(|id| {
                    let mut e = Entity::new(id.as_str(), Schema::Person);
                    e.add(prop::NAME, "KIM Jong Un");
                    e
                })
                .collect(),
        )
    }

    /// What `records` answers, by a scan of every record.
    fn scanned(ids: &[String], id: &str) -> Vec<u32> {
        (0..ids.len() as u32)
            .filter(|&i| ids.get(i as usize).is_some_and(|x| x == id))
            .collect()
    }

    #[test]
    fn records_of_an_id_are_every_source_s_in_index_order() {
        let ids: Vec<String> = ["uk-2", "ofac-1", "uk-2", "un-3"]
            .map(String::from)
            .to_vec();
        let m = matcher(&ids);
        assert_eq!(m.records("uk-2"), [0, 2]);
        assert_eq!(m.records("ofac-1"), [1]);
        assert!(m.records("uk-").is_empty());
        assert!(m.records("").is_empty());
        assert!(m.records("zz").is_empty());
    }

    #[test]
    fn regression_a_result_names_the_last_record_of_its_id() {
        let ids: Vec<String> = ["uk-2", "ofac-1", "uk-2", "un-3", "ofac-1"]
            .map(String::from)
            .to_vec();
        let m = matcher(&ids);
        let q = crate::RawQuery {
            name: Some("KIM Jong Un".into()),
            ..Default::default()
        }
        .validate()
        .expect("a query");
        let results = m.screen(&q, &crate::Options::default());
        assert_eq!(results.len(), 3);
        for r in &results {
            assert_eq!(Some(&r.record), m.records(&r.id).last(), "{}", r.id);
        }
    }

    proptest::proptest! {
        #[test]
        fn records_answer_as_a_scan(
            ids in proptest::collection::vec("[ab]{0,3}", 0..40),
            probe in "[ab]{0,3}",
        ) {
            let m = matcher(&ids);
            proptest::prop_assert_eq!(m.records(&probe), &scanned(&ids, &probe)[..]);
            for id in &ids {
                proptest::prop_assert_eq!(m.records(id), &scanned(&ids, id)[..]);
            }
        }

        #[test]
        fn each_record_stands_for_the_last_of_its_id(
            ids in proptest::collection::vec("[ab]{0,3}", 0..40),
        ) {
            let m = matcher(&ids);
            let standing = super::standing_records(m.entities(), &m.by_id);
            for (i, id) in ids.iter().enumerate() {
                proptest::prop_assert_eq!(
                    standing.get(i).copied(),
                    scanned(&ids, id).last().copied()
                );
            }
        }
    }
}

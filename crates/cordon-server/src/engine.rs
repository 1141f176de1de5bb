//! The adapter between the service and the engines (name matching, wallet lookup): the one
//! place that changes when their APIs do. A [`Snapshot`] is one consistent set of list versions
//! with its indexes; the service swaps whole snapshots.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use cordon_match::{Matcher, Options, Query, RawQuery, ScreenResult};
use cordon_model::prop::{self, NAME_PROPS};
use cordon_model::{Entity, Schema};
use cordon_store::{SourceVersion, Store};
use cordon_wallets::{
    Screening, ScreeningStatus, SourceInfo, SourceKind, WalletIndex, WalletIndexBuilder,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::ListRef;
use crate::error::ServiceError;
use crate::util::now;

/// Most names of one query that are screened (the rest are ignored, as yente does).
pub const MAX_NAMES_PER_QUERY: usize = 10;

/// Identifier properties tried as the query's identifier, in this order.
const ID_PROPS: [&str; 9] = [
    prop::ID_NUMBER,
    prop::PASSPORT_NUMBER,
    prop::REGISTRATION_NUMBER,
    prop::TAX_NUMBER,
    prop::IMO_NUMBER,
    prop::LEI_CODE,
    prop::SWIFT_BIC,
    prop::PUBLIC_KEY,
    prop::MMSI,
];

/// One consistent set of list versions and the indexes built from them.
#[derive(Debug)]
pub struct Snapshot {
    /// Increases with every swap.
    pub generation: u64,
    /// When it was built.
    pub built_at: String,
    /// Source → version in effect.
    pub lists: BTreeMap<String, ListRef>,
    /// The versions' descriptions (for the catalog).
    pub sources: Vec<SourceVersion>,
    /// Shared with the applicant screener of the same snapshot: one matcher per list version.
    matcher: Arc<Matcher>,
    hashes: Vec<String>,
    wallets: Arc<WalletIndex>,
}

/// A validated screening query (yente's `EntityQuery`).
#[derive(Debug, Clone, Serialize)]
pub struct SubjectQuery {
    /// The schema asked for.
    pub schema: String,
    /// Properties as given (known property names only).
    pub properties: BTreeMap<String, Vec<String>>,
    #[serde(skip)]
    queries: Vec<Query>,
}

/// A screening hit with what the service adds to the engine's result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The engine's result.
    pub result: ScreenResult,
    /// A hash of the entity's stored record, which changes when the list entry changes.
    pub entity_hash: String,
}

/// Why a query cannot be screened: (code, message).
pub(crate) type QueryProblem = (&'static str, String);

fn values_of(v: &serde_json::Value, path: &str) -> Result<Vec<String>, QueryProblem> {
    match v {
        serde_json::Value::String(s) => Ok(vec![s.clone()]),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                serde_json::Value::String(s) => Ok(s.clone()),
                other => Err((
                    "invalid-type",
                    format!("{path}[{i}]: expected a string, got {}", kind(other)),
                )),
            })
            .collect(),
        serde_json::Value::Null => Ok(Vec::new()),
        other => Err((
            "invalid-type",
            format!("{path}: expected a list of strings, got {}", kind(other)),
        )),
    }
}

/// The JSON type of a value, for messages.
pub(crate) fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

impl SubjectQuery {
    /// Reads one yente `EntityQuery` (`{"schema": …, "properties": {…}}`); `path` names it in
    /// messages (`queries.q1`).
    pub fn from_json(v: &serde_json::Value, path: &str) -> Result<SubjectQuery, QueryProblem> {
        let obj = v.as_object().ok_or_else(|| {
            (
                "invalid-type",
                format!("{path}: expected an object, got {}", kind(v)),
            )
        })?;
        for k in obj.keys() {
            if !matches!(k.as_str(), "schema" | "properties" | "id") {
                return Err((
                    "unknown-field",
                    format!("{path}.{k}: unknown field (expected schema, properties)"),
                ));
            }
        }
        let schema = match obj.get("schema") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => {
                return Err((
                    "invalid-type",
                    format!("{path}.schema: expected a string, got {}", kind(other)),
                ));
            }
            None => return Err(("missing-field", format!("{path}.schema is required"))),
        };
        let schema_parsed = if schema == "Thing" || schema == "Any" {
            None
        } else {
            Some(schema.parse::<Schema>().map_err(|_| {
                (
                    "unknown-schema",
                    format!(
                        "{path}.schema: unknown schema {schema:?} (expected Person, Organization, Company, LegalEntity, Vessel, Aircraft, CryptoWallet or Thing)"
                    ),
                )
            })?)
        };
        let mut properties = BTreeMap::new();
        match obj.get("properties") {
            Some(serde_json::Value::Object(props)) => {
                for (name, value) in props {
                    if cordon_model::prop::prop_type(name).is_none() {
                        return Err((
                            "unknown-property",
                            format!(
                                "{path}.properties.{name}: unknown property (expected FtM names such as name, alias, birthDate, nationality, country, idNumber)"
                            ),
                        ));
                    }
                    let vals = values_of(value, &format!("{path}.properties.{name}"))?;
                    let vals: Vec<String> = vals
                        .into_iter()
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                    if !vals.is_empty() {
                        properties.insert(name.clone(), vals);
                    }
                }
            }
            Some(other) => {
                return Err((
                    "invalid-type",
                    format!("{path}.properties: expected an object, got {}", kind(other)),
                ));
            }
            None => {}
        }
        let get = |p: &str| properties.get(p).map(Vec::as_slice).unwrap_or_default();
        let mut names: Vec<String> = Vec::new();
        for p in NAME_PROPS {
            for n in get(p) {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        if names.is_empty() {
            let parts: Vec<&str> = [prop::FIRST_NAME, prop::MIDDLE_NAME, prop::LAST_NAME]
                .iter()
                .filter_map(|p| get(p).first().map(String::as_str))
                .collect();
            if !parts.is_empty() {
                names.push(parts.join(" "));
            }
        }
        if names.is_empty() {
            return Err((
                "missing-name",
                format!(
                    "{path}.properties: give at least one name (name, alias, firstName/lastName); use /screen/address for wallets"
                ),
            ));
        }
        names.truncate(MAX_NAMES_PER_QUERY);
        let first = |ps: &[&str]| ps.iter().find_map(|p| get(p).first().cloned());
        let mut queries = Vec::with_capacity(names.len());
        for n in names {
            let raw = RawQuery {
                id: None,
                name: Some(n),
                schema: None,
                birth_date: first(&[prop::BIRTH_DATE]),
                country: first(&[prop::COUNTRY, prop::JURISDICTION]),
                nationality: first(&[prop::NATIONALITY, prop::CITIZENSHIP]),
                gender: first(&[prop::GENDER]),
                id_number: first(&ID_PROPS),
            };
            let mut q = raw
                .validate()
                .map_err(|e| (e.code(), format!("{path}: {e}")))?;
            q.schema = schema_parsed;
            queries.push(q);
        }
        Ok(SubjectQuery {
            schema,
            properties,
            queries,
        })
    }

    /// A stable key for "the same subject": schema, names and birth dates, normalised. Later
    /// screenings of the same subject find the decisions made on earlier ones under this key.
    pub fn subject_key(&self) -> String {
        let names = NAME_PROPS
            .iter()
            .chain(&[prop::FIRST_NAME, prop::MIDDLE_NAME, prop::LAST_NAME])
            .flat_map(|p| self.properties.get(*p).into_iter().flatten())
            .map(String::as_str);
        let dates = self
            .properties
            .get(prop::BIRTH_DATE)
            .into_iter()
            .flatten()
            .map(String::as_str);
        subject_key(&self.schema, names, dates)
    }
}

/// The key of "the same subject" ([`SubjectQuery::subject_key`]): the schema, and the names and
/// birth dates with spacing and case normalised, in any order. `cordon screen` records its
/// screenings under it too, so that `cordon decide` and `/audit?subject=` find them.
pub fn subject_key<'a>(
    schema: &str,
    names: impl IntoIterator<Item = &'a str>,
    birth_dates: impl IntoIterator<Item = &'a str>,
) -> String {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let names: BTreeSet<String> = names.into_iter().map(norm).collect();
    let dates: BTreeSet<String> = birth_dates.into_iter().map(norm).collect();
    let mut h = Sha256::new();
    h.update(schema.to_lowercase().as_bytes());
    for n in &names {
        h.update(b"\x1fn");
        h.update(n.as_bytes());
    }
    for d in &dates {
        h.update(b"\x1fd");
        h.update(d.as_bytes());
    }
    hex::encode(h.finalize().get(..8).unwrap_or_default())
}

/// The subject key of a screened address (decisions, the review queue and `/audit?subject=`
/// refer to it), from its canonical form so that every spelling of one address is one
/// subject; `None` for an input that is not an address.
pub(crate) fn address_subject_key(screening: &Screening) -> Option<String> {
    let address = screening.address.as_ref()?;
    let mut key = Sha256::new();
    key.update(b"cryptowallet\x1fa");
    key.update(address.canonical().as_bytes());
    Some(hex::encode(key.finalize().get(..8).unwrap_or_default()))
}

/// A wallet on a list now ([`Snapshot::listed_wallet`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedWallet {
    /// The subject key decisions on this address refer to (from its canonical form, so every
    /// spelling of one address is one subject).
    pub subject: String,
    /// The address as shown to people.
    pub address: String,
    /// (entity id, caption) of each listed holder.
    pub holders: Vec<(String, String)>,
}

/// Filters on which entities may be returned.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only entities on one of these sources (`None` = any).
    pub datasets: Option<BTreeSet<String>>,
    /// Never entities on these sources.
    pub exclude_datasets: BTreeSet<String>,
    /// Never these entity ids.
    pub exclude_ids: BTreeSet<String>,
    /// Only entities whose list version was ingested at or after this time.
    pub changed_since: Option<jiff::Timestamp>,
}

/// The current version of every source with each entity's [`entity_hash`], in source order.
/// Sources are read one per core: decoding the stored JSON is the cost, and the largest source
/// (OFAC's SDN list) is under half of all entities.
fn load_entities(
    store: &Store,
    sources: &[SourceVersion],
) -> Result<(Vec<Entity>, Vec<String>), ServiceError> {
    use rayon::prelude::*;
    let parts: Vec<(Vec<Entity>, Vec<String>)> = sources
        .par_iter()
        .map(|v| {
            let n = usize::try_from(v.entity_count).unwrap_or(0);
            let (mut part, mut hashes) = (Vec::with_capacity(n), Vec::with_capacity(n));
            store.for_each_entity(&v.source, v.version, |e| {
                hashes.push(entity_hash(&e));
                part.push(e);
            })?;
            Ok((part, hashes))
        })
        .collect::<Result<_, ServiceError>>()?;
    let mut entities = Vec::new();
    let mut hashes = Vec::new();
    for (e, h) in parts {
        entities.extend(e);
        hashes.extend(h);
    }
    Ok((entities, hashes))
}

/// A hash of an entity's stored content (not where or when it was stored).
pub fn entity_hash(e: &Entity) -> String {
    let mut h = Sha256::new();
    h.update(e.schema.as_str().as_bytes());
    for (k, vs) in &e.properties {
        h.update(b"\x1ek");
        h.update(k.as_bytes());
        for v in vs {
            h.update(b"\x1fv");
            h.update(v.as_bytes());
        }
    }
    hex::encode(h.finalize().get(..12).unwrap_or_default())
}

impl Snapshot {
    /// Builds the indexes over the store's current versions.
    pub fn build(store: &Store, generation: u64) -> Result<Snapshot, ServiceError> {
        let started = std::time::Instant::now();
        let sources = store.sources()?;
        let (entities, hashes) = load_entities(store, &sources)?;
        let loaded = started.elapsed();
        let snapshot = Self::assemble(entities, hashes, sources, generation);
        tracing::info!(
            entities = snapshot.len(),
            load_ms = loaded.as_millis() as u64,
            index_ms = (started.elapsed() - loaded).as_millis() as u64,
            "snapshot built"
        );
        Ok(snapshot)
    }

    /// Builds the indexes over given entities (tests, re-screening).
    pub fn from_parts(
        entities: Vec<Entity>,
        sources: Vec<SourceVersion>,
        generation: u64,
    ) -> Snapshot {
        let hashes = entities.iter().map(entity_hash).collect();
        Self::assemble(entities, hashes, sources, generation)
    }

    fn assemble(
        entities: Vec<Entity>,
        hashes: Vec<String>,
        sources: Vec<SourceVersion>,
        generation: u64,
    ) -> Snapshot {
        let lists = crate::audit::list_refs(&sources);
        let mut wb = WalletIndexBuilder::new();
        for s in &sources {
            wb.source(SourceInfo {
                id: s.source.clone(),
                version: Some(s.version),
                as_of: s.publication_date.clone(),
            });
        }
        wb.entities(entities.iter());
        let wallets = wb.build();
        let matcher = Arc::new(Matcher::build(entities));
        Snapshot {
            generation,
            built_at: now(),
            lists,
            sources,
            matcher,
            hashes,
            wallets: Arc::new(wallets),
        }
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.matcher.len()
    }

    /// Whether there are no entities.
    pub fn is_empty(&self) -> bool {
        self.matcher.is_empty()
    }

    /// An entity by id.
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.matcher.entities().get(self.record(id)?)
    }

    /// The content hash of an entity.
    pub fn entity_hash(&self, id: &str) -> Option<&str> {
        self.hashes.get(self.record(id)?).map(String::as_str)
    }

    /// The record that stands for an id: of an id on several sources, the last the store gives
    /// (as the snapshot has always answered).
    fn record(&self, id: &str) -> Option<usize> {
        self.matcher.records(id).last().map(|&i| i as usize)
    }

    /// Every entity, in index order.
    pub fn entities(&self) -> &[Entity] {
        self.matcher.entities()
    }

    /// Every entity id.
    pub fn entity_ids(&self) -> impl Iterator<Item = &str> {
        self.matcher.entities().iter().map(|e| e.id.as_str())
    }

    /// Whether a source is loaded.
    pub fn has_source(&self, source: &str) -> bool {
        self.lists.contains_key(source)
    }

    fn ingested_at(&self, source: &str) -> Option<jiff::Timestamp> {
        self.sources
            .iter()
            .find(|s| s.source == source)
            .and_then(|s| s.ingested_at.parse().ok())
    }

    fn allowed(&self, r: &ScreenResult, f: &Filter) -> bool {
        if f.exclude_ids.contains(&r.id) {
            return false;
        }
        if let Some(ds) = &f.datasets
            && !r.datasets.iter().any(|d| ds.contains(d))
        {
            return false;
        }
        if r.datasets.iter().any(|d| f.exclude_datasets.contains(d)) {
            return false;
        }
        if let Some(t) = f.changed_since
            && !r
                .datasets
                .iter()
                .any(|d| self.ingested_at(d).is_some_and(|at| at >= t))
        {
            return false;
        }
        true
    }

    /// Screens a query: every name of it, best result per entity, filtered, best first.
    pub fn screen(&self, q: &SubjectQuery, threshold: f64, limit: usize, f: &Filter) -> Vec<Hit> {
        let excluded = f.exclude_ids.len();
        let opts = Options {
            threshold,
            // Ask for more so that filtered-out results do not shorten the list.
            limit: limit
                .saturating_mul(if f.datasets.is_some() { 8 } else { 2 })
                .saturating_add(excluded)
                .max(10),
            ..Options::default()
        };
        let mut best: HashMap<String, ScreenResult> = HashMap::new();
        for query in &q.queries {
            for r in self.matcher.screen(query, &opts) {
                if !self.allowed(&r, f) {
                    continue;
                }
                match best.get(&r.id) {
                    Some(b) if b.score >= r.score => {}
                    _ => {
                        best.insert(r.id.clone(), r);
                    }
                }
            }
        }
        let mut out: Vec<ScreenResult> = best.into_values().collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit);
        out.into_iter()
            .map(|result| Hit {
                entity_hash: self
                    .hashes
                    .get(result.record as usize)
                    .cloned()
                    .unwrap_or_default(),
                result,
            })
            .collect()
    }

    /// The list index for applicant screening, sharing this snapshot's matcher and wallet
    /// index rather than building a second copy of each.
    pub(crate) fn applicant_lists(&self) -> cordon_applicants::ListIndex {
        cordon_applicants::ListIndex::shared(Arc::clone(&self.matcher), Arc::clone(&self.wallets))
    }

    /// Screens a crypto address against list wallets.
    pub fn screen_address(&self, address: &str) -> Screening {
        self.wallets.screen(address)
    }

    /// What a screened address is listed under now, for the review queue: `None` unless a list
    /// names it today (a formerly listed wallet is information, not a hit). The entries are the
    /// wallets' holders this snapshot serves, since a decision is made on a list entry.
    pub fn listed_wallet(&self, screening: &Screening) -> Option<ListedWallet> {
        let address = screening.address.as_ref()?;
        if screening.status != ScreeningStatus::Listed {
            return None;
        }
        let mut holders: Vec<(String, String)> = Vec::new();
        for hit in &screening.hits {
            if hit.kind != SourceKind::List || !hit.is_listed() {
                continue;
            }
            for h in &hit.holders {
                let Some(e) = self.entity(&h.id) else {
                    continue;
                };
                if holders.iter().any(|(id, _)| *id == h.id) {
                    continue;
                }
                let caption = h.name.clone().unwrap_or_else(|| e.caption.clone());
                holders.push((h.id.clone(), caption));
            }
        }
        Some(ListedWallet {
            subject: address_subject_key(screening)?,
            address: address.display_form(),
            holders,
        })
    }

    /// The ids of entities that a query could match among `ids` (re-screening uses this to
    /// find the subjects a list change can affect).
    pub fn entities_where(&self, ids: &BTreeSet<String>) -> Vec<Entity> {
        ids.iter()
            .filter_map(|id| self.entity(id).cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_key_ignores_case_spacing_and_order() {
        let a = SubjectQuery::from_json(
            &serde_json::json!({"schema": "Person", "properties": {"name": ["Kim  Jong Un", "김정은"]}}),
            "q",
        )
        .unwrap();
        let b = SubjectQuery::from_json(
            &serde_json::json!({"schema": "Person", "properties": {"name": ["김정은", "kim jong un"]}}),
            "q",
        )
        .unwrap();
        assert_eq!(a.subject_key(), b.subject_key());
        let c = SubjectQuery::from_json(
            &serde_json::json!({"schema": "Person", "properties": {"name": ["Kim Jong Il"]}}),
            "q",
        )
        .unwrap();
        assert_ne!(a.subject_key(), c.subject_key());
    }

    #[test]
    fn applicant_screening_shares_the_snapshot_matcher_and_wallets() {
        let mut e = Entity::new("p1", Schema::Person);
        e.add(prop::NAME, "PAK Su Min");
        let snap = Snapshot::from_parts(vec![e], Vec::new(), 1);
        let lists = snap.applicant_lists();
        assert_eq!(Arc::strong_count(&snap.matcher), 2);
        assert_eq!(Arc::strong_count(&snap.wallets), 2);
        assert_eq!(lists.len(), 1);
    }

    #[test]
    fn only_a_wallet_listed_now_is_for_review_and_every_spelling_is_one_subject() {
        let mut p = Entity::new("p1", Schema::Person);
        p.add(prop::NAME, "PAK Su Min");
        let mut w = Entity::new("w1", Schema::CryptoWallet);
        w.add(
            prop::PUBLIC_KEY,
            "0x52908400098527886e0f7030069857d2e4169ee7",
        );
        w.add(prop::HOLDER, "p1");
        for e in [&mut p, &mut w] {
            e.datasets.push("test-list".into());
        }
        let snap = Snapshot::from_parts(vec![p, w], Vec::new(), 1);
        let lower = snap.screen_address("0x52908400098527886e0f7030069857d2e4169ee7");
        let listed = snap.listed_wallet(&lower).expect("listed");
        assert_eq!(listed.holders, [("p1".to_owned(), "PAK Su Min".to_owned())]);
        // The EIP-55 spelling is the same address, so the same subject.
        let eip55 = snap.screen_address("0x52908400098527886E0F7030069857D2E4169EE7");
        assert_eq!(snap.listed_wallet(&eip55), Some(listed));
        let mut formerly = lower.clone();
        formerly.status = ScreeningStatus::FormerlyListed;
        assert_eq!(snap.listed_wallet(&formerly), None);
        let unknown = snap.screen_address("0x2222222222222222222222222222222222222222");
        assert_eq!(snap.listed_wallet(&unknown), None);
    }

    #[test]
    fn bad_queries_name_the_field() {
        let err = |v: serde_json::Value| SubjectQuery::from_json(&v, "queries.q1").unwrap_err();
        let (code, msg) = err(serde_json::json!({"schema": "Planet", "properties": {"name": "x"}}));
        assert_eq!(code, "unknown-schema");
        assert!(msg.contains("queries.q1.schema"));
        let (code, msg) =
            err(serde_json::json!({"schema": "Person", "properties": {"nmae": ["x"]}}));
        assert_eq!(code, "unknown-property");
        assert!(msg.contains("nmae"));
        let (code, _) = err(serde_json::json!({"schema": "Person", "properties": {"name": [1]}}));
        assert_eq!(code, "invalid-type");
        let (code, _) = err(serde_json::json!({"schema": "Person", "properties": {}}));
        assert_eq!(code, "missing-name");
        let (code, _) = err(serde_json::json!({"schema": 3}));
        assert_eq!(code, "invalid-type");
    }
}

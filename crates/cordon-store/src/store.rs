use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cordon_lists::{EntitySink, ListError};
use cordon_model::{Diagnostic, Entity, Provenance};
use redb::{Database, ReadableDatabase, ReadableTable, Table, TableDefinition};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Source id → [`SourceState`] (JSON).
const SOURCES: TableDefinition<'_, &str, &str> = TableDefinition::new("sources");
/// (source id, version) → [`SourceVersion`] (JSON).
const VERSIONS: TableDefinition<'_, (&str, u32), &str> = TableDefinition::new("versions");
/// (source id, version, entity id) → [`Entity`] (JSON).
const ENTITIES: TableDefinition<'_, (&str, u32, &str), &[u8]> = TableDefinition::new("entities");
/// Store-level metadata, e.g. the on-disk format version.
const META: TableDefinition<'_, &str, &str> = TableDefinition::new("meta");

/// Bumped whenever the meaning of stored records changes; a store with another value is refused.
const FORMAT_VERSION: &str = "1";

/// One input file of a stored version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    /// The file's path as given to the ingest.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Hex sha256 of its content.
    pub sha256: String,
}

/// A stored version of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceVersion {
    /// The source id.
    pub source: String,
    /// 1, 2, … in ingest order.
    pub version: u32,
    /// The list format read.
    pub format: String,
    /// The files read.
    pub files: Vec<FileInfo>,
    /// sha256 over the files' names and hashes: identical input gives an identical hash.
    pub content_hash: String,
    /// The list's own publication date, when it states one.
    pub publication_date: Option<String>,
    /// A title the list gives itself.
    pub title: Option<String>,
    /// When the version was stored (RFC 3339, UTC).
    pub ingested_at: String,
    /// Number of entities.
    pub entity_count: u64,
    /// Entities per schema.
    pub schema_counts: BTreeMap<String, u64>,
    /// Number of warnings the parse produced.
    pub warning_count: u64,
    /// The first warnings (at most [`KEPT_WARNINGS`]), for `cordon lists` and the catalog.
    pub warnings: Vec<Diagnostic>,
}

/// How many warnings a version keeps verbatim.
pub const KEPT_WARNINGS: usize = 50;

/// The last failed ingest of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastError {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Stable error code.
    pub code: String,
    /// The error, naming file and position.
    pub message: String,
}

/// What the store knows about a source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    /// The version screening uses, if any version was ever stored.
    pub current: Option<u32>,
    /// The highest version number stored.
    pub latest: u32,
    /// When the last successful ingest finished (also when it found the files unchanged).
    pub last_success: Option<String>,
    /// The last failure, cleared by the next success.
    pub last_error: Option<LastError>,
}

/// The embedded store. Cheap to share by reference across threads; one process at a time may
/// open a store file.
#[derive(Debug)]
pub struct Store {
    db: Database,
    path: PathBuf,
}

/// Where the store lives by default: `$CORDON_DB`, else `<data dir>/cordon/cordon.redb`
/// (e.g. `~/.local/share/cordon/cordon.redb`), else `./cordon.redb`.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("CORDON_DB") {
        return PathBuf::from(p);
    }
    dirs::data_dir()
        .map(|d| d.join("cordon").join("cordon.redb"))
        .unwrap_or_else(|| PathBuf::from("cordon.redb"))
}

pub(crate) fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn corrupt(key: impl Into<String>, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        key: key.into(),
        message: e.to_string(),
    }
}

impl Store {
    /// Opens the store at `path`, creating it (and its directory) if needed.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
        }
        let db = Database::create(path).map_err(|e| StoreError::Open {
            path: path.to_owned(),
            message: match e {
                redb::DatabaseError::DatabaseAlreadyOpen => {
                    "another Cordon process has this store open".to_owned()
                }
                other => other.to_string(),
            },
        })?;
        let store = Store {
            db,
            path: path.to_owned(),
        };
        store.init()?;
        Ok(store)
    }

    /// The file the store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn init(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let existing = meta.get("format")?.map(|v| v.value().to_owned());
            match existing {
                Some(v) if v != FORMAT_VERSION => {
                    return Err(StoreError::Open {
                        path: self.path.clone(),
                        message: format!(
                            "store format {v} is not supported by this Cordon (format {FORMAT_VERSION})"
                        ),
                    });
                }
                Some(_) => {}
                None => {
                    meta.insert("format", FORMAT_VERSION)?;
                }
            }
            txn.open_table(SOURCES)?;
            txn.open_table(VERSIONS)?;
            txn.open_table(ENTITIES)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Every source the store knows, by id.
    pub fn source_states(&self) -> Result<BTreeMap<String, SourceState>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(SOURCES)?;
        let mut out = BTreeMap::new();
        for row in table.iter()? {
            let (k, v) = row?;
            let state: SourceState =
                serde_json::from_str(v.value()).map_err(|e| corrupt(k.value(), e))?;
            out.insert(k.value().to_owned(), state);
        }
        Ok(out)
    }

    /// The state of one source.
    pub fn source_state(&self, source: &str) -> Result<Option<SourceState>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(SOURCES)?;
        table
            .get(source)?
            .map(|v| serde_json::from_str(v.value()).map_err(|e| corrupt(source, e)))
            .transpose()
    }

    /// The current version of every source that has one, by source id.
    pub fn sources(&self) -> Result<Vec<SourceVersion>, StoreError> {
        let mut out = Vec::new();
        for (id, state) in self.source_states()? {
            if let Some(v) = state.current {
                out.push(self.version(&id, v)?);
            }
        }
        Ok(out)
    }

    /// One version of a source.
    pub fn version(&self, source: &str, version: u32) -> Result<SourceVersion, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(VERSIONS)?;
        let v = table
            .get((source, version))?
            .ok_or_else(|| StoreError::UnknownVersion {
                source_id: source.to_owned(),
                version,
            })?;
        serde_json::from_str(v.value()).map_err(|e| corrupt(format!("{source}@{version}"), e))
    }

    /// Every stored version of a source, oldest first.
    pub fn versions(&self, source: &str) -> Result<Vec<SourceVersion>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(VERSIONS)?;
        let mut out = Vec::new();
        for row in table.range((source, 0)..=(source, u32::MAX))? {
            let (k, v) = row?;
            let (s, n) = k.value();
            out.push(serde_json::from_str(v.value()).map_err(|e| corrupt(format!("{s}@{n}"), e))?);
        }
        if out.is_empty() && self.source_state(source)?.is_none() {
            return Err(StoreError::UnknownSource(source.to_owned()));
        }
        Ok(out)
    }

    /// The entities of one version of a source, ordered by id.
    pub fn entities(&self, source: &str, version: u32) -> Result<Vec<Entity>, StoreError> {
        let mut out = Vec::new();
        self.for_each_entity(source, version, |e| out.push(e))?;
        Ok(out)
    }

    /// Calls `f` with each entity of one version of a source, ordered by id.
    pub fn for_each_entity(
        &self,
        source: &str,
        version: u32,
        mut f: impl FnMut(Entity),
    ) -> Result<(), StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(ENTITIES)?;
        let next = version
            .checked_add(1)
            .ok_or_else(|| corrupt(source, "version overflow"))?;
        for row in table.range((source, version, "")..(source, next, ""))? {
            let (k, v) = row?;
            let (_, _, id) = k.value();
            f(serde_json::from_slice(v.value()).map_err(|e| corrupt(id, e))?);
        }
        Ok(())
    }

    /// Every entity of every source's current version, each with its provenance (the same id
    /// can appear once per source that lists it), in source order. Sources are decoded in
    /// parallel: decoding the stored JSON is the cost of loading.
    pub fn current_entities(&self) -> Result<Vec<Entity>, StoreError> {
        use rayon::prelude::*;
        let parts: Vec<Vec<Entity>> = self
            .sources()?
            .par_iter()
            .map(|v| {
                let mut part = Vec::with_capacity(usize::try_from(v.entity_count).unwrap_or(0));
                self.for_each_entity(&v.source, v.version, |e| part.push(e))?;
                Ok(part)
            })
            .collect::<Result<_, StoreError>>()?;
        let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for part in parts {
            out.extend(part);
        }
        Ok(out)
    }

    /// Every entity of the current versions once, merged over the sources that list it (as
    /// [`Store::entity`] merges), ordered by id. Only the sources in `only`, unless it is empty.
    pub fn merged_current_entities(&self, only: &[String]) -> Result<Vec<Entity>, StoreError> {
        let versions: Vec<(String, u32)> = self
            .sources()?
            .into_iter()
            .filter(|v| only.is_empty() || only.contains(&v.source))
            .map(|v| (v.source, v.version))
            .collect();
        self.merged_entities(&versions)
    }

    /// The entities of the given source versions once each, merged by id in the order given,
    /// ordered by id (what a service snapshot of those versions holds).
    pub fn merged_entities(&self, versions: &[(String, u32)]) -> Result<Vec<Entity>, StoreError> {
        let mut merged: BTreeMap<String, Entity> = BTreeMap::new();
        for (source, version) in versions {
            self.for_each_entity(source, *version, |e| match merged.get_mut(&e.id) {
                Some(m) => m.merge(&e),
                None => {
                    merged.insert(e.id.clone(), e);
                }
            })?;
        }
        Ok(merged.into_values().collect())
    }

    /// One entity by id, merged over every source whose current version lists it; `None` if
    /// no source does. The provenance is that of the first source (by id) that lists it.
    pub fn entity(&self, id: &str) -> Result<Option<Entity>, StoreError> {
        let states = self.source_states()?;
        let txn = self.db.begin_read()?;
        let table = txn.open_table(ENTITIES)?;
        let mut merged: Option<Entity> = None;
        for (source, state) in &states {
            let Some(v) = state.current else { continue };
            if let Some(raw) = table.get((source.as_str(), v, id))? {
                let e: Entity = serde_json::from_slice(raw.value()).map_err(|e| corrupt(id, e))?;
                match &mut merged {
                    Some(m) => m.merge(&e),
                    None => merged = Some(e),
                }
            }
        }
        Ok(merged)
    }

    /// Entities (over all current versions) whose `property` has `value`: e.g. the wallets
    /// whose `holder` is an entity. A scan: for `show` and tests, not for hot paths.
    pub fn entities_with(&self, property: &str, value: &str) -> Result<Vec<Entity>, StoreError> {
        let mut out: Vec<Entity> = Vec::new();
        for v in self.sources()? {
            self.for_each_entity(&v.source, v.version, |e| {
                if e.get(property).iter().any(|x| x == value) {
                    match out.iter_mut().find(|o| o.id == e.id) {
                        Some(o) => o.merge(&e),
                        None => out.push(e),
                    }
                }
            })?;
        }
        Ok(out)
    }

    /// Records a failed ingest without touching any stored version.
    pub(crate) fn record_failure(
        &self,
        source: &str,
        code: &str,
        message: &str,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut sources = txn.open_table(SOURCES)?;
            let mut state = read_state(&sources, source)?.unwrap_or_default();
            state.last_error = Some(LastError {
                at: now_rfc3339(),
                code: code.to_owned(),
                message: message.to_owned(),
            });
            let json = serde_json::to_string(&state).map_err(|e| corrupt(source, e))?;
            sources.insert(source, json.as_str())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Records that an ingest found the source unchanged.
    pub(crate) fn record_unchanged(&self, source: &str) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut sources = txn.open_table(SOURCES)?;
            let mut state = read_state(&sources, source)?.unwrap_or_default();
            state.last_success = Some(now_rfc3339());
            state.last_error = None;
            let json = serde_json::to_string(&state).map_err(|e| corrupt(source, e))?;
            sources.insert(source, json.as_str())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Writes a new version of `source` atomically: `fill` streams entities into the sink; the
    /// version becomes current only if `fill` succeeds and at least one entity was written.
    /// `finish` turns the counts into the version record.
    pub(crate) fn write_version<T, E>(
        &self,
        source: &str,
        content_hash: &str,
        fill: impl FnOnce(&mut VersionSink<'_, '_>) -> Result<T, E>,
        finish: impl FnOnce(u32, &VersionSink<'_, '_>, T) -> SourceVersion,
    ) -> Result<Result<SourceVersion, E>, StoreError> {
        let txn = self.db.begin_write()?;
        let version = {
            let sources = txn.open_table(SOURCES)?;
            read_state(&sources, source)?.unwrap_or_default().latest + 1
        };
        let record;
        {
            let mut entities = txn.open_table(ENTITIES)?;
            let mut sink = VersionSink {
                table: &mut entities,
                source,
                version,
                content_hash,
                schema_counts: BTreeMap::new(),
                entity_count: 0,
                warnings: Vec::new(),
                warning_count: 0,
                failure: None,
            };
            let filled = fill(&mut sink);
            if let Some(e) = sink.failure.take() {
                // The store itself failed; the transaction is dropped (aborted) unwritten.
                return Err(e);
            }
            match filled {
                Ok(t) => record = finish(version, &sink, t),
                Err(e) => {
                    drop(entities);
                    txn.abort()?;
                    return Ok(Err(e));
                }
            }
        }
        {
            let mut versions = txn.open_table(VERSIONS)?;
            let json = serde_json::to_string(&record).map_err(|e| corrupt(source, e))?;
            versions.insert((source, version), json.as_str())?;
            let mut sources = txn.open_table(SOURCES)?;
            let mut state = read_state(&sources, source)?.unwrap_or_default();
            state.current = Some(version);
            state.latest = version;
            state.last_success = Some(record.ingested_at.clone());
            state.last_error = None;
            let json = serde_json::to_string(&state).map_err(|e| corrupt(source, e))?;
            sources.insert(source, json.as_str())?;
        }
        txn.commit()?;
        Ok(Ok(record))
    }
}

fn read_state(
    table: &impl ReadableTable<&'static str, &'static str>,
    source: &str,
) -> Result<Option<SourceState>, StoreError> {
    table
        .get(source)?
        .map(|v| serde_json::from_str(v.value()).map_err(|e| corrupt(source, e)))
        .transpose()
}

/// Receives a version's entities inside the write transaction. Two records with the same id in
/// one source are merged, never silently dropped.
pub(crate) struct VersionSink<'t, 's> {
    table: &'t mut Table<'s, (&'static str, u32, &'static str), &'static [u8]>,
    source: &'t str,
    version: u32,
    content_hash: &'t str,
    pub(crate) schema_counts: BTreeMap<String, u64>,
    pub(crate) entity_count: u64,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) warning_count: u64,
    failure: Option<StoreError>,
}

impl VersionSink<'_, '_> {
    fn put(&mut self, mut entity: Entity) -> Result<(), StoreError> {
        entity.provenance = Some(Provenance {
            source: self.source.to_owned(),
            version: self.version,
            content_hash: self.content_hash.to_owned(),
        });
        let key = (self.source, self.version, entity.id.as_str());
        let existing = self.table.get(key)?.map(|v| v.value().to_vec());
        if let Some(raw) = existing {
            let mut prev: Entity =
                serde_json::from_slice(&raw).map_err(|e| corrupt(&entity.id, e))?;
            prev.merge(&entity);
            entity = prev;
        } else {
            self.entity_count += 1;
            *self
                .schema_counts
                .entry(entity.schema.to_string())
                .or_default() += 1;
        }
        let json = serde_json::to_vec(&entity).map_err(|e| corrupt(&entity.id, e))?;
        self.table.insert(
            (self.source, self.version, entity.id.as_str()),
            json.as_slice(),
        )?;
        Ok(())
    }

    /// Records a warning (keeps the first few verbatim, counts all).
    pub(crate) fn warn(&mut self, d: Diagnostic) {
        self.warning_count += 1;
        if self.warnings.len() < KEPT_WARNINGS {
            self.warnings.push(d);
        }
    }
}

impl EntitySink for VersionSink<'_, '_> {
    fn entity(&mut self, entity: Entity) -> Result<(), ListError> {
        self.put(entity).map_err(|e| {
            let msg = e.to_string();
            self.failure = Some(e);
            ListError::Sink(msg)
        })
    }

    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.warn(diagnostic);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use cordon_model::{Schema, prop};

    use super::*;

    pub(crate) fn entity(id: &str, name: &str) -> Entity {
        let mut e = Entity::new(id, Schema::Person);
        e.add(prop::NAME, name);
        e.add_dataset("src");
        e
    }

    fn write(store: &Store, source: &str, hash: &str, entities: &[Entity]) -> SourceVersion {
        store
            .write_version(
                source,
                hash,
                |sink| {
                    for e in entities {
                        sink.entity(e.clone())?;
                    }
                    Ok::<(), ListError>(())
                },
                |version, sink, ()| SourceVersion {
                    source: source.to_owned(),
                    version,
                    format: "test".into(),
                    files: Vec::new(),
                    content_hash: hash.to_owned(),
                    publication_date: None,
                    title: None,
                    ingested_at: now_rfc3339(),
                    entity_count: sink.entity_count,
                    schema_counts: sink.schema_counts.clone(),
                    warning_count: sink.warning_count,
                    warnings: sink.warnings.clone(),
                },
            )
            .unwrap()
            .unwrap()
    }

    /// A store in a temp dir with one version of `source` per entry of `versions`.
    pub(crate) fn store_with(source: &str, versions: &[Vec<Entity>]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sub/cordon.redb")).unwrap();
        for (i, v) in versions.iter().enumerate() {
            write(&store, source, &format!("hash{i}"), v);
        }
        (dir, store)
    }

    #[test]
    fn versions_and_provenance() {
        let (_dir, store) = store_with(
            "src",
            &[
                vec![entity("a", "Alpha")],
                vec![entity("a", "Alpha"), entity("b", "Beta")],
            ],
        );
        let sources = store.sources().unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].version, 2);
        assert_eq!(sources[0].entity_count, 2);
        assert_eq!(store.versions("src").unwrap().len(), 2);
        assert_eq!(store.entities("src", 1).unwrap().len(), 1);
        let b = store.entity("b").unwrap().unwrap();
        assert_eq!(b.provenance.as_ref().unwrap().version, 2);
        assert_eq!(b.provenance.as_ref().unwrap().content_hash, "hash1");
        assert!(store.entity("zzz").unwrap().is_none());
    }

    #[test]
    fn failed_fill_keeps_last_good_version() {
        let (_dir, store) = store_with("src", &[vec![entity("a", "Alpha")]]);
        let r = store.write_version(
            "src",
            "broken",
            |sink| {
                sink.entity(entity("x", "Half written"))?;
                Err::<(), ListError>(ListError::NoEntities { path: "f".into() })
            },
            |_, _, ()| unreachable!("finish must not run on failure"),
        );
        assert!(r.unwrap().is_err());
        let state = store.source_state("src").unwrap().unwrap();
        assert_eq!(state.current, Some(1));
        assert_eq!(state.latest, 1);
        assert!(store.entity("x").unwrap().is_none());
        assert_eq!(store.current_entities().unwrap().len(), 1);
    }

    #[test]
    fn duplicate_ids_in_one_version_are_merged() {
        let mut a2 = entity("a", "Alpha Two");
        a2.add(prop::BIRTH_DATE, "1965");
        let (_dir, store) = store_with("src", &[vec![entity("a", "Alpha"), a2]]);
        let a = store.entity("a").unwrap().unwrap();
        assert_eq!(a.get(prop::NAME), ["Alpha", "Alpha Two"]);
        assert_eq!(a.get(prop::BIRTH_DATE), ["1965"]);
        assert_eq!(store.sources().unwrap()[0].entity_count, 1);
    }

    #[test]
    fn same_id_in_two_sources_merges_on_read() {
        let (_dir, store) = store_with("one", &[vec![entity("shared", "Kim")]]);
        let mut other = entity("shared", "KIM Jong Un");
        other.datasets = vec!["two".into()];
        write(&store, "two", "h", &[other]);
        let e = store.entity("shared").unwrap().unwrap();
        assert_eq!(e.get(prop::NAME), ["Kim", "KIM Jong Un"]);
        assert_eq!(store.current_entities().unwrap().len(), 2);
    }

    #[test]
    fn reopen_keeps_data_and_second_open_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.redb");
        {
            let store = Store::open(&path).unwrap();
            write(&store, "src", "h", &[entity("a", "Alpha")]);
            let err = Store::open(&path).unwrap_err();
            assert_eq!(err.code(), "store-open");
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.current_entities().unwrap().len(), 1);
    }
}

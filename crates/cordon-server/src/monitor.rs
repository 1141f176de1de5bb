//! Monitoring: registered subjects, re-screening on list changes, and alerts.
//!
//! `monitor.json` remembers the list versions the subjects were last screened against and each
//! subject's hits. On a change, only what the change can affect is re-screened: the store's
//! diff between the remembered and the current version names the touched entries; a subject is
//! affected when one of its hits was touched, or when it matches one of the touched entries
//! (an index built from the touched entries alone finds those candidates). Affected subjects are
//! screened again in full and their new and vanished hits become alerts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cordon_store::Store;
use serde::{Deserialize, Serialize};

use crate::ServiceDir;
use crate::decisions::Decisions;
use crate::engine::{Filter, Hit, Snapshot, SubjectQuery};
use crate::error::ServiceError;
use crate::review::{Origin, ReviewItem};
use crate::util::{append_bytes, now, read_jsonl, write_atomic};

/// A subject registered for monitoring.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subject {
    /// The caller's id (or the subject key when none was given).
    pub id: String,
    /// Schema.
    pub schema: String,
    /// Properties (FtM names).
    pub properties: BTreeMap<String, Vec<String>>,
    /// When registered.
    #[serde(default)]
    pub registered: String,
    /// Who registered it.
    #[serde(default)]
    pub by: String,
}

impl Subject {
    /// The query for this subject.
    pub fn query(&self) -> Result<SubjectQuery, ServiceError> {
        let v = serde_json::json!({"schema": self.schema, "properties": self.properties});
        SubjectQuery::from_json(&v, &format!("subject {}", self.id))
            .map_err(|(_, m)| ServiceError::Invalid(m))
    }
}

/// New or vanished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertKind {
    /// A hit that was not there before.
    New,
    /// A hit that is gone (delisted, or the entry changed so that it no longer matches).
    Vanished,
}

/// A change in a subject's hits after a list update.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alert {
    /// When found.
    pub time: String,
    /// The subject id.
    pub subject: String,
    /// The subject key (decisions on the hit refer to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_key: Option<String>,
    /// The list entry.
    pub entity_id: String,
    /// Its caption (from the version where it was a hit).
    pub caption: String,
    /// New or vanished.
    pub kind: AlertKind,
    /// The score now (new) or before (vanished).
    pub score: f64,
    /// Versions screened against.
    pub lists: BTreeMap<String, u32>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct MonitorState {
    lists: BTreeMap<String, u32>,
    hits: BTreeMap<String, HitMap>,
}

/// What a re-screen did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RescreenReport {
    /// Subjects registered.
    pub subjects: usize,
    /// Sources whose version changed: since the last re-screen when subjects are monitored
    /// (their hits were found there), otherwise since what the service served before the
    /// update (a source that left counts too).
    pub changed_sources: Vec<String>,
    /// List entries the changes touched.
    pub touched_entities: usize,
    /// Subjects screened again (affected or new).
    pub rescreened: usize,
    /// Alerts raised.
    pub alerts: Vec<Alert>,
    /// The new hits that no decision covers, for the review queue.
    #[serde(skip)]
    pub review: Vec<ReviewItem>,
}

/// Reads the registered subjects (a later line with the same id replaces an earlier one).
pub fn load_subjects(path: &Path) -> Result<BTreeMap<String, Subject>, ServiceError> {
    Ok(read_jsonl::<Subject>(path)?
        .into_iter()
        .map(|(_, s)| (s.id.clone(), s))
        .collect())
}

/// Reads bulk subjects: JSON lines (`{"id", "schema", "properties"}`) or CSV with a header
/// (`id`, `schema`, then FtM property names; several values separated by `;`).
pub fn parse_subjects(text: &str, csv_input: bool, by: &str) -> Result<Vec<Subject>, ServiceError> {
    let mut out = Vec::new();
    let registered = now();
    if csv_input {
        let mut r = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = r
            .headers()
            .map_err(|e| ServiceError::Invalid(format!("CSV header: {e}")))?
            .clone();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| ServiceError::Invalid(format!("CSV line {}: {e}", i + 2)))?;
            let mut id = None;
            let mut schema = "Person".to_owned();
            let mut properties: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (h, v) in headers.iter().zip(rec.iter()) {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                match h.trim() {
                    "id" => id = Some(v.to_owned()),
                    "schema" => schema = v.to_owned(),
                    p => properties.entry(p.to_owned()).or_default().extend(
                        v.split(';')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty()),
                    ),
                }
            }
            out.push(finish(
                id,
                &schema,
                &properties,
                &registered,
                by,
                &format!("CSV line {}", i + 2),
            )?);
        }
    } else {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| ServiceError::Invalid(format!("line {}: {e}", i + 1)))?;
            let id = v.get("id").and_then(|x| x.as_str()).map(str::to_owned);
            let q = SubjectQuery::from_json(&v, &format!("line {}", i + 1))
                .map_err(|(_, m)| ServiceError::Invalid(m))?;
            let key = q.subject_key();
            out.push(Subject {
                id: id.unwrap_or(key),
                schema: q.schema,
                properties: q.properties,
                registered: registered.clone(),
                by: by.to_owned(),
            });
        }
    }
    Ok(out)
}

fn finish(
    id: Option<String>,
    schema: &str,
    properties: &BTreeMap<String, Vec<String>>,
    registered: &str,
    by: &str,
    place: &str,
) -> Result<Subject, ServiceError> {
    let v = serde_json::json!({"schema": schema, "properties": properties});
    let q = SubjectQuery::from_json(&v, place).map_err(|(_, m)| ServiceError::Invalid(m))?;
    Ok(Subject {
        id: id.unwrap_or_else(|| q.subject_key()),
        schema: q.schema,
        properties: q.properties,
        registered: registered.to_owned(),
        by: by.to_owned(),
    })
}

/// Appends subjects to the subjects file (one write).
pub fn register(dir: &ServiceDir, subjects: &[Subject]) -> Result<(), ServiceError> {
    let mut bytes = Vec::new();
    for s in subjects {
        serde_json::to_writer(&mut bytes, s).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        bytes.push(b'\n');
    }
    append_bytes(&dir.subjects(), &bytes)
}

/// Reads the alerts, optionally since a time.
pub fn load_alerts(
    path: &Path,
    since: Option<jiff::Timestamp>,
) -> Result<Vec<Alert>, ServiceError> {
    Ok(read_jsonl::<Alert>(path)?
        .into_iter()
        .map(|(_, a)| a)
        .filter(|a| since.is_none_or(|t| a.time.parse::<jiff::Timestamp>().is_ok_and(|at| at >= t)))
        .collect())
}

/// The hits of a subject as monitoring keeps them: at or above the threshold and not
/// suppressed by a decision, best first.
pub(crate) fn monitored_hits(
    snapshot: &Snapshot,
    q: &SubjectQuery,
    decisions: Option<&Decisions>,
    threshold: f64,
) -> Vec<Hit> {
    let key = q.subject_key();
    snapshot
        .screen(q, threshold, MONITORED_HITS, &Filter::default())
        .into_iter()
        .filter(|h| h.result.is_match)
        .filter(|h| !decisions.is_some_and(|d| d.suppresses(&key, &h.result.id, &h.entity_hash)))
        .collect()
}

fn hit_map(hits: &[Hit]) -> HitMap {
    hits.iter()
        .map(|h| {
            (
                h.result.id.clone(),
                (h.result.score, h.result.caption.clone()),
            )
        })
        .collect()
}

/// Most hits remembered per subject.
const MONITORED_HITS: usize = 50;

/// Entity id → (score, caption) of a subject's hits.
type HitMap = BTreeMap<String, (f64, String)>;

/// Reads and writes of `monitor.json` within one process go one at a time: the server registers
/// subjects while its update job re-screens. No other process writes the file while the server
/// runs (re-screening needs the store, which the server holds).
static MONITOR_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn load_state(dir: &ServiceDir) -> Result<MonitorState, ServiceError> {
    match std::fs::read(dir.monitor()) {
        Ok(b) => serde_json::from_slice(&b).map_err(|e| ServiceError::Corrupt {
            path: dir.monitor().display().to_string(),
            line: 1,
            message: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MonitorState::default()),
        Err(e) => Err(ServiceError::io(&dir.monitor(), e)),
    }
}

fn save_state(dir: &ServiceDir, state: &MonitorState) -> Result<(), ServiceError> {
    let bytes = serde_json::to_vec(state).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    write_atomic(&dir.monitor(), &bytes)
}

/// Sources whose version in `after` differs from `before`, and sources `after` no longer has.
fn changed_between(before: &BTreeMap<String, u32>, after: &BTreeMap<String, u32>) -> Vec<String> {
    let mut changed: BTreeSet<&String> = after
        .iter()
        .filter(|(s, v)| before.get(*s) != Some(*v))
        .map(|(s, _)| s)
        .collect();
    changed.extend(before.keys().filter(|s| !after.contains_key(*s)));
    changed.into_iter().cloned().collect()
}

pub(crate) fn versions_of(snapshot: &Snapshot) -> BTreeMap<String, u32> {
    snapshot
        .lists
        .iter()
        .map(|(k, v)| (k.clone(), v.version))
        .collect()
}

/// Remembers the hits that newly registered subjects have on `snapshot` as their baseline, so
/// that the next list change alerts on exactly what it changes for them, and a re-screen with
/// no list change screens nothing. When the remembered versions are not `snapshot`'s (a
/// re-screen is due), nothing is recorded: that re-screen screens the new subjects in full.
pub(crate) fn record_baseline(
    dir: &ServiceDir,
    snapshot: &Snapshot,
    baselines: &[(String, Vec<Hit>)],
) -> Result<bool, ServiceError> {
    let _guard = MONITOR_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let mut state = load_state(dir)?;
    let versions = versions_of(snapshot);
    if state.lists.is_empty() && state.hits.is_empty() {
        state.lists = versions;
    } else if state.lists != versions {
        return Ok(false);
    }
    for (id, hits) in baselines {
        state.hits.insert(id.clone(), hit_map(hits));
    }
    save_state(dir, &state)?;
    Ok(true)
}

/// Re-screens what changed since the last re-screen and records alerts.
///
/// Work is in proportion to the change: with no subject monitored nothing is screened or
/// diffed; with no source changed only subjects without a baseline are screened; otherwise
/// the store's diffs name the touched entries and only the subjects they can affect are
/// screened again.
///
/// `served_before` is what a running service served before the list update that triggered
/// this re-screen (`None` from the CLI); with no subject monitored, `changed_sources` is
/// measured against it rather than against the monitor's remembered versions.
pub fn rescreen(
    snapshot: &Snapshot,
    served_before: Option<&BTreeMap<String, u32>>,
    store: Option<&Store>,
    dir: &ServiceDir,
    decisions: Option<&Decisions>,
    threshold: f64,
) -> Result<RescreenReport, ServiceError> {
    let _guard = MONITOR_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let subjects = load_subjects(&dir.subjects())?;
    let state = load_state(dir)?;
    let versions = versions_of(snapshot);
    let mut report = RescreenReport {
        subjects: subjects.len(),
        ..RescreenReport::default()
    };
    let since_last_rescreen = changed_between(&state.lists, &versions);
    if subjects.is_empty() {
        // Nothing is diffed, so the monitor's remembered versions say nothing about this
        // re-screen; and right after a start they are absent, which would name every source.
        // What changed is what the service served before against what it serves now.
        report.changed_sources = match served_before {
            Some(before) => changed_between(before, &versions),
            None => since_last_rescreen,
        };
        // Nothing is monitored: the versions are remembered so that the first subject starts
        // from them, and nothing is diffed or screened.
        if state.lists != versions || !state.hits.is_empty() {
            save_state(
                dir,
                &MonitorState {
                    lists: versions,
                    hits: BTreeMap::new(),
                },
            )?;
        }
        return Ok(report);
    }
    // Only subjects screened before can be affected by a change; the others are screened in
    // full anyway.
    // The subjects' hits were found on the remembered versions, so those are what the diff
    // (and the report) start from.
    report.changed_sources = since_last_rescreen;
    let any_baseline = subjects.keys().any(|id| state.hits.contains_key(id));
    let touched = if any_baseline && !report.changed_sources.is_empty() {
        touched_entities(snapshot, store, &state.lists)
    } else {
        BTreeSet::new()
    };
    report.touched_entities = touched.len();
    // Candidates among the touched entries, with the engine's own retrieval.
    let touched_index = (!touched.is_empty())
        .then(|| Snapshot::from_parts(snapshot.entities_where(&touched), Vec::new(), 0));
    let filter = Filter::default();
    let time = now();
    let mut new_hits = BTreeMap::new();
    for (id, subject) in &subjects {
        let previous = state.hits.get(id);
        let q = match subject.query() {
            Ok(q) => q,
            Err(e) => {
                tracing::warn!(subject = %id, error = %e, "subject cannot be screened");
                continue;
            }
        };
        let affected = match previous {
            None => true,
            Some(prev) => {
                prev.keys()
                    .any(|e| touched.contains(e) || snapshot.entity(e).is_none())
                    || touched_index.as_ref().is_some_and(|ix| {
                        ix.screen(&q, threshold, 5, &filter)
                            .iter()
                            .any(|h| h.result.is_match)
                    })
            }
        };
        if !affected {
            if let Some(p) = previous {
                new_hits.insert(id.clone(), p.clone());
            }
            continue;
        }
        report.rescreened += 1;
        let key = q.subject_key();
        let found = monitored_hits(snapshot, &q, decisions, threshold);
        let hits = hit_map(&found);
        if let Some(prev) = previous {
            let new = found.iter().filter(|h| !prev.contains_key(&h.result.id));
            for h in new.clone() {
                let r = &h.result;
                report.alerts.push(alert(
                    &time,
                    (id, &key),
                    &r.id,
                    &r.caption,
                    AlertKind::New,
                    r.score,
                    &versions,
                ));
            }
            for h in crate::review::uncovered(new, &key, decisions) {
                let mut item = ReviewItem::new(h, &key, &q, Origin::Alert, "rescreen", None);
                item.monitored = Some(id.clone());
                report.review.push(item);
            }
            for (e, (score, caption)) in prev {
                if !hits.contains_key(e) {
                    report.alerts.push(alert(
                        &time,
                        (id, &key),
                        e,
                        caption,
                        AlertKind::Vanished,
                        *score,
                        &versions,
                    ));
                }
            }
        }
        new_hits.insert(id.clone(), hits);
    }
    if !report.alerts.is_empty() {
        let mut bytes = Vec::new();
        for a in &report.alerts {
            serde_json::to_writer(&mut bytes, a)
                .map_err(|e| ServiceError::Invalid(e.to_string()))?;
            bytes.push(b'\n');
        }
        append_bytes(&dir.alerts(), &bytes)?;
    }
    save_state(
        dir,
        &MonitorState {
            lists: versions,
            hits: new_hits,
        },
    )?;
    Ok(report)
}

/// The entries that changed between the remembered versions and `snapshot`'s: the store's
/// diff for a source with a remembered version, every entry of a source without one (or when
/// the diff cannot be made).
fn touched_entities(
    snapshot: &Snapshot,
    store: Option<&Store>,
    remembered: &BTreeMap<String, u32>,
) -> BTreeSet<String> {
    let mut touched: BTreeSet<String> = BTreeSet::new();
    let mut whole_sources: BTreeSet<&str> = BTreeSet::new();
    for (source, list) in &snapshot.lists {
        match remembered.get(source) {
            Some(&v) if v == list.version => {}
            Some(&old) => match store.map(|s| s.diff(source, Some(old), Some(list.version))) {
                Some(Ok(d)) => touched.extend(d.touched_ids().map(str::to_owned)),
                _ => {
                    whole_sources.insert(source);
                }
            },
            None => {
                whole_sources.insert(source);
            }
        }
    }
    if !whole_sources.is_empty() {
        for e in snapshot.entities() {
            if e.datasets
                .iter()
                .any(|d| whole_sources.contains(d.as_str()))
            {
                touched.insert(e.id.clone());
            }
        }
    }
    touched
}

fn alert(
    time: &str,
    (subject, subject_key): (&str, &str),
    entity: &str,
    caption: &str,
    kind: AlertKind,
    score: f64,
    lists: &BTreeMap<String, u32>,
) -> Alert {
    Alert {
        time: time.to_owned(),
        subject: subject.to_owned(),
        subject_key: Some(subject_key.to_owned()),
        entity_id: entity.to_owned(),
        caption: caption.to_owned(),
        kind,
        score,
        lists: lists.clone(),
    }
}

//! Analyst decisions on hits: a true match or a false positive, with a note.
//!
//! A decision is about one subject (see [`crate::SubjectQuery::subject_key`]) and one list
//! entry, and records the hash of the entry's content as the analyst saw it. Later screenings
//! of the subject show the decisions on each result; a false positive is suppressed only while
//! the entry's hash is unchanged, so a changed list entry comes back for review.
//!
//! Every decision is first a record of the hash-chained audit trail (endpoint `decision`: who,
//! when, subject, entry, entry hash, list versions, verdict, note), then a line of
//! `decisions.jsonl` naming that record (`audit_seq`), which is the index later screenings read.
//! A crash between the two leaves a decision the trail has and the index lacks; the next start
//! adds it ([`Decisions::reconcile`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ServiceDir;
use crate::audit::{self, AuditRecord, ListRef};
use crate::error::ServiceError;
use crate::util::{append_line, read_jsonl_from};

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The subject is the listed entity.
    TrueMatch,
    /// The subject is not the listed entity.
    FalsePositive,
}

impl std::str::FromStr for Verdict {
    type Err = ServiceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "true_match" | "match" | "tp" => Ok(Verdict::TrueMatch),
            "false_positive" | "fp" => Ok(Verdict::FalsePositive),
            _ => Err(ServiceError::Invalid(format!(
                "unknown verdict {s:?} (expected true_match or false_positive)"
            ))),
        }
    }
}

/// One decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// When.
    pub time: String,
    /// The subject key.
    pub subject: String,
    /// The list entry.
    pub entity_id: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The analyst's note.
    #[serde(default)]
    pub note: String,
    /// Who (API key name or `cli:<user>`).
    pub by: String,
    /// The entry's content hash when decided.
    pub entity_hash: String,
    /// The decision's record in the audit trail (absent on decisions made before decisions
    /// were audited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_seq: Option<u64>,
}

/// The audit trail's endpoint name for decisions.
pub(crate) const DECISION_ENDPOINT: &str = "decision";

/// How far back from the end of the audit trail a start looks for decisions that a crash kept
/// out of `decisions.jsonl`: a decision's index line follows its record by one fsync, so it is
/// among the last records written before the crash.
const RECONCILE_WINDOW: u64 = 16 << 20;

#[derive(Serialize)]
struct DecisionQuery<'a> {
    subject: &'a str,
    entity_id: &'a str,
    verdict: Verdict,
    note: &'a str,
}

#[derive(Serialize)]
struct DecisionResult<'a> {
    entity_hash: &'a str,
}

impl Decision {
    /// The decision's audit-trail entry: `key` is who decided, `lists` the versions in effect.
    pub(crate) fn audit_payload(
        &self,
        request_id: &str,
        lists: &BTreeMap<String, ListRef>,
    ) -> Result<String, ServiceError> {
        audit::entry_payload(&audit::NewEntry {
            time: self.time.clone(),
            request_id,
            key: &self.by,
            endpoint: DECISION_ENDPOINT,
            dataset: None,
            lists,
            query: DecisionQuery {
                subject: &self.subject,
                entity_id: &self.entity_id,
                verdict: self.verdict,
                note: &self.note,
            },
            results: DecisionResult {
                entity_hash: &self.entity_hash,
            },
        })
        .map_err(|e| ServiceError::Invalid(e.to_string()))
    }

    /// The decision an audit record holds, if it is a decision's record.
    pub fn from_audit(rec: &AuditRecord) -> Option<Decision> {
        let e = &rec.entry;
        if e.endpoint != DECISION_ENDPOINT {
            return None;
        }
        let text = |v: &serde_json::Value, k: &str| v.get(k)?.as_str().map(str::to_owned);
        Some(Decision {
            time: e.time.clone(),
            subject: text(&e.query, "subject")?,
            entity_id: text(&e.query, "entity_id")?,
            verdict: serde_json::from_value(e.query.get("verdict")?.clone()).ok()?,
            note: text(&e.query, "note").unwrap_or_default(),
            by: e.key.clone(),
            entity_hash: text(&e.results, "entity_hash")?,
            audit_seq: Some(rec.seq),
        })
    }

    /// Records a decision from a process other than the server (`cordon decide`), safely
    /// while the server runs: its audit record under the trail's file lock, then its index
    /// line. `lists` are the versions the decided hit was screened on. Returns the decision
    /// with its `audit_seq`.
    pub fn record_from_cli(
        mut self,
        dir: &ServiceDir,
        lists: &BTreeMap<String, ListRef>,
    ) -> Result<Decision, ServiceError> {
        let request_id = format!("cli-{}", std::process::id());
        let payload = self.audit_payload(&request_id, lists)?;
        self.audit_seq = Some(audit::append_locked(&dir.audit(), &payload)?);
        Decisions::record(&dir.decisions(), &self)?;
        Ok(self)
    }
}

/// Decisions in effect, read from the append-only decisions file.
#[derive(Debug, Default)]
pub struct Decisions {
    /// Subject key → entity id → decisions, oldest first.
    map: HashMap<String, HashMap<String, Vec<Decision>>>,
    /// The audit records of the decisions read.
    audited: HashSet<u64>,
    offset: u64,
    lines: u64,
}

impl Decisions {
    /// Reads the file (missing = none).
    pub fn load(path: &Path) -> Result<Decisions, ServiceError> {
        let mut d = Decisions::default();
        d.refresh(path)?;
        Ok(d)
    }

    /// Reads lines appended since the last read (by this process or `cordon decide`).
    pub fn refresh(&mut self, path: &Path) -> Result<usize, ServiceError> {
        let (new, offset) = read_jsonl_from::<Decision>(path, self.offset, self.lines)?;
        let n = new.len();
        for (line, d) in new {
            self.lines = line;
            if let Some(seq) = d.audit_seq {
                self.audited.insert(seq);
            }
            self.map
                .entry(d.subject.clone())
                .or_default()
                .entry(d.entity_id.clone())
                .or_default()
                .push(d);
        }
        self.offset = offset.max(self.offset);
        Ok(n)
    }

    /// Appends a decision to the file (after its audit record is written).
    pub fn record(path: &Path, d: &Decision) -> Result<(), ServiceError> {
        append_line(path, d)
    }

    /// Adds to the decisions file the decisions whose audit record a crash left without an
    /// index line (among the trail's last records); returns how many.
    pub fn reconcile(&mut self, dir: &ServiceDir) -> Result<usize, ServiceError> {
        self.refresh(&dir.decisions())?;
        let mut missing = Vec::new();
        audit::tail_records(&dir.audit(), RECONCILE_WINDOW, |rec| {
            if let Some(d) = Decision::from_audit(&rec)
                && !self.audited.contains(&rec.seq)
            {
                missing.push(d);
            }
        })?;
        for d in &missing {
            tracing::warn!(
                audit_seq = d.audit_seq,
                subject = %d.subject,
                entity = %d.entity_id,
                "a decision in the audit trail was missing from decisions.jsonl (a crash between the two writes); added"
            );
            Decisions::record(&dir.decisions(), d)?;
        }
        self.refresh(&dir.decisions())?;
        Ok(missing.len())
    }

    /// The decisions on a subject's hit, oldest first.
    pub fn on(&self, subject: &str, entity_id: &str) -> &[Decision] {
        self.map
            .get(subject)
            .and_then(|m| m.get(entity_id))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every decision on a subject.
    pub fn of_subject(&self, subject: &str) -> Vec<&Decision> {
        let mut v: Vec<&Decision> = self
            .map
            .get(subject)
            .into_iter()
            .flatten()
            .flat_map(|(_, ds)| ds)
            .collect();
        v.sort_by(|a, b| a.time.cmp(&b.time));
        v
    }

    /// Whether the latest decision on this hit was made on the same content (either verdict):
    /// such a hit needs no review.
    pub fn covers(&self, subject: &str, entity_id: &str, entity_hash: &str) -> bool {
        covered(self.on(subject, entity_id), entity_hash)
    }

    /// Whether the latest decision on this hit is a false positive made on the same content.
    pub fn suppresses(&self, subject: &str, entity_id: &str, entity_hash: &str) -> bool {
        self.on(subject, entity_id)
            .last()
            .is_some_and(|d| d.verdict == Verdict::FalsePositive && d.entity_hash == entity_hash)
    }

    /// Number of decisions.
    pub fn len(&self) -> usize {
        self.map
            .values()
            .flat_map(HashMap::values)
            .map(Vec::len)
            .sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Whether the latest of a hit's decisions (oldest first) was made on the entry's current
/// content.
pub(crate) fn covered(decisions: &[Decision], entity_hash: &str) -> bool {
    decisions
        .last()
        .is_some_and(|d| d.entity_hash == entity_hash)
}

/// A hit as the subject's latest screening returned it, read from the audit trail.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The entry's content hash then.
    pub entity_hash: String,
    /// The list versions that screening used.
    pub lists: BTreeMap<String, ListRef>,
    /// That screening's audit record.
    pub audit_seq: u64,
}

/// A recorded hit's entity id and content hash: an object with `id` and `entity_hash` (the
/// service's records, `cli.screen`, `cli.screen.batch` before layout 2), or the compact
/// `[id, score, match, entity_hash]` of a `cli.screen.batch` record of layout 2.
fn hit_id_and_hash(h: &serde_json::Value) -> Option<(&str, &str)> {
    fn text(v: Option<&serde_json::Value>) -> Option<&str> {
        v.and_then(serde_json::Value::as_str)
    }
    match h {
        serde_json::Value::Array(a) => Some((text(a.first())?, text(a.get(3))?)),
        _ => Some((text(h.get("id"))?, text(h.get("entity_hash"))?)),
    }
}

/// How the subject's latest screening returned this entity, from the audit trail: what the
/// analyst saw, so `cordon decide` works without opening the list store.
pub fn last_seen(
    audit_path: &Path,
    subject: &str,
    entity_id: &str,
) -> Result<Option<Seen>, ServiceError> {
    let mut found = None;
    audit::read_verified(audit_path, |rec, line| {
        if !line.contains(subject) {
            return Ok(());
        }
        // `/match` answers are an object of queries, `/subjects` answers an array of subjects.
        let queries: Vec<&serde_json::Value> = match &rec.entry.results {
            serde_json::Value::Object(m) => m.values().collect(),
            serde_json::Value::Array(a) => a.iter().collect(),
            _ => return Ok(()),
        };
        for r in queries {
            if r.get("subject").and_then(|s| s.as_str()) != Some(subject) {
                continue;
            }
            let hits = ["results", "suppressed", "hits"]
                .into_iter()
                .filter_map(|k| r.get(k).and_then(|v| v.as_array()))
                .flatten();
            for h in hits {
                if let Some((id, hash)) = hit_id_and_hash(h)
                    && id == entity_id
                {
                    found = Some(Seen {
                        entity_hash: hash.to_owned(),
                        lists: rec.entry.lists.clone(),
                        audit_seq: rec.seq,
                    });
                }
            }
        }
        Ok(())
    })?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_are_read_in_both_layouts() {
        let object =
            serde_json::json!({"id": "e1", "score": 0.9, "match": true, "entity_hash": "h1"});
        let compact = serde_json::json!(["e2", 0.5, false, "h2"]);
        assert_eq!(hit_id_and_hash(&object), Some(("e1", "h1")));
        assert_eq!(hit_id_and_hash(&compact), Some(("e2", "h2")));
        assert_eq!(
            hit_id_and_hash(&serde_json::json!(["e3", 0.5, false])),
            None
        );
        assert_eq!(hit_id_and_hash(&serde_json::json!({"id": "e4"})), None);
    }

    #[test]
    fn regression_batch_records_of_both_layouts_are_found_by_subject() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.jsonl");
        let lists = audit::list_refs(&[]);
        // A `cli.screen.batch` record as written before layout 2, then one of layout 2.
        let old = serde_json::json!({"7": {"id": "q", "subject": "s1", "results": [
            {"id": "e1", "score": 0.9, "match": true, "entity_hash": "h1"}]}});
        let rec = audit::CliRecord {
            lists: &lists,
            key: "k",
            endpoint: "cli.screen.batch",
        };
        let mut a = audit::CliAppender::open(&path).expect("open");
        a.append(&rec, serde_json::json!({}), old).expect("append");
        let new = serde_json::json!([{"line": 1, "query": {}, "subject": "s2",
            "results": [["e2", 0.8, true, "h2"]]}, {"line": 2, "rejected": "bad-json"}]);
        a.append_raw(&rec, serde_json::json!({"layout": 2}), &new.to_string())
            .expect("append");
        let hash = |s: &str, e: &str| last_seen(&path, s, e).expect("read").map(|x| x.entity_hash);
        assert_eq!(hash("s1", "e1").as_deref(), Some("h1"));
        assert_eq!(hash("s2", "e2").as_deref(), Some("h2"));
        assert_eq!(hash("s2", "e1"), None);
    }
}

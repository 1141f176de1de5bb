//! Analyst decisions on hits: a true match or a false positive, with a note.
//!
//! A decision is about one subject (see [`crate::SubjectQuery::subject_key`]) and one list
//! entry, and records the hash of the entry's content as the analyst saw it. Later screenings
//! of the subject show the decisions on each result; a false positive is suppressed only while
//! the entry's hash is unchanged, so a changed list entry comes back for review.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::audit;
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
}

/// Decisions in effect, read from the append-only decisions file.
#[derive(Debug, Default)]
pub struct Decisions {
    /// Subject key → entity id → decisions, oldest first.
    map: HashMap<String, HashMap<String, Vec<Decision>>>,
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

    /// Appends a decision to the file.
    pub fn record(path: &Path, d: &Decision) -> Result<(), ServiceError> {
        append_line(path, d)
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

/// The entry hash the subject's latest screening returned for this entity, from the audit
/// trail: what the analyst saw, so `cordon decide` works without opening the list store.
pub fn seen_hash(
    audit_path: &Path,
    subject: &str,
    entity_id: &str,
) -> Result<Option<String>, ServiceError> {
    let mut found = None;
    audit::read_verified(audit_path, |rec, _| {
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
                if h.get("id").and_then(|v| v.as_str()) == Some(entity_id)
                    && let Some(hash) = h.get("entity_hash").and_then(|v| v.as_str())
                {
                    found = Some(hash.to_owned());
                }
            }
        }
        Ok(())
    })?;
    Ok(found)
}

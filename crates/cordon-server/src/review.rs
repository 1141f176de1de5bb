//! The review queue that analysts share: every hit a screening returned as `match: true` that
//! no decision covers yet (a `/match` screening, a subject's registration for monitoring, a new
//! hit found by re-screening, a listed wallet from `/screen/address`, an applicant's list hit
//! from `/applicants/screen`), until a decision on it is recorded.
//!
//! `review.jsonl` in the service directory is append-only JSON lines: an `open` line per item
//! and a `close` line when a decision closes it (or its list entry is removed). The server
//! writes open lines with group commit before it answers the screening that opened them;
//! `cordon decide` appends close lines while the server runs, and the server reads them within
//! a second. A reader reads complete lines only, so a torn last line is ignored. The queue in
//! memory is the fold of the file; a start also closes items that a decision covers but whose
//! close line a crash lost.
//!
//! At most one item is open per subject and list entry. A decision covers a hit when the latest
//! decision on it was made on the entry's current content; when the entry changes, the next
//! screening that returns it opens a new item.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use cordon_applicants::{Applicant, ListHit};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::api::{guarded, json_response, params};
use crate::decisions::{Decision, Decisions, Verdict};
use crate::engine::{Hit, ListedWallet, Snapshot, SubjectQuery};
use crate::error::{ApiError, ServiceError};
use crate::keys::Role;
use crate::util::{append_bytes, now, read_jsonl_from};
use crate::{AppState, ServiceDir};

/// Most items one `GET /review` page holds.
pub const MAX_REVIEW_PAGE: usize = 500;
const DEFAULT_REVIEW_PAGE: usize = 50;

/// What put a hit in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A `/match` screening.
    Screening,
    /// A subject's registration for monitoring (`POST /subjects`).
    Registration,
    /// A new hit found by re-screening after a list change.
    Alert,
    /// A wallet on a list now, from `POST /screen/address`.
    Address,
    /// An applicant's name, e-mail, phone, website, wallet or employer on a list, from
    /// `POST /applicants/screen`.
    Applicant,
}

impl std::str::FromStr for Origin {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "screening" => Ok(Origin::Screening),
            "registration" => Ok(Origin::Registration),
            "alert" => Ok(Origin::Alert),
            "address" => Ok(Origin::Address),
            "applicant" => Ok(Origin::Applicant),
            _ => Err(()),
        }
    }
}

/// The query that found a hit, so that a reviewer can screen it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQuery {
    /// FtM schema.
    pub schema: String,
    /// FtM properties as screened.
    pub properties: BTreeMap<String, Vec<String>>,
}

/// Why an item closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CloseReason {
    /// A decision was recorded on the hit.
    Decision,
    /// The list entry is no longer on any list serving.
    Removed,
}

/// How an item closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closing {
    /// The item.
    pub id: String,
    /// When.
    pub time: String,
    /// Why.
    pub reason: CloseReason,
    /// The decision's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The decision's audit record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_seq: Option<u64>,
}

/// One hit waiting for (or closed by) a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// A stable id.
    pub id: String,
    /// When the hit entered the queue.
    pub opened: String,
    /// The subject key (decisions refer to it).
    pub subject: String,
    /// The list entry.
    pub entity_id: String,
    /// The entry's content hash when the hit was found.
    pub entity_hash: String,
    /// Its caption then.
    pub caption: String,
    /// The score then.
    pub score: f64,
    /// Its lists.
    pub datasets: Vec<String>,
    /// What found it.
    pub origin: Origin,
    /// The monitored subject's id (registrations and alerts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitored: Option<String>,
    /// The applicant record's id (origin `applicant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<String>,
    /// Who screened (the API key's name; `rescreen` for alerts).
    pub key: String,
    /// The screening's audit record (alerts have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_seq: Option<u64>,
    /// What was screened.
    pub query: ReviewQuery,
    /// How it closed; absent while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closing>,
}

/// The list entry a screening hit, as the queue records it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub(crate) id: &'a str,
    /// Its content hash as serving (what a decision is made on).
    pub(crate) hash: &'a str,
    pub(crate) caption: &'a str,
    pub(crate) score: f64,
    pub(crate) datasets: &'a [String],
}

/// Who screened what: the parts of an item that come from the request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Screened<'a> {
    pub(crate) subject: &'a str,
    pub(crate) origin: Origin,
    /// The API key's name.
    pub(crate) key: &'a str,
    pub(crate) audit_seq: Option<u64>,
}

impl ReviewItem {
    /// An item for a name-matching hit.
    pub(crate) fn new(
        hit: &Hit,
        subject: &str,
        q: &SubjectQuery,
        origin: Origin,
        key: &str,
        audit_seq: Option<u64>,
    ) -> ReviewItem {
        let entry = Entry {
            id: &hit.result.id,
            hash: &hit.entity_hash,
            caption: &hit.result.caption,
            score: hit.result.score,
            datasets: &hit.result.datasets,
        };
        let query = ReviewQuery {
            schema: q.schema.clone(),
            properties: q.properties.clone(),
        };
        let by = Screened {
            subject,
            origin,
            key,
            audit_seq,
        };
        ReviewItem::on_entry(entry, by, query)
    }

    /// An item for any hit on a list entry; `id` is derived from what it is about and when it
    /// was opened.
    pub(crate) fn on_entry(entry: Entry<'_>, by: Screened<'_>, query: ReviewQuery) -> ReviewItem {
        let opened = now();
        let mut h = Sha256::new();
        for part in [by.subject, entry.id, entry.hash, &opened] {
            h.update(part.as_bytes());
            h.update(b"\x1f");
        }
        ReviewItem {
            id: hex::encode(h.finalize().get(..8).unwrap_or_default()),
            opened,
            subject: by.subject.to_owned(),
            entity_id: entry.id.to_owned(),
            entity_hash: entry.hash.to_owned(),
            caption: entry.caption.to_owned(),
            score: entry.score,
            datasets: entry.datasets.to_vec(),
            origin: by.origin,
            monitored: None,
            applicant: None,
            key: by.key.to_owned(),
            audit_seq: by.audit_seq,
            query,
            closed: None,
        }
    }

    /// Whether the item is waiting for a decision.
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

/// One line of `review.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
enum Line {
    Open(Box<ReviewItem>),
    Close(Closing),
}

fn lines_of(lines: &[Line]) -> Result<String, ServiceError> {
    let mut out = String::new();
    for l in lines {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&serde_json::to_string(l).map_err(|e| ServiceError::Invalid(e.to_string()))?);
    }
    Ok(out)
}

/// Which items a listing returns.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    /// `Some(true)`: open only; `Some(false)`: closed only; `None`: all.
    pub open: Option<bool>,
    /// One subject key.
    pub subject: Option<String>,
    /// Opened at or after.
    pub since: Option<jiff::Timestamp>,
    /// What found them.
    pub origin: Option<Origin>,
    /// Newest first.
    pub newest_first: bool,
}

/// The queue: the fold of `review.jsonl`.
#[derive(Debug, Default)]
pub struct Review {
    /// In the order they opened; `None` where an item's open line could not be written.
    items: Vec<Option<ReviewItem>>,
    by_id: HashMap<String, usize>,
    /// Subject key → entity id → the open item.
    open: HashMap<String, HashMap<String, usize>>,
    offset: u64,
    lines: u64,
}

impl Review {
    /// Reads the file (missing = empty queue).
    pub fn load(path: &Path) -> Result<Review, ServiceError> {
        let mut r = Review::default();
        r.refresh(path)?;
        Ok(r)
    }

    /// Applies the lines appended since the last read (by this process or another).
    pub fn refresh(&mut self, path: &Path) -> Result<usize, ServiceError> {
        let (new, offset) = read_jsonl_from::<Line>(path, self.offset, self.lines)?;
        let n = new.len();
        for (line, l) in new {
            self.lines = line;
            self.apply(l);
        }
        self.offset = offset.max(self.offset);
        Ok(n)
    }

    /// Applies one event; applying it twice changes nothing (the server reads back its own
    /// lines).
    fn apply(&mut self, line: Line) {
        match line {
            Line::Open(item) => {
                self.insert(*item);
            }
            Line::Close(c) => {
                if let Some(&i) = self.by_id.get(&c.id)
                    && let Some(Some(item)) = self.items.get_mut(i)
                    && item.closed.is_none()
                {
                    if let Some(m) = self.open.get_mut(&item.subject) {
                        m.remove(&item.entity_id);
                    }
                    item.closed = Some(c);
                }
            }
        }
    }

    /// Adds an item unless its id is known or an item on the same hit is open.
    fn insert(&mut self, item: ReviewItem) -> bool {
        if self.by_id.contains_key(&item.id)
            || self.open_item(&item.subject, &item.entity_id).is_some()
        {
            return false;
        }
        let i = self.items.len();
        self.by_id.insert(item.id.clone(), i);
        if item.is_open() {
            self.open
                .entry(item.subject.clone())
                .or_default()
                .insert(item.entity_id.clone(), i);
        }
        self.items.push(Some(item));
        true
    }

    /// The open item on a subject's hit.
    pub fn open_item(&self, subject: &str, entity_id: &str) -> Option<&ReviewItem> {
        let i = *self.open.get(subject)?.get(entity_id)?;
        self.items.get(i)?.as_ref()
    }

    /// Whether an item on this hit is open.
    pub fn is_open(&self, subject: &str, entity_id: &str) -> bool {
        self.open
            .get(subject)
            .is_some_and(|m| m.contains_key(entity_id))
    }

    /// Removes items added in memory whose open line could not be written.
    fn unclaim(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(i) = self.by_id.remove(id)
                && let Some(slot) = self.items.get_mut(i)
                && let Some(item) = slot.take()
                && let Some(m) = self.open.get_mut(&item.subject)
            {
                m.remove(&item.entity_id);
            }
        }
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = &ReviewItem> {
        self.items.iter().flatten()
    }

    /// Closes the open item on the decision's hit; returns the close line to write.
    fn close_by(&mut self, d: &Decision) -> Option<Line> {
        let id = self.open_item(&d.subject, &d.entity_id)?.id.clone();
        let line = Line::Close(Closing {
            id,
            time: d.time.clone(),
            reason: CloseReason::Decision,
            verdict: Some(d.verdict),
            by: Some(d.by.clone()),
            audit_seq: d.audit_seq,
        });
        self.apply(line.clone());
        Some(line)
    }

    /// Closes the open items whose list entry `snapshot` no longer has.
    fn close_removed(&mut self, snapshot: &Snapshot) -> Vec<Line> {
        let gone: Vec<String> = self
            .iter()
            .filter(|i| i.is_open() && snapshot.entity(&i.entity_id).is_none())
            .map(|i| i.id.clone())
            .collect();
        let time = now();
        gone.into_iter()
            .map(|id| {
                let line = Line::Close(Closing {
                    id,
                    time: time.clone(),
                    reason: CloseReason::Removed,
                    verdict: None,
                    by: None,
                    audit_seq: None,
                });
                self.apply(line.clone());
                line
            })
            .collect()
    }

    /// Closes open items on which a decision was recorded after they opened (a crash between
    /// the decision and the close line); returns the close lines to write.
    fn close_decided(&mut self, decisions: &Decisions) -> Vec<Line> {
        let at = |t: &str| t.parse::<jiff::Timestamp>().ok();
        let decided: Vec<Decision> = self
            .iter()
            .filter(|i| i.is_open())
            .filter_map(|i| {
                let d = decisions.on(&i.subject, &i.entity_id).last()?;
                (at(&d.time)? >= at(&i.opened)?).then(|| d.clone())
            })
            .collect();
        decided.iter().filter_map(|d| self.close_by(d)).collect()
    }

    /// The items a filter keeps, a page of them, and how many it keeps in all.
    pub fn list(
        &self,
        filter: &ReviewFilter,
        offset: usize,
        limit: usize,
    ) -> (Vec<&ReviewItem>, usize) {
        let keep = |i: &&ReviewItem| {
            filter.open.is_none_or(|o| i.is_open() == o)
                && filter.subject.as_deref().is_none_or(|s| i.subject == s)
                && filter.origin.is_none_or(|o| i.origin == o)
                && filter.since.is_none_or(|t| {
                    i.opened
                        .parse::<jiff::Timestamp>()
                        .is_ok_and(|opened| opened >= t)
                })
        };
        let kept: Vec<&ReviewItem> = if filter.newest_first {
            self.iter().rev().filter(keep).collect()
        } else {
            self.iter().filter(keep).collect()
        };
        let total = kept.len();
        (kept.into_iter().skip(offset).take(limit).collect(), total)
    }

    /// Items open now.
    pub fn open_count(&self) -> usize {
        self.open.values().map(HashMap::len).sum()
    }

    /// Items in all.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the queue has never held an item.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// The hits of one answered query that no decision covers: what enters the queue.
pub(crate) fn uncovered<'a>(
    hits: impl IntoIterator<Item = &'a Hit>,
    subject: &'a str,
    decisions: Option<&'a Decisions>,
) -> impl Iterator<Item = &'a Hit> {
    hits.into_iter().filter(move |h| {
        h.result.is_match
            && !decisions.is_some_and(|d| d.covers(subject, &h.result.id, &h.entity_hash))
    })
}

/// Items for a listed wallet: one per holder that no decision on this address covers.
pub(crate) fn wallet_items(
    snapshot: &Snapshot,
    wallet: &ListedWallet,
    decisions: Option<&Decisions>,
    key: &str,
    audit_seq: u64,
) -> Vec<ReviewItem> {
    let by = Screened {
        subject: &wallet.subject,
        origin: Origin::Address,
        key,
        audit_seq: Some(audit_seq),
    };
    let query = ReviewQuery {
        schema: "CryptoWallet".into(),
        properties: BTreeMap::from([("publicKey".into(), vec![wallet.address.clone()])]),
    };
    wallet
        .holders
        .iter()
        .filter_map(|(id, caption)| {
            let entry = listed_entry(snapshot, id, caption, 1.0)?;
            (!decisions.is_some_and(|d| d.covers(by.subject, id, entry.hash)))
                .then(|| ReviewItem::on_entry(entry, by, query.clone()))
        })
        .collect()
}

/// The subject key of an applicant: the record id with the names and date of birth, so that
/// two callers' records that share an id are not one subject.
pub fn applicant_subject_key(a: &Applicant) -> String {
    let mut names: Vec<String> = a
        .names
        .iter()
        .map(|n| {
            n.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .collect();
    names.sort();
    names.dedup();
    let mut h = Sha256::new();
    h.update(b"applicant\x1fi");
    h.update(a.id.as_bytes());
    for n in &names {
        h.update(b"\x1fn");
        h.update(n.as_bytes());
    }
    if let Some(d) = &a.date_of_birth {
        h.update(b"\x1fd");
        h.update(d.to_string().as_bytes());
    }
    hex::encode(h.finalize().get(..8).unwrap_or_default())
}

/// Items for an applicant's own list hits (a `linked` hit is another member's, which opens
/// that member's item) that no decision covers; one per list entry, with the values that hit.
pub(crate) fn applicant_items(
    snapshot: &Snapshot,
    applicant: &Applicant,
    hits: &[ListHit],
    decisions: Option<&Decisions>,
    key: &str,
    audit_seq: u64,
) -> Vec<ReviewItem> {
    let subject = applicant_subject_key(applicant);
    let by = Screened {
        subject: &subject,
        origin: Origin::Applicant,
        key,
        audit_seq: Some(audit_seq),
    };
    let mut items: Vec<ReviewItem> = Vec::new();
    for hit in hits.iter().filter(|h| h.kind != "linked") {
        if let Some(item) = items.iter_mut().find(|i| i.entity_id == hit.entity) {
            item.score = item.score.max(hit.score);
            add_value(&mut item.query, hit);
            continue;
        }
        let Some(entry) = listed_entry(snapshot, &hit.entity, &hit.caption, hit.score) else {
            continue;
        };
        if decisions.is_some_and(|d| d.covers(by.subject, &hit.entity, entry.hash)) {
            continue;
        }
        let mut query = ReviewQuery {
            schema: "Person".into(),
            properties: BTreeMap::new(),
        };
        if let Some(name) = applicant.names.first() {
            query.properties.insert("name".into(), vec![name.clone()]);
        }
        add_value(&mut query, hit);
        let mut item = ReviewItem::on_entry(entry, by, query);
        item.applicant = Some(applicant.id.clone());
        items.push(item);
    }
    items
}

/// Records the applicant's value that hit under its FtM property (`employer` has none; the
/// name is already there).
fn add_value(query: &mut ReviewQuery, hit: &ListHit) {
    let property = match hit.kind {
        "name" => return,
        "wallet" => "publicKey",
        other => other,
    };
    let values = query.properties.entry(property.into()).or_default();
    if !values.contains(&hit.value) {
        values.push(hit.value.clone());
    }
}

/// A list entry the snapshot serves, or `None` (a hit on an entry that left is not reviewed).
fn listed_entry<'a>(
    snapshot: &'a Snapshot,
    id: &'a str,
    caption: &'a str,
    score: f64,
) -> Option<Entry<'a>> {
    Some(Entry {
        id,
        hash: snapshot.entity_hash(id)?,
        caption,
        score,
        datasets: &snapshot.entity(id)?.datasets,
    })
}

/// The service's side of the queue: the fold in memory and the writer of `review.jsonl`.
#[derive(Debug)]
pub(crate) struct ReviewService {
    queue: std::sync::RwLock<Review>,
    writer: crate::journal::GroupCommit,
    path: std::path::PathBuf,
}

impl ReviewService {
    /// Reads the queue and closes what decisions cover (a crash may have lost close lines).
    pub(crate) fn open(dir: &ServiceDir, decisions: &Decisions) -> Result<Self, ServiceError> {
        let path = dir.review();
        let mut queue = Review::load(&path)?;
        let closed = queue.close_decided(decisions);
        if !closed.is_empty() {
            tracing::warn!(
                items = closed.len(),
                "review items closed by decisions recorded before a crash"
            );
            let mut bytes = lines_of(&closed)?.into_bytes();
            bytes.push(b'\n');
            append_bytes(&path, &bytes)?;
            queue.refresh(&path)?;
        }
        let writer = crate::journal::GroupCommit::start(
            "review-writer",
            &path,
            crate::journal::Lines::open(&path)?,
        )?;
        Ok(ReviewService {
            queue: std::sync::RwLock::new(queue),
            writer,
            path,
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Review> {
        self.queue.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Review> {
        self.queue.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether an item on this hit is open.
    pub(crate) fn is_open(&self, subject: &str, entity_id: &str) -> bool {
        self.read().is_open(subject, entity_id)
    }

    /// Whether any of these items would be new (most screenings: none, so no lock is written).
    fn any_new(&self, items: &[ReviewItem]) -> bool {
        let q = self.read();
        items.iter().any(|i| !q.is_open(&i.subject, &i.entity_id))
    }

    /// Adds the items not already open in memory; returns them and their open lines.
    fn claim(&self, items: Vec<ReviewItem>) -> Result<(Vec<String>, String), ServiceError> {
        let mut q = self.write();
        let mut ids = Vec::new();
        let mut lines = Vec::new();
        for item in items {
            if q.insert(item.clone()) {
                ids.push(item.id.clone());
                lines.push(Line::Open(Box::new(item)));
            }
        }
        let text = lines_of(&lines).inspect_err(|_| q.unclaim(&ids))?;
        Ok((ids, text))
    }

    /// Opens items for new hits and waits until they are on disk. A screening is answered
    /// only after this, like its audit record.
    pub(crate) async fn open_items(&self, items: Vec<ReviewItem>) -> Result<(), ServiceError> {
        if items.is_empty() || !self.any_new(&items) {
            return Ok(());
        }
        let (ids, text) = self.claim(items)?;
        if ids.is_empty() {
            return Ok(());
        }
        self.writer.append(text).await.map_err(|e| {
            self.write().unclaim(&ids);
            ServiceError::io(&self.path, e)
        })?;
        Ok(())
    }

    /// [`ReviewService::open_items`] from a blocking thread (the update job).
    pub(crate) fn open_items_blocking(&self, items: Vec<ReviewItem>) -> Result<(), ServiceError> {
        if items.is_empty() || !self.any_new(&items) {
            return Ok(());
        }
        let (ids, text) = self.claim(items)?;
        if ids.is_empty() {
            return Ok(());
        }
        self.writer.append_blocking(text).map_err(|e| {
            self.write().unclaim(&ids);
            ServiceError::io(&self.path, e)
        })?;
        Ok(())
    }

    /// Closes the open item on a decided hit. A failed write is logged, not answered: the
    /// decision is recorded, and the next start closes the item from it.
    pub(crate) async fn close_by(&self, d: &Decision) {
        let line = self.write().close_by(d);
        if let Some(line) = line {
            let written = match lines_of(&[line]) {
                Ok(text) => self.writer.append(text).await,
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = written {
                tracing::error!(error = %e, "cannot write a review item's close line; the next start closes it from the decision");
            }
        }
    }

    /// Closes the open items whose list entry is gone from `snapshot` (after a swap).
    pub(crate) fn close_removed_blocking(&self, snapshot: &Snapshot) {
        let lines = self.write().close_removed(snapshot);
        if lines.is_empty() {
            return;
        }
        let written = lines_of(&lines)
            .map_err(|e| e.to_string())
            .and_then(|text| self.writer.append_blocking(text));
        if let Err(e) = written {
            tracing::error!(error = %e, "cannot write review close lines for removed entries");
        }
    }

    /// Reads close lines `cordon decide` appended.
    pub(crate) fn refresh(&self) -> Result<(), ServiceError> {
        self.write().refresh(&self.path).map(|_| ())
    }

    /// A page of items with the filter's total and the open count.
    pub(crate) fn page(
        &self,
        snapshot: &Snapshot,
        filter: &ReviewFilter,
        offset: usize,
        limit: usize,
    ) -> serde_json::Value {
        let q = self.read();
        let (items, total) = q.list(filter, offset, limit);
        let items: Vec<serde_json::Value> = items
            .into_iter()
            .map(|i| {
                let mut v = json!(i);
                if let Some(o) = v.as_object_mut() {
                    o.insert(
                        "status".into(),
                        json!(if i.is_open() { "open" } else { "closed" }),
                    );
                    // The entry as serving now: changed since the hit, or gone.
                    o.insert(
                        "entity_changed".into(),
                        json!(
                            snapshot
                                .entity_hash(&i.entity_id)
                                .is_some_and(|h| h != i.entity_hash)
                        ),
                    );
                }
                v
            })
            .collect();
        json!({"items": items, "total": total, "offset": offset, "limit": limit, "open": q.open_count()})
    }
}

/// Closes the open item on a decision made by `cordon decide` (the server reads the line
/// within a second).
pub fn close_from_cli(dir: &ServiceDir, d: &Decision) -> Result<bool, ServiceError> {
    let mut q = Review::load(&dir.review())?;
    match q.close_by(d) {
        Some(line) => {
            let mut bytes = lines_of(&[line])?.into_bytes();
            bytes.push(b'\n');
            append_bytes(&dir.review(), &bytes)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Opens items for re-screening alerts from `cordon rescreen` (no server runs then: the store
/// is the CLI's).
pub fn open_from_cli(dir: &ServiceDir, items: Vec<ReviewItem>) -> Result<usize, ServiceError> {
    let mut q = Review::load(&dir.review())?;
    let lines: Vec<Line> = items
        .into_iter()
        .filter(|i| q.insert(i.clone()))
        .map(|i| Line::Open(Box::new(i)))
        .collect();
    if !lines.is_empty() {
        let mut bytes = lines_of(&lines)?.into_bytes();
        bytes.push(b'\n');
        append_bytes(&dir.review(), &bytes)?;
    }
    Ok(lines.len())
}

/// The route: the queue for analysts.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    guarded(
        state,
        Role::Analyst,
        Router::new().route("/review", get(list)),
    )
}

/// The review queue, shared by analysts.
#[utoipa::path(get, path = "/review", tag = "decisions",
    params(("status" = Option<String>, Query, description = "open (default), closed or all"),
        ("subject" = Option<String>, Query, description = "one subject key"),
        ("since" = Option<String>, Query, description = "items opened at or after this time"),
        ("origin" = Option<String>, Query, description = "screening, registration, alert, address or applicant"),
        ("order" = Option<String>, Query, description = "oldest (default) or newest first"),
        ("limit" = Option<usize>, Query, description = "items per page (50, at most 500)"),
        ("offset" = Option<usize>, Query, description = "items to skip")),
    responses((status = 200, description = "{\"items\": [...], \"total\": n, \"offset\", \"limit\", \"open\"}")))]
pub(crate) async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut filter = ReviewFilter {
        open: Some(true),
        ..ReviewFilter::default()
    };
    let (mut offset, mut limit) = (0usize, DEFAULT_REVIEW_PAGE);
    for (k, v) in params(raw.as_deref())? {
        let bad = |what: &str| {
            ApiError::bad_request("invalid-parameter", format!("parameter {k}={v:?}: {what}"))
        };
        match k.as_str() {
            "status" => {
                filter.open = match v.as_str() {
                    "open" => Some(true),
                    "closed" => Some(false),
                    "all" => None,
                    _ => return Err(bad("expected open, closed or all")),
                }
            }
            "subject" => filter.subject = Some(v.trim().to_owned()).filter(|s| !s.is_empty()),
            "since" => {
                filter.since =
                    Some(crate::audit::parse_since(&v).map_err(|e| bad(&e.to_string()))?);
            }
            "origin" => {
                filter.origin = Some(v.parse().map_err(|()| {
                    bad("expected screening, registration, alert, address or applicant")
                })?);
            }
            "order" => {
                filter.newest_first = match v.as_str() {
                    "oldest" => false,
                    "newest" => true,
                    _ => return Err(bad("expected oldest or newest")),
                }
            }
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|l| (1..=MAX_REVIEW_PAGE).contains(l))
                    .ok_or_else(|| bad(&format!("expected 1 to {MAX_REVIEW_PAGE}")))?;
            }
            "offset" => offset = v.parse().map_err(|_| bad("expected a whole number"))?,
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-parameter",
                    format!("unknown query parameter {k:?}"),
                ));
            }
        }
    }
    let snap = state.snapshot();
    Ok(json_response(
        StatusCode::OK,
        &state.0.review.page(&snap, &filter, offset, limit),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(id: &str, subject: &str, entity: &str) -> ReviewItem {
        ReviewItem {
            id: id.into(),
            opened: "2026-12-05T10:00:00Z".into(),
            subject: subject.into(),
            entity_id: entity.into(),
            entity_hash: "h".into(),
            caption: entity.into(),
            score: 0.9,
            datasets: vec!["test".into()],
            origin: Origin::Screening,
            monitored: None,
            applicant: None,
            key: "k".into(),
            audit_seq: Some(1),
            query: ReviewQuery {
                schema: "Person".into(),
                properties: BTreeMap::new(),
            },
            closed: None,
        }
    }

    fn close(id: &str) -> Line {
        Line::Close(Closing {
            id: id.into(),
            time: "2026-12-05T11:00:00Z".into(),
            reason: CloseReason::Decision,
            verdict: Some(Verdict::FalsePositive),
            by: Some("a".into()),
            audit_seq: None,
        })
    }

    #[test]
    fn a_fragment_a_crash_left_does_not_glue_onto_the_next_line() {
        let dir = tempfile::tempdir().unwrap();
        let sd = ServiceDir::for_db(&dir.path().join("cordon.redb"));
        sd.create().unwrap();
        assert_eq!(open_from_cli(&sd, vec![item("a", "s1", "e1")]).unwrap(), 1);
        append_bytes_raw(&sd.review(), b"{\"event\":\"open\",\"id\":\"tor");
        assert_eq!(open_from_cli(&sd, vec![item("b", "s2", "e1")]).unwrap(), 1);
        let q = Review::load(&sd.review()).unwrap();
        assert_eq!(q.len(), 2);
        assert!(q.is_open("s1", "e1") && q.is_open("s2", "e1"));
    }

    fn append_bytes_raw(path: &Path, bytes: &[u8]) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn a_second_item_on_an_open_hit_is_refused_and_a_closed_one_reopens() {
        let mut q = Review::default();
        assert!(q.insert(item("a", "s", "e")));
        assert!(!q.insert(item("b", "s", "e")));
        assert!(!q.insert(item("a", "s", "e")));
        q.apply(close("a"));
        assert!(!q.is_open("s", "e"));
        assert!(q.insert(item("b", "s", "e")));
        assert_eq!((q.len(), q.open_count()), (2, 1));
    }

    #[test]
    fn an_item_whose_open_line_was_not_written_is_forgotten() {
        let mut q = Review::default();
        assert!(q.insert(item("a", "s", "e")));
        q.unclaim(&["a".to_owned()]);
        assert!(q.is_empty() && !q.is_open("s", "e"));
        assert!(q.insert(item("b", "s", "e")));
        let (page, total) = q.list(&ReviewFilter::default(), 0, 10);
        assert_eq!((page.len(), total), (1, 1));
    }

    proptest! {
        /// The file holds what a writer's fold accepted, in order. Reading it gives the writer's
        /// queue, reading it again (the server reads back its own lines) changes nothing, and no
        /// hit has two open items.
        #[test]
        fn the_fold_is_idempotent_and_keeps_one_open_item_per_hit(
            events in prop::collection::vec((0u8..6, 0u8..3, 0u8..2, any::<bool>()), 0..40)
        ) {
            let mut writer = Review::default();
            let mut file = Vec::new();
            for &(id, subject, entity, open) in &events {
                let id = format!("i{id}");
                if open {
                    let it = item(&id, &format!("s{subject}"), &format!("e{entity}"));
                    if writer.insert(it.clone()) {
                        file.push(Line::Open(Box::new(it)));
                    }
                } else if writer.by_id.get(&id).is_some_and(|&i| {
                    writer.items.get(i).is_some_and(|s| s.as_ref().is_some_and(ReviewItem::is_open))
                }) {
                    writer.apply(close(&id));
                    file.push(close(&id));
                }
            }
            let mut once = Review::default();
            for l in &file {
                once.apply(l.clone());
            }
            let mut twice = Review::default();
            for l in file.iter().chain(&file) {
                twice.apply(l.clone());
            }
            let all = ReviewFilter::default();
            let page = |q: &Review| q.list(&all, 0, usize::MAX).0.into_iter().cloned().collect::<Vec<_>>();
            prop_assert_eq!(page(&once), page(&writer));
            prop_assert_eq!(page(&once), page(&twice));
            let mut seen = std::collections::HashSet::new();
            for i in once.iter().filter(|i| i.is_open()) {
                prop_assert!(seen.insert((i.subject.clone(), i.entity_id.clone())));
                prop_assert!(once.is_open(&i.subject, &i.entity_id));
            }
            prop_assert_eq!(seen.len(), once.open_count());
        }
    }
}

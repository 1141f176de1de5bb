//! A TAXII collection: every version of every object it ever served, in the order added,
//! persisted as an append-only JSON-lines log in the service directory.
//!
//! The objects come from an export (list entities, findings) rebuilt whenever the lists or
//! the findings change. [`Collection::sync`] compares the fresh export with the latest
//! version of each object, ignoring the export's timestamps: an unchanged object keeps its
//! version and its `date_added`, a changed one gets a new version (`modified` later than the
//! last), and an object that left the export (an entity delisted) gets a last version with
//! `revoked: true`, so a client that pulls with `added_after` learns of the delisting too. An
//! object that returns after being revoked is issued under a new id (STIX forbids new versions
//! of a revoked object), and references to it are rewritten.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use cordon_stix::Object;
use cordon_stix::time::{parse_time, stix_time, taxii_time};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ServiceError;
use crate::util::{append_bytes, read_jsonl_from};

/// The timestamp an export is built with; [`Collection::sync`] replaces it by the version's
/// own times.
pub(crate) const PLACEHOLDER_TIME: &str = "1970-01-01T00:00:00.000Z";

/// Timestamp properties an export sets to [`PLACEHOLDER_TIME`].
const TIME_PROPS: [&str; 3] = ["created", "modified", "valid_from"];

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Line {
    date_added: String,
    /// The export's id for an object issued under a new id after a revocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    object: Object,
}

/// One version of one object.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// When this version was added (TAXII `date_added`, microseconds).
    pub(crate) date_added: String,
    added: Timestamp,
    /// The object as served.
    pub(crate) object: Object,
}

impl Entry {
    /// The TAXII version of the object: `modified`, else `created`, else `date_added`.
    pub(crate) fn version(&self) -> &str {
        self.object
            .str("modified")
            .or_else(|| self.object.str("created"))
            .unwrap_or(&self.date_added)
    }

    fn is_revoked(&self) -> bool {
        self.object.props.get("revoked") == Some(&Value::Bool(true))
    }
}

/// Which versions of each object a query wants (`match[version]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VersionSel {
    /// The latest.
    Last,
    /// The earliest.
    First,
    /// All.
    All,
    /// These versions (timestamps).
    At(Timestamp),
}

/// A query's filters (`added_after`, `match[id]`, `match[type]`, `match[version]`,
/// `match[spec_version]`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub(crate) added_after: Option<Timestamp>,
    pub(crate) ids: Option<BTreeSet<String>>,
    pub(crate) types: Option<BTreeSet<String>>,
    /// Any of these; empty means [`VersionSel::Last`].
    pub(crate) versions: Vec<VersionSel>,
    pub(crate) spec_versions: Option<BTreeSet<String>>,
}

/// One page of a query's matches, in the order they were added.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub(crate) entries: Vec<&'a Entry>,
    /// The cursor for the next page, when there is one.
    pub(crate) next: Option<String>,
}

/// What a sync changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyncReport {
    pub(crate) added: usize,
    pub(crate) changed: usize,
    pub(crate) revoked: usize,
}

/// A collection's versions in memory, mirrored by its log file.
#[derive(Debug)]
pub(crate) struct Collection {
    path: PathBuf,
    entries: Vec<Entry>,
    latest: HashMap<String, usize>,
    first: HashMap<String, usize>,
    /// Export id → id served, for objects re-issued after a revocation.
    reissued: HashMap<String, String>,
}

impl Collection {
    /// Opens (or starts) the log at `path`. A last line cut short by a crash is removed; any
    /// other unreadable line is an error naming it.
    pub(crate) fn open(path: &Path) -> Result<Collection, ServiceError> {
        let (lines, end) = read_jsonl_from::<Line>(path, 0, 0)?;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.len() > end
        {
            tracing::warn!(path = %path.display(), bytes = meta.len() - end, "removing a TAXII log line cut short");
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| ServiceError::io(path, e))?;
            f.set_len(end)
                .and_then(|()| f.sync_data())
                .map_err(|e| ServiceError::io(path, e))?;
        }
        let mut c = Collection {
            path: path.to_owned(),
            entries: Vec::with_capacity(lines.len()),
            latest: HashMap::new(),
            first: HashMap::new(),
            reissued: HashMap::new(),
        };
        for (line_no, l) in lines {
            let added = parse_time(&l.date_added).ok_or_else(|| ServiceError::Corrupt {
                path: path.display().to_string(),
                line: line_no,
                message: format!("date_added {:?} is not a timestamp", l.date_added),
            })?;
            if let Some(origin) = l.origin {
                c.reissued.insert(origin, l.object.id.clone());
            }
            c.push(Entry {
                date_added: l.date_added,
                added,
                object: l.object,
            });
        }
        Ok(c)
    }

    fn push(&mut self, e: Entry) {
        let i = self.entries.len();
        self.first.entry(e.object.id.clone()).or_insert(i);
        self.latest.insert(e.object.id.clone(), i);
        self.entries.push(e);
    }

    /// Number of versions held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Brings the collection in line with a fresh export (objects built with
    /// [`PLACEHOLDER_TIME`]); new versions are dated `now` (or just after the last one).
    pub(crate) fn sync(
        &mut self,
        fresh: Vec<Object>,
        now: Timestamp,
    ) -> Result<SyncReport, ServiceError> {
        let mut report = SyncReport::default();
        let last = self.entries.last().map(|e| e.added);
        let added = match last {
            Some(l) if l >= now => l + SignedDuration::from_micros(1),
            _ => now,
        };
        // What clients see is microseconds; `added_after` compares with exactly that.
        let date_added = taxii_time(added);
        let added = parse_time(&date_added).unwrap_or(added);
        // Re-issue objects that come back after their revocation, then point references at
        // the ids served.
        let mut new_lines: Vec<Line> = Vec::new();
        let mut reissued = self.reissued.clone();
        for o in &fresh {
            let served = reissued.get(&o.id).unwrap_or(&o.id);
            if self
                .latest
                .get(served)
                .and_then(|&i| self.entries.get(i))
                .is_some_and(Entry::is_revoked)
            {
                let kind = o.kind.as_str();
                let new_id =
                    cordon_stix::ids::sdo_id(kind, &format!("{}|reissued|{date_added}", o.id));
                reissued.insert(o.id.clone(), new_id);
            }
        }
        let fresh: Vec<Object> = fresh
            .into_iter()
            .map(|o| {
                if reissued.is_empty() {
                    o
                } else {
                    rewrite_ids(o, &reissued)
                }
            })
            .collect();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for o in &fresh {
            seen.insert(&o.id);
            let origin = reissued
                .iter()
                .find(|(_, served)| **served == o.id)
                .map(|(origin, _)| origin.clone());
            let prev = self.latest.get(&o.id).and_then(|&i| self.entries.get(i));
            let object = match prev {
                None => {
                    report.added += 1;
                    dated(o.clone(), None, added)
                }
                Some(p) => {
                    if same_content(o, &p.object) {
                        continue;
                    }
                    report.changed += 1;
                    dated(o.clone(), Some(&p.object), added)
                }
            };
            new_lines.push(Line {
                date_added: date_added.clone(),
                origin,
                object,
            });
        }
        for e in self.latest.values().filter_map(|&i| self.entries.get(i)) {
            let o = &e.object;
            if seen.contains(o.id.as_str()) || e.is_revoked() || !revocable(o) {
                continue;
            }
            let mut gone = o.clone();
            gone.props.insert("revoked".into(), Value::Bool(true));
            gone.props
                .insert("modified".into(), Value::String(next_modified(o, added)));
            report.revoked += 1;
            new_lines.push(Line {
                date_added: date_added.clone(),
                origin: None,
                object: gone,
            });
        }
        if new_lines.is_empty() {
            return Ok(report);
        }
        // Written (and synced) before memory changes, so memory never holds what the log lacks.
        let mut bytes = Vec::new();
        for l in &new_lines {
            serde_json::to_writer(&mut bytes, l).map_err(|e| ServiceError::io(&self.path, e))?;
            bytes.push(b'\n');
        }
        append_bytes(&self.path, &bytes)?;
        for l in new_lines {
            if let Some(origin) = &l.origin {
                self.reissued.insert(origin.clone(), l.object.id.clone());
            }
            self.push(Entry {
                date_added: l.date_added,
                added,
                object: l.object,
            });
        }
        Ok(report)
    }

    /// Every version of every object matching `f`, in the order added, from the cursor `next`
    /// on (a position in the log, which only grows), at most `limit`.
    pub(crate) fn page(
        &self,
        f: &Filter,
        next: Option<usize>,
        limit: usize,
    ) -> Result<Page<'_>, String> {
        let start = next.unwrap_or(0);
        if start > self.entries.len() {
            return Err(format!("next {start} is past the end of the collection"));
        }
        let mut entries = Vec::new();
        let mut more_at = None;
        for (i, e) in self.entries.iter().enumerate().skip(start) {
            if !self.matches(i, e, f) {
                continue;
            }
            if entries.len() == limit {
                more_at = Some(i);
                break;
            }
            entries.push(e);
        }
        Ok(Page {
            entries,
            next: more_at.map(|i| i.to_string()),
        })
    }

    /// Every version of one object (oldest first), filtered by `added_after` and
    /// `match[spec_version]` only.
    pub(crate) fn versions_of(&self, id: &str, f: &Filter) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.object.id == id && passes_common(e, f))
            .collect()
    }

    /// Whether an object with this id was ever added.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.latest.contains_key(id)
    }

    fn matches(&self, i: usize, e: &Entry, f: &Filter) -> bool {
        if !passes_common(e, f) {
            return false;
        }
        if f.ids
            .as_ref()
            .is_some_and(|ids| !ids.contains(&e.object.id))
        {
            return false;
        }
        if f.types
            .as_ref()
            .is_some_and(|t| !t.contains(&e.object.kind))
        {
            return false;
        }
        let want = |sel: &VersionSel| match sel {
            VersionSel::Last => self.latest.get(&e.object.id) == Some(&i),
            VersionSel::First => self.first.get(&e.object.id) == Some(&i),
            VersionSel::All => true,
            VersionSel::At(t) => parse_time(e.version()).is_some_and(|v| v == *t),
        };
        if f.versions.is_empty() {
            want(&VersionSel::Last)
        } else {
            f.versions.iter().any(want)
        }
    }
}

fn passes_common(e: &Entry, f: &Filter) -> bool {
    if f.added_after.is_some_and(|t| e.added <= t) {
        return false;
    }
    let spec = e.object.str("spec_version").unwrap_or("2.1");
    f.spec_versions.as_ref().is_none_or(|s| s.contains(spec))
}

/// Objects whose withdrawal is announced by revoking them: versioned SDOs and SROs. Markings
/// and extension definitions stay; observables have no `revoked` (their indicators do).
fn revocable(o: &Object) -> bool {
    o.props.contains_key("modified")
        && !matches!(
            o.kind.as_str(),
            "marking-definition" | "extension-definition"
        )
}

/// Whether a fresh export object says the same as a stored version, its placeholder
/// timestamps aside.
fn same_content(fresh: &Object, stored: &Object) -> bool {
    let mut f = fresh.clone();
    for k in TIME_PROPS {
        if f.str(k) == Some(PLACEHOLDER_TIME)
            && let Some(v) = stored.props.get(k)
        {
            f.props.insert(k.to_owned(), v.clone());
        }
    }
    f == *stored
}

/// The export object with its version's timestamps: `created` and `valid_from` from the first
/// version, `modified` now (and after the previous version's).
fn dated(mut o: Object, prev: Option<&Object>, now: Timestamp) -> Object {
    let stamp = stix_time(now);
    for k in TIME_PROPS {
        if o.str(k) != Some(PLACEHOLDER_TIME) {
            continue;
        }
        let v = match (k, prev.and_then(|p| p.str(k))) {
            ("modified", _) => prev.map_or_else(|| stamp.clone(), |p| next_modified(p, now)),
            (_, Some(old)) => old.to_owned(),
            (_, None) => stamp.clone(),
        };
        o.props.insert(k.to_owned(), Value::String(v));
    }
    o
}

/// `now` as a STIX time, or one millisecond after `prev`'s `modified` if that is not earlier.
fn next_modified(prev: &Object, now: Timestamp) -> String {
    let at = prev
        .str("modified")
        .and_then(parse_time)
        .filter(|m| *m >= now)
        .map_or(now, |m| m + SignedDuration::from_millis(1));
    stix_time(at)
}

/// Replaces every string equal to a re-issued id (the object's own id and its references).
fn rewrite_ids(o: Object, map: &HashMap<String, String>) -> Object {
    fn walk(v: &mut Value, map: &HashMap<String, String>) {
        match v {
            Value::String(s) => {
                if let Some(n) = map.get(s.as_str()) {
                    n.clone_into(s);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, map)),
            Value::Object(m) => m.values_mut().for_each(|x| walk(x, map)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(&o).unwrap_or(Value::Null);
    walk(&mut v, map);
    serde_json::from_value(v).unwrap_or(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(names: &[&str]) -> Vec<Object> {
        let mut out = vec![Object::new(
            "marking-definition",
            "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        )];
        for n in names {
            out.push(
                Object::new("identity", cordon_stix::ids::sdo_id("identity", n))
                    .with("name", *n)
                    .with("created", PLACEHOLDER_TIME)
                    .with("modified", PLACEHOLDER_TIME),
            );
        }
        out
    }

    fn t(s: &str) -> Timestamp {
        parse_time(s).expect("time")
    }

    fn latest_names(c: &Collection) -> Vec<(String, bool)> {
        let page = c.page(&Filter::default(), None, 100).expect("page");
        page.entries
            .iter()
            .filter(|e| e.object.kind == "identity")
            .map(|e| {
                (
                    e.object.str("name").unwrap_or("").to_owned(),
                    e.is_revoked(),
                )
            })
            .collect()
    }

    #[test]
    fn unchanged_objects_keep_their_version_changed_get_a_new_one_gone_are_revoked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.jsonl");
        let mut c = Collection::open(&path).expect("open");
        let r = c
            .sync(export(&["A", "B"]), t("2026-01-01T00:00:00Z"))
            .expect("sync");
        assert_eq!(
            r,
            SyncReport {
                added: 3,
                changed: 0,
                revoked: 0
            }
        );
        let r = c
            .sync(export(&["A", "B"]), t("2026-01-02T00:00:00Z"))
            .expect("sync");
        assert_eq!(r, SyncReport::default(), "nothing changed, nothing added");
        let r = c
            .sync(export(&["A"]), t("2026-01-03T00:00:00Z"))
            .expect("sync");
        assert_eq!(r.revoked, 1);
        assert_eq!(
            latest_names(&c),
            [("A".to_owned(), false), ("B".to_owned(), true)]
        );
        // B is listed again: a new id, since a revoked object never gets a new version.
        let r = c
            .sync(export(&["A", "B"]), t("2026-01-04T00:00:00Z"))
            .expect("sync");
        assert_eq!(r.added, 1);
        let b_ids: BTreeSet<&str> = c
            .entries
            .iter()
            .filter(|e| e.object.str("name") == Some("B"))
            .map(|e| e.object.id.as_str())
            .collect();
        assert_eq!(b_ids.len(), 2);
        // The log gives back the same collection, and a resync changes nothing.
        let mut again = Collection::open(&path).expect("reopen");
        assert_eq!(again.len(), c.len());
        let r = again
            .sync(export(&["A", "B"]), t("2026-01-05T00:00:00Z"))
            .expect("sync");
        assert_eq!(r, SyncReport::default());
    }

    #[test]
    fn added_after_versions_and_pages() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = Collection::open(&dir.path().join("c.jsonl")).expect("open");
        c.sync(export(&["A", "B", "C"]), t("2026-01-01T00:00:00Z"))
            .expect("sync");
        let mut changed = export(&["A", "B", "C"]);
        changed[1].set("description", "now with a description");
        c.sync(changed, t("2026-01-02T00:00:00Z")).expect("sync");
        let a = &c.entries[c.latest[&cordon_stix::ids::sdo_id("identity", "A")]].object;
        assert_eq!(a.str("created"), Some("2026-01-01T00:00:00.000Z"));
        assert_eq!(a.str("modified"), Some("2026-01-02T00:00:00.000Z"));

        let after = Filter {
            added_after: Some(t("2026-01-01T12:00:00Z")),
            ..Filter::default()
        };
        let p = c.page(&after, None, 10).expect("page");
        assert_eq!(p.entries.len(), 1, "only A's second version");
        let all = Filter {
            versions: vec![VersionSel::All],
            ..Filter::default()
        };
        assert_eq!(c.page(&all, None, 10).expect("page").entries.len(), 5);
        let first = Filter {
            versions: vec![VersionSel::First],
            types: Some(["identity".to_owned()].into()),
            ..Filter::default()
        };
        let p = c.page(&first, None, 10).expect("page");
        assert!(
            p.entries
                .iter()
                .all(|e| e.object.str("description").is_none())
        );
        // Pages of 2 cover the four latest versions exactly once, in the order added.
        let mut seen = Vec::new();
        let mut next = None;
        loop {
            let p = c.page(&Filter::default(), next, 2).expect("page");
            seen.extend(p.entries.iter().map(|e| e.object.id.clone()));
            match p.next {
                Some(n) => next = Some(n.parse().expect("cursor")),
                None => break,
            }
        }
        assert_eq!(seen.len(), 4);
        assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 4);
        assert!(c.page(&Filter::default(), Some(99), 2).is_err());
    }

    /// `date_added` is served with microseconds; a sync at a time with nanoseconds must not
    /// make its objects come back to a client asking for what was added after that value.
    #[test]
    fn added_after_the_served_date_added_excludes_that_sync() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = Collection::open(&dir.path().join("c.jsonl")).expect("open");
        c.sync(export(&["A"]), t("2026-01-01T00:00:00.123456789Z"))
            .expect("sync");
        let served = c.entries[0].date_added.clone();
        assert_eq!(served, "2026-01-01T00:00:00.123457Z");
        let f = Filter {
            added_after: parse_time(&served),
            ..Filter::default()
        };
        assert!(c.page(&f, None, 10).expect("page").entries.is_empty());
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.jsonl");
        let mut c = Collection::open(&path).expect("open");
        c.sync(export(&["A"]), t("2026-01-01T00:00:00Z"))
            .expect("sync");
        let mut text = std::fs::read(&path).expect("read");
        text.extend_from_slice(b"{\"date_added\": \"2026-01-0");
        std::fs::write(&path, &text).expect("write");
        let mut c = Collection::open(&path).expect("reopen");
        assert_eq!(c.len(), 2);
        c.sync(export(&["A", "B"]), t("2026-01-02T00:00:00Z"))
            .expect("sync");
        assert_eq!(Collection::open(&path).expect("reopen").len(), 3);
    }
}

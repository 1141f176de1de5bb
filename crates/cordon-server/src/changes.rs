//! "What changed since": the list store's version diffs ([`cordon_store::Store::diff`]) for
//! clients that keep their own copy of the lists or re-screen on their side, and for the
//! console's Lists page.
//!
//! - `GET /catalog/{source}/changes?from=&to=` compares two stored versions of one source
//!   (default: the version serving now and the one before it): added and removed entries and,
//!   for changed entries, the values each property gained and lost.
//! - `GET /changes?since=T` compares, for every source, the version that was current at `T`
//!   with the version serving now.
//!
//! Versions never change once stored, so a diff is computed once and kept in a small cache.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use cordon_store::{Diff, SourceVersion, Store, StoreError};
use serde_json::{Value, json};

use crate::AppState;
use crate::api::{guarded, json_response, params};
use crate::error::ApiError;
use crate::keys::Role;

/// Most entries of each kind (added, removed, changed) one answer lists.
pub const MAX_CHANGES_PAGE: usize = 1000;
const DEFAULT_SOURCE_PAGE: usize = 100;
const DEFAULT_SINCE_PAGE: usize = 20;
/// Diffs kept: a few sources times a few version pairs that clients ask about.
const CACHED_DIFFS: usize = 32;

/// How far a stored version's time may be from when it was stored (rounded to the second).
const STORED_TIME_ROUNDING: jiff::SignedDuration = jiff::SignedDuration::from_millis(500);

type DiffKey = (String, u32, u32);

/// The diffs by key, and their keys oldest first.
#[derive(Debug, Default)]
struct Cached {
    map: HashMap<DiffKey, Arc<Diff>>,
    order: VecDeque<DiffKey>,
}

/// Diffs already computed, oldest evicted first.
#[derive(Debug, Default)]
pub(crate) struct DiffCache {
    inner: Mutex<Cached>,
}

impl DiffCache {
    /// The diff of `source` from version `from` to `to` (0: an empty list).
    pub(crate) fn diff(
        &self,
        store: &Store,
        source: &str,
        from: u32,
        to: u32,
    ) -> Result<Arc<Diff>, StoreError> {
        let key = (source.to_owned(), from, to);
        if let Some(d) = self.lock().map.get(&key) {
            return Ok(Arc::clone(d));
        }
        // Computed outside the lock: two clients asking at once both compute, which is cheaper
        // than making every other diff wait.
        let d = Arc::new(store.diff(source, Some(from), Some(to))?);
        let mut c = self.lock();
        if c.map.insert(key.clone(), Arc::clone(&d)).is_none() {
            c.order.push_back(key);
            while c.order.len() > CACHED_DIFFS {
                if let Some(old) = c.order.pop_front() {
                    c.map.remove(&old);
                }
            }
        }
        Ok(d)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cached> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Which entries an answer lists.
#[derive(Debug, Clone, Copy)]
struct Page {
    kind: Option<Kind>,
    offset: usize,
    limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Added,
    Removed,
    Changed,
}

/// A diff as answered: counts always, and a page of each kind of entry.
fn diff_json(d: &Diff, page: Page) -> Value {
    let counts =
        json!({"added": d.added.len(), "removed": d.removed.len(), "changed": d.changed.len()});
    let mut v = json!({"source": d.source, "from": d.from, "to": d.to, "counts": counts,
        "offset": page.offset, "limit": page.limit});
    let wants = |k: Kind| page.kind.is_none_or(|p| p == k);
    let take = |n: usize| page.offset.min(n)..(page.offset.saturating_add(page.limit)).min(n);
    if let Some(o) = v.as_object_mut() {
        if wants(Kind::Added) {
            o.insert("added".into(), json!(d.added.get(take(d.added.len()))));
        }
        if wants(Kind::Removed) {
            o.insert(
                "removed".into(),
                json!(d.removed.get(take(d.removed.len()))),
            );
        }
        if wants(Kind::Changed) {
            o.insert(
                "changed".into(),
                json!(d.changed.get(take(d.changed.len()))),
            );
        }
    }
    v
}

fn version_json(v: Option<&SourceVersion>) -> Value {
    v.map_or(Value::Null, |v| {
        json!({"version": v.version, "ingested_at": v.ingested_at,
            "publication_date": v.publication_date, "entity_count": v.entity_count})
    })
}

/// The store, or the answer that there is no version history to compare.
fn store_of(state: &AppState) -> Result<Arc<Store>, ApiError> {
    state.0.store.clone().ok_or_else(|| {
        ApiError::unavailable(
            "no-list-history",
            "this server serves lists without a store, so it keeps no versions to compare",
        )
    })
}

fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::UnknownSource(s) => ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-source",
            format!("no list source {s:?} (see /catalog)"),
        ),
        StoreError::UnknownVersion { source_id, version } => ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-version",
            format!("list source {source_id:?} has no version {version}"),
        ),
        other => ApiError::internal(other),
    }
}

fn bad(k: &str, v: &str, what: &str) -> ApiError {
    ApiError::bad_request("invalid-parameter", format!("parameter {k}={v:?}: {what}"))
}

fn unknown(k: &str) -> ApiError {
    ApiError::bad_request(
        "unknown-parameter",
        format!("unknown query parameter {k:?}"),
    )
}

fn parse_limit(k: &str, v: &str) -> Result<usize, ApiError> {
    v.parse()
        .ok()
        .filter(|l| (1..=MAX_CHANGES_PAGE).contains(l))
        .ok_or_else(|| bad(k, v, &format!("expected 1 to {MAX_CHANGES_PAGE}")))
}

/// The routes: list contents are what screening keys already see, so screening keys may ask.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    guarded(
        state,
        Role::Screen,
        Router::new()
            .route("/catalog/{source}/changes", get(source_changes))
            .route("/changes", get(changes_since)),
    )
}

/// What changed in one list source between two stored versions.
#[utoipa::path(get, path = "/catalog/{source}/changes", tag = "lists",
    params(("source" = String, Path, description = "a source id from /catalog"),
        ("from" = Option<u32>, Query, description = "the older version (default: the one before `to`; 0: an empty list)"),
        ("to" = Option<u32>, Query, description = "the newer version (default: the version serving now)"),
        ("kind" = Option<String>, Query, description = "list only added, removed or changed entries"),
        ("limit" = Option<usize>, Query, description = "entries of each kind (100, at most 1000)"),
        ("offset" = Option<usize>, Query, description = "entries of each kind to skip")),
    responses((status = 200, description = "{\"source\", \"from\", \"to\", \"versions\", \"counts\": {\"added\", \"removed\", \"changed\"}, \"added\": [...], \"removed\": [...], \"changed\": [{\"id\", \"caption\", \"schema\", \"changes\": [{\"property\", \"added\", \"removed\"}]}]}"),
        (status = 404, description = "unknown-source or unknown-version")))]
pub(crate) async fn source_changes(
    State(state): State<AppState>,
    Path(source): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (mut from, mut to) = (None, None);
    let mut page = Page {
        kind: None,
        offset: 0,
        limit: DEFAULT_SOURCE_PAGE,
    };
    for (k, v) in params(raw.as_deref())? {
        let version = || {
            v.parse::<u32>()
                .map_err(|_| bad(&k, &v, "expected a version number"))
        };
        match k.as_str() {
            "from" => from = Some(version()?),
            "to" => to = Some(version()?),
            "kind" => {
                page.kind = Some(match v.as_str() {
                    "added" => Kind::Added,
                    "removed" => Kind::Removed,
                    "changed" => Kind::Changed,
                    _ => return Err(bad(&k, &v, "expected added, removed or changed")),
                });
            }
            "limit" => page.limit = parse_limit(&k, &v)?,
            "offset" => {
                page.offset = v
                    .parse()
                    .map_err(|_| bad(&k, &v, "expected a whole number"))?;
            }
            _ => return Err(unknown(&k)),
        }
    }
    let store = store_of(&state)?;
    let serving = state
        .snapshot()
        .sources
        .iter()
        .find(|s| s.source == source)
        .map(|s| s.version);
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let versions = store.versions(&source).map_err(store_error)?;
        let to = match to
            .or(serving)
            .or_else(|| versions.last().map(|v| v.version))
        {
            Some(t) => t,
            None => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "unknown-version",
                    format!("list source {source:?} has no version stored yet"),
                ));
            }
        };
        let from = from.unwrap_or(to.saturating_sub(1));
        if from > to {
            return Err(ApiError::bad_request(
                "invalid-parameter",
                format!("from={from} is newer than to={to}"),
            ));
        }
        let d =
            st.0.diffs
                .diff(&store, &source, from, to)
                .map_err(store_error)?;
        let find = |n: u32| versions.iter().find(|v| v.version == n);
        let mut v = diff_json(&d, page);
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "versions".into(),
                json!({"from": version_json(find(from)), "to": version_json(find(to))}),
            );
            o.insert("serving".into(), json!(serving));
        }
        Ok(json_response(StatusCode::OK, &v))
    })
    .await
    .map_err(ApiError::internal)?
}

/// What changed in every list source since a time.
#[utoipa::path(get, path = "/changes", tag = "lists",
    params(("since" = String, Query, description = "compare with the versions current at this time (`2026-12-01` or RFC 3339)"),
        ("limit" = Option<usize>, Query, description = "entries of each kind per source (20, at most 1000)")),
    responses((status = 200, description = "{\"since\", \"sources\": [{\"source\", \"from\", \"to\", \"counts\", \"added\", \"removed\", \"changed\"}], \"unchanged\": [...]}")))]
pub(crate) async fn changes_since(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut since = None;
    let mut page = Page {
        kind: None,
        offset: 0,
        limit: DEFAULT_SINCE_PAGE,
    };
    for (k, v) in params(raw.as_deref())? {
        match k.as_str() {
            "since" => {
                since =
                    Some(crate::audit::parse_since(&v).map_err(|e| bad(&k, &v, &e.to_string()))?);
            }
            "limit" => page.limit = parse_limit(&k, &v)?,
            _ => return Err(unknown(&k)),
        }
    }
    let since = since.ok_or_else(|| {
        ApiError::bad_request(
            "missing-parameter",
            "since is required, e.g. /changes?since=2026-12-01",
        )
    })?;
    let store = store_of(&state)?;
    let snap = state.snapshot();
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut changed = Vec::new();
        let mut unchanged = Vec::new();
        for serving in &snap.sources {
            let source = &serving.source;
            let versions = store.versions(source).map_err(store_error)?;
            // The version current at `since`: the newest stored before it (0: none yet). The
            // store keeps times rounded to the second, so a version stored within half a second
            // of `since` counts as changed since: a client re-reads a change rather than
            // missing one.
            let before = versions
                .iter()
                .filter(|v| {
                    v.ingested_at
                        .parse::<jiff::Timestamp>()
                        .is_ok_and(|t| t + STORED_TIME_ROUNDING < since)
                })
                .map(|v| v.version)
                .max()
                .unwrap_or(0);
            if before >= serving.version {
                unchanged.push(json!({"source": source, "version": serving.version}));
                continue;
            }
            let d =
                st.0.diffs
                    .diff(&store, source, before, serving.version)
                    .map_err(store_error)?;
            changed.push(diff_json(&d, page));
        }
        Ok(json_response(
            StatusCode::OK,
            &json!({"since": since.to_string(), "sources": changed, "unchanged": unchanged,
                "limit": page.limit}),
        ))
    })
    .await
    .map_err(ApiError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_store::EntityRef;

    fn entry(id: &str) -> EntityRef {
        EntityRef {
            id: id.into(),
            caption: id.to_uppercase(),
            schema: "Person".into(),
        }
    }

    #[test]
    fn a_page_lists_each_kind_within_its_bounds_and_counts_all() {
        let d = Diff {
            source: "s".into(),
            from: 1,
            to: 2,
            added: (0..5).map(|i| entry(&format!("a{i}"))).collect(),
            removed: vec![entry("r0")],
            changed: Vec::new(),
        };
        let v = diff_json(
            &d,
            Page {
                kind: None,
                offset: 3,
                limit: 10,
            },
        );
        assert_eq!(v["counts"], json!({"added": 5, "removed": 1, "changed": 0}));
        let ids: Vec<&str> = v["added"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["a3", "a4"]);
        assert_eq!(v["removed"], json!([]));
        let v = diff_json(
            &d,
            Page {
                kind: Some(Kind::Removed),
                offset: usize::MAX,
                limit: MAX_CHANGES_PAGE,
            },
        );
        assert!(v.get("added").is_none());
        assert_eq!(v["removed"], json!([]));
    }
}

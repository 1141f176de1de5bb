//! Applicant screening over HTTP: `POST /applicants/screen` (risk reports) and
//! `POST /applicants/link` (clusters of linked accounts). Each report and cluster is the JSON
//! object `cordon applicants screen` and `cordon applicants link` write as one output line.
//!
//! The screener's list index is built from the snapshot serving the request, once per
//! snapshot: in the background after start and after each swap, or on the first request that
//! needs it. The rules file and IP databases are read at start (a bad one stops the start) and
//! again with each new snapshot, so a reload also picks up their edits.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use cordon_applicants::{
    Applicant, ApplicantReport, ClusterOut, Format, IpDb, KnownAccounts, ReadLimits, ReadOutcome,
    Rules, Screener, read_records, records_from_json, rules::LinkParams,
};
use cordon_model::{Diagnostic, Severity};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::api::{
    Caller, audit, caller, guarded, json_response, open_review, params, read_bytes, with_seq,
};
use crate::engine::Snapshot;
use crate::error::{ApiError, ServiceError};
use crate::keys::Role;
use crate::review::{applicant_items, applicant_subject_key};

/// The routes: screening for the `screen` role (a sign-up or hiring path calls it), linking a
/// population for `analyst`.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let screen = Router::new().route("/applicants/screen", post(screen));
    let analyst = Router::new().route("/applicants/link", post(link));
    Router::new()
        .merge(guarded(state, Role::Screen, screen))
        .merge(guarded(state, Role::Analyst, analyst))
}

/// Rules and IP databases, the screener built for the latest snapshot, and the platform's
/// accounts that sign-ups are linked to.
#[derive(Debug)]
pub(crate) struct ApplicantService {
    rules_file: Option<PathBuf>,
    ipdb_files: Vec<PathBuf>,
    /// (snapshot generation, screener); built under the lock so that it is built once.
    current: Mutex<Option<(u64, Arc<Screener>)>>,
    accounts_file: Option<PathBuf>,
    /// The accounts indexed last; indexed under the lock so that it is done once.
    accounts: Mutex<Option<Arc<LoadedAccounts>>>,
    /// The last failed read of the accounts file (code, message); the last good index serves.
    accounts_error: Mutex<Option<(&'static str, String)>>,
}

/// The platform's accounts, indexed for linking one sign-up at a time.
#[derive(Debug)]
pub(crate) struct LoadedAccounts {
    known: KnownAccounts,
    /// The file as it was read; a change makes the next refresh read it again.
    stamp: FileStamp,
    /// The linkage parameters it was indexed under (rarity is judged in their population).
    params: LinkParams,
    /// Lines that could not be read (reported in the log with their line).
    rejected: usize,
    loaded_at: String,
}

/// Size and modification time of a file: when they change, it is read again.
type FileStamp = (u64, Option<SystemTime>);

fn file_stamp(path: &Path) -> Result<FileStamp, ServiceError> {
    let m = std::fs::metadata(path).map_err(|e| ServiceError::io(path, e))?;
    if !m.is_file() {
        return Err(ServiceError::io(path, "not a regular file"));
    }
    Ok((m.len(), m.modified().ok()))
}

impl ApplicantService {
    /// Checks the rules file, the IP databases and that the accounts file can be opened now,
    /// so that a bad one stops the start (the accounts are indexed in the background).
    pub(crate) fn open(
        rules_file: Option<PathBuf>,
        ipdb_files: Vec<PathBuf>,
        accounts_file: Option<PathBuf>,
    ) -> Result<ApplicantService, ServiceError> {
        let s = ApplicantService {
            rules_file,
            ipdb_files,
            current: Mutex::new(None),
            accounts_file,
            accounts: Mutex::new(None),
            accounts_error: Mutex::new(None),
        };
        s.rules()?;
        s.ipdb()?;
        if let Some(p) = &s.accounts_file {
            file_stamp(p)?;
            std::fs::File::open(p).map_err(|e| ServiceError::io(p, e))?;
        }
        Ok(s)
    }

    /// The accounts to link sign-ups to: the last good index, or (on a request that comes
    /// before the background indexing finished) indexed now. `None` without an accounts file.
    fn accounts_for(
        &self,
        screener: &Screener,
    ) -> Result<Option<Arc<LoadedAccounts>>, ServiceError> {
        let Some(path) = &self.accounts_file else {
            return Ok(None);
        };
        let mut current = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(a) = current.as_ref() {
            return Ok(Some(Arc::clone(a)));
        }
        let loaded = Arc::new(load_accounts(path, screener)?);
        *current = Some(Arc::clone(&loaded));
        Ok(Some(loaded))
    }

    /// Indexes the accounts file again if it changed since it was indexed (or the linkage
    /// parameters did). A failure keeps the last good index serving. Returns the outcome for
    /// the reload report; `None` without an accounts file.
    pub(crate) fn refresh_accounts(&self, screener: &Screener) -> Option<Value> {
        let path = self.accounts_file.as_deref()?;
        let mut current = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let unchanged = current.as_ref().is_some_and(|a| {
            file_stamp(path).is_ok_and(|s| s == a.stamp) && a.params == screener.rules().link
        });
        let outcome = if unchanged {
            json!({"status": "unchanged"})
        } else {
            match load_accounts(path, screener) {
                Ok(a) => {
                    let v = json!({"status": "loaded", "accounts": a.known.len(), "rejected": a.rejected});
                    *current = Some(Arc::new(a));
                    self.set_accounts_error(None);
                    v
                }
                Err(e) => {
                    let msg = e.to_string();
                    tracing::error!(code = e.code(), error = %msg, "cannot index the applicant accounts file; the last good index (if any) keeps serving");
                    self.set_accounts_error(Some((e.code(), msg.clone())));
                    json!({"status": "failed", "code": e.code()})
                }
            }
        };
        Some(outcome)
    }

    fn set_accounts_error(&self, e: Option<(&'static str, String)>) {
        *self
            .accounts_error
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = e;
    }

    /// For `/catalog`: how many accounts sign-ups are linked to, and the last error (no
    /// server paths: the log has the cause).
    pub(crate) fn accounts_status(&self) -> Value {
        if self.accounts_file.is_none() {
            return json!({"configured": false});
        }
        let current = self
            .accounts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let error = self
            .accounts_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        json!({
            "configured": true,
            "accounts": current.as_ref().map(|a| a.known.len()),
            "rejected": current.as_ref().map(|a| a.rejected),
            "loaded_at": current.as_ref().map(|a| a.loaded_at.clone()),
            "last_error": error.map(|(code, _)| json!({
                "code": code,
                "message": "the applicant accounts file could not be read; the last good index (if any) keeps serving; the server log has the cause",
            })),
        })
    }

    fn rules(&self) -> Result<Rules, ServiceError> {
        match &self.rules_file {
            Some(p) => Ok(Rules::load(p)?),
            None => Ok(Rules::default_rules()),
        }
    }

    fn ipdb(&self) -> Result<IpDb, ServiceError> {
        let mut db = IpDb::new();
        for p in &self.ipdb_files {
            db.add_file(p)?;
        }
        Ok(db)
    }

    /// The screener for `snap` (or for a newer snapshot, when one is already built).
    pub(crate) fn screener(&self, snap: &Snapshot) -> Result<Arc<Screener>, ServiceError> {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((generation, s)) = current.as_ref()
            && *generation >= snap.generation
        {
            return Ok(Arc::clone(s));
        }
        let started = std::time::Instant::now();
        let screener = Arc::new(
            Screener::new(self.rules()?)
                .with_ipdb(self.ipdb()?)
                .with_lists(snap.applicant_lists()),
        );
        tracing::info!(
            generation = snap.generation,
            ms = started.elapsed().as_millis() as u64,
            "applicant screening indexed the lists"
        );
        *current = Some((snap.generation, Arc::clone(&screener)));
        Ok(screener)
    }
}

/// Reads and indexes the accounts file. Lines that cannot be read are logged with their line
/// and left out; the rest is indexed.
fn load_accounts(path: &Path, screener: &Screener) -> Result<LoadedAccounts, ServiceError> {
    let started = std::time::Instant::now();
    let stamp = file_stamp(path)?;
    let file = std::fs::File::open(path).map_err(|e| ServiceError::io(path, e))?;
    let outcome = read_records(
        std::io::BufReader::new(file),
        Format::from_path(path),
        Some(path),
        &ReadLimits::default(),
    );
    let mut rejected = 0;
    for d in &outcome.diagnostics {
        if d.severity == Severity::Error {
            rejected += 1;
            tracing::warn!(problem = %d, "applicant accounts: a line is left out");
        }
    }
    let records: Vec<Applicant> = outcome.records.into_iter().map(|(_, a)| a).collect();
    let known = screener.known_accounts(records)?;
    tracing::info!(
        accounts = known.len(),
        rejected,
        ms = started.elapsed().as_millis() as u64,
        "applicant accounts indexed"
    );
    Ok(LoadedAccounts {
        known,
        stamp,
        params: screener.rules().link.clone(),
        rejected,
        loaded_at: crate::util::now(),
    })
}

/// What the audit trail keeps of an applicant's report (the service's `/applicants/screen`
/// and `cordon applicants screen` record the same): its id and subject key, risk, level, the
/// ids of the indicators that fired, its list hits and its cluster. Not the record itself:
/// résumés and login histories stay out of the trail.
pub fn audited_report(r: &ApplicantReport, subject: Option<&str>) -> Value {
    json!({
        "id": r.id, "subject": subject, "risk": r.risk, "level": r.level,
        "indicators": r.indicators.iter().map(|i| i.id).collect::<Vec<_>>(),
        "list_hits": r.list_hits.iter().map(|h| json!({"kind": h.kind, "entity": h.entity, "score": h.score})).collect::<Vec<_>>(),
        "cluster": r.cluster,
    })
}

/// The clusters of `linked` that hold a known account, i.e. a member that is not one of the
/// request's records (links among the request's own records are in its `clusters`).
fn with_known_members(linked: Vec<ClusterOut>, apps: &[Applicant]) -> Vec<ClusterOut> {
    let new: std::collections::HashSet<&str> = apps.iter().map(|a| a.id.as_str()).collect();
    linked
        .into_iter()
        .filter(|c| c.members.iter().any(|m| !new.contains(m.as_str())))
        .collect()
}

/// How the body holds the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    /// One JSON object (one applicant) or an array (a batch).
    Json,
    /// JSON lines, one record per line.
    JsonLines,
    /// CSV with a header (lists separated by `;`).
    Csv,
}

fn body_kind(headers: &HeaderMap) -> BodyKind {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.contains("csv") {
        BodyKind::Csv
    } else if ct.contains("ndjson") || ct.contains("jsonl") || ct.contains("json-seq") {
        BodyKind::JsonLines
    } else {
        BodyKind::Json
    }
}

/// The records of a request, the problems found in them, and what the audit trail keeps of
/// the body (its digest: résumés and login histories are not copied into the trail).
struct Records {
    applicants: Vec<Applicant>,
    rejected: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// One JSON object was sent (not a batch).
    single: bool,
    body_sha256: String,
    body_bytes: usize,
}

async fn read_applicants(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Records, ApiError> {
    let bytes = read_bytes(body, state.0.config.max_applicant_body).await?;
    let kind = body_kind(headers);
    let limits = ReadLimits::default();
    let (outcome, single): (ReadOutcome, bool) = match kind {
        BodyKind::Json => {
            let text = std::str::from_utf8(&bytes).map_err(|e| {
                ApiError::bad_request(
                    "invalid-utf8",
                    format!(
                        "the request body is not UTF-8 (first bad byte at offset {})",
                        e.valid_up_to()
                    ),
                )
            })?;
            let v: Value = serde_json::from_str(text).map_err(|e| {
                ApiError::bad_request("invalid-json", format!("the body is not valid JSON: {e}"))
            })?;
            if !v.is_object() && !v.is_array() {
                return Err(ApiError::bad_request(
                    "invalid-type",
                    "the body must be one applicant object or an array of them",
                ));
            }
            (records_from_json(&v, &limits), v.is_object())
        }
        // Line by line: a bad line (invalid UTF-8 included) is reported and the rest is read.
        BodyKind::JsonLines => (
            read_records(&bytes[..], Format::JsonLines, None, &limits),
            false,
        ),
        BodyKind::Csv => (read_records(&bytes[..], Format::Csv, None, &limits), false),
    };
    let (rejected, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = outcome
        .diagnostics
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    let applicants: Vec<Applicant> = outcome.records.into_iter().map(|(_, a)| a).collect();
    if applicants.is_empty() {
        let first = rejected
            .first()
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return Err(ApiError::bad_request(
            if rejected.is_empty() {
                "empty-input"
            } else {
                "invalid-input"
            },
            format!("no applicant record could be read{first}"),
        ));
    }
    let max = state.0.config.max_applicants;
    if applicants.len() > max {
        return Err(ApiError::bad_request(
            "too-many-records",
            format!(
                "{} records in one request; at most {max} are accepted (split the batch)",
                applicants.len()
            ),
        ));
    }
    Ok(Records {
        applicants,
        rejected,
        warnings,
        single,
        body_sha256: hex::encode(Sha256::digest(&bytes)),
        body_bytes: bytes.len(),
    })
}

impl Records {
    /// What the audit trail keeps of the request: record ids and the body's digest.
    fn audit_query(&self, apps: &[Applicant]) -> Value {
        json!({
            "records": apps.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            "rejected": self.rejected.len(),
            "body_sha256": self.body_sha256,
            "body_bytes": self.body_bytes,
        })
    }
}

fn no_query_parameters(raw: Option<&str>) -> Result<(), ApiError> {
    match params(raw)?.into_iter().next() {
        Some((k, _)) => Err(ApiError::bad_request(
            "unknown-parameter",
            format!("unknown query parameter {k:?} (this endpoint takes none)"),
        )),
        None => Ok(()),
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(ApiError::internal)
}

/// Risk reports: for one applicant (a JSON object) or a batch (a JSON array, JSON lines or
/// CSV), with red flags, list hits, linked accounts within the batch and recommended actions.
#[utoipa::path(post, path = "/applicants/screen", tag = "applicants",
    request_body(content_type = "application/json", description = "one applicant record (docs/applicants.md), or an array of them; also JSON lines (`application/x-ndjson`) or CSV (`text/csv`)"),
    responses((status = 200, description = "one record: {\"report\": <line of `cordon applicants screen`>, \"known_links\", \"warnings\"}; a batch: {\"reports\": [...], \"clusters\": [...], \"known_links\": [...], \"rejected\": [...], \"warnings\": [...]}; `known_links` (null when the service has no accounts file) holds the clusters, as `cordon applicants link --known` writes them, that join a record of the request to the platform's known accounts"),
        (status = 400, description = "invalid-json, invalid-utf8, invalid-input (no record could be read), too-many-records"),
        (status = 413, description = "body-too-large"),
        (status = 503, description = "no-lists")))]
pub(crate) async fn screen(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    no_query_parameters(raw.as_deref())?;
    let mut records = read_applicants(&state, &headers, body).await?;
    let snap = state.snapshot();
    if snap.is_empty() {
        return Err(ApiError::unavailable(
            "no-lists",
            "the service holds no lists, so applicants cannot be screened against them",
        ));
    }
    let _permit = if records.applicants.len() > 1 {
        Some(state.0.heavy.acquire().await.map_err(ApiError::internal)?)
    } else {
        None
    };
    let st = state.clone();
    let sn = Arc::clone(&snap);
    let apps = std::mem::take(&mut records.applicants);
    let (apps, batch, known_links) = tokio::task::spawn_blocking(move || {
        let screener = st.0.applicants.screener(&sn)?;
        let batch = screener.screen_batch(&apps);
        let known_links = st.0.applicants.accounts_for(&screener)?.map(|accounts| {
            screener
                .link_to_known(&apps, &accounts.known)
                .map(|l| with_known_members(l.clusters, &apps))
        });
        Ok::<_, ServiceError>((apps, batch, known_links))
    })
    .await
    .map_err(ApiError::internal)??;
    let batch = batch.map_err(ApiError::internal)?;
    let known_links = known_links.transpose().map_err(ApiError::internal)?;
    // Ids are unique in a batch (the reader refuses duplicates).
    let subjects: std::collections::HashMap<&str, String> = apps
        .iter()
        .map(|a| (a.id.as_str(), applicant_subject_key(a)))
        .collect();
    let audited: Vec<Value> = batch
        .applicants
        .iter()
        .map(|r| audited_report(r, subjects.get(r.id.as_str()).map(String::as_str)))
        .collect();
    let query = records.audit_query(&apps);
    let key = caller(ext);
    let seq = audit(
        &state,
        &snap.lists,
        &headers,
        &key,
        "applicants.screen",
        None,
        query,
        json!({
            "applicants": audited,
            "clusters": batch.clusters.len(),
            "known_links": known_links.as_ref().map(|k| k.iter().map(|c| json!({"members": c.members, "score": c.score})).collect::<Vec<_>>()),
        }),
    )
    .await?;
    let review: Vec<_> = {
        let decisions = state.0.decisions.read().ok();
        apps.iter()
            .zip(&batch.applicants)
            .filter(|(a, r)| a.id == r.id && !r.list_hits.is_empty())
            .flat_map(|(a, r)| {
                applicant_items(&snap, a, &r.list_hits, decisions.as_deref(), &key, seq)
            })
            .collect()
    };
    open_review(&state, review).await?;
    let body = if records.single {
        let report = batch
            .applicants
            .first()
            .ok_or_else(|| ApiError::internal("a screened batch of one has no report"))?;
        json!({
            "report": to_value(report)?,
            "known_links": to_value(&known_links)?,
            "warnings": records.warnings,
            "audit_seq": seq,
        })
    } else {
        json!({
            "reports": to_value(&batch.applicants)?,
            "clusters": to_value(&batch.clusters)?,
            "known_links": to_value(&known_links)?,
            "rejected": records.rejected,
            "warnings": records.warnings,
            "audit_seq": seq,
        })
    };
    Ok(with_seq(json_response(StatusCode::OK, &body), seq))
}

/// Clusters of linked accounts in a batch, with the reasons of each link (nothing is merged).
#[utoipa::path(post, path = "/applicants/link", tag = "applicants",
    request_body(content_type = "application/json", description = "an array of applicant records; also JSON lines (`application/x-ndjson`) or CSV (`text/csv`)"),
    responses((status = 200, description = "{\"clusters\": [<line of `cordon applicants link`>...], \"rejected\": [...], \"warnings\": [...]}"),
        (status = 400, description = "invalid-json, invalid-utf8, invalid-input, too-many-records, not-a-batch"),
        (status = 413, description = "body-too-large")))]
pub(crate) async fn link(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    no_query_parameters(raw.as_deref())?;
    let mut records = read_applicants(&state, &headers, body).await?;
    if records.single {
        return Err(ApiError::bad_request(
            "not-a-batch",
            "linking needs a batch: an array of records, JSON lines or CSV",
        ));
    }
    let _permit = state.0.heavy.acquire().await.map_err(ApiError::internal)?;
    let st = state.clone();
    let snap = state.snapshot();
    let apps = std::mem::take(&mut records.applicants);
    let (apps, linked) = tokio::task::spawn_blocking(move || {
        // Linking uses the rules' `link` section only; it needs no list index.
        let rules = st.0.applicants.rules()?;
        let linked = Screener::new(rules).link(&apps);
        Ok::<_, ServiceError>((apps, linked))
    })
    .await
    .map_err(ApiError::internal)??;
    let linked = linked.map_err(ApiError::internal)?;
    let audited: Vec<Value> = linked
        .clusters
        .iter()
        .map(|c| json!({"cluster": c.cluster, "members": c.members, "score": c.score}))
        .collect();
    let query = records.audit_query(&apps);
    let seq = audit(
        &state,
        &snap.lists,
        &headers,
        &caller(ext),
        "applicants.link",
        None,
        query,
        json!({"clusters": audited}),
    )
    .await?;
    let body = json!({
        "clusters": to_value(&linked.clusters)?,
        "rejected": records.rejected,
        "warnings": records.warnings,
        "audit_seq": seq,
    });
    Ok(with_seq(json_response(StatusCode::OK, &body), seq))
}

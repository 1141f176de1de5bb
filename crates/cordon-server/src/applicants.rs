//! Applicant screening over HTTP: `POST /applicants/screen` (risk reports) and
//! `POST /applicants/link` (clusters of linked accounts). Each report and cluster is the JSON
//! object `cordon applicants screen` and `cordon applicants link` write as one output line.
//!
//! The screener's list index is built from the snapshot serving the request, once per
//! snapshot: in the background after start and after each swap, or on the first request that
//! needs it. The rules file and IP databases are read at start (a bad one stops the start) and
//! again with each new snapshot, so a reload also picks up their edits.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use cordon_applicants::{
    Applicant, Format, IpDb, ReadLimits, ReadOutcome, Rules, Screener, read_records,
    records_from_json,
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

/// Rules and IP databases, and the screener built for the latest snapshot.
#[derive(Debug)]
pub(crate) struct ApplicantService {
    rules_file: Option<PathBuf>,
    ipdb_files: Vec<PathBuf>,
    /// (snapshot generation, screener); built under the lock so that it is built once.
    current: Mutex<Option<(u64, Arc<Screener>)>>,
}

impl ApplicantService {
    /// Checks the rules file and the IP databases now, so that a bad one stops the start.
    pub(crate) fn open(
        rules_file: Option<PathBuf>,
        ipdb_files: Vec<PathBuf>,
    ) -> Result<ApplicantService, ServiceError> {
        let s = ApplicantService {
            rules_file,
            ipdb_files,
            current: Mutex::new(None),
        };
        s.rules()?;
        s.ipdb()?;
        Ok(s)
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
    responses((status = 200, description = "one record: {\"report\": <line of `cordon applicants screen`>, \"warnings\"}; a batch: {\"reports\": [...], \"clusters\": [...], \"rejected\": [...], \"warnings\": [...]}"),
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
    let (apps, batch) = tokio::task::spawn_blocking(move || {
        let screener = st.0.applicants.screener(&sn)?;
        let batch = screener.screen_batch(&apps);
        Ok::<_, ServiceError>((apps, batch))
    })
    .await
    .map_err(ApiError::internal)??;
    let batch = batch.map_err(ApiError::internal)?;
    // Ids are unique in a batch (the reader refuses duplicates).
    let subjects: std::collections::HashMap<&str, String> = apps
        .iter()
        .map(|a| (a.id.as_str(), applicant_subject_key(a)))
        .collect();
    let audited: Vec<Value> = batch
        .applicants
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "subject": subjects.get(r.id.as_str()), "risk": r.risk, "level": r.level,
                "indicators": r.indicators.iter().map(|i| i.id).collect::<Vec<_>>(),
                "list_hits": r.list_hits.iter().map(|h| json!({"kind": h.kind, "entity": h.entity, "score": h.score})).collect::<Vec<_>>(),
                "cluster": r.cluster,
            })
        })
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
        json!({"applicants": audited, "clusters": batch.clusters.len()}),
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
        json!({"report": to_value(report)?, "warnings": records.warnings, "audit_seq": seq})
    } else {
        json!({
            "reports": to_value(&batch.applicants)?,
            "clusters": to_value(&batch.clusters)?,
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

//! Tracing over HTTP: `GET /exposure/{address}` and `POST /trace` over the transaction graph
//! that `cordon tx ingest` wrote. Both answer with cordon-trace's own report types, so the JSON
//! is the value `cordon exposure --json` and `cordon trace --json` print.
//!
//! The graph is memory-mapped and opened off the request path: at start in the background (a
//! large graph's consistency check reads every column) and again by a reload when its files
//! changed. Requests hold the graph they started with, as they hold their list snapshot.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use cordon_trace::{AccountRule, ExposureQuery, Graph, TraceError, TraceQuery, UtxoRule};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::api::{Caller, audit, body_response, caller, guarded, params, read_json, with_seq};
use crate::engine::kind;
use crate::error::ApiError;
use crate::keys::Role;
use crate::util::now;

/// Largest `max_hops` of an exposure question (each hop multiplies the paths walked).
pub const MAX_EXPOSURE_HOPS: u32 = 10;
/// Largest `top` (paths shown per category) of an exposure question.
pub const MAX_EXPOSURE_TOP: usize = 50;
/// Largest `max_hops` of a trace.
pub const MAX_TRACE_HOPS: u32 = 256;

/// The routes: exposure for the `screen` role (an exchange checks a deposit address), tracing
/// for `analyst` (an investigation, heavier and rarer).
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let screen = Router::new().route("/exposure/{address}", get(exposure));
    let analyst = Router::new().route("/trace", post(trace));
    Router::new()
        .merge(guarded(state, Role::Screen, screen))
        .merge(guarded(state, Role::Analyst, analyst))
}

/// A graph opened for queries, with what identifies its data in the audit trail.
#[derive(Debug)]
pub(crate) struct LoadedGraph {
    graph: Graph,
    stamp: Stamp,
    /// `{"manifest_sha256", "transfers", "addresses", "labels", "loaded_at"}`.
    identity: Value,
}

/// What a graph directory's files look like now: when it differs from the loaded graph's, a
/// reload opens the directory again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Stamp {
    fn of(dir: &Path) -> Stamp {
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
        let mut files = vec![
            real.join("manifest.json"),
            real.join(cordon_trace::UTXO_FILE),
        ];
        let mut labels: Vec<PathBuf> = std::fs::read_dir(real.join("labels"))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        labels.sort();
        files.extend(labels);
        Stamp(
            files
                .into_iter()
                .map(|f| {
                    let m = std::fs::metadata(&f).ok();
                    let len = m.as_ref().map_or(0, std::fs::Metadata::len);
                    let modified = m.and_then(|m| m.modified().ok());
                    (f, len, modified)
                })
                .collect(),
        )
    }
}

/// The transaction graph the service answers from, and how its last load went.
#[derive(Debug)]
pub(crate) struct TxGraphs {
    dir: Option<PathBuf>,
    current: RwLock<Option<Arc<LoadedGraph>>>,
    /// The last load's error: (code, message).
    last_error: RwLock<Option<(&'static str, String)>>,
    loaded_once: std::sync::atomic::AtomicBool,
    /// One load at a time (start-up and reloads may overlap).
    loading: Mutex<()>,
}

impl TxGraphs {
    pub(crate) fn new(dir: Option<PathBuf>) -> TxGraphs {
        TxGraphs {
            dir,
            current: RwLock::new(None),
            last_error: RwLock::new(None),
            loaded_once: std::sync::atomic::AtomicBool::new(false),
            loading: Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Arc<LoadedGraph>> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The graph to answer from, or the error a client gets.
    fn serving(&self) -> Result<Arc<LoadedGraph>, ApiError> {
        if let Some(g) = self.current() {
            return Ok(g);
        }
        if self.dir.is_some() && !self.loaded_once.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(ApiError::unavailable(
                "transactions-loading",
                "the transaction graph is still being opened; retry in a moment",
            ));
        }
        Err(ApiError::unavailable(
            "no-transaction-graph",
            "this service has no transaction graph loaded (an administrator ingests one with \
             `cordon tx ingest` and reloads the service)",
        ))
    }

    /// Opens the graph directory again if its files changed since the last load, and swaps
    /// the new graph in. A failure keeps the last good graph serving. Returns the outcome for
    /// the reload report (`None` when no directory is configured).
    pub(crate) fn refresh(&self) -> Option<Value> {
        let dir = self.dir.as_deref()?;
        let _one = self.loading.lock().unwrap_or_else(|p| p.into_inner());
        let stamp = Stamp::of(dir);
        let current = self.current();
        let outcome = if current.as_ref().is_some_and(|c| c.stamp == stamp) {
            json!({"status": "unchanged"})
        } else if !dir.join("manifest.json").exists() && current.is_none() {
            self.set_error(None);
            tracing::info!(dir = %dir.display(), "no transaction graph; /exposure and /trace answer 503 until one is ingested");
            json!({"status": "absent"})
        } else {
            let started = std::time::Instant::now();
            match load(dir, stamp) {
                Ok(g) => {
                    let identity = g.identity.clone();
                    match self.current.write() {
                        Ok(mut c) => *c = Some(Arc::new(g)),
                        Err(p) => *p.into_inner() = Some(Arc::new(g)),
                    }
                    self.set_error(None);
                    tracing::info!(dir = %dir.display(), ms = started.elapsed().as_millis() as u64, graph = %identity, "transaction graph loaded");
                    json!({"status": "loaded", "graph": identity})
                }
                Err(e) => {
                    let msg = e.to_string();
                    tracing::error!(dir = %dir.display(), code = e.code(), error = %msg, "cannot open the transaction graph; the last good one keeps serving");
                    self.set_error(Some((e.code(), msg.clone())));
                    json!({"status": "failed", "code": e.code(), "error": msg})
                }
            }
        };
        self.loaded_once
            .store(true, std::sync::atomic::Ordering::SeqCst);
        Some(outcome)
    }

    fn set_error(&self, e: Option<(&'static str, String)>) {
        match self.last_error.write() {
            Ok(mut l) => *l = e,
            Err(p) => *p.into_inner() = e,
        }
    }

    /// For `/catalog`: what is loaded and the last error (no server paths).
    pub(crate) fn status(&self) -> Value {
        if self.dir.is_none() {
            return json!({"configured": false});
        }
        let error = self.last_error.read().ok().and_then(|e| e.clone());
        json!({
            "configured": true,
            "loading": !self.loaded_once.load(std::sync::atomic::Ordering::SeqCst),
            "graph": self.current().map(|g| g.identity.clone()),
            "last_error": error.map(|(code, _)| json!({
                "code": code,
                "message": "the transaction graph could not be opened; the last good one (if any) keeps serving; the server log has the cause",
            })),
        })
    }
}

fn load(dir: &Path, stamp: Stamp) -> Result<LoadedGraph, TraceError> {
    let graph = Graph::open(dir, &[])?;
    let manifest = std::fs::read(dir.join("manifest.json")).unwrap_or_default();
    let identity = json!({
        "manifest_sha256": hex::encode(Sha256::digest(&manifest)),
        "transfers": graph.store().len(),
        "addresses": graph.store().num_addresses(),
        "labels": graph.labels().len(),
        "utxo_transactions": graph.utxo().map(|u| u.txs().len()),
        "loaded_at": now(),
    });
    Ok(LoadedGraph {
        graph,
        stamp,
        identity,
    })
}

/// A tracing error as the client sees it; `field` names the input it is about.
fn trace_error(e: TraceError, field: &str) -> ApiError {
    match e {
        TraceError::UnknownAddress(a) => ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-address",
            format!(
                "{field}: {a} does not occur in the transaction graph (what the graph does not hold is unknown, not clean)"
            ),
        ),
        TraceError::BadQuery(m) => ApiError::bad_request("invalid-parameter", m),
        other => ApiError::internal(other),
    }
}

/// Refuses an address whose checksum is wrong (a mistyped address never silently matches);
/// shapes Cordon does not know are left to the graph lookup.
fn check_address(field: &str, address: &str) -> Result<(), ApiError> {
    match cordon_address::parse(address) {
        Err(e) if e.is_checksum() => Err(ApiError::bad_request(
            "invalid-address",
            format!("{field}: {e}"),
        )),
        _ => Ok(()),
    }
}

fn response_digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn exposure_query(raw: Option<&str>) -> Result<ExposureQuery, ApiError> {
    let mut q = ExposureQuery::default();
    for (k, v) in params(raw)? {
        let bad = |what: &str| {
            ApiError::bad_request("invalid-parameter", format!("parameter {k}={v:?}: {what}"))
        };
        match k.as_str() {
            "direction" => q.direction.clone_from(&v),
            "max_hops" => {
                q.max_hops = v
                    .parse()
                    .ok()
                    .filter(|h| (1..=MAX_EXPOSURE_HOPS).contains(h))
                    .ok_or_else(|| bad(&format!("expected 1 to {MAX_EXPOSURE_HOPS}")))?;
            }
            "top" => {
                q.top = v
                    .parse()
                    .ok()
                    .filter(|t| (1..=MAX_EXPOSURE_TOP).contains(t))
                    .ok_or_else(|| bad(&format!("expected 1 to {MAX_EXPOSURE_TOP}")))?;
            }
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-parameter",
                    format!("unknown query parameter {k:?} (expected direction, max_hops, top)"),
                ));
            }
        }
    }
    q.directions().map_err(|e| {
        ApiError::bad_request("invalid-parameter", format!("parameter direction: {e}"))
    })?;
    Ok(q)
}

/// Exposure of an address to attributed categories (sanctioned, DPRK, mixer, bridge, theft…),
/// direct and indirect, along time-respecting paths.
#[utoipa::path(get, path = "/exposure/{address}", tag = "tracing",
    params(("address" = String, Path, description = "the address to assess"),
        ("direction" = Option<String>, Query, description = "received, sent or both (default both)"),
        ("max_hops" = Option<u32>, Query, description = "hop bound, 1 = direct only (default 5, at most 10)"),
        ("top" = Option<usize>, Query, description = "paths shown per category (default 3, at most 50)")),
    responses((status = 200, description = "the exposure report, as `cordon exposure --json` prints it"),
        (status = 400, description = "invalid-address, invalid-parameter, unknown-parameter"),
        (status = 404, description = "unknown-address: the address is not in the transaction graph"),
        (status = 503, description = "no-transaction-graph, transactions-loading")))]
pub(crate) async fn exposure(
    State(state): State<AppState>,
    UrlPath(address): UrlPath<String>,
    RawQuery(raw): RawQuery,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let q = exposure_query(raw.as_deref())?;
    let address = address.trim().to_owned();
    check_address("address", &address)?;
    let loaded = state.0.graphs.serving()?;
    let g = Arc::clone(&loaded);
    let (a, query) = (address.clone(), q.clone());
    let report = tokio::task::spawn_blocking(move || g.graph.exposure(&a, &query))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| trace_error(e, "address"))?;
    let body = serde_json::to_vec(&report).map_err(ApiError::internal)?;
    let results = json!({
        "entries": report.entries.iter().map(|e| json!({
            "category": e.category, "direction": e.direction, "asset": e.asset,
            "direct_base": e.direct_base, "indirect_base": e.indirect_base, "min_hops": e.min_hops,
        })).collect::<Vec<_>>(),
        "truncated": report.truncated,
        "response_sha256": response_digest(&body),
    });
    let seq = audit(
        &state,
        &Default::default(),
        &headers,
        &caller(ext),
        "exposure",
        None,
        json!({"address": address, "params": q, "graph": loaded.identity}),
        results,
    )
    .await?;
    Ok(with_seq(body_response("application/json", body), seq))
}

/// Reads `{"from", "asset"?, "rule"?, "max_hops"?}`, naming the field of every problem.
fn trace_query(v: &Value) -> Result<TraceQuery, ApiError> {
    let obj = v.as_object().ok_or_else(|| {
        ApiError::bad_request(
            "invalid-type",
            format!("the body must be an object, got {}", kind(v)),
        )
    })?;
    let mut q = TraceQuery::default();
    for (k, val) in obj {
        let string = || match val {
            Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            other => Err(ApiError::bad_request(
                "invalid-type",
                format!("{k}: expected a non-empty string, got {}", kind(other)),
            )),
        };
        match k.as_str() {
            "from" => q.from = string()?,
            "asset" if !val.is_null() => q.asset = Some(string()?),
            "rule" if !val.is_null() => q.rule = string()?,
            "max_hops" if !val.is_null() => {
                q.max_hops = val
                    .as_u64()
                    .and_then(|h| u32::try_from(h).ok())
                    .filter(|h| (1..=MAX_TRACE_HOPS).contains(h))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid-type",
                            format!("max_hops: expected a whole number from 1 to {MAX_TRACE_HOPS}"),
                        )
                    })?;
            }
            "asset" | "rule" | "max_hops" => {}
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-field",
                    format!("unknown field {k:?} (expected from, asset, rule, max_hops)"),
                ));
            }
        }
    }
    if q.from.is_empty() {
        return Err(ApiError::bad_request(
            "missing-field",
            "from is required: the theft address (or, on a UTXO graph, the theft transaction id)",
        ));
    }
    Ok(q)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TraceFormat {
    Json,
    Dot,
}

/// What a trace produced: the JSON value or the DOT text, with the audit summary.
struct Traced {
    body: Vec<u8>,
    summary: Value,
}

fn run_trace(g: &Graph, q: &TraceQuery, format: TraceFormat) -> Result<Traced, ApiError> {
    if g.is_utxo_seed(&q.from) {
        q.rule
            .parse::<UtxoRule>()
            .map_err(|e| ApiError::bad_request("invalid-rule", format!("rule: {e}")))?;
        if format == TraceFormat::Dot {
            return Err(ApiError::bad_request(
                "invalid-parameter",
                "format=dot draws account traces; a UTXO trace is answered as JSON",
            ));
        }
        let r = g.trace_utxo(q).map_err(|e| trace_error(e, "from"))?;
        let body = serde_json::to_vec(&r).map_err(ApiError::internal)?;
        let summary = json!({"kind": "utxo", "sinks": r.sinks.len()});
        return Ok(Traced { body, summary });
    }
    check_address("from", &q.from)?;
    q.rule
        .parse::<AccountRule>()
        .map_err(|e| ApiError::bad_request("invalid-rule", format!("rule: {e}")))?;
    let rep = g.trace(q).map_err(|e| match e {
        TraceError::BadQuery(m) => ApiError::bad_request("unknown-asset", format!("asset: {m}")),
        other => trace_error(other, "from"),
    })?;
    let summary = json!({
        "kind": "account",
        "introduced": rep.trace.introduced,
        "sinks": rep.trace.sinks.len(),
        "top_sinks": rep.trace.sinks.iter().take(20).map(|s| json!({
            "kind": s.kind, "address": s.address, "asset": s.asset, "taint_base": s.taint_base.to_string(), "hops": s.hops,
        })).collect::<Vec<_>>(),
    });
    let body = match format {
        TraceFormat::Json => serde_json::to_vec(&rep).map_err(ApiError::internal)?,
        TraceFormat::Dot => g.dot(&rep).into_bytes(),
    };
    Ok(Traced { body, summary })
}

/// Forward trace of stolen value from an address: where it went and where it stopped
/// (exchange deposits, bridges, mixers, still-held balances), with amounts and paths.
#[utoipa::path(post, path = "/trace", tag = "tracing",
    params(("format" = Option<String>, Query, description = "json (default) or dot (Graphviz)")),
    request_body(content_type = "application/json", description = "{\"from\": \"0x…\", \"asset\": \"ETH\", \"rule\": \"haircut\", \"max_hops\": 32}: only `from` is required"),
    responses((status = 200, description = "the trace report, as `cordon trace --json` (or `--dot`) prints it"),
        (status = 400, description = "invalid-json, invalid-type, missing-field, unknown-field, invalid-rule, unknown-asset, invalid-address"),
        (status = 404, description = "unknown-address"),
        (status = 503, description = "no-transaction-graph, transactions-loading")))]
pub(crate) async fn trace(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let mut format = TraceFormat::Json;
    for (k, v) in params(raw.as_deref())? {
        match (k.as_str(), v.as_str()) {
            ("format", "json") => format = TraceFormat::Json,
            ("format", "dot") => format = TraceFormat::Dot,
            ("format", _) => {
                return Err(ApiError::bad_request(
                    "invalid-parameter",
                    format!("parameter format={v:?}: expected json or dot"),
                ));
            }
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-parameter",
                    format!("unknown query parameter {k:?} (expected format)"),
                ));
            }
        }
    }
    let v = read_json(&state, body).await?;
    let q = trace_query(&v)?;
    let loaded = state.0.graphs.serving()?;
    // A trace can read a large part of the graph: they run one or a few at a time so that
    // screening keeps its cores.
    let _permit = state.0.heavy.acquire().await.map_err(ApiError::internal)?;
    let g = Arc::clone(&loaded);
    let query = q.clone();
    let traced = tokio::task::spawn_blocking(move || run_trace(&g.graph, &query, format))
        .await
        .map_err(ApiError::internal)??;
    let mut summary = traced.summary;
    if let Some(o) = summary.as_object_mut() {
        o.insert(
            "response_sha256".into(),
            json!(response_digest(&traced.body)),
        );
    }
    let seq = audit(
        &state,
        &Default::default(),
        &headers,
        &caller(ext),
        "trace",
        None,
        json!({"trace": q, "format": if format == TraceFormat::Dot { "dot" } else { "json" }, "graph": loaded.identity}),
        summary,
    )
    .await?;
    let ct = match format {
        TraceFormat::Json => "application/json",
        TraceFormat::Dot => "text/vnd.graphviz; charset=utf-8",
    };
    Ok(with_seq(body_response(ct, traced.body), seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_parameters_are_checked_by_name() {
        let q = exposure_query(Some("direction=in&max_hops=2&top=1")).unwrap();
        assert_eq!((q.direction.as_str(), q.max_hops, q.top), ("in", 2, 1));
        for (raw, code, needle) in [
            ("max_hops=0", "invalid-parameter", "max_hops"),
            ("max_hops=11", "invalid-parameter", "max_hops"),
            ("top=x", "invalid-parameter", "top"),
            ("direction=sideways", "invalid-parameter", "direction"),
            ("hops=2", "unknown-parameter", "hops"),
        ] {
            let e = exposure_query(Some(raw)).unwrap_err();
            assert_eq!(e.code, code, "{raw}");
            assert!(e.message.contains(needle), "{raw}: {}", e.message);
        }
    }

    #[test]
    fn trace_bodies_are_checked_by_field() {
        let q =
            trace_query(&json!({"from": " 0xab ", "rule": "fifo", "max_hops": 3, "asset": null}))
                .unwrap();
        assert_eq!(
            (q.from.as_str(), q.rule.as_str(), q.max_hops),
            ("0xab", "fifo", 3)
        );
        assert_eq!(q.asset, None);
        for (body, code, needle) in [
            (json!({}), "missing-field", "from"),
            (json!({"from": 5}), "invalid-type", "from"),
            (
                json!({"from": "0xab", "max_hops": -1}),
                "invalid-type",
                "max_hops",
            ),
            (
                json!({"from": "0xab", "max_hops": 1.5}),
                "invalid-type",
                "max_hops",
            ),
            (
                json!({"from": "0xab", "form": "x"}),
                "unknown-field",
                "form",
            ),
            (json!([1]), "invalid-type", "object"),
        ] {
            let e = trace_query(&body).unwrap_err();
            assert_eq!(e.code, code, "{body}");
            assert!(e.message.contains(needle), "{body}: {}", e.message);
        }
    }

    #[test]
    fn a_wrong_checksum_is_refused_before_any_lookup() {
        let e = check_address("address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").unwrap_err();
        assert_eq!(e.code, "invalid-address");
        assert!(check_address("address", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").is_ok());
        assert!(check_address("address", "not-an-address").is_ok());
    }
}

//! The HTTP API: routes, access control, request parsing and the yente-compatible shapes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::OpenApi;

use crate::audit::ListRef;
use crate::decisions::{Decision, Verdict};
use crate::engine::{Filter, Snapshot, SubjectQuery, address_subject_key, kind};
use crate::error::{ApiError, error_response};
use crate::keys::Role;
use crate::monitor;
use crate::review::{Origin, ReviewItem};
use crate::util::now;
use crate::yente::{Answered, QueryResponse, ResultOut, Total};
use crate::{AppState, ServiceError};

/// The caller, set by access control.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    name: String,
    role: Role,
}

const DEFAULT_LIMIT: usize = 5;
const MAX_LIMIT: usize = 500;
const MAX_ADDRESSES: usize = 100;

/// The OpenAPI description, generated from the handlers.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Cordon screening service",
        description = "yente-compatible screening with an audit trail, decisions and re-screening. See docs/service.md."
    ),
    paths(
        match_entities,
        search,
        entity,
        screen_address,
        catalog,
        me,
        healthz,
        readyz,
        metrics_text,
        audit_export,
        post_decision,
        list_decisions,
        post_subjects,
        list_subjects,
        alerts,
        admin_reload,
        admin_rescreen,
        openapi_json,
        crate::funds::exposure,
        crate::funds::trace,
        crate::applicants::screen,
        crate::applicants::link,
        crate::review::list,
        crate::changes::source_changes,
        crate::changes::changes_since
    )
)]
pub struct ApiDoc;

/// Builds the router (tests call it with `tower::ServiceExt::oneshot`, no socket).
pub fn app(state: AppState) -> Router {
    let screen = Router::new()
        .route("/match/{dataset}", post(match_entities))
        .route("/search/{dataset}", get(search))
        .route("/entities/{id}", get(entity))
        .route("/screen/address", post(screen_address))
        .route("/catalog", get(catalog))
        .route("/me", get(me));
    let analyst = Router::new()
        .route("/audit", get(audit_export))
        .route("/decisions", post(post_decision).get(list_decisions))
        .route("/subjects", post(post_subjects).get(list_subjects))
        .route("/alerts", get(alerts));
    let admin = Router::new()
        .route("/admin/reload", post(admin_reload))
        .route("/admin/rescreen", post(admin_rescreen));
    let open = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi_json));
    Router::new()
        .merge(guarded(&state, Role::Screen, screen))
        .merge(guarded(&state, Role::Analyst, analyst))
        .merge(guarded(&state, Role::Admin, admin))
        .merge(crate::funds::routes(&state))
        .merge(crate::applicants::routes(&state))
        .merge(crate::review::routes(&state))
        .merge(crate::changes::routes(&state))
        .merge(open)
        .merge(crate::taxii::routes(&state))
        .merge(cordon_console::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// A route group behind access control: every route needs at least `role`.
pub(crate) fn guarded(state: &AppState, role: Role, routes: Router<AppState>) -> Router<AppState> {
    routes.route_layer(middleware::from_fn_with_state(
        (state.clone(), role),
        authorize,
    ))
}

async fn not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such endpoint (see /openapi.json)",
    )
}

async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this endpoint does not take that method (see /openapi.json)",
    )
}

pub(crate) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_owned)
        .unwrap_or_default()
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Request ids, the request span, the time limit, panics as JSON 500s, and metrics.
async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let mut id = request_id(req.headers());
    if id.is_empty() {
        let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        id = format!("{:x}-{n:x}", std::process::id());
        if let Ok(v) = HeaderValue::from_str(&id) {
            req.headers_mut().insert("x-request-id", v);
        }
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let timeout = state.0.config.timeout;
    // A panic in a handler becomes a JSON 500 instead of a dropped connection.
    let guarded = CatchUnwind(Box::pin(tracing::Instrument::instrument(
        next.run(req),
        span.clone(),
    )));
    let mut resp = match tokio::time::timeout(timeout, guarded).await {
        Ok(Ok(r)) => r,
        Ok(Err(())) => ApiError::internal("a handler panicked").into_response(),
        Err(_) => ApiError::unavailable(
            "timeout",
            format!("the request took longer than {} s", timeout.as_secs_f64()),
        )
        .into_response(),
    };
    if resp.status().is_client_error() && !is_json(resp.headers()) {
        resp = json_rejection(resp).await;
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    let secs = started.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    state.0.metrics.record(&route, status, secs);
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(status, ms = secs * 1e3, "answered");
        } else {
            tracing::debug!(status, ms = secs * 1e3, "answered");
        }
    });
    resp
}

fn is_json(headers: &HeaderMap) -> bool {
    // TAXII answers `application/taxii+json`, its errors included.
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/json") || v.starts_with(crate::taxii::TAXII_MEDIA_BASE)
        })
}

/// An error that axum's extractors answered in plain text (a path segment that is not UTF-8,
/// say), in the service's JSON shape. Their texts name the part of the request at fault.
async fn json_rejection(resp: Response) -> Response {
    let status = resp.status();
    let text = axum::body::to_bytes(resp.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "body-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        _ if text.contains("UTF-8") => "invalid-utf8",
        _ => "invalid-request",
    };
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("bad request")
            .to_owned()
    } else {
        text
    };
    ApiError::new(status, code, message).into_response()
}

/// A request's future with its panics caught, polled in place: no task spawned per request.
struct CatchUnwind<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future<Output = Response>> std::future::Future for CatchUnwind<F> {
    type Output = Result<Response, ()>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let fut = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(std::task::Poll::Ready(r)) => std::task::Poll::Ready(Ok(r)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(_) => std::task::Poll::Ready(Err(())),
        }
    }
}

pub(crate) fn token_of(headers: &HeaderMap) -> Option<&str> {
    if let Some(v) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(v.trim());
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = auth.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey"))
        .then_some(token.trim())
}

async fn authorize(
    State((state, need)): State<(AppState, Role)>,
    mut req: Request,
    next: Next,
) -> Response {
    if !state.0.config.auth {
        req.extensions_mut().insert(Caller {
            name: "anonymous".into(),
            role: Role::Admin,
        });
        return next.run(req).await;
    }
    let Some(token) = token_of(req.headers()) else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "an API key is required (Authorization: Bearer <key>, or X-Api-Key)",
        )
        .into_response();
    };
    let found = state
        .0
        .keys
        .read()
        .ok()
        .and_then(|k| k.authenticate(token).map(|k| (k.name.clone(), k.role)));
    let Some((name, role)) = found else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the API key is not valid or has been revoked",
        )
        .into_response();
    };
    if role < need {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "this needs the {} role; the key {name:?} has {}",
                need.as_str(),
                role.as_str()
            ),
        )
        .into_response();
    }
    req.extensions_mut().insert(Caller { name, role });
    next.run(req).await
}

pub(crate) fn caller(req_ext: Option<axum::Extension<Caller>>) -> String {
    req_ext
        .map(|c| c.0.name)
        .unwrap_or_else(|| "anonymous".into())
}

/// Reads a body of at most `limit` bytes.
pub(crate) async fn read_bytes(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            format!("the request body is larger than {limit} bytes"),
        )
    })
}

/// Reads a body within the limit, as UTF-8 text.
pub(crate) async fn read_text(state: &AppState, body: Body) -> Result<String, ApiError> {
    let bytes = read_bytes(body, state.0.config.max_body).await?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::bad_request(
            "invalid-utf8",
            format!(
                "the request body is not UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

pub(crate) async fn read_json(state: &AppState, body: Body) -> Result<Value, ApiError> {
    let text = read_text(state, body).await?;
    serde_json::from_str(&text).map_err(|e| {
        ApiError::bad_request("invalid-json", format!("the body is not valid JSON: {e}"))
    })
}

/// Parses query parameters (repeated keys allowed).
pub(crate) fn params(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let raw = raw.unwrap_or_default();
    serde_urlencoded_pairs(raw).ok_or_else(|| {
        ApiError::bad_request("invalid-parameter", "the query string cannot be read")
    })
}

pub(crate) fn serde_urlencoded_pairs(raw: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        out.push((percent_decode(k)?, percent_decode(v)?));
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'+' => out.push(b' '),
            b'%' => {
                let h = b.get(i + 1..i + 3)?;
                let h = std::str::from_utf8(h).ok()?;
                out.push(u8::from_str_radix(h, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

struct MatchParams {
    threshold: f64,
    limit: usize,
    filter: Filter,
    echo: Value,
}

fn match_params(
    state: &AppState,
    snap: &Snapshot,
    dataset: &str,
    raw: Option<&str>,
    extra: &[&str],
) -> Result<(MatchParams, Vec<(String, String)>), ApiError> {
    let mut p = MatchParams {
        threshold: state.0.config.threshold,
        limit: DEFAULT_LIMIT,
        filter: Filter::default(),
        echo: json!({}),
    };
    if dataset != "default" && dataset != "all" {
        if !snap.has_source(dataset) {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown-dataset",
                format!(
                    "unknown dataset {dataset:?} (expected default or one of: {})",
                    snap.lists.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        p.filter.datasets = Some(BTreeSet::from([dataset.to_owned()]));
    }
    let pairs = params(raw)?;
    let mut rest = Vec::new();
    let mut echo = serde_json::Map::new();
    for (k, v) in &pairs {
        let bad = |what: &str| {
            ApiError::bad_request("invalid-parameter", format!("parameter {k}={v:?}: {what}"))
        };
        match k.as_str() {
            "threshold" | "cutoff" => {
                let t: f64 = v
                    .parse()
                    .map_err(|_| bad("expected a number from 0 to 1"))?;
                if !(0.0..=1.0).contains(&t) {
                    return Err(bad("expected a number from 0 to 1"));
                }
                p.threshold = t;
            }
            "limit" => {
                let l: usize = v.parse().map_err(|_| bad("expected a whole number"))?;
                if l == 0 || l > MAX_LIMIT {
                    return Err(bad(&format!("expected 1 to {MAX_LIMIT}")));
                }
                p.limit = l;
            }
            "exclude_entity_ids" => {
                p.filter.exclude_ids.extend(
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty()),
                );
            }
            "include_dataset" => {
                if !snap.has_source(v) {
                    return Err(bad("unknown dataset"));
                }
                let set = p.filter.datasets.get_or_insert_with(BTreeSet::new);
                set.insert(v.clone());
            }
            "exclude_dataset" => {
                if !snap.has_source(v) {
                    return Err(bad("unknown dataset"));
                }
                p.filter.exclude_datasets.insert(v.clone());
            }
            "changed_since" => {
                p.filter.changed_since =
                    Some(crate::audit::parse_since(v).map_err(|e| bad(&e.to_string()))?);
            }
            // Accepted for yente compatibility; Cordon has one algorithm and no topics.
            "algorithm" | "topics" | "exclude_schema" => {}
            other if extra.contains(&other) => rest.push((k.clone(), v.clone())),
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-parameter",
                    format!("unknown query parameter {k:?}"),
                ));
            }
        }
        echo.insert(k.clone(), Value::String(v.clone()));
    }
    p.echo = Value::Object(echo);
    Ok((p, rest))
}

/// Screens one query with the decisions in effect.
fn answer(state: &AppState, snap: &Snapshot, q: &SubjectQuery, p: &MatchParams) -> Answered {
    let decisions = state.0.decisions.read().ok();
    Answered::screen(
        snap,
        decisions.as_deref(),
        q,
        p.threshold,
        p.limit,
        &p.filter,
    )
}

/// Appends a request's record to the audit trail and waits until it is on disk (group
/// commit); returns its `seq`. `query` and `results` are serialised as they are, once.
// The audit record's fields, named at each call site; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit<Q: Serialize, R: Serialize>(
    state: &AppState,
    lists: &BTreeMap<String, ListRef>,
    headers: &HeaderMap,
    key: &str,
    endpoint: &str,
    dataset: Option<&str>,
    query: Q,
    results: R,
) -> Result<u64, ApiError> {
    let payload = crate::audit::entry_payload(&crate::audit::NewEntry {
        time: now(),
        request_id: &request_id(headers),
        key,
        endpoint,
        dataset,
        lists,
        query,
        results,
    })
    .map_err(ApiError::internal)?;
    state
        .0
        .audit
        .append_payload(payload)
        .await
        .map_err(ApiError::from)
}

/// Queues a screening's new hits for review and waits until they are on disk: like its audit
/// record, they are written before the screening is answered.
pub(crate) async fn open_review(state: &AppState, items: Vec<ReviewItem>) -> Result<(), ApiError> {
    state.0.review.open_items(items).await.map_err(|e| {
        tracing::error!(error = %e, "review queue not writable");
        ApiError::unavailable(
            "review-unavailable",
            "the review queue cannot be written, so no screening is answered",
        )
    })
}

pub(crate) fn with_seq(mut resp: Response, seq: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&seq.to_string()) {
        resp.headers_mut().insert("x-audit-seq", v);
    }
    resp
}

pub(crate) fn json_response(status: StatusCode, v: &Value) -> Response {
    (status, axum::Json(v)).into_response()
}

/// A 200 whose body is already serialised.
pub(crate) fn body_response(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A 200 JSON answer serialised straight from `body`, with its audit `seq`.
fn serialized_response(body: &impl Serialize, seq: u64) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    Ok(with_seq(body_response("application/json", bytes), seq))
}

/// Screens up to 100 entity queries (yente's request and response shapes).
#[utoipa::path(post, path = "/match/{dataset}", tag = "screening",
    params(("dataset" = String, Path, description = "`default` (all lists) or a source id"),
        ("threshold" = Option<f64>, Query, description = "score at or above which `match` is true (0.70)"),
        ("limit" = Option<usize>, Query, description = "results per query (5, at most 500)"),
        ("exclude_entity_ids" = Option<String>, Query, description = "entity ids never returned"),
        ("include_dataset" = Option<String>, Query, description = "only these sources"),
        ("exclude_dataset" = Option<String>, Query, description = "not these sources"),
        ("changed_since" = Option<String>, Query, description = "only entries of list versions loaded since")),
    request_body(content_type = "application/json", description = "{\"queries\": {\"q1\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"...\"]}}}}"),
    responses((status = 200, description = "{\"responses\": {\"q1\": {\"status\", \"results\", \"total\", \"query\"}}}"),
        (status = 400, description = "bad request (error code in the body)"), (status = 401, description = "no valid key")))]
async fn match_entities(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let snap = state.snapshot();
    let (p, _) = match_params(&state, &snap, &dataset, raw.as_deref(), &[])?;
    let v = read_json(&state, body).await?;
    let obj = v.as_object().ok_or_else(|| {
        ApiError::bad_request(
            "invalid-type",
            format!("the body must be an object, got {}", kind(&v)),
        )
    })?;
    for k in obj.keys() {
        if !matches!(k.as_str(), "queries" | "weights" | "config") {
            return Err(ApiError::bad_request(
                "unknown-field",
                format!("unknown field {k:?} (expected queries, weights, config)"),
            ));
        }
    }
    let queries = match obj.get("queries") {
        Some(Value::Object(q)) => q,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid-type",
                format!(
                    "queries: expected an object of named queries, got {}",
                    kind(other)
                ),
            ));
        }
        None => {
            return Err(ApiError::bad_request(
                "missing-field",
                "queries is required",
            ));
        }
    };
    if queries.len() > state.0.config.max_batch {
        return Err(ApiError::bad_request(
            "too-many-queries",
            format!(
                "{} queries in one request; at most {} are accepted",
                queries.len(),
                state.0.config.max_batch
            ),
        ));
    }
    let mut parsed = Vec::with_capacity(queries.len());
    for (name, q) in queries {
        let sq = SubjectQuery::from_json(q, &format!("queries.{name}"))
            .map_err(|(code, msg)| ApiError::bad_request(code, msg))?;
        parsed.push((name.clone(), sq));
    }
    let limit = p.limit;
    let (parsed, answered): (Vec<(String, SubjectQuery)>, Vec<Answered>) = if parsed.len() <= 1 {
        let answered = parsed
            .iter()
            .map(|(_, q)| answer(&state, &snap, q, &p))
            .collect();
        (parsed, answered)
    } else {
        let st = state.clone();
        let sn = snap.clone();
        tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            let answered = parsed
                .par_iter()
                .map(|(_, q)| answer(&st, &sn, q, &p))
                .collect();
            (parsed, answered)
        })
        .await
        .map_err(ApiError::internal)?
    };
    #[derive(Serialize)]
    struct Query<'a> {
        params: &'a str,
        queries: &'a serde_json::Map<String, Value>,
    }
    let audited: BTreeMap<&str, _> = parsed
        .iter()
        .zip(&answered)
        .map(|((n, _), a)| (n.as_str(), a.audited()))
        .collect();
    let key = caller(ext);
    let seq = audit(
        &state,
        &snap.lists,
        &headers,
        &key,
        "match",
        Some(&dataset),
        Query {
            params: raw.as_deref().unwrap_or_default(),
            queries,
        },
        audited,
    )
    .await?;
    let review = parsed.iter().zip(&answered).flat_map(|((_, q), a)| {
        a.to_review()
            .filter(|h| !state.0.review.is_open(a.subject(), &h.result.id))
            .map(|h| ReviewItem::new(h, a.subject(), q, Origin::Screening, &key, Some(seq)))
    });
    open_review(&state, review.collect()).await?;
    #[derive(Serialize)]
    struct Body<'a> {
        responses: BTreeMap<&'a str, QueryResponse<'a>>,
        limit: usize,
        audit_seq: u64,
    }
    let responses = parsed
        .iter()
        .zip(&answered)
        .map(|((n, q), a)| (n.as_str(), a.response(&snap, q)))
        .collect();
    serialized_response(
        &Body {
            responses,
            limit,
            audit_seq: seq,
        },
        seq,
    )
}

/// Text search by name.
#[utoipa::path(get, path = "/search/{dataset}", tag = "screening",
    params(("dataset" = String, Path, description = "`default` or a source id"), ("q" = String, Query, description = "the name"),
        ("schema" = Option<String>, Query, description = "Person, Organization…"), ("limit" = Option<usize>, Query, description = "results (5)")),
    responses((status = 200, description = "{\"results\": [...], \"total\": {...}}")))]
async fn search(
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snap = state.snapshot();
    let (mut p, rest) = match_params(&state, &snap, &dataset, raw.as_deref(), &["q", "schema"])?;
    let mut q = None;
    let mut schema = "Thing".to_owned();
    for (k, v) in rest {
        match k.as_str() {
            "q" => q = Some(v),
            _ => schema = v,
        }
    }
    let q = q.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
        ApiError::bad_request("missing-parameter", "the q parameter (a name) is required")
    })?;
    p.threshold = p.threshold.min(1.0);
    let sq = SubjectQuery::from_json(
        &json!({"schema": schema, "properties": {"name": [q]}}),
        "query",
    )
    .map_err(|(code, msg)| ApiError::bad_request(code, msg))?;
    let a = answer(&state, &snap, &sq, &p);
    let key = caller(ext);
    let seq = audit(
        &state,
        &snap.lists,
        &headers,
        &key,
        "search",
        Some(&dataset),
        json!({"params": raw.unwrap_or_default()}),
        BTreeMap::from([("q", a.audited())]),
    )
    .await?;
    #[derive(Serialize)]
    struct Body<'a> {
        results: Vec<ResultOut<'a>>,
        total: Total,
        limit: usize,
        offset: usize,
        subject: &'a str,
        audit_seq: u64,
    }
    let results = a.results(&snap);
    serialized_response(
        &Body {
            total: Total::of(results.len()),
            results,
            limit: p.limit,
            offset: 0,
            subject: a.subject(),
            audit_seq: seq,
        },
        seq,
    )
}

/// One entity (FtM JSON).
#[utoipa::path(get, path = "/entities/{id}", tag = "screening",
    params(("id" = String, Path, description = "entity id")),
    responses((status = 200, description = "the entity"), (status = 404, description = "no such entity")))]
async fn entity(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let snap = state.snapshot();
    let e = snap
        .entity(&id)
        .ok_or_else(|| ApiError::not_found(format!("no entity {id:?} in the current lists")))?;
    let mut v = serde_json::to_value(e).map_err(ApiError::internal)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("entity_hash".into(), json!(snap.entity_hash(&id)));
    }
    Ok(json_response(StatusCode::OK, &v))
}

/// Screens crypto addresses against list wallets (exact match).
#[utoipa::path(post, path = "/screen/address", tag = "screening",
    request_body(content_type = "application/json", description = "{\"address\": \"...\"} or {\"addresses\": [...]} (at most 100)"),
    responses((status = 200, description = "{\"results\": [screening per address]}")))]
async fn screen_address(
    State(state): State<AppState>,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let snap = state.snapshot();
    let v = read_json(&state, body).await?;
    let mut inputs: Vec<String> = Vec::new();
    match (v.get("address"), v.get("addresses")) {
        (Some(Value::String(a)), None) => inputs.push(a.clone()),
        (None, Some(Value::Array(xs))) => {
            for (i, x) in xs.iter().enumerate() {
                match x {
                    Value::String(s) => inputs.push(s.clone()),
                    other => {
                        return Err(ApiError::bad_request(
                            "invalid-type",
                            format!("addresses[{i}]: expected a string, got {}", kind(other)),
                        ));
                    }
                }
            }
        }
        _ => {
            return Err(ApiError::bad_request(
                "invalid-request",
                "expected {\"address\": \"...\"} or {\"addresses\": [\"...\"]}",
            ));
        }
    }
    if inputs.len() > MAX_ADDRESSES {
        return Err(ApiError::bad_request(
            "too-many-queries",
            format!(
                "{} addresses; at most {MAX_ADDRESSES} are accepted",
                inputs.len()
            ),
        ));
    }
    let screenings: Vec<_> = inputs.iter().map(|a| snap.screen_address(a)).collect();
    // Each valid address gets its subject key, as a `/match` query does, for decisions and
    // `/audit?subject=`.
    let results: Vec<Value> = screenings
        .iter()
        .map(|s| {
            let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
            if let (Some(o), Some(key)) = (v.as_object_mut(), address_subject_key(s)) {
                o.insert("subject".into(), Value::String(key));
            }
            v
        })
        .collect();
    let brief: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut b = json!({"input": r.get("input"), "status": r.get("status")});
            if let (Some(o), Some(key)) = (b.as_object_mut(), r.get("subject")) {
                o.insert("subject".into(), key.clone());
            }
            b
        })
        .collect();
    let key = caller(ext);
    let seq = audit(
        &state,
        &snap.lists,
        &headers,
        &key,
        "address",
        None,
        json!({"addresses": inputs}),
        Value::Array(brief),
    )
    .await?;
    let review: Vec<ReviewItem> = {
        let decisions = state.0.decisions.read().ok();
        screenings
            .iter()
            .filter_map(|s| snap.listed_wallet(s))
            .flat_map(|w| crate::review::wallet_items(&snap, &w, decisions.as_deref(), &key, seq))
            .collect()
    };
    open_review(&state, review).await?;
    Ok(with_seq(
        json_response(
            StatusCode::OK,
            &json!({"results": results, "audit_seq": seq}),
        ),
        seq,
    ))
}

/// The lists: versions, publication dates, counts, last success and last error.
#[utoipa::path(get, path = "/catalog", tag = "lists", responses((status = 200, description = "{\"datasets\": [...], \"snapshot\": {...}, \"last_reload\": {...}}")))]
async fn catalog(State(state): State<AppState>) -> Response {
    let snap = state.snapshot();
    let states = state.0.states.read().map(|s| s.clone()).unwrap_or_default();
    let mut datasets = Vec::new();
    let mut seen = BTreeSet::new();
    for s in &snap.sources {
        seen.insert(s.source.clone());
        let st = states.get(&s.source);
        datasets.push(json!({
            "name": s.source,
            "title": s.title,
            "version": s.version,
            "content_hash": s.content_hash,
            "format": s.format,
            "publication_date": s.publication_date,
            "ingested_at": s.ingested_at,
            "entity_count": s.entity_count,
            "schema_counts": s.schema_counts,
            "files": s.files,
            "warning_count": s.warning_count,
            "latest_version": st.map(|x| x.latest),
            "last_success": st.and_then(|x| x.last_success.clone()),
            "last_error": st.and_then(|x| x.last_error.as_ref()).map(|e| json!({"at": e.at, "code": e.code, "message": e.message})),
        }));
    }
    for (name, st) in &states {
        if !seen.contains(name) {
            datasets.push(json!({
                "name": name,
                "version": null,
                "last_success": st.last_success,
                "last_error": st.last_error.as_ref().map(|e| json!({"at": e.at, "code": e.code, "message": e.message})),
            }));
        }
    }
    let last_reload = state.0.last_reload.read().ok().and_then(|l| l.clone());
    json_response(
        StatusCode::OK,
        &json!({
            "datasets": datasets,
            "snapshot": {"generation": snap.generation, "built_at": snap.built_at, "entities": snap.len()},
            "last_reload": last_reload,
            "transactions": state.0.graphs.status(),
            "applicant_accounts": state.0.applicants.accounts_status(),
        }),
    )
}

/// The caller: its key's name and role (the console decides what to show from it).
#[utoipa::path(get, path = "/me", tag = "access", responses((status = 200, description = "{\"name\": \"...\", \"role\": \"screen|analyst|admin\", \"auth\": true}"), (status = 401, description = "no valid key")))]
async fn me(State(state): State<AppState>, ext: Option<axum::Extension<Caller>>) -> Response {
    let (name, role) = ext.map_or(("anonymous".into(), Role::Admin), |c| (c.0.name, c.0.role));
    json_response(
        StatusCode::OK,
        &json!({"name": name, "role": role.as_str(), "auth": state.0.config.auth}),
    )
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, description = "{\"status\": \"ok\"}")))]
async fn healthz() -> Response {
    json_response(StatusCode::OK, &json!({"status": "ok"}))
}

/// Readiness: lists loaded and the audit trail writable.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, description = "ready"), (status = 503, description = "not ready")))]
async fn readyz(State(state): State<AppState>) -> Response {
    if let Some(f) = state.0.audit.failure() {
        tracing::error!(error = %f, "not ready: audit trail");
        return ApiError::unavailable("audit-unavailable", "the audit trail cannot be written")
            .into_response();
    }
    let snap = state.snapshot();
    json_response(
        StatusCode::OK,
        &json!({"status": "ready", "entities": snap.len(), "generation": snap.generation,
            "prepared": state.is_prepared()}),
    )
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, description = "Prometheus text format")))]
async fn metrics_text(State(state): State<AppState>) -> Response {
    let snap = state.snapshot();
    let (records, groups) = state.0.audit.counts();
    let text = state.0.metrics.render(&[
        (
            "cordon_entities",
            "Entities in the snapshot serving now.",
            snap.len() as f64,
        ),
        (
            "cordon_snapshot_generation",
            "Snapshots swapped in since start.",
            snap.generation as f64,
        ),
        (
            "cordon_audit_records_written",
            "Audit records written since start.",
            records as f64,
        ),
        (
            "cordon_audit_fsync_groups",
            "fsyncs of the audit trail since start.",
            groups as f64,
        ),
    ]);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        text,
    )
        .into_response()
}

/// The audit trail, verified, as JSON lines or CSV.
#[utoipa::path(get, path = "/audit", tag = "audit",
    params(("since" = Option<String>, Query, description = "records at or after this time"), ("subject" = Option<String>, Query, description = "records about this subject key: its screenings, registration and decisions"), ("format" = Option<String>, Query, description = "jsonl (default) or csv")),
    responses((status = 200, description = "the records"), (status = 409, description = "the chain does not verify")))]
async fn audit_export(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut filter = crate::ExportFilter::default();
    let mut format = crate::ExportFormat::Jsonl;
    for (k, v) in params(raw.as_deref())? {
        match k.as_str() {
            "since" => filter.since = Some(crate::audit::parse_since(&v).map_err(ApiError::from)?),
            "subject" => {
                if v.trim().is_empty() {
                    return Err(ApiError::bad_request(
                        "invalid-parameter",
                        "subject: expected a subject key",
                    ));
                }
                filter.subject = Some(v.trim().to_owned());
            }
            "format" => {
                format = match v.as_str() {
                    "jsonl" => crate::ExportFormat::Jsonl,
                    "csv" => crate::ExportFormat::Csv,
                    _ => {
                        return Err(ApiError::bad_request(
                            "invalid-parameter",
                            "format is jsonl or csv",
                        ));
                    }
                }
            }
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-parameter",
                    format!("unknown query parameter {k:?}"),
                ));
            }
        }
    }
    let path = state.0.dir.audit();
    let out = tokio::task::spawn_blocking(move || {
        let mut buf = Vec::new();
        crate::audit::export(&path, &filter, format, &mut buf).map(|v| (buf, v))
    })
    .await
    .map_err(ApiError::internal)?;
    match out {
        Ok((buf, v)) => {
            let ct = match format {
                crate::ExportFormat::Jsonl => "application/x-ndjson",
                crate::ExportFormat::Csv => "text/csv",
            };
            let mut resp = (StatusCode::OK, [(header::CONTENT_TYPE, ct)], buf).into_response();
            if let Ok(h) = HeaderValue::from_str(&v.head) {
                resp.headers_mut().insert("x-audit-head", h);
            }
            Ok(resp)
        }
        Err(ServiceError::AuditTampered { line, message, .. }) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "audit-tampered",
            format!("the audit trail does not verify at line {line}: {message}"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Records a decision on a hit.
#[utoipa::path(post, path = "/decisions", tag = "decisions",
    request_body(content_type = "application/json", description = "{\"subject\": \"<key from a response>\", \"entity_id\": \"...\", \"verdict\": \"true_match|false_positive\", \"note\": \"...\"}"),
    responses((status = 201, description = "the decision")))]
async fn post_decision(
    State(state): State<AppState>,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let v = read_json(&state, body).await?;
    let field = |k: &str| -> Result<String, ApiError> {
        match v.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            Some(other) => Err(ApiError::bad_request(
                "invalid-type",
                format!("{k}: expected a non-empty string, got {}", kind(other)),
            )),
            None => Err(ApiError::bad_request(
                "missing-field",
                format!("{k} is required"),
            )),
        }
    };
    let subject = field("subject")?;
    let entity_id = field("entity_id")?;
    let verdict: Verdict = field("verdict")?
        .parse()
        .map_err(|e: ServiceError| ApiError::bad_request("invalid-verdict", e.to_string()))?;
    let note = match v.get("note") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid-type",
                format!("note: expected a string, got {}", kind(other)),
            ));
        }
    };
    let snap = state.snapshot();
    let entity_hash = snap
        .entity_hash(&entity_id)
        .ok_or_else(|| {
            ApiError::not_found(format!("no entity {entity_id:?} in the current lists"))
        })?
        .to_owned();
    let mut d = Decision {
        time: now(),
        subject,
        entity_id,
        verdict,
        note,
        by: caller(ext),
        entity_hash,
        audit_seq: None,
    };
    // Who decided what is in the audit trail before the decision takes effect or is answered.
    let payload = d
        .audit_payload(&request_id(&headers), &snap.lists)
        .map_err(ApiError::from)?;
    let seq = state
        .0
        .audit
        .append_payload(payload)
        .await
        .map_err(ApiError::from)?;
    d.audit_seq = Some(seq);
    let path = state.0.dir.decisions();
    let rec = d.clone();
    tokio::task::spawn_blocking(move || crate::Decisions::record(&path, &rec))
        .await
        .map_err(ApiError::internal)??;
    if let Ok(mut ds) = state.0.decisions.write() {
        ds.refresh(&state.0.dir.decisions())
            .map_err(ApiError::from)?;
    }
    state.0.review.close_by(&d).await;
    Ok(with_seq(json_response(StatusCode::CREATED, &json!(d)), seq))
}

/// Decisions on a subject.
#[utoipa::path(get, path = "/decisions", tag = "decisions", params(("subject" = String, Query, description = "subject key")), responses((status = 200, description = "{\"decisions\": [...]}")))]
async fn list_decisions(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let subject = params(raw.as_deref())?
        .into_iter()
        .find(|(k, _)| k == "subject")
        .map(|(_, v)| v)
        .ok_or_else(|| {
            ApiError::bad_request("missing-parameter", "the subject parameter is required")
        })?;
    let ds: Vec<Decision> = state
        .0
        .decisions
        .read()
        .map(|d| d.of_subject(&subject).into_iter().cloned().collect())
        .unwrap_or_default();
    Ok(json_response(StatusCode::OK, &json!({"decisions": ds})))
}

/// Registers subjects for monitoring (JSON lines, or CSV with `Content-Type: text/csv`).
#[utoipa::path(post, path = "/subjects", tag = "monitoring",
    request_body(content_type = "application/x-ndjson", description = "one {\"id\", \"schema\", \"properties\"} per line; or CSV: id,schema,name,birthDate,..."),
    responses((status = 201, description = "{\"registered\": n, \"subjects\": [{\"id\", \"hits\"}]}")))]
async fn post_subjects(
    State(state): State<AppState>,
    ext: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("csv"));
    let text = read_text(&state, body).await?;
    let by = caller(ext);
    let subjects = monitor::parse_subjects(&text, is_csv, &by)?;
    if subjects.is_empty() {
        return Err(ApiError::bad_request(
            "empty-input",
            "no subjects in the body",
        ));
    }
    let st = state.clone();
    let snap = state.snapshot();
    let (sn, subs) = (snap.clone(), subjects.clone());
    let (hits, review) = tokio::task::spawn_blocking(move || {
        monitor::register(st.dir(), &subs)?;
        let decisions = st.0.decisions.read().ok();
        let mut out = Vec::with_capacity(subs.len());
        let mut baselines = Vec::with_capacity(subs.len());
        let mut review = Vec::new();
        for s in &subs {
            let q = s.query()?;
            let key = q.subject_key();
            let hits =
                monitor::monitored_hits(&sn, &q, decisions.as_deref(), st.config().threshold);
            let brief: Vec<Value> = hits
                .iter()
                .map(|h| {
                    json!({"id": h.result.id, "caption": h.result.caption, "score": h.result.score,
                        "match": h.result.is_match, "entity_hash": h.entity_hash})
                })
                .collect();
            out.push(json!({"id": s.id, "subject": key, "hits": brief}));
            for h in crate::review::uncovered(&hits, &key, decisions.as_deref()) {
                review.push((s.id.clone(), key.clone(), q.clone(), h.clone()));
            }
            baselines.push((s.id.clone(), hits));
        }
        monitor::record_baseline(st.dir(), &sn, &baselines)?;
        Ok::<_, ServiceError>((out, review))
    })
    .await
    .map_err(ApiError::internal)??;
    let seq = audit(
        &state,
        &snap.lists,
        &headers,
        &by,
        "subjects",
        None,
        json!({"subjects": subjects.iter().map(|s| json!({"id": s.id, "schema": s.schema, "properties": s.properties})).collect::<Vec<_>>()}),
        json!(hits),
    )
    .await?;
    let review = review
        .into_iter()
        .map(|(id, key, q, h)| {
            let mut item = ReviewItem::new(&h, &key, &q, Origin::Registration, &by, Some(seq));
            item.monitored = Some(id);
            item
        })
        .collect();
    open_review(&state, review).await?;
    Ok(with_seq(
        json_response(
            StatusCode::CREATED,
            &json!({"registered": subjects.len(), "subjects": hits, "audit_seq": seq}),
        ),
        seq,
    ))
}

/// The registered subjects.
#[utoipa::path(get, path = "/subjects", tag = "monitoring", responses((status = 200, description = "{\"subjects\": [...]}")))]
async fn list_subjects(State(state): State<AppState>) -> Result<Response, ApiError> {
    let path = state.0.dir.subjects();
    let subs = tokio::task::spawn_blocking(move || monitor::load_subjects(&path))
        .await
        .map_err(ApiError::internal)??;
    let v: Vec<&monitor::Subject> = subs.values().collect();
    Ok(json_response(StatusCode::OK, &json!({"subjects": v})))
}

/// New and vanished hits found by re-screening.
#[utoipa::path(get, path = "/alerts", tag = "monitoring", params(("since" = Option<String>, Query, description = "alerts at or after this time")), responses((status = 200, description = "{\"alerts\": [...]}")))]
async fn alerts(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut since = None;
    for (k, v) in params(raw.as_deref())? {
        match k.as_str() {
            "since" => since = Some(crate::audit::parse_since(&v).map_err(ApiError::from)?),
            _ => {
                return Err(ApiError::bad_request(
                    "unknown-parameter",
                    format!("unknown query parameter {k:?}"),
                ));
            }
        }
    }
    let path = state.0.dir.alerts();
    let list = tokio::task::spawn_blocking(move || monitor::load_alerts(&path, since))
        .await
        .map_err(ApiError::internal)??;
    Ok(json_response(StatusCode::OK, &json!({"alerts": list})))
}

/// Re-ingests the list directory and swaps in the new version (no downtime).
#[utoipa::path(post, path = "/admin/reload", tag = "admin", responses((status = 200, description = "the update report"), (status = 500, description = "the update failed; the last good version keeps serving")))]
async fn admin_reload(State(state): State<AppState>) -> Response {
    let r = state.reload().await;
    let status = if r.error.is_some() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    let mut v = json!(r);
    if r.error.is_some()
        && let Some(o) = v.as_object_mut()
    {
        o.insert(
            "error".into(),
            json!({"code": "reload-failed", "message": r.error}),
        );
    }
    json_response(status, &v)
}

/// Re-screens monitored subjects against the lists serving now.
#[utoipa::path(post, path = "/admin/rescreen", tag = "admin", responses((status = 200, description = "the re-screen report")))]
async fn admin_rescreen(State(state): State<AppState>) -> Result<Response, ApiError> {
    let st = state.clone();
    let r = tokio::task::spawn_blocking(move || st.rescreen_blocking(None))
        .await
        .map_err(ApiError::internal)??;
    Ok(json_response(StatusCode::OK, &json!(r)))
}

/// This API's OpenAPI description.
#[utoipa::path(get, path = "/openapi.json", tag = "ops", responses((status = 200, description = "OpenAPI 3.1")))]
async fn openapi_json() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(s) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            s,
        )
            .into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_is_caught_and_a_good_one_answers() {
        let bad = CatchUnwind(Box::pin(async {
            if std::hint::black_box(true) {
                panic!("a bug in a handler");
            }
            StatusCode::OK.into_response()
        }));
        assert!(bad.await.is_err());
        let good = CatchUnwind(Box::pin(async { StatusCode::OK.into_response() }));
        assert_eq!(good.await.unwrap().status(), StatusCode::OK);
    }
}

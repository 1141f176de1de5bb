//! TAXII 2.1 over the service: discovery (`/taxii2/`), one API root (`/taxii2/cordon/`) and
//! two read-only collections, behind the service's API keys (any role: `share` keys, for
//! partner organisations, read only these; Bearer, `X-Api-Key`, or HTTP Basic with the key as
//! password).
//!
//! - `dprk-lists`: the DPRK-linked entries of the lists the service screens against, with their
//!   e-mail, website and wallet indicators (what `cordon stix export --what lists` writes).
//!   Bundles imported from other producers are not re-shared.
//! - `findings`: the findings files in the service directory's `findings/` folder (applicant
//!   clusters and reports, traces), as `cordon stix export --what findings` writes them.
//!
//! Each collection is rebuilt when the lists are reloaded or a findings file changes, and kept
//! as an append-only log of versions ([`collection::Collection`]), so `added_after` gives a
//! client exactly what changed, delistings included (as revoked objects). Errors use TAXII's
//! error message shape; every object read is recorded in the audit trail.

mod collection;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use cordon_stix::time::parse_time;
use cordon_stix::{BundleBuilder, ExportOptions, Tlp};
use serde_json::{Value, json};

use self::collection::{Collection, Entry, Filter, PLACEHOLDER_TIME, VersionSel};
use crate::audit::AuditEntry;
use crate::util::now;
use crate::{AppState, ServiceError};

/// The TAXII media type of every response.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// [`TAXII_MEDIA_TYPE`] without its version parameter.
pub(crate) const TAXII_MEDIA_BASE: &str = "application/taxii+json";
/// The media type of the objects the collections hold.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// The one API root.
pub const API_ROOT: &str = "/taxii2/cordon/";
/// Objects per page when the client gives no `limit`.
const DEFAULT_LIMIT: usize = 100;
/// The most objects per page.
pub const MAX_LIMIT: usize = 1000;

/// A collection's description (TAXII collection resource).
#[derive(Debug, Clone, Copy)]
struct Info {
    id: &'static str,
    alias: &'static str,
    title: &'static str,
    description: &'static str,
}

const LISTS: Info = Info {
    id: "bf843750-965c-5526-a60f-083dd800ce7d",
    alias: "dprk-lists",
    title: "DPRK-linked sanctions list entries",
    description: "Designated persons, organisations and their wallets, e-mail addresses and websites, from the lists this service screens against (bundles imported from other producers excluded).",
};
const FINDINGS: Info = Info {
    id: "561dd065-73d1-527e-a596-2bffbedb4cdc",
    alias: "findings",
    title: "Findings",
    description: "Applicant clusters and reports, and traced destinations of stolen funds, as sightings, indicators and groupings.",
};
const COLLECTIONS: [Info; 2] = [LISTS, FINDINGS];

/// What the collections were last built from: the snapshot generation and the findings files.
type SyncKey = (u64, Vec<(String, u64, i128)>);

/// The collections and what they were built from.
#[derive(Debug, Default)]
pub(crate) struct TaxiiState {
    data: tokio::sync::Mutex<Data>,
}

#[derive(Debug, Default)]
struct Data {
    synced: Option<SyncKey>,
    lists: Option<Collection>,
    findings: Option<Collection>,
}

/// TAXII settings.
#[derive(Debug, Clone)]
pub struct TaxiiConfig {
    /// The producing organisation named in every object (`created_by_ref`).
    pub producer: String,
    /// The TLP 2.0 marking of every object served.
    pub tlp: Tlp,
}

impl Default for TaxiiConfig {
    fn default() -> Self {
        TaxiiConfig {
            producer: "Cordon".to_owned(),
            tlp: Tlp::Amber,
        }
    }
}

/// The TAXII routes, merged into the service's router.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let objects = "/taxii2/cordon/collections/{collection}/objects/";
    Router::new()
        .route("/taxii2/", get(discovery))
        .route(API_ROOT, get(api_root))
        .route("/taxii2/cordon/collections/", get(collections))
        .route(
            "/taxii2/cordon/collections/{collection}/",
            get(one_collection),
        )
        .route(objects, get(get_objects).post(read_only))
        .route(
            "/taxii2/cordon/collections/{collection}/objects/{object}/",
            get(get_object).delete(read_only),
        )
        .route(
            "/taxii2/cordon/collections/{collection}/objects/{object}/versions/",
            get(get_versions),
        )
        .route(
            "/taxii2/cordon/collections/{collection}/manifest/",
            get(get_manifest),
        )
        .route("/taxii2/cordon/status/{status}/", get(no_status))
        .route("/taxii2/{*rest}", get(not_found).post(not_found))
        .route_layer(middleware::from_fn_with_state(state.clone(), authorize))
}

/// A TAXII error message resource.
fn error(status: StatusCode, title: &str, description: impl Into<String>) -> Response {
    let body = json!({
        "title": title,
        "description": description.into(),
        "http_status": status.as_u16().to_string(),
    });
    let mut r = taxii_json(&body);
    *r.status_mut() = status;
    r
}

fn taxii_json(v: &Value) -> Response {
    let mut r = (StatusCode::OK, serde_json::to_vec(v).unwrap_or_default()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TAXII_MEDIA_TYPE),
    );
    r
}

/// The caller's key name, for the audit trail.
#[derive(Debug, Clone)]
struct Caller(String);

/// API keys as the rest of the service takes them, plus HTTP Basic (TAXII's baseline) with the
/// key as the password (or as the user name when the password is empty).
fn credentials(headers: &HeaderMap) -> Option<String> {
    if let Some(t) = crate::api::token_of(headers) {
        return Some(t.to_owned());
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = auth.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, pass) = text.split_once(':').unwrap_or((&text, ""));
    Some(if pass.is_empty() { user } else { pass }.to_owned())
}

async fn authorize(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(resp) = unacceptable(req.headers()) {
        return resp;
    }
    if !state.0.config.auth {
        req.extensions_mut().insert(Caller("anonymous".into()));
        return next.run(req).await;
    }
    let unauthorized = |why: &str| {
        let mut r = error(StatusCode::UNAUTHORIZED, "Unauthorized", why);
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Cordon TAXII\", charset=\"UTF-8\""),
        );
        r
    };
    let Some(token) = credentials(req.headers()) else {
        return unauthorized(
            "an API key is required: HTTP Basic with the key as password, Authorization: Bearer <key>, or X-Api-Key",
        );
    };
    // Every role may read the collections (`share` is the lowest).
    let name = state
        .0
        .keys
        .read()
        .ok()
        .and_then(|k| k.authenticate(&token).map(|k| k.name.clone()));
    let Some(name) = name else {
        return unauthorized("the API key is not valid or has been revoked");
    };
    req.extensions_mut().insert(Caller(name));
    next.run(req).await
}

/// 406 when the client accepts neither TAXII JSON nor anything.
fn unacceptable(headers: &HeaderMap) -> Option<Response> {
    let accept = headers
        .get(header::ACCEPT)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let ok = accept.split(',').any(|part| {
        let media = part.split(';').next().unwrap_or("").trim();
        let version_ok = !part.contains("version=") || part.contains("version=2.1");
        matches!(
            media,
            "application/taxii+json" | "application/*" | "*/*" | "application/json"
        ) && version_ok
    });
    (!ok).then(|| {
        error(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable",
            format!("this server answers {TAXII_MEDIA_TYPE}"),
        )
    })
}

async fn discovery() -> Response {
    taxii_json(&json!({
        "title": "Cordon TAXII 2.1",
        "description": "DPRK-related sanctions list entries and findings shared by this Cordon service.",
        "default": API_ROOT,
        "api_roots": [API_ROOT],
    }))
}

async fn api_root(State(state): State<AppState>) -> Response {
    taxii_json(&json!({
        "title": "Cordon",
        "description": "Sanctions-list indicators and findings (read-only).",
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": state.0.config.max_body,
    }))
}

fn info_json(c: &Info) -> Value {
    json!({
        "id": c.id,
        "alias": c.alias,
        "title": c.title,
        "description": c.description,
        "can_read": true,
        "can_write": false,
        "media_types": [STIX_MEDIA_TYPE],
    })
}

fn find(collection: &str) -> Result<Info, Response> {
    COLLECTIONS
        .into_iter()
        .find(|c| c.id == collection || c.alias == collection)
        .ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                "Not Found",
                format!("no collection {collection:?} (see {API_ROOT}collections/)"),
            )
        })
}

async fn collections() -> Response {
    let list: Vec<Value> = COLLECTIONS.iter().map(info_json).collect();
    taxii_json(&json!({ "collections": list }))
}

async fn one_collection(UrlPath(collection): UrlPath<String>) -> Response {
    match find(&collection) {
        Ok(c) => taxii_json(&info_json(&c)),
        Err(r) => r,
    }
}

async fn read_only() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "Forbidden",
        "the collections are read-only (can_write is false)",
    )
}

async fn no_status() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "Not Found",
        "no such status: the collections take no writes",
    )
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "Not Found",
        format!("no such TAXII endpoint (discovery: /taxii2/, API root: {API_ROOT})"),
    )
}

/// A query's parameters: filters, page cursor and size.
struct Params {
    filter: Filter,
    next: Option<usize>,
    limit: usize,
    echo: Value,
}

fn bad_request(description: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "Bad Request", description)
}

fn params(raw: Option<&str>, allowed: &[&str]) -> Result<Params, Response> {
    let pairs = crate::api::serde_urlencoded_pairs(raw.unwrap_or_default())
        .ok_or_else(|| bad_request("the query string cannot be read"))?;
    let mut p = Params {
        filter: Filter::default(),
        next: None,
        limit: DEFAULT_LIMIT,
        echo: json!({}),
    };
    let set = |v: &str| -> BTreeSet<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    for (k, v) in &pairs {
        if !allowed.contains(&k.as_str()) {
            return Err(bad_request(format!(
                "unknown parameter {k:?} (this endpoint takes {})",
                allowed.join(", ")
            )));
        }
        if let Some(m) = p.echo.as_object_mut() {
            m.insert(k.clone(), Value::String(v.clone()));
        }
        match k.as_str() {
            "added_after" => {
                p.filter.added_after =
                    Some(parse_time(v).ok_or_else(|| {
                        bad_request(format!("added_after {v:?} is not a timestamp"))
                    })?);
            }
            "limit" => {
                p.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|l| *l > 0)
                    .ok_or_else(|| bad_request(format!("limit {v:?} is not a positive number")))?
                    .min(MAX_LIMIT);
            }
            "next" => {
                p.next = Some(v.parse().map_err(|_| {
                    bad_request(format!("next {v:?} is not a cursor this server gave"))
                })?);
            }
            "match[id]" => p.filter.ids = Some(set(v)),
            "match[type]" => p.filter.types = Some(set(v)),
            "match[spec_version]" => p.filter.spec_versions = Some(set(v)),
            "match[version]" => {
                for s in set(v) {
                    p.filter.versions.push(match s.as_str() {
                        "last" => VersionSel::Last,
                        "first" => VersionSel::First,
                        "all" => VersionSel::All,
                        t => VersionSel::At(parse_time(t).ok_or_else(|| {
                            bad_request(format!(
                                "match[version] {t:?} is not last, first, all or a timestamp"
                            ))
                        })?),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(p)
}

const OBJECT_PARAMS: [&str; 7] = [
    "added_after",
    "limit",
    "next",
    "match[id]",
    "match[type]",
    "match[version]",
    "match[spec_version]",
];

/// The findings files of the service directory, sorted by name: (name, size, mtime ns).
fn findings_files(dir: &Path) -> Vec<(PathBuf, u64, i128)> {
    let mut out: Vec<(PathBuf, u64, i128)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let ext = path.extension()?.to_str()?.to_ascii_lowercase();
            if !matches!(ext.as_str(), "json" | "jsonl") {
                return None;
            }
            let meta = e.metadata().ok()?;
            let mtime = meta
                .modified()
                .ok()
                .and_then(|m| jiff::Timestamp::try_from(m).ok())
                .map_or(0, |t| t.as_nanosecond());
            meta.is_file().then_some((path, meta.len(), mtime))
        })
        .collect();
    out.sort();
    out
}

/// Fresh exports of both collections (with [`PLACEHOLDER_TIME`]), from the snapshot's list
/// versions and the findings files.
fn build_exports(
    state: &AppState,
    findings: &[(PathBuf, u64, i128)],
) -> (Vec<cordon_stix::Object>, Vec<cordon_stix::Object>) {
    let taxii = &state.0.config.taxii;
    let opts = || ExportOptions {
        producer: taxii.producer.clone(),
        tlp: taxii.tlp,
        timestamp: PLACEHOLDER_TIME.to_owned(),
        ..ExportOptions::default()
    };
    let snap = state.snapshot();
    let versions: Vec<(String, u32)> = snap
        .sources
        .iter()
        // Bundles from other producers are not re-shared: their producer chose their TLP.
        .filter(|s| s.format != cordon_lists::Format::StixBundle.name())
        .map(|s| (s.source.clone(), s.version))
        .collect();
    let entities = match state.0.store.as_deref() {
        Some(store) => store.merged_entities(&versions).unwrap_or_else(|e| {
            tracing::error!(error = %e, "TAXII: cannot read the lists from the store");
            Vec::new()
        }),
        None => Vec::new(),
    };
    let mut lists = BundleBuilder::new(opts());
    lists.entities(&entities);
    let mut found = BundleBuilder::new(opts());
    for (path, _, _) in findings {
        match std::fs::read(path) {
            Ok(data) => match cordon_stix::findings::add_findings(&mut found, path, &data) {
                Ok(diags) => {
                    for d in diags {
                        tracing::warn!(file = %path.display(), "TAXII findings: {d}");
                    }
                }
                Err(e) => tracing::error!(error = %e, "TAXII findings file skipped"),
            },
            Err(e) => {
                tracing::error!(file = %path.display(), error = %e, "TAXII findings file unreadable")
            }
        }
    }
    (lists.finish().objects, found.finish().objects)
}

/// The collections, brought up to date with the lists and findings first.
async fn synced(state: &AppState) -> Result<tokio::sync::MutexGuard<'_, Data>, Response> {
    let mut data = state.0.taxii.data.lock().await;
    let dir = state.dir().clone();
    let files = findings_files(&dir.findings());
    let key: SyncKey = (
        state.snapshot().generation,
        files
            .iter()
            .map(|(p, n, t)| (p.display().to_string(), *n, *t))
            .collect(),
    );
    if data.synced.as_ref() == Some(&key) && data.lists.is_some() && data.findings.is_some() {
        return Ok(data);
    }
    let lists = data.lists.take();
    let findings = data.findings.take();
    let st = state.clone();
    let result =
        tokio::task::spawn_blocking(move || -> Result<(Collection, Collection), ServiceError> {
            std::fs::create_dir_all(dir.taxii()).map_err(|e| ServiceError::io(&dir.taxii(), e))?;
            let mut lists = match lists {
                Some(c) => c,
                None => Collection::open(&dir.taxii().join(format!("{}.jsonl", LISTS.alias)))?,
            };
            let mut findings = match findings {
                Some(c) => c,
                None => Collection::open(&dir.taxii().join(format!("{}.jsonl", FINDINGS.alias)))?,
            };
            let (l, f) = build_exports(&st, &files);
            let now = jiff::Timestamp::now();
            let rl = lists.sync(l, now)?;
            let rf = findings.sync(f, now)?;
            tracing::info!(lists = ?rl, findings = ?rf, "TAXII collections synced");
            Ok((lists, findings))
        })
        .await;
    match result {
        Ok(Ok((l, f))) => {
            data.lists = Some(l);
            data.findings = Some(f);
            data.synced = Some(key);
            Ok(data)
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "TAXII collections cannot be updated");
            Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service Unavailable",
                "the collections cannot be read or updated right now; the cause is logged",
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "TAXII sync stopped");
            Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal Server Error",
                "the collections could not be updated; the cause is logged",
            ))
        }
    }
}

fn collection_of<'a>(data: &'a Data, info: &Info) -> Option<&'a Collection> {
    if info.alias == LISTS.alias {
        data.lists.as_ref()
    } else {
        data.findings.as_ref()
    }
}

/// Sets the `X-TAXII-Date-Added-First/Last` headers from the entries returned.
fn date_headers(mut r: Response, entries: &[&Entry]) -> Response {
    if let (Some(first), Some(last)) = (entries.first(), entries.last()) {
        for (name, v) in [
            ("x-taxii-date-added-first", &first.date_added),
            ("x-taxii-date-added-last", &last.date_added),
        ] {
            if let Ok(v) = HeaderValue::from_str(v) {
                r.headers_mut().insert(name, v);
            }
        }
    }
    r
}

/// What a client read: one page of a collection.
struct Read<'a> {
    endpoint: &'a str,
    collection: &'a Info,
    query: Value,
    entries: &'a [&'a Entry],
    next: Option<&'a str>,
}

/// Records what a client read (the page is reproducible from the query and the log).
async fn audit(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    read: Read<'_>,
) -> Result<(), Response> {
    let entry = AuditEntry {
        time: now(),
        request_id: crate::api::request_id(headers),
        key: caller.0.clone(),
        endpoint: read.endpoint.to_owned(),
        dataset: Some(read.collection.alias.to_owned()),
        lists: state.snapshot().lists.clone(),
        query: read.query,
        results: json!({
            "objects": read.entries.len(),
            "date_added_first": read.entries.first().map(|e| &e.date_added),
            "date_added_last": read.entries.last().map(|e| &e.date_added),
            "next": read.next,
        }),
    };
    state.0.audit.append(&entry).await.map(|_| ()).map_err(|e| {
        tracing::error!(error = %e, "audit trail unavailable");
        error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable",
            "the audit trail cannot be written, so nothing is shared",
        )
    })
}

/// What every collection endpoint needs from the request.
struct Ctx {
    state: AppState,
    headers: HeaderMap,
    caller: Caller,
    query: Option<String>,
}

impl axum::extract::FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Ctx {
            state: state.clone(),
            headers: parts.headers.clone(),
            caller: parts
                .extensions
                .get::<Caller>()
                .cloned()
                .unwrap_or_else(|| Caller("anonymous".into())),
            query: parts.uri.query().map(str::to_owned),
        })
    }
}

async fn get_objects(ctx: Ctx, UrlPath(collection): UrlPath<String>) -> Response {
    objects_or_manifest(&ctx, &collection, None, false).await
}

async fn get_object(
    ctx: Ctx,
    UrlPath((collection, object)): UrlPath<(String, String)>,
) -> Response {
    objects_or_manifest(&ctx, &collection, Some(object), false).await
}

async fn get_manifest(ctx: Ctx, UrlPath(collection): UrlPath<String>) -> Response {
    objects_or_manifest(&ctx, &collection, None, true).await
}

/// `objects/`, `objects/{id}/` and `manifest/`: one page of the matching versions.
async fn objects_or_manifest(
    ctx: &Ctx,
    collection: &str,
    object: Option<String>,
    manifest: bool,
) -> Response {
    let (state, headers, who, raw) = (&ctx.state, &ctx.headers, &ctx.caller, ctx.query.as_deref());
    let info = match find(collection) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let allowed: &[&str] = if object.is_some() {
        &[
            "added_after",
            "limit",
            "next",
            "match[version]",
            "match[spec_version]",
        ]
    } else {
        &OBJECT_PARAMS
    };
    let mut p = match params(raw, allowed) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Some(id) = &object {
        p.filter.ids = Some([id.clone()].into());
    }
    let data = match synced(state).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(c) = collection_of(&data, &info) else {
        return not_found().await;
    };
    if let Some(id) = &object
        && !c.contains(id)
    {
        return error(
            StatusCode::NOT_FOUND,
            "Not Found",
            format!("no object {id} in collection {}", info.alias),
        );
    }
    let page = match c.page(&p.filter, p.next, p.limit) {
        Ok(page) => page,
        Err(e) => return bad_request(e),
    };
    let endpoint = match (manifest, object.is_some()) {
        (true, _) => "taxii-manifest",
        (false, true) => "taxii-object",
        (false, false) => "taxii-objects",
    };
    let read = Read {
        endpoint,
        collection: &info,
        query: p.echo.clone(),
        entries: &page.entries,
        next: page.next.as_deref(),
    };
    if let Err(r) = audit(state, headers, who, read).await {
        return r;
    }
    let mut body = serde_json::Map::new();
    body.insert("more".into(), Value::Bool(page.next.is_some()));
    if let Some(n) = &page.next {
        body.insert("next".into(), Value::String(n.clone()));
    }
    if !page.entries.is_empty() {
        let items: Vec<Value> = if manifest {
            page.entries
                .iter()
                .map(|e| {
                    json!({
                        "id": e.object.id,
                        "date_added": e.date_added,
                        "version": e.version(),
                        "media_type": STIX_MEDIA_TYPE,
                    })
                })
                .collect()
        } else {
            page.entries
                .iter()
                .map(|e| serde_json::to_value(&e.object).unwrap_or(Value::Null))
                .collect()
        };
        body.insert("objects".into(), Value::Array(items));
    }
    tracing::info!(caller = %who.0, collection = info.alias, endpoint, objects = page.entries.len(), "TAXII read");
    date_headers(taxii_json(&Value::Object(body)), &page.entries)
}

async fn get_versions(
    ctx: Ctx,
    UrlPath((collection, object)): UrlPath<(String, String)>,
) -> Response {
    let (state, headers, who, raw) = (&ctx.state, &ctx.headers, &ctx.caller, ctx.query.as_deref());
    let info = match find(&collection) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let p = match params(
        raw,
        &["added_after", "limit", "next", "match[spec_version]"],
    ) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let data = match synced(state).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(c) = collection_of(&data, &info) else {
        return not_found().await;
    };
    let all = c.versions_of(&object, &p.filter);
    if !c.contains(&object) {
        return error(
            StatusCode::NOT_FOUND,
            "Not Found",
            format!("no object {object} in collection {}", info.alias),
        );
    }
    let start = p.next.unwrap_or(0).min(all.len());
    let end = (start + p.limit).min(all.len());
    let entries: Vec<&Entry> = all.get(start..end).unwrap_or_default().to_vec();
    let next = (end < all.len()).then(|| end.to_string());
    let read = Read {
        endpoint: "taxii-versions",
        collection: &info,
        query: p.echo.clone(),
        entries: &entries,
        next: next.as_deref(),
    };
    if let Err(r) = audit(state, headers, who, read).await {
        return r;
    }
    let mut body = serde_json::Map::new();
    body.insert("more".into(), Value::Bool(next.is_some()));
    if let Some(n) = &next {
        body.insert("next".into(), Value::String(n.clone()));
    }
    let versions: Vec<&str> = entries.iter().map(|e| e.version()).collect();
    if !versions.is_empty() {
        body.insert("versions".into(), json!(versions));
    }
    date_headers(taxii_json(&Value::Object(body)), &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_carry_the_key_as_password_or_user() {
        let mut h = HeaderMap::new();
        let b64 = base64::engine::general_purpose::STANDARD.encode("analyst:cordon_ab_cd");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {b64}")).unwrap_or(HeaderValue::from_static("")),
        );
        assert_eq!(credentials(&h).as_deref(), Some("cordon_ab_cd"));
        let b64 = base64::engine::general_purpose::STANDARD.encode("cordon_ab_cd:");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {b64}")).unwrap_or(HeaderValue::from_static("")),
        );
        assert_eq!(credentials(&h).as_deref(), Some("cordon_ab_cd"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(credentials(&h), None);
    }

    #[test]
    fn accept_header_must_allow_taxii_json() {
        let mut h = HeaderMap::new();
        assert!(unacceptable(&h).is_none(), "no Accept header");
        h.insert(header::ACCEPT, HeaderValue::from_static(TAXII_MEDIA_TYPE));
        assert!(unacceptable(&h).is_none());
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/taxii+json;version=2.0"),
        );
        assert!(unacceptable(&h).is_some());
        h.insert(header::ACCEPT, HeaderValue::from_static("text/html"));
        assert!(unacceptable(&h).is_some());
    }

    #[test]
    fn parameters_are_checked() {
        assert!(params(Some("limit=0"), &OBJECT_PARAMS).is_err());
        assert!(params(Some("added_after=yesterday"), &OBJECT_PARAMS).is_err());
        assert!(params(Some("match%5Bcolor%5D=red"), &OBJECT_PARAMS).is_err());
        let Ok(p) = params(
            Some("limit=5000&match%5Btype%5D=indicator,identity&match%5Bversion%5D=all"),
            &OBJECT_PARAMS,
        ) else {
            panic!("valid parameters refused");
        };
        assert_eq!(p.limit, MAX_LIMIT);
        assert_eq!(p.filter.types.map(|t| t.len()), Some(2));
        assert_eq!(p.filter.versions, [VersionSel::All]);
    }
}

//! Cordon's screening service: a yente-compatible HTTP API over the list store, with an audit
//! trail, analyst decisions, re-screening on list changes and list updates without downtime.
//!
//! [`AppState::open`] loads the store's current list versions into a [`Snapshot`] (the
//! matcher and wallet indexes), opens the service directory next to the store (audit trail,
//! keys, decisions, subjects, alerts: see [`ServiceDir`]) and [`app`] builds the axum
//! [`Router`]. [`serve`] runs it with graceful shutdown and the periodic update job.
//!
//! ```no_run
//! use cordon_server::{AppState, Config, app};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let store = cordon_store::Store::open("cordon.redb".as_ref())?;
//! let state = AppState::open(store, Config::default())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app(state)).await?;
//! # Ok(())
//! # }
//! ```

mod api;
mod applicants;
mod audit;
mod changes;
mod decisions;
mod engine;
mod error;
mod funds;
mod journal;
mod keys;
mod metrics;
mod monitor;
mod review;
mod taxii;
mod util;
mod yente;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use cordon_store::{SourceState, Store};
use serde::Serialize;

pub use api::{ApiDoc, app};
pub use applicants::audited_report as audited_applicant_report;
pub use audit::{
    AuditEntry, AuditLog, AuditRecord, CliAppender, CliRecord, ExportFilter, ExportFormat, GENESIS,
    ListRef, Verification, export, list_refs, parse_since, read_verified, subjects_of,
};
pub use changes::MAX_CHANGES_PAGE;
pub use decisions::{Decision, Decisions, Seen, Verdict, last_seen};
pub use engine::{
    Filter, Hit, MAX_NAMES_PER_QUERY, Snapshot, SubjectQuery, entity_hash, subject_key,
};
pub use error::{ApiError, ServiceError};
pub use funds::{MAX_EXPOSURE_HOPS, MAX_EXPOSURE_TOP, MAX_TRACE_HOPS};
pub use keys::{KeyInfo, Keys, Role, write_table as write_key_table};
pub use metrics::Metrics;
pub use monitor::{
    Alert, AlertKind, RescreenReport, Subject, load_alerts, load_subjects, parse_subjects,
    register, rescreen,
};
pub use review::{
    CloseReason, Closing, MAX_REVIEW_PAGE, Origin, Review, ReviewFilter, ReviewItem, ReviewQuery,
    applicant_subject_key, close_from_cli, open_from_cli,
};
pub use taxii::{
    API_ROOT as TAXII_API_ROOT, MAX_LIMIT as TAXII_MAX_LIMIT, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE,
    TaxiiConfig,
};

/// The service's own files, in a directory beside the store (`cordon.redb` →
/// `cordon.service/`). All are append-only JSON lines except `monitor.json`, so the CLI can read
/// them, and append keys and decisions, while the server runs.
#[derive(Debug, Clone)]
pub struct ServiceDir {
    root: PathBuf,
}

impl ServiceDir {
    /// The directory for a store file.
    pub fn for_db(db: &Path) -> ServiceDir {
        let stem = db
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "cordon".into());
        ServiceDir {
            root: db.with_file_name(format!("{stem}.service")),
        }
    }

    /// A given directory.
    pub fn new(root: impl Into<PathBuf>) -> ServiceDir {
        ServiceDir { root: root.into() }
    }

    /// Creates the directory.
    pub fn create(&self) -> Result<(), ServiceError> {
        std::fs::create_dir_all(&self.root).map_err(|e| ServiceError::io(&self.root, e))
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// The audit trail.
    pub fn audit(&self) -> PathBuf {
        self.root.join("audit.jsonl")
    }
    /// API keys.
    pub fn keys(&self) -> PathBuf {
        self.root.join("keys.jsonl")
    }
    /// Decisions.
    pub fn decisions(&self) -> PathBuf {
        self.root.join("decisions.jsonl")
    }
    /// Monitored subjects.
    pub fn subjects(&self) -> PathBuf {
        self.root.join("subjects.jsonl")
    }
    /// Alerts.
    pub fn alerts(&self) -> PathBuf {
        self.root.join("alerts.jsonl")
    }
    /// Re-screening state.
    pub fn monitor(&self) -> PathBuf {
        self.root.join("monitor.json")
    }
    /// Findings files shared in the TAXII `findings` collection (JSON written by `cordon
    /// applicants link|screen` and `cordon trace --json`).
    pub fn findings(&self) -> PathBuf {
        self.root.join("findings")
    }
    /// The TAXII collections' version logs.
    pub fn taxii(&self) -> PathBuf {
        self.root.join("taxii")
    }
    /// The review queue.
    pub fn review(&self) -> PathBuf {
        self.root.join("review.jsonl")
    }
}

/// Service settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Require API keys (off only for local experiments).
    pub auth: bool,
    /// The service directory (default: beside the store).
    pub service_dir: Option<PathBuf>,
    /// The list directory that reloads re-ingest (`None`: reloads only re-read the store).
    pub lists_dir: Option<PathBuf>,
    /// Most queries in one `/match` request.
    pub max_batch: usize,
    /// Largest request body, bytes.
    pub max_body: usize,
    /// Time limit per request.
    pub timeout: Duration,
    /// The default `threshold`.
    pub threshold: f64,
    /// How long a client may take to send a request's headers (slow-loris clients are cut off).
    pub header_timeout: Duration,
    /// The transaction graph directory `cordon tx ingest` writes (`None`: no tracing).
    pub tx_dir: Option<PathBuf>,
    /// The applicant red-flag rules file (`None`: the built-in rules).
    pub applicant_rules: Option<PathBuf>,
    /// IP databases for applicant screening (`.mmdb` or CSV ranges).
    pub ipdb: Vec<PathBuf>,
    /// The platform's accounts (applicant records, JSON lines or CSV) that `/applicants/screen`
    /// links each sign-up to (`None`: sign-ups are linked only within their request).
    pub applicant_accounts: Option<PathBuf>,
    /// Largest applicant request body, bytes (batches carry login histories and résumés).
    pub max_applicant_body: usize,
    /// Most applicant records in one request.
    pub max_applicants: usize,
    /// Heavy requests (traces, applicant batches) running at once; the rest wait their turn.
    pub heavy_jobs: usize,
    /// TAXII collections: producer name and TLP marking.
    pub taxii: TaxiiConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            auth: true,
            service_dir: None,
            lists_dir: None,
            max_batch: 100,
            max_body: 2 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            threshold: cordon_match::DEFAULT_THRESHOLD,
            header_timeout: Duration::from_secs(10),
            tx_dir: None,
            applicant_rules: None,
            ipdb: Vec::new(),
            applicant_accounts: None,
            max_applicant_body: 64 * 1024 * 1024,
            max_applicants: 50_000,
            heavy_jobs: std::thread::available_parallelism().map_or(1, |n| n.get().div_ceil(2)),
            taxii: TaxiiConfig::default(),
        }
    }
}

impl Config {
    /// Sets [`Config::auth`].
    #[must_use]
    pub fn auth(mut self, on: bool) -> Self {
        self.auth = on;
        self
    }
    /// Sets [`Config::service_dir`].
    #[must_use]
    pub fn service_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.service_dir = Some(dir.into());
        self
    }
    /// Sets [`Config::lists_dir`].
    #[must_use]
    pub fn lists_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.lists_dir = dir;
        self
    }
    /// Sets [`Config::header_timeout`].
    #[must_use]
    pub fn header_timeout(mut self, t: Duration) -> Self {
        self.header_timeout = t;
        self
    }
    /// Sets [`Config::taxii`].
    #[must_use]
    pub fn taxii(mut self, taxii: TaxiiConfig) -> Self {
        self.taxii = taxii;
        self
    }
    /// Sets [`Config::timeout`].
    #[must_use]
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    /// Sets [`Config::tx_dir`].
    #[must_use]
    pub fn tx_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.tx_dir = dir;
        self
    }
    /// Sets [`Config::applicant_rules`] and [`Config::ipdb`].
    #[must_use]
    pub fn applicant_files(mut self, rules: Option<PathBuf>, ipdb: Vec<PathBuf>) -> Self {
        self.applicant_rules = rules;
        self.ipdb = ipdb;
        self
    }
    /// Sets [`Config::applicant_accounts`].
    #[must_use]
    pub fn applicant_accounts(mut self, file: Option<PathBuf>) -> Self {
        self.applicant_accounts = file;
        self
    }
}

/// What the last list update did.
#[derive(Debug, Clone, Serialize)]
pub struct ReloadReport {
    /// When it finished.
    pub time: String,
    /// Whether a new snapshot was swapped in.
    pub swapped: bool,
    /// The generation serving now.
    pub generation: u64,
    /// Per-source ingest outcome (`stored`, `unchanged`, `failed` with the error).
    pub sources: Vec<serde_json::Value>,
    /// Why the update was not applied, if it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The re-screen it triggered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescreen: Option<RescreenReport>,
    /// The transaction graph: `unchanged`, `loaded`, `absent` or `failed` (the last good one
    /// keeps serving).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<serde_json::Value>,
    /// The platform's accounts file, read again if it changed (`None` when none is configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant_accounts: Option<serde_json::Value>,
    /// Milliseconds taken.
    pub elapsed_ms: u64,
}

pub(crate) struct Inner {
    config: Config,
    dir: ServiceDir,
    store: Option<Arc<Store>>,
    snapshot: RwLock<Arc<Snapshot>>,
    states: RwLock<BTreeMap<String, SourceState>>,
    audit: AuditLog,
    keys: RwLock<Keys>,
    decisions: RwLock<Decisions>,
    review: review::ReviewService,
    diffs: changes::DiffCache,
    metrics: Metrics,
    reload_lock: tokio::sync::Mutex<()>,
    last_reload: RwLock<Option<ReloadReport>>,
    generation: AtomicU64,
    graphs: funds::TxGraphs,
    applicants: applicants::ApplicantService,
    heavy: tokio::sync::Semaphore,
    preparing: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
    taxii: taxii::TaxiiState,
}

/// The service's shared state: cheap to clone.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("generation", &self.0.generation.load(Ordering::Relaxed))
            .finish()
    }
}

impl AppState {
    /// Opens the service over a store: builds the first snapshot and opens the service files.
    pub fn open(store: Store, config: Config) -> Result<AppState, ServiceError> {
        let snapshot = Snapshot::build(&store, 1)?;
        let states = store.source_states()?;
        let dir = match &config.service_dir {
            Some(d) => ServiceDir::new(d),
            None => ServiceDir::for_db(store.path()),
        };
        Self::assemble(Some(Arc::new(store)), snapshot, states, dir, config)
    }

    /// A service over a prepared snapshot with no store (tests; reloads then fail).
    pub fn with_snapshot(snapshot: Snapshot, config: Config) -> Result<AppState, ServiceError> {
        let dir = config
            .service_dir
            .clone()
            .map(ServiceDir::new)
            .ok_or_else(|| ServiceError::Invalid("a service directory is required".into()))?;
        Self::assemble(None, snapshot, BTreeMap::new(), dir, config)
    }

    fn assemble(
        store: Option<Arc<Store>>,
        snapshot: Snapshot,
        states: BTreeMap<String, SourceState>,
        dir: ServiceDir,
        config: Config,
    ) -> Result<AppState, ServiceError> {
        dir.create()?;
        let audit = AuditLog::open(&dir.audit())?;
        let keys = Keys::load(&dir.keys())?;
        let mut decisions = Decisions::load(&dir.decisions())?;
        decisions.reconcile(&dir)?;
        let review = review::ReviewService::open(&dir, &decisions)?;
        let applicants = applicants::ApplicantService::open(
            config.applicant_rules.clone(),
            config.ipdb.clone(),
            config.applicant_accounts.clone(),
        )?;
        let graphs = funds::TxGraphs::new(config.tx_dir.clone());
        let heavy = tokio::sync::Semaphore::new(config.heavy_jobs.max(1));
        let generation = snapshot.generation;
        let state = AppState(Arc::new(Inner {
            config,
            dir,
            store,
            snapshot: RwLock::new(Arc::new(snapshot)),
            states: RwLock::new(states),
            audit,
            keys: RwLock::new(keys),
            decisions: RwLock::new(decisions),
            review,
            diffs: changes::DiffCache::default(),
            metrics: Metrics::default(),
            reload_lock: tokio::sync::Mutex::new(()),
            last_reload: RwLock::new(None),
            generation: AtomicU64::new(generation),
            graphs,
            applicants,
            heavy,
            preparing: std::sync::Mutex::new(None),
            taxii: taxii::TaxiiState::default(),
        }));
        state.prepare_in_background();
        Ok(state)
    }

    /// Work that readiness does not wait for: opening the transaction graph (its check reads
    /// every column) and indexing the lists for applicant screening.
    fn prepare_in_background(&self) {
        let st = self.clone();
        let spawned = std::thread::Builder::new()
            .name("prepare".into())
            .spawn(move || {
                st.refresh_transactions();
                let _ = st.warm_applicants();
            });
        match spawned {
            Ok(handle) => {
                if let Ok(mut p) = self.0.preparing.lock() {
                    *p = Some(handle);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the background preparation; it happens on first use");
            }
        }
    }

    /// Waits until the work started at open (the transaction graph, the applicant index) is
    /// done. Requests do not need this; tests and benchmarks that want a settled service do.
    pub fn wait_prepared(&self) {
        let handle = self.0.preparing.lock().ok().and_then(|mut p| p.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
    }

    /// Whether the work started at open is done (`/readyz` shows it as `prepared`).
    pub fn is_prepared(&self) -> bool {
        self.0
            .preparing
            .lock()
            .map(|p| p.as_ref().is_none_or(std::thread::JoinHandle::is_finished))
            .unwrap_or(true)
    }

    /// Opens the transaction graph again if its files changed (a reload does this too).
    /// Blocks while a large graph is checked; returns the outcome, `None` without a graph
    /// directory.
    pub(crate) fn refresh_transactions(&self) -> Option<serde_json::Value> {
        self.0.graphs.refresh()
    }

    /// Builds the applicant screener for the snapshot serving now, unless it is built, and
    /// indexes the platform's accounts again if their file changed. Returns the accounts'
    /// outcome for the reload report (`None` without an accounts file).
    fn warm_applicants(&self) -> Option<serde_json::Value> {
        let snap = self.snapshot();
        if snap.is_empty() {
            return None;
        }
        match self.0.applicants.screener(&snap) {
            Ok(screener) => self.0.applicants.refresh_accounts(&screener),
            Err(e) => {
                tracing::error!(error = %e, "cannot prepare applicant screening");
                None
            }
        }
    }

    /// The snapshot serving now. A request keeps the one it took for its whole life.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.0.snapshot.read() {
            Ok(s) => Arc::clone(&s),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    /// The service directory.
    pub fn dir(&self) -> &ServiceDir {
        &self.0.dir
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// Re-reads keys and decisions appended by other processes (`cordon keys`, `cordon decide`).
    pub fn refresh_files(&self) -> Result<(), ServiceError> {
        let keys = Keys::load(&self.0.dir.keys())?;
        if let Ok(mut k) = self.0.keys.write() {
            *k = keys;
        }
        if let Ok(mut d) = self.0.decisions.write() {
            d.refresh(&self.0.dir.decisions())?;
        }
        self.0.review.refresh()
    }

    /// Re-screens the monitored subjects against the snapshot serving now, and queues the new
    /// hits for review. `served_before` is the snapshot a list update replaced (`None`: the one
    /// serving now, nothing was swapped).
    fn rescreen_blocking(
        &self,
        served_before: Option<&Snapshot>,
    ) -> Result<RescreenReport, ServiceError> {
        let snap = self.snapshot();
        let before = monitor::versions_of(served_before.unwrap_or(&snap));
        let report = {
            let decisions = self.0.decisions.read().ok();
            rescreen(
                &snap,
                Some(&before),
                self.0.store.as_deref(),
                &self.0.dir,
                decisions.as_deref(),
                self.0.config.threshold,
            )?
        };
        self.0.review.open_items_blocking(report.review.clone())?;
        Ok(report)
    }

    /// Swaps in a snapshot (tests and reloads). Requests in flight keep the old one.
    pub fn swap(&self, mut snapshot: Snapshot) {
        let generation = self.0.generation.fetch_add(1, Ordering::SeqCst) + 1;
        snapshot.generation = generation;
        let new = Arc::new(snapshot);
        match self.0.snapshot.write() {
            Ok(mut s) => *s = new,
            Err(p) => *p.into_inner() = new,
        }
    }

    /// Re-ingests the list directory (if configured), builds a new snapshot aside, checks it and
    /// swaps it in, then re-screens monitored subjects. On any failure the last good snapshot
    /// keeps serving and the error is reported (and shown in `/catalog`).
    pub async fn reload(&self) -> ReloadReport {
        let _guard = self.0.reload_lock.lock().await;
        let state = self.clone();
        let started = std::time::Instant::now();
        let report = tokio::task::spawn_blocking(move || state.reload_blocking())
            .await
            .unwrap_or_else(|e| ReloadReport {
                time: util::now(),
                swapped: false,
                generation: 0,
                sources: Vec::new(),
                error: Some(format!("the update job stopped: {e}")),
                rescreen: None,
                transactions: None,
                applicant_accounts: None,
                elapsed_ms: 0,
            });
        let report = ReloadReport {
            elapsed_ms: started.elapsed().as_millis() as u64,
            ..report
        };
        match &report.error {
            Some(e) => {
                tracing::error!(error = %e, "list update failed; serving the last good version")
            }
            None => tracing::info!(
                swapped = report.swapped,
                generation = report.generation,
                ms = report.elapsed_ms,
                "list update done"
            ),
        }
        if let Ok(mut l) = self.0.last_reload.write() {
            *l = Some(report.clone());
        }
        report
    }

    fn reload_blocking(&self) -> ReloadReport {
        let mut report = ReloadReport {
            time: util::now(),
            swapped: false,
            generation: self.0.generation.load(Ordering::SeqCst),
            sources: Vec::new(),
            error: None,
            rescreen: None,
            transactions: self.refresh_transactions(),
            applicant_accounts: None,
            elapsed_ms: 0,
        };
        let Some(store) = self.0.store.as_deref() else {
            report.error = Some("no list store is attached to this service".into());
            return report;
        };
        if let Some(dir) = &self.0.config.lists_dir {
            let ingest =
                cordon_store::ingest_dir(store, dir, &cordon_store::IngestOptions::default());
            for s in &ingest.sources {
                report
                    .sources
                    .push(serde_json::to_value(s).unwrap_or(serde_json::Value::Null));
                if let cordon_store::IngestStatus::Failed { code, message } = &s.status {
                    tracing::error!(source = %s.source, code = %code, error = %message, "list source failed to load; its last good version stays");
                }
            }
        }
        if let Ok(states) = store.source_states()
            && let Ok(mut st) = self.0.states.write()
        {
            *st = states;
        }
        let current = self.snapshot();
        let sources = match store.sources() {
            Ok(s) => s,
            Err(e) => {
                report.error = Some(format!("cannot read the store: {e}"));
                return report;
            }
        };
        let unchanged = sources.len() == current.lists.len()
            && sources.iter().all(|s| {
                current
                    .lists
                    .get(&s.source)
                    .is_some_and(|l| l.version == s.version)
            });
        if !unchanged {
            let next = match Snapshot::build(store, 0) {
                Ok(n) => n,
                Err(e) => {
                    report.error = Some(format!("cannot build the new version: {e}"));
                    return report;
                }
            };
            // Checked aside: a new snapshot must not lose a source or all entities.
            if next.is_empty() && !current.is_empty() {
                report.error = Some("the new version has no entities; not swapped".into());
                return report;
            }
            if let Some(lost) = current.lists.keys().find(|s| !next.has_source(s)) {
                report.error = Some(format!("the new version lacks source {lost}; not swapped"));
                return report;
            }
            self.swap(next);
            report.swapped = true;
            self.0.review.close_removed_blocking(&self.snapshot());
        }
        // A new screener when the snapshot changed; the accounts file read again if it changed.
        report.applicant_accounts = self.warm_applicants();
        report.generation = self.0.generation.load(Ordering::SeqCst);
        match self.rescreen_blocking(Some(current.as_ref())) {
            Ok(r) => report.rescreen = Some(r),
            Err(e) => report.error = Some(format!("re-screening failed: {e}")),
        }
        report
    }
}

/// How long shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Runs the service until Ctrl-C or SIGTERM: answers requests, re-reads keys and decisions
/// every second, and runs the update job every `reload_every` (if given). On shutdown it stops
/// accepting and lets requests in flight finish.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    reload_every: Option<Duration>,
) -> std::io::Result<()> {
    serve_until(state, listener, reload_every, shutdown_signal()).await
}

/// [`serve`] until `shutdown` completes instead of a signal; then stops accepting and lets
/// requests in flight finish (at most [`SHUTDOWN_GRACE`]).
pub async fn serve_until(
    state: AppState,
    listener: tokio::net::TcpListener,
    reload_every: Option<Duration>,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let bg = state.clone();
    let files = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(e) = bg.refresh_files() {
                tracing::error!(error = %e, "cannot re-read keys or decisions");
            }
        }
    });
    let job = reload_every.map(|every| {
        let st = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                st.reload().await;
            }
        })
    });
    let header_timeout = state.config().header_timeout;
    let router = app(state);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, do not spin or exit.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(router.clone());
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                let conn = graceful.watch(conn.into_owned());
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    tracing::info!("shutting down: finishing requests in flight");
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the grace period; exiting");
    }
    files.abort();
    if let Some(j) = job {
        j.abort();
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

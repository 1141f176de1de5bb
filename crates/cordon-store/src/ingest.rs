use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cordon_lists::{EntitySink, ListError, SourcePlan, parse_source, plan};
use cordon_model::{Diagnostic, Entity, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::{FileInfo, SourceVersion, VersionSink, now_rfc3339};
use crate::{Store, StoreError};

/// Options for an ingest.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct IngestOptions {
    /// Store a new version even when the files are unchanged.
    pub force: bool,
}

impl IngestOptions {
    /// Sets [`IngestOptions::force`].
    #[must_use]
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }
}

/// Hooks for progress display; every method has a no-op default.
pub trait IngestObserver {
    /// A source starts; `bytes` is the total size of its files.
    fn source_started(&self, _plan: &SourcePlan, _bytes: u64) {}
    /// `count` entities of the source have been parsed so far.
    fn entities_parsed(&self, _source: &str, _count: u64) {}
    /// A source is done.
    fn source_finished(&self, _outcome: &SourceOutcome) {}
}

struct NoObserver;
impl IngestObserver for NoObserver {}

/// What happened to one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum IngestStatus {
    /// A new version was stored and is now current.
    Stored {
        /// The new version number.
        version: u32,
    },
    /// The files are identical to the current version; nothing was written.
    Unchanged {
        /// The current version.
        version: u32,
    },
    /// The source could not be read; its last good version (if any) stays current.
    Failed {
        /// Stable error code.
        code: String,
        /// The error, naming file and position.
        message: String,
    },
}

/// The outcome of one source in an ingest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceOutcome {
    /// The source id.
    pub source: String,
    /// The format read.
    pub format: String,
    /// The files read.
    pub files: Vec<PathBuf>,
    /// What happened.
    #[serde(flatten)]
    pub status: IngestStatus,
    /// Entities in the stored (or unchanged current) version.
    pub entity_count: u64,
    /// Entities per schema.
    pub schema_counts: BTreeMap<String, u64>,
    /// The list's publication date.
    pub publication_date: Option<String>,
    /// Number of warnings.
    pub warning_count: u64,
    /// The first warnings.
    pub warnings: Vec<Diagnostic>,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
}

/// The outcome of an ingest of a directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// Diagnostics from walking and detecting files (unknown or unreadable files).
    pub planning: Vec<Diagnostic>,
    /// One outcome per source, by source id.
    pub sources: Vec<SourceOutcome>,
}

impl IngestReport {
    /// Whether any source failed (or a file could not be read at all).
    pub fn has_failures(&self) -> bool {
        self.sources
            .iter()
            .any(|s| matches!(s.status, IngestStatus::Failed { .. }))
            || self.planning.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Ingests every list found under `dir` (see [`cordon_lists::plan`]).
pub fn ingest_dir(store: &Store, dir: &Path, options: &IngestOptions) -> IngestReport {
    ingest_dir_with(store, dir, options, &NoObserver)
}

/// [`ingest_dir`] with progress hooks.
pub fn ingest_dir_with(
    store: &Store,
    dir: &Path,
    options: &IngestOptions,
    observer: &dyn IngestObserver,
) -> IngestReport {
    let (plans, mut planning) = plan(dir);
    if plans.is_empty() && planning.is_empty() {
        planning.push(Diagnostic::error(
            "no-lists",
            "no list files found",
            cordon_model::Location::file(dir),
        ));
    }
    IngestReport {
        planning,
        sources: ingest_plans(store, &plans, options, observer),
    }
}

/// Ingests planned sources one by one; a failure in one never affects another.
pub fn ingest_plans(
    store: &Store,
    plans: &[SourcePlan],
    options: &IngestOptions,
    observer: &dyn IngestObserver,
) -> Vec<SourceOutcome> {
    plans
        .iter()
        .map(|p| {
            let started = Instant::now();
            let mut outcome = ingest_one(store, p, options, observer).unwrap_or_else(|e| {
                let _ = store.record_failure(&p.source_id, e.code(), &e.to_string());
                failed(p, e.code(), e.to_string())
            });
            outcome.elapsed_ms = started.elapsed().as_millis().try_into().unwrap_or(u64::MAX);
            observer.source_finished(&outcome);
            outcome
        })
        .collect()
}

fn failed(plan: &SourcePlan, code: &str, message: String) -> SourceOutcome {
    SourceOutcome {
        source: plan.source_id.clone(),
        format: plan.format.to_string(),
        files: plan.files.iter().map(|f| f.path.clone()).collect(),
        status: IngestStatus::Failed {
            code: code.to_owned(),
            message,
        },
        entity_count: 0,
        schema_counts: BTreeMap::new(),
        publication_date: None,
        warning_count: 0,
        warnings: Vec::new(),
        elapsed_ms: 0,
    }
}

fn hash_files(plan: &SourcePlan) -> Result<(Vec<FileInfo>, String), StoreError> {
    let mut infos = Vec::with_capacity(plan.files.len());
    let mut all = Sha256::new();
    all.update(plan.format.name().as_bytes());
    for f in &plan.files {
        let io_err = |e: std::io::Error| StoreError::Io {
            path: f.path.clone(),
            message: e.to_string(),
        };
        let mut h = Sha256::new();
        let mut size = 0u64;
        match &f.data {
            Some(d) => {
                h.update(d);
                size = d.len() as u64;
            }
            None => {
                let mut file = std::fs::File::open(&f.path).map_err(io_err)?;
                let mut buf = vec![0u8; 1 << 16];
                loop {
                    let n = file.read(&mut buf).map_err(io_err)?;
                    if n == 0 {
                        break;
                    }
                    h.update(&buf[..n]);
                    size += n as u64;
                }
            }
        }
        let sha = hex::encode(h.finalize());
        // Only the file name enters the content hash: the same files moved elsewhere are the
        // same version.
        let name = f
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        all.update(b"\0");
        all.update(name.as_bytes());
        all.update(b"\0");
        all.update(sha.as_bytes());
        infos.push(FileInfo {
            path: f.path.display().to_string(),
            size,
            sha256: sha,
        });
    }
    Ok((infos, hex::encode(all.finalize())))
}

/// Forwards to the version sink and reports progress every few thousand entities.
struct ProgressSink<'a, 't, 's> {
    inner: &'a mut VersionSink<'t, 's>,
    observer: &'a dyn IngestObserver,
    source: &'a str,
    seen: u64,
}

impl EntitySink for ProgressSink<'_, '_, '_> {
    fn entity(&mut self, entity: Entity) -> Result<(), ListError> {
        self.seen += 1;
        if self.seen.is_multiple_of(2048) {
            self.observer.entities_parsed(self.source, self.seen);
        }
        self.inner.entity(entity)
    }

    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.inner.diagnostic(diagnostic);
    }
}

fn ingest_one(
    store: &Store,
    plan: &SourcePlan,
    options: &IngestOptions,
    observer: &dyn IngestObserver,
) -> Result<SourceOutcome, StoreError> {
    let (files, content_hash) = hash_files(plan)?;
    observer.source_started(plan, files.iter().map(|f| f.size).sum());
    let state = store.source_state(&plan.source_id)?.unwrap_or_default();
    if let (Some(current), false) = (state.current, options.force) {
        let cur = store.version(&plan.source_id, current)?;
        if cur.content_hash == content_hash {
            store.record_unchanged(&plan.source_id)?;
            return Ok(SourceOutcome {
                status: IngestStatus::Unchanged { version: current },
                entity_count: cur.entity_count,
                schema_counts: cur.schema_counts,
                publication_date: cur.publication_date,
                warning_count: cur.warning_count,
                warnings: cur.warnings,
                ..failed(plan, "", String::new())
            });
        }
    }
    let result = store.write_version(
        &plan.source_id,
        &content_hash,
        |sink| {
            let mut progress = ProgressSink {
                inner: sink,
                observer,
                source: &plan.source_id,
                seen: 0,
            };
            parse_source(plan, &mut progress)
        },
        |version, sink, outcome| SourceVersion {
            source: plan.source_id.clone(),
            version,
            format: plan.format.to_string(),
            files: files.clone(),
            content_hash: content_hash.clone(),
            publication_date: outcome.publication_date,
            title: outcome.title,
            ingested_at: now_rfc3339(),
            entity_count: sink.entity_count,
            schema_counts: sink.schema_counts.clone(),
            warning_count: sink.warning_count,
            warnings: sink.warnings.clone(),
        },
    )?;
    match result {
        Ok(v) => Ok(SourceOutcome {
            status: IngestStatus::Stored { version: v.version },
            entity_count: v.entity_count,
            schema_counts: v.schema_counts,
            publication_date: v.publication_date,
            warning_count: v.warning_count,
            warnings: v.warnings,
            ..failed(plan, "", String::new())
        }),
        Err(e) => {
            let message = e.to_string();
            store.record_failure(&plan.source_id, e.code(), &message)?;
            Ok(failed(plan, e.code(), message))
        }
    }
}

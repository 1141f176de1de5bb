//! Cordon's embedded store: every list source, every version, kept safe.
//!
//! The store is one [redb] file (no server). Each list source (`ofac-sdn`, `un-sc`, …) has
//! numbered versions; a version records its files with their sha256, the list's own publication
//! date, when it was ingested and how many entities of each schema it holds. Ingest is atomic per
//! source: the new version is written in one transaction that commits only when the whole source
//! parsed, so a failed, truncated or empty download never replaces the last good version, and the
//! other sources still load. Re-ingesting identical files makes no new version. [`Store::diff`]
//! reports what changed between two versions (the change log later issues re-screen from).
//!
//! ```no_run
//! use cordon_store::{IngestOptions, Store, ingest_dir};
//!
//! let store = Store::open("cordon.redb".as_ref())?;
//! let report = ingest_dir(&store, "../shared/data/lists".as_ref(), &IngestOptions::default());
//! for s in &report.sources {
//!     println!("{} {:?}", s.source, s.status);
//! }
//! if let Some(lazarus) = store.entity("ofac-27307")? {
//!     println!("{}", lazarus.caption);
//! }
//! # Ok::<(), cordon_store::StoreError>(())
//! ```

mod diff;
mod error;
mod ingest;
mod store;

pub use diff::{Diff, EntityChange, EntityRef, PropertyChange};
pub use error::StoreError;
pub use ingest::{
    IngestObserver, IngestOptions, IngestReport, IngestStatus, SourceOutcome, ingest_dir,
    ingest_dir_with, ingest_plans,
};
pub use store::{
    FileInfo, KEPT_WARNINGS, LastError, SourceState, SourceVersion, Store, default_db_path,
};

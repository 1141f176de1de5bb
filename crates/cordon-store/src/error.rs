use std::path::PathBuf;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open store {}: {message}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why (e.g. another process holds it).
        message: String,
    },
    /// A storage-level failure (I/O, corruption) inside redb.
    #[error("store failure: {0}")]
    Storage(String),
    /// A stored record could not be decoded: the store is from an incompatible version or damaged.
    #[error("stored record {key} is unreadable: {message}")]
    Corrupt {
        /// Which record.
        key: String,
        /// Why.
        message: String,
    },
    /// No such source.
    #[error("unknown source {0:?}")]
    UnknownSource(String),
    /// No such version of a source.
    #[error("source {source_id} has no version {version}")]
    UnknownVersion {
        /// The source.
        source_id: String,
        /// The missing version.
        version: u32,
    },
    /// A file of the source could not be read while hashing it.
    #[error("{}: cannot read: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

impl StoreError {
    /// A stable code for this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "store-open",
            StoreError::Storage(_) => "store-io",
            StoreError::Corrupt { .. } => "store-corrupt",
            StoreError::UnknownSource(_) => "unknown-source",
            StoreError::UnknownVersion { .. } => "unknown-version",
            StoreError::Io { .. } => "io",
        }
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Storage(e.to_string())
            }
        }
    )*};
}

from_redb!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

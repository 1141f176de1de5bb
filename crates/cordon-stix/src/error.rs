use std::path::PathBuf;

/// Why a bundle could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StixError {
    /// The file could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The bundle is larger than the limit.
    #[error(
        "{path}: bundle is {size} bytes, over the {limit}-byte limit; split it (e.g. one bundle per TAXII page)"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or the bytes read before giving up).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not JSON.
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's message.
        message: String,
    },
    /// JSON, but not a STIX 2.1 bundle.
    #[error("{path}: not a STIX 2.1 bundle: {message} (field {field})")]
    NotABundle {
        /// The file.
        path: PathBuf,
        /// The offending field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Two objects share an id and a `modified` time but differ: which one is right cannot be told.
    #[error(
        "{path}: objects[{index}] {id}: duplicate id with different content and the same version (modified {modified})"
    )]
    ConflictingDuplicate {
        /// The file.
        path: PathBuf,
        /// Index of the second object in `objects`.
        index: usize,
        /// The id.
        id: String,
        /// The shared `modified` value.
        modified: String,
    },
}

impl StixError {
    /// A stable code for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            StixError::Io { .. } => "stix-io",
            StixError::TooLarge { .. } => "stix-too-large",
            StixError::Json { .. } => "stix-invalid-json",
            StixError::NotABundle { .. } => "stix-not-a-bundle",
            StixError::ConflictingDuplicate { .. } => "stix-conflicting-duplicate",
        }
    }
}

use std::path::PathBuf;

/// Errors of the transaction store. Each has a stable [`TxError::code`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// Reading or writing a file failed.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause: part of the message, not an error source, so that a report printing
        /// the whole chain does not say it twice.
        cause: std::io::Error,
    },
    /// A CSV file could not be parsed at all.
    #[error("{path}: line {line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What went wrong.
        message: String,
    },
    /// A required column is absent from the header.
    #[error("{path}: missing column {column:?} (header has: {header})")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column that is needed.
        column: String,
        /// The header that was found.
        header: String,
    },
    /// The header matches none of the known export layouts.
    #[error("{path}: unknown CSV layout (header: {header})")]
    UnknownLayout {
        /// The file.
        path: PathBuf,
        /// The header that was found.
        header: String,
    },
    /// The owner given for a per-address export is not an address of the file's chain.
    #[error("{path}: owner {owner:?} is not a valid address: {message}")]
    BadOwner {
        /// The file.
        path: PathBuf,
        /// The owner as given.
        owner: String,
        /// Why (with the address error's code).
        message: String,
    },
    /// A stored graph directory is damaged or from another version.
    #[error("{path}: corrupt store: {message}")]
    Corrupt {
        /// The file or directory.
        path: PathBuf,
        /// What is inconsistent.
        message: String,
    },
    /// Parquet or Arrow failed.
    #[error("{path}: parquet: {message}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },
    /// A transfer given to the streamed writer is earlier than the one before it.
    #[error("transfer {index}: out of time order: {message}")]
    OutOfOrder {
        /// 0-based index of the transfer in the input.
        index: u64,
        /// The keys compared.
        message: String,
    },
    /// Too many transfers or addresses for 32-bit ids.
    #[error("capacity exceeded: {0}")]
    Capacity(String),
}

impl TxError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            TxError::Io { .. } => "tx.io",
            TxError::Csv { .. } => "tx.csv",
            TxError::MissingColumn { .. } => "tx.missing_column",
            TxError::UnknownLayout { .. } => "tx.unknown_layout",
            TxError::BadOwner { .. } => "tx.bad_owner",
            TxError::Corrupt { .. } => "tx.corrupt",
            TxError::Parquet { .. } => "tx.parquet",
            TxError::OutOfOrder { .. } => "tx.out_of_order",
            TxError::Capacity(_) => "tx.capacity",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TxError::Io {
            path: path.into(),
            cause: source,
        }
    }
}

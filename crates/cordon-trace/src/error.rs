/// Errors of tracing. Each has a stable [`TraceError::code`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    /// The address is not in the store.
    #[error("address {0} is not in the transaction store")]
    UnknownAddress(String),
    /// An unknown category name.
    #[error(
        "unknown category {0:?} (sanctioned, dprk, mixer, bridge, theft, exchange, dex, victim, poisoning, token, other)"
    )]
    UnknownCategory(String),
    /// A label file could not be read.
    #[error("labels: {0}")]
    Labels(String),
    /// A query parameter is invalid (direction, rule, asset).
    #[error("{0}")]
    BadQuery(String),
    /// No transaction graph could be opened in a directory.
    #[error("no transaction graph in {dir} (run `cordon tx ingest FILES --graph {dir}` first): {cause}", dir = dir.display())]
    NoGraph {
        /// The directory.
        dir: std::path::PathBuf,
        /// Why: part of the message, not an error source, so that it is printed once.
        cause: cordon_tx::TxError,
    },
    /// The store failed.
    #[error(transparent)]
    Tx(#[from] cordon_tx::TxError),
}

impl TraceError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            TraceError::UnknownAddress(_) => "trace.unknown_address",
            TraceError::UnknownCategory(_) => "trace.unknown_category",
            TraceError::Labels(_) => "trace.labels",
            TraceError::BadQuery(_) => "trace.bad_query",
            TraceError::NoGraph { .. } => "trace.no_graph",
            TraceError::Tx(e) => e.code(),
        }
    }
}

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
            TraceError::Tx(e) => e.code(),
        }
    }
}

//! Errors of the linkage engine (configuration and input problems that stop a run; problems in
//! single records are [`cordon_model::Diagnostic`]s instead).

/// Why a linkage run could not start.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ErError {
    /// A comparison or blocking rule names a field the dataset does not have.
    #[error("unknown field {0:?}")]
    UnknownField(String),
    /// A parameter is out of range or inconsistent.
    #[error("bad configuration: {0}")]
    Config(String),
}

impl ErError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ErError::UnknownField(_) => "er-unknown-field",
            ErError::Config(_) => "er-config",
        }
    }
}

//! Errors that stop a whole run (a bad rules file or IP database); bad records are diagnostics.

use std::path::PathBuf;

/// An error that stops the run.
#[derive(Debug, thiserror::Error)]
pub enum ApplicantError {
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The rules file is not valid.
    #[error("rules file {}: {message}", path.display())]
    Rules {
        /// The file.
        path: PathBuf,
        /// What is wrong (with line and column from the YAML parser).
        message: String,
    },
    /// The IP database could not be read.
    #[error("IP database {}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    IpDb {
        /// The file.
        path: PathBuf,
        /// The CSV line, when known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// The linkage engine refused its input.
    #[error("linkage: {0}")]
    Linkage(#[from] cordon_er::ErError),
}

impl ApplicantError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApplicantError::Io { .. } => "io",
            ApplicantError::Rules { .. } => "bad-rules",
            ApplicantError::IpDb { .. } => "bad-ipdb",
            ApplicantError::Linkage(_) => "linkage",
        }
    }
}

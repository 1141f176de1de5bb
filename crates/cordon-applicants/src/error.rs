//! Errors that stop a whole run (a bad rules file or IP database); bad records are diagnostics.

use std::path::PathBuf;

/// An error that stops the run.
#[derive(Debug, thiserror::Error)]
pub enum ApplicantError {
    /// A file could not be read.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why: part of the message, not an error source, so that a report printing the whole
        /// chain does not say it twice.
        cause: std::io::Error,
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
    Linkage(cordon_er::ErError),
}

// By hand rather than `#[from]`, which would also make the linkage error this one's source
// and a report printing the whole chain would say it twice.
impl From<cordon_er::ErError> for ApplicantError {
    fn from(e: cordon_er::ErError) -> Self {
        ApplicantError::Linkage(e)
    }
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

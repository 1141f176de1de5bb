use std::io;
use std::path::{Path, PathBuf};

use cordon_model::Location;

/// Why a source could not be read. Any of these means the source's last good version must be
/// kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ListError {
    /// The file could not be opened or read.
    #[error("{}: cannot read: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause: part of the message, not an error source, so that a report printing
        /// the whole chain does not say it twice.
        cause: io::Error,
    },
    /// The file is not well-formed (broken CSV quoting, truncated XML, invalid JSON…).
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// What.
        message: String,
    },
    /// The bytes are not in the encoding the format requires.
    #[error("{location}: {message}")]
    Encoding {
        /// Where.
        location: Location,
        /// What.
        message: String,
    },
    /// A file the format requires is missing (e.g. `sdn.csv` without which the companions mean nothing).
    #[error("{}: {message}", path.display())]
    MissingFile {
        /// The file or directory concerned.
        path: PathBuf,
        /// What is missing.
        message: String,
    },
    /// The source is valid but describes no entity at all.
    #[error("{}: describes no entities; refusing to replace the stored list with an empty one", path.display())]
    NoEntities {
        /// The (first) file of the source.
        path: PathBuf,
    },
    /// The sink refused an entity (e.g. the store failed).
    #[error("cannot store parsed entity: {0}")]
    Sink(String),
}

impl ListError {
    /// An I/O error on a path.
    pub fn io(path: &Path, cause: io::Error) -> Self {
        ListError::Io {
            path: path.to_owned(),
            cause,
        }
    }

    /// A syntax error at a location.
    pub fn syntax(location: Location, message: impl Into<String>) -> Self {
        ListError::Syntax {
            location,
            message: message.into(),
        }
    }

    /// A stable code for this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            ListError::Io { .. } => "io",
            ListError::Syntax { .. } => "syntax",
            ListError::Encoding { .. } => "encoding",
            ListError::MissingFile { .. } => "missing-file",
            ListError::NoEntities { .. } => "no-entities",
            ListError::Sink(_) => "store",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a binary printing the whole chain (`anyhow`'s `{:#}`) shows.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut text = e.to_string();
        let mut next = e.source();
        while let Some(s) = next {
            text = format!("{text}: {s}");
            next = s.source();
        }
        text
    }

    #[test]
    fn regression_io_error_says_its_cause_once() {
        let e = ListError::io(Path::new("lists/sdn.csv"), io::Error::other("disk on fire"));
        assert_eq!(chain(&e), "lists/sdn.csv: cannot read: disk on fire");
    }
}

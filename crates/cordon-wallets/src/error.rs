use std::path::PathBuf;

/// Why a TagPack file could not be read at all. Problems with single tags are diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// The file could not be read.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// Larger than any TagPack should be.
    #[error("{}: {bytes} bytes is too large for a TagPack", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// Not UTF-8.
    #[error("{}: not UTF-8 at byte {byte}", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// First invalid byte.
        byte: u64,
    },
    /// Not valid YAML.
    #[error("{}{}: invalid YAML: {message}", path.display(),
        line.map(|l| format!(":{l}:{}", column.unwrap_or(0))).unwrap_or_default())]
    Yaml {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: Option<u64>,
        /// 1-based column.
        column: Option<u64>,
        /// The parser's message.
        message: String,
    },
    /// Valid YAML, but not a TagPack.
    #[error("{}: field {field:?}: {message}", path.display())]
    Structure {
        /// The file.
        path: PathBuf,
        /// The field at fault (`tags`).
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl WalletError {
    /// A stable code for the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            WalletError::Io { .. } => "tagpack-io",
            WalletError::TooLarge { .. } => "tagpack-too-large",
            WalletError::Encoding { .. } => "tagpack-encoding",
            WalletError::Yaml { .. } => "tagpack-yaml",
            WalletError::Structure { .. } => "tagpack-structure",
        }
    }
}

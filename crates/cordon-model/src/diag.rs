use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The record was read, but something in it was odd or dropped.
    Warning,
    /// The record (or the file) could not be read.
    Error,
}

/// Where in an input something was found. Every part is optional; the more the better.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// 1-based line (CSV record line, JSON line, XML line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 0-based byte offset into the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte: Option<u64>,
    /// Spreadsheet sheet, XML element path or JSON path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The field or column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The source record's own id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Location {
    /// A location in a file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            file: Some(path.into()),
            ..Default::default()
        }
    }

    /// Sets the line.
    #[must_use]
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the byte offset.
    #[must_use]
    pub fn byte(mut self, byte: u64) -> Self {
        self.byte = Some(byte);
        self
    }

    /// Sets the section (sheet, element path).
    #[must_use]
    pub fn section(mut self, section: impl Into<String>) -> Self {
        self.section = Some(section.into());
        self
    }

    /// Sets the field.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Sets the record id.
    #[must_use]
    pub fn record(mut self, record: impl Into<String>) -> Self {
        self.record = Some(record.into());
        self
    }
}

impl fmt::Display for Location {
    /// `file:line (byte N) [section] field F record R`, leaving out what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            if first {
                first = false;
                Ok(())
            } else {
                f.write_str(" ")
            }
        };
        if let Some(file) = &self.file {
            sep(f)?;
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
        } else if let Some(line) = self.line {
            sep(f)?;
            write!(f, "line {line}")?;
        }
        if let Some(b) = self.byte {
            sep(f)?;
            write!(f, "(byte {b})")?;
        }
        if let Some(s) = &self.section {
            sep(f)?;
            write!(f, "[{s}]")?;
        }
        if let Some(field) = &self.field {
            sep(f)?;
            write!(f, "field {field:?}")?;
        }
        if let Some(r) = &self.record {
            sep(f)?;
            write!(f, "record {r}")?;
        }
        Ok(())
    }
}

/// A warning or error about input, with a stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// Stable code, e.g. `bad-date`, `unknown-file`, `csv-quoting`.
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
    /// Where.
    pub location: Location,
}

impl Diagnostic {
    /// A warning.
    pub fn warning(code: &str, message: impl Into<String>, location: Location) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code: code.to_owned(),
            message: message.into(),
            location,
        }
    }

    /// An error.
    pub fn error(code: &str, message: impl Into<String>, location: Location) -> Self {
        Diagnostic {
            severity: Severity::Error,
            ..Diagnostic::warning(code, message, location)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{sev}[{}]: {}: {}",
            self.code, self.location, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_everything() {
        let d = Diagnostic::error(
            "csv-quoting",
            "unterminated quote",
            Location::file("lists/sdn.csv")
                .line(12)
                .byte(480)
                .field("remarks"),
        );
        assert_eq!(
            d.to_string(),
            "error[csv-quoting]: lists/sdn.csv:12 (byte 480) field \"remarks\": unterminated quote"
        );
    }
}

//! Helpers shared by the parsers. Put anything two parsers need here, once.

use std::path::{Path, PathBuf};

use cordon_model::{Diagnostic, Entity, Location};

use crate::{Detection, EntitySink, ListError};

/// Adds the source id to every entity and counts them.
pub(crate) struct CountingSink<'a> {
    pub(crate) inner: &'a mut dyn EntitySink,
    pub(crate) source: &'a str,
    pub(crate) count: u64,
}

impl EntitySink for CountingSink<'_> {
    fn entity(&mut self, mut entity: Entity) -> Result<(), ListError> {
        entity.add_dataset(self.source);
        entity.finish();
        self.count += 1;
        self.inner.entity(entity)
    }

    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.inner.diagnostic(diagnostic);
    }
}

pub(crate) fn sniff_never(_: &Path, _: &[u8]) -> Option<Detection> {
    None
}

/// Files that sit beside lists but are not lists: never reported as unknown.
pub(crate) fn is_documentation(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with("readme")
        || name.starts_with("license")
        || name.starts_with("provenance")
        || name == "format.md"
        || name.ends_with(".md")
}

/// Recursively lists files under `dir`, sorted, skipping hidden entries.
pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                "unreadable-dir",
                e.to_string(),
                Location::file(dir),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, diags);
        } else {
            out.push(p);
        }
    }
}

/// The file name, lower-cased, for name-based hints.
pub(crate) fn file_name_lower(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The head as text if it is valid UTF-8 (a cut multi-byte character at the end is tolerated).
pub(crate) fn head_text(head: &[u8]) -> Option<&str> {
    match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

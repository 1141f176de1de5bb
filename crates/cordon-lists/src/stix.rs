//! STIX 2.1 bundles as watch-list sources (an agency advisory, the Republic of Korea's
//! independent designations). The mapping lives in `cordon-stix`; this module makes a bundle a
//! source like any list so it gets versions, diffs and screening.

use std::path::Path;

use cordon_model::Location;

use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourcePlan};

/// A file is a STIX bundle when its first JSON keys say `"type": "bundle"` and it has objects.
pub(crate) fn sniff(path: &Path, head: &[u8]) -> Option<Detection> {
    let text = std::str::from_utf8(head.get(..head.len().min(4096))?).ok()?;
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('{') {
        return None;
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if !(compact.contains("\"type\":\"bundle\"") && compact.contains("\"id\":\"bundle--")) {
        return None;
    }
    let stem = path.file_stem()?.to_str()?.to_ascii_lowercase();
    let slug: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Some(Detection {
        format: Format::StixBundle,
        source_id: format!("stix-{}", slug.trim_matches('-')),
        role: Role::Primary,
    })
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut title = None;
    let mut publication_date = None;
    for f in &plan.files {
        // On disk, read_bundle stops at the size limit instead of loading a huge file.
        let checked = match &f.data {
            Some(d) => cordon_stix::parse_bundle(&f.path, d),
            None => cordon_stix::read_bundle(&f.path),
        }
        .map_err(|e| {
            let msg = e.to_string();
            let prefix = f.path.display().to_string();
            let msg = msg
                .strip_prefix(&prefix)
                .unwrap_or(&msg)
                .trim_start_matches(':');
            ListError::syntax(
                Location::file(&f.path),
                format!("[{}] {}", e.code(), msg.trim()),
            )
        })?;
        for d in checked.diagnostics {
            sink.diagnostic(d);
        }
        let imported = cordon_stix::bundle_to_entities(&checked.bundle, &f.path);
        for d in imported.diagnostics {
            sink.diagnostic(d);
        }
        if title.is_none() {
            title = imported.producer.map(|p| format!("STIX bundle from {p}"));
        }
        if imported.as_of > publication_date {
            publication_date = imported.as_of;
        }
        if imported.entities.is_empty() {
            sink.diagnostic(cordon_model::Diagnostic::warning(
                "stix-no-entries",
                "the bundle holds no object Cordon maps to a watch-list entry",
                Location::file(&f.path),
            ));
        }
        for e in imported.entities {
            sink.entity(e)?;
        }
    }
    Ok(ParseOutcome {
        publication_date,
        title,
    })
}

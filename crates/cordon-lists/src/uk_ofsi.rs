//! OFSI's consolidated list of financial sanctions targets, `ConList.csv`.
//!
//! The file starts with a `Last Updated,<dd/mm/yyyy>` line, then a header, then one line per
//! name of a target: all lines of one target share its `Group ID`. Newer files carry the
//! target's `UK Sanctions List Ref` too; the entity id is then `uk-<ref>`, the same id as in the
//! UK Sanctions List, and `uk-ofsi-<Group ID>` otherwise. Older downloads are Windows-1252.

use std::path::Path;

use crate::ofac_crypto::decode_text;
use crate::uk_sl::{emit_groups, head_lines, read_grouped_csv, row_text};
use crate::util::dmy_date;
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourcePlan};

pub(crate) fn sniff(_path: &Path, head: &[u8]) -> Option<Detection> {
    let (first, second) = head_lines(head)?;
    let header = if first.starts_with("Last Updated,") {
        second
    } else {
        first
    };
    let is_conlist = header.starts_with("Name 6,")
        && header.contains("Group ID")
        && header.contains("Alias Type");
    is_conlist.then(|| Detection {
        format: Format::UkOfsiCsv,
        source_id: "uk-ofsi".into(),
        role: Role::Primary,
    })
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut outcome = ParseOutcome {
        publication_date: None,
        title: Some("OFSI Consolidated List of Financial Sanctions Targets".into()),
    };
    for file in plan.files.iter().filter(|f| f.role == Role::Primary) {
        let bytes = file.bytes()?;
        let text = decode_text(&bytes, &file.path, sink);
        let mut start = 0;
        if let Some(first) = text.lines().next()
            && let Some(date) = first.trim().strip_prefix("Last Updated,")
        {
            if outcome.publication_date.is_none() {
                outcome.publication_date =
                    dmy_date(date.trim().trim_matches(',')).map(|d| d.to_string());
            }
            start = first.len();
        }
        let groups = read_grouped_csv(
            file,
            &text,
            start,
            &|row| row_text(row, "groupid").map(str::to_owned),
            sink,
        )?;
        // The id follows the UK Sanctions List reference when the group has one on any line.
        let refs: std::collections::HashMap<String, String> = groups
            .iter()
            .filter_map(|g| {
                let r = g
                    .rows
                    .iter()
                    .find_map(|(row, _)| row_text(row, "uksanctionslistref"))?;
                Some((g.key.clone(), r.to_owned()))
            })
            .collect();
        emit_groups(
            groups,
            |key| {
                refs.get(key)
                    .map_or_else(|| format!("uk-ofsi-{key}"), |r| format!("uk-{r}"))
            },
            sink,
        )?;
    }
    Ok(outcome)
}

//! FollowTheMoney JSON lines, in (OpenSanctions exports, `cordon export --format ftm`) and out.
//!
//! Each line is one entity: `{"id", "schema", "properties": {name: [values]}, "caption",
//! "datasets", …}`. A file is one source, `ftm-<file stem>` (lower case, other characters as
//! `-`): `sanctions.ftm.json` is source `ftm-sanctions-ftm`. The schemata Cordon screens are
//! read (PublicBody as Organization); the others (Sanction, Address, Ownership, Identification,
//! …) are counted and reported in one warning per file. Property names Cordon does not know are
//! kept as they are. The entity's own `datasets` are kept and the source id is added to them.

use std::collections::BTreeMap;
use std::io::{BufRead, Read as _};
use std::path::Path;

use cordon_model::{Diagnostic, Entity, Location, Schema};
use serde::Deserialize;

use crate::util;
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

/// Longer lines are refused rather than read into memory.
pub(crate) const MAX_LINE_BYTES: usize = 64 << 20;

pub(crate) fn sniff(path: &Path, head: &[u8]) -> Option<Detection> {
    let first = first_json_line(head)?;
    let keys = ["\"id\"", "\"schema\"", "\"properties\""];
    if !keys.iter().all(|k| first.contains(k)) {
        return None;
    }
    // A complete first line must really be an object with those keys; a cut one (a very long
    // entity) is judged by its keys.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(first) {
        let ok = v.get("schema").is_some_and(serde_json::Value::is_string)
            && v.get("properties")
                .is_some_and(serde_json::Value::is_object);
        if !ok {
            return None;
        }
    }
    Some(Detection {
        format: Format::FtmJson,
        source_id: source_id(path),
        role: Role::Primary,
    })
}

/// The first non-empty line of a head that starts with `{`.
pub(crate) fn first_json_line(head: &[u8]) -> Option<&str> {
    let text = util::head_text(head)?.trim_start_matches('\u{feff}');
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    line.starts_with('{').then_some(line)
}

fn source_id(path: &Path) -> String {
    let stem = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("ftm")
        .trim_end_matches(".jsonl")
        .trim_end_matches(".json")
        .trim_end_matches(".ndjson");
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("ftm-{}", slug.trim_matches('-'))
}

#[derive(Deserialize)]
struct RawEntity {
    #[serde(default)]
    id: String,
    #[serde(default)]
    schema: String,
    #[serde(default)]
    properties: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    datasets: Vec<String>,
}

#[allow(clippy::result_large_err)]
pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    for file in &plan.files {
        parse_file(file, sink)?;
    }
    Ok(ParseOutcome::default())
}

/// One line of a JSON-lines file: its 1-based number, byte offset and text.
pub(crate) struct JsonLine {
    pub(crate) line: u64,
    pub(crate) byte: u64,
    pub(crate) text: String,
    /// Whether the line ended with a newline (the last line of a cut file does not).
    pub(crate) complete: bool,
}

/// Reads JSON lines one at a time; bytes that are not UTF-8 and over-long lines are file-level
/// errors naming the line.
pub(crate) struct JsonLines<'a> {
    reader: Box<dyn BufRead + Send + 'a>,
    file: &'a SourceFile,
    line: u64,
    byte: u64,
    buf: Vec<u8>,
}

impl<'a> JsonLines<'a> {
    #[allow(clippy::result_large_err)]
    pub(crate) fn new(file: &'a SourceFile) -> Result<Self, ListError> {
        Ok(JsonLines {
            reader: file.open()?,
            file,
            line: 0,
            byte: 0,
            buf: Vec::new(),
        })
    }

    /// The next non-blank line, `None` at the end.
    #[allow(clippy::result_large_err)]
    pub(crate) fn next_line(&mut self) -> Result<Option<JsonLine>, ListError> {
        loop {
            self.buf.clear();
            let start = self.byte;
            let n = (&mut self.reader)
                .take(MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| ListError::io(&self.file.path, e))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            self.byte += n as u64;
            let loc = || self.file.loc().line(self.line).byte(start);
            if n > MAX_LINE_BYTES {
                return Err(ListError::syntax(
                    loc(),
                    format!("line longer than {MAX_LINE_BYTES} bytes"),
                ));
            }
            let complete = self.buf.last() == Some(&b'\n');
            let bytes = if self.line == 1 {
                self.buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&self.buf)
            } else {
                &self.buf
            };
            let text = std::str::from_utf8(bytes).map_err(|e| ListError::Encoding {
                location: self
                    .file
                    .loc()
                    .line(self.line)
                    .byte(start + e.valid_up_to() as u64),
                message: "not valid UTF-8".into(),
            })?;
            if text.trim().is_empty() {
                continue;
            }
            return Ok(Some(JsonLine {
                line: self.line,
                byte: start,
                text: text.trim().to_owned(),
                complete,
            }));
        }
    }

    /// The next line that parses as `T`, with its location. A line that does not parse is
    /// reported as `bad-json` (prefixed with `what`) and skipped; a cut-off last line is a
    /// truncation error, because the file as a whole is then incomplete.
    #[allow(clippy::result_large_err)]
    pub(crate) fn next_parsed<T: serde::de::DeserializeOwned>(
        &mut self,
        sink: &mut dyn EntitySink,
        what: &str,
    ) -> Result<Option<(T, Location)>, ListError> {
        while let Some(l) = self.next_line()? {
            let loc = self.file.loc().line(l.line).byte(l.byte);
            match serde_json::from_str(&l.text) {
                Ok(value) => return Ok(Some((value, loc))),
                Err(e) if !l.complete && e.is_eof() => {
                    return Err(ListError::syntax(
                        loc,
                        format!("truncated file: the last line is cut off ({e})"),
                    ));
                }
                Err(e) => sink.diagnostic(Diagnostic::error(
                    "bad-json",
                    format!("{what}{e}; line skipped"),
                    loc,
                )),
            }
        }
        Ok(None)
    }
}

#[allow(clippy::result_large_err)]
fn parse_file(file: &SourceFile, sink: &mut dyn EntitySink) -> Result<(), ListError> {
    let mut lines = JsonLines::new(file)?;
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    while let Some((raw, loc)) = lines.next_parsed::<RawEntity>(sink, "not an FtM entity: ")? {
        let schema = match raw.schema.as_str() {
            "PublicBody" => Schema::Organization,
            s => match Schema::ALL.into_iter().find(|x| x.as_str() == s) {
                Some(x) => x,
                None => {
                    *skipped.entry(raw.schema.clone()).or_default() += 1;
                    continue;
                }
            },
        };
        if raw.id.trim().is_empty() {
            sink.diagnostic(Diagnostic::error(
                "missing-id",
                "entity has no id; line skipped",
                loc.field("id"),
            ));
            continue;
        }
        let loc = loc.record(raw.id.clone());
        let mut e = Entity::new(raw.id.trim(), schema);
        for (name, value) in &raw.properties {
            add_values(&mut e, name, value, sink, &loc);
        }
        for d in &raw.datasets {
            e.add_dataset(d);
        }
        if let Some(c) = raw.caption.filter(|c| !c.trim().is_empty()) {
            e.caption = c.trim().to_owned();
        }
        sink.entity(e)?;
    }
    if !skipped.is_empty() {
        let total: u64 = skipped.values().sum();
        let list: Vec<String> = skipped.iter().map(|(s, n)| format!("{s} {n}")).collect();
        sink.diagnostic(Diagnostic::warning(
            "skipped-schema",
            format!(
                "{total} entities of schemata Cordon does not screen were skipped: {}",
                list.join(", ")
            ),
            Location::file(&file.path),
        ));
    }
    Ok(())
}

/// FtM values are arrays of strings; a bare string, a number or a nested entity (its `id`) is
/// accepted too. Anything else is reported.
fn add_values(
    e: &mut Entity,
    name: &str,
    value: &serde_json::Value,
    sink: &mut dyn EntitySink,
    loc: &Location,
) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::String(s) => e.add(name, s),
        Value::Number(n) => e.add(name, n.to_string()),
        Value::Bool(b) => e.add(name, b.to_string()),
        Value::Array(items) => {
            for item in items {
                add_values(e, name, item, sink, loc);
            }
        }
        Value::Object(o) => match o.get("id").and_then(Value::as_str) {
            Some(id) => e.add(name, id),
            None => sink.diagnostic(Diagnostic::warning(
                "bad-value",
                format!("property {name} holds an object without an id; left out"),
                loc.clone().field(name),
            )),
        },
    }
}

/// Writes entities as FtM JSON lines.
pub fn write_ftm<'a, W: std::io::Write>(
    out: &mut W,
    entities: impl IntoIterator<Item = &'a cordon_model::Entity>,
) -> std::io::Result<()> {
    for e in entities {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_id_from_file_name() {
        assert_eq!(
            source_id(Path::new("x/Sanctions.ftm.json")),
            "ftm-sanctions-ftm"
        );
        assert_eq!(source_id(Path::new("entities.jsonl")), "ftm-entities");
    }

    #[test]
    fn sniff_needs_ftm_shape() {
        let p = Path::new("a.json");
        assert!(sniff(p, br#"{"id":"x","schema":"Person","properties":{}}"#).is_some());
        assert!(sniff(p, br#"{"id":"x","schema":"Person","properties":[]}"#).is_none());
        assert!(sniff(p, br#"{"list_id":"x","record_id":"1","name":"A"}"#).is_none());
    }
}

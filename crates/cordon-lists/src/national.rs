//! Cordon's format for national and internal lists (`docs/list-formats.md`, "National and
//! internal lists"): CSV with a header row, or JSON lines, one record per row or line.
//!
//! The source id is the list's own `list_id` (from a `# list_id:` comment, a `{"list": {...}}`
//! line, or the first record); entity ids are `<list_id>-<record_id>`. Each `chain:address` in
//! `wallets` becomes a CryptoWallet entity (`wallet-<chain>-<address>`, built by the same
//! `Wallets` as OFAC's addresses, so it is validated the same way) whose `holder` is the
//! record. Rows that cannot be read (missing id or name, unknown schema, another list's id) are
//! reported with their line and field and skipped; bad optional values (a date, a country, a
//! wallet) are reported and kept in `notes` while the rest of the row is read as usual.

use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use cordon_address::Chain;
use cordon_model::{Diagnostic, Entity, Location, Schema, prop};
use serde_json::Value;

use crate::ftm::{JsonLines, first_json_line};
use crate::ofac_crypto::Wallets;
use crate::util;
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

/// Every field of the format, in documentation order.
const FIELDS: [&str; 20] = [
    "list_id",
    "record_id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "nationality",
    "country",
    "gender",
    "id_number",
    "passport_number",
    "address",
    "email",
    "phone",
    "website",
    "wallets",
    "program",
    "listing_date",
    "notes",
    "source_url",
];

/// Fields that hold one value; all others are `;`-separated in CSV and arrays in JSON.
const SINGLE: [&str; 6] = [
    "list_id",
    "record_id",
    "schema",
    "name",
    "listing_date",
    "notes",
];

const REQUIRED: [&str; 3] = ["list_id", "record_id", "name"];

pub(crate) fn sniff(path: &Path, head: &[u8]) -> Option<Detection> {
    if let Some(line) = first_json_line(head) {
        return sniff_json(path, line);
    }
    sniff_csv(path, head)
}

fn sniff_json(path: &Path, line: &str) -> Option<Detection> {
    let (is_meta, list_id) = match serde_json::from_str::<Value>(line) {
        Ok(v) => {
            let meta = v
                .get("list")
                .and_then(|l| l.get("id"))
                .and_then(Value::as_str);
            let rec = (v.get("record_id").is_some())
                .then(|| v.get("list_id").and_then(Value::as_str))
                .flatten();
            (
                v.get("list").is_some_and(Value::is_object),
                meta.or(rec).map(str::to_owned),
            )
        }
        Err(_) => (false, None),
    };
    let looks = is_meta
        || list_id.is_some()
        || (line.contains("\"list_id\"") && line.contains("\"record_id\""));
    looks.then(|| Detection {
        format: Format::NationalJson,
        source_id: list_id
            .filter(|l| valid_list_id(l))
            .unwrap_or_else(|| stem_id(path)),
        role: Role::Primary,
    })
}

fn sniff_csv(path: &Path, head: &[u8]) -> Option<Detection> {
    let text = util::head_text(head)?.trim_start_matches('\u{feff}');
    let mut meta = Meta::default();
    let mut lines = text.lines();
    let header = loop {
        let l = lines.next()?;
        if l.trim().is_empty() {
            continue;
        }
        match l.strip_prefix('#') {
            Some(c) => meta.read_comment(c),
            None => break l,
        }
    };
    let cols: Vec<&str> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    if !REQUIRED.iter().all(|r| cols.contains(r)) {
        return None;
    }
    // The first data row names the list unless a `# list_id:` comment did.
    let first_row = lines.find(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let from_row = first_row.and_then(|row| {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(row.as_bytes());
        let rec = rdr.records().next()?.ok()?;
        let i = cols.iter().position(|c| *c == "list_id")?;
        rec.get(i).map(|s| s.trim().to_owned())
    });
    let list_id = meta.list_id.or(from_row).filter(|l| valid_list_id(l));
    Some(Detection {
        format: Format::NationalCsv,
        source_id: list_id.unwrap_or_else(|| stem_id(path)),
        role: Role::Primary,
    })
}

/// Prefixes of the built-in sources' ids and entity ids (`un-KPi.033`, `wallet-eth-…`). A
/// national list named like them would shadow a built-in source or collide with its entities.
const RESERVED: [&str; 7] = ["un", "eu", "ofac", "uk", "jp", "ftm", "wallet"];

fn reserved(id: &str) -> bool {
    RESERVED
        .iter()
        .any(|r| id == *r || id.strip_prefix(r).is_some_and(|rest| rest.starts_with('-')))
}

/// List ids become source ids and id prefixes: lower-case ASCII letters, digits and `-`, not
/// starting with a built-in source's prefix.
fn valid_list_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !reserved(s)
}

fn stem_id(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("list");
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_matches('-');
    if valid_list_id(id) {
        id.to_owned()
    } else {
        format!("list-{id}")
    }
}

/// List-level metadata.
#[derive(Debug, Default)]
struct Meta {
    list_id: Option<String>,
    title: Option<String>,
    publication_date: Option<String>,
}

impl Meta {
    /// `# key: value` comment lines; other comments are free text.
    fn read_comment(&mut self, comment: &str) {
        let Some((k, v)) = comment.split_once(':') else {
            return;
        };
        let v = v.trim().to_owned();
        match k.trim() {
            "list_id" => self.list_id = Some(v),
            "title" => self.title = Some(v),
            "publication_date" => self.publication_date = Some(v),
            _ => {}
        }
    }
}

/// One record, field name to values, whichever syntax it came in.
type Fields = BTreeMap<&'static str, Vec<String>>;

/// State shared by the files of one source.
struct Ingest<'s> {
    list_id: &'s str,
    seen: HashSet<String>,
    wallets: Wallets,
    outcome: ParseOutcome,
}

#[allow(clippy::result_large_err)]
pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut ing = Ingest {
        list_id: &plan.source_id,
        seen: HashSet::new(),
        wallets: Wallets::default(),
        outcome: ParseOutcome::default(),
    };
    for file in &plan.files {
        let is_json = file
            .open()?
            .fill_buf()
            .map_err(|e| ListError::io(&file.path, e))
            .map(|b| first_json_line(b).is_some())?;
        // Each file by its own content: one list may come as CSV and JSON lines together.
        if is_json {
            parse_json(file, &mut ing, sink)?;
        } else {
            parse_csv(file, &mut ing, sink)?;
        }
    }
    let loc = plan.files.first().map(SourceFile::loc).unwrap_or_default();
    ing.wallets.emit_at(loc, sink)?;
    Ok(ing.outcome)
}

impl Ingest<'_> {
    fn meta(&mut self, meta: Meta, sink: &mut dyn EntitySink, loc: &Location) {
        if let Some(id) = meta.list_id.filter(|id| id != self.list_id) {
            sink.diagnostic(Diagnostic::warning(
                "list-id-mismatch",
                format!(
                    "file declares list {id:?} but is read as list {:?}",
                    self.list_id
                ),
                loc.clone().field("list_id"),
            ));
        }
        if meta.title.is_some() {
            self.outcome.title = meta.title;
        }
        if let Some(d) = meta.publication_date {
            match d.parse::<cordon_model::DateValue>() {
                Ok(_) => self.outcome.publication_date = Some(d),
                Err(_) => sink.diagnostic(Diagnostic::warning(
                    "bad-date",
                    format!("cannot read publication date {d:?}; ignored"),
                    loc.clone().field("publication_date"),
                )),
            }
        }
    }

    /// Validates and maps one record; problems are reported against `loc`.
    #[allow(clippy::result_large_err)]
    fn record(
        &mut self,
        f: &Fields,
        loc: Location,
        sink: &mut dyn EntitySink,
    ) -> Result<(), ListError> {
        let one = |k: &str| f.get(k).and_then(|v| v.first()).map_or("", |s| s.as_str());
        let all = |k: &str| f.get(k).map_or(&[][..], Vec::as_slice);
        let record_id = one("record_id");
        let loc = if record_id.is_empty() {
            loc
        } else {
            loc.record(record_id)
        };
        let fail = |sink: &mut dyn EntitySink, field: &str, msg: String| {
            sink.diagnostic(Diagnostic::error(
                "invalid-record",
                format!("{msg}; record skipped"),
                loc.clone().field(field),
            ));
        };
        let list_id = one("list_id");
        if !list_id.is_empty() && list_id != self.list_id {
            let why = if valid_list_id(list_id) {
                format!(
                    "belongs to list {list_id:?}, but this file is list {:?}",
                    self.list_id
                )
            } else {
                format!(
                    "list_id {list_id:?} is not usable: lower-case letters, digits and '-', \
                     not starting with a built-in source's prefix ({})",
                    RESERVED.join(", ")
                )
            };
            fail(sink, "list_id", why);
            return Ok(());
        }
        if record_id.is_empty() || record_id.chars().any(char::is_whitespace) {
            fail(
                sink,
                "record_id",
                "record_id is empty or holds spaces".into(),
            );
            return Ok(());
        }
        let name = one("name");
        if name.is_empty() {
            fail(sink, "name", "name is empty".into());
            return Ok(());
        }
        let schema = match one("schema") {
            "" => Schema::LegalEntity,
            s => match s.parse::<Schema>() {
                Ok(Schema::CryptoWallet) => {
                    fail(
                        sink,
                        "schema",
                        "CryptoWallet records are written in the wallets field of their holder"
                            .into(),
                    );
                    return Ok(());
                }
                Ok(s) => s,
                Err(e) => {
                    fail(sink, "schema", e.to_string());
                    return Ok(());
                }
            },
        };
        let id = format!("{}-{record_id}", self.list_id);
        if !self.seen.insert(id.clone()) {
            fail(
                sink,
                "record_id",
                format!("record_id {record_id:?} appears twice"),
            );
            return Ok(());
        }
        let mut e = Entity::new(id, schema);
        e.add(prop::NAME, name);
        let field = |k: &str| loc.clone().field(k);
        let strs = |k: &str| all(k).iter().map(String::as_str);
        e.add_all(prop::ALIAS, all("aliases"));
        util::add_dates(
            &mut e,
            prop::BIRTH_DATE,
            strs("birth_date"),
            sink,
            &field("birth_date"),
        );
        util::add_countries(
            &mut e,
            prop::NATIONALITY,
            strs("nationality"),
            sink,
            &field("nationality"),
        );
        util::add_countries(
            &mut e,
            prop::COUNTRY,
            strs("country"),
            sink,
            &field("country"),
        );
        for g in all("gender") {
            match util::gender(g) {
                Some(g) => e.add(prop::GENDER, g),
                None => {
                    sink.diagnostic(Diagnostic::warning(
                        "bad-gender",
                        format!("gender {g:?} is not male, female or other; kept in notes"),
                        field("gender"),
                    ));
                    e.add(prop::NOTES, format!("gender: {g}"));
                }
            }
        }
        for (k, p) in [
            ("id_number", prop::ID_NUMBER),
            ("passport_number", prop::PASSPORT_NUMBER),
            ("address", prop::ADDRESS),
            ("email", prop::EMAIL),
            ("phone", prop::PHONE),
            ("website", prop::WEBSITE),
            ("program", prop::PROGRAM),
            ("notes", prop::NOTES),
            ("source_url", prop::SOURCE_URL),
        ] {
            e.add_all(p, all(k));
        }
        util::add_dates(
            &mut e,
            prop::LISTING_DATE,
            strs("listing_date"),
            sink,
            &field("listing_date"),
        );
        for item in all("wallets") {
            if !self.wallet(&e, item, sink, &field("wallets")) {
                e.add(prop::NOTES, format!("wallet: {item}"));
            }
        }
        sink.entity(e)
    }

    /// `chain:address` (chain as a slug or ticker: `eth`, `XBT`, `trx`, `USDT`); `false` (with a
    /// warning) when the item is not one.
    fn wallet(
        &mut self,
        holder: &Entity,
        item: &str,
        sink: &mut dyn EntitySink,
        loc: &Location,
    ) -> bool {
        let added = item.split_once(':').and_then(|(ticker, address)| {
            let chain = ticker.trim().parse::<Chain>().ok();
            match chain {
                Some(c) => self.wallets.add_on(c, ticker, address, Some(&holder.id)),
                None => self.wallets.add(ticker, address, Some(&holder.id)),
            }
        });
        match added {
            Some(w) => {
                w.add_all(prop::PROGRAM, holder.get(prop::PROGRAM));
                true
            }
            None => {
                sink.diagnostic(Diagnostic::warning(
                    "bad-wallet",
                    format!(
                        "{item:?} is not chain:address with a chain Cordon knows; kept in notes"
                    ),
                    loc.clone(),
                ));
                false
            }
        }
    }
}

/// Reads `#` comment lines and blank lines before the header. Returns how many lines and bytes
/// they took, so CSV positions can be reported against the whole file.
#[allow(clippy::result_large_err)]
fn read_preamble(
    reader: &mut dyn BufRead,
    file: &SourceFile,
    meta: &mut Meta,
) -> Result<(u64, u64), ListError> {
    let (mut lines, mut bytes) = (0u64, 0u64);
    let mut line = Vec::new();
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| ListError::io(&file.path, e))?;
        if bytes == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            bytes = 3;
            continue;
        }
        match buf.first() {
            Some(b'#' | b'\n' | b'\r') => {}
            _ => return Ok((lines, bytes)),
        }
        line.clear();
        let n = std::io::Read::take(&mut *reader, 64 << 10)
            .read_until(b'\n', &mut line)
            .map_err(|e| ListError::io(&file.path, e))?;
        lines += 1;
        bytes += n as u64;
        let text = std::str::from_utf8(&line).map_err(|e| ListError::Encoding {
            location: file
                .loc()
                .line(lines)
                .byte(bytes - n as u64 + e.valid_up_to() as u64),
            message: "not valid UTF-8".into(),
        })?;
        if let Some(c) = text.trim_end().strip_prefix('#') {
            meta.read_comment(c);
        }
    }
}

/// Moves an error's line and byte past the preamble the CSV reader did not see.
fn shift(err: ListError, lines: u64, bytes: u64) -> ListError {
    match err {
        ListError::Syntax {
            mut location,
            message,
        } => {
            location.line = location.line.map(|l| l + lines);
            location.byte = location.byte.map(|b| b + bytes);
            ListError::Syntax { location, message }
        }
        ListError::Encoding {
            mut location,
            message,
        } => {
            location.line = location.line.map(|l| l + lines);
            location.byte = location.byte.map(|b| b + bytes);
            ListError::Encoding { location, message }
        }
        other => other,
    }
}

#[allow(clippy::result_large_err)]
fn parse_csv(
    file: &SourceFile,
    ing: &mut Ingest<'_>,
    sink: &mut dyn EntitySink,
) -> Result<(), ListError> {
    let mut reader = file.open()?;
    let mut meta = Meta::default();
    let (pre_lines, pre_bytes) = read_preamble(&mut reader, file, &mut meta)?;
    ing.meta(meta, sink, &file.loc());
    let path = &file.path;
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| shift(util::csv_error(path, &e, None), pre_lines, pre_bytes))?
        .clone();
    let header_line = pre_lines + 1;
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    for h in &headers {
        let known = FIELDS.iter().find(|f| **f == h.trim()).copied();
        if known.is_none() {
            sink.diagnostic(Diagnostic::warning(
                "unknown-column",
                format!("column {h:?} is not part of the national list format; ignored"),
                file.loc().line(header_line).field(h),
            ));
        }
        columns.push(known);
    }
    for r in REQUIRED {
        if !columns.contains(&Some(r)) {
            return Err(ListError::syntax(
                file.loc().line(header_line).field(r),
                format!("header lacks the required column {r:?}"),
            ));
        }
    }
    let mut last = None;
    for row in rdr.records() {
        let row = row.map_err(|e| {
            shift(
                util::csv_error(path, &e, Some(&headers)),
                pre_lines,
                pre_bytes,
            )
        })?;
        let (line, byte) = row
            .position()
            .map_or((0, 0), |p| (p.line() + pre_lines, p.byte() + pre_bytes));
        last = Some((line, byte));
        let mut fields = Fields::new();
        for (col, cell) in columns.iter().zip(row.iter()) {
            let Some(col) = *col else { continue };
            let values = if SINGLE.contains(&col) {
                vec![cell.trim().to_owned()]
            } else {
                util::split_multi(cell)
            };
            fields.insert(col, values);
        }
        ing.record(&fields, file.loc().line(line).byte(byte), sink)?;
    }
    if let Some((line, byte)) = last.filter(|&(_, b)| util::csv_unterminated_quote(file, b)) {
        return Err(ListError::syntax(
            file.loc().line(line).byte(byte),
            "the file ends inside a quoted field (broken quoting)",
        ));
    }
    Ok(())
}

#[allow(clippy::result_large_err)]
fn parse_json(
    file: &SourceFile,
    ing: &mut Ingest<'_>,
    sink: &mut dyn EntitySink,
) -> Result<(), ListError> {
    let mut lines = JsonLines::new(file)?;
    let mut unknown = HashSet::new();
    while let Some((value, loc)) = lines.next_parsed::<Value>(sink, "")? {
        let Value::Object(obj) = value else {
            sink.diagnostic(Diagnostic::error(
                "bad-json",
                "line is not a JSON object; skipped",
                loc,
            ));
            continue;
        };
        if let Some(list) = obj.get("list") {
            let s = |k: &str| list.get(k).and_then(Value::as_str).map(str::to_owned);
            let meta = Meta {
                list_id: s("id"),
                title: s("title"),
                publication_date: s("publication_date"),
            };
            ing.meta(meta, sink, &loc);
            continue;
        }
        let mut fields = Fields::new();
        for (k, v) in &obj {
            let Some(field) = FIELDS.iter().find(|f| **f == k.as_str()).copied() else {
                if unknown.insert(k.clone()) {
                    sink.diagnostic(Diagnostic::warning(
                        "unknown-field",
                        format!("field {k:?} is not part of the national list format; ignored"),
                        loc.clone().field(k.as_str()),
                    ));
                }
                continue;
            };
            let mut values = Vec::new();
            json_values(field, v, &mut values, sink, &loc);
            fields.insert(field, values);
        }
        ing.record(&fields, loc, sink)?;
    }
    Ok(())
}

/// A JSON value as field values: strings (split on `;` for multi-valued fields, as in CSV),
/// numbers, or arrays of them.
fn json_values(
    field: &str,
    v: &Value,
    out: &mut Vec<String>,
    sink: &mut dyn EntitySink,
    loc: &Location,
) {
    match v {
        Value::Null => {}
        Value::String(s) if SINGLE.contains(&field) => out.push(s.trim().to_owned()),
        Value::String(s) => out.extend(util::split_multi(s)),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) if !SINGLE.contains(&field) => {
            for item in items {
                match item {
                    Value::String(s) => out.push(s.trim().to_owned()),
                    Value::Number(n) => out.push(n.to_string()),
                    _ => sink.diagnostic(Diagnostic::warning(
                        "bad-value",
                        format!("{field} items must be strings; {item} left out"),
                        loc.clone().field(field),
                    )),
                }
            }
        }
        _ => sink.diagnostic(Diagnostic::warning(
            "bad-value",
            format!(
                "{field} holds {v}, expected a string{}",
                if SINGLE.contains(&field) {
                    ""
                } else {
                    " or an array of strings"
                }
            ),
            loc.clone().field(field),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_ids() {
        assert!(valid_list_id("kr-fsc"));
        assert!(!valid_list_id("KR FSC"));
        assert!(!valid_list_id(""));
        assert!(!valid_list_id("un-sc") && !valid_list_id("wallet") && !valid_list_id("eu"));
        assert!(valid_list_id("euro-block") && valid_list_id("ukraine-list"));
        assert_eq!(stem_id(Path::new("un.csv")), "list-un");
        assert_eq!(
            stem_id(Path::new("a/Internal Block_List.csv")),
            "internal-block-list"
        );
    }

    #[test]
    fn sniff_csv_reads_list_id() {
        let head = b"# title: T\nlist_id,record_id,schema,name\nacme-block,1,Person,X\n";
        let d = sniff(Path::new("x.csv"), head).unwrap();
        assert_eq!(
            (d.format, d.source_id.as_str()),
            (Format::NationalCsv, "acme-block")
        );
        let head = b"# list_id: other\nlist_id,record_id,name\n";
        assert_eq!(sniff(Path::new("x.csv"), head).unwrap().source_id, "other");
        assert!(sniff(Path::new("x.csv"), b"id,name\n1,X\n").is_none());
    }

    #[test]
    fn sniff_json_reads_list_id() {
        let d = sniff(Path::new("x.jsonl"), br#"{"list": {"id": "kr-fsc"}}"#).unwrap();
        assert_eq!(
            (d.format, d.source_id.as_str()),
            (Format::NationalJson, "kr-fsc")
        );
        let d = sniff(
            Path::new("x.jsonl"),
            br#"{"list_id": "a", "record_id": "1"}"#,
        )
        .unwrap();
        assert_eq!(d.source_id, "a");
    }
}

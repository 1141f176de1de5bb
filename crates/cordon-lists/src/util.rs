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

// <uneu>
// XML records (UN, EU FSF)
// ---------------------------------------------------------------------------------------------
// Record-oriented XML streaming (UN, EU FSF; any XML list made of repeated record elements).

/// One XML element with its attributes, text and children. Only ever one list record (a UN
/// `INDIVIDUAL`, an EU `sanctionEntity`), never a whole document, so memory stays bounded.
#[derive(Debug, Default)]
pub(crate) struct XmlNode {
    /// Local name (namespace prefix dropped).
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) text: String,
    pub(crate) children: Vec<XmlNode>,
    /// Byte offset of the start tag.
    pub(crate) byte: u64,
}

impl XmlNode {
    /// A non-empty, trimmed attribute value.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The trimmed text, if not empty.
    pub(crate) fn text(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }

    /// Children with a given local name.
    pub(crate) fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlNode> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first child with a given local name.
    pub(crate) fn child(&self, name: &str) -> Option<&XmlNode> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child with a given name, if not empty.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .filter(|c| c.name == name)
            .find_map(XmlNode::text)
    }
}

/// Records larger than this are refused: no real list has them, and hostile input must not grow
/// memory without bound.
const MAX_XML_RECORD_BYTES: u64 = 32 << 20;

/// Elements nested deeper than this inside one record are refused (real records nest three or
/// four levels; a hostile file could nest millions, and the tree is dropped recursively).
const MAX_XML_RECORD_DEPTH: usize = 64;

/// Streams the record elements of one XML file, one [`XmlNode`] at a time.
pub(crate) struct XmlRecords<'a> {
    reader: quick_xml::Reader<Box<dyn std::io::BufRead + Send + 'a>>,
    file: &'a crate::SourceFile,
    buf: Vec<u8>,
    stack: Vec<XmlNode>,
    open_outside: Vec<String>,
    record_names: &'static [&'static str],
    /// The root element (attributes only), once seen.
    pub(crate) root: Option<XmlNode>,
}

impl<'a> XmlRecords<'a> {
    /// Opens `file`; elements whose local name is in `record_names` are records.
    #[allow(clippy::result_large_err)]
    pub(crate) fn new(
        file: &'a crate::SourceFile,
        record_names: &'static [&'static str],
    ) -> Result<Self, ListError> {
        let mut reader = quick_xml::Reader::from_reader(file.open()?);
        reader.config_mut().check_end_names = true;
        Ok(XmlRecords {
            reader,
            file,
            buf: Vec::with_capacity(1 << 12),
            stack: Vec::new(),
            open_outside: Vec::new(),
            record_names,
            root: None,
        })
    }

    /// A location at a byte offset in this file (record-level: no line, which would cost a re-read).
    pub(crate) fn loc(&self, byte: u64) -> Location {
        self.file.loc().byte(byte)
    }

    fn syntax(&self, byte: u64, message: impl Into<String>) -> ListError {
        xml_syntax(self.file, byte, message)
    }

    /// The next complete record, `None` at the end of a well-formed document.
    #[allow(clippy::result_large_err)]
    pub(crate) fn next_record(&mut self) -> Result<Option<XmlNode>, ListError> {
        use quick_xml::events::Event;
        let file = self.file;
        loop {
            let before = self.reader.buffer_position();
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e,
                Err(e) => {
                    let byte = self.reader.error_position();
                    let encoding = matches!(e, quick_xml::Error::Encoding(_))
                        || matches!(&e, quick_xml::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData);
                    return Err(if encoding {
                        ListError::Encoding {
                            location: loc_with_line(file, byte),
                            message: format!("not valid text in the declared encoding: {e}"),
                        }
                    } else {
                        self.syntax(byte, format!("malformed XML: {e}"))
                    });
                }
            };
            let too_big = |first: &XmlNode| {
                self.reader.buffer_position().saturating_sub(first.byte) > MAX_XML_RECORD_BYTES
            };
            if let Some(first) = self.stack.first().filter(|f| too_big(f)) {
                return Err(self.syntax(
                    first.byte,
                    format!(
                        "<{}> record larger than {MAX_XML_RECORD_BYTES} bytes",
                        first.name
                    ),
                ));
            }
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_empty = matches!(event, Event::Empty(_));
                    if self.stack.len() >= MAX_XML_RECORD_DEPTH {
                        return Err(self.syntax(
                            before,
                            format!(
                                "elements nested deeper than {MAX_XML_RECORD_DEPTH} in one record"
                            ),
                        ));
                    }
                    let node = XmlNode {
                        name: e.local_name().as_ref().to_owned(),
                        attrs: e
                            .attributes()
                            .map(|a| {
                                let a = a.map_err(|err| {
                                    xml_syntax(file, before, format!("bad attribute: {err}"))
                                })?;
                                let value = a
                                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .map_err(|err| {
                                        xml_syntax(
                                            file,
                                            before,
                                            format!("bad attribute value: {err}"),
                                        )
                                    })?;
                                Ok((a.key.local_name().as_ref().to_owned(), value.into_owned()))
                            })
                            .collect::<Result<_, ListError>>()?,
                        byte: before,
                        ..XmlNode::default()
                    };
                    if let Some(done) = self.open(node, is_empty) {
                        return Ok(Some(done));
                    }
                }
                Event::End(_) => {
                    if let Some(done) = self.close() {
                        return Ok(Some(done));
                    }
                }
                Event::Text(t) => {
                    if let Some(top) = self.stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if let Some(top) = self.stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                            Some(s) => s.to_owned(),
                            None => format!("&{};", &*r),
                        },
                        Err(err) => {
                            return Err(
                                self.syntax(before, format!("bad character reference: {err}"))
                            );
                        }
                    };
                    if let Some(top) = self.stack.last_mut() {
                        top.text.push_str(&resolved);
                    }
                }
                Event::Eof => {
                    if let Some(open) = self
                        .stack
                        .first()
                        .map(|n| n.name.clone())
                        .or_else(|| self.open_outside.last().cloned())
                    {
                        let end = self.reader.buffer_position();
                        return Err(
                            self.syntax(end, format!("truncated XML: file ends inside <{open}>"))
                        );
                    }
                    if self.root.is_none() {
                        return Err(self.syntax(0, "no XML element found"));
                    }
                    return Ok(None);
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    fn open(&mut self, node: XmlNode, is_empty: bool) -> Option<XmlNode> {
        if self.stack.is_empty() && !self.record_names.contains(&node.name.as_str()) {
            if self.root.is_none() {
                self.root = Some(XmlNode {
                    children: Vec::new(),
                    ..node
                });
                if !is_empty {
                    self.open_outside.push(
                        self.root
                            .as_ref()
                            .map(|r| r.name.clone())
                            .unwrap_or_default(),
                    );
                }
            } else if !is_empty {
                self.open_outside.push(node.name);
            }
            return None;
        }
        self.stack.push(node);
        if is_empty { self.close() } else { None }
    }

    fn close(&mut self) -> Option<XmlNode> {
        if self.stack.is_empty() {
            self.open_outside.pop();
            return None;
        }
        let node = self.stack.pop()?;
        match self.stack.last_mut() {
            Some(parent) => {
                parent.children.push(node);
                None
            }
            None => Some(node),
        }
    }
}

fn xml_syntax(file: &crate::SourceFile, byte: u64, message: impl Into<String>) -> ListError {
    ListError::syntax(loc_with_line(file, byte), message)
}

/// A location at a byte offset, with its line (for file-level errors: re-reads the file).
pub(crate) fn loc_with_line(file: &crate::SourceFile, byte: u64) -> Location {
    line_at(file, byte).map_or_else(
        || file.loc().byte(byte),
        |line| file.loc().line(line).byte(byte),
    )
}

/// The 1-based line of a byte offset, found by re-reading the file (only done for errors).
pub(crate) fn line_at(file: &crate::SourceFile, byte: u64) -> Option<u64> {
    use std::io::Read;
    let mut r = file.open().ok()?.take(byte);
    let mut chunk = [0u8; 1 << 14];
    let mut line = 1u64;
    loop {
        let n = r.read(&mut chunk).ok()?;
        if n == 0 {
            return Some(line);
        }
        line += chunk.get(..n)?.iter().filter(|&&b| b == b'\n').count() as u64;
    }
}
// </uneu>

// <ukjp>
// Zip sniffing, day-first dates, dates in file names (UK and Japan lists)
/// The names of the zip entries whose local file headers start within `head`. Sniffers use it
/// to tell an xlsx (`xl/workbook.xml`, `[Content_Types].xml`) from an ods (`mimetype`) without
/// unpacking: the first 16 KiB are all they get, and the names sit there uncompressed.
pub(crate) fn zip_entry_names(head: &[u8]) -> Vec<&[u8]> {
    let mut names = Vec::new();
    let mut at = 0;
    while let Some(pos) = head
        .get(at..)
        .and_then(|rest| rest.windows(4).position(|w| w == b"PK\x03\x04"))
    {
        let start = at + pos;
        let name_len = head
            .get(start + 26..start + 28)
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .map(|b| usize::from(u16::from_le_bytes(b)));
        if let Some(len) = name_len
            && let Some(name) = head.get(start + 30..start + 30 + len)
        {
            names.push(name);
        }
        at = start + 4;
    }
    names
}

/// A day-first date as the UK lists write it: `29/06/1965`, `29-06-1965`, with `00` (or `dd`,
/// `mm`) for an unknown day or month (`00/00/1965` is the year 1965). `None` when unreadable.
pub(crate) fn dmy_date(text: &str) -> Option<cordon_model::DateValue> {
    let t = text.trim();
    let numeric = || {
        let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
        let [d, m, y] = parts.as_slice() else {
            return None;
        };
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let unknown =
            |p: &str| p.is_empty() || p.bytes().all(|b| b == b'0' || b == b'd' || b == b'm');
        let year: u16 = y.parse().ok()?;
        let month: Option<u8> = if unknown(m) {
            None
        } else {
            Some(m.parse().ok()?)
        };
        let day: Option<u8> = if unknown(d) || month.is_none() {
            None
        } else {
            Some(d.parse().ok()?)
        };
        cordon_model::PartialDate::new(year, month, day).map(cordon_model::DateValue::Exact)
    };
    numeric().or_else(|| t.parse().ok())
}

/// A publication date written into a file name (`shisantouketsu20260305.xlsx`,
/// `FCDO_SL_Mon_Aug_11_2025.ods`), as ISO 8601. Publishers often name the download after the
/// day it was produced and state the date nowhere else.
pub(crate) fn date_in_file_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    // yyyymmdd as one run of eight digits.
    for run in stem.split(|c: char| !c.is_ascii_digit()) {
        if run.len() == 8 {
            let (y, m, d) = (run.get(..4)?, run.get(4..6)?, run.get(6..)?);
            let date = cordon_model::PartialDate::new(
                y.parse().ok()?,
                Some(m.parse().ok()?),
                Some(d.parse().ok()?),
            );
            if let Some(date) = date {
                return Some(date.to_string());
            }
        }
    }
    // Mon_Aug_11_2025: a month word, a day and a year among the parts.
    let parts: Vec<&str> = stem.split(['_', '-', ' ', '.']).collect();
    parts.windows(3).find_map(|w| {
        let text = w.join(" ");
        let d: cordon_model::DateValue = text.parse().ok()?;
        matches!(d, cordon_model::DateValue::Exact(p) if p.day.is_some()).then(|| d.to_string())
    })
}
// </ukjp>

// <uneu>
// Detection, CSV errors, countries, dates (UN, EU, national lists)
/// The local name of the first element in an XML head (after the declaration, comments and
/// DOCTYPE), for detection by content.
pub(crate) fn xml_root_name(head: &[u8]) -> Option<&str> {
    let mut s = head_text(head)?.trim_start_matches('\u{feff}');
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix("<?") {
            s = rest.split_once("?>")?.1;
        } else if let Some(rest) = s.strip_prefix("<!--") {
            s = rest.split_once("-->")?.1;
        } else if let Some(rest) = s.strip_prefix("<!") {
            s = rest.split_once('>')?.1;
        } else {
            let rest = s.strip_prefix('<')?;
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len());
            let name = rest.get(..end)?;
            return Some(name.rsplit(':').next().unwrap_or(name));
        }
    }
}

/// Maps a `csv` crate error onto a [`ListError`] naming the file, line, byte and (when known)
/// the column.
pub(crate) fn csv_error(
    path: &Path,
    err: &csv::Error,
    headers: Option<&csv::StringRecord>,
) -> ListError {
    let mut loc = Location::file(path);
    if let Some(p) = err.position() {
        loc = loc.line(p.line()).byte(p.byte());
    }
    match err.kind() {
        csv::ErrorKind::Utf8 { pos, err: e } => {
            if let Some(p) = pos {
                loc = loc.line(p.line()).byte(p.byte());
            }
            if let Some(name) = headers.and_then(|h| h.get(e.field())) {
                loc = loc.field(name);
            }
            ListError::Encoding {
                location: loc,
                message: format!(
                    "not valid UTF-8 (column {}, byte {} of the field)",
                    e.field() + 1,
                    e.valid_up_to()
                ),
            }
        }
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            if let Some(p) = pos {
                loc = loc.line(p.line()).byte(p.byte());
            }
            ListError::syntax(
                loc,
                format!(
                    "row has {len} fields where the header has {expected_len} (broken quoting or a stray separator)"
                ),
            )
        }
        csv::ErrorKind::Io(e) => ListError::io(path, std::io::Error::new(e.kind(), e.to_string())),
        _ => ListError::syntax(loc, err.to_string()),
    }
}

/// Splits a cell that enumerates several values the way lists print them: `(a) X, (b) Y` or
/// `X; Y`. Commas alone do not split (`Korea, North`).
pub(crate) fn enumerated(text: &str) -> Vec<&str> {
    // `(a)`..`(z)` and `(i)`..`(x)` markers start a new value.
    let is_marker = |m: &str| {
        (m.len() == 1 && m.bytes().all(|b| b.is_ascii_lowercase()))
            || (!m.is_empty() && m.len() <= 4 && m.bytes().all(|b| b"ivx".contains(&b)))
    };
    let mut pieces = Vec::new();
    let (mut start, mut search) = (0, 0);
    while let Some(at) = text
        .get(search..)
        .and_then(|r| r.find('('))
        .map(|p| p + search)
    {
        let end = text
            .get(at + 1..)
            .and_then(|r| r.find(')'))
            .map(|c| at + 1 + c)
            .filter(|&end| text.get(at + 1..end).is_some_and(is_marker));
        match end {
            Some(end) => {
                pieces.extend(text.get(start..at));
                start = end + 1;
                search = start;
            }
            None => search = at + 1,
        }
    }
    pieces.extend(text.get(start..));
    pieces
        .into_iter()
        .flat_map(|p| p.split([';', '\n']))
        .map(|p| p.trim().trim_matches(',').trim())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Splits `X or Y` and `X and Y`, for a piece that is not one value as a whole.
fn alternatives(piece: &str) -> Vec<&str> {
    piece
        .split(" or ")
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().trim_matches(',').trim())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Reads `text` as one value or an enumeration of values with `read`; `Err` names the first
/// part that could not be read.
fn read_enumerated<T>(text: &str, read: impl Fn(&str) -> Option<T>) -> Vec<Result<T, &str>> {
    if let Some(v) = read(text) {
        return vec![Ok(v)];
    }
    let mut out = Vec::new();
    for piece in enumerated(text) {
        match read(piece) {
            Some(v) => out.push(Ok(v)),
            None => out.extend(alternatives(piece).into_iter().map(|a| read(a).ok_or(a))),
        }
    }
    out
}

/// Adds each country named in `values` to `prop` as an ISO code. A value the country table
/// does not know whole is tried as an enumeration (`(a) Malaysia, (b) Indonesia`) and without a
/// parenthesis (`Iran (Islamic Republic of)`). What stays unknown is reported
/// (`unknown-country`) and the value kept in `notes` as `<prop>: <value>`, since country
/// properties hold codes only.
pub(crate) fn add_countries<'v>(
    entity: &mut Entity,
    prop: &str,
    values: impl IntoIterator<Item = &'v str>,
    sink: &mut dyn EntitySink,
    loc: &Location,
) {
    use cordon_model::country::code;
    let lookup = |v: &str| {
        code(v).or_else(|| {
            let bare = v.split_once('(').map_or(v, |(b, _)| b);
            code(bare)
        })
    };
    for v in values {
        let v = v.trim();
        if v.is_empty() || v == "00" {
            continue;
        }
        let mut unread = false;
        for c in read_enumerated(v, lookup) {
            match c {
                Ok(c) => entity.add(prop, c),
                Err(part) => {
                    unread = true;
                    sink.diagnostic(Diagnostic::warning(
                        "unknown-country",
                        format!("{part:?} is not a country Cordon knows; kept in notes"),
                        loc.clone(),
                    ));
                }
            }
        }
        if unread {
            entity.add(cordon_model::prop::NOTES, format!("{prop}: {v}"));
        }
    }
}

/// Adds each date in `values` to `prop` in canonical form, keeping precision, circa and ranges.
/// Enumerations (`(a) 3.3.1965, (b) 1.1.1965`, `X or Y`) give several dates; a time-zone offset
/// after an ISO date (`2015-04-07-04:00`) is dropped. Unreadable dates are reported (`bad-date`)
/// and the value kept in `notes` as `<prop>: <value>`.
pub(crate) fn add_dates<'v>(
    entity: &mut Entity,
    prop: &str,
    values: impl IntoIterator<Item = &'v str>,
    sink: &mut dyn EntitySink,
    loc: &Location,
) {
    use cordon_model::DateValue;
    let parse = |v: &str| {
        v.parse::<DateValue>().ok().or_else(|| {
            // 2015-04-07-04:00, 2015-04-07+01:00, 2015-04-07Z
            let iso = v.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-'))?;
            let tz = v.get(10..)?;
            let is_tz = tz == "Z"
                || (tz.len() == 6
                    && (tz.starts_with('-') || tz.starts_with('+'))
                    && tz.get(3..4) == Some(":"));
            is_tz.then(|| iso.parse().ok()).flatten()
        })
    };
    for v in values {
        let v = v.trim();
        let mut unread = false;
        for d in read_enumerated(v, parse) {
            match d {
                Ok(d) => entity.add_date(prop, &d),
                Err(part) => {
                    unread = true;
                    sink.diagnostic(Diagnostic::warning(
                        "bad-date",
                        format!("cannot read {part:?} as a date; kept in notes"),
                        loc.clone(),
                    ));
                }
            }
        }
        if unread {
            entity.add(cordon_model::prop::NOTES, format!("{prop}: {v}"));
        }
    }
}

/// `male`, `female` or `other` for the ways lists write a gender.
pub(crate) fn gender(text: &str) -> Option<&'static str> {
    match text.trim().to_ascii_lowercase().as_str() {
        "m" | "male" | "man" => Some("male"),
        "f" | "female" | "woman" => Some("female"),
        "other" | "x" => Some("other"),
        _ => None,
    }
}

/// The plan's primary file (the one its parser reads first), or a missing-file error saying what
/// the source lacks; the companion files of a source alone describe no one.
#[allow(clippy::result_large_err)]
pub(crate) fn primary_file<'p>(
    plan: &'p crate::SourcePlan,
    what: &str,
) -> Result<&'p crate::SourceFile, ListError> {
    plan.files
        .iter()
        .find(|f| f.role == crate::Role::Primary)
        .ok_or_else(|| ListError::MissingFile {
            path: plan
                .files
                .first()
                .map(|f| f.path.clone())
                .unwrap_or_default(),
            message: format!("{} has no {what}", plan.source_id),
        })
}

/// A record's stable id, or `None` after reporting `missing-id` on `field`, naming the record by
/// its secondary reference where it has one. Without a stable id a record cannot be versioned or
/// diffed, so it is skipped rather than given an id that would change between list versions.
pub(crate) fn stable_id<'r>(
    id: Option<&'r str>,
    field: &str,
    secondary_ref: Option<&str>,
    what: &str,
    sink: &mut dyn EntitySink,
    loc: &Location,
) -> Option<&'r str> {
    if id.is_none() {
        let mut loc = loc.clone().field(field);
        if let Some(r) = secondary_ref {
            loc = loc.record(r);
        }
        sink.diagnostic(Diagnostic::error(
            "missing-id",
            format!("{what} has no {field}, so no stable id; skipped"),
            loc,
        ));
    }
    id
}

/// The date of an ISO 8601 timestamp (`2026-02-27T00:00:09.554Z` → `2026-02-27`), as lists
/// state their publication; other text is returned whole.
pub(crate) fn date_part(timestamp: &str) -> &str {
    match timestamp.split_once('T') {
        Some((date, _)) if date.len() == 10 && date.as_bytes().get(4) == Some(&b'-') => date,
        _ => timestamp,
    }
}

/// A short stable hash (FNV-1a, 64 bit, hex) for ids of records a list gives no id to.
pub(crate) fn stable_hash(text: &str) -> String {
    let h = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}")
}
/// Joins the non-empty, trimmed parts with `, ` (address lines, places of birth).
pub(crate) fn join_parts(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits a multi-valued cell on `;`. An element holding `;` or `"` is quoted CSV-style with
/// doubled quotes (`"Foo; Bar"; Baz` is two values), as the EU journal CSVs write them.
/// Elements are trimmed; empty ones dropped.
pub(crate) fn split_multi(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = cell.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            ';' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}
/// Whether the CSV record starting at byte `start` runs to the end of the file inside a quoted
/// field, which the `csv` crate accepts silently: the rest of the file then holds an odd number
/// of `"`. Checked once per file, on its last record.
pub(crate) fn csv_unterminated_quote(file: &crate::SourceFile, start: u64) -> bool {
    use std::io::Read;
    let Ok(mut r) = file.open() else {
        return false;
    };
    if std::io::copy(&mut (&mut r).take(start), &mut std::io::sink()).is_err() {
        return false;
    }
    let mut quotes = 0u64;
    let mut chunk = [0u8; 1 << 14];
    while let Ok(n) = r.read(&mut chunk) {
        if n == 0 {
            break;
        }
        quotes += chunk
            .get(..n)
            .map_or(0, |c| c.iter().filter(|&&b| b == b'"').count()) as u64;
    }
    quotes % 2 == 1
}
// </uneu>

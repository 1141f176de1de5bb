//! The UK Sanctions List (FCDO): the `.ods` spreadsheet, the official CSV and the official XML.
//!
//! All UK formats (these three, OFSI's ConList CSV and the processed YAML records) describe the
//! same designation with the same fields under different spellings (`Name 1`, `Name1`, `name1`).
//! They are all turned into one tree shape ([`XmlNode`]) and read by one function, [`UkRecord`]
//! with [`UkRecord::apply`], so that a field means the same thing whatever file it came from.
//! Ids are `uk-<Unique ID>` in every UK format, so the same designation read from two files is
//! one entity.

use std::collections::HashMap;
use std::io::{BufReader, Cursor};
use std::path::Path;

use cordon_model::{Diagnostic, Entity, Location, Schema, country, prop};

use crate::ofac_crypto::decode_text;
use crate::util::{XmlNode, XmlRecords, date_in_file_name, dmy_date, zip_entry_names};
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

const SOURCE: &str = "uk-sl";

pub(crate) fn sniff(_path: &Path, head: &[u8]) -> Option<Detection> {
    let format = if is_ods(head) {
        Format::UkSlOds
    } else if head_lines(head).is_some_and(|(first, second)| {
        let header = if first.starts_with("Report Date") {
            second
        } else {
            first
        };
        header.contains("Unique ID") && header.contains("Name 6") && header.contains("Regime Name")
    }) {
        Format::UkSlCsv
    } else {
        let text = String::from_utf8_lossy(head);
        if text.contains("<Designations")
            && (text.contains("<Designation>") || text.contains("<Designation "))
        {
            Format::UkSlXml
        } else {
            return None;
        }
    };
    Some(Detection {
        format,
        source_id: SOURCE.into(),
        role: Role::Primary,
    })
}

/// An OpenDocument spreadsheet: a zip whose `mimetype` entry says so. The FCDO file breaks two
/// rules of the format (the entry is not first, and it is deflated), so the local entries in the
/// head are walked and the `mimetype` entry is inflated.
fn is_ods(head: &[u8]) -> bool {
    if !head.starts_with(b"PK\x03\x04") || !zip_entry_names(head).contains(&&b"mimetype"[..]) {
        return false;
    }
    let mut cursor = Cursor::new(head);
    for _ in 0..16 {
        let Ok(Some(mut entry)) = zip::read::read_zipfile_from_stream(&mut cursor) else {
            return false;
        };
        if entry.name() == "mimetype" {
            let mut mime = Vec::new();
            let read =
                std::io::Read::read_to_end(&mut std::io::Read::take(&mut entry, 128), &mut mime);
            return read.is_ok()
                && mime.starts_with(b"application/vnd.oasis.opendocument.spreadsheet");
        }
        // Drain the entry so the cursor moves to the next local header.
        if std::io::copy(&mut entry, &mut std::io::sink()).is_err() {
            return false;
        }
    }
    false
}

/// The first two lines of a text head (BOM dropped, any 8-bit encoding tolerated).
pub(crate) fn head_lines(head: &[u8]) -> Option<(String, String)> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.contains(&0) {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines();
    let first = lines.next()?.trim().to_owned();
    let second = lines.next().unwrap_or("").trim().to_owned();
    Some((first, second))
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut outcome = ParseOutcome::default();
    for file in plan.files.iter().filter(|f| f.role == Role::Primary) {
        let o = match plan.format {
            Format::UkSlOds => parse_ods(file, sink)?,
            Format::UkSlXml => parse_xml(file, sink)?,
            _ => parse_csv(file, sink)?,
        };
        if outcome.publication_date.is_none() {
            outcome = o;
        }
    }
    Ok(outcome)
}

// ---------------------------------------------------------------------------------------------
// The spreadsheet (.ods): summary columns only.

fn parse_ods(file: &SourceFile, sink: &mut dyn EntitySink) -> Result<ParseOutcome, ListError> {
    // The header is the first row with "Unique ID" and "Name"; a title row or two above it are
    // tolerated, anything longer means this is some other spreadsheet.
    const HEADER_SEARCH_ROWS: usize = 10;
    // Columns in sheet order, so that every parse maps a row's cells in the same order (a hash
    // map's order differs between runs and reordered the entity's notes).
    let mut columns: Option<Vec<(String, usize)>> = None;
    let mut sheet_seen = String::new();
    let mut rows_before_header = 0usize;
    read_ods_rows(file, &mut |sheet, row, cells| {
        let Some(cols) = &columns else {
            let map: Vec<(String, usize)> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| (norm_key(c), i))
                .collect();
            let has = |key: &str| map.iter().any(|(k, _)| k == key);
            if has("uniqueid") && has("name") {
                sheet_seen = sheet.to_owned();
                columns = Some(map);
                return Ok(());
            }
            rows_before_header += 1;
            if rows_before_header >= HEADER_SEARCH_ROWS {
                return Err(ListError::syntax(
                    file.loc().section(sheet).line(row),
                    "not a UK Sanctions List spreadsheet: no row with \"Unique ID\" and \"Name\" columns at the top",
                ));
            }
            return Ok(());
        };
        if sheet != sheet_seen {
            return Ok(());
        }
        let node = XmlNode {
            name: "row".into(),
            children: cols
                .iter()
                .filter_map(|(key, i)| {
                    let text = cells.get(*i)?.trim();
                    // The summary's "Name" is the whole display name; "Type" the designation type.
                    let name = match key.as_str() {
                        "name" => "fullname",
                        "type" => "designationtype",
                        k => k,
                    };
                    Some(leaf(name, text))
                })
                .collect(),
            ..XmlNode::default()
        };
        let loc = file.loc().section(sheet).line(row);
        if let Some(rec) = UkRecord::from_node(&node, None, &loc, sink) {
            sink.entity(rec.finish())?;
        }
        Ok(())
    })?;
    if columns.is_none() {
        return Err(ListError::syntax(
            file.loc(),
            "not a UK Sanctions List spreadsheet: no row with \"Unique ID\" and \"Name\" columns",
        ));
    }
    Ok(ParseOutcome {
        publication_date: date_in_file_name(&file.path),
        title: Some("UK Sanctions List (FCDO)".into()),
    })
}

/// What [`read_ods_rows`] calls with each row: sheet name, 1-based row number, cells.
pub(crate) type OnRow<'a> = dyn FnMut(&str, u64, &[String]) -> Result<(), ListError> + 'a;

/// Largest number of columns kept per row: ODS files pad rows to 16,384 empty cells.
const MAX_ODS_COLUMNS: usize = 1024;

/// Streams every non-empty row of every sheet of an `.ods` file as `(sheet, 1-based row, cells)`.
/// `content.xml` is read as a stream, so memory holds one row at a time.
pub(crate) fn read_ods_rows(file: &SourceFile, on_row: &mut OnRow<'_>) -> Result<(), ListError> {
    use quick_xml::events::Event;

    let bytes = file.bytes()?;
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).map_err(|e| {
        ListError::syntax(file.loc(), format!("not a readable .ods (zip) file: {e}"))
    })?;
    let content = zip.by_name("content.xml").map_err(|e| {
        ListError::syntax(
            file.loc(),
            format!("not an OpenDocument spreadsheet: no content.xml ({e})"),
        )
    })?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    reader.config_mut().check_end_names = true;
    let xml_err = |pos: u64, e: &dyn std::fmt::Display| {
        ListError::syntax(
            file.loc().section("content.xml").byte(pos),
            format!("damaged spreadsheet content (truncated or corrupt): {e}"),
        )
    };

    let mut buf = Vec::new();
    let mut sheet = String::new();
    let mut row_no: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut cells: Vec<String> = Vec::new();
    let mut pending_empty: usize = 0;
    let mut cell = String::new();
    let mut cell_value: Option<String> = None;
    let mut cell_repeat: usize = 1;
    let mut in_cell = false;
    let mut paragraphs = 0usize;
    let mut in_p = 0usize;
    let mut depth = 0usize;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => return Err(xml_err(reader.error_position(), &e)),
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if !empty {
                    depth += 1;
                }
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == name)
                        .map(|a| a.value.to_string())
                };
                match e.local_name().as_ref() {
                    "table" => {
                        sheet = attr("name").unwrap_or_default();
                        row_no = 0;
                    }
                    "table-row" => {
                        row_repeat = attr("number-rows-repeated")
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(1u64)
                            .max(1);
                        cells.clear();
                        pending_empty = 0;
                        if empty {
                            row_no = row_no.saturating_add(row_repeat);
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        cell_repeat = attr("number-columns-repeated")
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(1usize)
                            .clamp(1, MAX_ODS_COLUMNS);
                        cell.clear();
                        paragraphs = 0;
                        cell_value = attr("date-value")
                            .or_else(|| attr("value"))
                            .or_else(|| attr("boolean-value"));
                        in_cell = !empty;
                        if empty {
                            pending_empty = pending_empty.saturating_add(cell_repeat);
                        }
                    }
                    "p" if in_cell => {
                        if paragraphs > 0 {
                            cell.push('\n');
                        }
                        paragraphs += 1;
                        if !empty {
                            in_p += 1;
                        }
                    }
                    "s" if in_p > 0 => {
                        let n = attr("c").and_then(|n| n.parse().ok()).unwrap_or(1usize);
                        cell.extend(std::iter::repeat_n(' ', n.min(64)));
                    }
                    "tab" if in_p > 0 => cell.push('\t'),
                    "line-break" if in_p > 0 => cell.push('\n'),
                    _ => {}
                }
            }
            Event::Text(t) if in_p > 0 => cell.push_str(&t.xml10_content()),
            Event::CData(t) if in_p > 0 => cell.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_p > 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    cell.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    cell.push_str(s);
                }
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    "p" => in_p = in_p.saturating_sub(1),
                    "table-cell" | "covered-table-cell" => {
                        in_cell = false;
                        let text = if cell.trim().is_empty() {
                            cell_value.take().unwrap_or_default()
                        } else {
                            std::mem::take(&mut cell)
                        };
                        if text.trim().is_empty() {
                            pending_empty = pending_empty.saturating_add(cell_repeat);
                        } else {
                            for _ in 0..cell_repeat {
                                if cells.len() + pending_empty >= MAX_ODS_COLUMNS {
                                    break;
                                }
                                cells.extend(std::iter::repeat_n(String::new(), pending_empty));
                                pending_empty = 0;
                                cells.push(text.clone());
                            }
                        }
                    }
                    "table-row" => {
                        let first = row_no.saturating_add(1);
                        row_no = row_no.saturating_add(row_repeat);
                        if !cells.is_empty() {
                            // A repeated row with content is the same row again: read it once.
                            on_row(&sheet, first, &cells)?;
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => {
                if depth > 0 {
                    let pos = reader.buffer_position();
                    return Err(ListError::syntax(
                        file.loc().section("content.xml").byte(pos),
                        "truncated spreadsheet content: the document ends inside an element",
                    ));
                }
                return Ok(());
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The official CSV: one line per name (and per address, DOB…) of a designation.

fn parse_csv(file: &SourceFile, sink: &mut dyn EntitySink) -> Result<ParseOutcome, ListError> {
    let bytes = file.bytes()?;
    let text = decode_text(&bytes, &file.path, sink);
    let mut publication_date = None;
    let mut body_start = 0usize;
    if let Some(first) = text.lines().next()
        && let Some(date) = first.trim().strip_prefix("Report Date:")
    {
        publication_date = dmy_date(date.trim().trim_matches(',')).map(|d| d.to_string());
        body_start = first.len();
    }
    let groups = read_grouped_csv(
        file,
        &text,
        body_start,
        &|row| row_text(row, "uniqueid").map(str::to_owned),
        sink,
    )?;
    emit_groups(groups, |key| format!("uk-{key}"), sink)?;
    Ok(ParseOutcome {
        publication_date,
        title: Some("UK Sanctions List (FCDO)".into()),
    })
}

/// One designation gathered from several CSV lines: the lines, kept as rows, with where each is.
pub(crate) struct Group {
    pub(crate) key: String,
    pub(crate) rows: Vec<(XmlNode, Location)>,
}

/// Reads a CSV table whose header is on the first line at or after byte `start` of `text`, and
/// groups its rows by `key_of`, in the order keys first appear. UK CSVs repeat a designation on
/// one line per name, and those lines need not be adjacent, so the whole file is gathered first
/// (tens of MB at most for these lists).
pub(crate) fn read_grouped_csv(
    file: &SourceFile,
    text: &str,
    start: usize,
    key_of: &dyn Fn(&XmlNode) -> Option<String>,
    sink: &mut dyn EntitySink,
) -> Result<Vec<Group>, ListError> {
    let body = text.get(start..).unwrap_or("");
    let first_line = text
        .get(..start)
        .map_or(0, |h| h.matches('\n').count() as u64)
        + u64::from(start > 0 && !text.get(..start).unwrap_or("").ends_with('\n'));
    let input = body.trim_start_matches(['\r', '\n']);
    // Offsets the csv reader reports are into `input`; errors give them into the (decoded) text.
    let base = (text.len() - input.len()) as u64;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input.as_bytes());
    let skipped_lines = first_line
        + body
            .chars()
            .take_while(|c| *c == '\r' || *c == '\n')
            .filter(|c| *c == '\n')
            .count() as u64;
    let to_err = |e: csv::Error| {
        let (line, byte) = e.position().map_or((None, None), |p| {
            (Some(p.line() + skipped_lines), Some(p.byte() + base))
        });
        let mut loc = file.loc();
        loc.line = line;
        loc.byte = byte;
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "broken CSV: a line has {len} fields where the header has {expected_len} (an unbalanced quote or a stray separator)"
            ),
            _ => format!("broken CSV: {e}"),
        };
        ListError::syntax(loc, message)
    };
    let headers: Vec<String> = rdr
        .headers()
        .map_err(to_err)?
        .iter()
        .map(norm_key)
        .collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut last_start: Option<(u64, u64)> = None;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(to_err(e)),
        }
        let line = record.position().map_or(0, |p| p.line() + skipped_lines);
        last_start = record.position().map(|p| (p.byte(), line));
        let node = XmlNode {
            name: "row".into(),
            children: headers
                .iter()
                .zip(record.iter())
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| leaf(k, v))
                .collect(),
            ..XmlNode::default()
        };
        if node.children.is_empty() {
            continue;
        }
        let loc = file.loc().line(line);
        let Some(key) = key_of(&node) else {
            sink.diagnostic(Diagnostic::error(
                "missing-id",
                "line has no designation id; skipped",
                loc,
            ));
            continue;
        };
        let i = *index.entry(key.clone()).or_insert_with(|| {
            groups.push(Group {
                key,
                rows: Vec::new(),
            });
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(i) {
            g.rows.push((node, loc));
        }
    }
    // The csv crate accepts a quote left open at the end of the file: the last record then
    // swallows the rest of the file. An odd number of quotes from its start gives it away.
    if let Some((byte, line)) = last_start {
        let rest = input
            .get(usize::try_from(byte).unwrap_or(usize::MAX)..)
            .unwrap_or("");
        if rest.matches('"').count() % 2 == 1 {
            return Err(ListError::syntax(
                file.loc().line(line).byte(byte + base),
                "broken CSV: a quoted field is never closed (the file ends inside it)",
            ));
        }
    }
    Ok(groups)
}

/// Builds and sends one entity per group.
pub(crate) fn emit_groups(
    groups: Vec<Group>,
    id_of: impl Fn(&str) -> String,
    sink: &mut dyn EntitySink,
) -> Result<(), ListError> {
    for g in groups {
        let id = id_of(&g.key);
        let mut rec: Option<UkRecord> = None;
        for (node, loc) in &g.rows {
            match &mut rec {
                None => rec = UkRecord::from_node(node, Some(&id), loc, sink),
                Some(r) => r.apply(node, loc, sink),
            }
        }
        if let Some(r) = rec {
            sink.entity(r.finish())?;
        }
    }
    Ok(())
}

/// The text of a direct child (by normalised key) of a row.
pub(crate) fn row_text<'a>(row: &'a XmlNode, key: &str) -> Option<&'a str> {
    row.children
        .iter()
        .find(|c| c.name == key)
        .and_then(XmlNode::text)
}

// ---------------------------------------------------------------------------------------------
// The official XML: `<Designations><Designation>…`.

fn parse_xml(file: &SourceFile, sink: &mut dyn EntitySink) -> Result<ParseOutcome, ListError> {
    let mut records = XmlRecords::new(file, &["Designation", "DateGenerated"])?;
    let mut outcome = ParseOutcome {
        publication_date: None,
        title: Some("UK Sanctions List (FCDO)".into()),
    };
    let mut checked_root = false;
    while let Some(node) = records.next_record()? {
        if !checked_root {
            checked_root = true;
            if records
                .root
                .as_ref()
                .is_some_and(|r| r.name != "Designations")
            {
                return Err(ListError::syntax(
                    records.loc(0),
                    "not a UK Sanctions List XML file: the root element is not <Designations>",
                ));
            }
        }
        if node.name == "DateGenerated" {
            outcome.publication_date = node
                .text()
                .and_then(|t| dmy_date(t.split(['T', ' ']).next().unwrap_or(t)))
                .map(|d| d.to_string());
            continue;
        }
        let loc = records.loc(node.byte).section("Designation");
        let node = normalise_tree(node);
        if let Some(rec) = UkRecord::from_node(&node, None, &loc, sink) {
            sink.entity(rec.finish())?;
        }
    }
    Ok(outcome)
}

/// Normalises every element name of a tree to the key form of [`norm_key`]. Container elements
/// get a trailing `/` so that `<PassportDetails>` (a container in the XML) is not taken for the
/// CSV's `Passport Details` text column.
fn normalise_tree(mut node: XmlNode) -> XmlNode {
    node.name = norm_key(&node.name);
    if !node.children.is_empty() {
        node.name.push('/');
    }
    node.children = node.children.into_iter().map(normalise_tree).collect();
    node
}

// ---------------------------------------------------------------------------------------------
// One designation, from any UK format.

/// A field name reduced to lower-case letters and digits: `Name 1`, `Name1` and `name1` are all
/// `name1`; `D.O.B` and `DOB` are `dob`.
pub(crate) fn norm_key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A leaf node with a normalised name.
pub(crate) fn leaf(name: &str, text: &str) -> XmlNode {
    XmlNode {
        name: norm_key(name),
        text: text.to_owned(),
        ..XmlNode::default()
    }
}

/// What a UK field is, by its normalised name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Kind,
    NamePart(usize),
    FullName,
    NameType,
    AliasStrength,
    NonLatin,
    AddressLine,
    PostCode,
    AddressCountry,
    TownOfBirth,
    CountryOfBirth,
    Dob,
    Date(&'static str),
    Country(&'static str),
    Prop(&'static str),
    Note(&'static str),
    Gender,
    Ignore,
}

fn field(key: &str) -> Option<Field> {
    use Field::*;
    Some(match key {
        "uniqueid" | "uksanctionslistref" => Id,
        "designationtype" | "individualentityship" | "grouptype" => Kind,
        "name1" => NamePart(1),
        "name2" => NamePart(2),
        "name3" => NamePart(3),
        "name4" => NamePart(4),
        "name5" => NamePart(5),
        "name6" => NamePart(6),
        "fullname" => FullName,
        "nametype" | "aliastype" => NameType,
        "aliasstrength" | "aliasquality" => AliasStrength,
        "namenonlatinscript" => NonLatin,
        "addressline1" | "addressline2" | "addressline3" | "addressline4" | "addressline5"
        | "addressline6" | "address1" | "address2" | "address3" | "address4" | "address5"
        | "address6" => AddressLine,
        "addresspostalcode" | "postzipcode" => PostCode,
        "addresscountry" | "country" => AddressCountry,
        "townofbirth" => TownOfBirth,
        "countryofbirth" => CountryOfBirth,
        "dob" => Dob,
        "datedesignated" | "listedon" | "uksanctionslistdatedesignated" => Date(prop::LISTING_DATE),
        "lastupdated" => Date(prop::MODIFIED_AT),
        "nationality" | "nationalityies" => Country(prop::NATIONALITY),
        "currentbelievedflagofship" => Country(prop::FLAG),
        "ofsigroupid" | "groupid" => Prop(prop::GROUP_ID),
        "regimename" | "regime" => Prop(prop::PROGRAM),
        "title" => Prop(prop::TITLE),
        "position" => Prop(prop::POSITION),
        "phonenumber" => Prop(prop::PHONE),
        "website" => Prop(prop::WEBSITE),
        "emailaddress" => Prop(prop::EMAIL),
        "nationalidentifiernumber" | "nationalidentificationnumber" => Prop(prop::ID_NUMBER),
        "passportnumber" => Prop(prop::PASSPORT_NUMBER),
        "businessregistrationnumbers" | "businessregistrationnumber" => {
            Prop(prop::REGISTRATION_NUMBER)
        }
        "imonumber" => Prop(prop::IMO_NUMBER),
        "typeofentity" => Prop(prop::LEGAL_FORM),
        "subsidiaries" | "subsidiary" | "parentcompany" => Prop(prop::ASSOCIATE),
        "currentowneroperators" | "currentowneroperator" => Prop(prop::OWNER),
        "typeofship" => Prop(prop::TYPE),
        "tonnageofship" => Prop(prop::TONNAGE),
        "ukstatementofreasons" => Prop(prop::SUMMARY),
        "otherinformation" => Note(""),
        "unreferencenumber" => Note("UN reference: "),
        "designationsource" => Note(prop::DESIGNATION_SOURCE_NOTE),
        "sanctionsimposed" => Note("Sanctions imposed: "),
        "previousflags" => Note("Previous flags: "),
        "previousowneroperators" | "previousowneroperator" => Note("Previous owner/operator: "),
        "passportadditionalinformation" | "passportdetails" => Note("Passport: "),
        "nationalidentifieradditionalinformation" | "nationalidentificationdetails" => {
            Note("National identifier: ")
        }
        "lengthofship" => Note("Length: "),
        "yearbuilt" => Note("Year built: "),
        "hullidentificationnumberhin" => Note("Hull identification number: "),
        "gender" => Gender,
        _ => Ignore,
    })
}

/// An entity being built from the fields of one UK designation.
pub(crate) struct UkRecord {
    entity: Entity,
    has_primary: bool,
}

impl UkRecord {
    /// Starts a record from its first node (a CSV line or a whole XML/YAML designation). The id is
    /// `id` when given (CSV groups), else `uk-<Unique ID>` from the node. `None` (with an error
    /// diagnostic) when the node names no designation id.
    pub(crate) fn from_node(
        node: &XmlNode,
        id: Option<&str>,
        loc: &Location,
        sink: &mut dyn EntitySink,
    ) -> Option<Self> {
        let id = match id {
            Some(id) => id.to_owned(),
            None => match find_text(node, "uniqueid") {
                Some(uid) => format!("uk-{uid}"),
                None => {
                    sink.diagnostic(Diagnostic::error(
                        "missing-id",
                        "designation has no Unique ID; skipped",
                        loc.clone().field("Unique ID"),
                    ));
                    return None;
                }
            },
        };
        let schema = match find_text(node, "designationtype")
            .or_else(|| find_text(node, "individualentityship"))
            .or_else(|| find_text(node, "grouptype"))
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("individual") => Schema::Person,
            Some("entity") => Schema::Organization,
            Some("ship") => Schema::Vessel,
            other => {
                sink.diagnostic(Diagnostic::warning(
                    "unknown-type",
                    format!("designation type {other:?} is not Individual, Entity or Ship; read as a legal entity"),
                    loc.clone().field("Designation Type").record(id.clone()),
                ));
                Schema::LegalEntity
            }
        };
        let mut rec = UkRecord {
            entity: Entity::new(id, schema),
            has_primary: false,
        };
        rec.apply(node, loc, sink);
        Some(rec)
    }

    /// Adds everything a node (and its descendants) says.
    pub(crate) fn apply(&mut self, node: &XmlNode, loc: &Location, sink: &mut dyn EntitySink) {
        let loc = loc.clone().record(self.entity.id.clone());
        self.apply_inner(node, &loc, sink);
    }

    fn apply_inner(&mut self, node: &XmlNode, loc: &Location, sink: &mut dyn EntitySink) {
        let mut parts: [&str; 7] = [""; 7];
        let (mut name_type, mut strength, mut full) = ("", "", "");
        let mut address: Vec<&str> = Vec::new();
        let (mut postcode, mut addr_country) = ("", "");
        let (mut town, mut birth_country) = ("", "");
        for child in &node.children {
            if !child.children.is_empty() {
                // A list of values of the field itself (YAML `nationality: [a, b]`) is fine; any
                // other structure where a text belongs is a type error in the record.
                let list_of_self = child
                    .children
                    .iter()
                    .all(|c| c.children.is_empty() && c.name == child.name);
                let known = field(&child.name).is_some_and(|f| f != Field::Ignore);
                if !child.text.trim().is_empty() || (known && !list_of_self) {
                    sink.diagnostic(Diagnostic::warning(
                        "wrong-type",
                        "expected a text value, found a structure; ignored",
                        loc.clone().field(child.name.clone()),
                    ));
                    continue;
                }
                self.apply_inner(child, loc, sink);
                continue;
            }
            let Some(text) = child.text() else { continue };
            let Some(f) = field(&child.name) else {
                continue;
            };
            match f {
                Field::NamePart(i) => {
                    if let Some(p) = parts.get_mut(i) {
                        *p = text;
                    }
                }
                Field::FullName => full = text,
                Field::NameType => name_type = text,
                Field::AliasStrength => strength = text,
                Field::NonLatin => self.entity.add(prop::ALIAS, text),
                Field::AddressLine => address.push(text),
                Field::PostCode => postcode = text,
                Field::AddressCountry => addr_country = text,
                Field::TownOfBirth => town = text,
                Field::CountryOfBirth => birth_country = text,
                Field::Dob => {
                    for part in text
                        .split(['|', ';'])
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                    {
                        match dmy_date(part) {
                            Some(d) => self.entity.add_date(prop::BIRTH_DATE, &d),
                            None => sink.diagnostic(Diagnostic::warning(
                                "bad-date",
                                format!("cannot read {part:?} as a date of birth; ignored"),
                                loc.clone().field(child.name.clone()),
                            )),
                        }
                    }
                }
                Field::Date(p) => match dmy_date(text) {
                    Some(d) => self.entity.add_date(p, &d),
                    None => sink.diagnostic(Diagnostic::warning(
                        "bad-date",
                        format!("cannot read {text:?} as a date; ignored"),
                        loc.clone().field(child.name.clone()),
                    )),
                },
                Field::Country(p) => {
                    for part in text
                        .split(['|', ';'])
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                    {
                        self.add_country(p, part, &child.name, loc, sink);
                    }
                }
                Field::Prop(p) => {
                    for part in text.split('|') {
                        self.entity.add(p, part);
                    }
                }
                Field::Note(prefix) => self.entity.add(prop::NOTES, format!("{prefix}{text}")),
                Field::Gender => {
                    if let g @ ("male" | "female") = text.to_ascii_lowercase().as_str() {
                        self.entity.add(prop::GENDER, g);
                    }
                }
                Field::Id | Field::Kind | Field::Ignore => {}
            }
        }
        let [_, n1, n2, n3, n4, n5, n6] = parts;
        let joined = [n6, n1, n2, n3, n4, n5]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let name = if joined.is_empty() {
            full
        } else {
            joined.as_str()
        };
        if !name.is_empty() {
            let p = name_prop(name_type, strength, self.has_primary);
            if p == prop::NAME {
                if !self.has_primary && self.entity.schema == Schema::Person {
                    self.entity.add(prop::FIRST_NAME, n1);
                    self.entity
                        .add(prop::MIDDLE_NAME, [n2, n3, n4, n5].join(" "));
                    self.entity.add(prop::LAST_NAME, n6);
                }
                self.has_primary = true;
            }
            self.entity.add(p, name);
        }
        if !address.is_empty() || !postcode.is_empty() || !addr_country.is_empty() {
            let mut line: Vec<&str> = address;
            line.extend(
                [postcode, addr_country]
                    .into_iter()
                    .filter(|s| !s.is_empty()),
            );
            self.entity.add(prop::ADDRESS, line.join(", "));
            if !addr_country.is_empty() {
                self.add_country(prop::COUNTRY, addr_country, "address country", loc, sink);
            }
        }
        if !town.is_empty() || !birth_country.is_empty() {
            let place: Vec<&str> = [town, birth_country]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            self.entity.add(prop::BIRTH_PLACE, place.join(", "));
        }
    }

    fn add_country(
        &mut self,
        p: &str,
        text: &str,
        field: &str,
        loc: &Location,
        sink: &mut dyn EntitySink,
    ) {
        match country::code(text) {
            Some(c) => self.entity.add(p, c),
            None => {
                sink.diagnostic(Diagnostic::warning(
                    "unknown-country",
                    format!("{text:?} is not a country Cordon knows; kept in notes"),
                    loc.clone().field(field.to_owned()),
                ));
                self.entity.add(prop::NOTES, format!("{field}: {text}"));
            }
        }
    }

    /// The finished entity.
    pub(crate) fn finish(self) -> Entity {
        self.entity
    }
}

/// Which property a name goes to, from the list's name type and alias strength.
fn name_prop(name_type: &str, strength: &str, has_primary: bool) -> &'static str {
    let t = name_type.to_ascii_lowercase();
    let weak = strength.to_ascii_lowercase().contains("low")
        || strength.to_ascii_lowercase().contains("weak");
    if t.starts_with("primary name variation") || t.starts_with("primary name var") {
        prop::ALIAS
    } else if t.starts_with("primary") {
        prop::NAME
    } else if t.contains("fka") || t.contains("former") || t.contains("previous") {
        prop::PREVIOUS_NAME
    } else if weak {
        prop::WEAK_ALIAS
    } else if t.is_empty() && !has_primary {
        prop::NAME
    } else {
        prop::ALIAS
    }
}

/// The text of the first descendant leaf with a normalised name.
fn find_text<'a>(node: &'a XmlNode, key: &str) -> Option<&'a str> {
    node.children.iter().find_map(|c| {
        if c.name == key && c.children.is_empty() {
            c.text()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_types() {
        assert_eq!(name_prop("Primary name", "", false), prop::NAME);
        assert_eq!(name_prop("Primary Name Variation", "", true), prop::ALIAS);
        assert_eq!(name_prop("Alias", "Good quality a.k.a", true), prop::ALIAS);
        assert_eq!(name_prop("AKA", "Low quality", true), prop::WEAK_ALIAS);
        assert_eq!(name_prop("FKA", "", true), prop::PREVIOUS_NAME);
    }

    #[test]
    fn keys_are_shared_across_formats() {
        for k in ["Name 1", "Name1", "name1"] {
            assert_eq!(field(&norm_key(k)), Some(Field::NamePart(1)));
        }
        assert_eq!(field(&norm_key("D.O.B")), Some(Field::Dob));
        assert_eq!(
            field(&norm_key("individual_entity_ship")),
            Some(Field::Kind)
        );
    }

    #[test]
    fn sniffs_ods_when_mimetype_is_not_first() {
        // Written like the FCDO download: a `META-INF/` entry before `mimetype`.
        let ods = include_bytes!("../tests/fixtures/uk/ods/FCDO_SL_Tue_Aug_12_2025.ods");
        assert!(is_ods(ods));
        assert!(!is_ods(b"PK\x03\x04 not really"));
    }
}

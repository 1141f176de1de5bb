//! OFAC's legacy CSV sets: the SDN list (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`)
//! and the consolidated non-SDN list (`cons_prim.csv` and the `cons_` companions).
//!
//! The files have no header. Nulls are written `-0-`, the files end with a DOS end-of-file byte
//! (0x1A), and the free-text `Remarks` column carries most of the data (dates of birth,
//! documents, digital currency addresses, weak aliases), cut at 1,000 characters and continued
//! in the comments file. Companions are small (a few MB), so they are loaded first and joined
//! onto each primary record as it streams past.

// ListError carries a whole Location (file, line, byte, field) by the crate's contract; the
// size is the price of errors that name where the input is wrong.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cordon_model::{Diagnostic, Entity, Location, Schema, country, parse_dates, prop};

use crate::ofac_crypto::Wallets;
use crate::util;
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

const SDN_FIELDS: [&str; 12] = [
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
];
const ADD_FIELDS: [&str; 6] = [
    "ent_num",
    "Add_num",
    "Address",
    "City/State/Province/Postal Code",
    "Country",
    "Add_remarks",
];
const ALT_FIELDS: [&str; 5] = ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"];
const COMMENT_FIELDS: [&str; 2] = ["ent_num", "Remarks_Extended"];

/// OFAC cuts `Remarks` at this many characters and continues them in the comments file.
const REMARKS_CUT: usize = 1000;

pub(crate) fn sniff(path: &Path, head: &[u8]) -> Option<Detection> {
    let text = String::from_utf8_lossy(head);
    let line = text.lines().next()?;
    let (num, _) = line.split_once(',')?;
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let rec = rd.records().next()?.ok()?;
    let f = |i: usize| rec.get(i).map(str::trim).unwrap_or("");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let role = match rec.len() {
        12 if matches!(f(2), "individual" | "vessel" | "aircraft" | "-0-") => Role::Primary,
        6 if digits(f(1)) => Role::Addresses,
        5 if digits(f(1)) && matches!(f(2), "aka" | "fka" | "nka") => Role::Aliases,
        2 if line[num.len()..].starts_with(",\"") => Role::Comments,
        _ => return None,
    };
    let (format, source_id) = if util::file_name_lower(path).starts_with("cons") {
        (Format::OfacConsCsv, "ofac-cons")
    } else {
        (Format::OfacSdnCsv, "ofac-sdn")
    };
    Some(Detection {
        format,
        source_id: source_id.to_owned(),
        role,
    })
}

/// One CSV record with where it starts.
struct Rec {
    fields: Vec<String>,
    line: u64,
    byte: u64,
}

impl Rec {
    fn get(&self, i: usize) -> &str {
        self.fields.get(i).map(|s| s.trim()).unwrap_or("")
    }

    /// The field, or `None` for OFAC's `-0-` null and empty fields.
    fn value(&self, i: usize) -> Option<&str> {
        Some(self.get(i)).filter(|v| !v.is_empty() && *v != "-0-")
    }
}

/// Reads every record of a headerless OFAC CSV file, checking the field count.
fn read_records(
    file: &SourceFile,
    names: &[&str],
    sink: &mut dyn EntitySink,
    mut each: impl FnMut(Rec, &mut dyn EntitySink) -> Result<(), ListError>,
) -> Result<(), ListError> {
    let bytes = file.bytes()?;
    let text = crate::ofac_crypto::decode_text(&bytes, &file.path, sink);
    // The DOS end-of-file byte OFAC appends is not a record.
    let text = text.trim_end_matches(['\u{1a}', '\r', '\n', ' ']);
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    // Lines are counted here: the csv crate's own count lags on CRLF files.
    let (mut seen_byte, mut seen_line) = (0usize, 1u64);
    loop {
        match rd.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let mut loc = file.loc();
                if let Some(p) = e.position() {
                    loc = loc.line(p.line()).byte(p.byte());
                }
                return Err(ListError::syntax(loc, format!("unreadable CSV: {e}")));
            }
        }
        let byte = record.position().map(|p| p.byte()).unwrap_or_default();
        let mut upto = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // A record's reported start can sit on the line break that ends the previous one.
        while text
            .as_bytes()
            .get(upto)
            .is_some_and(|b| *b == b'\r' || *b == b'\n')
        {
            upto += 1;
        }
        if upto > seen_byte {
            let skipped = text.as_bytes().get(seen_byte..upto).unwrap_or_default();
            seen_line += skipped.iter().filter(|b| **b == b'\n').count() as u64;
            seen_byte = upto;
        }
        let line = seen_line;
        // OFAC fields never hold line breaks: one that does means a quote was left open and
        // every later field is shifted, so nothing after this point can be trusted.
        if let Some(i) = record.iter().position(|f| f.contains(['\n', '\r'])) {
            return Err(ListError::syntax(
                file.loc()
                    .line(line)
                    .byte(byte)
                    .field(names.get(i).copied().unwrap_or("?")),
                "a quoted field runs over the end of its line (unclosed quote); the file has lost sync",
            ));
        }
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != names.len() {
            sink.diagnostic(Diagnostic::warning(
                "csv-field-count",
                format!(
                    "{} fields where {} are expected; record skipped",
                    record.len(),
                    names.len()
                ),
                file.loc().line(line).byte(byte),
            ));
            continue;
        }
        let rec = Rec {
            fields: record.iter().map(str::to_owned).collect(),
            line,
            byte,
        };
        if rec.get(0).is_empty() || !rec.get(0).bytes().all(|b| b.is_ascii_digit()) {
            sink.diagnostic(Diagnostic::warning(
                "bad-record-id",
                format!("ent_num {:?} is not a number; record skipped", rec.get(0)),
                file.loc().line(line).byte(byte).field(names[0]),
            ));
            continue;
        }
        each(rec, sink)?;
    }
    Ok(())
}

/// Companion rows by ent_num, with the file they came from (for the orphan report).
#[derive(Default)]
struct Companion {
    path: PathBuf,
    rows: HashMap<String, Vec<Rec>>,
}

impl Companion {
    fn load(
        file: &SourceFile,
        names: &[&str],
        sink: &mut dyn EntitySink,
    ) -> Result<Self, ListError> {
        let mut c = Companion {
            path: file.path.clone(),
            rows: HashMap::new(),
        };
        read_records(file, names, sink, |rec, _| {
            c.rows.entry(rec.get(0).to_owned()).or_default().push(rec);
            Ok(())
        })?;
        Ok(c)
    }

    fn take(&mut self, ent_num: &str) -> Vec<Rec> {
        self.rows.remove(ent_num).unwrap_or_default()
    }

    /// One warning for all rows whose ent_num the primary file does not have.
    fn report_orphans(&self, primary: &Path, sink: &mut dyn EntitySink) {
        if self.rows.is_empty() {
            return;
        }
        let rows: usize = self.rows.values().map(Vec::len).sum();
        let mut nums: Vec<(&String, u64)> = self
            .rows
            .iter()
            .map(|(k, v)| (k, v.first().map(|r| r.line).unwrap_or(0)))
            .collect();
        nums.sort_by_key(|(_, line)| *line);
        let examples: Vec<String> = nums
            .iter()
            .take(5)
            .map(|(n, line)| format!("{n} (line {line})"))
            .collect();
        sink.diagnostic(Diagnostic::warning(
            "orphan-companion-rows",
            format!(
                "{rows} rows for {} ent_nums that {} does not list (the files are from different dates?); ignored. E.g. {}",
                self.rows.len(),
                primary.display(),
                examples.join(", ")
            ),
            Location::file(&self.path),
        ));
    }
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let cons = plan.format == Format::OfacConsCsv;
    let prefix = if cons { "ofac-cons-" } else { "ofac-" };
    let primary = util::primary_file(
        plan,
        if cons {
            "primary file (cons_prim.csv)"
        } else {
            "primary file (sdn.csv)"
        },
    )?;
    let mut addresses = Companion::default();
    let mut aliases = Companion::default();
    let mut comments = Companion::default();
    for f in &plan.files {
        match f.role {
            Role::Addresses => addresses = Companion::load(f, &ADD_FIELDS, sink)?,
            Role::Aliases => aliases = Companion::load(f, &ALT_FIELDS, sink)?,
            Role::Comments => comments = Companion::load(f, &COMMENT_FIELDS, sink)?,
            _ => {}
        }
    }
    let mut wallets = Wallets::default();
    read_records(primary, &SDN_FIELDS, sink, |rec, sink| {
        let num = rec.get(0).to_owned();
        let loc = primary
            .loc()
            .line(rec.line)
            .byte(rec.byte)
            .record(num.clone());
        let mut e = primary_entity(&rec, prefix, &loc, sink);
        // Untrimmed: the cut can fall on a space, and the continuation starts where it fell.
        let mut remarks = match rec.value(11) {
            Some(_) => rec.fields.get(11).cloned().unwrap_or_default(),
            None => String::new(),
        };
        let continued = comments.take(&num);
        for c in &continued {
            let Some(more) = c.value(1).and(c.fields.get(1)) else {
                continue;
            };
            if remarks.chars().count() < REMARKS_CUT {
                // The comments file is from another date than the primary file: its text does
                // not continue this cut. Keep it as a separate fragment rather than gluing
                // two words together.
                sink.diagnostic(Diagnostic::warning(
                    "ofac-comments-mismatch",
                    format!(
                        "Remarks are not cut at {REMARKS_CUT} characters, yet the comments file continues them; appended as a separate part"
                    ),
                    Location::file(&comments.path).line(c.line).record(num.clone()),
                ));
                remarks.push_str("; ");
            }
            remarks.push_str(more);
        }
        let programs = e.get(prop::PROGRAM).to_vec();
        let mut ctx = RemarkCtx {
            sink,
            wallets: &mut wallets,
            loc: loc.clone().field("Remarks"),
            programs: &programs,
        };
        parse_remarks(&remarks, &mut e, &mut ctx);
        for a in aliases.take(&num) {
            add_alias(
                &mut e,
                &a,
                &Location::file(&aliases.path).line(a.line),
                sink,
            );
        }
        for a in addresses.take(&num) {
            add_address(&mut e, &a);
        }
        refine_organisation(&mut e, &remarks);
        sink.entity(e)
    })?;
    for c in [&addresses, &aliases, &comments] {
        c.report_orphans(&primary.path, sink);
    }
    wallets.emit_at(primary.loc().field("Remarks"), sink)?;
    Ok(ParseOutcome {
        publication_date: None,
        title: Some(if cons {
            "OFAC Consolidated (non-SDN) list, legacy CSV".to_owned()
        } else {
            "OFAC SDN list, legacy CSV".to_owned()
        }),
    })
}

/// The entity described by the columns of one `sdn.csv`/`cons_prim.csv` record, remarks aside.
fn primary_entity(rec: &Rec, prefix: &str, loc: &Location, sink: &mut dyn EntitySink) -> Entity {
    let sdn_type = rec.value(2).unwrap_or("").to_ascii_lowercase();
    let schema = match sdn_type.as_str() {
        "individual" => Schema::Person,
        "vessel" => Schema::Vessel,
        "aircraft" => Schema::Aircraft,
        "" => Schema::Organization,
        other => {
            sink.diagnostic(Diagnostic::warning(
                "unknown-type",
                format!("SDN_Type {other:?} is not individual, vessel, aircraft or -0-; read as a legal entity"),
                loc.clone().field("SDN_Type"),
            ));
            Schema::LegalEntity
        }
    };
    let mut e = Entity::new(format!("{prefix}{}", rec.get(0)), schema);
    match rec.value(1) {
        Some(name) => add_name(&mut e, prop::NAME, name),
        None => sink.diagnostic(Diagnostic::warning(
            "missing-name",
            "record has no name",
            loc.clone().field("SDN_Name"),
        )),
    }
    for p in rec.value(3).map(programs).unwrap_or_default() {
        e.add(prop::PROGRAM, p);
    }
    // OFAC's "Title" column holds positions ("Chairman of the Workers' Party of Korea").
    e.add(prop::POSITION, rec.value(4).unwrap_or(""));
    e.add(prop::CALL_SIGN, rec.value(5).unwrap_or(""));
    e.add(prop::TYPE, rec.value(6).unwrap_or(""));
    e.add(prop::TONNAGE, rec.value(7).unwrap_or(""));
    if let Some(grt) = rec.value(8) {
        e.add(prop::TONNAGE, format!("{grt} GRT"));
    }
    if let Some(flag) = rec.value(9) {
        match country::code(flag) {
            Some(c) => e.add(prop::FLAG, c),
            None => {
                sink.diagnostic(Diagnostic::warning(
                    "unknown-country",
                    format!("flag {flag:?} is not a known country; kept in notes"),
                    loc.clone().field("Vess_flag"),
                ));
                e.add(prop::NOTES, format!("Flag {flag}"));
            }
        }
    }
    e.add(prop::OWNER, rec.value(10).unwrap_or(""));
    e
}

/// `DPRK3] [CYBER2` (the CSV writes several programs with inner brackets) -> `DPRK3`, `CYBER2`.
pub(crate) fn programs(field: &str) -> Vec<String> {
    field
        .split("] [")
        .map(|p| p.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace()))
        .filter(|p| !p.is_empty() && *p != "-0-")
        .map(str::to_owned)
        .collect()
}

/// Adds a name; for people, `KIM, Jong Un` becomes `KIM Jong Un` (family name first, as OFAC
/// orders it) and fills lastName/firstName.
fn add_name(e: &mut Entity, p: &str, name: &str) {
    if e.schema == Schema::Person
        && let Some((last, first)) = name.split_once(", ")
    {
        e.add(p, format!("{} {}", last.trim(), first.trim()));
        if p == prop::NAME {
            e.add(prop::LAST_NAME, last);
            e.add(prop::FIRST_NAME, first);
        }
        return;
    }
    e.add(p, name);
}

fn add_alias(e: &mut Entity, rec: &Rec, loc: &Location, sink: &mut dyn EntitySink) {
    let Some(name) = rec.value(3) else { return };
    let p = match rec.get(2).to_ascii_lowercase().as_str() {
        "aka" | "nka" => prop::ALIAS,
        "fka" => prop::PREVIOUS_NAME,
        other => {
            sink.diagnostic(Diagnostic::warning(
                "unknown-alias-type",
                format!("alias type {other:?} is not aka, fka or nka; read as aka"),
                loc.clone().field("alt_type"),
            ));
            prop::ALIAS
        }
    };
    add_name(e, p, name);
    e.add(prop::NOTES, rec.value(4).unwrap_or(""));
}

fn add_address(e: &mut Entity, rec: &Rec) {
    let parts: Vec<&str> = [2, 3, 4].into_iter().filter_map(|i| rec.value(i)).collect();
    if !parts.is_empty() {
        e.add(prop::ADDRESS, parts.join(", "));
    }
    if let Some(c) = rec.value(4).and_then(country::code) {
        e.add(prop::COUNTRY, c);
    }
    e.add(prop::NOTES, rec.value(5).unwrap_or(""));
}

/// OFAC writes every non-person, non-transport listing as "entity". Call it a Company only when
/// its name carries a legal form or OFAC's own target type says so; else it stays an
/// Organization (which matching treats as the parent of Company anyway).
fn refine_organisation(e: &mut Entity, remarks: &str) {
    if e.schema != Schema::Organization {
        return;
    }
    const FORMS: [&str; 46] = [
        "LTD",
        "LIMITED",
        "LLC",
        "L.L.C",
        "INC",
        "INCORPORATED",
        "GMBH",
        "CO",
        "COMPANY",
        "S.A",
        "SA",
        "SAS",
        "S.A.S",
        "SARL",
        "SRL",
        "S.R.L",
        "S.L",
        "SAL",
        "LTDA",
        "C.A",
        "S.A.C",
        "AG",
        "KG",
        "SPA",
        "S.P.A",
        "JSC",
        "PJSC",
        "OJSC",
        "CJSC",
        "AO",
        "OOO",
        "ZAO",
        "OAO",
        "OBSHCHESTVO",
        "PLC",
        "B.V",
        "BV",
        "N.V",
        "LLP",
        "LP",
        "CORP",
        "FZE",
        "FZCO",
        "DMCC",
        "BHD",
        "PTE",
    ];
    let name = e.first(prop::NAME).unwrap_or("").to_ascii_uppercase();
    let has_form = name
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .map(|w| w.trim_end_matches('.'))
        .any(|w| FORMS.contains(&w));
    if has_form
        || remarks.contains("Target Type Private Company")
        || remarks.contains("Target Type State-Owned Enterprise")
    {
        e.schema = Schema::Company;
    }
}

struct RemarkCtx<'a> {
    sink: &'a mut dyn EntitySink,
    wallets: &'a mut Wallets,
    loc: Location,
    programs: &'a [String],
}

impl RemarkCtx<'_> {
    fn warn(&mut self, code: &str, msg: String) {
        self.sink
            .diagnostic(Diagnostic::warning(code, msg, self.loc.clone()));
    }
}

/// Identity documents: remark label -> property. Longer labels that share a beginning with a
/// shorter one come first.
const DOCUMENTS: &[(&str, &str)] = &[
    ("Vessel Registration Identification IMO", prop::IMO_NUMBER),
    ("Identification Number IMO", prop::IMO_NUMBER),
    ("Company Number IMO", prop::IMO_NUMBER),
    ("IMO", prop::IMO_NUMBER),
    ("MMSI", prop::MMSI),
    ("Other Vessel Call Sign", prop::CALL_SIGN),
    (
        "Aircraft Manufacturer's Serial Number (MSN)",
        prop::SERIAL_NUMBER,
    ),
    (
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        prop::SERIAL_NUMBER,
    ),
    ("Aircraft Serial Identification", prop::SERIAL_NUMBER),
    ("Aircraft Tail Number", prop::REGISTRATION_NUMBER),
    ("Passport Booklet:", prop::PASSPORT_NUMBER),
    ("Passport Booklet", prop::PASSPORT_NUMBER),
    ("Diplomatic Passport", prop::PASSPORT_NUMBER),
    ("Passport", prop::PASSPORT_NUMBER),
    ("Tax ID No.", prop::TAX_NUMBER),
    ("NIT #", prop::TAX_NUMBER),
    ("RUC #", prop::TAX_NUMBER),
    ("R.F.C. #", prop::TAX_NUMBER),
    ("R.F.C.", prop::TAX_NUMBER),
    ("RFC", prop::TAX_NUMBER),
    ("RIF #", prop::TAX_NUMBER),
    ("V.A.T. Number", prop::TAX_NUMBER),
    ("C.U.I.T.", prop::TAX_NUMBER),
    ("C.I.F.", prop::TAX_NUMBER),
    ("US FEIN", prop::TAX_NUMBER),
    ("Italian Fiscal Code:", prop::TAX_NUMBER),
    ("Italian Fiscal Code", prop::TAX_NUMBER),
    ("Legal Entity Number", prop::LEI_CODE),
    ("SWIFT/BIC", prop::SWIFT_BIC),
    ("Business Registration Number", prop::REGISTRATION_NUMBER),
    ("Registration Number", prop::REGISTRATION_NUMBER),
    ("Registration ID", prop::REGISTRATION_NUMBER),
    ("UK Company Number", prop::REGISTRATION_NUMBER),
    ("Company Number", prop::REGISTRATION_NUMBER),
    ("Commercial Registry Number", prop::REGISTRATION_NUMBER),
    ("Government Gazette Number", prop::REGISTRATION_NUMBER),
    ("Folio Mercantil No.", prop::REGISTRATION_NUMBER),
    ("Matricula Mercantil No", prop::REGISTRATION_NUMBER),
    ("C.R. No.", prop::REGISTRATION_NUMBER),
    ("Chamber of Commerce Number", prop::REGISTRATION_NUMBER),
    (
        "Unified Social Credit Code (USCC)",
        prop::REGISTRATION_NUMBER,
    ),
    (
        "United Social Credit Code Certificate (USCCC)",
        prop::REGISTRATION_NUMBER,
    ),
    ("Economic Register Number (CBLS)", prop::REGISTRATION_NUMBER),
    ("Trade License No.", prop::REGISTRATION_NUMBER),
    ("Business Number", prop::REGISTRATION_NUMBER),
    ("Enterprise Number", prop::REGISTRATION_NUMBER),
    (
        "Central Registration System Number",
        prop::REGISTRATION_NUMBER,
    ),
    (
        "Certificate of Incorporation Number",
        prop::REGISTRATION_NUMBER,
    ),
    ("Public Registration Number", prop::REGISTRATION_NUMBER),
    (
        "Business Registration Document #",
        prop::REGISTRATION_NUMBER,
    ),
    ("D-U-N-S Number", prop::REGISTRATION_NUMBER),
    ("National ID No.", prop::ID_NUMBER),
    ("Cedula No.", prop::ID_NUMBER),
    ("C.U.R.P. #", prop::ID_NUMBER),
    ("C.U.R.P.", prop::ID_NUMBER),
    ("D.N.I.", prop::ID_NUMBER),
    ("Identification Number", prop::ID_NUMBER),
    ("Personal ID Card", prop::ID_NUMBER),
    ("National Foreign ID Number", prop::ID_NUMBER),
    ("Turkish Identification Number", prop::ID_NUMBER),
    ("Citizen's Card Number", prop::ID_NUMBER),
    ("Kenyan ID No.", prop::ID_NUMBER),
    ("Tazkira National ID Card", prop::ID_NUMBER),
    ("UAE Identification", prop::ID_NUMBER),
    ("Electoral Registry No.", prop::ID_NUMBER),
    ("Credencial electoral", prop::ID_NUMBER),
    ("Travel Document Number", prop::ID_NUMBER),
    ("Residency Number", prop::ID_NUMBER),
    ("Birth Certificate Number", prop::ID_NUMBER),
    ("Driver's License No.", prop::ID_NUMBER),
    ("SSN", prop::ID_NUMBER),
];

/// The property for an identity document type as OFAC names it (the advanced XML's
/// `IDRegDocType` values are the labels the CSV remarks use); `idNumber` for any other.
pub(crate) fn document_property(doc_type: &str) -> &'static str {
    let t = doc_type.trim().trim_end_matches(':');
    DOCUMENTS
        .iter()
        .find(|(label, _)| label.trim_end_matches(':') == t)
        .map(|(_, p)| *p)
        .unwrap_or(prop::ID_NUMBER)
}

/// Phone labels as OFAC writes them.
const PHONES: [&str; 6] = [
    "Phone Number",
    "Telephone No.",
    "Telephone:",
    "Telephone",
    "PHONE",
    "Phone",
];

/// Reads the semicolon-separated remarks into properties. What has no property of its own (and
/// documents whose issuing country or dates would otherwise be lost) is kept in `notes`.
fn parse_remarks(text: &str, e: &mut Entity, ctx: &mut RemarkCtx<'_>) {
    for raw in text.split(';') {
        let part = raw.trim();
        if part.is_empty() || part == "-0-" {
            continue;
        }
        let body = strip_prefix_ci(part, "alt. ").unwrap_or(part).trim();
        let clean = strip_sentence_dot(body);
        if !remark_part(body, clean, e, ctx) {
            e.add(prop::NOTES, part);
        }
    }
}

/// Handles one remark part; `false` when it has no property (the caller keeps it in notes).
fn remark_part(body: &str, clean: &str, e: &mut Entity, ctx: &mut RemarkCtx<'_>) -> bool {
    for (label, p) in [
        ("a.k.a.", prop::WEAK_ALIAS),
        ("n.k.a.", prop::WEAK_ALIAS),
        ("f.k.a.", prop::PREVIOUS_NAME),
    ] {
        if let Some(rest) = clean.strip_prefix(label) {
            let name = rest.trim().trim_end_matches('.').trim();
            let name = name.trim_matches(|c| c == '\'' || c == '"').trim();
            e.add(p, name);
            return !name.is_empty();
        }
    }
    if let Some(rest) = clean.strip_prefix("DOB ") {
        let dates = parse_dates(rest);
        if dates.is_empty() {
            ctx.warn(
                "bad-date",
                format!("date of birth {rest:?} not understood; kept in notes"),
            );
            return false;
        }
        dates.iter().for_each(|d| e.add_date(prop::BIRTH_DATE, d));
        return true;
    }
    if let Some(rest) = clean.strip_prefix("POB ") {
        e.add(prop::BIRTH_PLACE, rest);
        return true;
    }
    for (label, p) in [
        ("nationality ", prop::NATIONALITY),
        ("citizen ", prop::CITIZENSHIP),
    ] {
        if let Some(rest) = clean.strip_prefix(label) {
            return match country::code(rest) {
                Some(c) => {
                    e.add(p, c);
                    true
                }
                None => {
                    ctx.warn(
                        "unknown-country",
                        format!("{label}{rest:?} is not a known country; kept in notes"),
                    );
                    false
                }
            };
        }
    }
    if let Some(rest) = clean.strip_prefix("Gender ") {
        let g = rest.trim().to_ascii_lowercase();
        if g == "male" || g == "female" {
            e.add(prop::GENDER, g);
            return true;
        }
        return false;
    }
    if let Some(rest) = clean.strip_prefix("Digital Currency Address - ") {
        return currency_address(rest, e, ctx);
    }
    if let Some(rest) = body.strip_prefix("Linked To: ") {
        e.add(prop::ASSOCIATE, strip_sentence_dot(rest));
        return true;
    }
    if let Some(rest) = clean.strip_prefix("Email Address ") {
        e.add(prop::EMAIL, rest);
        return true;
    }
    if let Some(rest) = clean.strip_prefix("Website ") {
        e.add(prop::WEBSITE, rest);
        return true;
    }
    for label in PHONES {
        if let Some(rest) = clean.strip_prefix(label)
            && rest.starts_with(' ')
            && rest.bytes().any(|b| b.is_ascii_digit())
        {
            e.add(prop::PHONE, rest);
            return true;
        }
    }
    if let Some(rest) = clean.strip_prefix("Aircraft Model ") {
        e.add(prop::MODEL, rest);
        return true;
    }
    if let Some(rest) = clean.strip_prefix("Organization Established Date ") {
        let dates = parse_dates(rest);
        dates
            .iter()
            .for_each(|d| e.add_date(prop::INCORPORATION_DATE, d));
        return !dates.is_empty();
    }
    if let Some(rest) = clean.strip_prefix("Listing Date") {
        // `Listing Date (EO 14024 Directive 3): 24 Feb 2022`: the date of that listing; the
        // directive itself stays in notes.
        let date = rest.rsplit_once(':').map(|(_, d)| d).unwrap_or(rest);
        parse_dates(date)
            .iter()
            .for_each(|d| e.add_date(prop::LISTING_DATE, d));
        return false;
    }
    for (label, p) in DOCUMENTS {
        let Some(rest) = clean.strip_prefix(label) else {
            continue;
        };
        if !rest.starts_with(' ') {
            continue;
        }
        let (value, extra) = document_value(rest);
        if value.is_empty() || !value.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        e.add(p, value);
        // The issuing country and dates have no property of their own: the full text stays
        // in notes so that nothing the list says is lost.
        return !extra;
    }
    false
}

/// `XBT 1Kuf2…` -> a CryptoWallet held by the entity.
fn currency_address(rest: &str, e: &Entity, ctx: &mut RemarkCtx<'_>) -> bool {
    let mut words = rest.split_whitespace();
    let (Some(ticker), Some(address)) = (words.next(), words.next()) else {
        ctx.warn(
            "bad-crypto-address",
            format!("digital currency address {rest:?} has no ticker or no address; kept in notes"),
        );
        return false;
    };
    let address = address.trim_end_matches('.');
    match ctx.wallets.add(ticker, address, Some(&e.id)) {
        Some(w) => {
            w.add_all(prop::PROGRAM, ctx.programs);
            true
        }
        None => {
            ctx.warn(
                "bad-crypto-address",
                format!(
                    "{ticker} address {address:?}: unknown chain or not an address; kept in notes"
                ),
            );
            false
        }
    }
}

/// The document number at the start of `rest` (`A10472263 (Malaysia) issued 2010` ->
/// `A10472263`), and whether anything followed it.
fn document_value(rest: &str) -> (&str, bool) {
    let rest = rest.trim().trim_start_matches([':', '#']).trim();
    let end = [" (", " issued", " expires", ", "]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    let value = rest[..end].trim().trim_end_matches('.').trim();
    (value, end < rest.len())
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Drops the full stop OFAC ends its remarks with, but not one that belongs to an abbreviation
/// (`CO., LTD.`, `S.A.`).
fn strip_sentence_dot(s: &str) -> &str {
    let Some(stem) = s.strip_suffix('.') else {
        return s;
    };
    let last = stem.rsplit([' ', ',']).next().unwrap_or(stem);
    const ABBREVIATIONS: [&str; 12] = [
        "CO", "LTD", "INC", "CORP", "LLC", "JSC", "BHD", "PTE", "Co", "Ltd", "Inc", "Corp",
    ];
    if last.contains('.') || ABBREVIATIONS.contains(&last) {
        s
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectSink;

    fn remarks(schema: Schema, text: &str) -> (Entity, Wallets, CollectSink) {
        let mut e = Entity::new("ofac-1", schema);
        let mut w = Wallets::default();
        let mut sink = CollectSink::default();
        let programs = vec!["DPRK3".to_owned()];
        let mut ctx = RemarkCtx {
            sink: &mut sink,
            wallets: &mut w,
            loc: Location::file("sdn.csv"),
            programs: &programs,
        };
        parse_remarks(text, &mut e, &mut ctx);
        (e, w, sink)
    }

    #[test]
    fn programs_split_on_inner_brackets() {
        assert_eq!(programs("DPRK3] [CYBER2"), ["DPRK3", "CYBER2"]);
        assert_eq!(programs("SDGT"), ["SDGT"]);
        assert!(programs("-0- ").is_empty());
    }

    #[test]
    fn remark_parts_become_properties() {
        let (e, w, sink) = remarks(
            Schema::Person,
            "DOB 08 Jan 1984; alt. DOB circa 1982; POB Pyongyang, North Korea; nationality Korea, North; \
             Gender Male; Passport 745310010 (Korea, North) expires 2020; Tax ID No. 123 (Russia); \
             Email Address a@b.kp; Website www.example.kp; Phone Number 850 2 381; \
             Digital Currency Address - XBT 1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo; \
             a.k.a. 'HIDDEN COBRA'; f.k.a. 'OLD NAME'; Linked To: KOREA MINING CO., LTD.; Something else.",
        );
        assert_eq!(e.get(prop::BIRTH_DATE), ["1984-01-08", "~1982"]);
        assert_eq!(e.get(prop::BIRTH_PLACE), ["Pyongyang, North Korea"]);
        assert_eq!(e.get(prop::NATIONALITY), ["kp"]);
        assert_eq!(e.get(prop::GENDER), ["male"]);
        assert_eq!(e.get(prop::PASSPORT_NUMBER), ["745310010"]);
        assert_eq!(e.get(prop::TAX_NUMBER), ["123"]);
        assert_eq!(e.get(prop::EMAIL), ["a@b.kp"]);
        assert_eq!(e.get(prop::WEBSITE), ["www.example.kp"]);
        assert_eq!(e.get(prop::PHONE), ["850 2 381"]);
        assert_eq!(e.get(prop::WEAK_ALIAS), ["HIDDEN COBRA"]);
        assert_eq!(e.get(prop::PREVIOUS_NAME), ["OLD NAME"]);
        assert_eq!(e.get(prop::ASSOCIATE), ["KOREA MINING CO., LTD."]);
        assert!(
            e.get(prop::NOTES)
                .iter()
                .any(|n| n.starts_with("Passport 745310010"))
        );
        assert!(e.get(prop::NOTES).iter().any(|n| n == "Something else."));
        assert_eq!(w.len(), 1);
        assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
    }

    #[test]
    fn bad_parts_warn_and_stay_in_notes() {
        let (e, w, sink) = remarks(
            Schema::Person,
            "DOB sometime; nationality Atlantis; Digital Currency Address - XBT",
        );
        assert!(!e.has(prop::BIRTH_DATE));
        assert_eq!(e.get(prop::NOTES).len(), 3);
        assert_eq!(w.len(), 0);
        let codes: Vec<&str> = sink.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["bad-date", "unknown-country", "bad-crypto-address"]);
    }

    #[test]
    fn person_names_keep_family_name_first() {
        let mut e = Entity::new("ofac-20157", Schema::Person);
        add_name(&mut e, prop::NAME, "KIM, Jong Un");
        assert_eq!(e.get(prop::NAME), ["KIM Jong Un"]);
        assert_eq!(e.get(prop::LAST_NAME), ["KIM"]);
        assert_eq!(e.get(prop::FIRST_NAME), ["Jong Un"]);
    }

    #[test]
    fn company_only_on_a_legal_form_or_target_type() {
        let schema = |name: &str, remarks: &str| {
            let mut e = Entity::new("ofac-1", Schema::Organization);
            e.add(prop::NAME, name);
            refine_organisation(&mut e, remarks);
            e.schema
        };
        assert_eq!(schema("GALAX TRADING CO., LTD.", ""), Schema::Company);
        assert_eq!(schema("BAKHTAR COMMERCIAL COMPANY", ""), Schema::Company);
        assert_eq!(schema("KOHAS AG", ""), Schema::Company);
        assert_eq!(schema("LAZARUS GROUP", ""), Schema::Organization);
        assert_eq!(schema("HAMAS", ""), Schema::Organization);
        assert_eq!(schema("X", "Target Type Private Company"), Schema::Company);
        let mut p = Entity::new("ofac-2", Schema::Person);
        p.add(prop::NAME, "SMITH CO");
        refine_organisation(&mut p, "");
        assert_eq!(p.schema, Schema::Person);
    }

    #[test]
    fn sentence_dot_but_not_abbreviations() {
        assert_eq!(strip_sentence_dot("HAMAS."), "HAMAS");
        assert_eq!(strip_sentence_dot("X CO., LTD."), "X CO., LTD.");
        assert_eq!(strip_sentence_dot("X S.A."), "X S.A.");
    }
}

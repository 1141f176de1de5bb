//! OFAC's advanced sanctions XML (`SDN_ADVANCED.XML`, `CONS_ADVANCED.XML`).
//!
//! The format normalises everything: names, features and documents refer by numeric id to
//! `ReferenceValueSets` (feature types, alias types, countries…), places to `Locations`,
//! documents sit in `IDRegDocuments` keyed by identity, and the programmes of a party are in
//! `SanctionsEntries`, which OFAC writes *after* the parties. The real file is about 120 MB, so
//! it is read twice with quick-xml's streaming reader: the first pass keeps the side tables
//! (reference values, locations, documents, sanctions entries; a few MB for the real list),
//! the second builds one `DistinctParty` at a time and hands it to the sink. Memory is bounded
//! by the side tables and the largest single party, not by the number of parties.

// ListError carries a whole Location (file, line, byte, field) by the crate's contract; the
// size is the price of errors that name where the input is wrong.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::path::Path;

use cordon_model::{DateValue, Diagnostic, Entity, Location, PartialDate, Schema, country, prop};
use quick_xml::events::{BytesStart, Event};

use crate::ofac_crypto::Wallets;
use crate::ofac_csv::document_property;
use crate::{Detection, EntitySink, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

pub(crate) fn sniff(path: &Path, head: &[u8]) -> Option<Detection> {
    let text = String::from_utf8_lossy(head);
    let root = text.find("<Sanctions")?;
    let ofac = text.contains("ADVANCED_XML")
        || text.contains("sanctionslistservice.ofac")
        || text[root..].contains("<DateOfIssue")
        || text[root..].contains("<ReferenceValueSets")
        || text[root..].contains("<DistinctParties");
    if !ofac {
        return None;
    }
    let cons = crate::util::file_name_lower(path).contains("cons");
    Some(Detection {
        format: crate::Format::OfacAdvancedXml,
        source_id: if cons {
            "ofac-cons-advanced"
        } else {
            "ofac-sdn-advanced"
        }
        .to_owned(),
        role: Role::Primary,
    })
}

/// One element with its attributes, text and children: the unit the parser looks at (a party,
/// a location, a reference value), never the whole document.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// Every descendant with this name, depth first.
    fn descendants<'a>(&'a self, name: &'a str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.descendants(name, out);
        }
    }
}

/// Receives each wanted element with its path from the root.
type OnElement<'a> = dyn FnMut(&[&str], Node) -> Result<(), ListError> + 'a;

/// A reference value: its text and attributes (`PartySubType` carries `PartyTypeID`).
type RefKey = (String, String);

/// A location, reduced to what the parties need: its parts in order and its country.
struct Place {
    parts: Vec<Box<str>>,
    country_id: Option<Box<str>>,
}

/// An identity document, reduced.
struct Doc {
    type_id: Option<Box<str>>,
    number: Box<str>,
    country_id: Option<Box<str>>,
    authority: Option<Box<str>>,
    /// (date type id, date)
    dates: Vec<(Option<Box<str>>, DateValue)>,
}

/// A sanctions entry, reduced: (sanctions type id, comment) per measure, and event dates.
#[derive(Default)]
struct Entry {
    measures: Vec<(Option<Box<str>>, Box<str>)>,
    dates: Vec<PartialDate>,
}

/// What the first pass keeps, in compact form (the real list has tens of thousands of
/// locations and documents).
#[derive(Default)]
struct Tables {
    refs: HashMap<RefKey, Node>,
    locations: HashMap<Box<str>, Place>,
    /// IdentityID -> documents.
    documents: HashMap<Box<str>, Vec<Doc>>,
    /// ProfileID -> sanctions entries.
    entries: HashMap<Box<str>, Vec<Entry>>,
    date_of_issue: Option<String>,
}

fn boxed(s: Option<&str>) -> Option<Box<str>> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(Box::from)
}

impl Place {
    fn of(n: &Node) -> Place {
        let mut parts = Vec::new();
        for p in n.children("LocationPart") {
            let mut values = Vec::new();
            p.descendants("Value", &mut values);
            if let Some(v) = values.iter().map(|v| v.text.trim()).find(|v| !v.is_empty()) {
                parts.push(Box::from(v));
            }
        }
        let country_id = boxed(n.child("LocationCountry").and_then(|c| c.attr("CountryID")));
        Place { parts, country_id }
    }
}

impl Doc {
    fn of(n: &Node) -> Option<Doc> {
        Some(Doc {
            type_id: boxed(n.attr("IDRegDocTypeID")),
            number: boxed(n.child_text("IDRegistrationNo"))?,
            country_id: boxed(n.attr("IssuedBy-CountryID")),
            authority: boxed(n.child_text("IssuingAuthority")),
            dates: n
                .children("DocumentDate")
                .filter_map(|d| {
                    let v = d.child("DatePeriod").and_then(period)?;
                    Some((boxed(d.attr("IDRegDocDateTypeID")), v))
                })
                .collect(),
        })
    }
}

impl Entry {
    fn of(n: &Node) -> Entry {
        Entry {
            measures: n
                .children("SanctionsMeasure")
                .filter_map(|m| {
                    Some((
                        boxed(m.attr("SanctionsTypeID")),
                        boxed(m.child_text("Comment"))?,
                    ))
                })
                .collect(),
            dates: n
                .children("EntryEvent")
                .filter_map(|ev| ev.child("Date").and_then(partial))
                .collect(),
        }
    }
}

impl Tables {
    /// The text of reference value `kind` (`FeatureType`, `Country`…) with this id.
    fn value(&self, kind: &str, id: Option<&str>) -> Option<&str> {
        let n = self.refs.get(&(kind.to_owned(), id?.to_owned()))?;
        Some(n.text.trim()).filter(|t| !t.is_empty())
    }

    fn country(&self, id: Option<&str>) -> Option<&'static str> {
        let n = self.refs.get(&("Country".to_owned(), id?.to_owned()))?;
        n.attr("ISO2")
            .and_then(country::code)
            .or_else(|| country::code(n.text.trim()))
    }

    /// A location as one line of text, and its country code.
    fn location(&self, id: Option<&str>) -> (Option<String>, Option<&'static str>) {
        let Some(place) = id.and_then(|id| self.locations.get(id)) else {
            return (None, None);
        };
        let mut parts: Vec<&str> = place.parts.iter().map(|p| &**p).collect();
        let country_id = place.country_id.as_deref();
        if let Some(name) = self.value("Country", country_id) {
            parts.push(name);
        }
        let line = (!parts.is_empty()).then(|| parts.join(", "));
        (line, self.country(country_id))
    }
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let file = crate::util::primary_file(plan, "advanced XML file")?;
    let prefix = if plan.source_id.contains("cons") {
        "ofac-cons-"
    } else {
        "ofac-"
    };
    let mut tables = Tables::default();
    walk(
        file,
        &mut |path, node| {
            match path {
                [_, "DateOfIssue"] => tables.date_of_issue = date_of(&node),
                [_, "ReferenceValueSets", _, kind] => {
                    if let Some(id) = node.attr("ID") {
                        tables
                            .refs
                            .insert(((*kind).to_owned(), id.to_owned()), node);
                    }
                }
                [_, "Locations", "Location"] => {
                    if let Some(id) = node.attr("ID") {
                        tables.locations.insert(Box::from(id), Place::of(&node));
                    }
                }
                [_, "IDRegDocuments", "IDRegDocument"] => {
                    if let (Some(id), Some(doc)) = (node.attr("IdentityID"), Doc::of(&node)) {
                        tables.documents.entry(Box::from(id)).or_default().push(doc);
                    }
                }
                [_, "SanctionsEntries", "SanctionsEntry"] => {
                    if let Some(id) = node.attr("ProfileID") {
                        tables
                            .entries
                            .entry(Box::from(id))
                            .or_default()
                            .push(Entry::of(&node));
                    }
                }
                _ => {}
            }
            Ok(())
        },
        &|path| {
            matches!(
                path,
                [_, "DateOfIssue"]
                    | [_, "ReferenceValueSets", _, _]
                    | [_, "Locations", "Location"]
                    | [_, "IDRegDocuments", "IDRegDocument"]
                    | [_, "SanctionsEntries", "SanctionsEntry"]
            )
        },
    )?;
    let mut wallets = Wallets::default();
    walk(
        file,
        &mut |_, node| {
            let loc = file
                .loc()
                .section("DistinctParty")
                .record(node.attr("FixedRef").unwrap_or("?").to_owned());
            match party(&node, prefix, &tables, &mut wallets, &loc, sink) {
                Some(e) => sink.entity(e),
                None => Ok(()),
            }
        },
        &|path| matches!(path, [_, "DistinctParties", "DistinctParty"]),
    )?;
    wallets.emit_at(file.loc(), sink)?;
    Ok(ParseOutcome {
        publication_date: tables.date_of_issue,
        title: Some(if prefix == "ofac-" {
            "OFAC SDN list, advanced XML".to_owned()
        } else {
            "OFAC Consolidated (non-SDN) list, advanced XML".to_owned()
        }),
    })
}

/// Streams the file; every element whose path (from the root) `wanted` accepts is built as a
/// [`Node`] and handed to `each`. The root must be `<Sanctions>`, the document complete and
/// UTF-8 (or in the encoding it declares).
fn walk(
    file: &SourceFile,
    each: &mut OnElement<'_>,
    wanted: &dyn Fn(&[&str]) -> bool,
) -> Result<(), ListError> {
    let input = file.open()?;
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::with_capacity(1 << 16);
    let mut path: Vec<String> = Vec::new();
    // The element being built and its open descendants.
    let mut building: Vec<Node> = Vec::new();
    let mut seen_root = false;
    loop {
        let at = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => return Err(xml_error(file, reader.error_position(), &e)),
        };
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let empty = matches!(event, Event::Empty(_));
                let name = s.local_name().as_ref().to_owned();
                if !seen_root {
                    if name != "Sanctions" {
                        return Err(ListError::syntax(
                            file.loc().byte(at),
                            format!("root element is <{name}>, not OFAC's <Sanctions>"),
                        ));
                    }
                    seen_root = true;
                } else if path.is_empty() {
                    return Err(ListError::syntax(
                        file.loc().byte(at),
                        format!("<{name}> after the end of the root element"),
                    ));
                }
                path.push(name);
                if !building.is_empty() || wanted(&as_strs(&path)) {
                    let node = Node {
                        name: path.last().cloned().unwrap_or_default(),
                        attrs: attributes(s),
                        ..Default::default()
                    };
                    building.push(node);
                }
                if empty {
                    close(&mut path, &mut building, each)?;
                }
            }
            Event::End(_) => close(&mut path, &mut building, each)?,
            Event::Text(t) => {
                if let Some(n) = building.last_mut() {
                    let text = t.xml10_content();
                    // Indentation between elements would otherwise pile up in every
                    // container; blanks inside a value (around `&apos;`) are kept.
                    if !n.text.is_empty() || !text.trim().is_empty() {
                        n.text.push_str(&text);
                    }
                }
            }
            Event::CData(t) => {
                if let Some(n) = building.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(n) = building.last_mut() {
                    let name = r.xml10_content();
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => n.text.push(c),
                        _ => match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => n.text.push_str(s),
                            None => {
                                return Err(ListError::syntax(
                                    file.loc().byte(at),
                                    format!("unknown entity &{name};"),
                                ));
                            }
                        },
                    }
                }
            }
            Event::Eof => {
                if !seen_root {
                    return Err(ListError::syntax(
                        file.loc().byte(at),
                        "no XML element at all (empty or not XML)",
                    ));
                }
                if !path.is_empty() {
                    return Err(ListError::syntax(
                        file.loc().byte(at).section(path.join("/")),
                        format!("file ends inside <{}>: truncated", path.join("/")),
                    ));
                }
                return Ok(());
            }
            _ => {}
        }
        buf.clear();
    }
}

fn as_strs(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

fn close(
    path: &mut Vec<String>,
    building: &mut Vec<Node>,
    each: &mut OnElement<'_>,
) -> Result<(), ListError> {
    if let Some(done) = building.pop() {
        match building.last_mut() {
            Some(parent) => parent.children.push(done),
            None => each(&as_strs(path), done)?,
        }
    }
    path.pop();
    Ok(())
}

fn attributes(s: &BytesStart<'_>) -> Vec<(String, String)> {
    s.attributes()
        .flatten()
        .map(|a| {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (a.key.local_name().as_ref().to_owned(), v)
        })
        .collect()
}

fn xml_error(file: &SourceFile, pos: u64, e: &quick_xml::Error) -> ListError {
    match e {
        quick_xml::Error::Encoding(_) => ListError::Encoding {
            location: file.loc().byte(pos),
            message: format!("not valid UTF-8 (or the declared encoding): {e}"),
        },
        quick_xml::Error::Io(io) => {
            ListError::io(&file.path, std::io::Error::new(io.kind(), io.to_string()))
        }
        _ => ListError::syntax(file.loc().byte(pos), format!("malformed XML: {e}")),
    }
}

/// `<Year>2024</Year><Month>5</Month><Day>3</Day>` -> `2024-05-03` (to the precision given).
fn date_of(n: &Node) -> Option<String> {
    partial(n).map(|p| DateValue::Exact(p).to_string())
}

fn partial(n: &Node) -> Option<PartialDate> {
    let num = |name: &str| n.child_text(name).and_then(|t| t.parse::<u16>().ok());
    PartialDate::new(
        num("Year")?,
        num("Month").and_then(|m| u8::try_from(m).ok()),
        num("Day").and_then(|d| u8::try_from(d).ok()),
    )
}

/// A `DatePeriod` as a date with its real precision: OFAC writes "1962" as the period from
/// 1962-01-01 to 1962-12-31, and "circa" as `Approximate="true"`.
fn period(n: &Node) -> Option<DateValue> {
    let start_el = n.child("Start");
    let end_el = n.child("End");
    let start = start_el
        .and_then(|s| s.child("From").or_else(|| s.child("To")))
        .and_then(partial)?;
    let end = end_el
        .and_then(|e| e.child("To").or_else(|| e.child("From")))
        .and_then(partial)
        .unwrap_or(start);
    let approximate = [start_el, end_el]
        .iter()
        .flatten()
        .any(|e| e.attr("Approximate") == Some("true"));
    let (sy, sm, sd) = start.earliest();
    let (ey, em, ed) = end.latest();
    let whole_years = (sm, sd) == (1, 1) && (em, ed) == (12, 31);
    let value = if start == end {
        DateValue::Exact(start)
    } else if whole_years && sy == ey {
        DateValue::Exact(PartialDate::new(sy, None, None)?)
    } else if whole_years {
        DateValue::Range(
            PartialDate::new(sy, None, None)?,
            PartialDate::new(ey, None, None)?,
        )
    } else if sy == ey
        && sm == em
        && sd == 1
        && PartialDate::new(ey, Some(em), None)?.latest() == (ey, em, ed)
    {
        DateValue::Exact(PartialDate::new(sy, Some(sm), None)?)
    } else {
        DateValue::Range(start, end)
    };
    Some(match value {
        DateValue::Exact(p) if approximate => DateValue::Circa(p),
        v => v,
    })
}

/// Builds one party's entity; `None` (with a warning) when it has no FixedRef.
fn party(
    node: &Node,
    prefix: &str,
    t: &Tables,
    wallets: &mut Wallets,
    loc: &Location,
    sink: &mut dyn EntitySink,
) -> Option<Entity> {
    let Some(fixed) = node.attr("FixedRef").filter(|f| !f.trim().is_empty()) else {
        sink.diagnostic(Diagnostic::warning(
            "bad-record-id",
            "DistinctParty without FixedRef; skipped",
            loc.clone().field("FixedRef"),
        ));
        return None;
    };
    let id = format!("{prefix}{}", fixed.trim());
    let Some(profile) = node.child("Profile") else {
        sink.diagnostic(Diagnostic::warning(
            "missing-profile",
            "DistinctParty without Profile; skipped",
            loc.clone(),
        ));
        return None;
    };
    let mut e = Entity::new(id, schema_of(profile, t));
    let mut identity_ids = Vec::new();
    for identity in profile.children("Identity") {
        identity_ids.extend(identity.attr("ID"));
        names(identity, &mut e, t);
    }
    if !e.has(prop::NAME) {
        sink.diagnostic(Diagnostic::warning(
            "missing-name",
            "party has no primary name",
            loc.clone().section("DistinctParty/Profile/Identity"),
        ));
    }
    let profile_id = profile.attr("ID").unwrap_or(fixed);
    for entry in t.entries.get(profile_id).into_iter().flatten() {
        for (type_id, comment) in &entry.measures {
            let type_id = type_id.as_deref();
            let is_program = t
                .value("SanctionsType", type_id)
                .map_or(type_id == Some("1"), |k| k == "Program");
            if is_program {
                e.add(prop::PROGRAM, comment);
            }
        }
        for d in &entry.dates {
            e.add_date(prop::LISTING_DATE, &DateValue::Exact(*d));
        }
    }
    let programs = e.get(prop::PROGRAM).to_vec();
    for f in profile.children("Feature") {
        feature(f, &mut e, t, wallets, &programs, loc, sink);
    }
    for id in &identity_ids {
        for d in t.documents.get(*id).into_iter().flatten() {
            document(d, &mut e, t);
        }
    }
    Some(e)
}

fn schema_of(profile: &Node, t: &Tables) -> Schema {
    let sub_id = profile.attr("PartySubTypeID");
    let sub = t
        .refs
        .get(&("PartySubType".to_owned(), sub_id.unwrap_or("").to_owned()));
    let sub_text = sub.map(|n| n.text.trim());
    let party_type = sub.and_then(|n| t.value("PartyType", n.attr("PartyTypeID")));
    match (sub_text, party_type, sub_id) {
        (Some("Vessel"), _, _) => Schema::Vessel,
        (Some("Aircraft"), _, _) => Schema::Aircraft,
        (_, Some("Individual"), _) => Schema::Person,
        (_, Some("Entity"), _) => Schema::Organization,
        // OFAC's fixed ids, for files that leave out the reference sets.
        (None, None, Some("1")) => Schema::Vessel,
        (None, None, Some("2")) => Schema::Aircraft,
        (None, None, Some("3")) => Schema::Organization,
        (None, None, Some("4")) => Schema::Person,
        _ => Schema::LegalEntity,
    }
}

/// Reads the aliases of one identity into name properties.
fn names(identity: &Node, e: &mut Entity, t: &Tables) {
    // NamePartGroupID -> name part type ("Last Name", "First Name"…).
    let mut groups: HashMap<&str, &str> = HashMap::new();
    let mut found = Vec::new();
    identity.descendants("NamePartGroup", &mut found);
    for g in found {
        if let (Some(id), Some(ty)) = (
            g.attr("ID"),
            t.value("NamePartType", g.attr("NamePartTypeID")),
        ) {
            groups.insert(id, ty);
        }
    }
    for alias in identity.children("Alias") {
        let alias_type = t
            .value("AliasType", alias.attr("AliasTypeID"))
            .unwrap_or("");
        let primary = alias.attr("Primary") == Some("true");
        let weak = alias.attr("LowQuality") == Some("true");
        for (i, doc_name) in alias.children("DocumentedName").enumerate() {
            let mut parts: Vec<(&str, String)> = Vec::new();
            for part in doc_name.children("DocumentedNamePart") {
                if let Some(v) = part.child("NamePartValue") {
                    let ty = v
                        .attr("NamePartGroupID")
                        .and_then(|g| groups.get(g).copied())
                        .unwrap_or("");
                    let text = v.text.trim();
                    if !text.is_empty() {
                        parts.push((ty, text.to_owned()));
                    }
                }
            }
            if parts.is_empty() {
                continue;
            }
            // Family name first, as the CSV and OFAC's own display write it.
            let mut ordered: Vec<&str> = parts
                .iter()
                .filter(|(ty, _)| *ty == "Last Name")
                .map(|(_, v)| v.as_str())
                .collect();
            ordered.extend(
                parts
                    .iter()
                    .filter(|(ty, _)| *ty != "Last Name")
                    .map(|(_, v)| v.as_str()),
            );
            let full = ordered.join(" ");
            let p = if primary && i == 0 {
                prop::NAME
            } else if weak {
                prop::WEAK_ALIAS
            } else if alias_type.eq_ignore_ascii_case("F.K.A.") {
                prop::PREVIOUS_NAME
            } else {
                prop::ALIAS
            };
            e.add(p, &full);
            if p == prop::NAME && e.schema == Schema::Person {
                for (ty, v) in &parts {
                    match *ty {
                        "Last Name" => e.add(prop::LAST_NAME, v),
                        "First Name" => e.add(prop::FIRST_NAME, v),
                        "Middle Name" => e.add(prop::MIDDLE_NAME, v),
                        "Patronymic" => e.add(prop::FATHER_NAME, v),
                        _ => {}
                    }
                }
            }
        }
    }
}

/// The value of a feature version: its text, the reference value it points at, or its place.
fn version_value(v: &Node, t: &Tables) -> (Option<String>, Option<&'static str>) {
    if let Some(d) = v.child("VersionDetail") {
        let text = d.text.trim();
        if !text.is_empty() {
            return (Some(text.to_owned()), country::code(text));
        }
        if let Some(r) = t.value("DetailReference", d.attr("DetailReferenceID")) {
            return (Some(r.to_owned()), country::code(r));
        }
    }
    if let Some(l) = v.child("VersionLocation") {
        return t.location(l.attr("LocationID"));
    }
    if let Some(p) = v.child("DatePeriod").and_then(period) {
        return (Some(p.to_string()), None);
    }
    (None, None)
}

fn feature(
    f: &Node,
    e: &mut Entity,
    t: &Tables,
    wallets: &mut Wallets,
    programs: &[String],
    loc: &Location,
    sink: &mut dyn EntitySink,
) {
    let ty = t
        .value("FeatureType", f.attr("FeatureTypeID"))
        .unwrap_or("");
    for v in f.children("FeatureVersion") {
        if let Some(ticker) = ty.strip_prefix("Digital Currency Address - ") {
            let addr = v.child_text("VersionDetail").unwrap_or("");
            let added = match wallets.add(ticker, addr, Some(&e.id)) {
                Some(w) => {
                    w.add_all(prop::PROGRAM, programs);
                    true
                }
                None => false,
            };
            if !added {
                sink.diagnostic(Diagnostic::warning(
                    "bad-crypto-address",
                    format!(
                        "{ticker} address {addr:?}: unknown chain or not an address; kept in notes"
                    ),
                    loc.clone().field(ty),
                ));
                e.add(prop::NOTES, format!("{ty}: {addr}"));
            }
            continue;
        }
        if matches!(ty, "Birthdate" | "Organization Established Date") {
            let p = if ty == "Birthdate" {
                prop::BIRTH_DATE
            } else {
                prop::INCORPORATION_DATE
            };
            match v.child("DatePeriod").and_then(period) {
                Some(d) => e.add_date(p, &d),
                None => sink.diagnostic(Diagnostic::warning(
                    "bad-date",
                    format!("{ty} without a readable DatePeriod"),
                    loc.clone().field(ty),
                )),
            }
            continue;
        }
        let (value, code) = version_value(v, t);
        let Some(value) = value else { continue };
        match ty {
            "Nationality Country" | "Citizenship Country" => match code {
                Some(c) => e.add(
                    if ty.starts_with("Nationality") {
                        prop::NATIONALITY
                    } else {
                        prop::CITIZENSHIP
                    },
                    c,
                ),
                None => {
                    sink.diagnostic(Diagnostic::warning(
                        "unknown-country",
                        format!("{ty} {value:?} is not a known country; kept in notes"),
                        loc.clone().field(ty),
                    ));
                    e.add(prop::NOTES, format!("{ty}: {value}"));
                }
            },
            "Place of Birth" => e.add(prop::BIRTH_PLACE, &value),
            "Gender" => match value.to_ascii_lowercase().as_str() {
                g @ ("male" | "female") => e.add(prop::GENDER, g),
                _ => e.add(prop::NOTES, format!("{ty}: {value}")),
            },
            "Title" => e.add(prop::POSITION, &value),
            "Location" | "Address" => {
                e.add(prop::ADDRESS, &value);
                if let Some(c) = code {
                    e.add(prop::COUNTRY, c);
                }
            }
            "Vessel Flag" => match code {
                Some(c) => e.add(prop::FLAG, c),
                None => e.add(prop::NOTES, format!("{ty}: {value}")),
            },
            "Vessel Call Sign" | "Other Vessel Call Sign" => e.add(prop::CALL_SIGN, &value),
            "Vessel Type" | "VESSEL TYPE" | "Aircraft Type" => e.add(prop::TYPE, &value),
            "Vessel Tonnage" => e.add(prop::TONNAGE, &value),
            "Vessel Gross Registered Tonnage" => e.add(prop::TONNAGE, format!("{value} GRT")),
            "Vessel Owner" => e.add(prop::OWNER, &value),
            "MMSI" => e.add(prop::MMSI, &value),
            "Aircraft Model" => e.add(prop::MODEL, &value),
            "Aircraft Manufacturer's Serial Number (MSN)" => e.add(prop::SERIAL_NUMBER, &value),
            "Aircraft Tail Number" => e.add(prop::REGISTRATION_NUMBER, &value),
            "Website" => e.add(prop::WEBSITE, &value),
            "Email Address" => e.add(prop::EMAIL, &value),
            "Phone Number" => e.add(prop::PHONE, &value),
            _ => e.add(prop::NOTES, format!("{ty}: {value}")),
        }
    }
}

fn document(d: &Doc, e: &mut Entity, t: &Tables) {
    let ty = t
        .value("IDRegDocType", d.type_id.as_deref())
        .unwrap_or("Identification Number");
    let number = &*d.number;
    let mut p = document_property(ty);
    let mut value = number;
    // Vessels: "Vessel Registration Identification" holds "IMO 1234567".
    if let Some(imo) = number.strip_prefix("IMO ") {
        p = prop::IMO_NUMBER;
        value = imo.trim();
    }
    e.add(p, value);
    let plain = format!("{ty} {number}");
    let mut note = plain.clone();
    if let Some(c) = t.value("Country", d.country_id.as_deref()) {
        note.push_str(&format!(" ({c})"));
    }
    if let Some(a) = &d.authority {
        note.push_str(&format!(", issued by {a}"));
    }
    for (kind, v) in &d.dates {
        let kind = t
            .value("IDRegDocDateType", kind.as_deref())
            .unwrap_or("date");
        note.push_str(&format!(", {} {v}", kind.to_lowercase()));
    }
    if note != plain {
        e.add(prop::NOTES, note);
    }
}

//! UN Security Council consolidated list XML (`CONSOLIDATED_LIST`, source `un-sc`).
//!
//! Each `INDIVIDUAL` becomes a Person and each `ENTITY` an Organization, with id
//! `un-<REFERENCE_NUMBER>` (e.g. `un-KPi.033`). The name parts `FIRST_NAME`..`FOURTH_NAME` are
//! joined into `name` in the list's order and not split into first/last name: the UN writes the
//! family name first for Korean and Chinese names (`RI` / `WON HO`), so the parts are not given
//! and family names.

use std::path::Path;

use cordon_model::{DateValue, Diagnostic, Entity, Location, Schema, prop};

use crate::util::{self, XmlNode, XmlRecords};
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourcePlan};

pub(crate) fn sniff(_path: &Path, head: &[u8]) -> Option<Detection> {
    (util::xml_root_name(head)? == "CONSOLIDATED_LIST").then(|| Detection {
        format: Format::UnXml,
        source_id: "un-sc".into(),
        role: Role::Primary,
    })
}

#[allow(clippy::result_large_err)]
pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut outcome = ParseOutcome {
        title: Some("UN Security Council Consolidated List".into()),
        ..ParseOutcome::default()
    };
    for file in &plan.files {
        let mut records = XmlRecords::new(file, &["INDIVIDUAL", "ENTITY"])?;
        while let Some(rec) = records.next_record()? {
            let loc = records.loc(rec.byte).section(rec.name.clone());
            if let Some(e) = record(&rec, sink, loc) {
                sink.entity(e)?;
            }
        }
        let root = records.root.as_ref();
        if let Some(root) = root.filter(|r| r.name != "CONSOLIDATED_LIST") {
            return Err(ListError::syntax(
                file.loc(),
                format!(
                    "root element is <{}>, expected <CONSOLIDATED_LIST>",
                    root.name
                ),
            ));
        }
        if let Some(d) = root.and_then(|r| r.attr("dateGenerated")) {
            outcome.publication_date = Some(util::date_part(d).to_owned());
        }
    }
    Ok(outcome)
}

/// Maps one `INDIVIDUAL` or `ENTITY`; `None` (with a diagnostic) when it has no reference number.
fn record(rec: &XmlNode, sink: &mut dyn EntitySink, loc: Location) -> Option<Entity> {
    let reference = util::stable_id(
        rec.child_text("REFERENCE_NUMBER"),
        "REFERENCE_NUMBER",
        rec.child_text("DATAID"),
        "record",
        sink,
        &loc,
    )?;
    let loc = loc.record(reference);
    let person = rec.name == "INDIVIDUAL";
    let schema = if person {
        Schema::Person
    } else {
        Schema::Organization
    };
    let mut e = Entity::new(format!("un-{reference}"), schema);

    let parts: Vec<&str> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .into_iter()
        .filter_map(|n| rec.child_text(n))
        .collect();
    e.add(prop::NAME, parts.join(" "));
    if let Some(original) = rec.child_text("NAME_ORIGINAL_SCRIPT") {
        e.add(prop::ALIAS, original);
    }
    for alias in rec
        .children("INDIVIDUAL_ALIAS")
        .chain(rec.children("ENTITY_ALIAS"))
    {
        let Some(name) = alias.child_text("ALIAS_NAME") else {
            continue;
        };
        let quality = alias
            .child_text("QUALITY")
            .unwrap_or("")
            .to_ascii_lowercase();
        let p = match quality.as_str() {
            "low" => prop::WEAK_ALIAS,
            "f.k.a." | "fka" => prop::PREVIOUS_NAME,
            _ => prop::ALIAS,
        };
        e.add(p, name);
        // A date or place of birth stated for one alias is still the person's.
        util::add_dates(
            &mut e,
            prop::BIRTH_DATE,
            alias.child_text("DATE_OF_BIRTH"),
            sink,
            &loc.clone().field("DATE_OF_BIRTH"),
        );
        let place = util::join_parts(&[
            alias.child_text("CITY_OF_BIRTH"),
            alias.child_text("COUNTRY_OF_BIRTH"),
        ]);
        e.add(prop::BIRTH_PLACE, place);
    }

    for dob in rec.children("INDIVIDUAL_DATE_OF_BIRTH") {
        birth_date(&mut e, dob, sink, &loc);
    }
    for pob in rec.children("INDIVIDUAL_PLACE_OF_BIRTH") {
        e.add(prop::BIRTH_PLACE, place(pob));
    }
    let nationality_loc = loc.clone().field("NATIONALITY");
    for n in rec.children("NATIONALITY") {
        let values = n.children("VALUE").filter_map(XmlNode::text);
        util::add_countries(&mut e, prop::NATIONALITY, values, sink, &nationality_loc);
    }
    for doc in rec.children("INDIVIDUAL_DOCUMENT") {
        document(&mut e, doc);
    }
    let address_loc = loc.clone().field("COUNTRY");
    for addr in rec
        .children("INDIVIDUAL_ADDRESS")
        .chain(rec.children("ENTITY_ADDRESS"))
    {
        let mut line = place(addr);
        if let Some(note) = addr.child_text("NOTE").filter(|_| !line.is_empty()) {
            line.push_str(&format!(" ({note})"));
        }
        e.add(prop::ADDRESS, line);
        util::add_countries(
            &mut e,
            prop::COUNTRY,
            addr.child_text("COUNTRY"),
            sink,
            &address_loc,
        );
    }
    if let Some(g) = rec.child_text("GENDER") {
        match util::gender(g) {
            Some(g) => e.add(prop::GENDER, g),
            None => {
                sink.diagnostic(Diagnostic::warning(
                    "bad-gender",
                    format!("unknown gender {g:?}; kept in notes"),
                    loc.clone().field("GENDER"),
                ));
                e.add(prop::NOTES, format!("gender: {g}"));
            }
        }
    }
    for (element, p) in [
        ("TITLE", prop::TITLE),
        ("DESIGNATION", prop::POSITION),
        ("LAST_DAY_UPDATED", prop::MODIFIED_AT),
    ] {
        for group in rec.children(element) {
            e.add_all(p, group.children("VALUE").filter_map(XmlNode::text));
        }
    }
    e.add(prop::PROGRAM, rec.child_text("UN_LIST_TYPE").unwrap_or(""));
    util::add_dates(
        &mut e,
        prop::LISTING_DATE,
        rec.child_text("LISTED_ON"),
        sink,
        &loc.clone().field("LISTED_ON"),
    );
    e.add(prop::NOTES, rec.child_text("COMMENTS1").unwrap_or(""));
    Some(e)
}

/// `INDIVIDUAL_DATE_OF_BIRTH`: EXACT, APPROXIMATELY or BETWEEN, with DATE, YEAR or
/// FROM_YEAR/TO_YEAR.
fn birth_date(e: &mut Entity, dob: &XmlNode, sink: &mut dyn EntitySink, loc: &Location) {
    let kind = dob
        .child_text("TYPE_OF_DATE")
        .unwrap_or("EXACT")
        .to_ascii_uppercase();
    let single = dob.child_text("DATE").or_else(|| dob.child_text("YEAR"));
    let text = match (
        kind.as_str(),
        single,
        dob.child_text("FROM_YEAR"),
        dob.child_text("TO_YEAR"),
    ) {
        (_, None, Some(from), Some(to)) => format!("{from}/{to}"),
        (_, None, Some(only), None) | (_, None, None, Some(only)) => only.to_owned(),
        ("APPROXIMATELY", Some(d), _, _) => format!("circa {d}"),
        (_, Some(d), _, _) => d.to_owned(),
        (_, None, None, None) => return,
    };
    match text.parse::<DateValue>() {
        Ok(d) => e.add_date(prop::BIRTH_DATE, &d),
        Err(_) => {
            sink.diagnostic(Diagnostic::warning(
                "bad-date",
                format!("cannot read {text:?} as a date of birth; kept in notes"),
                loc.clone().field("INDIVIDUAL_DATE_OF_BIRTH"),
            ));
            e.add(prop::NOTES, format!("birthDate: {text}"));
        }
    }
}

/// `INDIVIDUAL_DOCUMENT`: passports to `passportNumber`, other documents to `idNumber`; the
/// whole description (type, issuer, dates) goes to `notes` so nothing the list says is lost.
fn document(e: &mut Entity, doc: &XmlNode) {
    let Some(number) = doc.child_text("NUMBER") else {
        return;
    };
    let kind = doc.child_text("TYPE_OF_DOCUMENT").unwrap_or("");
    let lower = kind.to_lowercase();
    let p = if ["passport", "passeport", "pasaporte"]
        .iter()
        .any(|w| lower.contains(w))
    {
        prop::PASSPORT_NUMBER
    } else {
        prop::ID_NUMBER
    };
    e.add(p, number);
    let described = util::join_parts(&[
        Some(kind),
        doc.child_text("TYPE_OF_DOCUMENT2"),
        Some(number),
        doc.child_text("ISSUING_COUNTRY")
            .or_else(|| doc.child_text("COUNTRY_OF_ISSUE")),
        doc.child_text("CITY_OF_ISSUE"),
        doc.child_text("DATE_OF_ISSUE").map(|d| d.trim()),
        doc.child_text("NOTE"),
    ]);
    e.add(prop::NOTES, format!("Document: {described}"));
}

/// Street, city, province, zip and country of an address or place of birth, comma-separated.
fn place(node: &XmlNode) -> String {
    util::join_parts(&[
        node.child_text("STREET"),
        node.child_text("CITY"),
        node.child_text("STATE_PROVINCE"),
        node.child_text("ZIP_CODE"),
        node.child_text("COUNTRY"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CollectSink, SourceFile, parse_source};

    fn run(xml: &str) -> Result<CollectSink, ListError> {
        let plan = SourcePlan {
            source_id: "un-sc".into(),
            format: Format::UnXml,
            files: vec![SourceFile::in_memory(
                "un.xml",
                Role::Primary,
                xml.as_bytes().to_vec(),
            )],
        };
        let mut sink = CollectSink::default();
        parse_source(&plan, &mut sink).map(|_| sink)
    }

    #[test]
    fn dates_keep_kind() {
        let xml = r#"<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS>
            <INDIVIDUAL><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER><FIRST_NAME>A</FIRST_NAME>
              <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1966</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
              <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1973</FROM_YEAR><TO_YEAR>1974</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
              <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1964-07-17</DATE></INDIVIDUAL_DATE_OF_BIRTH>
            </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"#;
        let sink = run(xml).unwrap();
        assert_eq!(
            sink.entities[0].get(prop::BIRTH_DATE),
            ["~1966", "1973/1974", "1964-07-17"]
        );
    }

    #[test]
    fn entity_refs_and_fka() {
        let xml = r#"<CONSOLIDATED_LIST><ENTITIES><ENTITY><REFERENCE_NUMBER>E.1</REFERENCE_NUMBER>
            <FIRST_NAME>A &amp; B &#x41;</FIRST_NAME>
            <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Old</ALIAS_NAME></ENTITY_ALIAS>
            </ENTITY></ENTITIES></CONSOLIDATED_LIST>"#;
        let sink = run(xml).unwrap();
        let e = &sink.entities[0];
        assert_eq!(e.caption, "A & B A");
        assert_eq!(e.get(prop::PREVIOUS_NAME), ["Old"]);
        assert_eq!(e.schema, Schema::Organization);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let depth = 200_000;
        let xml = format!(
            "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>{}{}</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        );
        let err = run(&xml).unwrap_err();
        assert_eq!(err.code(), "syntax");
        assert!(err.to_string().contains("nested deeper"), "{err}");
    }

    #[test]
    fn missing_reference_is_reported_not_fatal() {
        let xml = r#"<CONSOLIDATED_LIST><INDIVIDUALS>
            <INDIVIDUAL><DATAID>7</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>
            <INDIVIDUAL><REFERENCE_NUMBER>X.2</REFERENCE_NUMBER><FIRST_NAME>B</FIRST_NAME></INDIVIDUAL>
            </INDIVIDUALS></CONSOLIDATED_LIST>"#;
        let sink = run(xml).unwrap();
        assert_eq!(sink.entities.len(), 1);
        assert_eq!(sink.diagnostics[0].code, "missing-id");
        assert_eq!(sink.diagnostics[0].location.record.as_deref(), Some("7"));
    }
}

//! EU Financial Sanctions Files XML (root `export`, source `eu-fsf`).
//!
//! Each `sanctionEntity` becomes one entity with id `eu-<logicalId>`. The FSF format is
//! attribute-heavy: `nameAlias` (wholeName, first/middle/last name, function, gender, title,
//! nameLanguage, strong), `birthdate` (birthdate or year/monthOfYear/dayOfMonth, circa,
//! yearRangeFrom/To, place), `citizenship`, `identification`, `address` and `regulation`
//! (programme, publicationDate). The first strong name is the `name`; further strong names
//! (including translations and original scripts, kept as written) are `alias`, weak ones
//! `weakAlias`.

use std::path::Path;

use cordon_model::{Diagnostic, Entity, Location, PartialDate, Schema, prop};

use crate::util::{self, XmlNode, XmlRecords};
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourcePlan};

const NAMESPACE: &str = "http://eu.europa.ec/fpi/fsd/export";

pub(crate) fn sniff(_path: &Path, head: &[u8]) -> Option<Detection> {
    let text = util::head_text(head)?;
    (util::xml_root_name(head)? == "export"
        && (text.contains(NAMESPACE) || text.contains("<sanctionEntity")))
    .then(|| Detection {
        format: Format::EuFsfXml,
        source_id: "eu-fsf".into(),
        role: Role::Primary,
    })
}

#[allow(clippy::result_large_err)]
pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut outcome = ParseOutcome {
        title: Some("EU Financial Sanctions Files (consolidated list)".into()),
        ..ParseOutcome::default()
    };
    for file in &plan.files {
        let mut records = XmlRecords::new(file, &["sanctionEntity"])?;
        while let Some(rec) = records.next_record()? {
            let loc = records.loc(rec.byte).section("sanctionEntity");
            if let Some(e) = record(&rec, sink, loc) {
                sink.entity(e)?;
            }
        }
        match records.root.as_ref() {
            Some(root) if root.name != "export" => {
                return Err(ListError::syntax(
                    file.loc(),
                    format!("root element is <{}>, expected <export>", root.name),
                ));
            }
            Some(root) => {
                if let Some(d) = root.attr("generationDate") {
                    outcome.publication_date = Some(util::date_part(d).to_owned());
                }
            }
            None => {}
        }
    }
    Ok(outcome)
}

fn record(rec: &XmlNode, sink: &mut dyn EntitySink, loc: Location) -> Option<Entity> {
    let logical_id = util::stable_id(
        rec.attr("logicalId"),
        "logicalId",
        rec.attr("euReferenceNumber"),
        "sanctionEntity",
        sink,
        &loc,
    )?;
    let loc = loc.record(logical_id);
    let code = rec
        .child("subjectType")
        .and_then(|s| s.attr("code"))
        .unwrap_or("")
        .to_ascii_lowercase();
    let schema = match code.as_str() {
        "person" => Schema::Person,
        "enterprise" | "entity" => Schema::Organization,
        _ => Schema::LegalEntity,
    };
    let mut e = Entity::new(format!("eu-{logical_id}"), schema);

    let mut named = false;
    for alias in rec.children("nameAlias") {
        let Some(whole) = alias.attr("wholeName") else {
            continue;
        };
        let strong = alias.attr("strong").is_none_or(|s| s != "false");
        if strong && !named {
            named = true;
            e.add(prop::NAME, whole);
            if schema == Schema::Person {
                e.add(prop::FIRST_NAME, alias.attr("firstName").unwrap_or(""));
                e.add(prop::MIDDLE_NAME, alias.attr("middleName").unwrap_or(""));
                e.add(prop::LAST_NAME, alias.attr("lastName").unwrap_or(""));
            }
        } else {
            e.add(
                if strong {
                    prop::ALIAS
                } else {
                    prop::WEAK_ALIAS
                },
                whole,
            );
        }
        e.add(prop::POSITION, alias.attr("function").unwrap_or(""));
        e.add(prop::TITLE, alias.attr("title").unwrap_or(""));
        if let Some(g) = alias.attr("gender").and_then(util::gender) {
            e.add(prop::GENDER, g);
        }
    }
    if !named {
        sink.diagnostic(Diagnostic::warning(
            "missing-name",
            "sanctionEntity has no strong nameAlias; the first weak one is used as name",
            loc.clone().field("nameAlias"),
        ));
        if let Some(first) = e.get(prop::WEAK_ALIAS).first().cloned() {
            e.add(prop::NAME, first);
        }
    }

    for b in rec.children("birthdate") {
        birth_date(&mut e, b, sink, &loc);
        let place = [
            b.attr("place"),
            b.attr("city"),
            b.attr("region"),
            b.attr("countryDescription").filter(|c| *c != "UNKNOWN"),
        ];
        e.add(prop::BIRTH_PLACE, util::join_parts(&place));
    }
    for c in rec.children("citizenship") {
        country(&mut e, prop::NATIONALITY, c, sink, &loc);
    }
    for id in rec.children("identification") {
        let Some(number) = id.attr("number").or_else(|| id.attr("latinNumber")) else {
            continue;
        };
        let kind = id.attr("identificationTypeCode").unwrap_or("");
        let p = if kind.eq_ignore_ascii_case("passport") {
            prop::PASSPORT_NUMBER
        } else {
            prop::ID_NUMBER
        };
        e.add(p, number);
        let described = util::join_parts(&[
            id.attr("identificationTypeDescription").or(Some(kind)),
            Some(number),
            id.attr("countryDescription").filter(|c| *c != "UNKNOWN"),
            id.attr("issuedBy"),
        ]);
        e.add(prop::NOTES, format!("Document: {described}"));
    }
    for a in rec.children("address") {
        e.add(
            prop::ADDRESS,
            util::join_parts(&[
                a.attr("street"),
                a.attr("poBox"),
                a.attr("zipCode"),
                a.attr("city"),
                a.attr("place"),
                a.attr("region"),
                a.attr("countryDescription").filter(|c| *c != "UNKNOWN"),
            ]),
        );
        country(&mut e, prop::COUNTRY, a, sink, &loc);
    }
    let mut earliest: Option<&str> = None;
    for r in rec.children("regulation") {
        e.add(prop::PROGRAM, r.attr("programme").unwrap_or(""));
        if let Some(url) = r.child_text("publicationUrl") {
            e.add(prop::SOURCE_URL, url);
        }
        if let Some(d) = r.attr("publicationDate") {
            earliest = Some(earliest.map_or(d, |x| x.min(d)));
        }
    }
    // The designation date when stated, otherwise the first regulation that listed it.
    let listed = rec.attr("designationDate").or(earliest);
    util::add_dates(
        &mut e,
        prop::LISTING_DATE,
        listed,
        sink,
        &loc.clone().field("designationDate"),
    );
    for r in rec.children("remark") {
        e.add(prop::NOTES, r.text().unwrap_or(""));
    }
    if let Some(r) = rec.attr("euReferenceNumber") {
        e.add(prop::NOTES, format!("EU reference number: {r}"));
    }
    if let Some(u) = rec.attr("unitedNationId") {
        e.add(prop::NOTES, format!("UN reference: {u}"));
    }
    Some(e)
}

/// `birthdate`: a full date, or year/month/day parts, marked circa or given as a year range.
fn birth_date(e: &mut Entity, b: &XmlNode, sink: &mut dyn EntitySink, loc: &Location) {
    let circa = b.attr("circa").is_some_and(|c| c == "true");
    let num = |a: &str| b.attr(a).and_then(|v| v.parse::<u16>().ok());
    let text = if let Some(d) = b.attr("birthdate") {
        d.to_owned()
    } else if let (Some(from), Some(to)) = (b.attr("yearRangeFrom"), b.attr("yearRangeTo")) {
        format!("{from}/{to}")
    } else if let Some(year) = num("year") {
        let month = num("monthOfYear").and_then(|m| u8::try_from(m).ok());
        let day = num("dayOfMonth").and_then(|d| u8::try_from(d).ok());
        match PartialDate::new(year, month, day.filter(|_| month.is_some())) {
            Some(d) => d.to_string(),
            None => {
                sink.diagnostic(Diagnostic::warning(
                    "bad-date",
                    format!(
                        "year {year}, month {month:?}, day {day:?} is not a date; kept in notes"
                    ),
                    loc.clone().field("birthdate"),
                ));
                e.add(
                    prop::NOTES,
                    format!("birthDate: year {year}, month {month:?}, day {day:?}"),
                );
                return;
            }
        }
    } else {
        return;
    };
    let text = if circa { format!("circa {text}") } else { text };
    util::add_dates(
        e,
        prop::BIRTH_DATE,
        Some(text.as_str()),
        sink,
        &loc.clone().field("birthdate"),
    );
}

/// A country from `countryIso2Code` (`00` means unknown), else from `countryDescription`.
fn country(e: &mut Entity, p: &str, node: &XmlNode, sink: &mut dyn EntitySink, loc: &Location) {
    let iso = node
        .attr("countryIso2Code")
        .filter(|c| *c != "00" && cordon_model::country::is_code(c));
    match iso {
        Some(c) => e.add(p, c.to_ascii_lowercase()),
        None => util::add_countries(
            e,
            p,
            node.attr("countryDescription")
                .filter(|c| !c.eq_ignore_ascii_case("unknown")),
            sink,
            &loc.clone().field(node.name.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CollectSink, SourceFile, parse_source};

    fn run(xml: &str) -> CollectSink {
        let plan = SourcePlan {
            source_id: "eu-fsf".into(),
            format: Format::EuFsfXml,
            files: vec![SourceFile::in_memory(
                "fsf.xml",
                Role::Primary,
                xml.as_bytes().to_vec(),
            )],
        };
        let mut sink = CollectSink::default();
        parse_source(&plan, &mut sink).unwrap();
        sink
    }

    #[test]
    fn date_parts_keep_precision_and_bad_parts_are_reported() {
        let sink = run(r#"<export><sanctionEntity logicalId="1">
            <subjectType code="person"/><nameAlias wholeName="A" strong="true"/>
            <birthdate year="1970" monthOfYear="6"/>
            <birthdate year="1970" monthOfYear="13"/>
            </sanctionEntity></export>"#);
        assert_eq!(sink.entities[0].get(prop::BIRTH_DATE), ["1970-06"]);
        assert_eq!(sink.diagnostics.len(), 1);
        assert_eq!(sink.diagnostics[0].code, "bad-date");
        assert_eq!(sink.diagnostics[0].location.record.as_deref(), Some("1"));
    }

    #[test]
    fn only_weak_names_still_give_a_name() {
        let sink = run(r#"<export><sanctionEntity logicalId="2">
            <nameAlias wholeName="Weak One" strong="false"/></sanctionEntity></export>"#);
        let e = &sink.entities[0];
        assert_eq!(
            (e.caption.as_str(), e.schema),
            ("Weak One", Schema::LegalEntity)
        );
        assert_eq!(sink.diagnostics[0].code, "missing-name");
    }
}

//! OpenSanctions' EU journal annex CSVs (source `eu-journal`): one file per framework act,
//! transcribed from the consolidated regulations in the Official Journal (see the dataset's
//! `FORMAT.md`), plus `consolidation_pins.csv`, which names the consolidated version each file
//! was taken from and so dates the source.
//!
//! A row is one designation in one legal context (framework act, annex, programme, measure).
//! `recordId` is the entry number printed in the annex: it restarts in every annex and may be
//! empty. The id is therefore `eu-<celex>-<annex>-<recordId>` (`eu-32017R1509-XIII.A-12`), and
//! for rows without a `recordId` `eu-<celex>-<annex>-n<hash of the name>`; rows that share that
//! id (the act printing the same unnumbered entry twice) are merged. `Asset` rows (facilities,
//! zones, named crypto-assets) are not entities Cordon screens and are counted in one warning.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use cordon_model::{Diagnostic, Entity, Location, Schema, prop};

use crate::util;
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

const CONSOLIDATED_HEADER: &str = "celex,recordId,programKey,annex,measure,";
const AMENDMENT_HEADER: &str = "amendedCelex,amendmentCelex,recordId,programKey,annex,measure,";
const PINS_HEADER: &str = "framework_celex,consolidated_version";

pub(crate) fn sniff(_path: &Path, head: &[u8]) -> Option<Detection> {
    let text = util::head_text(head)?.trim_start_matches('\u{feff}');
    let first = text.lines().next()?.trim_end();
    let role = if first.starts_with(CONSOLIDATED_HEADER) || first.starts_with(AMENDMENT_HEADER) {
        Role::Primary
    } else if first == PINS_HEADER {
        Role::Metadata
    } else {
        return None;
    };
    Some(Detection {
        format: Format::EuJournalCsv,
        source_id: "eu-journal".into(),
        role,
    })
}

#[allow(clippy::result_large_err)]
pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut outcome = ParseOutcome {
        title: Some("EU sanctions annexes (Official Journal, transcribed by OpenSanctions)".into()),
        ..ParseOutcome::default()
    };
    let mut seen = HashSet::new();
    for file in &plan.files {
        if file.role == Role::Metadata {
            if let Some(d) = latest_pin(file)? {
                outcome.publication_date = Some(d);
            }
        } else {
            parse_file(file, sink, &mut seen)?;
        }
    }
    Ok(outcome)
}

/// The newest consolidated version date in `consolidation_pins.csv` (`02017R1509-20251217`).
#[allow(clippy::result_large_err)]
fn latest_pin(file: &SourceFile) -> Result<Option<String>, ListError> {
    let mut rdr = csv::Reader::from_reader(file.open()?);
    let mut latest: Option<String> = None;
    for row in rdr.records() {
        let row = row.map_err(|e| util::csv_error(&file.path, &e, None))?;
        let date = row
            .get(1)
            .and_then(|v| v.rsplit_once('-'))
            .map(|(_, d)| d)
            .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()));
        let date =
            date.and_then(|d| Some(format!("{}-{}-{}", d.get(..4)?, d.get(4..6)?, d.get(6..)?)));
        if let Some(d) = date.filter(|d| latest.as_ref().is_none_or(|l| l < d)) {
            latest = Some(d);
        }
    }
    Ok(latest)
}

/// What a column becomes.
#[derive(Clone, Copy)]
enum Col {
    Names(&'static str),
    Country(&'static str),
    Date(&'static str),
    Text(&'static str),
    Gender,
    /// Read separately (ids, schema, programme…).
    Meta,
}

fn column(name: &str) -> Option<Col> {
    Some(match name {
        "celex" | "amendedCelex" | "amendmentCelex" | "recordId" | "programKey" | "annex"
        | "measure" | "startDate" | "reason" | "schema" | "name" => Col::Meta,
        "alias" => Col::Names(prop::ALIAS),
        "weakAlias" => Col::Names(prop::WEAK_ALIAS),
        "previousName" => Col::Names(prop::PREVIOUS_NAME),
        "country" => Col::Country(prop::COUNTRY),
        "nationality" => Col::Country(prop::NATIONALITY),
        "jurisdiction" => Col::Country(prop::JURISDICTION),
        "flag" => Col::Country(prop::FLAG),
        "birthDate" => Col::Date(prop::BIRTH_DATE),
        "incorporationDate" => Col::Date(prop::INCORPORATION_DATE),
        "gender" => Col::Gender,
        "birthPlace" => Col::Text(prop::BIRTH_PLACE),
        "position" => Col::Text(prop::POSITION),
        "passportNumber" => Col::Text(prop::PASSPORT_NUMBER),
        "fatherName" => Col::Text(prop::FATHER_NAME),
        "legalForm" => Col::Text(prop::LEGAL_FORM),
        "registrationNumber" => Col::Text(prop::REGISTRATION_NUMBER),
        "taxNumber" => Col::Text(prop::TAX_NUMBER),
        "idNumber" => Col::Text(prop::ID_NUMBER),
        "leiCode" => Col::Text(prop::LEI_CODE),
        "swiftBic" => Col::Text(prop::SWIFT_BIC),
        "imoNumber" => Col::Text(prop::IMO_NUMBER),
        "mmsi" => Col::Text(prop::MMSI),
        "address" => Col::Text(prop::ADDRESS),
        "phone" => Col::Text(prop::PHONE),
        "email" => Col::Text(prop::EMAIL),
        "website" => Col::Text(prop::WEBSITE),
        "notes" => Col::Text(prop::NOTES),
        // FtM properties Cordon's model does not type; kept under their FtM names.
        "appearance" => Col::Text("appearance"),
        "ethnicity" => Col::Text("ethnicity"),
        "motherName" => Col::Text("motherName"),
        "sector" => Col::Text("sector"),
        "innCode" => Col::Text("innCode"),
        "ogrnCode" => Col::Text("ogrnCode"),
        "kppCode" => Col::Text("kppCode"),
        "okpoCode" => Col::Text("okpoCode"),
        "ticker" => Col::Text("ticker"),
        _ => return None,
    })
}

#[allow(clippy::result_large_err)]
fn parse_file(
    file: &SourceFile,
    sink: &mut dyn EntitySink,
    seen: &mut HashSet<String>,
) -> Result<(), ListError> {
    let path = &file.path;
    let mut rdr = csv::ReaderBuilder::new().from_reader(file.open()?);
    let headers = rdr
        .headers()
        .map_err(|e| util::csv_error(path, &e, None))?
        .clone();
    let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let celex_col = index
        .get("celex")
        .or_else(|| index.get("amendedCelex"))
        .copied();
    for required in ["schema", "name"] {
        if !index.contains_key(required) {
            return Err(ListError::syntax(
                Location::file(path).line(1).field(required),
                format!("header lacks the required column {required:?}"),
            ));
        }
    }
    let Some(celex_col) = celex_col else {
        return Err(ListError::syntax(
            Location::file(path).line(1).field("celex"),
            "header lacks the column \"celex\" (or \"amendedCelex\")",
        ));
    };
    let columns: Vec<Option<Col>> = headers.iter().map(column).collect();
    for (h, c) in headers.iter().zip(&columns) {
        if c.is_none() {
            sink.diagnostic(Diagnostic::warning(
                "unknown-column",
                format!("column {h:?} is not in the EU journal format; its values are ignored"),
                Location::file(path).line(1).field(h),
            ));
        }
    }
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let mut unnumbered: BTreeMap<String, Entity> = BTreeMap::new();
    let mut assets = 0u64;
    let mut last = None;
    for row in rdr.records() {
        let row = row.map_err(|e| util::csv_error(path, &e, Some(&headers)))?;
        let line = row.position().map_or(0, |p| p.line());
        last = row.position().map(|p| (p.line(), p.byte()));
        let loc = Location::file(path).line(line);
        let get = |c: &str| index.get(c).and_then(|&i| row.get(i)).unwrap_or("").trim();
        let celex = row.get(celex_col).unwrap_or("").trim();
        let (record_id, annex, name) = (get("recordId"), get("annex"), get("name"));
        let loc = if record_id.is_empty() {
            loc
        } else {
            loc.record(record_id)
        };
        let schema = match get("schema") {
            "Asset" => {
                assets += 1;
                continue;
            }
            s => match s.parse::<Schema>() {
                Ok(s) if s != Schema::CryptoWallet => s,
                _ => {
                    sink.diagnostic(Diagnostic::error(
                        "bad-schema",
                        format!("unknown schema {s:?}; row skipped"),
                        loc.field("schema"),
                    ));
                    continue;
                }
            },
        };
        if name.is_empty() || celex.is_empty() {
            let field = if name.is_empty() { "name" } else { "celex" };
            sink.diagnostic(Diagnostic::error(
                "missing-field",
                format!("required {field} is empty; row skipped"),
                loc.field(field),
            ));
            continue;
        }
        if !stem.is_empty() && celex != stem && index.contains_key("celex") {
            sink.diagnostic(Diagnostic::warning(
                "celex-mismatch",
                format!("celex {celex} differs from the file name {stem}"),
                loc.clone().field("celex"),
            ));
        }
        let mut key = format!("eu-{celex}");
        if !annex.is_empty() {
            key.push('-');
            key.push_str(annex);
        }
        let id = if record_id.is_empty() {
            format!("{key}-n{}", util::stable_hash(&name.to_lowercase()))
        } else {
            format!("{key}-{record_id}")
        };
        let mut e = Entity::new(id, schema);
        e.add(prop::NAME, name);
        e.add(prop::PROGRAM, get("programKey"));
        util::add_dates(
            &mut e,
            prop::LISTING_DATE,
            Some(get("startDate")),
            sink,
            &loc.clone().field("startDate"),
        );
        e.add(prop::SUMMARY, get("reason"));
        let context = match (annex, get("measure")) {
            ("", m) => m.to_owned(),
            (a, "") => format!("Annex {a}"),
            (a, m) => format!("Annex {a}: {m}"),
        };
        e.add(prop::NOTES, context);
        e.add(
            prop::SOURCE_URL,
            format!("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{celex}"),
        );
        for ((h, value), col) in headers.iter().zip(row.iter()).zip(&columns) {
            // Meta columns were read above; the rest are multi-valued.
            let col = match col {
                Some(Col::Meta) | None => continue,
                Some(c) => *c,
            };
            if value.trim().is_empty() {
                continue;
            }
            let values = util::split_multi(value);
            let values = values.iter().map(String::as_str);
            match col {
                Col::Meta => {}
                Col::Names(p) | Col::Text(p) => e.add_all(p, values),
                Col::Country(p) => {
                    util::add_countries(&mut e, p, values, sink, &loc.clone().field(h));
                }
                Col::Date(p) => util::add_dates(&mut e, p, values, sink, &loc.clone().field(h)),
                Col::Gender => {
                    let loc = loc.clone().field(h);
                    for v in values {
                        match util::gender(v) {
                            Some(g) => e.add(prop::GENDER, g),
                            None => {
                                sink.diagnostic(Diagnostic::warning(
                                    "bad-gender",
                                    format!("unknown gender {v:?}; kept in notes"),
                                    loc.clone(),
                                ));
                                e.add(prop::NOTES, format!("gender: {v}"));
                            }
                        }
                    }
                }
            }
        }
        if record_id.is_empty() {
            match unnumbered.get_mut(&e.id) {
                Some(prev) => prev.merge(&e),
                None => {
                    unnumbered.insert(e.id.clone(), e);
                }
            }
        } else if seen.insert(e.id.clone()) {
            sink.entity(e)?;
        } else {
            sink.diagnostic(Diagnostic::error(
                "duplicate-id",
                format!(
                    "{} appears twice (same act, annex and recordId); later row skipped",
                    e.id
                ),
                loc.field("recordId"),
            ));
        }
    }
    if let Some((line, byte)) = last.filter(|&(_, b)| util::csv_unterminated_quote(file, b)) {
        return Err(ListError::syntax(
            Location::file(path).line(line).byte(byte),
            "the file ends inside a quoted field (broken quoting)",
        ));
    }
    for (id, e) in unnumbered {
        if seen.insert(id) {
            sink.entity(e)?;
        }
    }
    if assets > 0 {
        sink.diagnostic(Diagnostic::warning(
            "skipped-schema",
            format!("{assets} Asset rows (facilities, zones, crypto-assets) skipped: not entities Cordon screens"),
            Location::file(path),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::util::split_multi;

    #[test]
    fn multi_values_with_quotes() {
        assert_eq!(split_multi(r#""Foo; Bar"; Baz"#), ["Foo; Bar", "Baz"]);
        assert_eq!(split_multi(r#"a;; b ;"#), ["a", "b"]);
        assert_eq!(split_multi(r#""say ""hi"""; x"#), [r#"say "hi""#, "x"]);
        assert_eq!(split_multi(r#"O"Neil"#), [r#"O"Neil"#]);
    }
}

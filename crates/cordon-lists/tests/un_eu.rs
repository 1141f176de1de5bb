//! UN, EU (FSF XML and journal CSVs), FtM JSON lines and national/internal lists.

use std::collections::HashMap;

use cordon_lists::{
    CollectSink, Format, ListError, Role, SourceFile, SourcePlan, detect, parse_source,
};
use cordon_model::{Entity, Schema, prop};

use crate::util::{fixtures, lists_dir, parse_all, plan_for};

fn by_id(sink: &CollectSink) -> HashMap<&str, &Entity> {
    sink.entities.iter().map(|e| (e.id.as_str(), e)).collect()
}

fn in_memory(source: &str, format: Format, name: &str, data: &[u8]) -> SourcePlan {
    SourcePlan {
        source_id: source.into(),
        format,
        files: vec![SourceFile::in_memory(name, Role::Primary, data.to_vec())],
    }
}

#[allow(clippy::result_large_err)]
fn parse_mem(
    source: &str,
    format: Format,
    name: &str,
    data: &[u8],
) -> Result<CollectSink, ListError> {
    let mut sink = CollectSink::default();
    parse_source(&in_memory(source, format, name, data), &mut sink).map(|_| sink)
}

// ---- UN ----------------------------------------------------------------------------------

#[test]
fn un_counts_match_provenance() {
    let plan = plan_for(&lists_dir(), "un-sc");
    assert_eq!(plan.format, Format::UnXml);
    let sink = parse_all(&plan);
    let count = |s: Schema, program: Option<&str>| {
        sink.entities
            .iter()
            .filter(|e| {
                e.schema == s && program.is_none_or(|p| e.get(prop::PROGRAM).iter().any(|v| v == p))
            })
            .count()
    };
    assert_eq!(count(Schema::Person, None), 730);
    assert_eq!(count(Schema::Organization, None), 273);
    assert_eq!(count(Schema::Person, Some("DPRK")), 80);
    assert_eq!(count(Schema::Organization, Some("DPRK")), 75);
    assert!(sink.entities.iter().all(|e| e.datasets == ["un-sc"]));
}

#[test]
fn un_dprk_individual_has_aliases_dob_passport() {
    let sink = parse_all(&plan_for(&lists_dir(), "un-sc"));
    let ids = by_id(&sink);
    let ra = ids["un-KPi.008"];
    assert_eq!(ra.schema, Schema::Person);
    assert_eq!(ra.caption, "RA KY'ONG-SU");
    for alias in [
        "Ra Kyung-Su",
        "Chang Myong Ho",
        "Chang Myo’ng-Ho",
        "Ra Kyong-Su",
    ] {
        assert!(ra.get(prop::ALIAS).iter().any(|a| a == alias), "{alias}");
    }
    assert_eq!(ra.get(prop::BIRTH_DATE), ["1954-06-04"]);
    assert_eq!(ra.get(prop::PASSPORT_NUMBER), ["645120196"]);
    assert_eq!(ra.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(ra.get(prop::PROGRAM), ["DPRK"]);
    assert_eq!(ra.get(prop::LISTING_DATE), ["2013-01-22"]);
    let ri = ids["un-KPi.033"];
    assert_eq!(ri.caption, "RI WON HO");
    assert_eq!(
        ri.get(prop::POSITION),
        ["DPRK Ministry of State Security Official"]
    );
}

#[test]
fn un_original_script_and_weak_aliases() {
    // No DPRK record in this copy carries NAME_ORIGINAL_SCRIPT; the Iraq list does.
    let sink = parse_all(&plan_for(&lists_dir(), "un-sc"));
    let ids = by_id(&sink);
    let saddam = ids["un-IQi.001"];
    assert!(
        saddam
            .get(prop::ALIAS)
            .iter()
            .any(|a| a == "صدام حسين التكريتي")
    );
    let gaston = ids["un-CDi.003"];
    assert_eq!(gaston.get(prop::WEAK_ALIAS), ["Rumuli"]);
    assert!(gaston.get(prop::ALIAS).iter().any(|a| a == "Victor Rumuri"));
    let adf = ids["un-CDe.001"];
    assert!(adf.get(prop::PREVIOUS_NAME).iter().any(|a| a == "NALU"));
    let fuzzy: Vec<&str> = sink
        .entities
        .iter()
        .flat_map(|e| e.get(prop::BIRTH_DATE))
        .map(String::as_str)
        .filter(|d| d.starts_with('~') || d.contains('/'))
        .collect();
    assert!(fuzzy.iter().any(|d| d.starts_with('~')), "circa dates kept");
    assert!(fuzzy.iter().any(|d| d.contains('/')), "ranges kept");
}

#[test]
fn un_publication_date_from_date_generated() {
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan_for(&lists_dir(), "un-sc"), &mut sink).unwrap();
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-02-27"));
}

// ---- EU journal CSVs ---------------------------------------------------------------------

fn eu_journal_rows() -> (usize, usize, usize) {
    let dir = lists_dir().join("eu/opensanctions-eu-journal/consolidated");
    let (mut files, mut rows, mut assets) = (0, 0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        files += 1;
        let mut rdr = csv::Reader::from_path(&path).unwrap();
        let schema = rdr
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "schema")
            .unwrap();
        for row in rdr.records() {
            rows += 1;
            assets += usize::from(&row.unwrap()[schema] == "Asset");
        }
    }
    (files, rows, assets)
}

#[test]
fn eu_journal_counts_rows_and_entities() {
    let plan = plan_for(&lists_dir(), "eu-journal");
    assert_eq!(plan.format, Format::EuJournalCsv);
    let primary = plan
        .files
        .iter()
        .filter(|f| f.role == Role::Primary)
        .count();
    assert_eq!(primary, 45);
    assert!(
        plan.files.iter().any(|f| f.role == Role::Metadata),
        "consolidation_pins.csv"
    );
    let (files, rows, assets) = eu_journal_rows();
    assert_eq!((files, rows), (45, 8017));
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan, &mut sink).unwrap();
    // Not every row is an entity: Asset rows are skipped (reported) and the act prints two
    // unnumbered entries twice, which merge into one entity each.
    let skipped: usize = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "skipped-schema")
        .map(|d| {
            d.message
                .split(' ')
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(skipped, assets);
    assert_eq!(assets, 29);
    assert_eq!(sink.entities.len(), rows - assets - 2);
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-08-01"));
}

#[test]
fn eu_journal_dprk_file() {
    let sink = parse_all(&plan_for(&lists_dir(), "eu-journal"));
    let dprk: Vec<&Entity> = sink
        .entities
        .iter()
        .filter(|e| e.id.starts_with("eu-32017R1509-"))
        .collect();
    assert_eq!(dprk.len(), 326);
    let count = |s: Schema| dprk.iter().filter(|e| e.schema == s).count();
    assert_eq!(
        (
            count(Schema::Person),
            count(Schema::LegalEntity),
            count(Schema::Vessel)
        ),
        (157, 94, 75)
    );
    assert!(dprk.iter().all(|e| e.get(prop::PROGRAM) == ["EU-PRK"]));
    let yun = by_id(&sink)["eu-32017R1509-XIII.A-1"];
    assert_eq!(yun.caption, "Yun Ho-jin");
    assert_eq!(yun.get(prop::ALIAS), ["Yun Ho-chin"]);
    assert_eq!(yun.get(prop::BIRTH_DATE), ["1944-10-13"]);
    assert_eq!(yun.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(yun.get(prop::LISTING_DATE), ["2009-07-16"]);
}

#[test]
fn eu_journal_chosun_expo_in_cyber_file() {
    let sink = parse_all(&plan_for(&lists_dir(), "eu-journal"));
    let expo = by_id(&sink)["eu-32019R0796-I.B-2"];
    assert_eq!(expo.caption, "Chosun Expo");
    assert_eq!(
        expo.get(prop::ALIAS),
        ["Chosen Expo", "Korea Export Joint Venture"]
    );
    assert_eq!(expo.get(prop::PROGRAM), ["EU-CYB"]);
    assert_eq!(expo.schema, Schema::LegalEntity);
    assert!(expo.get(prop::SOURCE_URL)[0].ends_with("CELEX:32019R0796"));
}

const EU_HEADER: &str = "celex,recordId,programKey,annex,measure,startDate,reason,schema,name,alias,weakAlias,previousName,country,nationality,jurisdiction,birthDate,birthPlace,position,passportNumber,gender,appearance,ethnicity,fatherName,motherName,incorporationDate,legalForm,sector,registrationNumber,taxNumber,idNumber,innCode,ogrnCode,kppCode,okpoCode,leiCode,swiftBic,ticker,imoNumber,mmsi,flag,address,phone,email,website,notes";

fn eu_row(fields: &[(&str, &str)]) -> String {
    EU_HEADER
        .split(',')
        .map(|h| {
            let v = fields.iter().find(|(k, _)| *k == h).map_or("", |(_, v)| v);
            if v.contains([',', '"']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn eu_journal_multi_values_and_unnumbered_rows() {
    let rows = [
        eu_row(&[
            ("celex", "32099R0001"),
            ("recordId", "7"),
            ("programKey", "EU-X"),
            ("annex", "I"),
            ("measure", "Asset freeze"),
            ("schema", "Person"),
            ("name", "A Person"),
            ("alias", r#""Foo; Bar"; Baz"#),
            ("birthDate", "(a) 3.3.1965, (b) 1.1.1966"),
            ("gender", "female"),
        ]),
        eu_row(&[
            ("celex", "32099R0001"),
            ("annex", "I"),
            ("measure", "Asset freeze"),
            ("schema", "Organization"),
            ("name", "No Number Org"),
            ("address", "Street 1"),
        ]),
        eu_row(&[
            ("celex", "32099R0001"),
            ("annex", "I"),
            ("measure", "Asset freeze"),
            ("schema", "Organization"),
            ("name", "No Number Org"),
            ("address", "Street 2"),
        ]),
    ];
    let csv = format!("{EU_HEADER}\n{}\n", rows.join("\n"));
    let sink = parse_mem(
        "eu-journal",
        Format::EuJournalCsv,
        "32099R0001.csv",
        csv.as_bytes(),
    )
    .unwrap();
    assert_eq!(sink.entities.len(), 2);
    let p = &sink.entities[0];
    assert_eq!(p.id, "eu-32099R0001-I-7");
    assert_eq!(p.get(prop::ALIAS), ["Foo; Bar", "Baz"]);
    assert_eq!(p.get(prop::BIRTH_DATE), ["1965-03-03", "1966-01-01"]);
    assert_eq!(p.get(prop::GENDER), ["female"]);
    let org = &sink.entities[1];
    assert!(org.id.starts_with("eu-32099R0001-I-n"));
    assert_eq!(
        org.get(prop::ADDRESS),
        ["Street 1", "Street 2"],
        "duplicate unnumbered rows merge"
    );
}

#[test]
fn eu_journal_unknown_column_is_reported() {
    let csv = format!(
        "{EU_HEADER},extra\n{},zzz\n",
        eu_row(&[
            ("celex", "32099R0001"),
            ("recordId", "1"),
            ("schema", "Person"),
            ("name", "X")
        ])
    );
    let sink = parse_mem(
        "eu-journal",
        Format::EuJournalCsv,
        "32099R0001.csv",
        csv.as_bytes(),
    )
    .unwrap();
    let d = sink
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-column")
        .unwrap();
    assert_eq!(d.location.field.as_deref(), Some("extra"));
    assert_eq!(d.location.line, Some(1));
}

#[test]
fn eu_journal_broken_quoting_names_line() {
    let good = eu_row(&[
        ("celex", "32099R0001"),
        ("recordId", "1"),
        ("schema", "Person"),
        ("name", "X"),
    ]);
    let csv =
        format!("{EU_HEADER}\n{good}\n32099R0001,2,EU-X,I,Asset freeze,,\"unterminated,Person,Y\n");
    let err = parse_mem(
        "eu-journal",
        Format::EuJournalCsv,
        "bad.csv",
        csv.as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "syntax");
    assert!(err.to_string().contains("bad.csv:3"), "{err}");
}

#[test]
fn eu_journal_invalid_utf8_is_an_encoding_error() {
    let mut csv = format!("{EU_HEADER}\n").into_bytes();
    csv.extend(
        eu_row(&[
            ("celex", "32099R0001"),
            ("recordId", "1"),
            ("schema", "Person"),
            ("name", "Z"),
        ])
        .replace('Z', "\u{1}")
        .into_bytes(),
    );
    let pos = csv.iter().rposition(|&b| b == 1).unwrap();
    csv[pos] = 0xff;
    let err = parse_mem("eu-journal", Format::EuJournalCsv, "latin.csv", &csv).unwrap_err();
    assert_eq!(err.code(), "encoding");
    let s = err.to_string();
    assert!(s.contains("latin.csv:2") && s.contains("\"name\""), "{s}");
}

#[test]
fn eu_journal_header_only_file_is_no_entities() {
    let err = parse_mem(
        "eu-journal",
        Format::EuJournalCsv,
        "32004R0314.csv",
        format!("{EU_HEADER}\n").as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "no-entities");
}

// ---- EU FSF XML ---------------------------------------------------------------------------

#[test]
fn eu_fsf_fixture() {
    let plan = plan_for(&fixtures().join("eu"), "eu-fsf");
    assert_eq!(plan.format, Format::EuFsfXml);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan, &mut sink).unwrap();
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-08-05"));
    assert_eq!(sink.entities.len(), 3);
    let missing = sink
        .diagnostics
        .iter()
        .find(|d| d.code == "missing-id")
        .unwrap();
    assert_eq!(missing.location.record.as_deref(), Some("EU.9001.03"));
    let ids = by_id(&sink);
    let pak = ids["eu-90001"];
    assert_eq!(pak.schema, Schema::Person);
    assert_eq!(pak.caption, "PAK Chol Min");
    assert_eq!(pak.get(prop::FIRST_NAME), ["Chol Min"]);
    assert_eq!(pak.get(prop::LAST_NAME), ["PAK"]);
    assert_eq!(pak.get(prop::ALIAS), ["박철민", "Pak Ch'ol-min"]);
    assert_eq!(pak.get(prop::WEAK_ALIAS), ["Mr Pak"]);
    assert_eq!(pak.get(prop::BIRTH_DATE), ["1971-03-14", "~1972"]);
    assert_eq!(pak.get(prop::BIRTH_PLACE), ["Pyongyang, NORTH KOREA"]);
    assert_eq!(pak.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(pak.get(prop::PASSPORT_NUMBER), ["836410001"]);
    assert_eq!(pak.get(prop::ID_NUMBER), ["ID-4471"]);
    assert_eq!(pak.get(prop::COUNTRY), ["cn"]);
    assert_eq!(pak.get(prop::GENDER), ["male"]);
    assert_eq!(pak.get(prop::POSITION), ["Bureau official"]);
    assert_eq!(pak.get(prop::PROGRAM), ["PRK"]);
    assert_eq!(pak.get(prop::LISTING_DATE), ["2017-08-05"]);
    assert!(pak.get(prop::SOURCE_URL)[0].contains("CELEX:32017R1509&from=EN"));
    let corp = ids["eu-90002"];
    assert_eq!(corp.schema, Schema::Organization);
    assert_eq!(corp.get(prop::ALIAS), ["조선예시무역회사"]);
    assert_eq!(
        corp.get(prop::LISTING_DATE),
        ["2016-03-04"],
        "earliest regulation"
    );
    let ri = ids["eu-90004"];
    assert_eq!(ri.get(prop::BIRTH_DATE), ["1960/1965"]);
    assert_eq!(ri.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(ri.get(prop::GENDER), ["female"]);
}

// ---- Bad XML (UN and EU FSF share the reader) ---------------------------------------------

fn un_fixture() -> Vec<u8> {
    std::fs::read(lists_dir().join("un/consolidated.xml")).unwrap()
}

#[test]
fn truncated_xml_is_a_syntax_error_with_position() {
    let full = un_fixture();
    let cut = &full[..full.len() / 2];
    let err = parse_mem("un-sc", Format::UnXml, "un-cut.xml", cut).unwrap_err();
    assert_eq!(err.code(), "syntax");
    let ListError::Syntax { location, message } = &err else {
        panic!("{err}")
    };
    assert!(message.contains("truncated"), "{message}");
    assert!(location.line.is_some() && location.byte.is_some());
    let fsf = std::fs::read(fixtures().join("eu/fsf_sample.xml")).unwrap();
    let err = parse_mem(
        "eu-fsf",
        Format::EuFsfXml,
        "fsf-cut.xml",
        &fsf[..fsf.len() - 40],
    )
    .unwrap_err();
    assert_eq!(err.code(), "syntax");
    assert!(err.to_string().contains("fsf-cut.xml:"), "{err}");
}

#[test]
fn mismatched_xml_tags_are_a_syntax_error() {
    let xml = b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>X</REFERENCE_NUMBER></ENTITY></INDIVIDUALS></CONSOLIDATED_LIST>";
    let err = parse_mem("un-sc", Format::UnXml, "m.xml", xml).unwrap_err();
    assert_eq!(err.code(), "syntax");
}

#[test]
fn invalid_utf8_in_xml_is_an_error() {
    let xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER><FIRST_NAME>\xff\xfe</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
    let err = parse_mem("un-sc", Format::UnXml, "enc.xml", xml).unwrap_err();
    assert!(matches!(err.code(), "encoding" | "syntax"), "{err}");
    assert!(err.to_string().contains("enc.xml"), "{err}");
}

#[test]
fn empty_and_zero_entity_xml() {
    let err = parse_mem("un-sc", Format::UnXml, "empty.xml", b"").unwrap_err();
    assert_eq!(err.code(), "syntax");
    let xml = br#"<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"#;
    let err = parse_mem("un-sc", Format::UnXml, "zero.xml", xml).unwrap_err();
    assert_eq!(err.code(), "no-entities");
    assert!(err.to_string().contains("zero.xml"));
}

// ---- FtM JSON lines -----------------------------------------------------------------------

#[test]
fn ftm_fixture_maps_schemata_and_reports_others() {
    let dir = fixtures().join("ftm");
    let plan = plan_for(&dir, "ftm-opensanctions-sample-ftm");
    assert_eq!(plan.format, Format::FtmJson);
    let sink = parse_all(&plan);
    assert_eq!(sink.entities.len(), 6);
    let skipped: Vec<&str> = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "skipped-schema")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(skipped.len(), 1, "one diagnostic with counts");
    assert!(
        skipped[0].contains("Address 1") && skipped[0].contains("Sanction 2"),
        "{}",
        skipped[0]
    );
    let ids = by_id(&sink);
    let p = ids["NK-2a7Hj1PeopleExample"];
    assert_eq!(p.get(prop::ALIAS), ["박철민", "Pak Ch'ol-min"]);
    assert_eq!(
        p.get("wikidataId"),
        ["Q000000001"],
        "unknown properties kept"
    );
    assert_eq!(
        p.datasets,
        ["eu_fsf", "un_sc_sanctions", "ftm-opensanctions-sample-ftm"]
    );
    assert_eq!(ids["NK-public-body"].schema, Schema::Organization);
    assert_eq!(ids["NK-vessel-example"].get("buildDate"), ["1998"]);
    let w = ids["wallet-eth-0x00000000000000000000000000000000000000aa"];
    assert_eq!(
        (w.schema, w.get(prop::HOLDER)),
        (Schema::CryptoWallet, &["NK-org-example".to_owned()][..])
    );
}

#[test]
fn ftm_round_trip_with_write_ftm() {
    let originals = parse_all(&plan_for(&lists_dir(), "un-sc")).entities;
    let mut out = Vec::new();
    cordon_lists::write_ftm(&mut out, &originals).unwrap();
    let back = parse_mem("ftm-export", Format::FtmJson, "export.json", &out).unwrap();
    assert!(
        back.diagnostics.is_empty(),
        "{:?}",
        back.diagnostics.first()
    );
    assert_eq!(back.entities.len(), originals.len());
    for (a, b) in originals.iter().zip(&back.entities) {
        assert_eq!(
            (&a.id, a.schema, &a.caption, &a.properties),
            (&b.id, b.schema, &b.caption, &b.properties)
        );
        assert_eq!(b.datasets, ["un-sc", "ftm-export"]);
    }
}

#[test]
fn ftm_bad_lines() {
    let data = b"{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\nnot json\n{\"id\":\"\",\"schema\":\"Person\",\"properties\":{}}\n{\"id\":\"b\",\"schema\":\"Person\",\"properties\":{\"name\":[\"B\"]}}\n";
    let sink = parse_mem("ftm-x", Format::FtmJson, "x.json", data).unwrap();
    assert_eq!(sink.entities.len(), 2);
    let codes: Vec<(&str, Option<u64>)> = sink
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.location.line))
        .collect();
    assert_eq!(codes, [("bad-json", Some(2)), ("missing-id", Some(3))]);
    // A last line cut mid-entity is a truncated file, not a bad record.
    let cut = &data[..data.len() - 10];
    let err = parse_mem("ftm-x", Format::FtmJson, "x.json", cut).unwrap_err();
    assert!(
        err.to_string().contains("x.json:4") && err.to_string().contains("truncated"),
        "{err}"
    );
    let err = parse_mem(
        "ftm-x",
        Format::FtmJson,
        "x.json",
        b"{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"\xff\"]}}\n",
    )
    .unwrap_err();
    assert_eq!(err.code(), "encoding");
    let err = parse_mem("ftm-x", Format::FtmJson, "x.json", b"").unwrap_err();
    assert_eq!(err.code(), "no-entities");
}

// ---- National and internal lists ----------------------------------------------------------

fn example_lists() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/lists")
}

#[test]
fn national_csv_example_block_list() {
    let plan = plan_for(&example_lists(), "acme-blocklist");
    assert_eq!(plan.format, Format::NationalCsv);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan, &mut sink).unwrap();
    assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-08-01"));
    assert_eq!(
        outcome.title.as_deref(),
        Some("ACME Exchange internal block-list (fictional example)")
    );
    let ids = by_id(&sink);
    let kim = ids["acme-blocklist-P-0001"];
    assert_eq!(kim.schema, Schema::Person);
    assert_eq!(kim.get(prop::ALIAS), ["김예시", "Kim Ye-si", "Kim, Ye Si"]);
    assert_eq!(kim.get(prop::BIRTH_DATE), ["1988-04-12"]);
    assert_eq!(
        (kim.get(prop::NATIONALITY), kim.get(prop::COUNTRY)),
        (&["kp".to_owned()][..], &["cn".to_owned()][..])
    );
    assert_eq!(kim.get(prop::PASSPORT_NUMBER), ["E00000001"]);
    let hangul = ids["acme-blocklist-P-0002"];
    assert_eq!(hangul.caption, "리예시");
    assert_eq!(hangul.get(prop::BIRTH_DATE), ["~1990"]);
    assert_eq!(
        hangul.get(prop::NOTES),
        ["Uses the alias \"Yesi\" on freelance sites (fictional)."]
    );
    assert_eq!(
        ids["acme-blocklist-P-0003"].get(prop::BIRTH_DATE),
        ["1979/1981"]
    );
    assert_eq!(ids["acme-blocklist-C-0001"].schema, Schema::Company);
    let eth = ids["wallet-eth-0x1111111111111111111111111111111111111111"];
    assert_eq!(eth.schema, Schema::CryptoWallet);
    assert_eq!(eth.get(prop::HOLDER), ["acme-blocklist-P-0001"]);
    assert_eq!(eth.get(prop::CHAIN), ["eth"]);
    assert!(ids.contains_key("wallet-trx-TBXSw8fM4jpQkGc6zZjsVABFpVN7UvXPdV"));
    assert_eq!(
        ids["wallet-btc-bc1qxvenxvenxvenxvenxvenxvenxvenxven2ymjt8"].get(prop::HOLDER),
        ["acme-blocklist-C-0001"]
    );
    assert_eq!(sink.entities.len(), 4 + 3);
}

#[test]
fn national_json_fixture() {
    let plan = plan_for(&fixtures().join("national"), "kr-example");
    assert_eq!(plan.format, Format::NationalJson);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan, &mut sink).unwrap();
    assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-03-01"));
    let ids = by_id(&sink);
    let p = ids["kr-example-2026-001"];
    assert_eq!(p.caption, "최예시");
    assert_eq!(p.get(prop::NATIONALITY), ["kp"]);
    let org = ids["kr-example-2026-002"];
    assert_eq!(
        org.get(prop::ALIAS),
        ["Example IT Exchange Company", "예시정보기술"]
    );
    assert_eq!(org.get(prop::LISTING_DATE), ["2026-02-10"]);
    let btc = ids["wallet-btc-147Us9aEq2PvBC5wobBJw1yEpQEbPKzssA"];
    assert_eq!(btc.get(prop::CURRENCY), ["XBT"]);
    assert_eq!(btc.get(prop::HOLDER), ["kr-example-2026-001"]);
}

#[test]
fn national_row_errors_name_line_and_field() {
    let csv = "# list_id: t\nlist_id,record_id,schema,name,birth_date,nationality,wallets,colour\n\
               t,1,Person,Good Row,1990-01-01,kp,eth:0x3333333333333333333333333333333333333333,blue\n\
               t,,Person,No Id,,,,\n\
               t,3,Planet,Bad Schema,,,,\n\
               t,4,Person,,,,,\n\
               other,5,Person,Other List,,,,\n\
               t,6,Person,Bad Values,31.02.1990,Atlantis,nochain,\n\
               t,1,Person,Duplicate,,,,\n";
    let sink = parse_mem("t", Format::NationalCsv, "t.csv", csv.as_bytes()).unwrap();
    let ids: Vec<&str> = sink.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "t-1",
            "t-6",
            "wallet-eth-0x3333333333333333333333333333333333333333"
        ]
    );
    let bad = &sink.entities[1];
    assert_eq!(
        bad.get(prop::NOTES),
        [
            "birthDate: 31.02.1990",
            "nationality: Atlantis",
            "wallet: nochain"
        ],
        "unreadable values are kept in notes"
    );
    assert!(!bad.has(prop::BIRTH_DATE) && !bad.has(prop::NATIONALITY));
    let got: Vec<(&str, u64, &str)> = sink
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.location.line.unwrap(),
                d.location.field.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unknown-column", 2, "colour"),
            ("invalid-record", 4, "record_id"),
            ("invalid-record", 5, "schema"),
            ("invalid-record", 6, "name"),
            ("invalid-record", 7, "list_id"),
            ("bad-date", 8, "birth_date"),
            ("unknown-country", 8, "nationality"),
            ("bad-wallet", 8, "wallets"),
            ("invalid-record", 9, "record_id"),
        ]
    );
}

#[test]
fn national_file_level_errors() {
    let err = parse_mem(
        "t",
        Format::NationalCsv,
        "t.csv",
        b"list_id,record_id,schema\nt,1,Person\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("t.csv:1") && err.to_string().contains("\"name\""),
        "{err}"
    );
    let err = parse_mem(
        "t",
        Format::NationalCsv,
        "t.csv",
        b"# c\nlist_id,record_id,name\nt,1,\"open\nt,2,B\n",
    )
    .unwrap_err();
    assert_eq!(err.code(), "syntax");
    assert!(err.to_string().contains("t.csv:3"), "{err}");
    let err = parse_mem(
        "t",
        Format::NationalCsv,
        "t.csv",
        b"list_id,record_id,name\nt,1,\xc3\x28\n",
    )
    .unwrap_err();
    assert_eq!(err.code(), "encoding");
    assert!(
        err.to_string().contains("t.csv:2") && err.to_string().contains("\"name\""),
        "{err}"
    );
    let err = parse_mem(
        "t",
        Format::NationalCsv,
        "t.csv",
        b"list_id,record_id,name\n",
    )
    .unwrap_err();
    assert_eq!(err.code(), "no-entities");
    let err = parse_mem(
        "t",
        Format::NationalJson,
        "t.jsonl",
        b"{\"list\": {\"id\": \"t\"}}\n{\"list_id\": \"t\", \"record_id\": \"1\", \"name\": \"A\"",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("t.jsonl:2") && err.to_string().contains("truncated"),
        "{err}"
    );
}

// ---- Detection by content -----------------------------------------------------------------

#[test]
fn detection_by_content_not_name() {
    let head = |p: &std::path::Path| {
        let mut b = std::fs::read(p).unwrap();
        b.truncate(cordon_lists::SNIFF_BYTES);
        b
    };
    let un = head(&lists_dir().join("un/consolidated.xml"));
    let d = detect("renamed.dat".as_ref(), &un).unwrap();
    assert_eq!((d.format, d.source_id.as_str()), (Format::UnXml, "un-sc"));
    let fsf = head(&fixtures().join("eu/fsf_sample.xml"));
    assert_eq!(
        detect("x.txt".as_ref(), &fsf).unwrap().format,
        Format::EuFsfXml
    );
    let eu = head(&lists_dir().join("eu/opensanctions-eu-journal/consolidated/32017R1509.csv"));
    let d = detect("list.txt".as_ref(), &eu).unwrap();
    assert_eq!((d.format, d.role), (Format::EuJournalCsv, Role::Primary));
    let pins = head(&lists_dir().join("eu/opensanctions-eu-journal/consolidation_pins.csv"));
    assert_eq!(
        detect("p.csv".as_ref(), &pins).unwrap().role,
        Role::Metadata
    );
    let ftm = head(&fixtures().join("ftm/opensanctions-sample.ftm.json"));
    assert_eq!(
        detect("a.json".as_ref(), &ftm).unwrap().format,
        Format::FtmJson
    );
    let nat = head(&example_lists().join("acme-internal-blocklist.csv"));
    let d = detect("a.txt".as_ref(), &nat).unwrap();
    assert_eq!(
        (d.format, d.source_id.as_str()),
        (Format::NationalCsv, "acme-blocklist")
    );
    assert!(detect("x.xml".as_ref(), b"<other><a/></other>").is_none());
    assert!(detect("x.csv".as_ref(), b"a,b,c\n1,2,3\n").is_none());
}

// ---- No panic on any bytes ----------------------------------------------------------------

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const FORMATS: [(Format, &str); 6] = [
        (Format::UnXml, "un-sc"),
        (Format::EuFsfXml, "eu-fsf"),
        (Format::EuJournalCsv, "eu-journal"),
        (Format::FtmJson, "ftm-x"),
        (Format::NationalCsv, "t"),
        (Format::NationalJson, "t"),
    ];

    /// Random bytes, and random edits of valid-looking input (so the parsers get past the
    /// first byte).
    fn inputs() -> impl Strategy<Value = Vec<u8>> {
        let seeds: Vec<Vec<u8>> = vec![
            br#"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>X</REFERENCE_NUMBER><FIRST_NAME>A</FIRST_NAME><INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1</FROM_YEAR></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"#.to_vec(),
            br#"<export><sanctionEntity logicalId="1"><nameAlias wholeName="A" strong="true"/><birthdate year="1970" monthOfYear="13" circa="true"/></sanctionEntity></export>"#.to_vec(),
            format!("{EU_HEADER}\n32099R0001,1,EU-X,I,Asset freeze,1.1.2000,,Person,A,\"b; \"\"c\",,,,(a) x,,1.1.1970,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n").into_bytes(),
            br#"{"id":"a","schema":"Person","properties":{"name":["A"],"x":[{"id":"b"},1,null]}}"#.to_vec(),
            b"# list_id: t\nlist_id,record_id,schema,name,wallets,birth_date\nt,1,Person,A,eth:0x1;btc:,(a) 1990\n".to_vec(),
            br#"{"list_id":"t","record_id":"1","name":"A","wallets":["trx:T1"],"aliases":[1,{"a":2}]}"#.to_vec(),
        ];
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..512),
            (
                proptest::sample::select(seeds),
                proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
                any::<usize>()
            )
                .prop_map(|(mut s, edits, cut)| {
                    for (at, b) in edits {
                        if !s.is_empty() {
                            let i = at % s.len();
                            s[i] = b;
                        }
                    }
                    let keep = if s.is_empty() { 0 } else { cut % (s.len() + 1) };
                    s.truncate(keep.max(s.len() / 2));
                    s
                }),
        ]
    }

    proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(256))]
        #[test]
        fn parsers_never_panic(data in inputs()) {
            for (format, source) in FORMATS {
                let _ = parse_mem(source, format, "fuzz.bin", &data);
                let _ = detect("fuzz.bin".as_ref(), &data);
            }
        }
    }
}

#[test]
fn shared_lists_plan_claims_no_foreign_files() {
    let (plans, _) = cordon_lists::plan(&lists_dir());
    let un = plans.iter().find(|p| p.source_id == "un-sc").unwrap();
    assert_eq!(un.files.len(), 1);
    let eu = plans.iter().find(|p| p.source_id == "eu-journal").unwrap();
    assert_eq!(
        eu.files.len(),
        46,
        "45 annex files and consolidation_pins.csv"
    );
    assert!(eu.files.iter().all(|f| {
        f.path
            .to_string_lossy()
            .contains("opensanctions-eu-journal")
    }));
    // Nothing under shared/data is a national list, an FtM export or an FSF file.
    for p in &plans {
        assert!(
            !matches!(
                p.format,
                Format::NationalCsv | Format::NationalJson | Format::FtmJson | Format::EuFsfXml
            ),
            "{} detected as {}",
            p.source_id,
            p.format
        );
    }
}

#[test]
fn national_list_cannot_shadow_a_builtin_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("un.csv"),
        "list_id,record_id,name\nun,KPi.033,X\n",
    )
    .unwrap();
    let (plans, _) = cordon_lists::plan(dir.path());
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].source_id, "list-un");
    let mut sink = CollectSink::default();
    let err = parse_source(&plans[0], &mut sink).unwrap_err();
    assert_eq!(err.code(), "no-entities");
    let d = &sink.diagnostics[0];
    assert_eq!(
        (
            d.code.as_str(),
            d.location.line,
            d.location.field.as_deref()
        ),
        ("invalid-record", Some(2), Some("list_id"))
    );
    assert!(d.message.contains("built-in"), "{}", d.message);
}

//! UK (FCDO Sanctions List, OFSI ConList, processed YAML) and Japan MOF parsers: real files,
//! fixtures written from the published layouts, and bad input.

use std::collections::BTreeMap;
use std::path::Path;

use cordon_lists::{
    CollectSink, Format, ListError, Role, SourceFile, SourcePlan, detect, parse_source, plan,
};
use cordon_model::{Entity, Schema, Severity, prop};

use crate::util::{assert_reparse_stable, fixtures, lists_dir, parse_all, plan_for};

fn by_id(sink: &CollectSink) -> BTreeMap<&str, &Entity> {
    sink.entities.iter().map(|e| (e.id.as_str(), e)).collect()
}

fn entity<'a>(sink: &'a CollectSink, id: &str) -> &'a Entity {
    sink.entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

fn one_file(format: Format, source: &str, name: &str, data: Vec<u8>) -> SourcePlan {
    SourcePlan {
        source_id: source.into(),
        format,
        files: vec![SourceFile::in_memory(name, Role::Primary, data)],
    }
}

fn parse_err(plan: &SourcePlan) -> ListError {
    let mut sink = CollectSink::default();
    match parse_source(plan, &mut sink) {
        Ok(_) => panic!("{} parsed without error", plan.source_id),
        Err(e) => e,
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// UK Sanctions List spreadsheet (real file)

#[test]
fn uk_sl_ods_counts_match_provenance() {
    let p = plan_for(&lists_dir(), "uk-sl");
    assert_eq!(p.format, Format::UkSlOds);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&p, &mut sink).expect("uk-sl parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2025-08-11"));
    assert_eq!(sink.entities.len(), 5302);
    let dprk: Vec<&Entity> = sink
        .entities
        .iter()
        .filter(|e| {
            e.get(prop::PROGRAM)
                .iter()
                .any(|p| p == "Democratic People's Republic of Korea")
        })
        .collect();
    assert_eq!(dprk.len(), 261);
    let count = |s: Schema| dprk.iter().filter(|e| e.schema == s).count();
    assert_eq!(
        (
            count(Schema::Person),
            count(Schema::Organization),
            count(Schema::Vessel)
        ),
        (138, 86, 37)
    );
    let cyber: Vec<&Entity> = sink
        .entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM).iter().any(|p| p == "Cyber"))
        .collect();
    assert_eq!(cyber.len(), 81);
    assert!(cyber.iter().any(|e| e.caption == "Chosun Expo (APT 38)"));
    let an = entity(&sink, "uk-DPR0001");
    assert_eq!(an.schema, Schema::Person);
    assert_eq!(an.first(prop::NAME), Some("An Jong Hyuk"));
    assert_eq!(an.first(prop::LISTING_DATE), Some("2020-12-31"));
    assert_eq!(an.first(prop::GROUP_ID), Some("13590"));
    assert_eq!(an.datasets, ["uk-sl"]);
    assert!(
        sink.diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{:?}",
        sink.diagnostics.first()
    );
}

#[test]
fn uk_sl_ods_fixture_and_detection() {
    let dir = fixtures().join("uk/ods");
    let p = plan_for(&dir, "uk-sl");
    assert_eq!(p.format, Format::UkSlOds);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&p, &mut sink).expect("fixture parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2025-08-12"));
    let ids: Vec<&str> = sink.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["uk-DPR0001", "uk-CYB0010", "uk-DPR0250"]);
    assert_eq!(entity(&sink, "uk-DPR0250").schema, Schema::Vessel);
}

// ---------------------------------------------------------------------------------------------
// UK Sanctions List CSV and XML (fixtures from the published layout)

/// The expectations the CSV and the XML fixture share: they describe the same designations.
fn check_uk_fixture(sink: &CollectSink) {
    let ids: Vec<&str> = sink.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["uk-DPR0001", "uk-CYB0010", "uk-DPR0250"]);
    let an = entity(sink, "uk-DPR0001");
    assert_eq!(an.schema, Schema::Person);
    assert_eq!(an.get(prop::NAME), ["An Jong Hyuk"]);
    assert_eq!(an.get(prop::ALIAS), ["An Jong Hyok"]);
    assert_eq!(an.first(prop::FIRST_NAME), Some("Jong"));
    assert_eq!(an.first(prop::LAST_NAME), Some("An"));
    assert_eq!(an.get(prop::BIRTH_DATE), ["1965-03-14", "1966"]);
    assert_eq!(an.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(an.get(prop::PASSPORT_NUMBER), ["563120356"]);
    assert_eq!(an.get(prop::COUNTRY), ["eg"]);
    assert_eq!(an.first(prop::GENDER), Some("male"));
    assert_eq!(an.first(prop::LISTING_DATE), Some("2020-12-31"));
    assert_eq!(an.first(prop::MODIFIED_AT), Some("2025-04-09"));
    assert_eq!(an.first(prop::GROUP_ID), Some("13590"));
    let expo = entity(sink, "uk-CYB0010");
    assert_eq!(expo.schema, Schema::Organization);
    assert_eq!(expo.caption, "CHOSUN EXPO");
    assert!(
        expo.get(prop::ALIAS)
            .iter()
            .any(|a| a == "Korea Export Joint Venture")
    );
    assert!(
        expo.get(prop::ALIAS)
            .iter()
            .any(|a| a == "조선엑스포합영회사")
    );
    assert_eq!(expo.get(prop::WEAK_ALIAS), ["Chosun Expo (APT 38)"]);
    assert_eq!(expo.get(prop::COUNTRY), ["kp", "cn"]);
    assert_eq!(
        expo.get(prop::PROGRAM),
        ["The Cyber (Sanctions) (EU Exit) Regulations 2020"]
    );
    let ship = entity(sink, "uk-DPR0250");
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(ship.get(prop::IMO_NUMBER), ["9036301"]);
    assert_eq!(ship.get(prop::FLAG), ["kp"]);
}

#[test]
fn uk_sl_csv_groups_lines_into_designations() {
    let p = plan_for(&fixtures().join("uk/sl-csv"), "uk-sl");
    assert_eq!(p.format, Format::UkSlCsv);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&p, &mut sink).expect("csv parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2025-08-11"));
    check_uk_fixture(&sink);
    // Two addresses on two lines of one designation.
    assert_eq!(
        entity(&sink, "uk-CYB0010").get(prop::ADDRESS),
        ["Pyongyang, North Korea", "Shenyang, China"]
    );
}

#[test]
fn uk_sl_xml_reads_designations() {
    let p = plan_for(&fixtures().join("uk/sl-xml"), "uk-sl");
    assert_eq!(p.format, Format::UkSlXml);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&p, &mut sink).expect("xml parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2025-08-11"));
    check_uk_fixture(&sink);
    assert_eq!(
        entity(&sink, "uk-DPR0001").get(prop::BIRTH_PLACE),
        ["Pyongyang, North Korea"]
    );
}

// ---------------------------------------------------------------------------------------------
// OFSI ConList.csv (fixtures)

#[test]
fn ofsi_conlist_groups_by_group_id() {
    let p = plan_for(&fixtures().join("uk/ofsi"), "uk-ofsi");
    assert_eq!(p.format, Format::UkOfsiCsv);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&p, &mut sink).expect("conlist parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2025-07-24"));
    let ids: Vec<&str> = sink.entities.iter().map(|e| e.id.as_str()).collect();
    // The UK Sanctions List reference gives the shared id; without one, the Group ID does.
    assert_eq!(ids, ["uk-DPR0001", "uk-CYB0010", "uk-ofsi-13340"]);
    let an = entity(&sink, "uk-DPR0001");
    // The primary name line comes second in the file but is still the name.
    assert_eq!(an.get(prop::NAME), ["AN Jong Hyuk"]);
    assert_eq!(an.get(prop::ALIAS), ["AN Jong Hyok"]);
    let expo = entity(&sink, "uk-CYB0010");
    assert_eq!(expo.get(prop::WEAK_ALIAS), ["CHOSUN EXPO (APT 38)"]);
    assert!(
        expo.get(prop::ALIAS)
            .iter()
            .any(|a| a == "KOREA EXPORT JOINT VENTURE")
    );
    let ri = entity(&sink, "uk-ofsi-13340");
    assert_eq!(ri.get(prop::PREVIOUS_NAME), ["RI Myong-Su"]);
    assert_eq!(ri.get(prop::BIRTH_DATE), ["1937"]);
    assert_eq!(ri.get(prop::BIRTH_PLACE), ["Myongchon, North Korea"]);
}

#[test]
fn ofsi_conlist_in_windows_1252_is_decoded_with_a_warning() {
    let p = plan_for(&fixtures().join("uk/ofsi-latin1"), "uk-ofsi");
    let mut sink = CollectSink::default();
    parse_source(&p, &mut sink).expect("latin-1 conlist parses");
    let e = entity(&sink, "uk-ofsi-14999");
    assert_eq!(e.caption, "MÜLLER José");
    assert!(
        e.get(prop::NOTES)
            .iter()
            .any(|n| n == "Café owner – “test” record")
    );
    assert!(sink.diagnostics.iter().any(|d| d.code == "not-utf8"));
}

// ---------------------------------------------------------------------------------------------
// Processed UK YAML (real files)

#[test]
fn uk_yaml_counts_and_records() {
    let p = plan_for(&lists_dir(), "uk-yaml");
    assert_eq!(p.format, Format::UkYaml);
    assert_eq!(p.files.len(), 370);
    let sink = parse_all(&p);
    assert_eq!(sink.entities.len(), 370);
    let dpr = sink
        .entities
        .iter()
        .filter(|e| e.id.starts_with("uk-DPR"))
        .count();
    let cyb = sink
        .entities
        .iter()
        .filter(|e| e.id.starts_with("uk-CYB"))
        .count();
    assert_eq!((dpr, cyb), (261, 109));
    let an = entity(&sink, "uk-DPR0001");
    assert_eq!(an.schema, Schema::Person);
    assert_eq!(an.get(prop::NAME), ["An Jong Hyuk"]);
    assert_eq!(an.get(prop::ALIAS), ["An Jong Hyok"]);
    assert_eq!(an.first(prop::LISTING_DATE), Some("2020-12-31"));
    assert_eq!(an.first(prop::GROUP_ID), Some("13590"));
    assert_eq!(an.get(prop::COUNTRY), ["eg"]);
    assert_eq!(
        an.get(prop::PROGRAM),
        ["The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019"]
    );
    let cyb = entity(&sink, "uk-CYB0041");
    assert_eq!(cyb.get(prop::NAME), ["PERETYATKO Ruslan Aleksandrovich"]);
    assert!(
        cyb.get(prop::ALIAS)
            .iter()
            .any(|a| a == "Руслан Александрович ПЕРЕТЯТЬКО")
    );
    assert_eq!(cyb.get(prop::COUNTRY), ["ru"]);
    assert!(
        cyb.get(prop::SUMMARY)
            .first()
            .is_some_and(|s| s.contains("Callisto Group"))
    );
    let alias = entity(&sink, "uk-CYB0001");
    assert_eq!(alias.get(prop::ALIAS), ["fisherxp"]);
}

#[test]
fn uk_yaml_shares_ids_with_the_spreadsheet() {
    let yaml = parse_all(&plan_for(&lists_dir(), "uk-yaml"));
    let ods = parse_all(&plan_for(&lists_dir(), "uk-sl"));
    let ods_ids = by_id(&ods);
    let missing: Vec<&str> = yaml
        .entities
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| !ods_ids.contains_key(id))
        .collect();
    // The YAML records are a year newer than the spreadsheet: only later designations may be new.
    assert!(
        missing.len() < 40,
        "{} YAML ids unknown to the spreadsheet: {missing:?}",
        missing.len()
    );
    assert_eq!(
        ods_ids["uk-DPR0001"].caption,
        entity(&yaml, "uk-DPR0001").caption
    );
}

#[test]
fn uk_yaml_wrong_types_are_reported_by_field() {
    let yaml = b"unique_id: DPR9999\nregime_name: Test\nindividual_entity_ship: Individual\nnames:\n  names:\n  - name6: {nested: true}\n    name_type: Primary name\n  - name6: Kim\n    name1: Chol\n    name_type: Primary name\ndate_designated: [not, a, date]\n";
    let p = one_file(Format::UkYaml, "uk-yaml", "dpr9999.yaml", yaml.to_vec());
    let mut sink = CollectSink::default();
    parse_source(&p, &mut sink).expect("record with bad fields still parses");
    let e = entity(&sink, "uk-DPR9999");
    assert_eq!(e.get(prop::NAME), ["Kim Chol"]);
    let fields: Vec<&str> = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "wrong-type")
        .filter_map(|d| d.location.field.as_deref())
        .collect();
    assert_eq!(fields, ["name6"]);
    // A list where one date belongs: each item is tried, and each failure names the field.
    let bad_dates = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "bad-date" && d.location.field.as_deref() == Some("datedesignated"))
        .count();
    assert_eq!(bad_dates, 3);
    assert!(
        sink.diagnostics
            .iter()
            .all(|d| d.location.file.as_deref() == Some(Path::new("dpr9999.yaml")))
    );
}

#[test]
fn uk_yaml_without_unique_id_is_an_error_diagnostic() {
    let p = one_file(
        Format::UkYaml,
        "uk-yaml",
        "x.yaml",
        b"unique_id: [1]\nnames: {}\n".to_vec(),
    );
    let mut sink = CollectSink::default();
    assert!(matches!(
        parse_source(&p, &mut sink),
        Err(ListError::NoEntities { .. })
    ));
    assert!(
        sink.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error
                && d.location.field.as_deref() == Some("unique_id"))
    );
}

#[test]
fn uk_yaml_invalid_syntax_and_encoding_are_errors() {
    let p = one_file(
        Format::UkYaml,
        "uk-yaml",
        "bad.yaml",
        b"unique_id: DPR1\nnames: [unclosed\n".to_vec(),
    );
    let e = parse_err(&p);
    assert_eq!(e.code(), "syntax");
    assert!(e.to_string().contains("bad.yaml"), "{e}");
    let p = one_file(
        Format::UkYaml,
        "uk-yaml",
        "latin.yaml",
        b"unique_id: DPR1\nname6: M\xfcller\n".to_vec(),
    );
    assert_eq!(parse_err(&p).code(), "encoding");
}

// ---------------------------------------------------------------------------------------------
// Japan MOF (real file and fixture)

#[test]
fn jp_mof_dprk_sheets() {
    let p = plan_for(&lists_dir(), "jp-mof");
    assert_eq!(p.format, Format::JpMofXlsx);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&p, &mut sink).expect("jp-mof parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-03-05"));
    let per_sheet = |n: &str| {
        let prefix = format!("jp-{n}-");
        sink.entities
            .iter()
            .filter(|e| e.id.starts_with(&prefix))
            .count()
    };
    // PROVENANCE.md row counts include title, note and header rows: sheet 13 has 19 used rows
    // (3 before the data), 14: 78 (3), 15: 83 (3), 16: 80 (5), 17: 89 (5). No DPRK row is deleted.
    assert_eq!(
        ["13", "14", "15", "16", "17"].map(per_sheet),
        [16, 75, 80, 75, 84]
    );
    let lazarus = entity(&sink, "jp-16-68");
    assert_eq!(lazarus.schema, Schema::Organization);
    assert_eq!(
        lazarus.get(prop::NAME),
        ["Lazarus Group", "ラザルス・グループ"]
    );
    for alias in ["Hidden Cobra", "ヒドゥン・コブラ", "APT-C-26", "Appleworm"] {
        assert!(
            lazarus.get(prop::ALIAS).iter().any(|a| a == alias),
            "{alias} in {:?}",
            lazarus.get(prop::ALIAS)
        );
    }
    assert_eq!(lazarus.first(prop::LISTING_DATE), Some("2022-12-02"));
    let park = entity(&sink, "jp-17-77");
    assert_eq!(park.schema, Schema::Person);
    assert_eq!(park.get(prop::BIRTH_DATE), ["1984-08-15", "1984-10-18"]);
    assert_eq!(park.get(prop::PASSPORT_NUMBER), ["290333974"]);
    assert_eq!(park.first(prop::GENDER), Some("male"));
    let paek = entity(&sink, "jp-17-1");
    assert_eq!(paek.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(paek.first(prop::BIRTH_DATE), Some("1938-03-21"));
    // Sim Hyon Sop's Ethereum address becomes a wallet held by him.
    let wallet = sink
        .entities
        .iter()
        .find(|e| {
            e.schema == Schema::CryptoWallet
                && e.get(prop::PUBLIC_KEY)
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case("0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c"))
        })
        .expect("wallet");
    assert_eq!(wallet.get(prop::HOLDER), ["jp-17-78"]);
    // Sheet 13 lists companies and one person, whose birth date is in the notes.
    let steiger = entity(&sink, "jp-13-16");
    assert_eq!(
        (steiger.schema, steiger.get(prop::BIRTH_DATE)),
        (Schema::Person, &["1941-04-27".to_owned()][..])
    );
    assert_eq!(entity(&sink, "jp-13-1").schema, Schema::LegalEntity);
    let unrecognised: Vec<&str> = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "unrecognised-sheet")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        unrecognised.len(),
        1,
        "one diagnostic lists every sheet not read"
    );
    assert!(
        unrecognised[0].contains("一覧") && unrecognised[0].contains("8.【解除】リベリア"),
        "{}",
        unrecognised[0]
    );
}

#[test]
fn regression_jp_mof_aliases_are_not_cut_inside_brackets() {
    // Alias cells split at every `、` and line break gave names such as `（別称` and
    // `株式会社SNSZ）`, and `(a.k.a.:` on its own: 1,643 aliases with unbalanced brackets.
    let p = plan_for(&lists_dir(), "jp-mof");
    let mut sink = CollectSink::default();
    parse_source(&p, &mut sink).expect("jp-mof parses");
    let aliases = |id: &str| entity(&sink, id).get(prop::ALIAS).to_vec();
    assert_eq!(
        aliases("jp-28-94"),
        [
            "株式会社SNSZ",
            "Joint Stock Company Sredne-Nevsky Shipbuilding Plant",
            "JSC Sredne-Nevsky Shipyard",
            "JSC Sredne-Nevsky Sudostroitelny Factory",
            "Sredne-Nevsky Shipyard",
            "“JSC SNSZ”"
        ]
    );
    let yusuf = aliases("jp-2-110");
    for want in ["アミヌッラー・アミン", "Muhammad Yusuf", "Aminullah Amin"] {
        assert!(yusuf.iter().any(|a| a == want), "{want} in {yusuf:?}");
    }
    let mut unbalanced = Vec::new();
    for e in sink.entities.iter().filter(|e| e.id.starts_with("jp-")) {
        for p in [prop::ALIAS, prop::WEAK_ALIAS, prop::PREVIOUS_NAME] {
            for a in e.get(p) {
                let opens = a.matches(['(', '（']).count();
                let closes = a.matches([')', '）']).count();
                assert!(
                    !a.starts_with("（別称") && !a.starts_with("(a.k.a") && a != "a.k.a.:",
                    "{}: {a}",
                    e.id
                );
                if opens != closes {
                    unbalanced.push(format!("{}: {a}", e.id));
                }
            }
        }
    }
    // What is left are remarks the ministry itself left unclosed.
    assert!(unbalanced.len() <= 12, "{unbalanced:#?}");
}

#[test]
fn jp_mof_fixture_continuation_era_dates_and_deleted_rows() {
    let dir = fixtures().join("jp");
    let p = SourcePlan {
        source_id: "jp-mof".into(),
        format: Format::JpMofXlsx,
        files: vec![SourceFile::on_disk(
            dir.join("shisantouketsu20260305-mini.xlsx"),
            Role::Primary,
        )],
    };
    let sink = parse_all(&p);
    let ids: Vec<&str> = sink.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids.iter().filter(|i| i.starts_with("jp-17-")).count(),
        2,
        "{ids:?}"
    );
    let paek = entity(&sink, "jp-17-1");
    assert_eq!(paek.get(prop::NAME), ["PAEK SE BONG", "ペク・セボン"]);
    assert_eq!(paek.get(prop::ALIAS), ["ペク・セポン", "Paek Se Pong"]);
    assert_eq!(paek.get(prop::BIRTH_DATE), ["1938-03-21"]);
    assert_eq!(paek.first(prop::LISTING_DATE), Some("2013-04-05"));
    assert_eq!(paek.first(prop::MODIFIED_AT), Some("2022-08-03"));
    let park = entity(&sink, "jp-17-3");
    // 昭和59年 is 1984.
    assert_eq!(park.get(prop::BIRTH_DATE), ["1984-08-15"]);
    assert!(park.get(prop::ALIAS).iter().any(|a| a == "Kim Hyon Woo"));
    // The continuation row's crypto address belongs to the row above.
    assert!(
        sink.entities
            .iter()
            .any(|e| e.schema == Schema::CryptoWallet && e.get(prop::HOLDER) == ["jp-17-3"])
    );
}

#[test]
fn jp_mof_header_only_workbook_has_no_entities() {
    let p = one_file(
        Format::JpMofXlsx,
        "jp-mof",
        "empty.xlsx",
        read(&fixtures().join("jp/empty.xlsx")),
    );
    assert!(matches!(parse_err(&p), ListError::NoEntities { .. }));
}

// ---------------------------------------------------------------------------------------------
// Stability and bad input

#[test]
fn reparse_gives_identical_ids() {
    // The real UK and Japan files are covered by `stability::every_real_source_reparses_identically`.
    for (dir, source) in [
        (fixtures().join("uk/ofsi"), "uk-ofsi"),
        (fixtures().join("uk/sl-csv"), "uk-sl"),
    ] {
        assert_reparse_stable(&plan_for(&dir, source));
    }
}

#[test]
fn truncated_and_corrupt_containers_are_syntax_errors() {
    let ods = read(&lists_dir().join("uk/FCDO_SL_Mon_Aug_11_2025.ods"));
    let xlsx = read(&lists_dir().join("jp/shisantouketsu20260305.xlsx"));
    for (format, source, name, bytes) in [
        (
            Format::UkSlOds,
            "uk-sl",
            "cut.ods",
            ods.get(..ods.len() / 2).unwrap_or_default().to_vec(),
        ),
        (
            Format::JpMofXlsx,
            "jp-mof",
            "cut.xlsx",
            xlsx.get(..xlsx.len() / 2).unwrap_or_default().to_vec(),
        ),
        (
            Format::UkSlOds,
            "uk-sl",
            "junk.ods",
            b"PK\x03\x04 this is no zip".to_vec(),
        ),
        (
            Format::JpMofXlsx,
            "jp-mof",
            "junk.xlsx",
            b"PK\x03\x04 this is no zip".to_vec(),
        ),
    ] {
        let e = parse_err(&one_file(format, source, name, bytes));
        assert_eq!(e.code(), "syntax", "{name}: {e}");
        assert!(e.to_string().contains(name), "{e}");
    }
    // A zip whose deflated content.xml is damaged in the middle.
    let mut damaged = ods.clone();
    let mid = damaged.len() / 2;
    for b in damaged.iter_mut().skip(mid).take(64) {
        *b ^= 0x5a;
    }
    let e = parse_err(&one_file(Format::UkSlOds, "uk-sl", "damaged.ods", damaged));
    assert_eq!(e.code(), "syntax", "{e}");
}

#[test]
fn ods_with_header_only_has_no_entities() {
    let p = one_file(
        Format::UkSlOds,
        "uk-sl",
        "ods-empty.ods",
        read(&fixtures().join("uk/ods-empty.ods")),
    );
    assert!(matches!(parse_err(&p), ListError::NoEntities { .. }));
}

#[test]
fn ods_that_is_not_the_uk_list_is_refused() {
    let p = one_file(
        Format::UkSlOds,
        "uk-sl",
        "budget.ods",
        read(&fixtures().join("uk/ods-not-uk.ods")),
    );
    let e = parse_err(&p);
    assert_eq!(e.code(), "syntax");
    assert!(
        e.to_string()
            .contains("not a UK Sanctions List spreadsheet"),
        "{e}"
    );
}

#[test]
fn csv_with_broken_quoting_names_the_line() {
    let text = std::fs::read_to_string(fixtures().join("uk/sl-csv/UK_Sanctions_List.csv"))
        .expect("fixture");
    // An opening quote that never closes swallows the rest of the file into one field.
    let broken = text.replacen(",CHOSUN EXPO,", ",\"CHOSUN EXPO,", 1);
    let e = parse_err(&one_file(
        Format::UkSlCsv,
        "uk-sl",
        "broken.csv",
        broken.into_bytes(),
    ));
    assert_eq!(e.code(), "syntax");
    let ListError::Syntax { location, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(location.line, Some(5), "{e}");
    // A quote opened in the last line and never closed: nothing after it to miscount.
    let open_at_end = format!("{}\"Tanker", text.trim_end());
    let e = parse_err(&one_file(
        Format::UkSlCsv,
        "uk-sl",
        "open.csv",
        open_at_end.into_bytes(),
    ));
    assert_eq!(e.code(), "syntax", "{e}");
    assert!(e.to_string().contains("never closed"), "{e}");
    let conlist = std::fs::read_to_string(fixtures().join("uk/ofsi/ConList.csv")).expect("fixture");
    let broken = conlist.replacen("AN,Jong,Hyok", "AN,\"Jong\"x,Hyok,extra", 1);
    let e = parse_err(&one_file(
        Format::UkOfsiCsv,
        "uk-ofsi",
        "ConList.csv",
        broken.into_bytes(),
    ));
    assert_eq!(e.code(), "syntax", "{e}");
}

#[test]
fn header_only_csv_has_no_entities() {
    let text = std::fs::read_to_string(fixtures().join("uk/sl-csv/UK_Sanctions_List.csv"))
        .expect("fixture");
    let header_only: String = text.lines().take(2).map(|l| format!("{l}\r\n")).collect();
    let p = one_file(
        Format::UkSlCsv,
        "uk-sl",
        "UK_Sanctions_List.csv",
        header_only.into_bytes(),
    );
    assert!(matches!(parse_err(&p), ListError::NoEntities { .. }));
}

#[test]
fn empty_files_are_not_detected_and_do_not_parse() {
    for name in [
        "UK_Sanctions_List.csv",
        "ConList.csv",
        "x.ods",
        "x.xlsx",
        "dpr0001.yaml",
    ] {
        assert!(detect(Path::new(name), b"").is_none(), "{name}");
    }
    for format in [
        Format::UkSlOds,
        Format::UkSlCsv,
        Format::UkSlXml,
        Format::UkOfsiCsv,
        Format::UkYaml,
        Format::JpMofXlsx,
    ] {
        let mut sink = CollectSink::default();
        assert!(
            parse_source(&one_file(format, "x", "empty", Vec::new()), &mut sink).is_err(),
            "{format}"
        );
    }
}

#[test]
fn detection_is_by_content_not_name() {
    let cases = [
        (
            "uk/ods/FCDO_SL_Tue_Aug_12_2025.ods",
            Format::UkSlOds,
            "uk-sl",
        ),
        ("uk/sl-csv/UK_Sanctions_List.csv", Format::UkSlCsv, "uk-sl"),
        ("uk/sl-xml/UK_Sanctions_List.xml", Format::UkSlXml, "uk-sl"),
        ("uk/ofsi/ConList.csv", Format::UkOfsiCsv, "uk-ofsi"),
        ("uk/ofsi-latin1/ConList.csv", Format::UkOfsiCsv, "uk-ofsi"),
        (
            "jp/shisantouketsu20260305-mini.xlsx",
            Format::JpMofXlsx,
            "jp-mof",
        ),
    ];
    for (file, format, source) in cases {
        let bytes = read(&fixtures().join(file));
        let head = bytes
            .get(..bytes.len().min(cordon_lists::SNIFF_BYTES))
            .unwrap_or_default();
        let d =
            detect(Path::new("renamed.bin"), head).unwrap_or_else(|| panic!("{file} not detected"));
        assert_eq!((d.format, d.source_id.as_str()), (format, source), "{file}");
    }
    let yaml = read(&lists_dir().join("uk/ammitto-data-uk-processed/dpr0001.yaml"));
    assert_eq!(
        detect(Path::new("x"), &yaml).map(|d| d.format),
        Some(Format::UkYaml)
    );
}

#[test]
fn the_real_uk_and_jp_folders_plan_cleanly() {
    let (plans, diags) = plan(&lists_dir());
    for source in ["uk-sl", "uk-yaml", "jp-mof"] {
        assert!(plans.iter().any(|p| p.source_id == source), "{source}");
    }
    let about_ours = |p: &std::path::PathBuf| {
        p.starts_with(lists_dir().join("uk")) || p.starts_with(lists_dir().join("jp"))
    };
    assert!(
        diags
            .iter()
            .all(|d| !d.location.file.as_ref().is_some_and(about_ours)),
        "{diags:?}"
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn formats() -> impl Strategy<Value = (Format, &'static str)> {
        prop_oneof![
            Just((
                Format::UkSlOds,
                "fixtures/uk/ods/FCDO_SL_Tue_Aug_12_2025.ods"
            )),
            Just((Format::UkSlCsv, "fixtures/uk/sl-csv/UK_Sanctions_List.csv")),
            Just((Format::UkSlXml, "fixtures/uk/sl-xml/UK_Sanctions_List.xml")),
            Just((Format::UkOfsiCsv, "fixtures/uk/ofsi/ConList.csv")),
            Just((Format::UkYaml, "fixtures/uk/yaml/dpr9001.yaml")),
            Just((
                Format::JpMofXlsx,
                "fixtures/jp/shisantouketsu20260305-mini.xlsx"
            )),
        ]
    }

    proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(96))]

        #[test]
        fn random_bytes_never_panic((format, _) in formats(), bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut sink = CollectSink::default();
            let _ = parse_source(&one_file(format, "fuzz", "fuzz", bytes), &mut sink);
        }

        #[test]
        fn damaged_fixtures_never_panic((format, file) in formats(), flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..16), cut in any::<proptest::sample::Index>()) {
            let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join(file);
            let mut bytes = read(&path);
            for (at, b) in flips {
                let i = at.index(bytes.len());
                if let Some(x) = bytes.get_mut(i) { *x ^= b; }
            }
            bytes.truncate(cut.index(bytes.len() + 1));
            let mut sink = CollectSink::default();
            let _ = parse_source(&one_file(format, "fuzz", "fuzz", bytes), &mut sink);
        }
    }
}

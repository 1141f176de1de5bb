//! OFAC parsers: the legacy CSV sets, the advanced XML and the digital-currency extractions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cordon_lists::{CollectSink, Format, ListError, Role, SourceFile, SourcePlan, parse_source};
use cordon_model::{Entity, Schema, prop};

use crate::util::{fixtures, lists_dir, parse_all, plan_for};

fn by_id(sink: &CollectSink) -> BTreeMap<&str, &Entity> {
    sink.entities.iter().map(|e| (e.id.as_str(), e)).collect()
}

fn count(sink: &CollectSink, schema: Schema) -> usize {
    sink.entities.iter().filter(|e| e.schema == schema).count()
}

fn codes(sink: &CollectSink) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for d in &sink.diagnostics {
        *m.entry(d.code.as_str()).or_insert(0) += 1;
    }
    m
}

/// Distinct addresses (case-folded where the encoding ignores case), whatever the chain.
fn unique_addresses(sink: &CollectSink) -> BTreeSet<String> {
    sink.entities
        .iter()
        .filter(|e| e.schema == Schema::CryptoWallet)
        .map(|e| e.id.splitn(3, '-').nth(2).unwrap_or_default().to_owned())
        .collect()
}

fn sdn() -> CollectSink {
    parse_all(&plan_for(&lists_dir(), "ofac-sdn"))
}

fn in_memory(format: Format, source: &str, files: Vec<(&str, Role, &[u8])>) -> SourcePlan {
    SourcePlan {
        source_id: source.to_owned(),
        format,
        files: files
            .into_iter()
            .map(|(n, r, d)| SourceFile::in_memory(n, r, d.to_vec()))
            .collect(),
    }
}

fn parse(plan: &SourcePlan) -> (Result<cordon_lists::ParseOutcome, ListError>, CollectSink) {
    let mut sink = CollectSink::default();
    let r = parse_source(plan, &mut sink);
    (r, sink)
}

#[test]
fn sdn_csv_counts_match_provenance() {
    let sink = sdn();
    assert_eq!(count(&sink, Schema::Person), 6_854);
    assert_eq!(
        count(&sink, Schema::Organization) + count(&sink, Schema::Company),
        6_884
    );
    assert_eq!(count(&sink, Schema::Vessel), 851);
    assert_eq!(count(&sink, Schema::Aircraft), 376);
    let listed: Vec<&Entity> = sink
        .entities
        .iter()
        .filter(|e| e.schema != Schema::CryptoWallet)
        .collect();
    assert_eq!(listed.len(), 14_965);
    assert!(
        listed
            .iter()
            .all(|e| e.id.starts_with("ofac-") && e.datasets == ["ofac-sdn"])
    );
    let ids: BTreeSet<&str> = listed.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 14_965, "ids are unique");
    // Programs as PROVENANCE.md counts them.
    let with = |p: &str| {
        listed
            .iter()
            .filter(|e| e.get(prop::PROGRAM).iter().any(|x| x == p))
            .count()
    };
    assert_eq!(
        [
            with("DPRK"),
            with("DPRK2"),
            with("DPRK3"),
            with("DPRK4"),
            with("DPRK-NKSPEA"),
            with("CYBER2")
        ],
        [57, 111, 147, 174, 2, 243]
    );
    let dprk = listed
        .iter()
        .filter(|e| e.get(prop::PROGRAM).iter().any(|p| p.starts_with("DPRK")))
        .count();
    assert_eq!(dprk, 484);
}

#[test]
fn sdn_csv_orphan_companion_rows_are_one_warning() {
    let sink = sdn();
    let orphans: Vec<_> = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "orphan-companion-rows")
        .collect();
    let alt = orphans
        .iter()
        .find(|d| {
            d.location
                .file
                .as_deref()
                .is_some_and(|f| f.ends_with("alt.csv"))
        })
        .expect("alt.csv orphans reported");
    assert!(alt.message.contains("for 1567 ent_nums"), "{}", alt.message);
    assert!(orphans.len() <= 3, "one warning per companion file");
}

#[test]
fn lazarus_group_with_programs_aliases_and_eth_wallets() {
    let sink = sdn();
    let all = by_id(&sink);
    let lazarus = all["ofac-27307"];
    assert_eq!(lazarus.caption, "LAZARUS GROUP");
    assert_eq!(lazarus.get(prop::PROGRAM), ["DPRK3"]);
    let weak = lazarus.get(prop::WEAK_ALIAS);
    for a in [
        "HIDDEN COBRA",
        "GUARDIANS OF PEACE",
        "WHOIS HACKING TEAM",
        "APPLEWORM",
        "TEMP.HERMIT",
    ] {
        assert!(weak.iter().any(|w| w == a), "{a} missing from {weak:?}");
    }
    assert_eq!(lazarus.get(prop::COUNTRY), ["kp"]);
    assert!(lazarus.get(prop::ADDRESS)[0].contains("Pyongyang"));
    assert!(
        !lazarus
            .get(prop::NOTES)
            .iter()
            .any(|n| n.contains("Digital Currency")),
        "no duplicate of the wallets on the holder"
    );
    let wallets: Vec<&&Entity> = all
        .values()
        .filter(|e| {
            e.schema == Schema::CryptoWallet
                && e.get(prop::HOLDER).iter().any(|h| h == "ofac-27307")
        })
        .collect();
    assert_eq!(wallets.len(), 8);
    for w in &wallets {
        assert_eq!(w.first(prop::CHAIN), Some("eth"));
        assert_eq!(w.first(prop::CURRENCY), Some("ETH"));
        assert_eq!(w.get(prop::PROGRAM), ["DPRK3"]);
        let key = w.first(prop::PUBLIC_KEY).unwrap_or_default();
        assert_eq!(
            w.id,
            cordon_address::wallet_id(cordon_address::Chain::Eth, key)
        );
    }
    assert!(all.contains_key("wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96"));
}

#[test]
fn sdn_csv_digital_currency_addresses() {
    let sink = sdn();
    // Remarks joined with sdn_comments.csv: 553 distinct addresses (PROVENANCE.md says 552;
    // see docs/list-formats.md). A few addresses are listed under several EVM chains, so there
    // are more wallet entities than addresses.
    assert_eq!(unique_addresses(&sink).len(), 553);
    // 0x4f47…270c is listed as ETH, BSC and ARB; 0xd882…e344b as ETH and ETC.
    assert_eq!(count(&sink, Schema::CryptoWallet), 556);
    // Remarks alone (no comments file): the cut at 1,000 characters loses addresses.
    let mut plan = plan_for(&lists_dir(), "ofac-sdn");
    plan.files.retain(|f| f.role != Role::Comments);
    let alone = parse_all(&plan);
    let n = unique_addresses(&alone).len();
    // PROVENANCE.md's 286 counts five fragments the cut leaves ("1Gq", "3", "1N6XqS"…); they
    // are no addresses, so they stay in notes with a `bad-crypto-address` warning.
    assert_eq!(n, 281);
    let fragments = alone
        .diagnostics
        .iter()
        .filter(|d| d.code == "bad-crypto-address")
        .count();
    assert_eq!(
        fragments, 6,
        "five cut addresses and one ticker without its address"
    );
    // Every wallet's holder is a listed entity of the same source.
    let all = by_id(&sink);
    for w in sink
        .entities
        .iter()
        .filter(|e| e.schema == Schema::CryptoWallet)
    {
        for h in w.get(prop::HOLDER) {
            assert!(all.contains_key(h.as_str()), "{} held by unknown {h}", w.id);
        }
    }
}

#[test]
fn remarks_of_a_dprk_individual() {
    let sink = sdn();
    let all = by_id(&sink);
    let ryu = all["ofac-17616"];
    assert_eq!(ryu.schema, Schema::Person);
    assert_eq!(ryu.get(prop::NAME), ["RYU Jin"]);
    assert_eq!(ryu.get(prop::LAST_NAME), ["RYU"]);
    assert_eq!(ryu.get(prop::FIRST_NAME), ["Jin"]);
    assert_eq!(ryu.get(prop::BIRTH_DATE), ["1965-08-07"]);
    assert_eq!(ryu.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(ryu.get(prop::PASSPORT_NUMBER), ["563410081"]);
    assert_eq!(ryu.get(prop::POSITION), ["KOMID official in Syria"]);
    let kim = all["ofac-20157"];
    assert_eq!(kim.get(prop::NAME), ["KIM Jong Un"]);
    assert_eq!(kim.get(prop::BIRTH_DATE), ["1984-01-08"]);
    // Gender and circa dates.
    let circa = sink
        .entities
        .iter()
        .filter(|e| e.get(prop::BIRTH_DATE).iter().any(|d| d.starts_with('~')))
        .count();
    assert!(circa >= 50, "{circa} circa dates");
    let genders = sink.entities.iter().filter(|e| e.has(prop::GENDER)).count();
    assert!(genders > 4_000, "{genders}");
}

#[test]
fn remarks_of_a_vessel_and_a_website_entity() {
    let sink = sdn();
    let all = by_id(&sink);
    let ship = all["ofac-17069"];
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(ship.get(prop::IMO_NUMBER), ["7937317"]);
    assert_eq!(ship.get(prop::TYPE), ["General Cargo"]);
    assert_eq!(ship.get(prop::FLAG), ["kp"]);
    let sinbad = all["ofac-44437"];
    assert_eq!(sinbad.get(prop::PROGRAM), ["DPRK3", "CYBER2"]);
    assert!(
        sinbad
            .get(prop::WEBSITE)
            .iter()
            .any(|w| w == "https://sinbad.io")
    );
    assert_eq!(
        sinbad.get(prop::EMAIL),
        ["support@sinbad.io", "adv@sinbad.io"]
    );
    let kimsuky = all["ofac-45430"];
    assert!(kimsuky.get(prop::EMAIL).len() >= 6);
    assert!(kimsuky.get(prop::WEBSITE).iter().any(|w| w == "mofa.lat"));
    let imo = sink
        .entities
        .iter()
        .filter(|e| e.has(prop::IMO_NUMBER))
        .count();
    assert!(imo >= 850, "{imo} entities with an IMO number");
    // "Linked To:" becomes an associate.
    let hamas_linked = sink
        .entities
        .iter()
        .filter(|e| e.get(prop::ASSOCIATE).iter().any(|a| a == "HAMAS"))
        .count();
    assert!(hamas_linked >= 60, "{hamas_linked}");
}

#[test]
fn cons_csv_counts() {
    let sink = parse_all(&plan_for(&lists_dir(), "ofac-cons"));
    let listed: Vec<&Entity> = sink
        .entities
        .iter()
        .filter(|e| e.schema != Schema::CryptoWallet)
        .collect();
    assert_eq!(listed.len(), 442);
    assert!(listed.iter().all(|e| e.id.starts_with("ofac-cons-")));
    assert!(
        !listed
            .iter()
            .any(|e| e.get(prop::PROGRAM).iter().any(|p| p.starts_with("DPRK")))
    );
    let haniya = by_id(&sink)["ofac-cons-9639"];
    assert_eq!(haniya.get(prop::BIRTH_DATE), ["1962"]);
    assert!(haniya.get(prop::ALIAS).iter().any(|a| a == "HANIYA Ismail"));
}

#[test]
fn reparsing_gives_identical_ids_and_entities() {
    let a = sdn();
    let b = sdn();
    let ids = |s: &CollectSink| s.entities.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(a.entities, b.entities);
}

const SDN_ROW: &str = "27307,\"LAZARUS GROUP\",-0- ,\"DPRK3\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'HIDDEN COBRA'.\"\r\n";

fn sdn_plan(sdn: &[u8]) -> SourcePlan {
    in_memory(
        Format::OfacSdnCsv,
        "ofac-sdn",
        vec![("sdn.csv", Role::Primary, sdn)],
    )
}

#[test]
fn csv_with_broken_quoting_is_an_error_naming_line_and_field() {
    let data = format!(
        "{SDN_ROW}1,\"BROKEN NAME,-0- ,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2,\"NEXT\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
    );
    let (r, _) = parse(&sdn_plan(data.as_bytes()));
    let e = r.expect_err("broken quoting must fail");
    assert_eq!(e.code(), "syntax");
    let msg = e.to_string();
    assert!(msg.contains("sdn.csv:2"), "{msg}");
    assert!(msg.contains("SDN_Name"), "{msg}");
}

#[test]
fn truncated_csv_keeps_complete_records_and_warns() {
    let data = format!("{SDN_ROW}2,\"CUT HERE\",-0- ,\"SDGT\"");
    let (r, sink) = parse(&sdn_plan(data.as_bytes()));
    r.expect("a record cut between fields is a record-level problem");
    assert_eq!(sink.entities.len(), 1);
    let d = &sink.diagnostics[0];
    assert_eq!(d.code, "csv-field-count");
    assert_eq!(d.location.line, Some(2));
}

#[test]
fn latin1_bytes_are_decoded_as_windows_1252() {
    let data = b"1,\"MU\xd1OZ, Jos\xe9\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1970.\"\r\n\x1a";
    let (r, sink) = parse(&sdn_plan(data));
    r.expect("Latin-1 is read");
    assert_eq!(sink.entities[0].get(prop::NAME), ["MU\u{d1}OZ Jos\u{e9}"]);
    assert_eq!(sink.diagnostics[0].code, "not-utf8");
    assert_eq!(sink.diagnostics[0].location.byte, Some(5));
}

#[test]
fn empty_and_zero_entity_files_are_errors() {
    let (r, _) = parse(&sdn_plan(b""));
    assert_eq!(r.expect_err("empty").code(), "no-entities");
    let (r, _) = parse(&sdn_plan(b"\x1a"));
    assert_eq!(r.expect_err("only the EOF byte").code(), "no-entities");
    let plan = in_memory(
        Format::OfacSdnCsv,
        "ofac-sdn",
        vec![("alt.csv", Role::Aliases, b"1,2,\"aka\",\"X\",-0- \r\n")],
    );
    let (r, _) = parse(&plan);
    assert_eq!(r.expect_err("companions alone").code(), "missing-file");
}

#[test]
fn detection_by_content() {
    let d = cordon_lists::detect(Path::new("whatever.csv"), SDN_ROW.as_bytes()).expect("sdn row");
    assert_eq!(
        (d.format, d.source_id.as_str(), d.role),
        (Format::OfacSdnCsv, "ofac-sdn", Role::Primary)
    );
    let d = cordon_lists::detect(Path::new("cons_prim.csv"), SDN_ROW.as_bytes()).expect("cons row");
    assert_eq!(d.format, Format::OfacConsCsv);
    let d = cordon_lists::detect(
        Path::new("x.csv"),
        b"36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n",
    )
    .expect("alt");
    assert_eq!(d.role, Role::Aliases);
    let d = cordon_lists::detect(
        Path::new("x.csv"),
        b"36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n",
    )
    .expect("add");
    assert_eq!(d.role, Role::Addresses);
    assert!(cordon_lists::detect(Path::new("sdn.csv"), b"name,country\nx,y\n").is_none());
}

// --- digital-currency extractions -------------------------------------------------------

#[test]
fn naughtylist_counts() {
    let plan = plan_for(&lists_dir(), "ofac-crypto-naughtylist");
    assert_eq!(plan.format, Format::OfacCryptoNaughtylist);
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan, &mut sink).expect("parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-08-08"));
    assert_eq!(unique_addresses(&sink).len(), 961);
    let per_chain: usize = sink.entities.len();
    assert!(
        per_chain > 961,
        "addresses on several chains are one wallet per chain"
    );
    let holders: BTreeSet<&str> = sink
        .entities
        .iter()
        .flat_map(|e| e.get(prop::HOLDER))
        .map(String::as_str)
        .collect();
    assert_eq!(holders.len(), 94);
    let dprk: Vec<&Entity> = sink
        .entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM).iter().any(|p| p.starts_with("DPRK")))
        .collect();
    let dprk_addresses: BTreeSet<&str> = dprk
        .iter()
        .filter_map(|w| w.first(prop::PUBLIC_KEY))
        .collect();
    assert_eq!(dprk_addresses.len(), 123);
    assert!(dprk.iter().any(|w| w.get(prop::HOLDER) == ["ofac-27307"]));
    assert!(
        sink.entities
            .iter()
            .all(|e| e.has(prop::LISTING_DATE) && e.has(prop::CHAIN))
    );
}

#[test]
fn crypto_sanctions_list_keeps_lowercased_base58_with_a_warning() {
    let plan = plan_for(&lists_dir(), "ofac-crypto-sanctions-list");
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan, &mut sink).expect("parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2026-08-20"));
    assert_eq!(sink.entities.len(), 961);
    let dprk = sink
        .entities
        .iter()
        .filter(|e| e.get(prop::PROGRAM).iter().any(|p| p.starts_with("DPRK")))
        .count();
    assert_eq!(dprk, 123);
    let lost: Vec<_> = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "address-case-lost")
        .collect();
    assert_eq!(lost.len(), 1, "one aggregated warning");
    // Hex and bech32 addresses match the naughtylist's wallet ids; Base58 ones cannot.
    let naughty = parse_all(&plan_for(&lists_dir(), "ofac-crypto-naughtylist"));
    let a: BTreeSet<&str> = sink.entities.iter().map(|e| e.id.as_str()).collect();
    let b: BTreeSet<&str> = naughty.entities.iter().map(|e| e.id.as_str()).collect();
    let flagged: BTreeSet<&str> = sink
        .entities
        .iter()
        .filter(|e| e.has(prop::NOTES))
        .map(|e| e.id.as_str())
        .collect();
    let differing: BTreeSet<&str> = a.difference(&b).copied().collect();
    assert!(
        differing.is_subset(&flagged),
        "every id that differs was flagged: {:?}",
        differing.difference(&flagged).collect::<Vec<_>>()
    );
    // Flagged but equal: addresses whose real spelling happens to be all lower case (hex
    // Monero payment ids); the parser cannot know that.
    assert!(flagged.len() - differing.len() <= 5);
    assert!(lost[0].message.starts_with(&format!("{} ", flagged.len())));
}

#[test]
fn b10c_counts_and_txt_json_agree() {
    let plan = plan_for(&lists_dir(), "ofac-crypto-0xb10c");
    let sink = parse_all(&plan);
    // 654 (ticker, address) lines; 13 addresses are listed under two tickers (ETH and USDT…).
    assert_eq!(unique_addresses(&sink).len(), 641);
    let pairs: usize = sink
        .entities
        .iter()
        .map(|e| e.get(prop::CURRENCY).len())
        .sum();
    assert_eq!(pairs, 654);
    assert!(
        !codes(&sink).contains_key("companion-mismatch"),
        "{:?}",
        sink.diagnostics
    );
    let eth = sink
        .entities
        .iter()
        .filter(|e| e.get(prop::CURRENCY).iter().any(|c| c == "ETH"))
        .count();
    assert_eq!(eth, 152);
}

#[test]
fn b10c_txt_json_disagreement_is_reported() {
    let plan = in_memory(
        Format::OfacCrypto0xB10C,
        "ofac-crypto-0xb10c",
        vec![
            (
                "sanctioned_addresses_XBT.json",
                Role::Primary,
                b"[\"12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h\"]",
            ),
            (
                "sanctioned_addresses_XBT.txt",
                Role::Metadata,
                b"1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo\n",
            ),
        ],
    );
    let (r, sink) = parse(&plan);
    r.expect("parses");
    assert_eq!(sink.entities.len(), 1);
    assert_eq!(codes(&sink).get("companion-mismatch"), Some(&1));
}

#[test]
fn crypto_json_errors_name_the_line() {
    let plan = in_memory(
        Format::OfacCryptoNaughtylist,
        "ofac-crypto-naughtylist",
        vec![(
            "all_addresses.json",
            Role::Primary,
            b"{\n  \"addresses\": [\n    {\"address\": \"1Kuf\"\n",
        )],
    );
    let (r, _) = parse(&plan);
    let e = r.expect_err("truncated JSON");
    assert_eq!(e.code(), "syntax");
    assert!(e.to_string().contains("all_addresses.json:4"), "{e}");
}

// --- advanced XML ---------------------------------------------------------------------------

fn advanced_fixture() -> PathBuf {
    fixtures().join("ofac/sdn_advanced.xml")
}

fn advanced_plan(name: &str, data: &[u8]) -> SourcePlan {
    let source = if name.to_ascii_lowercase().contains("cons") {
        "ofac-cons-advanced"
    } else {
        "ofac-sdn-advanced"
    };
    in_memory(
        Format::OfacAdvancedXml,
        source,
        vec![(name, Role::Primary, data)],
    )
}

#[test]
fn advanced_fixture_parses_into_the_csv_ids() {
    let plan = plan_for(&fixtures().join("ofac"), "ofac-sdn-advanced");
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan, &mut sink).expect("fixture parses");
    assert_eq!(outcome.publication_date.as_deref(), Some("2024-05-03"));
    let all = by_id(&sink);
    let lazarus = all["ofac-27307"];
    assert_eq!(lazarus.schema, Schema::Organization);
    assert_eq!(lazarus.caption, "LAZARUS GROUP");
    assert_eq!(
        lazarus.get(prop::WEAK_ALIAS),
        ["HIDDEN COBRA", "GUARDIANS OF PEACE"]
    );
    assert_eq!(lazarus.get(prop::PROGRAM), ["DPRK3"]);
    assert_eq!(lazarus.get(prop::LISTING_DATE), ["2019-09-13"]);
    assert_eq!(
        lazarus.get(prop::ADDRESS),
        ["Potonggang District, Pyongyang, Korea, North"]
    );
    assert_eq!(lazarus.get(prop::COUNTRY), ["kp"]);
    let w = all["wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96"];
    assert_eq!(w.get(prop::CURRENCY), ["ETH", "USDT"]);
    assert_eq!(w.get(prop::HOLDER), ["ofac-27307"]);
    assert_eq!(w.get(prop::PROGRAM), ["DPRK3"]);
    let kim = all["ofac-20157"];
    assert_eq!(kim.schema, Schema::Person);
    assert_eq!(kim.get(prop::NAME), ["KIM Jong Un"]);
    assert_eq!(kim.get(prop::ALIAS), ["김 정은"]);
    assert_eq!(kim.get(prop::LAST_NAME), ["KIM"]);
    assert_eq!(kim.get(prop::FIRST_NAME), ["Jong Un"]);
    assert_eq!(kim.get(prop::BIRTH_DATE), ["1984-01-08"]);
    assert_eq!(kim.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(kim.get(prop::GENDER), ["male"]);
    assert_eq!(
        kim.get(prop::POSITION),
        ["Chairman of the Workers' Party of Korea"]
    );
    assert_eq!(kim.get(prop::BIRTH_PLACE), ["Pyongyang, Korea, North"]);
    let ryu = all["ofac-17616"];
    assert_eq!(ryu.get(prop::BIRTH_DATE), ["1965"]);
    assert_eq!(ryu.get(prop::PASSPORT_NUMBER), ["563410081"]);
    assert!(
        ryu.get(prop::NOTES)[0].contains("(Korea, North)"),
        "{:?}",
        ryu.get(prop::NOTES)
    );
    let ship = all["ofac-17069"];
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(ship.get(prop::IMO_NUMBER), ["7937317"]);
    assert_eq!(ship.get(prop::FLAG), ["kp"]);
    assert_eq!(ship.get(prop::CALL_SIGN), ["HMZF"]);
    assert_eq!(ship.get(prop::MMSI), ["445114000"]);
    assert_eq!(ship.get(prop::TYPE), ["General Cargo"]);
    let x = all["ofac-99001"];
    assert_eq!(x.get(prop::BIRTH_DATE), ["~1951", "1960/1962", "1958-06"]);
    assert_eq!(x.get(prop::PREVIOUS_NAME), ["FORMER Name"]);
    assert_eq!(x.get(prop::PROGRAM), ["CYBER2", "DPRK3"]);
    assert_eq!(x.get(prop::WEBSITE), ["www.example.invalid"]);
    assert_eq!(x.get(prop::EMAIL), ["someone@example.invalid"]);
    assert!(
        x.get(prop::NOTES)
            .iter()
            .any(|n| n.contains("not an address!"))
    );
    let c = codes(&sink);
    assert_eq!(c.get("bad-crypto-address"), Some(&1));
    assert_eq!(c.get("bad-record-id"), Some(&1), "party without FixedRef");
    assert_eq!(count(&sink, Schema::CryptoWallet), 3);
    assert_eq!(sink.entities.len(), 5 + 3);
}

#[test]
fn advanced_and_csv_share_ids() {
    let csv = sdn();
    let csv_ids: BTreeSet<&str> = csv.entities.iter().map(|e| e.id.as_str()).collect();
    let adv = parse_all(&plan_for(&fixtures().join("ofac"), "ofac-sdn-advanced"));
    for id in [
        "ofac-27307",
        "ofac-20157",
        "ofac-17616",
        "ofac-17069",
        "wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96",
    ] {
        assert!(csv_ids.contains(id), "{id}");
        assert!(adv.entities.iter().any(|e| e.id == id), "{id}");
    }
}

#[test]
fn cons_advanced_uses_cons_ids() {
    let data = std::fs::read(advanced_fixture()).expect("fixture");
    let d = cordon_lists::detect(Path::new("CONS_ADVANCED.XML"), &data[..4096]).expect("detected");
    assert_eq!(d.source_id, "ofac-cons-advanced");
    let (r, sink) = parse(&advanced_plan("CONS_ADVANCED.XML", &data));
    r.expect("parses");
    assert!(sink.entities.iter().any(|e| e.id == "ofac-cons-27307"));
}

#[test]
fn advanced_bad_input_names_the_byte() {
    let data = std::fs::read(advanced_fixture()).expect("fixture");
    // Truncated in the middle of the parties.
    let cut = data
        .windows(13)
        .position(|w| w == b"FixedRef=\"176")
        .expect("marker");
    let (r, sink) = parse(&advanced_plan("sdn_advanced.xml", &data[..cut + 40]));
    let e = r.expect_err("truncated");
    assert_eq!(e.code(), "syntax");
    assert!(e.to_string().contains("truncated"), "{e}");
    assert!(e.to_string().contains("byte"), "{e}");
    assert!(
        sink.entities.len() <= 2,
        "parties before the cut may stream out; the caller discards them"
    );
    // Wrong root.
    let (r, _) = parse(&advanced_plan(
        "sdn_advanced.xml",
        b"<?xml version=\"1.0\"?>\n<sdnList><x/></sdnList>",
    ));
    let e = r.expect_err("wrong root");
    assert!(e.to_string().contains("<sdnList>"), "{e}");
    // Invalid UTF-8 inside a name.
    let mut bad = data.clone();
    let at = bad
        .windows(13)
        .position(|w| w == b"LAZARUS GROUP")
        .expect("name");
    bad[at + 2] = 0xFF;
    let (r, _) = parse(&advanced_plan("sdn_advanced.xml", &bad));
    let e = r.expect_err("invalid UTF-8");
    assert!(matches!(e.code(), "encoding" | "syntax"), "{e}");
    assert!(e.to_string().contains("byte"), "{e}");
    // Empty file and a valid file without parties.
    let (r, _) = parse(&advanced_plan("sdn_advanced.xml", b""));
    assert_eq!(r.expect_err("empty").code(), "syntax");
    let (r, _) = parse(&advanced_plan(
        "sdn_advanced.xml",
        b"<Sanctions><DistinctParties/></Sanctions>",
    ));
    assert_eq!(r.expect_err("no parties").code(), "no-entities");
}

// --- no panic on any bytes ---------------------------------------------------------------

/// Plans that feed `data` to each OFAC parser (as primary file and as each companion).
fn fuzz_plans(data: &[u8]) -> Vec<SourcePlan> {
    let good_sdn = SDN_ROW.as_bytes();
    vec![
        sdn_plan(data),
        in_memory(
            Format::OfacSdnCsv,
            "ofac-sdn",
            vec![
                ("sdn.csv", Role::Primary, good_sdn),
                ("add.csv", Role::Addresses, data),
                ("alt.csv", Role::Aliases, data),
                ("sdn_comments.csv", Role::Comments, data),
            ],
        ),
        in_memory(
            Format::OfacConsCsv,
            "ofac-cons",
            vec![("cons_prim.csv", Role::Primary, data)],
        ),
        advanced_plan("sdn_advanced.xml", data),
        in_memory(
            Format::OfacCryptoNaughtylist,
            "ofac-crypto-naughtylist",
            vec![
                ("all_addresses.json", Role::Primary, data),
                ("metadata.json", Role::Metadata, data),
            ],
        ),
        in_memory(
            Format::OfacCryptoSanctionsList,
            "ofac-crypto-sanctions-list",
            vec![("sanctioned-addresses.json", Role::Primary, data)],
        ),
        in_memory(
            Format::OfacCrypto0xB10C,
            "ofac-crypto-0xb10c",
            vec![
                ("sanctioned_addresses_XBT.json", Role::Primary, data),
                ("sanctioned_addresses_XBT.txt", Role::Metadata, data),
            ],
        ),
    ]
}

fn parse_everything(data: &[u8]) {
    for plan in fuzz_plans(data) {
        let mut sink = CollectSink::default();
        let _ = parse_source(&plan, &mut sink);
        let _ = cordon_lists::detect(&plan.files[0].path, data);
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let naughty = br#"{"addresses":[{"address":"1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo","chain":"bitcoin","date_listed":"2022-04-05","entity_id":1,"ofac_tickers":["XBT"],"programs":["DPRK3"]}]}"#;
    let list = br#"{"metadata":{"sdnListDate":"08/20/2026"},"addresses":{"tniq9axbp9ejuqhdhrwrfvaa8u3guqzh81":{"type":"Digital Currency Address - TRX","entries":[{"uid":"4632","program":"IRAN, SDGT"}]}}}"#;
    vec![
        std::fs::read(advanced_fixture()).unwrap_or_default(),
        format!("{SDN_ROW}20157,\"KIM, Jong Un\",\"individual\",\"DPRK3] [CYBER2\",\"Chairman\",-0- ,-0- ,-0- ,-0- ,\"Korea, North\",-0- ,\"DOB 08 Jan 1984; Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96.\"\r\n\x1a").into_bytes(),
        naughty.to_vec(),
        list.to_vec(),
        b"[\"1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo\"]".to_vec(),
    ]
}

proptest::proptest! {
    #![proptest_config(cordon_testkit::proptest_cases(48))]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        parse_everything(&data);
    }

    #[test]
    fn mutated_inputs_never_panic(
        seed in 0usize..5,
        cut in proptest::prelude::any::<proptest::sample::Index>(),
        flips in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()), 0..8),
    ) {
        let mut data = seeds().swap_remove(seed);
        if data.is_empty() { return Ok(()); }
        for (at, byte) in flips {
            let i = at.index(data.len());
            data[i] = byte;
        }
        data.truncate(cut.index(data.len() + 1));
        parse_everything(&data);
    }
}

#[test]
fn addresses_that_fail_validation_are_kept_and_reported_once() {
    let sink = sdn();
    let invalid: Vec<_> = sink
        .diagnostics
        .iter()
        .filter(|d| d.code == "invalid-address")
        .collect();
    assert!(invalid.len() <= 1, "one aggregated warning");
    // The remarks cut at 1,000 characters leave a fragment that is no address; with the
    // comments joined it is whole again.
    let mut plan = plan_for(&lists_dir(), "ofac-sdn");
    plan.files.retain(|f| f.role != Role::Comments);
    let alone = parse_all(&plan);
    let w = by_id(&alone)["wallet-btc-3F6bbvS1krsc1qR8FsbTDfYQyvkMm"];
    assert!(
        w.first(prop::NOTES)
            .is_some_and(|n| n.starts_with("Not a valid btc address"))
    );
    assert!(!by_id(&sink).contains_key("wallet-btc-3F6bbvS1krsc1qR8FsbTDfYQyvkMm"));
}

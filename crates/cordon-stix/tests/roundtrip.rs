use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cordon_model::{Entity, Schema, prop};
use cordon_stix::{
    ExportOptions, StixError, Tlp, bundle_to_entities, export_entities, parse_bundle, read_bundle,
};

const T1: &str = "2026-01-01T00:00:00.000Z";
const T2: &str = "2026-11-25T05:00:00.000Z";

fn shared_data() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
        PathBuf::from,
    )
}

/// The OFAC SDN entities (real data), or None when the shared data is absent.
fn ofac_entities() -> Option<Vec<Entity>> {
    let dir = shared_data().join("lists/ofac");
    if !dir.exists() {
        eprintln!("skipped: no shared data at {}", dir.display());
        return None;
    }
    let (plans, _) = cordon_lists::plan(&dir);
    let plan = plans.iter().find(|p| p.source_id == "ofac-sdn")?;
    let mut sink = cordon_lists::CollectSink::default();
    cordon_lists::parse_source(plan, &mut sink).ok()?;
    Some(sink.entities)
}

fn opts(ts: &str, exclude: &[&str]) -> ExportOptions {
    ExportOptions {
        producer: "Example Exchange".into(),
        tlp: Tlp::AmberStrict,
        timestamp: ts.into(),
        exclude_datasets: exclude
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>(),
        all_entities: false,
    }
}

/// Imports as the CLI does: the list's own source id is added to every entity's datasets.
fn import(json: &str, source: &str) -> Vec<Entity> {
    let checked = parse_bundle(Path::new("b.json"), json.as_bytes()).expect("bundle parses");
    let mut out = bundle_to_entities(&checked.bundle, Path::new("b.json")).entities;
    for e in &mut out {
        e.add_dataset(source);
        e.finish();
    }
    out
}

#[test]
fn export_import_export_is_byte_identical_apart_from_timestamps_on_real_ofac_data() {
    let Some(entities) = ofac_entities() else {
        return;
    };
    let b1 = export_entities(&entities, opts(T1, &[])).to_json();
    let n_wallets = b1.matches("\"type\": \"cryptocurrency-wallet\"").count();
    let n_ident = b1.matches("\"type\": \"identity\"").count();
    assert!(
        n_wallets > 10,
        "DPRK-programme wallets exported: {n_wallets}"
    );
    assert!(n_ident > 50, "designated entities exported: {n_ident}");
    assert!(b1.contains("\"source_name\": \"ofac-sdn\""));
    let back = import(&b1, "stix-example");
    let b2 = export_entities(&back, opts(T2, &["stix-example"])).to_json();
    let b2 = b2.replace(T2, T1);
    if b1 != b2 {
        let _ = std::fs::write(std::env::temp_dir().join("cordon-stix-b1.json"), &b1);
        let _ = std::fs::write(std::env::temp_dir().join("cordon-stix-b2.json"), &b2);
    }
    assert!(
        b1 == b2,
        "bundles differ; see $TMPDIR/cordon-stix-b{{1,2}}.json"
    );
}

fn wallet(chain: &str, address: &str, holder: &str) -> Entity {
    let mut w = Entity::new(
        format!("wallet-{chain}-{}", address.to_ascii_lowercase()),
        Schema::CryptoWallet,
    );
    w.add(prop::PUBLIC_KEY, address);
    w.add(prop::CHAIN, chain);
    w.add(prop::CURRENCY, chain.to_ascii_uppercase());
    w.add(prop::HOLDER, holder);
    w.add(prop::PROGRAM, "NPWMD");
    w
}

/// OFAC lists SIM Hyon Sop's one EVM account under ETH, ARB and BSC: three wallet entities, one
/// observable (its id depends on the address only). An import must give back all three.
#[test]
fn one_evm_address_listed_on_three_chains_survives_the_round_trip() {
    let addr = "0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c";
    let mut holder = Entity::new("ofac-42498", Schema::Person);
    holder.add(prop::NAME, "SIM, Hyon Sop");
    holder.add(prop::NATIONALITY, "kp");
    let mut entities = vec![holder];
    for chain in ["eth", "arb", "bsc"] {
        entities.push(wallet(chain, addr, "ofac-42498"));
    }
    let json = export_entities(&entities, opts(T1, &[])).to_json();
    assert_eq!(
        json.matches("\"type\": \"cryptocurrency-wallet\"").count(),
        1
    );
    let mut back = import(&json, "s");
    back.sort_by(|a, b| a.id.cmp(&b.id));
    let wallets: Vec<&Entity> = back
        .iter()
        .filter(|e| e.schema == Schema::CryptoWallet)
        .collect();
    assert_eq!(wallets.len(), 3, "{back:#?}");
    for (w, chain) in wallets.iter().zip(["arb", "bsc", "eth"]) {
        let original = entities.iter().find(|e| e.id == w.id).expect("same ids");
        assert_eq!(w.properties, original.properties, "{chain}");
    }
}

/// One address spelled two ways (OFAC's EIP-55 form; an extraction's lower case) is one
/// observable in EIP-55 form, whichever entity comes first; each entity gets its own spellings
/// back.
#[test]
fn one_address_spelled_two_ways_is_one_observable_in_eip55_form() {
    let mixed = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
    let lower = mixed.to_ascii_lowercase();
    for spellings in [[mixed, lower.as_str()], [lower.as_str(), mixed]] {
        let mut w = wallet("eth", spellings[0], "ofac-27307");
        w.add(prop::PUBLIC_KEY, spellings[1]);
        w.add(prop::PROGRAM, "DPRK3");
        let mut other = wallet("bsc", &lower, "ofac-27307");
        other.add(prop::PROGRAM, "DPRK3");
        let json = export_entities(&[other.clone(), w.clone()], opts(T1, &[])).to_json();
        assert!(json.contains(&format!("\"value\": \"{mixed}\"")), "{json}");
        assert!(!json.contains(&format!("\"value\": \"{lower}\"")));
        let back = import(&json, "s");
        for original in [&w, &other] {
            let e = back.iter().find(|e| e.id == original.id).expect("same id");
            assert_eq!(e.get(prop::PUBLIC_KEY), original.get(prop::PUBLIC_KEY));
        }
    }
}

/// A wallet seen in findings and the same wallet on a list are one observable, although the
/// trace writes the address in lower case and the list in EIP-55 form.
#[test]
fn a_traced_wallet_that_is_listed_is_the_listed_observable() {
    let mixed = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
    let mut listed = wallet("eth", mixed, "ofac-27307");
    listed.add(prop::PROGRAM, "DPRK3");
    let mut b = cordon_stix::BundleBuilder::new(opts(T1, &[]));
    b.entities(&[listed]);
    let trace = format!(
        r#"{{"trace":{{"source":"{}","sinks":[]}}}}"#,
        mixed.to_ascii_lowercase()
    );
    cordon_stix::findings::add_findings(&mut b, Path::new("t.json"), trace.as_bytes())
        .expect("reads");
    let bundle = b.finish();
    let wallets: Vec<_> = bundle
        .objects
        .iter()
        .filter(|o| o.kind == "cryptocurrency-wallet")
        .collect();
    assert_eq!(wallets.len(), 1);
    assert_eq!(wallets[0].str("value"), Some(mixed));
    assert!(
        wallets[0].props.contains_key("x_cordon_wallets"),
        "the listed one, kept whole"
    );
}

/// A producer withdraws a designation by revoking its objects (a TAXII collection does so when
/// an entity leaves the list): the import must not keep screening against it.
#[test]
fn revoked_objects_and_their_observables_are_not_imported() {
    let mut p = Entity::new("kp-7", Schema::Person);
    p.add(prop::NAME, "Ri Chol");
    p.add(prop::NATIONALITY, "kp");
    p.add(prop::EMAIL, "ri@example.com");
    let kept = wallet("eth", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "kp-7");
    let json = export_entities(&[p, kept], opts(T1, &[])).to_json();
    let mut bundle: serde_json::Value = serde_json::from_str(&json).expect("json");
    for o in bundle["objects"].as_array_mut().expect("objects") {
        let email_indicator = o["type"] == "indicator"
            && o["pattern"]
                .as_str()
                .is_some_and(|p| p.contains("email-addr"));
        if o["name"] == "Ri Chol" || email_indicator {
            o["revoked"] = serde_json::Value::Bool(true);
        }
    }
    let text = bundle.to_string();
    let checked = parse_bundle(Path::new("b.json"), text.as_bytes()).expect("parses");
    let imp = bundle_to_entities(&checked.bundle, Path::new("b.json"));
    let ids: Vec<&str> = imp.entities.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        ["wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96"],
        "the person and the e-mail are withdrawn, the wallet is not"
    );
    let note = imp
        .diagnostics
        .iter()
        .find(|d| d.code == "stix-revoked")
        .expect("reported");
    assert!(note.message.starts_with("3 object(s)"), "{}", note.message);
}

#[test]
fn deterministic_export_of_the_same_entities() {
    let mut p = Entity::new("kp-1", Schema::Person);
    p.add(prop::NAME, "Kim Chol");
    p.add(prop::NATIONALITY, "kp");
    let a = export_entities(std::slice::from_ref(&p), opts(T1, &[])).to_json();
    let b = export_entities(&[p], opts(T1, &[])).to_json();
    assert_eq!(a, b);
}

#[test]
fn findings_become_sightings_groupings_and_indicators() {
    let mut b = cordon_stix::BundleBuilder::new(opts(T1, &[]));
    let findings = br#"{"cluster":3,"members":["a1","a2"],"score":20.0,"links":[{"a":"a1","b":"a2","score":20.0,"reasons":["shared email \"dev@example.com\" (held by 2 records) +15.0"]}]}
{"id":"a9","risk":0.9,"level":"high","indicators":[],"list_hits":[{"kind":"wallet","value":"0x098B716B8Aaf21512996dC57EB0615e2383E2f96","entity":"x","caption":"y","score":1.0,"datasets":[]}],"cluster":null,"actions":[]}
{"trace":{"source":"0x098B716B8Aaf21512996dC57EB0615e2383E2f96","sinks":[{"address":"bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh","asset":"BTC","hops":2}]}}
{"unrelated":true}
"#;
    let diags =
        cordon_stix::findings::add_findings(&mut b, Path::new("f.jsonl"), findings).expect("reads");
    assert_eq!(
        diags.len(),
        1,
        "the unrelated document is reported: {diags:?}"
    );
    let bundle = b.finish();
    let json = bundle.to_json();
    // The shared e-mail, the applicant's listed wallet, the trace's source (the same wallet:
    // one indicator, two sightings) and its destination.
    assert_eq!(json.matches("\"type\": \"sighting\"").count(), 4);
    assert!(json.contains("\"type\": \"grouping\""));
    assert!(json.contains("[email-addr:value = 'dev@example.com']"));
    let indicator = |value: &str| {
        bundle
            .objects
            .iter()
            .find(|o| o.kind == "indicator" && o.str("pattern").is_some_and(|p| p.contains(value)))
            .map(|o| o.id.clone())
            .expect("indicator")
    };
    let indicates = |ind: &str| -> Vec<&str> {
        bundle
            .objects
            .iter()
            .filter(|o| {
                o.str("relationship_type") == Some("indicates") && o.str("source_ref") == Some(ind)
            })
            .filter_map(|o| o.str("target_ref"))
            .collect()
    };
    let sink = indicator("bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh");
    assert_eq!(
        indicates(&sink),
        [cordon_stix::export::LAZARUS_THREAT_ACTOR]
    );
    let email = indicator("dev@example.com");
    assert_eq!(
        indicates(&email),
        [cordon_stix::export::IT_WORKER_INTRUSION_SET]
    );
}

#[test]
fn imported_bundle_adds_a_wallet_and_a_person() {
    let bundle = r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
 {"type":"identity","spec_version":"2.1","id":"identity--b3b4a1e2-1111-4e3b-9a5f-000000000001","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"ROK MOFA","identity_class":"organization"},
 {"type":"identity","spec_version":"2.1","id":"identity--b3b4a1e2-1111-4e3b-9a5f-000000000002","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","created_by_ref":"identity--b3b4a1e2-1111-4e3b-9a5f-000000000001","name":"Pak Jin Hyok","identity_class":"individual"},
 {"type":"indicator","spec_version":"2.1","id":"indicator--b3b4a1e2-1111-4e3b-9a5f-000000000003","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","created_by_ref":"identity--b3b4a1e2-1111-4e3b-9a5f-000000000001","pattern":"[x-crypto-wallet:value = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'] OR [email-addr:value = 'pak@example.com']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"},
 {"type":"relationship","spec_version":"2.1","id":"relationship--b3b4a1e2-1111-4e3b-9a5f-000000000004","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","created_by_ref":"identity--b3b4a1e2-1111-4e3b-9a5f-000000000001","relationship_type":"related-to","source_ref":"indicator--b3b4a1e2-1111-4e3b-9a5f-000000000003","target_ref":"identity--b3b4a1e2-1111-4e3b-9a5f-000000000002"},
 {"type":"x-unknown-thing","id":"x-unknown-thing--b3b4a1e2-1111-4e3b-9a5f-000000000005","spec_version":"2.1"}
]}"#;
    let checked = parse_bundle(Path::new("rok.json"), bundle.as_bytes()).expect("parses");
    let imp = bundle_to_entities(&checked.bundle, Path::new("rok.json"));
    assert_eq!(imp.producer.as_deref(), Some("ROK MOFA"));
    let person = imp
        .entities
        .iter()
        .find(|e| e.schema == Schema::Person)
        .expect("person");
    assert_eq!(person.first(prop::NAME), Some("Pak Jin Hyok"));
    assert_eq!(person.first(prop::EMAIL), Some("pak@example.com"));
    let wallet = imp
        .entities
        .iter()
        .find(|e| e.schema == Schema::CryptoWallet)
        .expect("wallet");
    assert!(
        wallet.id.starts_with("wallet-eth-0x098b716b8aaf"),
        "{}",
        wallet.id
    );
    assert_eq!(wallet.get(prop::HOLDER), std::slice::from_ref(&person.id));
    assert_eq!(
        imp.entities.len(),
        2,
        "the producer is not an entry: {:?}",
        imp.entities
    );
    assert!(
        imp.diagnostics
            .iter()
            .any(|d| d.code == "stix-unmapped-type" && d.message.contains("x-unknown-thing"))
    );
}

#[test]
fn bad_input_gives_clear_errors_or_reported_skips() {
    let p = Path::new("bad.json");
    let e = parse_bundle(p, b"{\"type\": \"bundle\",\n \"id\": ").unwrap_err();
    assert_eq!(e.code(), "stix-invalid-json");
    assert!(e.to_string().starts_with("bad.json:2:"), "{e}");

    let e = parse_bundle(p, br#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","spec_version":"2.0","objects":[]}"#).unwrap_err();
    assert!(
        matches!(e, StixError::NotABundle { ref field, .. } if field == "spec_version"),
        "{e}"
    );
    assert!(parse_bundle(p, b"[1,2]").is_err());
    assert!(parse_bundle(p, br#"{"type":"report"}"#).is_err());

    let ind = |name: &str, modified: &str| {
        format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--b3b4a1e2-1111-4e3b-9a5f-000000000003","created":"2026-01-01T00:00:00.000Z","modified":"{modified}","name":"{name}","pattern":"[email-addr:value = 'a@b.c']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}}"#
        )
    };
    let wrap = |objs: Vec<String>| {
        format!(
            r#"{{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[{}]}}"#,
            objs.join(",")
        )
    };
    let dup = wrap(vec![
        ind("a", "2026-01-01T00:00:00.000Z"),
        ind("b", "2026-01-01T00:00:00.000Z"),
    ]);
    let e = parse_bundle(p, dup.as_bytes()).unwrap_err();
    assert_eq!(e.code(), "stix-conflicting-duplicate");
    let newer = wrap(vec![
        ind("a", "2026-01-01T00:00:00.000Z"),
        ind("b", "2026-02-01T00:00:00.000Z"),
    ]);
    let c = parse_bundle(p, newer.as_bytes()).expect("later version wins");
    assert_eq!(c.bundle.objects.len(), 1);
    assert_eq!(c.bundle.objects[0].str("name"), Some("b"));

    let dangling = wrap(vec![
        ind("a", "2026-01-01T00:00:00.000Z"),
        r#"{"type":"relationship","spec_version":"2.1","id":"relationship--b3b4a1e2-1111-4e3b-9a5f-000000000009","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","relationship_type":"indicates","source_ref":"indicator--b3b4a1e2-1111-4e3b-9a5f-000000000003","target_ref":"threat-actor--b3b4a1e2-1111-4e3b-9a5f-00000000000a"}"#.to_owned(),
        r#"{"type":"indicator","spec_version":"2.0","id":"indicator--b3b4a1e2-1111-4e3b-9a5f-00000000000b"}"#.to_owned(),
        r#"{"type":"indicator","id":"not-an-id"}"#.to_owned(),
    ]);
    let c = parse_bundle(p, dangling.as_bytes()).expect("skips, no error");
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["stix-spec-version", "stix-bad-id", "stix-dangling-ref"]
    );
    assert_eq!(c.bundle.objects.len(), 1);
}

#[test]
fn a_100_mb_bundle_is_rejected_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.json");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(100 * 1024 * 1024).expect("sparse file");
    let e = read_bundle(&path).unwrap_err();
    assert_eq!(e.code(), "stix-too-large");
    assert!(e.to_string().contains("huge.json"), "{e}");
}

mod props {
    use super::{Entity, Schema, T1, export_entities, import, opts, parse_bundle};
    use cordon_model::prop;
    use proptest::prelude::{any, prop_assert_eq, prop_assume, proptest};
    use std::path::Path;

    proptest! {
        #[test]
        fn parse_bundle_never_panics(data in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_bundle(Path::new("fuzz.json"), &data);
        }

        #[test]
        fn emails_survive_export_and_import(local in "[a-z0-9._'\\\\-]{1,20}", name in "[A-Za-z ]{1,30}") {
            let email = format!("{local}@example.com");
            let mut p = Entity::new("kp-9", Schema::Person);
            p.add(prop::NAME, &name);
            p.add(prop::NATIONALITY, "kp");
            p.add(prop::EMAIL, &email);
            let json = export_entities(&[p.clone()], opts(T1, &[])).to_json();
            let back = import(&json, "s");
            prop_assume!(!p.get(prop::NAME).is_empty());
            prop_assert_eq!(back.len(), 1);
            prop_assert_eq!(back[0].first(prop::EMAIL), Some(email.as_str()));
        }
    }
}

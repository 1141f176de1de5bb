//! List hits on the real OFAC SDN list: a designated front as employer, a listed person's name,
//! a listed wallet, and a cluster raised as a whole through a listed member.

use std::sync::OnceLock;

use cordon_applicants::{ListIndex, Rules, Screener};
use cordon_lists::{CollectSink, parse_source, plan};
use serde_json::json;

use crate::util::{app, shared_data};

fn entities() -> Vec<cordon_model::Entity> {
    let (plans, _) = plan(&shared_data().join("lists/ofac"));
    let mut sink = CollectSink::default();
    for p in plans.iter().filter(|p| p.source_id == "ofac-sdn") {
        parse_source(p, &mut sink).expect("parse OFAC SDN");
    }
    assert!(
        sink.entities.len() > 1000,
        "OFAC SDN not found under {}",
        shared_data().display()
    );
    sink.entities
}

/// One screener over the real OFAC SDN list, shared by the tests.
fn screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::new(Rules::default_rules()).with_lists(ListIndex::build(entities())))
}

fn ofac() -> &'static ListIndex {
    screener().lists().expect("lists")
}

fn screen(apps: &[cordon_applicants::Applicant]) -> cordon_applicants::BatchReport {
    screener().screen_batch(apps).expect("screen")
}

#[test]
fn designated_front_in_work_history_is_a_hit() {
    let a = app(
        json!({"id": "a", "names": ["Alex Chen"], "employment": [{"employer": "Yanbian Silverstar Network Technology Co., Ltd.", "start": "2019-01"}, "Volasys Silver Star"]}),
    );
    let r = screen(&[a]);
    let hits = &r.applicants[0].list_hits;
    assert!(
        hits.iter().any(
            |h| h.kind == "employer" && h.caption.to_uppercase().contains("YANBIAN SILVERSTAR")
        ),
        "{hits:?}"
    );
    assert!(
        hits.iter()
            .any(|h| h.kind == "employer" && h.caption.to_uppercase().contains("VOLASYS")),
        "{hits:?}"
    );
    // The Chinyong front under its own name and its alias.
    for (id, employer) in [
        ("c", "Chinyong Information Technology Cooperation Company"),
        ("d", "Jinyong IT Cooperation Company"),
    ] {
        let r = screen(&[app(json!({"id": id, "employment": [employer]}))]);
        let hits = &r.applicants[0].list_hits;
        assert!(
            hits.iter()
                .any(|h| h.kind == "employer" && h.caption.to_uppercase().contains("CHINYONG")),
            "{employer}: {hits:?}"
        );
    }
    let clean = app(json!({"id": "b", "employment": ["Yandex LLC", "Silverline Software GmbH"]}));
    let r = screen(&[clean]);
    assert!(
        r.applicants[0]
            .list_hits
            .iter()
            .all(|h| h.kind != "employer"),
        "{:?}",
        r.applicants[0].list_hits
    );
}

#[test]
fn listed_person_name_is_a_hit() {
    let a = app(json!({"id": "a", "names": ["Jong Song Hwa"]}));
    let hits = ofac().screen(&a, &Rules::default_rules().lists).0;
    assert!(
        hits.iter()
            .any(|h| h.kind == "name" && h.caption.to_uppercase().contains("JONG")),
        "{hits:?}"
    );
    let b = app(json!({"id": "b", "names": ["Margaret Thornbury"]}));
    assert!(
        ofac()
            .screen(&b, &Rules::default_rules().lists)
            .0
            .is_empty()
    );
}

#[test]
fn listed_wallet_fires_iw46() {
    // A Digital Currency Address from an SDN entry's remarks.
    let lists = ofac();
    let wallet = find_listed_wallet();
    let a = app(json!({"id": "a", "wallets": [wallet]}));
    let (hits, listed) = lists.screen(&a, &Rules::default_rules().lists);
    assert!(hits.iter().any(|h| h.kind == "wallet"), "{hits:?}");
    assert_eq!(listed.len(), 1);
    let ctx = cordon_applicants::Context {
        listed_wallets: listed,
        ..Default::default()
    };
    let ind = cordon_applicants::evaluate(&a, &ctx, &Rules::default_rules());
    assert!(ind.iter().any(|i| i.id == "IW-46"));
}

fn find_listed_wallet() -> String {
    let text = std::fs::read_to_string(shared_data().join("lists/ofac/sdn.csv")).expect("sdn.csv");
    let at = text
        .find("Digital Currency Address - ETH ")
        .expect("an ETH address in the SDN remarks");
    let rest = &text[at + "Digital Currency Address - ETH ".len()..];
    rest.split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn cluster_touching_a_listed_identifier_is_raised_as_a_whole() {
    let wallet = find_listed_wallet();
    let apps = vec![
        app(
            json!({"id": "w1", "names": ["Kim Alpha"], "wallets": [wallet], "payout_accounts": ["PAY-777-XYZ"]}),
        ),
        app(json!({"id": "w2", "names": ["Lee Beta"], "payout_accounts": ["PAY-777-XYZ"]})),
        app(json!({"id": "x", "names": ["Nobody Else"]})),
    ];
    let r = screen(&apps);
    let w2 = &r.applicants[1];
    assert!(
        w2.list_hits
            .iter()
            .any(|h| h.kind == "linked" && h.via.as_deref() == Some("w1")),
        "{w2:?}"
    );
    assert_eq!(w2.level, "high");
    assert_eq!(r.applicants[2].level, "low");
    let c = &r.clusters[0];
    assert!(c.raised && c.listed_members == ["w1"]);
}

#[test]
fn listed_email_website_and_phone_are_identifier_hits() {
    // Identifiers written on SDN entries (remarks "Email Address", "Website", "Phone Number"),
    // in the forms applicants write them.
    let a = app(
        json!({"id": "a", "emails": ["INFO@aqsatv.ps"], "websites": ["https://www.bank-maskan.ir/about"],
        "phones": ["+98 21 8852 6300"]}),
    );
    let hits = ofac().screen(&a, &Rules::default_rules().lists).0;
    for kind in ["email", "website", "phone"] {
        assert!(
            hits.iter().any(|h| h.kind == kind),
            "{kind} not in {hits:?}"
        );
    }
    assert!(hits.iter().all(cordon_applicants::ListHit::is_identifier));
    let b = app(
        json!({"id": "b", "emails": ["info@example.org"], "websites": ["https://example.org"]}),
    );
    assert!(
        ofac()
            .screen(&b, &Rules::default_rules().lists)
            .0
            .is_empty()
    );
}

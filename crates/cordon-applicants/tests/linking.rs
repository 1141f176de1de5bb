//! Linked accounts judged against the population a batch comes from: a batch of two is two of
//! the platform's accounts, and values the platform knows to be hubs link nobody.

use cordon_applicants::{Rules, Screener};
use serde_json::json;

use crate::util::app;

fn login(ip: &str) -> serde_json::Value {
    json!([{"time": "2025-03-01T10:00:00Z", "ip": ip}])
}

#[test]
fn batch_of_two_sharing_a_rare_payout_account_is_one_cluster() {
    let apps = [
        app(
            json!({"id": "a", "names": ["Jon Smith"], "payout_accounts": ["DE89370400440532013000"]}),
        ),
        app(
            json!({"id": "b", "names": ["Mary Jones"], "payout_accounts": ["DE89 3704 0044 0532 0130 00"]}),
        ),
    ];
    let linked = Screener::new(Rules::default_rules()).link(&apps).unwrap();
    assert_eq!(linked.clusters.len(), 1);
    let c = &linked.clusters[0];
    assert_eq!(c.members, ["a", "b"]);
    // Two of the rules' population of 10,000: log2(0.8 / (2 / 10,000)) = +11.97.
    assert!(
        c.links[0]
            .reasons
            .iter()
            .any(|r| r.starts_with("shared payout_account")
                && r.contains("held by 2 records")
                && r.contains("+11.97")),
        "{:?}",
        c.links[0].reasons
    );
}

#[test]
fn batch_of_two_sharing_a_known_hub_is_not_linked_nor_flagged() {
    // The platform's statistics say 60 of its 100 accounts log in from 198.51.100.50 (an
    // office NAT); two new applicants using it are neither linked nor flagged as IW-02.
    let platform: Vec<_> = (0..100)
        .map(|i| {
            let ip = if i < 60 {
                "198.51.100.50".to_owned()
            } else {
                format!("192.0.2.{i}")
            };
            app(json!({"id": format!("p{i}"), "logins": login(&ip)}))
        })
        .collect();
    let screener = Screener::new(Rules::default_rules());
    let stats = screener.population_of(&platform).unwrap();
    assert_eq!(stats.records, 100);
    let batch = [
        app(json!({"id": "n1", "logins": login("198.51.100.50")})),
        app(json!({"id": "n2", "logins": login("198.51.100.50")})),
    ];
    let informed = Screener::new(Rules::default_rules()).with_population(stats);
    let report = informed.screen_batch(&batch).unwrap();
    assert!(report.clusters.is_empty());
    for r in &report.applicants {
        assert!(r.indicators.iter().all(|i| i.id != "IW-02"), "{r:?}");
    }
    let linked = informed.link(&batch).unwrap();
    assert_eq!(
        linked.hubs.first().map(|h| (h.kind.as_str(), h.records)),
        Some(("ip", 60))
    );
    // Without the statistics the shared IP is evidence for IW-02 (two accounts, one IP).
    let naive = Screener::new(Rules::default_rules())
        .screen_batch(&batch)
        .unwrap();
    assert!(
        naive.applicants[0]
            .indicators
            .iter()
            .any(|i| i.id == "IW-02")
    );
}

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

#[test]
fn linked_accounts_with_red_flags_of_their_own_are_raised_at_lower_evidence() {
    // Two accounts sharing a payout account and a /24 (16.3 bits of collective evidence):
    // below `raise` (20 here), above `raise_flagged` (8). Raised only when both members look
    // wrong on their own (Korean locale and night-time activity while claiming Chicago).
    let rules = Rules::parse(
        "link: { raise: 20.0, raise_flagged: 8.0, flagged_members: 2 }\n",
        std::path::Path::new("test.yaml"),
    )
    .unwrap();
    let member = |id: &str, host: u8, flagged: bool| {
        let (hour, locale) = if flagged { (3, "ko-KR") } else { (16, "en-US") };
        let logins: Vec<_> = (1..=6)
            .map(|d| json!({"time": format!("2025-03-{d:02}T{hour:02}:00:00Z"), "ip": format!("198.51.100.{host}"), "locale": locale}))
            .collect();
        app(
            json!({"id": id, "claimed_country": "US", "claimed_timezone": "America/Chicago",
            "payout_accounts": ["US5550001112223334"], "logins": logins}),
        )
    };
    let screener = Screener::new(rules);
    let flagged = screener
        .screen_batch(&[member("a", 10, true), member("b", 11, true)])
        .unwrap();
    let plain = screener
        .screen_batch(&[member("a", 10, false), member("b", 11, false)])
        .unwrap();
    assert_eq!(flagged.clusters.len(), 1);
    assert_eq!(plain.clusters.len(), 1);
    let score = flagged.clusters[0].cluster.score;
    assert!((8.0..20.0).contains(&score), "{score}");
    assert!(flagged.clusters[0].raised);
    assert!(!plain.clusters[0].raised);
}

/// A generated population of `n` (rings, families, agencies, offices) screened with its IP
/// database.
fn generated(n: usize, seed: u64) -> (Vec<cordon_applicants::Applicant>, Screener) {
    use cordon_applicants::{
        IpDb,
        synth::{Generator, SynthConfig},
    };
    let g = Generator::new(SynthConfig {
        seed,
        applicants: n,
        ..SynthConfig::default()
    });
    let apps = (0..g.len()).map(|i| g.applicant(i)).collect();
    let mut db = IpDb::new();
    db.add_csv(
        g.ip_database_csv().as_bytes(),
        std::path::Path::new("<generator>"),
    )
    .unwrap();
    (apps, Screener::new(Rules::default_rules()).with_ipdb(db))
}

#[test]
fn streamed_chunks_give_the_reports_of_one_batch() {
    let (apps, screener) = generated(2_500, 7);
    let whole = screener.screen_batch(&apps).unwrap();
    let streamed = screener
        .screen_stream(apps.chunks(333), &mut |_| {})
        .unwrap();
    assert_eq!(
        serde_json::to_string(&whole.applicants).unwrap(),
        serde_json::to_string(&streamed.applicants).unwrap()
    );
    assert_eq!(
        serde_json::to_string(&whole.clusters).unwrap(),
        serde_json::to_string(&streamed.clusters).unwrap()
    );
    assert!(whole.clusters.iter().any(|c| c.raised));
}

#[test]
fn suspicion_lowers_the_bar_only_between_suspects_and_says_so() {
    let (apps, screener) = generated(3_000, 3);
    let batch = screener.screen_batch(&apps).unwrap();
    let own_medium = |id: &str| {
        let r = batch.applicants.iter().find(|r| r.id == id).unwrap();
        let keep: f64 = r
            .indicators
            .iter()
            .filter(|i| !cordon_applicants::rules::SHARING_INDICATORS.contains(&i.id))
            .map(|i| 1.0 - i.weight)
            .product();
        1.0 - keep >= Rules::default_rules().levels.medium
    };
    let mut suspect_links = 0;
    for c in &batch.clusters {
        for l in &c.cluster.links {
            let Some(reason) = l.reasons.iter().find(|r| r.starts_with("both suspect")) else {
                continue;
            };
            suspect_links += 1;
            assert!(own_medium(&l.a) && own_medium(&l.b), "{l:?}");
            // Suspicion is one reason among the others, never the only evidence.
            assert!(
                l.reasons
                    .iter()
                    .any(|r| r.starts_with("shared ") || r.starts_with("near")),
                "{reason}: {:?}",
                l.reasons
            );
        }
    }
    assert!(suspect_links > 0);
}

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

/// Known accounts k0..k{n}: distinct payout accounts, phones and IPs; `nat_users` of them log in
/// from one office NAT.
fn known_platform(n: usize, nat_users: usize) -> Vec<cordon_applicants::Applicant> {
    (0..n)
        .map(|i| {
            let ip = if i < nat_users {
                "198.51.100.50".to_owned()
            } else {
                format!("10.{}.{}.7", i / 250, i % 250)
            };
            app(
                json!({"id": format!("k{i}"), "names": [format!("Person{i} Known{i}")],
                "payout_accounts": [format!("GB{:02}BANK{:014}", i % 97, i * 7919)],
                "phones": [format!("+4420{:08}", i * 31)], "logins": login(&ip)}),
            )
        })
        .collect()
}

#[test]
fn a_new_applicant_links_to_the_known_account_sharing_a_rare_payout_account() {
    let screener = Screener::new(Rules::default_rules());
    let known = screener.known_accounts(known_platform(300, 0)).unwrap();
    let payout = format!("GB17BANK{:014}", 17 * 7919);
    let new = app(
        json!({"id": "n1", "names": ["Other Name"], "payout_accounts": [payout],
        "logins": login("192.0.2.1")}),
    );
    let out = screener.link_to_known(&[new], &known).unwrap();
    assert_eq!(out.candidates, 1);
    assert_eq!(out.clusters.len(), 1);
    assert_eq!(out.clusters[0].members, ["n1", "k17"]);
    assert_eq!(out.cluster_of, [Some(0)]);
    let reasons = &out.clusters[0].links[0].reasons;
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("shared payout_account") && r.contains("held by 2 records")),
        "{reasons:?}"
    );
    // Someone sharing nothing links to nobody.
    let stranger = app(json!({"id": "n2", "payout_accounts": ["DE89370400440532013000"]}));
    let out = screener.link_to_known(&[stranger], &known).unwrap();
    assert_eq!((out.candidates, out.clusters.len()), (0, 0));
    assert_eq!(out.cluster_of, [None]);
}

#[test]
fn a_new_applicant_behind_a_known_hub_links_to_nobody() {
    // 60 of the 100 known accounts use one office NAT: a hub to the platform, so a new
    // applicant behind it is linked to none of them (they come as candidates through the
    // NAT's /24, which alone is too weak to link).
    let screener = Screener::new(Rules::default_rules());
    let known = screener.known_accounts(known_platform(100, 60)).unwrap();
    let new = app(json!({"id": "n1", "logins": login("198.51.100.50")}));
    let out = screener.link_to_known(&[new], &known).unwrap();
    assert!(out.clusters.is_empty(), "{:?}", out.clusters);
    assert_eq!(out.cluster_of, [None]);
    assert_eq!(
        out.hubs.first().map(|h| (h.kind.as_str(), h.records)),
        Some(("ip", 61))
    );
}

#[test]
fn a_new_applicant_links_to_known_near_identical_photo_and_resume() {
    let resume: String = (0..80).map(|w| format!("skill{w} ")).collect();
    let mut known = known_platform(50, 0);
    known.push(app(
        json!({"id": "k-photo", "photo_phash": "f0e1d2c3b4a59687", "resume": resume}),
    ));
    let screener = Screener::new(Rules::default_rules());
    let known = screener.known_accounts(known).unwrap();
    // Two bits off the photo, one word of eighty changed in the résumé.
    let edited = resume.replacen("skill40 ", "golang ", 1);
    let new = app(json!({"id": "n1", "photo_phash": "f0e1d2c3b4a59684", "resume": edited}));
    let out = screener.link_to_known(&[new], &known).unwrap();
    assert_eq!(out.clusters.len(), 1, "{:?}", out.clusters);
    assert_eq!(out.clusters[0].members, ["n1", "k-photo"]);
    let reasons = out.clusters[0].links[0].reasons.join("; ");
    assert!(
        reasons.contains("near-identical photo") && reasons.contains("near-identical resume"),
        "{reasons}"
    );
}

#[test]
fn a_ring_member_signing_up_later_links_to_its_ring() {
    // A generated population without one ring's last account; that account then signs up.
    let (apps, screener) = generated(3_000, 5);
    let g = cordon_applicants::synth::Generator::new(cordon_applicants::synth::SynthConfig {
        seed: 5,
        applicants: 3_000,
        ..Default::default()
    });
    let mut linked = 0;
    let rings = g.rings().iter().take(8).collect::<Vec<_>>();
    for ring in &rings {
        let Some((&late, mates)) = ring.split_last() else {
            continue;
        };
        let known: Vec<_> = apps
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != late as usize)
            .map(|(_, a)| a.clone())
            .collect();
        let known = screener.known_accounts(known).unwrap();
        let out = screener
            .link_to_known(&[apps[late as usize].clone()], &known)
            .unwrap();
        let mate_ids: Vec<&str> = mates
            .iter()
            .map(|&m| apps[m as usize].id.as_str())
            .collect();
        if out
            .clusters
            .iter()
            .any(|c| c.members.iter().any(|m| mate_ids.contains(&m.as_str())))
        {
            linked += 1;
        }
    }
    // Linking cannot join what shares nothing rare (see docs/benchmarks/applicants.md), but
    // most late accounts share an artifact with a ring-mate.
    assert!(linked * 4 >= rings.len() * 3, "{linked} of {}", rings.len());
}

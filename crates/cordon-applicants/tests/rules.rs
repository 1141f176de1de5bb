//! One test per rule: a record it fires on and a near-identical one it does not.

use serde_json::json;

use crate::util::{app, fired, mmdb, screen};

fn login(time: &str, ip: &str) -> serde_json::Value {
    json!({"time": time, "ip": ip})
}

/// Asserts `rule` fires on `yes` and not on `no` (each screened as its own batch).
fn check(rule: &str, yes: &[serde_json::Value], no: &[serde_json::Value]) {
    let y: Vec<_> = yes.iter().cloned().map(app).collect();
    let n: Vec<_> = no.iter().cloned().map(app).collect();
    assert!(
        fired(&y).contains(&rule),
        "{rule} should fire on {yes:?}: {:?}",
        fired(&y)
    );
    assert!(
        !fired(&n).contains(&rule),
        "{rule} should not fire on {no:?}: {:?}",
        fired(&n)
    );
}

#[test]
fn iw01_logins_from_several_countries_in_a_day() {
    check(
        "IW-01",
        &[
            json!({"id": "a", "logins": [login("2025-03-01T01:00:00Z", "198.51.100.7"), login("2025-03-01T09:00:00Z", "10.20.1.1")]}),
        ],
        &[
            json!({"id": "a", "logins": [login("2025-03-01T01:00:00Z", "198.51.100.7"), login("2025-03-03T09:00:00Z", "10.20.1.1")]}),
        ],
    );
}

#[test]
fn iw02_several_accounts_on_one_ip() {
    let l = json!([login("2025-03-01T01:00:00Z", "198.51.100.9")]);
    check(
        "IW-02",
        &[
            json!({"id": "a", "logins": l}),
            json!({"id": "b", "logins": l}),
        ],
        &[
            json!({"id": "a", "logins": l}),
            json!({"id": "b", "logins": [login("2025-03-01T01:00:00Z", "198.51.100.10")]}),
        ],
    );
}

#[test]
fn iw03_logged_in_round_the_clock() {
    let day: Vec<_> = (0..25)
        .map(|h| {
            login(
                &format!("2025-03-0{}T{:02}:10:00Z", 1 + h / 24, h % 24),
                "198.51.100.7",
            )
        })
        .collect();
    let short: Vec<_> = (0..10)
        .map(|h| login(&format!("2025-03-01T{h:02}:10:00Z"), "198.51.100.7"))
        .collect();
    check(
        "IW-03",
        &[json!({"id": "a", "logins": day})],
        &[json!({"id": "a", "logins": short})],
    );
}

#[test]
fn iw05_vpn_and_hosting_logins() {
    let vpn: Vec<_> = (0..4)
        .map(|i| login(&format!("2025-03-0{}T10:00:00Z", i + 1), "203.0.113.200"))
        .collect();
    let home: Vec<_> = (0..4)
        .map(|i| login(&format!("2025-03-0{}T10:00:00Z", i + 1), "198.51.100.7"))
        .collect();
    check(
        "IW-05",
        &[json!({"id": "a", "claimed_country": "US", "logins": vpn})],
        &[json!({"id": "a", "claimed_country": "US", "logins": home})],
    );
    // Residential egress from another country than the claimed one also fires.
    check(
        "IW-05",
        &[json!({"id": "a", "claimed_country": "DE", "logins": home})],
        &[json!({"id": "a", "claimed_country": "US", "logins": home})],
    );
}

#[test]
fn iw06_astrill_vpn() {
    let logins = |astrill: usize, home: usize| -> Vec<serde_json::Value> {
        (0..astrill + home)
            .map(|i| {
                let ip = if i < astrill {
                    "203.0.113.5"
                } else {
                    "198.51.100.7"
                };
                login(&format!("2025-03-{:02}T10:00:00Z", i + 1), ip)
            })
            .collect()
    };
    check(
        "IW-06",
        &[json!({"id": "a", "logins": logins(3, 5)})],
        &[json!({"id": "a", "logins": [login("2025-03-01T10:00:00Z", "203.0.113.200")]})],
    );
    // One login through it among many is not a red flag.
    check(
        "IW-06",
        &[json!({"id": "a", "logins": logins(2, 2)})],
        &[json!({"id": "a", "logins": logins(1, 9)})],
    );
}

#[test]
fn iw10_activity_in_another_time_zone() {
    // 00:30-08:30 UTC is 09:30-17:30 in Pyongyang and the middle of the night in Chicago.
    let korean: Vec<_> = (0..9)
        .map(|h| login(&format!("2025-03-03T{h:02}:30:00Z"), "198.51.100.7"))
        .collect();
    let chicago: Vec<_> = (15..21)
        .map(|h| login(&format!("2025-03-03T{h:02}:00:00Z"), "198.51.100.7"))
        .collect();
    check(
        "IW-10",
        &[json!({"id": "a", "claimed_timezone": "America/Chicago", "logins": korean})],
        &[json!({"id": "a", "claimed_timezone": "America/Chicago", "logins": chicago})],
    );
    let r = screen(&[app(
        json!({"id": "a", "claimed_timezone": "America/Chicago", "logins": korean}),
    )]);
    let ev = &r[0]
        .indicators
        .iter()
        .find(|i| i.id == "IW-10")
        .unwrap()
        .evidence;
    assert_eq!(ev["best_fit_utc_offset"], 9, "{ev}");
}

#[test]
fn iw15_reused_photo() {
    check(
        "IW-15",
        &[
            json!({"id": "a", "photo_phash": "f0e1d2c3b4a59687"}),
            json!({"id": "b", "photo_phash": "f0e1d2c3b4a59686"}),
        ],
        &[
            json!({"id": "a", "photo_phash": "f0e1d2c3b4a59687"}),
            json!({"id": "b", "photo_phash": "0f1e2d3c4b5a6978"}),
        ],
    );
}

#[test]
fn iw18_document_from_a_third_country() {
    let l = json!([login("2025-03-01T10:00:00Z", "10.20.3.4")]);
    check(
        "IW-18",
        &[
            json!({"id": "a", "claimed_country": "US", "nationality": "US", "id_documents": [{"type": "passport", "number": "X1", "country": "MX"}], "logins": l}),
        ],
        &[
            json!({"id": "a", "claimed_country": "US", "nationality": "MX", "id_documents": [{"type": "passport", "number": "X1", "country": "MX"}], "logins": l}),
        ],
    );
}

#[test]
fn iw19_korean_locale_with_non_korean_claim() {
    let ko = json!([{"time": "2025-03-01T10:00:00Z", "locale": "ko-KR"}]);
    check(
        "IW-19",
        &[json!({"id": "a", "claimed_country": "US", "logins": ko})],
        &[json!({"id": "a", "claimed_country": "KR", "logins": ko})],
    );
}

#[test]
fn iw20_foreign_or_voip_number() {
    check(
        "IW-20",
        &[json!({"id": "a", "claimed_country": "US", "phones": ["+44 20 7946 0958"]})],
        &[json!({"id": "a", "claimed_country": "GB", "phones": ["+44 20 7946 0958"]})],
    );
    // UK 056 numbers are VoIP in libphonenumber's metadata.
    check(
        "IW-20",
        &[json!({"id": "a", "claimed_country": "GB", "phones": ["+44 56 1234 5678"]})],
        &[json!({"id": "a", "claimed_country": "GB", "phones": ["+44 7400 123456"]})],
    );
}

#[test]
fn iw21_phone_or_email_on_several_applications() {
    check(
        "IW-21",
        &[
            json!({"id": "a", "emails": ["Glaus.Li+jobs@gmail.com"]}),
            json!({"id": "b", "emails": ["glausli@gmail.com"]}),
        ],
        &[
            json!({"id": "a", "emails": ["glaus.li@example.com"]}),
            json!({"id": "b", "emails": ["glausli@example.com"]}),
        ],
    );
}

#[test]
fn iw22_near_identical_resumes() {
    let text: String = (0..200).map(|i| format!("skill{i} ")).collect();
    let edited = text.replace("skill100 ", "rust ");
    let other: String = (0..200).map(|i| format!("other{i} ")).collect();
    check(
        "IW-22",
        &[
            json!({"id": "a", "resume": text}),
            json!({"id": "b", "resume": edited}),
        ],
        &[
            json!({"id": "a", "resume": text}),
            json!({"id": "b", "resume": other}),
        ],
    );
}

#[test]
fn iw28_camera_off() {
    check(
        "IW-28",
        &[json!({"id": "a", "interview": {"camera_on": false}})],
        &[json!({"id": "a", "interview": {"camera_on": true, "video_declined": 0}})],
    );
}

#[test]
fn iw36_crypto_payment() {
    check(
        "IW-36",
        &[json!({"id": "a", "payout_accounts": [{"number": "TXYZ", "method": "usdt"}]})],
        &[
            json!({"id": "a", "payout_accounts": [{"number": "DE89370400440532013000", "method": "bank"}]}),
        ],
    );
}

#[test]
fn iw37_payout_in_china_while_claiming_us() {
    check(
        "IW-37",
        &[
            json!({"id": "a", "claimed_country": "US", "payout_accounts": [{"number": "6222020200112233", "country": "CN"}]}),
        ],
        &[
            json!({"id": "a", "claimed_country": "CN", "payout_accounts": [{"number": "6222020200112233", "country": "CN"}]}),
        ],
    );
}

#[test]
fn iw40_payout_held_by_another_person() {
    check(
        "IW-40",
        &[
            json!({"id": "a", "names": ["Richard Walker"], "payout_accounts": [{"number": "1", "holder": "Jennifer Huang"}]}),
        ],
        &[
            json!({"id": "a", "names": ["Richard Walker"], "payout_accounts": [{"number": "1", "holder": "WALKER Richard"}]}),
        ],
    );
}

#[test]
fn iw41_shared_payout_account() {
    check(
        "IW-41",
        &[
            json!({"id": "a", "payout_accounts": ["US22 2634 4583"]}),
            json!({"id": "b", "payout_accounts": ["US2226344583"]}),
        ],
        &[
            json!({"id": "a", "payout_accounts": ["US2226344583"]}),
            json!({"id": "b", "payout_accounts": ["US2226344584"]}),
        ],
    );
}

#[test]
fn iw47_shipping_elsewhere_than_home() {
    check(
        "IW-47",
        &[
            json!({"id": "a", "addresses": [{"kind": "home", "text": "1 Main St, Austin TX"}, {"kind": "shipping", "text": "77 Farm Rd, Scottsdale AZ"}]}),
        ],
        &[
            json!({"id": "a", "addresses": [{"kind": "home", "text": "1 Main St, Austin TX"}, {"kind": "shipping", "text": "1 main st. austin, tx"}]}),
        ],
    );
}

#[test]
fn iw48_laptop_farm_address() {
    let farm = json!([{"kind": "shipping", "text": "77 Farm Rd, Scottsdale AZ"}]);
    check(
        "IW-48",
        &[
            json!({"id": "a", "addresses": farm}),
            json!({"id": "b", "addresses": farm}),
        ],
        &[
            json!({"id": "a", "addresses": farm}),
            json!({"id": "b", "addresses": [{"kind": "shipping", "text": "9 Oak Ave"}]}),
        ],
    );
}

#[test]
fn iw49_shipping_abroad() {
    check(
        "IW-49",
        &[
            json!({"id": "a", "claimed_country": "US", "addresses": [{"kind": "shipping", "text": "Dandong", "country": "CN"}]}),
        ],
        &[
            json!({"id": "a", "claimed_country": "US", "addresses": [{"kind": "shipping", "text": "Austin", "country": "US"}]}),
        ],
    );
}

#[test]
fn csv_ranges_and_mmdb_agree_on_the_fixture() {
    let mut csv = cordon_applicants::IpDb::new();
    csv.add_file(&crate::util::fixtures().join("ipdb.csv"))
        .unwrap();
    let mmdb = mmdb();
    for ip in [
        "198.51.100.7",
        "192.0.2.1",
        "203.0.113.5",
        "203.0.113.200",
        "10.20.1.1",
        "10.30.1.1",
        "8.8.8.8",
    ] {
        let ip = ip.parse().unwrap();
        assert_eq!(csv.lookup(ip), mmdb.lookup(ip), "{ip}");
    }
    assert_eq!(
        mmdb.lookup("203.0.113.5".parse().unwrap())
            .provider
            .as_deref(),
        Some("Astrill")
    );
}

#[test]
fn one_weak_signal_stays_low_and_a_combination_is_raised() {
    let vpn: Vec<_> = (0..4)
        .map(|i| login(&format!("2025-03-0{}T02:00:00Z", i + 1), "203.0.113.200"))
        .collect();
    let one = screen(&[app(
        json!({"id": "a", "claimed_country": "US", "logins": vpn}),
    )]);
    assert_eq!(one[0].level, "low");
    let mut ko = vpn.clone();
    for l in &mut ko {
        l["locale"] = json!("ko-KR");
        l["ip"] = json!("203.0.113.5");
    }
    let many = screen(&[app(
        json!({"id": "a", "claimed_country": "US", "claimed_timezone": "America/New_York",
        "payout_accounts": [{"number": "T1", "method": "crypto"}], "logins": ko}),
    )]);
    assert_eq!(many[0].level, "high", "{:?}", many[0]);
    assert!(many[0].actions.iter().any(|a| a.contains("cryptocurrency")));
}

#[test]
fn household_sharing_fires_no_shared_value_rule() {
    // A family shares its home IP, a landline and a joint account: households do that. The
    // same values shared by strangers fire IW-02, IW-21 and IW-41.
    let member = |id: &str, home: &str| {
        json!({"id": id, "addresses": [{"kind": "home", "text": home}], "phones": ["+1 212 555 0199"],
            "payout_accounts": ["US1111222233334444"], "logins": [login("2025-03-01T10:00:00Z", "198.51.100.9")]})
    };
    let shared_rules = |apps: &[serde_json::Value]| -> Vec<&'static str> {
        let apps: Vec<_> = apps.iter().cloned().map(app).collect();
        let mut ids: Vec<&str> = screen(&apps)
            .iter()
            .flat_map(|r| r.indicators.iter().map(|i| i.id))
            .filter(|id| ["IW-02", "IW-21", "IW-41"].contains(id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let family = [
        member("a", "12 Elm St, Austin"),
        member("b", "12 elm st austin"),
    ];
    assert!(
        shared_rules(&family).is_empty(),
        "{:?}",
        shared_rules(&family)
    );
    let strangers = [
        member("a", "12 Elm St, Austin"),
        member("b", "9 Oak Ave, Dallas"),
    ];
    assert_eq!(shared_rules(&strangers), ["IW-02", "IW-21", "IW-41"]);
}

#[test]
fn iw09_laptop_farm_network() {
    // Three unrelated accounts on different hosts of one home /24 (a laptop farm); the same
    // through a hosting provider's network is not a home connection.
    let on = |net: &str, host: u8, id: &str| json!({"id": id, "logins": [login("2025-03-01T10:00:00Z", &format!("{net}.{host}"))]});
    let farm = [
        on("198.51.100", 10, "a"),
        on("198.51.100", 11, "b"),
        on("198.51.100", 12, "c"),
    ];
    let elsewhere = [
        on("198.51.100", 10, "a"),
        on("198.51.100", 11, "b"),
        on("192.0.2", 12, "c"),
    ];
    let hosting = [
        on("203.0.113", 140, "a"),
        on("203.0.113", 141, "b"),
        on("203.0.113", 142, "c"),
    ];
    check("IW-09", &farm, &elsewhere);
    check("IW-09", &farm, &hosting);
}

#[test]
fn iw13_one_identity_with_different_photos() {
    let person = |id: &str, photo: &str| json!({"id": id, "names": ["Daniel Moore"], "date_of_birth": "1991-04-12", "photo_phash": photo});
    check(
        "IW-13",
        &[
            person("a", "f0f0f0f0f0f0f0f0"),
            person("b", "0f0f0f0f0f0f0f0f"),
        ],
        &[
            person("a", "f0f0f0f0f0f0f0f0"),
            person("b", "f0f0f0f0f0f0f0f1"),
        ],
    );
}

#[test]
fn iw17_identity_document_of_another_applicant() {
    let doc = |id: &str, number: &str| json!({"id": id, "id_documents": [{"type": "passport", "number": number, "country": "US"}]});
    check(
        "IW-17",
        &[doc("a", "X1234567"), doc("b", "x 123 4567")],
        &[doc("a", "X1234567"), doc("b", "X7654321")],
    );
}

#[test]
fn iw24_experience_before_the_technology_existed() {
    let cv = |text: &str| json!({"id": "a", "resume": text, "logins": [login("2025-03-01T10:00:00Z", "198.51.100.7")]});
    check(
        "IW-24",
        &[cv(
            "Senior engineer with 12+ years of professional experience in Rust and Go.",
        )],
        &[cv(
            "Senior engineer: 12 years of C++, 5 years of Rust, Kubernetes since 2016.",
        )],
    );
    let r = screen(&[app(cv(
        "Over 15 years experience building Kubernetes platforms.",
    ))]);
    let ev = &r[0]
        .indicators
        .iter()
        .find(|i| i.id == "IW-24")
        .unwrap()
        .evidence;
    assert_eq!(ev["claims"][0]["technology"], "kubernetes");
    assert_eq!(ev["claims"][0]["possible_years"], 11);
}

#[test]
fn iw26_account_handed_over_after_verification() {
    let logins = |later_device: &str, later_locale: &str| -> Vec<serde_json::Value> {
        (0..8)
            .map(|d| {
                let (dev, loc) = if d < 2 { ("kyc-laptop", "en-US") } else { (later_device, later_locale) };
                json!({"time": format!("2025-03-{:02}T15:00:00Z", d + 1), "ip": "198.51.100.7", "device": dev, "locale": loc})
            })
            .collect()
    };
    check(
        "IW-26",
        &[json!({"id": "a", "logins": logins("other-pc", "ko-KR")})],
        &[json!({"id": "a", "logins": logins("new-laptop", "en-US")})],
    );
}

#[test]
fn iw29_repeated_video_refusals() {
    check(
        "IW-29",
        &[json!({"id": "a", "interview": {"camera_on": true, "video_declined": 3}})],
        &[json!({"id": "a", "interview": {"camera_on": true, "video_declined": 1}})],
    );
}

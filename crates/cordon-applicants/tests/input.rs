//! Bad input: every problem reported with its line, the rest processed, no panic.

use cordon_applicants::{Format, ReadLimits, read_records};
use cordon_model::Severity;
use proptest::prelude::*;

fn codes(out: &cordon_applicants::ReadOutcome) -> Vec<(u64, String)> {
    out.diagnostics
        .iter()
        .map(|d| (d.location.line.unwrap_or(0), d.code.clone()))
        .collect()
}

#[test]
fn bad_records_are_reported_per_line_and_the_rest_read() {
    let big = "x ".repeat(5 << 20); // a 10 MB résumé
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(
        b"{\"id\": \"ok1\", \"names\": [\"Jon Smith\"], \"future_field\": {\"x\": 1}}\n",
    );
    input.extend_from_slice(b"{\"names\": [\"no id\"]}\n");
    input.extend_from_slice(b"{\"id\": \"ok1\"}\n");
    input.extend_from_slice(b"{\"id\": \"bad\", \"emails\": [\"not-an-email\", \"a@b.com\"], \"phones\": [\"12\"], \"date_of_birth\": \"1990-02-30\", \"logins\": [{\"time\": \"2025-13-01T00:00:00Z\", \"ip\": \"300.1.2.3\"}]}\n");
    input.extend_from_slice(b"{\"id\": \"utf\", \"names\": [\"\xff\xfe\"]}\n");
    input.extend_from_slice(b"not json\n");
    input.extend_from_slice(format!("{{\"id\": \"long\", \"resume\": \"{big}\"}}\n").as_bytes());
    input.extend_from_slice(b"{\"id\": \"ok2\", \"claimed_country\": \"Atlantis\"}\n");
    let out = read_records(&input[..], Format::JsonLines, None, &ReadLimits::default());
    let ids: Vec<&str> = out.records.iter().map(|(_, a)| a.id.as_str()).collect();
    assert_eq!(ids, ["ok1", "bad", "long", "ok2"]);
    let c = codes(&out);
    for want in [
        (2, "missing-id"),
        (3, "duplicate-id"),
        (4, "bad-email"),
        (4, "bad-phone"),
        (4, "bad-date"),
        (4, "bad-ip"),
        (5, "invalid-utf8"),
        (6, "bad-json"),
        (7, "resume-too-long"),
        (8, "bad-country"),
    ] {
        assert!(
            c.contains(&(want.0, want.1.to_owned())),
            "missing {want:?} in {c:?}"
        );
    }
    let (_, bad) = &out.records[1];
    assert_eq!(bad.emails, ["a@b.com"]);
    assert!(bad.date_of_birth.is_none() && bad.phones.is_empty());
    assert_eq!(bad.logins.len(), 1);
    assert!(bad.logins[0].ip.is_none());
    let (_, long) = &out.records[2];
    assert!(long.resume.as_ref().unwrap().len() <= ReadLimits::default().max_resume_bytes);
    assert!(out.records[0].1.extra.contains_key("future_field"));
    let errors = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    assert_eq!(errors, 4);
}

#[test]
fn csv_uses_the_same_names_with_semicolon_lists() {
    let csv = "id,names,emails,phones,addresses,logins,payout_accounts,claimed_country\n\
               c1,Jon Smith;J. Smith,jon@example.com;js@example.org,+1 202 555 0143,home:1 Main St;shipping:77 Farm Rd,2025-03-01T01:00:00Z|198.51.100.7|ua|dev1|ko-KR,US22 2634,US\n\
               ,no id,,,,,,\n\
               c2,Mary Jones,bad-email,,,,,US\n";
    let out = read_records(csv.as_bytes(), Format::Csv, None, &ReadLimits::default());
    let ids: Vec<&str> = out.records.iter().map(|(_, a)| a.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2"]);
    let a = &out.records[0].1;
    assert_eq!(a.names.len(), 2);
    assert_eq!(a.emails.len(), 2);
    assert_eq!(a.phones, ["+12025550143"]);
    assert_eq!(a.addresses[1].kind, "shipping");
    assert_eq!(a.logins[0].locale.as_deref(), Some("ko-KR"));
    assert_eq!(a.logins[0].device.as_deref(), Some("dev1"));
    let c = codes(&out);
    assert!(c.contains(&(3, "missing-id".into())), "{c:?}");
    assert!(c.contains(&(4, "bad-email".into())), "{c:?}");
}

proptest! {
    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let out = read_records(&bytes[..], Format::JsonLines, None, &ReadLimits::default());
        let _ = read_records(&bytes[..], Format::Csv, None, &ReadLimits::default());
        prop_assert!(out.records.len() <= bytes.iter().filter(|&&b| b == b'\n').count() + 1);
    }

    #[test]
    fn any_field_values_never_panic(id in ".{0,8}", s in ".{0,30}", n in any::<i64>()) {
        let v = serde_json::json!({"id": id, "names": [s.clone()], "date_of_birth": s.clone(), "phones": [s.clone()],
            "emails": [s.clone()], "logins": [{"time": n, "ip": s.clone()}, {"time": s.clone()}],
            "claimed_timezone": s.clone(), "photo_phash": s.clone(), "addresses": [{"kind": s.clone(), "text": s.clone()}]});
        let (a, _) = cordon_applicants::parse_record(&v, &ReadLimits::default());
        if let Some(a) = a {
            let _ = cordon_applicants::Screener::new(cordon_applicants::Rules::default_rules()).screen_one(&a);
        }
    }
}

#[test]
fn http_bodies_are_one_object_or_an_array_with_items_named_in_diagnostics() {
    let limits = ReadLimits::default();
    let one = serde_json::json!({"id": "h1", "emails": ["x@y.org"]});
    let out = cordon_applicants::records_from_json(&one, &limits);
    assert_eq!(out.records.len(), 1);
    assert!(out.diagnostics.is_empty());

    let batch = serde_json::json!([
        {"id": "h1", "phones": ["12"]},
        {"names": ["no id"]},
        {"id": "h1"},
        "not an object",
        {"id": "h2", "logins": [{"ip": "1.2.3.999"}]}
    ]);
    let out = cordon_applicants::records_from_json(&batch, &limits);
    let ids: Vec<(u64, &str)> = out
        .records
        .iter()
        .map(|(n, a)| (*n, a.id.as_str()))
        .collect();
    assert_eq!(ids, [(1, "h1"), (5, "h2")]);
    let got: Vec<(Option<&str>, &str)> = out
        .diagnostics
        .iter()
        .map(|d| (d.location.section.as_deref(), d.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("[0]"), "bad-phone"),
            (Some("[1]"), "missing-id"),
            (Some("[2]"), "duplicate-id"),
            (Some("[3]"), "not-an-object"),
            (Some("[4]"), "bad-ip"),
        ]
    );
    // The records that were read are screened; their report lines are the CLI's.
    let apps: Vec<_> = out.records.into_iter().map(|(_, a)| a).collect();
    let batch = cordon_applicants::Screener::new(cordon_applicants::Rules::default_rules())
        .screen_batch(&apps)
        .unwrap();
    let mut line = Vec::new();
    batch.applicants[1].write_line(&mut line).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&line).unwrap();
    assert_eq!(v["id"], "h2");
    assert!(line.ends_with(b"\n"));
    for key in [
        "risk",
        "level",
        "indicators",
        "list_hits",
        "cluster",
        "actions",
    ] {
        assert!(v.get(key).is_some(), "{key} missing from {v}");
    }
}

#[test]
fn written_records_read_back_equal() {
    // The record format is an interface: what `Applicant::write_line` writes (generated
    // applicants of every kind, plus fields of every type) reads back as the same record.
    use cordon_applicants::synth::{Generator, SynthConfig};
    let g = Generator::new(SynthConfig {
        applicants: 400,
        seed: 5,
        ..SynthConfig::default()
    });
    let mut apps: Vec<cordon_applicants::Applicant> =
        (0..g.len()).map(|i| g.applicant(i)).collect();
    let extra = crate::util::app(serde_json::json!({
        "id": "full", "names": ["Kim Chol", "Chol Kim"], "date_of_birth": "1990-02",
        "nationality": "KP", "emails": ["k@example.org"], "phones": ["+82 2 1234 5678"],
        "addresses": [{"kind": "home", "text": "1 Main St", "country": "US"}, {"kind": "billing", "text": "PO Box 9"}],
        "id_documents": [{"type": "passport", "number": "X123", "country": "MX"}],
        "payout_accounts": [{"number": "DE89370400440532013000", "method": "bank", "holder": "J. Doe"}],
        "wallets": ["bc1qexample"], "handles": ["@kimdev"], "websites": ["https://kim.dev"],
        "employment": [{"employer": "Acme", "website": "acme.example", "start": "2019-04"}],
        "education": ["Kim Il Sung University"], "interview": {"camera_on": false, "video_declined": 2},
        "photo_phash": "00ff00ff00ff00ff", "resume": "text", "claimed_timezone": "+05:30",
        "logins": [{"time": "2025-03-01T01:00:00Z", "ip": "2001:db8::1", "user_agent": "ua", "device": "d", "locale": "ko-KR"}],
        "future_field": {"x": [1, 2]}
    }));
    apps.push(extra);
    let mut text = Vec::new();
    for a in &apps {
        a.write_line(&mut text).unwrap();
    }
    let out = read_records(&text[..], Format::JsonLines, None, &ReadLimits::default());
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics.first());
    let back: Vec<_> = out.records.into_iter().map(|(_, a)| a).collect();
    assert_eq!(back.len(), apps.len());
    for (a, b) in apps.iter().zip(&back) {
        assert_eq!(a, b);
    }
}

#[test]
fn reading_in_chunks_gives_the_records_and_diagnostics_of_one_read() {
    use cordon_applicants::{Format, ReadLimits, read_records, read_records_chunked};
    // Good records, a line that is not JSON, a repeated id across chunks, a bad e-mail.
    let mut text = String::new();
    for i in 0..23 {
        let id = if i == 17 { 3 } else { i };
        match i {
            5 => text.push_str("not json\n"),
            8 => text.push_str(&format!("{{\"id\": \"r{id}\", \"emails\": [\"nope\"]}}\n")),
            _ => text.push_str(&format!("{{\"id\": \"r{id}\", \"names\": [\"N {i}\"]}}\n")),
        }
    }
    let whole = read_records(
        text.as_bytes(),
        Format::JsonLines,
        None,
        &ReadLimits::default(),
    );
    let mut chunks = Vec::new();
    read_records_chunked(
        text.as_bytes(),
        Format::JsonLines,
        None,
        &ReadLimits::default(),
        4,
        &mut |c| chunks.push(c),
    );
    assert!(chunks.iter().all(|c| c.records.len() <= 4));
    assert_eq!(chunks.len(), 6);
    let records: Vec<_> = chunks.iter().flat_map(|c| c.records.clone()).collect();
    let diagnostics: Vec<String> = chunks
        .iter()
        .flat_map(|c| c.diagnostics.iter().map(ToString::to_string))
        .collect();
    assert_eq!(records, whole.records);
    let expected: Vec<String> = whole.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(diagnostics, expected);
    assert_eq!(expected.len(), 3, "{expected:?}");
}

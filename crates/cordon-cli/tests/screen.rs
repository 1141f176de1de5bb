//! `cordon screen` and `cordon compare` end to end on the real lists: one name, and batch
//! files with bad lines among good ones.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::util::{cordon, json, real_lists_store};

/// The ids of a result list, best first.
fn ids(results: &Value) -> Vec<&str> {
    results
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default()
}

/// Runs `cordon screen --input FILE` on `input` (named `file_name`, whose extension picks the
/// format): the process output and the output file's lines, parsed.
fn batch(db: &Path, file_name: &str, input: &[u8]) -> (Output, Vec<Value>) {
    let dir = db.parent().expect("the store's directory");
    let (input_path, output_path) = (dir.join(file_name), dir.join("results.jsonl"));
    std::fs::write(&input_path, input).expect("write input");
    let out = cordon(db)
        .args(["screen", "--input"])
        .arg(&input_path)
        .arg("--output")
        .arg(&output_path)
        .output()
        .expect("run cordon screen");
    let written = std::fs::read_to_string(&output_path).expect("read output");
    let lines = written
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    (out, lines)
}

#[test]
fn hangul_name_finds_the_ofac_record_with_its_reasons() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_lists_store(dir.path());
    let out = json(&db, &["screen", "--schema", "Person", "김정은"]);
    let top = &out["results"][0];
    assert_eq!(top["caption"], "KIM Jong Un", "{out:#}");
    assert_eq!(top["match"], true);
    assert!(top["datasets"].to_string().contains("ofac-sdn"));
    assert_eq!(top["explanation"]["method"], "korean syllables");
    assert!(out["lists"].as_array().is_some_and(|l| l.len() >= 5));
    // A near miss on the given name is not a match.
    let out = json(&db, &["screen", "--schema", "Person", "Kim Jong Il"]);
    let un = out["results"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["caption"] == "KIM Jong Un"));
    assert!(un.is_none_or(|r| r["match"] == false), "{out:#}");
}

#[test]
fn compare_prints_score_match_and_alignment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = json(
        &dir.path().join("unused.redb"),
        &["compare", "--schema", "Person", "Ri Yong Ho", "이용호"],
    );
    assert_eq!(out["match"], true, "{out:#}");
    assert!(
        out["rules"].to_string().contains("initial-sound rule"),
        "{out:#}"
    );
}

#[test]
fn compare_table_names_a_factor_on_the_whole_name() {
    // A transliterated name's discount scales the whole alignment: JSON gives it empty names
    // (docs/screening.md), a table names it instead of printing a row without names.
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("unused.redb");
    let (a, b) = ("Sergei Ivanov", "Сергей Иванович Иванов");
    let out = json(&db, &["compare", "--schema", "Person", a, b]);
    let factor = out["alignment"]
        .as_array()
        .and_then(|parts| {
            parts
                .iter()
                .find(|p| p["query"] == "" && p["candidate"] == "")
        })
        .unwrap_or_else(|| panic!("no whole-name part: {out:#}"));
    let text = cordon(&db)
        .args(["compare", "--schema", "Person", a, b])
        .output()
        .expect("run cordon");
    let text = String::from_utf8_lossy(&text.stdout);
    let row = format!("×{:.2}", factor["score"].as_f64().expect("score"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("(whole name)") && l.contains(&row)),
        "{text}"
    );
}

#[test]
fn batch_keeps_input_order_and_reports_every_bad_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_lists_store(dir.path());
    let mut text: Vec<u8> = Vec::new();
    text.extend_from_slice(
        "{\"id\":\"q1\",\"name\":\"김정은\",\"schema\":\"Person\"}\n".as_bytes(),
    );
    text.extend_from_slice(b"{bad json\n");
    text.extend_from_slice(b"{\"id\":\"q3\",\"name\":\"\"}\n");
    text.extend_from_slice(b"\xff\xfe\n");
    text.extend_from_slice(b"{\"id\":\"q5\",\"name\":\"Ri Yong Ho\",\"country\":\"zz\"}\n");
    // Enough good lines to span several parallel chunks.
    for i in 0..2500 {
        let name = if i % 2 == 0 {
            "Kim Yong Chol"
        } else {
            "Maria Garcia"
        };
        text.extend_from_slice(format!("{{\"id\":\"g{i}\",\"name\":\"{name}\"}}\n").as_bytes());
    }
    let (out, lines) = batch(&db, "queries.jsonl", &text);
    assert_eq!(
        out.status.code(),
        Some(1),
        "rejected lines make the exit status 1"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in ["line 2", "line 3", "line 4", "line 5"] {
        assert!(stderr.contains(line), "stderr names {line}: {stderr}");
    }
    assert_eq!(lines.len(), 2505, "one output line per input line");
    assert_eq!(lines[0]["id"], "q1");
    assert_eq!(lines[0]["results"][0]["caption"], "KIM Jong Un");
    let codes: Vec<(&Value, &Value)> = lines[1..5]
        .iter()
        .map(|l| (&l["line"], &l["error"]["code"]))
        .collect();
    assert_eq!(
        codes,
        [
            (&Value::from(2), &Value::from("bad-json")),
            (&Value::from(3), &Value::from("empty-name")),
            (&Value::from(4), &Value::from("invalid-utf8")),
            (&Value::from(5), &Value::from("unknown-country")),
        ]
    );
    let first_good = ids(&lines[5]["results"]);
    for (i, l) in lines[5..].iter().enumerate() {
        assert_eq!(l["id"], format!("g{i}"), "output in input order");
        if i % 2 == 0 {
            assert_eq!(ids(&l["results"]), first_good, "same query, same answer");
        }
    }
    assert!(!first_good.is_empty());
}

#[test]
fn batch_csv_names_its_bad_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_lists_store(dir.path());
    let (out, lines) = batch(
        &db,
        "queries.csv",
        b"id,name,schema,birth_date\nq1,Kim Jong Un,Person,1984\nq2,\xff,Person,\nq3,Ri Yong Ho,Planet,\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["results"][0]["caption"], "KIM Jong Un");
    assert_eq!(lines[1]["error"]["code"], "invalid-utf8");
    assert_eq!(lines[2]["error"]["code"], "unknown-schema");
}

/// The audit trail beside a store (`cordon serve`'s, which `cordon screen` writes too).
fn audit_lines(db: &Path) -> Vec<Value> {
    let trail = db.with_extension("service").join("audit.jsonl");
    std::fs::read_to_string(&trail)
        .unwrap_or_else(|e| panic!("{}: {e}", trail.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("each audit line is JSON"))
        .collect()
}

#[test]
fn every_screening_is_recorded_and_can_be_decided_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_lists_store(dir.path());
    let out = json(
        &db,
        &["screen", "--birth-date", "1984-01-08", "Kim Jong Un"],
    );
    let subject = out["subject"].as_str().expect("subject").to_owned();
    let seq = out["audit_seq"].as_u64().expect("audit_seq");
    let recs = audit_lines(&db);
    let rec = recs.last().expect("one record");
    assert_eq!(rec["seq"].as_u64(), Some(seq));
    assert_eq!(rec["endpoint"], "cli.screen");
    assert_eq!(rec["query"]["query"]["name"], "Kim Jong Un");
    assert_eq!(rec["results"]["q"]["subject"], subject.as_str());
    let top = &rec["results"]["q"]["results"][0];
    assert_eq!(top["id"], out["results"][0]["id"], "{rec:#}");
    assert!(top["entity_hash"].as_str().is_some_and(|h| !h.is_empty()));
    assert!(rec["lists"]["ofac-sdn"]["sha256"].is_string(), "{rec:#}");

    // The chain verifies, and a decision finds what the screening returned.
    cordon(&db).args(["audit", "verify"]).assert().success();
    let d = decide(&db, &subject, "ofac-20157", "true_match");
    assert_eq!(d["entity_hash"], top["entity_hash"]);
}

#[test]
fn a_batch_is_recorded_line_by_line_with_its_rejected_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_lists_store(dir.path());
    let input = b"{\"id\": \"a\", \"name\": \"Kim Jong Un\"}\n{bad json\n{\"id\": \"b\", \"name\": \"\xea\xb9\x80\xec\xa0\x95\xec\x9d\x80\"}\n";
    let (out, lines) = batch(&db, "q.jsonl", input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines.len(), 3);
    let recs = audit_lines(&db);
    let rec = recs.last().expect("a record");
    assert_eq!(rec["endpoint"], "cli.screen.batch");
    assert_eq!(rec["query"]["layout"], 2);
    assert!(
        rec["query"]["input"]
            .as_str()
            .is_some_and(|i| i.ends_with("q.jsonl"))
    );
    assert!(rec["query"]["threshold"].is_number());
    let recorded = rec["results"].as_array().expect("one member per line");
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[1]["line"], 2);
    assert_eq!(recorded[1]["rejected"], "bad-json");
    assert!(recorded[1].get("results").is_none());
    // Every screened line is recorded with what it returned: [id, score, match, entity hash].
    for (r, id) in [(&recorded[0], "a"), (&recorded[2], "b")] {
        assert_eq!(r["query"]["id"], id, "{rec:#}");
        assert!(r["subject"].as_str().is_some_and(|s| !s.is_empty()));
        let written = lines.iter().find(|l| l["id"] == id).expect("output line");
        let hits = r["results"].as_array().expect("results");
        let want = written["results"].as_array().expect("written results");
        assert_eq!(hits.len(), want.len(), "line of {id}");
        for (h, w) in hits.iter().zip(want) {
            assert_eq!(h[0], w["id"]);
            assert_eq!(h[1], w["score"]);
            assert_eq!(h[2], w["match"]);
            assert!(h[3].as_str().is_some_and(|x| x.len() == 24), "{h}");
        }
    }
}

#[test]
fn a_decision_finds_a_batch_screening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_lists_store(dir.path());
    let (out, _) = batch(
        &db,
        "q.jsonl",
        b"{\"id\": \"a\", \"name\": \"Kim Jong Un\"}\n",
    );
    assert!(out.status.success());
    let recs = audit_lines(&db);
    let line = &recs.last().expect("a record")["results"][0];
    let subject = line["subject"].as_str().expect("subject");
    let top = &line["results"][0];
    let d = decide(&db, subject, top[0].as_str().expect("id"), "false_positive");
    assert_eq!(d["entity_hash"], top[3]);
    cordon(&db).args(["audit", "verify"]).assert().success();
}

#[test]
fn a_screening_that_cannot_be_recorded_is_not_answered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_lists_store(dir.path());
    // A regular file where the service directory should be: the trail cannot be written.
    let blocked = dir.path().join("not-a-dir");
    std::fs::write(&blocked, "x").expect("write");
    let out = cordon(&db)
        .args(["screen", "--service-dir"])
        .arg(&blocked)
        .arg("Kim Jong Un")
        .output()
        .expect("run cordon screen");
    assert!(!out.status.success());
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not-a-dir"), "{stderr}");
}

/// Runs `cordon decide` on a screening's subject and one of its results; asserts it succeeds
/// and returns the decision it prints.
fn decide(db: &std::path::Path, subject: &str, entity: &str, verdict: &str) -> Value {
    let decided = cordon(db)
        .args(["decide", "--subject", subject, "--entity", entity])
        .args(["--verdict", verdict])
        .output()
        .expect("run cordon decide");
    assert!(
        decided.status.success(),
        "{}",
        String::from_utf8_lossy(&decided.stderr)
    );
    serde_json::from_slice(&decided.stdout).expect("decision JSON")
}

//! `cordon serve` end to end: the real binary on a free port over a store of a real list (UN),
//! driven over HTTP while `cordon keys`, `cordon decide` and `cordon audit` work on the same
//! service directory; then `cordon rescreen` with the server stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{cordon, json, lists_dir};

/// A response of the small HTTP/1.1 client below.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[track_caller]
    fn assert_error(&self, status: u16, code: &str) {
        let v = self.json();
        assert_eq!(
            (self.status, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{v}"
        );
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

fn decode_chunked(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&body[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = &body[eol + 2 + size + 2..];
    }
}

/// One request on a fresh connection (`Connection: close`).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    key: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect to the server");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\nX-Request-Id: e2e-{}\r\n",
        body.len(),
        path.replace(['/', '?', '&', '='], "-")
    );
    if let Some(k) = key {
        head.push_str(&format!("Authorization: Bearer {k}\r\n"));
    }
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = decode_chunked(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

/// A running `cordon serve`; killed on drop if a test fails half-way.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cordon"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0", "--reload-every", "0"])
            .args(extra)
            .env("CORDON_LOG", "info")
            .env_remove("CORDON_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cordon serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && v["fields"]["message"] == "listening"
                    && let Some(a) = v["fields"]["addr"].as_str()
                {
                    let _ = tx.send(a.parse::<SocketAddr>().unwrap());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not listen: {:?}", log.lock().unwrap());
            }
        };
        let server = Server { child, addr, log };
        let started = Instant::now();
        while server.get("/readyz", None).status != 200 {
            assert!(started.elapsed() < Duration::from_secs(60), "never ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn get(&self, path: &str, key: Option<&str>) -> Reply {
        request(self.addr, "GET", path, key, None, b"")
    }

    fn post(&self, path: &str, key: &str, body: &Value) -> Reply {
        request(
            self.addr,
            "POST",
            path,
            Some(key),
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    }

    /// SIGTERM, as a service manager stops it; returns whether it exited cleanly.
    fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent, "kill -TERM {pid}");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn key(db: &Path, name: &str, role: &str) -> String {
    let out = cordon(db)
        .args(["keys", "create", name, "--role", role])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn stdout_of(db: &Path, args: &[&str]) -> String {
    let out = cordon(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "cordon {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Polls `f` until it holds (the server re-reads keys and decisions every second).
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let started = Instant::now();
    while !f() {
        assert!(started.elapsed() < Duration::from_secs(10), "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const HOP1: &str = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2";
const HOP2: &str = "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e";

fn applicant_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../cordon-applicants/tests/fixtures")
        .join(name)
}

#[test]
fn serve_keys_decide_audit_and_rescreen_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cordon.redb");
    cordon(&db)
        .args([
            "ingest",
            "--lists",
            lists_dir().join("un").to_str().unwrap(),
        ])
        .assert()
        .success();
    let graph = tmp.path().join("graph");
    crate::tx::ingest_bybit(&db, &graph);
    let screen = key(&db, "kyc-backend", "screen");
    let analyst = key(&db, "analyst-1", "analyst");
    let listed = stdout_of(&db, &["keys", "list"]);
    assert!(
        listed.contains("kyc-backend") && listed.contains("analyst"),
        "{listed}"
    );
    assert!(!listed.contains(&screen), "a secret was listed");

    let ipdb = applicant_fixture("ipdb.mmdb");
    let server = Server::start(
        &db,
        &[
            "--tx",
            graph.to_str().unwrap(),
            "--ipdb",
            ipdb.to_str().unwrap(),
        ],
    );

    // Access control answers JSON.
    let query =
        json!({"queries": {"q1": {"schema": "Person", "properties": {"name": ["Ri Hong Sop"]}}}});
    request(
        server.addr,
        "POST",
        "/match/default",
        None,
        Some("application/json"),
        query.to_string().as_bytes(),
    )
    .assert_error(401, "unauthorized");
    server
        .get("/audit", Some(&screen))
        .assert_error(403, "forbidden");

    // A key made by `cordon keys` works; the UN entry is found.
    let r = server.post("/match/default", &screen, &query);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    let q1 = &v["responses"]["q1"];
    let top = &q1["results"][0];
    assert_eq!(top["datasets"], json!(["un-sc"]), "{q1}");
    assert_eq!(top["match"], true, "{top}");
    let subject = q1["subject"].as_str().unwrap().to_owned();
    let entity = top["id"].as_str().unwrap().to_owned();
    let seq = v["audit_seq"].as_u64().unwrap();
    assert_eq!(r.header("x-audit-seq"), Some(seq.to_string().as_str()));

    // The match waits in the shared review queue, which the CLI reads while the server runs.
    let queued = stdout_of(&db, &["review", "--json", "--subject", &subject]);
    let item: Value = serde_json::from_str(queued.lines().next().expect("a queued item")).unwrap();
    assert_eq!(item["entity_id"], entity.as_str(), "{queued}");
    assert_eq!(item["key"], "kyc-backend");
    assert_eq!(item["audit_seq"], seq);
    assert!(item.get("closed").is_none(), "{item}");

    // A decision made by `cordon decide` while the server runs shows on the next /match.
    let d = stdout_of(
        &db,
        &[
            "decide",
            "--subject",
            &subject,
            "--entity",
            &entity,
            "--verdict",
            "false_positive",
            "--note",
            "different person: born 1990",
            "--by",
            "analyst-cli",
        ],
    );
    let d: Value = serde_json::from_str(&d).unwrap();
    assert_eq!(d["verdict"], "false_positive", "{d}");
    let decision_seq = d["audit_seq"]
        .as_u64()
        .expect("the decision's audit record");
    // ... and closes the queued item, for the CLI and for the server.
    let closed = stdout_of(
        &db,
        &["review", "--status", "closed", "--subject", &subject],
    );
    assert!(
        closed.contains(&entity) && closed.contains("closed: false_positive by analyst-cli"),
        "{closed}"
    );
    eventually("the server reads the close line", || {
        server
            .get(&format!("/review?subject={subject}"), Some(&analyst))
            .json()["total"]
            == 0
    });
    eventually("the decision suppresses the hit", || {
        let q1 = server.post("/match/default", &screen, &query).json()["responses"]["q1"].clone();
        q1["suppressed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == entity.as_str())
            && q1["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"] != entity.as_str())
    });
    let r = server.get(&format!("/decisions?subject={subject}"), Some(&analyst));
    assert_eq!(r.json()["decisions"][0]["by"], "analyst-cli");

    // Tracing and applicants over HTTP answer what the CLI answers.
    let r = server.post("/trace", &analyst, &json!({"from": HOP1}));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let cli = json(
        &db,
        &["trace", "--from", HOP1, "--graph", graph.to_str().unwrap()],
    );
    assert_eq!(r.json(), cli);
    let r = server.get(&format!("/exposure/{HOP2}?max_hops=3"), Some(&screen));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let cli = json(
        &db,
        &[
            "exposure",
            HOP2,
            "--max-hops",
            "3",
            "--graph",
            graph.to_str().unwrap(),
        ],
    );
    assert_eq!(r.json(), cli);
    let applicants = std::fs::read(applicant_fixture("applicants.jsonl")).unwrap();
    let r = request(
        server.addr,
        "POST",
        "/applicants/screen",
        Some(&screen),
        Some("application/x-ndjson"),
        &applicants,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let http_reports = r.json()["reports"].clone();

    // The audit trail, exported and verified while the server runs, holds the requests.
    let export = stdout_of(&db, &["audit", "export"]);
    let records: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let first = records
        .iter()
        .find(|r| r["seq"] == seq)
        .expect("the first match is in the trail");
    assert_eq!(first["key"], "kyc-backend");
    assert_eq!(first["request_id"], "e2e--match-default");
    assert_eq!(
        first["query"]["queries"]["q1"]["properties"]["name"],
        json!(["Ri Hong Sop"])
    );
    assert_eq!(first["results"]["q1"]["results"][0]["id"], entity.as_str());
    assert!(first["lists"]["un-sc"]["version"].is_u64());
    for endpoint in ["trace", "exposure", "applicants.screen"] {
        assert!(
            records.iter().any(|r| r["endpoint"] == endpoint),
            "{endpoint} not audited"
        );
    }
    // The CLI's decision is in the same chain: who, what, on which list versions.
    let decided = records
        .iter()
        .find(|r| r["seq"] == decision_seq)
        .expect("the decision is in the trail");
    assert_eq!(decided["endpoint"], "decision");
    assert_eq!(decided["key"], "analyst-cli");
    assert_eq!(decided["query"]["entity_id"], entity.as_str());
    assert_eq!(decided["query"]["note"], "different person: born 1990");
    assert_eq!(decided["lists"], first["lists"]);
    // One subject's trail: its screenings and the decision, nothing else.
    let trail = stdout_of(&db, &["audit", "export", "--subject", &subject]);
    let trail: Vec<Value> = trail
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(trail.len() >= 3, "{trail:?}");
    assert!(trail.iter().any(|r| r["seq"] == decision_seq));
    assert!(
        trail
            .iter()
            .all(|r| r["endpoint"] == "match" || r["endpoint"] == "decision"),
        "{trail:?}"
    );
    let verify = stdout_of(&db, &["audit", "verify"]);
    assert!(
        verify.starts_with(&format!("ok: {} records", records.len())),
        "{verify}"
    );
    let csv = stdout_of(&db, &["audit", "export", "--format", "csv"]);
    assert!(csv.starts_with("seq,time,request_id,key,endpoint"), "{csv}");

    // A key revoked with `cordon keys` stops working.
    cordon(&db)
        .args(["keys", "revoke", "kyc-backend"])
        .assert()
        .success();
    eventually("the revoked key is refused", || {
        server.post("/match/default", &screen, &query).status == 401
    });

    // Graceful shutdown on SIGTERM.
    let log = Arc::clone(&server.log);
    assert!(server.terminate(), "exit status after SIGTERM");
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("shutting down")),
        "{:?}",
        log.lock().unwrap()
    );

    // With the store free again: the CLI's applicant lines equal the service's reports.
    let out = tmp.path().join("screen.jsonl");
    cordon(&db)
        .args(["applicants", "screen", "--input"])
        .arg(applicant_fixture("applicants.jsonl"))
        .arg("--output")
        .arg(&out)
        .arg("--ipdb")
        .arg(&ipdb)
        .output()
        .unwrap();
    let cli_reports: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(http_reports, json!(cli_reports));

    // Re-screening: a subject registered now is alerted when a new list lists it.
    let subjects = tmp.path().join("subjects.csv");
    std::fs::write(
        &subjects,
        "id,schema,name,birthDate\ncust-1,Person,Kim Example,1988-04-12\ncust-2,Person,Ri Hong Sop,\n",
    )
    .unwrap();
    let first = json(&db, &["rescreen", "--subjects", subjects.to_str().unwrap()]);
    assert_eq!(first["subjects"], 2, "{first}");
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/lists");
    cordon(&db)
        .args(["ingest", "--lists", examples.to_str().unwrap()])
        .assert()
        .success();
    let second = json(&db, &["rescreen"]);
    assert_eq!(
        second["changed_sources"],
        json!(["acme-blocklist"]),
        "{second}"
    );
    let alerts = second["alerts"].as_array().unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a["subject"] == "cust-1" && a["kind"] == "new"),
        "{second}"
    );
    assert!(alerts.iter().all(|a| a["subject"] != "cust-2"), "{second}");
    let third = json(&db, &["rescreen"]);
    assert_eq!(third["rescreened"], 0, "{third}");
    assert_eq!(third["alerts"], json!([]));
}

//! `cordon tx ingest`, `cordon exposure`, `cordon trace` end to end: the real Bybit 2025 trail
//! (hop files as exported, adversarial rows included), a THORChain memo fixture and a UTXO
//! fixture.

use std::path::{Path, PathBuf};

use cordon_trace::{ExposureQuery, Graph, TraceQuery};
use serde_json::Value;

use crate::util::{cordon, json, shared_data};

const HOP1: &str = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2";
const HOP2: &str = "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e";
const HOP3: &str = "0xdd90071d52f20e85c89802e5dc1ec0a7b6475f92";
const HOP4: &str = "0xf302572594a68aa8f951fae64ed3ae7da41c72be";
const HOP5: &str = "0x327ffe25f330d2d809106ace581099ad1af9ba23";
const THOR_A: &str = "0x8b62111bd342c352daf453ccd0676833c0a31ca1";
const THOR_B: &str = "0x54acab846901bdbdc553a675d97240511e4bfba2";

fn bybit() -> PathBuf {
    shared_data().join("tx/bybit-2025-public-trail")
}

/// Ingests the five hop files (per-address exports: `FILE=OWNER`) with the trail's labels.
pub(crate) fn ingest_bybit(db: &Path, graph: &Path) -> Value {
    let d = bybit();
    let spec = |f: &str, owner: &str| format!("{}={owner}", d.join(f).display());
    json(
        db,
        &[
            "tx",
            "ingest",
            &spec("hop1_subset.csv", HOP1),
            &spec("hop2.csv", HOP2),
            &spec("hop3_subset.csv", HOP3),
            &spec("hop4_subset.csv", HOP4),
            &spec("hop5.csv", HOP5),
            "--labels",
            d.join("labels.csv").to_str().unwrap(),
            "--graph",
            graph.to_str().unwrap(),
        ],
    )
}

fn stdout(db: &Path, args: &[&str]) -> String {
    let out = cordon(db).args(args).output().expect("run cordon");
    assert!(
        out.status.success(),
        "cordon {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn bybit_trail_ingest_trace_exposure_json_and_dot() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.redb");
    let g = tmp.path().join("graph");
    let rep = ingest_bybit(&db, &g);
    // Every row of the hop files (46 + 5, 43, 54, 74, 65) is a transfer; none rejected.
    let files = rep["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    for f in files {
        assert_eq!(f["layout"], "etherscan-address", "{f}");
        assert_eq!(f["rejected"], 0, "{f}");
    }
    assert_eq!(rep["transfers"], 51 + 43 + 54 + 74 + 65);
    // Impersonating tokens, zero-value calls and look-alikes are excluded, not dropped.
    assert!(rep["excluded"].as_u64().unwrap() > 20, "{rep:#}");
    assert_eq!(rep["labels"], 33);

    let gs = g.to_str().unwrap();
    let tr = json(&db, &["trace", "--from", HOP1, "--graph", gs]);
    let sinks = tr["trace"]["sinks"].as_array().unwrap();
    for thor in [THOR_A, THOR_B] {
        let s = sinks
            .iter()
            .find(|s| s["address"] == thor)
            .unwrap_or_else(|| panic!("{thor} not flagged: {tr:#}"));
        assert_eq!(s["kind"], "bridge");
        assert_eq!(s["path"][0]["from"], HOP1);
        // No memo in Etherscan exports: nothing is invented.
        assert!(s.get("outbound").is_none());
    }
    // The analyst's main path runs through the anchors in order.
    let path: Vec<&str> = tr["main_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let pos = |a: &str| path.iter().position(|p| *p == a);
    assert_eq!(pos(HOP1), Some(0), "{path:?}");
    let anchors: Vec<_> = [HOP2, HOP3, HOP4].iter().map(|a| pos(a)).collect();
    assert!(anchors.iter().all(Option::is_some), "{path:?}");
    assert!(anchors.windows(2).all(|w| w[0] < w[1]), "{path:?}");
    // Never through an impersonating token: every excluded row touching the trail says why.
    let excluded = tr["trace"]["excluded"].as_array().unwrap();
    assert!(
        excluded
            .iter()
            .any(|e| e["reasons"].to_string().contains("impersonating")),
        "{excluded:#?}"
    );
    for s in sinks {
        for step in s["path"].as_array().unwrap() {
            assert!(!step["asset"].as_str().unwrap().contains('Е'), "{step}");
        }
    }
    // Intervals bracket the point value for every sink.
    assert_eq!(
        tr["intervals"].as_array().unwrap().len(),
        sinks.len(),
        "one interval per sink"
    );

    // The CLI prints exactly what the library (and so the HTTP service) serialises.
    let graph = Graph::open(&g, &[]).unwrap();
    let lib = graph
        .trace(&TraceQuery {
            from: HOP1.into(),
            ..TraceQuery::default()
        })
        .unwrap();
    assert_eq!(tr, serde_json::to_value(&lib).unwrap());

    // FIFO gives the same sinks set, conserving the total.
    let fifo = json(
        &db,
        &["trace", "--from", HOP1, "--rule", "fifo", "--graph", gs],
    );
    assert_eq!(
        fifo["trace"]["introduced_total"],
        tr["trace"]["introduced_total"]
    );

    // DOT: a digraph naming both THORChain depositors.
    let dot = stdout(&db, &["trace", "--from", HOP1, "--dot", "--graph", gs]);
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(dot.contains(THOR_A) && dot.contains(THOR_B));
    assert!(dot.trim_end().ends_with('}'));

    // Exposure of a THORChain depositor: received value from the theft addresses.
    let ex = json(&db, &["exposure", THOR_A, "--graph", gs]);
    let entries = ex["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["category"] == "theft" && e["direction"] == "received"),
        "{ex:#}"
    );
    let lib = graph.exposure(THOR_A, &ExposureQuery::default()).unwrap();
    assert_eq!(ex, serde_json::to_value(&lib).unwrap());

    // Text output names the sinks too.
    let text = stdout(
        &db,
        &["trace", "--from", HOP1, "--top", "500", "--graph", gs],
    );
    assert!(text.contains(THOR_B) && text.contains("bridge"), "{text}");
    assert!(text.contains("impersonating_token"), "{text}");

    // The trace names every attributed address it mentions (the console draws them).
    assert_eq!(
        tr["labels"]["0x6bb000067005450704003100632eb93ea00c0000"]["category"],
        "dex"
    );
    assert_eq!(tr["labels"][HOP2]["category"], "theft");
    assert_eq!(tr["labels"][HOP2]["confidence"]["name"], "unspecified");
}

/// `cordon exposure` lists the excluded transfers of the address with their reasons, as JSON
/// and as text: the hop-2 anchor's fake tokens sent to look-alikes of the hop-3 anchor.
#[test]
fn exposure_lists_the_excluded_transfers_of_the_address() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.redb");
    let g = tmp.path().join("graph");
    ingest_bybit(&db, &g);
    let gs = g.to_str().unwrap();
    let ex = json(&db, &["exposure", HOP2, "--graph", gs]);
    assert_eq!(ex["excluded_total"], 27, "{ex:#}");
    assert_eq!(ex["excluded_by_reason"]["poisoning_lookalike"], 11);
    let fake = ex["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["time"] == "2025-02-21T15:02:23Z")
        .unwrap();
    assert_eq!(fake["direction"], "sent");
    assert_eq!(
        fake["counterparty"],
        "0xdd901921594c5ba04c5971295db8931073365f92"
    );
    assert_eq!(fake["amount"], "49755");
    assert!(ex.get("notes").is_none(), "{ex:#}");
    let text = stdout(&db, &["exposure", HOP2, "--graph", gs, "--excluded", "30"]);
    assert!(
        text.contains("excluded transfers of this address (never counted): 27"),
        "{text}"
    );
    assert!(
        text.contains("2025-02-21T15:02:23Z")
            && text.contains("sent to 0xdd901921594c5ba04c5971295db8931073365f92 49755"),
        "{text}"
    );
    assert!(text.contains("attributed: theft: hop2 anchor"), "{text}");
    let short = stdout(&db, &["exposure", HOP2, "--graph", gs]);
    assert!(short.contains("… 7 more (use --excluded N"), "{short}");
}

#[test]
fn bad_queries_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.redb");
    let g = tmp.path().join("graph");
    let gs = g.to_str().unwrap();
    // No graph yet.
    let out = cordon(&db)
        .args(["trace", "--from", HOP1, "--graph", gs])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cordon tx ingest"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ingest_bybit(&db, &g);
    for args in [
        vec!["trace", "--from", HOP1, "--rule", "random"],
        vec!["trace", "--from", HOP1, "--asset", "DOGE"],
        vec![
            "trace",
            "--from",
            "0x0000000000000000000000000000000000000001",
        ],
        vec!["exposure", HOP2, "--direction", "sideways"],
        vec!["trace", "--from", HOP1, "--paths", "0"],
    ] {
        let out = cordon(&db)
            .args(&args)
            .args(["--graph", gs])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// One unreadable file among several is reported with its code and skipped, the rest loads
/// (exit 1); an ingest that loads nothing (every file unreadable or every row rejected) leaves
/// the existing graph as it was instead of replacing it with an empty one.
#[test]
fn unreadable_file_is_skipped_and_an_ingest_that_loads_nothing_keeps_the_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.redb");
    let g = tmp.path().join("graph");
    let gs = g.to_str().unwrap();
    let unknown = tmp.path().join("unknown.csv");
    std::fs::write(&unknown, "foo,bar\n1,2\n").unwrap();
    let bad_rows = tmp.path().join("bad-rows.csv");
    std::fs::write(
        &bad_rows,
        format!("hash,from,to,amount,block,timestamp\n0x1,0xZZZ,{HOP2},1,1,1000\n0x2,{HOP1},{HOP2},-1,2,1001\n"),
    )
    .unwrap();
    let missing = tmp.path().join("missing.csv");
    let legit = bybit().join("edges_legit.csv");
    let out = cordon(&db)
        .args(["tx", "ingest", "--json", "--graph", gs])
        .args([&legit, &unknown, &missing])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["transfers"], 199, "{v:#}");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files[1]["code"], "tx.unknown_layout", "{v:#}");
    assert_eq!(files[2]["code"], "tx.io", "{v:#}");
    assert!(
        files[2]["error"].as_str().unwrap().contains("missing.csv"),
        "{v:#}"
    );
    let before = std::fs::read(g.join("addresses.txt")).unwrap();

    for files in [vec![&unknown, &missing], vec![&bad_rows]] {
        let out = cordon(&db)
            .args(["tx", "ingest", "--graph", gs])
            .args(&files)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{files:?}: {err}");
        assert!(
            err.contains("is unchanged") && !err.contains("panicked"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(g.join("addresses.txt")).unwrap(),
            before,
            "{files:?}"
        );
    }
    let out = cordon(&db)
        .args(["tx", "ingest", "--graph", gs])
        .arg(&bad_rows)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad-rows.csv:2") && err.contains("field \"from\""),
        "{err}"
    );
    assert!(
        err.contains("bad-rows.csv:3") && err.contains("field \"amount\""),
        "{err}"
    );
}

/// A deposit into THORChain's router whose memo names the outbound Bitcoin address: the trace
/// links the bridge sink to it (and reports a memo whose address fails its checksum).
#[test]
fn thorchain_deposit_memo_links_to_the_outbound_address() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.redb");
    let g = tmp.path().join("graph");
    let thief = "0x1111111111111111111111111111111111111111";
    let depositor = "0x2222222222222222222222222222222222222222";
    let router = "0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146";
    let btc = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    let transfers = tmp.path().join("transfers.csv");
    std::fs::write(
        &transfers,
        format!(
            "tx_hash,block,timestamp,from,to,symbol,decimals,amount_base,memo\n\
             0xa1,1,2025-03-01 00:00:00,{thief},{depositor},ETH,18,10000000000000000000,\n\
             0xa2,2,2025-03-01 00:10:00,{depositor},{router},ETH,18,6000000000000000000,=:BTC.BTC:{btc}:0/1/0\n\
             0xa3,3,2025-03-01 00:20:00,{depositor},{router},ETH,18,4000000000000000000,\"SWAP:e:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\"\n"
        ),
    )
    .unwrap();
    let labels = tmp.path().join("labels.csv");
    std::fs::write(
        &labels,
        format!(
            "address,category,name,source\n{router},bridge,THORChain Router,fixture\n{thief},theft,thief,fixture\n"
        ),
    )
    .unwrap();
    json(
        &db,
        &[
            "tx",
            "ingest",
            transfers.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
            "--graph",
            g.to_str().unwrap(),
        ],
    );
    let tr = json(
        &db,
        &["trace", "--from", thief, "--graph", g.to_str().unwrap()],
    );
    let sink = &tr["trace"]["sinks"][0];
    assert_eq!(sink["kind"], "bridge", "{tr:#}");
    assert_eq!(sink["address"], router);
    assert_eq!(sink["taint"], "10");
    let out = sink["outbound"].as_array().unwrap();
    assert_eq!(out.len(), 2, "{sink:#}");
    assert_eq!(out[0]["tx_hash"], "0xa2");
    assert_eq!(out[0]["tainted"], "6");
    assert_eq!(out[0]["swap"]["chain"], "BTC");
    assert_eq!(out[0]["swap"]["address"], btc);
    assert_eq!(out[0]["swap"]["address_check"], "ok");
    assert_eq!(out[1]["swap"]["asset"], "ETH.ETH");
    assert_eq!(out[1]["swap"]["address_check"], "bad-checksum");
}

/// UTXO tracing from the CLI: a theft output peeled twice into exchange deposits.
#[test]
fn utxo_trace_from_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.redb");
    let g = tmp.path().join("graph");
    let utxo = tmp.path().join("utxo.csv");
    std::fs::write(
        &utxo,
        "txid,block,timestamp,io,index,address,value,prev_txid,prev_vout\n\
         theft,1,2024-01-01 00:00:00,out,0,bc1qthief,100000,,\n\
         clean,1,2024-01-01 00:00:00,out,0,bc1qclean,50000,,\n\
         peel1,2,2024-01-01 00:10:00,in,0,bc1qthief,100000,theft,0\n\
         peel1,2,2024-01-01 00:10:00,in,1,bc1qclean,50000,clean,0\n\
         peel1,2,2024-01-01 00:10:00,out,0,bc1qexch1,30000,,\n\
         peel1,2,2024-01-01 00:10:00,out,1,bc1qhop,119000,,\n\
         peel2,3,2024-01-01 00:20:00,in,0,bc1qhop,119000,peel1,1\n\
         peel2,3,2024-01-01 00:20:00,out,0,bc1qexch2,100000,,\n\
         peel2,3,2024-01-01 00:20:00,out,1,bc1qrest,18000,,\n",
    )
    .unwrap();
    let labels = tmp.path().join("labels.csv");
    std::fs::write(
        &labels,
        "address,category,name,source\nbc1qexch1,exchange,ex one,fixture\nbc1qexch2,exchange,ex two,fixture\n",
    )
    .unwrap();
    let rep = json(
        &db,
        &[
            "tx",
            "ingest",
            "--utxo",
            utxo.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
            "--graph",
            g.to_str().unwrap(),
        ],
    );
    assert_eq!(rep["utxo_transactions"], 4);
    let gs = g.to_str().unwrap();
    // FIFO: the theft input comes first, so the first 100,000 sat out are tainted: 30,000 to
    // exch1 and 70,000 of the change; peel2 spends that change first-in-first-out.
    let r = json(
        &db,
        &["trace", "--from", "theft", "--rule", "fifo", "--graph", gs],
    );
    assert_eq!(r["seeded"], "100000");
    let sinks = r["sinks"].as_array().unwrap();
    let get = |a: &str| {
        sinks
            .iter()
            .find(|s| s["address"] == a)
            .map(|s| s["taint"].as_str().unwrap().to_string())
    };
    assert_eq!(get("bc1qexch1").as_deref(), Some("30000"), "{r:#}");
    assert_eq!(get("bc1qexch2").as_deref(), Some("70000"), "{r:#}");
    assert_eq!(get("bc1qrest"), None);
    // Haircut: taint share 100/150 follows every output.
    let h = json(
        &db,
        &[
            "trace", "--from", "theft", "--rule", "haircut", "--graph", gs,
        ],
    );
    let total: u64 = h["sinks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["taint"].as_str().unwrap().parse::<u64>().unwrap())
        .sum::<u64>()
        + h["fees"].as_str().unwrap().parse::<u64>().unwrap();
    assert_eq!(total, 100_000, "haircut conserves taint: {h:#}");
    // An account rule name is refused for a UTXO trace.
    let out = cordon(&db)
        .args(["trace", "--from", "theft", "--rule", "libr", "--graph", gs])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

//! Shared helpers for the CLI tests.

use std::path::{Path, PathBuf};

/// `../shared/data` beside the repository (override with `CORDON_SHARED_DATA`).
pub(crate) fn shared_data() -> PathBuf {
    if let Ok(p) = std::env::var("CORDON_SHARED_DATA") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The real lists.
pub(crate) fn lists_dir() -> PathBuf {
    shared_data().join("lists")
}

/// The `cordon` binary with a given store.
pub(crate) fn cordon(db: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("cordon").expect("cordon binary");
    cmd.arg("--db").arg(db).env_remove("CORDON_DB");
    cmd
}

/// Runs `cordon … --json` and parses standard output.
pub(crate) fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let out = cordon(db)
        .args(args)
        .arg("--json")
        .output()
        .expect("run cordon");
    assert!(
        out.status.success(),
        "cordon {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// A store with every real list ingested, copied into `dir` (the lists are ingested once per
/// test run; each test gets its own copy because a store file is opened by one process at a
/// time).
pub(crate) fn real_lists_store(dir: &Path) -> PathBuf {
    static INGESTED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let master = INGESTED.get_or_init(|| {
        // Under cargo's per-target scratch directory, one file per test process; files of
        // processes that have ended are removed.
        let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let prefix = "cordon-cli-all-lists-";
        for entry in std::fs::read_dir(&scratch).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = name
                .strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(".redb"));
            if pid.is_some_and(|p| !Path::new("/proc").join(p).exists()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let db = scratch.join(format!("{prefix}{}.redb", std::process::id()));
        let _ = std::fs::remove_file(&db);
        let out = cordon(&db)
            .args(["ingest", "--lists"])
            .arg(lists_dir())
            .output()
            .expect("run cordon ingest");
        assert!(
            out.status.code() == Some(0),
            "ingest of the real lists failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        db
    });
    let db = dir.join("lists.redb");
    std::fs::copy(master, &db).expect("copy the store");
    db
}

/// A tool `.ci/run` installs in its Python venv (`target/ci-tools/stix-venv`): the OASIS
/// `stix2-validator` and the OASIS TAXII client `taxii2-client`. Absent, the test fails with how
/// to install it, unless `CORDON_SKIP_EXTERNAL_TESTS=1` (then `None`).
fn ci_venv_tool(bin: &str, check: Option<&str>) -> Option<PathBuf> {
    let venv = std::env::var_os("CORDON_CI_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/ci-tools/stix-venv"),
        PathBuf::from,
    );
    let path = venv.join("bin").join(bin);
    // Run it, not only look for it: a venv copied from elsewhere keeps scripts whose
    // interpreter path no longer exists.
    let probe = match check {
        Some(module) => vec!["-c".to_owned(), format!("import {module}")],
        None => vec!["--help".to_owned()],
    };
    let present = path.is_file()
        && std::process::Command::new(&path)
            .args(&probe)
            .output()
            .is_ok_and(|o| o.status.success());
    if present {
        return Some(path);
    }
    let what = check.unwrap_or(bin);
    if std::env::var("CORDON_SKIP_EXTERNAL_TESTS").as_deref() == Ok("1") {
        eprintln!(
            "skipped: {what} is not in {} (CORDON_SKIP_EXTERNAL_TESTS=1)",
            venv.display()
        );
        return None;
    }
    panic!(
        "{what} is not in {} or does not run: run .ci/run, or install it with `python3 -m venv \
         target/ci-tools/stix-venv && target/ci-tools/stix-venv/bin/pip install \
         stix2-validator==3.3.2 stix2==3.0.2 taxii2-client==2.3.0`, or set \
         CORDON_SKIP_EXTERNAL_TESTS=1 to skip",
        venv.display()
    );
}

/// The OASIS `stix2-validator` (see [`ci_venv_tool`]).
pub(crate) fn stix_validator() -> Option<PathBuf> {
    ci_venv_tool("stix2_validator", None)
}

/// The venv's Python with the OASIS `taxii2-client` (see [`ci_venv_tool`]).
pub(crate) fn taxii_client_python() -> Option<PathBuf> {
    ci_venv_tool("python", Some("taxii2client"))
}

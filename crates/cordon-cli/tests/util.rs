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

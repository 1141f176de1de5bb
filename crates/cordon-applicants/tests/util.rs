//! Helpers: records from JSON, the fixture IP databases, screening a batch.

use std::path::PathBuf;

use cordon_applicants::{
    Applicant, ApplicantReport, IpDb, ReadLimits, Rules, Screener, parse_record,
};

pub(crate) fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub(crate) fn shared_data() -> PathBuf {
    std::env::var_os("CORDON_SHARED_DATA").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")),
        PathBuf::from,
    )
}

/// A record from JSON; panics on a diagnostic (tests write valid records). Takes the value so
/// that `json!(..)` literals read naturally at call sites.
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn app(v: serde_json::Value) -> Applicant {
    let (a, d) = parse_record(&v, &ReadLimits::default());
    assert!(d.is_empty(), "{d:?}");
    a.expect("record")
}

pub(crate) fn mmdb() -> IpDb {
    let mut db = IpDb::new();
    db.add_file(&fixtures().join("ipdb.mmdb"))
        .expect("mmdb fixture");
    db
}

/// Screens a batch with the default rules and the .mmdb fixture.
pub(crate) fn screen(apps: &[Applicant]) -> Vec<ApplicantReport> {
    Screener::new(Rules::default_rules())
        .with_ipdb(mmdb())
        .screen_batch(apps)
        .expect("screen")
        .applicants
}

/// Ids of the indicators that fired for the first record.
pub(crate) fn fired(apps: &[Applicant]) -> Vec<&'static str> {
    screen(apps)[0].indicators.iter().map(|i| i.id).collect()
}

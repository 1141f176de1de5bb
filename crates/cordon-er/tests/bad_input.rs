//! Bad input is reported per record and the rest is processed; nothing panics.

use cordon_er::{
    BlockingRule, ComparisonSpec, DatasetBuilder, KeySpec, KeyValue, LinkConfig, Model, RecordRef,
    link, normalize,
};
use cordon_model::Location;

/// (id, fields, keys) of one input record.
type Row<'a> = (&'a [u8], Vec<Option<&'a [u8]>>, Vec<(u16, KeyValue)>);

#[test]
fn bad_records_are_reported_and_the_rest_linked() {
    let mut b = DatasetBuilder::new(&["name", "dob"]);
    let email = b.key_kind(KeySpec::exact("email", 0.9, 1e-6, 10));
    let resume = b.key_kind(KeySpec::exact("resume", 0.6, 1e-4, 10).matching(
        cordon_er::KeyMatch::MinHash(cordon_er::MinHashSpec::default()),
    ));
    let huge = "lorem ipsum dolor sit amet ".repeat(400_000); // ~10 MB
    let bad_utf8: &[u8] = b"Ma\xffria";
    let rows: Vec<Row<'_>> = vec![
        (
            b"a",
            vec![Some(b"maria lopez"), Some(b"19900101")],
            vec![(email, KeyValue::Exact("m@x.io".into()))],
        ),
        (b"a", vec![Some(b"duplicate id"), None], vec![]),
        (b"", vec![Some(b"no id"), None], vec![]),
        (
            b"b",
            vec![Some(bad_utf8), Some(b"19900231")],
            vec![(email, KeyValue::Exact("m@x.io".into()))],
        ),
        (
            b"c",
            vec![Some(b"only one field")],
            vec![(resume, KeyValue::Text(huge.clone().into_bytes()))],
        ),
        (b"d", vec![None, None], vec![(email, KeyValue::Bits(7))]),
        (
            b"e",
            vec![Some(b"x"), Some(b"y"), Some(b"extra")],
            vec![(99, KeyValue::Exact("?".into()))],
        ),
    ];
    for (line, (id, fields, keys)) in rows.iter().enumerate() {
        b.push(RecordRef {
            id,
            source: 0,
            fields,
            keys,
            location: &Location::file("applicants.csv").line(line as u64 + 2),
        });
    }
    let (ds, diags) = b.finish();
    assert_eq!(ds.len(), 5, "a, b, c, d, e kept");
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    for code in [
        "er-duplicate-id",
        "er-missing-id",
        "er-invalid-utf8",
        "er-field-count",
        "er-value-too-long",
        "er-key-type",
        "er-unknown-key-kind",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let dup = diags.iter().find(|d| d.code == "er-duplicate-id").unwrap();
    assert_eq!(dup.location.line, Some(3), "diagnostics name the line");

    // An impossible date is just a value that matches no date level; linking goes on.
    let model = Model::new(vec![
        ComparisonSpec::name("name"),
        ComparisonSpec::date("dob"),
    ])
    .unwrap();
    let out = link(
        &ds,
        Some(&model),
        &LinkConfig {
            blocking: vec![BlockingRule::on(&["dob"])],
            fs: cordon_er::FsUse::PositiveOnly,
            prior_weight: Some(0.0),
            threshold: 0.0,
            ..LinkConfig::default()
        },
    )
    .unwrap();
    assert_eq!(out.links.len(), 1, "a and b share a rare e-mail");
    assert_eq!((ds.id(out.links[0].a), ds.id(out.links[0].b)), ("a", "b"));
}

#[test]
fn unknown_fields_are_configuration_errors_not_panics() {
    let (ds, _) = DatasetBuilder::new(&["name"]).finish();
    let model = Model::new(vec![ComparisonSpec::exact("nope")]).unwrap();
    let err = link(&ds, Some(&model), &LinkConfig::default()).unwrap_err();
    assert_eq!(err.code(), "er-unknown-field");
    let err = link(
        &ds,
        None,
        &LinkConfig {
            blocking: vec![BlockingRule::on(&["missing"])],
            ..LinkConfig::default()
        },
    );
    // Without a model blocking is not used, so there is nothing to fail on.
    assert!(err.is_ok());
}

#[test]
fn malformed_identifiers_are_rejected_by_normalisers() {
    assert_eq!(normalize::email("no at sign"), None);
    assert_eq!(normalize::phone_e164("+12"), None);
    assert_eq!(normalize::ip_keys("300.1.2.3"), None);
    assert_eq!(normalize::phash("12345"), None);
    assert_eq!(normalize::account("   "), None);
}

mod arbitrary {
    use cordon_er::{
        BlockingRule, ComparisonSpec, DatasetBuilder, FsUse, KeyMatch, KeySpec, KeyValue,
        LinkConfig, Model, RecordRef, link,
    };
    use cordon_model::Location;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(64))]

        /// Whatever bytes arrive, reading, training and linking report and go on.
        #[test]
        fn arbitrary_bytes_never_panic(
            rows in prop::collection::vec(
                (
                    prop::collection::vec(any::<u8>(), 0..6),
                    prop::collection::vec(prop::option::of(prop::collection::vec(any::<u8>(), 0..12)), 0..4),
                    prop::collection::vec(any::<u8>(), 0..40),
                    any::<u64>(),
                ),
                0..30,
            )
        ) {
            let mut b = DatasetBuilder::new(&["name", "dob", "zip"]);
            let ex = b.key_kind(KeySpec::exact("email", 0.9, 1e-6, 5));
            let ph = b.key_kind(KeySpec::exact("photo", 0.7, 1e-5, 5).matching(KeyMatch::Hamming { max: 6 }));
            let rs = b.key_kind(KeySpec::exact("resume", 0.6, 1e-4, 5).matching(
                KeyMatch::MinHash(cordon_er::MinHashSpec { min_shingles: 1, ..Default::default() }),
            ));
            for (id, fields, text, bits) in &rows {
                let fields: Vec<Option<&[u8]>> = fields.iter().map(|f| f.as_deref()).collect();
                let keys = vec![
                    (ex, KeyValue::Exact(String::from_utf8_lossy(text).into_owned())),
                    (ph, KeyValue::Bits(*bits)),
                    (rs, KeyValue::Text(text.clone())),
                ];
                b.push(RecordRef { id, source: 0, fields: &fields, keys: &keys, location: &Location::default() });
            }
            let (ds, _) = b.finish();
            let mut model = Model::new(vec![
                ComparisonSpec::name("name").tf(),
                ComparisonSpec::date("dob"),
                ComparisonSpec::levenshtein("zip", &[1]),
            ]).unwrap();
            if ds.len() >= 2 {
                model.estimate_u(&ds, cordon_er::LinkType::Dedupe, 500, 1).unwrap();
                model.estimate_m_em(&ds, cordon_er::LinkType::Dedupe, &BlockingRule::on(&["zip"]), 5).unwrap();
            }
            for fs in [FsUse::Full, FsUse::PositiveOnly] {
                let out = link(&ds, Some(&model), &LinkConfig {
                    blocking: vec![BlockingRule::on(&["name"]), BlockingRule::on(&["dob"])],
                    fs,
                    threshold: f64::NEG_INFINITY,
                    ..LinkConfig::default()
                }).unwrap();
                for l in &out.links {
                    prop_assert!(l.weight.is_finite());
                }
            }
        }
    }
}

#![no_main]
//! Fuzzes name analysis and name comparison, the text paths every screening query takes: any
//! bytes (read as UTF-8, lossily, and split at the first newline into two names) must give
//! forms and a score in 0–1 under every name kind, never a panic. An analyzer that lives
//! across inputs (remembering their words) must give what a fresh analysis gives.

use std::cell::RefCell;

use cordon_match::compare;
use cordon_model::Schema;
use cordon_text::{Analyzer, NameKind, analyze_with_case};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static SHARED: RefCell<Analyzer> = RefCell::new(Analyzer::new());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\n').unwrap_or((&text, "Kim Jong Un"));
    for kind in [NameKind::Person, NameKind::Organization, NameKind::Unknown] {
        let alone = analyze_with_case(a, kind);
        let shared = SHARED.with(|s| s.borrow_mut().analyze_with_case(a, kind));
        assert_eq!(shared, alone, "a remembered word changed the analysis of {a:?}");
    }
    for schema in [None, Some(Schema::Person), Some(Schema::Company)] {
        let c = compare(a, b, schema);
        assert!((0.0..=1.0).contains(&c.score), "score {} out of range", c.score);
    }
});

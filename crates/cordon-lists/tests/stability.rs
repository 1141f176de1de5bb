//! Ids and entities must not depend on anything but the file's bytes: a source whose second parse
//! differs would show spurious changes in every diff and re-screening run.

use cordon_lists::plan;

use crate::util::{assert_reparse_stable, lists_dir};

#[test]
fn every_real_source_reparses_identically() {
    let (plans, _) = plan(&lists_dir());
    assert!(
        plans.len() >= 10,
        "expected every real list, got {}",
        plans.len()
    );
    for p in &plans {
        assert_reparse_stable(p);
    }
}

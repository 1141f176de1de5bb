//! UN, EU (FSF XML and journal CSVs), FtM JSON lines and national/internal lists.

use std::collections::HashMap;

use cordon_lists::{
    CollectSink, Format, ListError, Role, SourceFile, SourcePlan, detect, parse_source,
};
use cordon_model::{Entity, Schema, prop};

use crate::util::{fixtures, lists_dir, parse_all, plan_for};

fn by_id(sink: &CollectSink) -> HashMap<&str, &Entity> {
    sink.entities.iter().map(|e| (e.id.as_str(), e)).collect()
}

fn in_memory(source: &str, format: Format, name: &str, data: &[u8]) -> SourcePlan {
    SourcePlan {
        source_id: source.into(),
        format,
        files: vec![SourceFile::in_memory(name, Role::Primary, data.to_vec())],
    }
}

fn parse_mem(
    source: &str,
    format: Format,
    name: &str,
    data: &[u8],
) -> Result<CollectSink, ListError> {
    let mut sink = CollectSink::default();
    parse_source(&in_memory(source, format, name, data), &mut sink).map(|_| sink)
}

// ---- UN ----------------------------------------------------------------------------------

#[test]
fn un_counts_match_provenance() {
    let plan = plan_for(&lists_dir(), "un-sc");
    assert_eq!(plan.format, Format::UnXml);
    let sink = parse_all(&plan);
    let count = |s: Schema, program: Option<&str>| {
        sink.entities
            .iter()
            .filter(|e| {
                e.schema == s && program.is_none_or(|p| e.get(prop::PROGRAM).iter().any(|v| v == p))
            })
            .count()
    };
    assert_eq!(count(Schema::Person, None), 730);
    assert_eq!(count(Schema::Organization, None), 273);
    assert_eq!(count(Schema::Person, Some("DPRK")), 80);
    assert_eq!(count(Schema::Organization, Some("DPRK")), 75);
    assert!(sink.entities.iter().all(|e| e.datasets == ["un-sc"]));
}

#[test]
fn un_dprk_individual_has_aliases_dob_passport() {
    let sink = parse_all(&plan_for(&lists_dir(), "un-sc"));
    let ids = by_id(&sink);
    let ra = ids["un-KPi.008"];
    assert_eq!(ra.schema, Schema::Person);
    assert_eq!(ra.caption, "RA KY'ONG-SU");
    for alias in [
        "Ra Kyung-Su",
        "Chang Myong Ho",
        "Chang Myo’ng-Ho",
        "Ra Kyong-Su",
    ] {
        assert!(ra.get(prop::ALIAS).iter().any(|a| a == alias), "{alias}");
    }
    assert_eq!(ra.get(prop::BIRTH_DATE), ["1954-06-04"]);
    assert_eq!(ra.get(prop::PASSPORT_NUMBER), ["645120196"]);
    assert_eq!(ra.get(prop::NATIONALITY), ["kp"]);
    assert_eq!(ra.get(prop::PROGRAM), ["DPRK"]);
    assert_eq!(ra.get(prop::LISTING_DATE), ["2013-01-22"]);
    let ri = ids["un-KPi.033"];
    assert_eq!(ri.caption, "RI WON HO");
    assert_eq!(
        ri.get(prop::POSITION),
        ["DPRK Ministry of State Security Official"]
    );
}

#[test]
fn un_original_script_and_weak_aliases() {
    // No DPRK record in this copy carries NAME_ORIGINAL_SCRIPT; the Iraq list does.
    let sink = parse_all(&plan_for(&lists_dir(), "un-sc"));
    let ids = by_id(&sink);
    let saddam = ids["un-IQi.001"];
    assert!(
        saddam
            .get(prop::ALIAS)
            .iter()
            .any(|a| a == "صدام حسين التكريتي")
    );
    let gaston = ids["un-CDi.003"];
    assert_eq!(gaston.get(prop::WEAK_ALIAS), ["Rumuli"]);
    assert!(gaston.get(prop::ALIAS).iter().any(|a| a == "Victor Rumuri"));
    let adf = ids["un-CDe.001"];
    assert!(adf.get(prop::PREVIOUS_NAME).iter().any(|a| a == "NALU"));
    let fuzzy: Vec<&str> = sink
        .entities
        .iter()
        .flat_map(|e| e.get(prop::BIRTH_DATE))
        .map(String::as_str)
        .filter(|d| d.starts_with('~') || d.contains('/'))
        .collect();
    assert!(fuzzy.iter().any(|d| d.starts_with('~')), "circa dates kept");
    assert!(fuzzy.iter().any(|d| d.contains('/')), "ranges kept");
}

#[test]
fn un_ids_stable_across_reparse() {
    let plan = plan_for(&lists_dir(), "un-sc");
    let a: Vec<String> = parse_all(&plan)
        .entities
        .into_iter()
        .map(|e| e.id)
        .collect();
    let b: Vec<String> = parse_all(&plan)
        .entities
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(a, b);
    let unique: std::collections::HashSet<&String> = a.iter().collect();
    assert_eq!(unique.len(), a.len(), "ids are unique");
}

#[test]
fn un_publication_date_from_date_generated() {
    let mut sink = CollectSink::default();
    let outcome = parse_source(&plan_for(&lists_dir(), "un-sc"), &mut sink).unwrap();
    assert_eq!(
        outcome.publication_date.as_deref(),
        Some("2026-02-27T00:00:09.554Z")
    );
}

#[test]
#[ignore = "prints a summary for development"]
fn dump_summary() {
    for source in ["un-sc", "eu-journal"] {
        let mut sink = CollectSink::default();
        let outcome = parse_source(&plan_for(&lists_dir(), source), &mut sink).unwrap();
        let mut codes: HashMap<String, usize> = HashMap::new();
        for d in &sink.diagnostics {
            *codes.entry(d.code.clone()).or_default() += 1;
        }
        println!("{source}: {} entities, {outcome:?}, {codes:?}", sink.entities.len());
        for d in sink.diagnostics.iter().take(15) {
            println!("  {d}");
        }
    }
}

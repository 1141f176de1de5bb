//! Cordon's FEBRL configuration, shared by the `febrl` example and the integration test.

use cordon_er::{
    BlockingRule, ComparisonSpec, Dataset, DatasetBuilder, KeyPart, LevelKind, LinkConfig,
    LinkType, Model, RecordRef,
};
use cordon_model::{Diagnostic, Location};

/// FEBRL's fields (after `rec_id`).
pub(crate) const FIELDS: [&str; 10] = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
];

/// The entity number of a FEBRL `rec_id` (`rec-<N>-org`, `rec-<N>-dup-<k>`).
pub(crate) fn entity_of(id: &str) -> Option<u32> {
    id.strip_prefix("rec-")?.split('-').next()?.parse().ok()
}

/// A dataset, the true entity of each record, and the diagnostics of reading.
pub(crate) type Loaded = (Dataset, Vec<u32>, Vec<Diagnostic>);

/// Reads one file (deduplication) or two (linkage, sources 0 and 1); returns the dataset, the
/// true entity of each record and the diagnostics.
pub(crate) fn load(
    files: &[impl AsRef<std::path::Path>],
) -> Result<Loaded, Box<dyn std::error::Error>> {
    let mut b = DatasetBuilder::new(&FIELDS);
    let mut truth = Vec::new();
    for (source, path) in files.iter().enumerate() {
        let path = path.as_ref();
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_path(path)?;
        let header: Vec<String> = rdr
            .byte_headers()?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_owned())
            .collect();
        let col = |name: &str| header.iter().position(|h| h == name);
        let id_col = col("rec_id").ok_or("no rec_id column")?;
        let cols: Vec<Option<usize>> = FIELDS.iter().map(|f| col(f)).collect();
        let mut rec = csv::ByteRecord::new();
        let mut line = 1u64;
        while rdr.read_byte_record(&mut rec)? {
            line += 1;
            let id = rec.get(id_col).unwrap_or_default();
            let fields: Vec<Option<&[u8]>> =
                cols.iter().map(|c| c.and_then(|c| rec.get(c))).collect();
            let loc = Location::file(path).line(line);
            if b.push(RecordRef {
                id,
                source: source as u16,
                fields: &fields,
                keys: &[],
                location: &loc,
            })
            .is_some()
            {
                let id = String::from_utf8_lossy(id);
                truth.push(entity_of(id.trim()).unwrap_or(u32::MAX - truth.len() as u32));
            }
        }
    }
    let (ds, diags) = b.finish();
    Ok((ds, truth, diags))
}

/// Cordon's FEBRL model: Splink's FEBRL comparisons plus swapped names, transposed dates and
/// the address fields, trained the way Splink's FEBRL examples train.
pub(crate) fn train(
    ds: &cordon_er::Dataset,
    link_type: LinkType,
) -> Result<Model, Box<dyn std::error::Error>> {
    let swapped = |other: &str| LevelKind::Swapped(other.to_owned());
    let mut model = Model::new(vec![
        ComparisonSpec::name("given_name")
            .with_level_at(1, "swapped with surname", swapped("surname"))
            .tf(),
        ComparisonSpec::name("surname")
            .with_level_at(1, "swapped with given name", swapped("given_name"))
            .tf(),
        ComparisonSpec::date("date_of_birth"),
        ComparisonSpec::damerau("soc_sec_id", &[1, 2]),
        ComparisonSpec::exact("street_number").tf(),
        ComparisonSpec::damerau("postcode", &[1, 2]).tf(),
        ComparisonSpec::name("address_1").named("address_1"),
        ComparisonSpec::name("suburb").named("suburb"),
    ])?;
    let recall = if link_type == LinkType::LinkOnly {
        0.8
    } else {
        0.9
    };
    model.estimate_lambda(
        ds,
        link_type,
        &[
            BlockingRule::on(&["soc_sec_id"]),
            BlockingRule::on(&["given_name", "surname", "date_of_birth"]),
        ],
        recall,
    )?;
    model.estimate_u(ds, link_type, 100_000, 2)?;
    for rule in [
        BlockingRule::on(&["date_of_birth"]),
        BlockingRule::on(&["postcode"]),
    ] {
        model.estimate_m_em(ds, link_type, &rule, 25)?;
    }
    Ok(model)
}

pub(crate) fn link_config(link_type: LinkType) -> LinkConfig {
    LinkConfig {
        link_type,
        blocking: vec![
            BlockingRule::on(&["soc_sec_id"]),
            BlockingRule::on(&["given_name", "surname"]),
            BlockingRule::on(&["date_of_birth"]),
            BlockingRule::on(&["postcode"]),
            BlockingRule::on(&["street_number", "address_1"]),
            BlockingRule::on(&["given_name"]).and(KeyPart::Prefix("date_of_birth".into(), 4)),
            BlockingRule::on(&["surname"]).and(KeyPart::Prefix("date_of_birth".into(), 4)),
            BlockingRule::on(&["given_name", "suburb"]),
            BlockingRule::on(&["surname", "suburb"]),
        ],
        identifiers: false,
        // Keep everything above probability 0.2 (as Splink's examples predict); clustering
        // applies the real thresholds.
        threshold: (0.2f64 / 0.8).log2(),
        ..LinkConfig::default()
    }
}

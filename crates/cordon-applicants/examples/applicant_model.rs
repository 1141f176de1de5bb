//! Trains the compiled-in applicant model (`src/applicant_model.json`): the applicant
//! name/date/address comparisons trained by `cordon_applicants::train_model` (λ from a
//! deterministic rule, u by random sampling, m by EM) on FEBRL dataset3, whose duplicates are
//! people written twice with typos. Batches too small to train on use it.
//!
//! ```text
//! applicant_model [FEBRL_CSV] > crates/cordon-applicants/src/applicant_model.json
//! ```
//! FEBRL_CSV defaults to `$CORDON_SHARED_DATA/er/febrl/dataset3.csv` (or `../shared/data/…`).

use cordon_applicants::{LINK_FIELDS, train_model};
use cordon_er::{DatasetBuilder, RecordRef, normalize};
use cordon_model::Location;

type Error = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("applicant_model: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Error> {
    let path = match std::env::args().nth(1) {
        Some(p) => std::path::PathBuf::from(p),
        None => std::path::PathBuf::from(
            std::env::var("CORDON_SHARED_DATA").unwrap_or_else(|_| "../shared/data".into()),
        )
        .join("er/febrl/dataset3.csv"),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> = rdr.headers()?.iter().map(|h| h.trim().to_owned()).collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{}: no {name} column", path.display()))
    };
    let (id, given, surname, dob) = (
        col("rec_id")?,
        col("given_name")?,
        col("surname")?,
        col("date_of_birth")?,
    );
    let (number, street, suburb) = (col("street_number")?, col("address_1")?, col("suburb")?);
    let mut b = DatasetBuilder::new(&LINK_FIELDS);
    for (line, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let get = |i: usize| rec.get(i).unwrap_or("").to_lowercase();
        let address =
            normalize::address(&format!("{} {} {}", get(number), get(street), get(suburb)))
                .unwrap_or_default();
        let values = [get(given), get(surname), get(dob), address];
        let fields: Vec<Option<&[u8]>> = values
            .iter()
            .map(|v| (!v.is_empty()).then_some(v.as_bytes()))
            .collect();
        b.push(RecordRef {
            id: rec.get(id).unwrap_or("").as_bytes(),
            source: 0,
            fields: &fields,
            keys: &[],
            location: &Location::file(&path).line(line as u64 + 2),
        });
    }
    let (ds, diags) = b.finish();
    if let Some(d) = diags.first() {
        return Err(format!("{d}").into());
    }
    let model = train_model(&ds, usize::MAX, 0xA991)?;
    println!("{}", serde_json::to_string_pretty(&model)?);
    Ok(())
}

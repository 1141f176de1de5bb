//! Parsers for every sanctions-list format Cordon reads, and detection of formats by content.
//!
//! The flow is: [`plan`] walks a directory, sniffs every file's first bytes ([`detect`]) and
//! groups the files into [`SourcePlan`]s (one per source: the OFAC SDN CSV set is one source of
//! four files; the UK YAML records are one source of hundreds). [`parse_source`] then streams one
//! source's files and hands each [`Entity`] to an [`EntitySink`] as soon as it is complete, so
//! memory stays bounded whatever the file size. Problems with single records become
//! [`Diagnostic`] warnings and parsing goes on; problems that make the source untrustworthy
//! (truncated XML, a file with no entities, unreadable bytes) are a [`ListError`], and the caller
//! must then keep the source's last good version.
//!
//! ```no_run
//! use cordon_lists::{plan, parse_source, CollectSink};
//!
//! let (plans, diagnostics) = plan("../shared/data/lists".as_ref());
//! for d in &diagnostics { eprintln!("{d}"); }
//! for p in &plans {
//!     let mut sink = CollectSink::default();
//!     let outcome = parse_source(p, &mut sink)?;
//!     println!("{}: {} entities (published {:?})", p.source_id, sink.entities.len(), outcome.publication_date);
//! }
//! # Ok::<(), cordon_lists::ListError>(())
//! ```

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cordon_model::{Diagnostic, Entity, Location};

mod error;
mod eu_fsf;
mod eu_journal;
mod ftm;
mod jp_mof;
mod national;
mod ofac_advanced;
mod ofac_crypto;
mod ofac_csv;
mod stix;
mod uk_ofsi;
mod uk_sl;
mod uk_yaml;
mod un;
mod util;

pub use error::ListError;
pub use ftm::write_ftm;

/// A list format Cordon can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Format {
    /// OFAC SDN legacy CSV set: `sdn.csv` with `add.csv`, `alt.csv`, `sdn_comments.csv`.
    OfacSdnCsv,
    /// OFAC consolidated (non-SDN) legacy CSV set: `cons_prim.csv` and companions.
    OfacConsCsv,
    /// OFAC `SDN_ADVANCED.XML` (and `CONS_ADVANCED.XML`).
    OfacAdvancedXml,
    /// meefs/ofac-naughtylist `all_addresses.json` (+ `metadata.json`).
    OfacCryptoNaughtylist,
    /// thomasgregg/crypto-sanctions-list `sanctioned-addresses.json`.
    OfacCryptoSanctionsList,
    /// 0xB10C per-ticker `sanctioned_addresses_<TICKER>.json|txt`.
    OfacCrypto0xB10C,
    /// UN Security Council consolidated list XML.
    UnXml,
    /// EU Financial Sanctions Files XML (`export` root).
    EuFsfXml,
    /// OpenSanctions' EU journal annex CSVs (one per framework act).
    EuJournalCsv,
    /// UK Sanctions List spreadsheet (`.ods`).
    UkSlOds,
    /// UK Sanctions List CSV.
    UkSlCsv,
    /// UK Sanctions List XML.
    UkSlXml,
    /// OFSI consolidated list `ConList.csv`.
    UkOfsiCsv,
    /// Processed UK designation YAML records (ammitto/data-uk).
    UkYaml,
    /// Japan Ministry of Finance asset-freeze list `.xlsx`.
    JpMofXlsx,
    /// FollowTheMoney JSON lines (OpenSanctions exports).
    FtmJson,
    /// Cordon's national/internal list CSV (see `docs/list-formats.md`).
    NationalCsv,
    /// Cordon's national/internal list JSON lines.
    NationalJson,
    /// A STIX 2.1 bundle (agency advisories, shared indicators); see `docs/sharing.md`.
    StixBundle,
}

impl Format {
    /// A short stable name, as shown in `cordon lists`.
    pub fn name(self) -> &'static str {
        match self {
            Format::OfacSdnCsv => "ofac-sdn-csv",
            Format::OfacConsCsv => "ofac-cons-csv",
            Format::OfacAdvancedXml => "ofac-advanced-xml",
            Format::OfacCryptoNaughtylist => "ofac-crypto-naughtylist",
            Format::OfacCryptoSanctionsList => "ofac-crypto-sanctions-list",
            Format::OfacCrypto0xB10C => "ofac-crypto-0xb10c",
            Format::UnXml => "un-xml",
            Format::EuFsfXml => "eu-fsf-xml",
            Format::EuJournalCsv => "eu-journal-csv",
            Format::UkSlOds => "uk-sl-ods",
            Format::UkSlCsv => "uk-sl-csv",
            Format::UkSlXml => "uk-sl-xml",
            Format::UkOfsiCsv => "uk-ofsi-csv",
            Format::UkYaml => "uk-yaml",
            Format::JpMofXlsx => "jp-mof-xlsx",
            Format::FtmJson => "ftm-json",
            Format::NationalCsv => "national-csv",
            Format::NationalJson => "national-json",
            Format::StixBundle => "stix-bundle",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a file is within its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Role {
    /// The file that holds the records (e.g. `sdn.csv`).
    Primary,
    /// Addresses companion (`add.csv`).
    Addresses,
    /// Aliases companion (`alt.csv`).
    Aliases,
    /// Remarks continuation (`sdn_comments.csv`).
    Comments,
    /// Metadata (e.g. naughtylist `metadata.json`).
    Metadata,
}

/// One input file: on disk, or in memory (tests and fuzzing).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path (also used as the name in diagnostics for in-memory files).
    pub path: PathBuf,
    /// What the file is within its source.
    pub role: Role,
    /// In-memory content; when `None` the file is read from `path`.
    pub data: Option<Arc<[u8]>>,
}

impl SourceFile {
    /// A file on disk.
    pub fn on_disk(path: impl Into<PathBuf>, role: Role) -> Self {
        SourceFile {
            path: path.into(),
            role,
            data: None,
        }
    }

    /// A file in memory, named `name` in diagnostics.
    pub fn in_memory(name: impl Into<PathBuf>, role: Role, data: impl Into<Arc<[u8]>>) -> Self {
        SourceFile {
            path: name.into(),
            role,
            data: Some(data.into()),
        }
    }

    /// Opens the content as a buffered stream.
    pub fn open(&self) -> Result<Box<dyn BufRead + Send + '_>, ListError> {
        match &self.data {
            Some(d) => Ok(Box::new(Cursor::new(&d[..]))),
            None => {
                let f = File::open(&self.path).map_err(|e| ListError::io(&self.path, e))?;
                Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
            }
        }
    }

    /// Reads the whole content (for small files and zip containers such as xlsx/ods).
    pub fn bytes(&self) -> Result<Arc<[u8]>, ListError> {
        match &self.data {
            Some(d) => Ok(d.clone()),
            None => std::fs::read(&self.path)
                .map(Into::into)
                .map_err(|e| ListError::io(&self.path, e)),
        }
    }

    /// A location pointing at this file.
    pub fn loc(&self) -> Location {
        Location::file(&self.path)
    }
}

/// One source to ingest: its id, format and files.
#[derive(Debug, Clone)]
pub struct SourcePlan {
    /// The source id (`ofac-sdn`, `un-sc`, `eu-journal`, `uk-sl`, `jp-mof`, `<list-id>` …).
    pub source_id: String,
    /// The format of its primary files.
    pub format: Format,
    /// The files, sorted by path.
    pub files: Vec<SourceFile>,
}

/// What a parser learnt about a source beyond its entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOutcome {
    /// The list's own publication date, ISO 8601, when the file states one.
    pub publication_date: Option<String>,
    /// A human title for the source, when the file names one.
    pub title: Option<String>,
}

/// Where parsed entities and diagnostics go.
pub trait EntitySink {
    /// Receives one complete entity. An error aborts the parse.
    fn entity(&mut self, entity: Entity) -> Result<(), ListError>;
    /// Receives a warning or record-level error; parsing goes on.
    fn diagnostic(&mut self, diagnostic: Diagnostic);
}

/// A sink that keeps everything in memory (tests, small sources).
#[derive(Debug, Default)]
pub struct CollectSink {
    /// Entities in the order received.
    pub entities: Vec<Entity>,
    /// Diagnostics in the order received.
    pub diagnostics: Vec<Diagnostic>,
}

impl EntitySink for CollectSink {
    fn entity(&mut self, entity: Entity) -> Result<(), ListError> {
        self.entities.push(entity);
        Ok(())
    }

    fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// What [`detect`] found a file to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The format.
    pub format: Format,
    /// The source the file belongs to.
    pub source_id: String,
    /// Its role within the source.
    pub role: Role,
}

/// How many leading bytes [`detect`] looks at.
pub const SNIFF_BYTES: usize = 16 * 1024;

/// Detects a file's format from its name and first bytes (`head`, up to [`SNIFF_BYTES`]).
/// Content decides; the name only separates formats whose content is alike (the OFAC companion
/// CSVs have no header). `None` for files that are not a list Cordon reads.
pub fn detect(path: &Path, head: &[u8]) -> Option<Detection> {
    type Sniffer = fn(&Path, &[u8]) -> Option<Detection>;
    let sniffers: [Sniffer; 14] = [
        ofac_csv::sniff,
        ofac_advanced::sniff,
        ofac_crypto::sniff,
        un::sniff,
        eu_fsf::sniff,
        eu_journal::sniff,
        uk_sl::sniff,
        uk_ofsi::sniff,
        uk_yaml::sniff,
        jp_mof::sniff,
        stix::sniff,
        ftm::sniff,
        national::sniff,
        util::sniff_never,
    ];
    sniffers.iter().find_map(|s| s(path, head))
}

/// Walks `dir` recursively, detects every file and groups them into sources. Files that are not
/// lists (and `PROVENANCE.md`, `README*`, `LICENSE*`, dot-files) are reported as warnings with
/// code `unknown-file`; unreadable files as errors.
pub fn plan(dir: &Path) -> (Vec<SourcePlan>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    util::walk(dir, &mut files, &mut diags);
    files.sort();
    plan_files(&files, &mut diags)
        .into_iter()
        .fold((Vec::new(), diags), |(mut plans, diags), p| {
            plans.push(p);
            (plans, diags)
        })
}

/// Groups the given files into sources (see [`plan`]).
pub fn plan_files(files: &[PathBuf], diags: &mut Vec<Diagnostic>) -> Vec<SourcePlan> {
    let mut plans: Vec<SourcePlan> = Vec::new();
    for path in files {
        let head = match read_head(path) {
            Ok(h) => h,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "unreadable-file",
                    e.to_string(),
                    Location::file(path),
                ));
                continue;
            }
        };
        let Some(det) = detect(path, &head) else {
            if !util::is_documentation(path) {
                let why = if head.is_empty() {
                    "empty file"
                } else {
                    "not a list format Cordon reads"
                };
                diags.push(Diagnostic::warning(
                    "unknown-file",
                    why,
                    Location::file(path),
                ));
            }
            continue;
        };
        let file = SourceFile::on_disk(path, det.role);
        match plans.iter_mut().find(|p| p.source_id == det.source_id) {
            Some(p) if p.format == det.format || det.role != Role::Primary => p.files.push(file),
            Some(p) if p.files.iter().all(|f| f.role != Role::Primary) => {
                p.format = det.format;
                p.files.push(file);
            }
            Some(p) => diags.push(Diagnostic::warning(
                "source-conflict",
                format!("also looks like source {} in format {}, which is already read from {}; skipped", det.source_id, det.format, p.format),
                Location::file(path),
            )),
            None => plans.push(SourcePlan { source_id: det.source_id, format: det.format, files: vec![file] }),
        }
    }
    for p in &mut plans {
        p.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    plans.sort_by(|a, b| a.source_id.cmp(&b.source_id));
    plans
}

fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// Every format, in a stable order.
pub const ALL_FORMATS: [Format; 19] = [
    Format::OfacSdnCsv,
    Format::OfacConsCsv,
    Format::OfacAdvancedXml,
    Format::OfacCryptoNaughtylist,
    Format::OfacCryptoSanctionsList,
    Format::OfacCrypto0xB10C,
    Format::UnXml,
    Format::EuFsfXml,
    Format::EuJournalCsv,
    Format::UkSlOds,
    Format::UkSlCsv,
    Format::UkSlXml,
    Format::UkOfsiCsv,
    Format::UkYaml,
    Format::JpMofXlsx,
    Format::FtmJson,
    Format::NationalCsv,
    Format::NationalJson,
    Format::StixBundle,
];

/// Parses one in-memory file as the primary file of a source in `format` (fuzzing, uploads,
/// tests). `name` is used in diagnostics and, for formats that read it, as the file name.
pub fn parse_bytes(
    format: Format,
    name: &str,
    data: &[u8],
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let plan = SourcePlan {
        source_id: "upload".to_owned(),
        format,
        files: vec![SourceFile::in_memory(name, Role::Primary, data.to_vec())],
    };
    parse_source(&plan, sink)
}

/// Parses one source, streaming its entities into `sink`.
///
/// Every entity gets the source id in its `datasets`. A source whose files describe no entity
/// at all is an error ([`ListError::NoEntities`]): an empty download must never replace a list.
pub fn parse_source(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut counting = util::CountingSink {
        inner: sink,
        source: &plan.source_id,
        count: 0,
    };
    let outcome = match plan.format {
        Format::OfacSdnCsv | Format::OfacConsCsv => ofac_csv::parse(plan, &mut counting),
        Format::OfacAdvancedXml => ofac_advanced::parse(plan, &mut counting),
        Format::OfacCryptoNaughtylist
        | Format::OfacCryptoSanctionsList
        | Format::OfacCrypto0xB10C => ofac_crypto::parse(plan, &mut counting),
        Format::UnXml => un::parse(plan, &mut counting),
        Format::EuFsfXml => eu_fsf::parse(plan, &mut counting),
        Format::EuJournalCsv => eu_journal::parse(plan, &mut counting),
        Format::UkSlOds | Format::UkSlCsv | Format::UkSlXml => uk_sl::parse(plan, &mut counting),
        Format::UkOfsiCsv => uk_ofsi::parse(plan, &mut counting),
        Format::UkYaml => uk_yaml::parse(plan, &mut counting),
        Format::JpMofXlsx => jp_mof::parse(plan, &mut counting),
        Format::FtmJson => ftm::parse(plan, &mut counting),
        Format::NationalCsv | Format::NationalJson => national::parse(plan, &mut counting),
        Format::StixBundle => stix::parse(plan, &mut counting),
    }?;
    if counting.count == 0 {
        let path = plan
            .files
            .first()
            .map(|f| f.path.clone())
            .unwrap_or_default();
        return Err(ListError::NoEntities { path });
    }
    Ok(outcome)
}

//! STIX 2.1 sharing for Cordon: export list-derived indicators and findings as a bundle, import
//! an agency's bundle as a watch-list, and write the same indicators as a MISP event.
//!
//! Cyber observables get the deterministic ids of STIX 2.1 §2.9 ([`ids::sco_id`]); SDOs and
//! relationships get UUIDv5 ids in Cordon's namespace, so exporting the same entities twice gives
//! the same bundle apart from timestamps. Every object carries one of the official TLP 2.0
//! markings ([`Tlp`]). Wallets use the `cryptocurrency-wallet` observable defined by Cordon's
//! extension ([`export::WALLET_EXTENSION`]).
//!
//! ```
//! use cordon_model::{Entity, Schema, prop};
//! use cordon_stix::{ExportOptions, Tlp, export_entities, bundle_to_entities, parse_bundle};
//!
//! let mut p = Entity::new("kp-1", Schema::Person);
//! p.add(prop::NAME, "Kim Chol");
//! p.add(prop::NATIONALITY, "kp");
//! p.add(prop::EMAIL, "kim.dev@example.com");
//! let opts = ExportOptions { tlp: Tlp::Green, ..ExportOptions::default() };
//! let bundle = export_entities(&[p], opts);
//! let json = bundle.to_json();
//! let checked = parse_bundle("b.json".as_ref(), json.as_bytes())?;
//! let back = bundle_to_entities(&checked.bundle, "b.json".as_ref());
//! assert_eq!(back.entities[0].first(prop::EMAIL), Some("kim.dev@example.com"));
//! # Ok::<(), cordon_stix::StixError>(())
//! ```

mod error;
pub mod export;
pub mod findings;
pub mod ids;
pub mod import;
pub mod misp;
mod object;
pub mod time;
mod tlp;

pub use error::StixError;
pub use export::{BundleBuilder, ExportOptions, export_entities};
pub use import::{Imported, bundle_to_entities};
pub use object::{
    Bundle, CUSTOM_WALLET_TYPES, CheckedBundle, MAX_BUNDLE_BYTES, Object, SCO_TYPES, parse_bundle,
    read_bundle,
};
pub use tlp::{ALL_TLP, TLP2_EXTENSION, Tlp};

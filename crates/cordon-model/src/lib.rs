//! Cordon's entity model: one shape for every sanctions list, national list and watch-list.
//!
//! The model follows OpenSanctions' FollowTheMoney (FtM): an [`Entity`] has a stable `id`, a
//! [`Schema`] (Person, Organization, Company, LegalEntity, Vessel, Aircraft, CryptoWallet) and
//! multi-valued string properties named as in FtM ([`prop`]). Typed views parse the values that
//! need it: [`DateValue`] keeps a date's precision (`1965`, `1965-06`, `1965-06-29`), circa dates
//! and ranges; [`country`] maps the many ways lists write a country onto ISO 3166-1 alpha-2 codes.
//! [`Diagnostic`] is the shared shape of a warning or error about bad input, naming the file,
//! line, byte offset and field.
//!
//! ```
//! use cordon_model::{Entity, Schema, prop, DateValue};
//!
//! let mut e = Entity::new("ofac-27307", Schema::Organization);
//! e.add(prop::NAME, "LAZARUS GROUP");
//! e.add(prop::ALIAS, "HIDDEN COBRA");
//! e.add(prop::ALIAS, "HIDDEN COBRA"); // duplicates are ignored
//! e.add(prop::COUNTRY, cordon_model::country::code("Korea, North").unwrap());
//! assert_eq!(e.get(prop::ALIAS), ["HIDDEN COBRA"]);
//! assert_eq!(e.first(prop::COUNTRY), Some("kp"));
//!
//! let d: DateValue = "circa 1965".parse()?;
//! assert_eq!(d.to_string(), "~1965");
//! # Ok::<(), cordon_model::DateError>(())
//! ```

mod cldr_countries;
pub mod country;
mod date;
mod diag;
mod entity;
mod iso_countries;
pub mod prop;
mod schema;

pub use date::{DateError, DateValue, PartialDate, parse_dates};
pub use diag::{Diagnostic, Location, Severity};
pub use entity::{Entity, Provenance};
pub use schema::{Schema, UnknownSchema};

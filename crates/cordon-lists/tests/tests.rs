//! Integration tests for the list parsers, on the real files in `../shared/data/lists` and on
//! fixtures written from the publishers' documentation.

mod ofac;
mod stability;
mod uk_jp;
mod un_eu;
mod util;

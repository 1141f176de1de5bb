//! Integration tests of applicant screening: one test per rule (fires and does not fire), IP
//! databases, list hits on the real OFAC list, linkage, and bad input.

mod input;
mod linking;
mod lists;
mod rules;
mod util;

//! Integration tests of applicant screening: one test per rule (fires and does not fire), IP
//! databases, list hits on the real OFAC list, linkage, and bad input.

mod input;
mod lists;
mod rules;
mod util;

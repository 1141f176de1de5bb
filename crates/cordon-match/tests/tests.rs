//! Integration tests: the labelled development set, screening, cross-list grouping, bad input.

mod devset;
mod grouping;
mod screen_precision;
mod screening;

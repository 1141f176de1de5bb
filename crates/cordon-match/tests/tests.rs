//! Integration tests: the labelled development set, screening, bad input.

mod devset;
mod screen_precision;
mod screening;

//! Integration tests of cordon-er: FEBRL accuracy floors, invariants (property tests), bad
//! input.

mod bad_input;
mod febrl;
mod population;
mod props;

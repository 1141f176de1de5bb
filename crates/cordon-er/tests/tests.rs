//! Integration tests of cordon-er: FEBRL accuracy floors, invariants (property tests), bad
//! input and the ring generator.

mod febrl;

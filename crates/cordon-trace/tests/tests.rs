//! Integration tests of the tracing engine.

mod bybit;
mod synthetic;

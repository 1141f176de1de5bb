//! Integration tests for cordon-text, one binary.

mod scripts;

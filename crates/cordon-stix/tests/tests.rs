//! Integration tests for cordon-stix (one binary).

mod roundtrip;

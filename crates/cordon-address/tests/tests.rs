//! Integration tests against real addresses in the shared data.

mod real_data;

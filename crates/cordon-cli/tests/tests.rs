//! End-to-end tests of the `cordon` binary on the real lists in `../shared/data/lists`.

mod address;
mod applicants;
mod console;
mod ingest;
mod screen;
mod serve;
mod stix;
mod taxii;
mod tx;
mod util;

//! Integration tests of the transaction store.

mod ingest;
mod robust;
mod save;

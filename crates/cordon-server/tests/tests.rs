//! Integration tests of the screening service, through the router with no socket.

mod util;

mod api;
mod applicants;
mod audit;
mod changes;
mod decisions;
mod funds;
mod reload;
mod rescreen;
mod review;
mod taxii;

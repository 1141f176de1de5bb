//! Integration tests of the screening service, through the router with no socket.

mod util;

mod api;
mod audit;
mod decisions;
mod reload;
mod rescreen;
mod taxii;

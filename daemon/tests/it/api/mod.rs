//! The HTTP API, spawned in-process, on both backends.

mod correlation;
mod errors;
mod health;
mod request_log;

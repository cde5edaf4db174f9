//! The operator web console over HTTP, on both backends: sessions, CSRF, security headers,
//! escaping and the live tail. `support.rs` is the browser the tests (and later page
//! tests) drive.

mod authorize;
mod browser;
mod csrf;
mod dlq;
mod inbox;
mod pages;
mod sessions;
pub(crate) mod support;
mod trace_pages;

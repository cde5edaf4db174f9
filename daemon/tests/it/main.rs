//! orchd integration tests: one binary (one link) with a module per area.
//!
//! Tests that need Postgres or Redis read `ORCH_TEST_POSTGRES_URL` / `ORCH_TEST_REDIS_URL`
//! (defaults on 127.0.0.1). When a server is unreachable they fail if `CI` is set, and
//! otherwise skip with a loud message on stderr.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod conformance;
mod console;
mod dispatch;
mod helpers;
mod orchctl;
mod process;
mod secrets;

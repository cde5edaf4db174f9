//! The one integration-test binary of `orchctl`: runs the real binary and checks the
//! committed generated files. `ORCH_BLESS=1 cargo nextest run -p orchctl` refreshes them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod exit_status;
mod generated;
mod help;
mod support;

//! `orch-core`: the domain core of orch, shared by the daemon (`orchd`) and the CLI (`orchctl`).
//!
//! Architecture invariant: this crate does no I/O — no database, no network, no files, no
//! server. It holds data types, parsing and validation that both sides must agree on.

pub mod api;
pub mod audit;
pub mod canonical;
pub mod config;
pub mod ids;
pub mod policy;
pub mod problem;
pub mod rbac;
pub mod request_id;
pub mod tenant;
pub mod trace;
pub mod units;
pub mod webhooks;

pub use problem::{ErrorCode, Problem};

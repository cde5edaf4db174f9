//! The records and queries the store reads and writes: plain data with small pure helpers
//! (views for the API, builders). The store depends on this module and nothing above it;
//! the services that own each concept re-export their types from here.
//!
//! **Invariant:** nothing here imports from the rest of the daemon (only other model files,
//! `orch_core`, std and external crates), so the store sits at the bottom of the module graph.

pub mod connection_url;
pub mod console_sessions;
pub mod dispatch;
pub mod events;
pub mod idempotency;
pub mod identity;
pub mod inbox;
pub mod jobs;
pub mod quotas;
pub mod request_log;
pub mod tenant_config;

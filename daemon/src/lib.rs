//! `orchd`: the orch daemon as a library, so tests start it in-process on port 0.

pub mod batch;
pub mod cli;
pub mod dispatch;
pub mod events;
pub mod executor;
pub mod http;
pub mod idempotency;
pub mod identity;
pub mod jobs;
pub mod metrics;
pub mod model;
pub mod private_files;
pub mod quotas;
pub mod readiness;
pub mod redis;
pub mod request_log;
pub mod resilience;
pub mod secrets;
pub mod settings;
pub mod shutdown;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod tenant_config;
pub mod tls;
pub mod webhooks;

//! The HTTP API, spawned in-process, on both backends.

mod audit;
mod clients;
mod config;
mod connections;
mod correlation;
mod dispatch;
pub(crate) mod dlq;
mod errors;
mod event_stream;
mod events;
mod execute;
mod fuzz_bodies;
mod hardening;
mod health;
mod idempotency;
mod impersonation;
mod inbox;
mod jobs;
mod metrics;
mod openapi;
mod operators;
mod quotas;
mod rbac;
mod request_log;
mod resilience;
mod tenant_auth;
mod traces;

pub(crate) mod webhooks;
mod workers;

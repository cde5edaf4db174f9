//! The HTTP API, spawned in-process, on both backends.

mod audit;
mod clients;
mod correlation;
mod errors;
mod health;
mod impersonation;
mod operators;
mod rbac;
mod request_log;
mod tenant_auth;

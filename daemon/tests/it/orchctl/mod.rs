//! `orchctl` against a real orchd, in-process: each command is parsed and run through
//! `orchctl::execute` with captured streams, no terminal, and credentials injected through
//! `orchctl::Env` instead of process variables.

mod audit;
mod breakers;
mod config;
mod credentials;
mod dlq;
mod events;
mod inbox;
mod login;
mod operators;
mod support;
mod tenants;
mod webhooks;

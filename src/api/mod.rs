//! Request and response types of the HTTP API, shared by `orchd` and `orchctl`.

pub mod audit;
pub mod auth;
pub mod breakers;
pub mod clients;
pub mod config;
pub mod dlq;
pub mod events;
pub mod execute;
pub mod health;
pub mod impersonations;
pub mod inbox;
pub mod jobs;
pub mod list;
pub mod operators;
pub mod sse;
pub mod traces;

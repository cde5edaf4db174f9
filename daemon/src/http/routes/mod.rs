//! One file per resource.

pub mod health;
pub mod auth;

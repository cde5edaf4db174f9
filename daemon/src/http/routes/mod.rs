//! One file per resource.

pub mod auth;
pub mod events;
pub mod execute;
pub mod health;
pub mod jobs;
pub mod tenant;
pub mod webhooks;

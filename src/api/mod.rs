//! Request and response types of the HTTP API, shared by `orchd` and `orchctl`.

pub mod health;
pub mod list;

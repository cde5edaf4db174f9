//! The storage conformance suite: every test runs against both backends
//! (`conformance::<area>::postgres::…` and `…::sqlite::…`), each on a fresh database.
//! Every store operation added later gets its tests here.

mod audit;
mod configs;
mod console_sessions;
mod events;
mod idempotency;
mod identity;
mod inbox;
pub(crate) mod jobs;
mod migrations;
mod quotas;
mod request_log;
mod schema;

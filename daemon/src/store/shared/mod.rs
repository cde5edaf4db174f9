//! What the two SQL backends share: every resource whose statements read the same in both
//! dialects (configs, tenant clients and impersonations, operators, audit, request log,
//! events) is implemented once, for every `SqlBackend` (`backend.rs`), with its SQL, binding
//! and row decoding in its file here. What differs per dialect is a `Dialect` hook: how a
//! write transaction begins, the row locks only Postgres has, the advisory lock that
//! serialises appends. Jobs, inbox, idempotency and quotas stay per backend.
//!
//! Statements use `$n` parameters, which sqlx's SQLite driver accepts as well. The dialects
//! differ in column types (ids, times, JSON); `Param` and `Column` (in `codec.rs`) hide that.

mod audit;
mod backend;
mod codec;
mod configs;
mod console_sessions;
mod events;
mod operators;
mod request_log;
mod tenants;

pub(super) use audit::append_in_tx;
pub(super) use backend::{Conn, Dialect, Filter, SqlBackend, Statement, Tuple, Tx};
pub(super) use codec::{Param, StoreRow};

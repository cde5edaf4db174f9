//! What the two SQL backends share for the resources whose statements read the same in both
//! dialects (configs, tenant clients and impersonations, operators, audit): the SQL text, the
//! binding of a record's fields and the decoding of a row into a record. Each backend still
//! runs the statements, in its own transactions and with its own locking (Postgres row and
//! advisory locks, SQLite `BEGIN IMMEDIATE`), so only those parts stay per backend.
//!
//! Statements use `$n` parameters, which sqlx's SQLite driver accepts as well. The dialects
//! differ in column types (ids, times, JSON); `Param` and `Column` (in `codec.rs`) hide that.

pub(super) mod audit;
pub(super) mod configs;
pub(super) mod console_sessions;
pub(super) mod operators;
pub(super) mod tenants;

mod codec;

pub(super) use codec::{Filter, PgQuery, SqliteQuery, Statement, StoreRow};

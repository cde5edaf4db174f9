//! How the shared store code runs on either backend: `SqlBackend` (a store: its pool and
//! audit key), `Dialect` (the few ways the two SQL dialects differ, implemented for
//! `Postgres` in `store/postgres/mod.rs` and for `Sqlite` in `store/sqlite/mod.rs`), and
//! `Conn`, which runs shared statements on a pooled connection or in a write transaction.
//! `Statement`, `Filter` and `Tuple` build those statements from shared text, binding each
//! field the way its backend stores it (`Param`).

use std::marker::PhantomData;
use std::ops::DerefMut;

use orch_core::audit::AuditKey;
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::query_builder::Separated;
use sqlx::{
    Database, Encode, Executor, IntoArguments, Pool, QueryBuilder, SqlSafeStr, Transaction, Type,
};

use super::codec::{Param, StoreRow};
use crate::store::StoreError;

/// A backend's sqlx database and what differs in its dialect.
pub(crate) trait Dialect: Database<Row: StoreRow, Arguments: IntoArguments<Self>> {
    /// The statement that begins a write transaction.
    const BEGIN_WRITE: &'static str;
    /// Appended to a `SELECT` in a write transaction: locks the rows read until commit.
    const FOR_UPDATE: &'static str;
    /// Appended to a `SELECT` in a write transaction: keeps the rows read from changing until
    /// commit, while letting other `FOR_SHARE` readers in.
    const FOR_SHARE: &'static str;

    /// `value` as this backend stores it.
    fn encode<'q, P: Param<'q>>(value: P) -> impl Encode<'q, Self> + Type<Self>;
    /// A connection as an executor (sqlx implements `Executor` for each backend's
    /// connection, not for a generic one).
    fn on(conn: &mut Self::Connection) -> impl Executor<'_, Database = Self>;
    fn rows_affected(done: &Self::QueryResult) -> u64;
    /// Makes appends under `key` (the audit chain, the event log) queue behind this write
    /// transaction until it ends.
    fn lock_appends(
        conn: &mut Self::Connection,
        key: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A store on one of the SQL backends; the shared resources are implemented once for every
/// `SqlBackend` (in `store/shared/<resource>.rs`).
pub(crate) trait SqlBackend: Send + Sync + 'static {
    type Db: Dialect;

    fn pool(&self) -> &Pool<Self::Db>;
    /// The key audit rows are sealed with (an error when the store has none).
    fn audit_key(&self) -> Result<&AuditKey, StoreError>;

    /// A pooled connection: each statement on it commits on its own.
    fn conn(&self) -> impl Future<Output = Result<Pooled<Self::Db>, StoreError>> + Send {
        Pooled::acquire(self.pool())
    }

    /// A write transaction, begun the dialect's way.
    fn transaction(&self) -> impl Future<Output = Result<Tx<Self::Db>, StoreError>> + Send {
        Tx::begin(self.pool())
    }
}

/// A connection to run shared statements on: `C` is a pooled connection, a transaction or
/// a borrowed connection.
pub(crate) struct Conn<DB: Database, C> {
    inner: C,
    db: PhantomData<DB>,
}

pub(crate) type Pooled<DB> = Conn<DB, PoolConnection<DB>>;
pub(crate) type Tx<DB> = Conn<DB, Transaction<'static, DB>>;

impl<DB: Dialect, C: DerefMut<Target = DB::Connection> + Send> Conn<DB, C> {
    pub(crate) fn new(inner: C) -> Self {
        Self {
            inner,
            db: PhantomData,
        }
    }

    /// How many rows the statement changed.
    pub(crate) async fn execute(&mut self, q: Sql<'_, DB>) -> Result<u64, StoreError> {
        let done = q.execute(DB::on(&mut self.inner)).await?;
        Ok(DB::rows_affected(&done))
    }

    pub(crate) async fn one<T>(
        &mut self,
        q: Sql<'_, DB>,
        decode: impl FnOnce(&DB::Row) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        decode(&q.fetch_one(DB::on(&mut self.inner)).await?)
    }

    pub(crate) async fn optional<T>(
        &mut self,
        q: Sql<'_, DB>,
        decode: impl FnOnce(&DB::Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let row = q.fetch_optional(DB::on(&mut self.inner)).await?;
        row.as_ref().map(decode).transpose()
    }

    /// Whether the statement returns a row.
    pub(crate) async fn exists(&mut self, q: Sql<'_, DB>) -> Result<bool, StoreError> {
        Ok(self.optional(q, |_| Ok(())).await?.is_some())
    }

    pub(crate) async fn all<T>(
        &mut self,
        q: Sql<'_, DB>,
        decode: impl FnMut(&DB::Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = q.fetch_all(DB::on(&mut self.inner)).await?;
        rows.iter().map(decode).collect()
    }

    /// See `Dialect::lock_appends`.
    pub(crate) async fn lock_appends(&mut self, key: i64) -> Result<(), StoreError> {
        DB::lock_appends(&mut self.inner, key).await
    }
}

impl<DB: Dialect> Pooled<DB> {
    async fn acquire(pool: &Pool<DB>) -> Result<Self, StoreError> {
        Ok(Self::new(pool.acquire().await?))
    }
}

impl<DB: Dialect> Tx<DB> {
    async fn begin(pool: &Pool<DB>) -> Result<Self, StoreError> {
        Ok(Self::new(pool.begin_with(DB::BEGIN_WRITE).await?))
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        Ok(self.inner.commit().await?)
    }
}

/// A statement of `DB`, as `QueryBuilder::build` and `sqlx::query` make it.
pub(crate) type Sql<'q, DB> = Query<'q, DB, <DB as Database>::Arguments>;

/// A statement of either backend, built from shared text and bound field by field.
pub(crate) trait Statement: Sized {
    fn new(sql: impl SqlSafeStr) -> Self;
    #[must_use]
    fn arg<'q, P: Param<'q>>(self, value: P) -> Self;
}

impl<DB: Dialect> Statement for Sql<'static, DB> {
    fn new(sql: impl SqlSafeStr) -> Self {
        sqlx::query(sql)
    }
    fn arg<'q, P: Param<'q>>(self, value: P) -> Self {
        self.bind(DB::encode(value))
    }
}

/// A query of either backend with optional filters, built clause by clause.
pub(crate) trait Filter: Sized {
    fn new(init: String) -> Self;
    fn sql(&mut self, text: &str) -> &mut Self;
    fn arg<'q, P: Param<'q>>(&mut self, value: P) -> &mut Self;
}

impl<DB: Dialect> Filter for QueryBuilder<DB> {
    fn new(init: String) -> Self {
        QueryBuilder::new(init)
    }
    fn sql(&mut self, text: &str) -> &mut Self {
        self.push(text)
    }
    fn arg<'q, P: Param<'q>>(&mut self, value: P) -> &mut Self {
        self.push_bind(DB::encode(value))
    }
}

/// One row of a multi-row `VALUES` list (`QueryBuilder::push_values`), bound field by field.
pub(crate) trait Tuple {
    fn arg<'q, P: Param<'q>>(&mut self, value: P) -> &mut Self;
}

impl<DB: Dialect, Sep: std::fmt::Display> Tuple for Separated<'_, DB, Sep> {
    fn arg<'q, P: Param<'q>>(&mut self, value: P) -> &mut Self {
        self.push_bind(DB::encode(value))
    }
}

//! The Postgres backend (distributed mode).

use std::str::FromStr;

use async_trait::async_trait;
use orch_core::audit::AuditKey;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};

use super::migrations::{self, POSTGRES};
use super::{Backend, MigrationStatus, Store, StoreError, StoreOptions};
use crate::model::connection_url::ConnectionUrl;

mod audit;
mod configs;
mod console_sessions;
mod events;
mod idempotency;
mod inbox;
mod job_rows;
mod jobs;
mod operators;
mod quotas;
mod request_log;
mod tenants;

/// Advisory lock key serialising `migrate` across nodes ("orchmigr" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x6f72_6368_6d69_6772;

async fn migration_status_on(conn: &mut PgConnection) -> Result<MigrationStatus, StoreError> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    let applied = if exists {
        sqlx::query("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get::<i64, _>("version")?,
                    row.try_get::<Vec<u8>, _>("checksum")?,
                    row.try_get::<bool, _>("success")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
    } else {
        Vec::new()
    };
    migrations::status(POSTGRES, &applied)
}

/// Storage on Postgres. The `search_path` may be set in the URL
/// (`?options=-c%20search_path%3Dname`), which is how tests get a fresh schema each.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    audit_key: Option<AuditKey>,
}

impl PgStore {
    pub async fn connect(url: &ConnectionUrl, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = PgConnectOptions::from_str(url.expose())
            .map_err(|e| {
                StoreError::Other(format!("invalid database_url {}: {e}", url.redacted()))
            })?
            .application_name("orchd");
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .min_connections(0)
            .acquire_timeout(options.acquire_timeout)
            .test_before_acquire(true)
            .connect_lazy_with(connect);
        Ok(Self {
            pool,
            audit_key: options.audit_key.clone(),
        })
    }

    /// The key audit rows are sealed with (an error when the store has none).
    pub(crate) fn audit_key(&self) -> Result<&AuditKey, StoreError> {
        super::require_audit_key(self.audit_key.as_ref())
    }

    /// The underlying pool, for backend-specific tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        // Nodes starting together migrate one at a time: the status read and the run happen
        // under one session-level advisory lock, so each node reports what it applied.
        let mut conn = self.pool.acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
        let result = async {
            let before = migration_status_on(&mut conn).await?;
            // `run_direct` takes the connection itself (`run` wants `Acquire`, whose
            // higher-ranked bound does not hold inside an `async_trait` future).
            migrations::migrator(POSTGRES)
                .run_direct(None, &mut *conn, false)
                .await
                .map_err(|e| StoreError::Migration(e.to_string()))?;
            Ok(before.pending)
        }
        .await;
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *conn)
            .await;
        if unlocked.is_err() {
            // The session may hold the lock still: never return it to the pool.
            conn.detach();
        }
        result
    }

    async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        let mut conn = self.pool.acquire().await?;
        migration_status_on(&mut conn).await
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

//! The SQLite backend (embedded mode): one file under `data_dir`, WAL journal.
//!
//! Type mapping (see `migrations/sqlite`): ids are hyphenated UUID text, times are INTEGER
//! microseconds since the Unix epoch (UTC), JSON is text.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use orch_core::audit::AuditKey;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::migrations::{self, SQLITE};
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

/// Storage in an SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Held (flock) while migrating: SQLite has no advisory locks, and `orchd migrate` may
    /// run beside a starting `orchd serve`.
    migration_lock: Option<PathBuf>,
    audit_key: Option<AuditKey>,
}

impl SqliteStore {
    /// Opens (creating if missing, with its directory) the database file.
    pub async fn connect(url: &ConnectionUrl, options: &StoreOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::from_str(url.expose())
            .map_err(|e| {
                StoreError::Other(format!("invalid database_url {}: {e}", url.redacted()))
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Writers queue on the file lock instead of failing with SQLITE_BUSY.
            .busy_timeout(Duration::from_secs(10));
        let file = connect.get_filename().to_owned();
        let in_memory = file.as_os_str().is_empty() || file.as_os_str() == ":memory:";
        let migration_lock = (!in_memory).then(|| {
            let mut name = file.clone().into_os_string();
            name.push(".migrate-lock");
            PathBuf::from(name)
        });
        if let Some(dir) = file.parent()
            && !dir.as_os_str().is_empty()
        {
            crate::private_files::create_private_dir(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        if !in_memory {
            // SQLite gives its -wal and -shm files the mode of the database file.
            crate::private_files::create_private_file(&file).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", file.display()))
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        if !in_memory {
            for suffix in ["", "-wal", "-shm"] {
                let mut name = file.clone().into_os_string();
                name.push(suffix);
                crate::private_files::restrict(Path::new(&name));
            }
        }
        Ok(Self {
            pool,
            migration_lock,
            audit_key: options.audit_key.clone(),
        })
    }

    /// The key audit rows are sealed with (an error when the store has none).
    pub(crate) fn audit_key(&self) -> Result<&AuditKey, StoreError> {
        super::require_audit_key(self.audit_key.as_ref())
    }

    /// The underlying pool, for backend-specific tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so writers
    /// queue (busy timeout) instead of failing when a read transaction upgrades.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let _lock = match &self.migration_lock {
            Some(path) => Some(lock_file(path.clone()).await?),
            None => None,
        };
        let before = self.migration_status().await?;
        migrations::migrator(SQLITE)
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(before.pending)
    }

    async fn migration_status(&self) -> Result<MigrationStatus, StoreError> {
        let exists: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&self.pool)
        .await?;
        let applied = if exists > 0 {
            sqlx::query("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&self.pool)
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
        migrations::status(SQLITE, &applied)
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// Takes an exclusive lock on `path` (created if missing); released when the file drops.
async fn lock_file(path: PathBuf) -> Result<std::fs::File, StoreError> {
    let failed =
        |e: std::io::Error| StoreError::Unavailable(format!("cannot lock {}: {e}", path.display()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(failed)?;
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| StoreError::Other(format!("lock task: {e}")))?
        .map_err(failed)
}

/// Microseconds since the Unix epoch, the SQLite time representation.
pub(crate) fn to_micros(t: OffsetDateTime) -> i64 {
    orch_core::units::unix_micros(t)
}

pub(crate) fn from_micros(us: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {us}: {e}")))
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("uuid {s:?}: {e}")))
}

pub(crate) fn parse_opt_uuid(s: Option<String>) -> Result<Option<Uuid>, StoreError> {
    s.as_deref().map(parse_uuid).transpose()
}

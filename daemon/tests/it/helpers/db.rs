//! A fresh database per test: an SQLite file in a temp dir, or a new Postgres schema
//! (selected through `search_path` in the URL) dropped when the test ends.

use std::sync::Arc;

use orch_core::audit::AuditKey;
use orchd::settings::ConnectionUrl;
use orchd::store::{self, Store, StoreOptions};
use sqlx::Executor;
use tempfile::TempDir;

use super::{postgres_url, service_available};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    Sqlite,
}

pub struct TestDb {
    /// The URL orchd is given.
    pub url: String,
    /// Postgres only: the schema this test owns.
    pub schema: Option<String>,
    /// Data dir (and, for SQLite, the database file's home).
    pub dir: TempDir,
}

impl TestDb {
    /// A fresh, empty database; `None` when Postgres is unavailable outside CI.
    pub async fn new(kind: Kind) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        match kind {
            Kind::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("orchd.db").display());
                Some(Self {
                    url,
                    schema: None,
                    dir,
                })
            }
            Kind::Postgres => {
                let base = postgres_url();
                if !service_available("Postgres", &base) {
                    return None;
                }
                let schema = format!("orch_t_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&base)
                    .await
                    .expect("connect to Postgres");
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .await
                    .expect("create schema");
                admin.close().await;
                let url = with_search_path(&base, &schema);
                Some(Self {
                    url,
                    schema: Some(schema),
                    dir,
                })
            }
        }
    }

    /// The same database reached through another `host:port` (a proxy).
    pub fn url_via(&self, host_port: &str) -> String {
        let original = super::host_port(&self.url);
        self.url.replacen(&original, host_port, 1)
    }

    /// A store on this database (not migrated), sealing audit rows with [`test_audit_key`].
    pub async fn store(&self) -> Arc<dyn Store> {
        self.store_with_audit_key(Some(test_audit_key())).await
    }

    /// A store on this database (not migrated) with this audit key (or none).
    pub async fn store_with_audit_key(&self, audit_key: Option<AuditKey>) -> Arc<dyn Store> {
        store::connect(
            &ConnectionUrl::new(self.url.clone()),
            &StoreOptions {
                max_connections: 4,
                audit_key,
                ..StoreOptions::default()
            },
        )
        .await
        .expect("open store")
    }
}

/// The audit key of stores opened by [`TestDb::store`].
pub fn test_audit_key() -> AuditKey {
    AuditKey::new(b"conformance-audit-key-0123456789abcdef").expect("long enough")
}

pub fn with_search_path(base: &str, schema: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(schema) = self.schema.take() else {
            return;
        };
        // Drop runs outside async; use a private runtime on its own thread.
        let base = postgres_url();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(admin) = sqlx::PgPool::connect(&base).await {
                    let _ = admin
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP SCHEMA IF EXISTS {schema} CASCADE"
                        )))
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

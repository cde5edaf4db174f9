//! The operator audit chain. Statements and decoding are shared (`store/shared/audit.rs`).

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditKey, AuditRecord};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::SqliteStore;
use crate::model::identity::AuditQuery;
use crate::store::shared::{SqliteQuery, audit};
use crate::store::{AuditStore, StoreError};

/// Appends an audit row inside the caller's write transaction. SQLite write transactions
/// are started with `BEGIN IMMEDIATE` (one writer at a time), which serialises the chain.
pub(super) async fn append_in_tx(
    conn: &mut SqliteConnection,
    key: &AuditKey,
    draft: AuditDraft,
) -> Result<AuditRecord, StoreError> {
    let last = sqlx::query_as(audit::LAST_LINK)
        .fetch_optional(&mut *conn)
        .await?;
    let record = audit::seal_next(draft, key, last);
    audit::insert::<SqliteQuery>(&record)
        .execute(&mut *conn)
        .await?;
    Ok(record)
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, draft: AuditDraft) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, draft).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = audit::list::<QueryBuilder<Sqlite>>(query);
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(audit::decode).collect()
    }

    async fn audit_chain(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = audit::chain::<SqliteQuery>(after_seq, limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(audit::decode).collect()
    }
}

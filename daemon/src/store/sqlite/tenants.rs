//! Tenant clients and impersonations. Statements and decoding are shared
//! (`store/shared/tenants.rs`); this file runs them and checks the impersonator is live.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use sqlx::{QueryBuilder, Sqlite};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SqliteStore, audit::append_in_tx};
use crate::model::identity::{ImpersonationQuery, ImpersonationRecord, TenantClientRecord};
use crate::store::shared::{SqliteQuery, tenants};
use crate::store::{ImpersonationStore, StoreError, TenantClientStore};

#[async_trait]
impl TenantClientStore for SqliteStore {
    async fn create_tenant_client(
        &self,
        c: &TenantClientRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        tenants::insert_client::<SqliteQuery>(c)
            .execute(&mut *tx)
            .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn list_tenant_clients(
        &self,
        tenant: &str,
    ) -> Result<Vec<TenantClientRecord>, StoreError> {
        let rows = tenants::list_clients::<SqliteQuery>(tenant)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(tenants::decode_client).collect()
    }

    async fn find_tenant_client(
        &self,
        client_id: &str,
    ) -> Result<Option<TenantClientRecord>, StoreError> {
        let row = tenants::find_client::<SqliteQuery>(client_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(tenants::decode_client).transpose()
    }

    async fn replace_tenant_client_secret_hash(
        &self,
        id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let done = tenants::replace_secret_hash::<SqliteQuery>(id, old_hash, new_hash)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_tenant_client(
        &self,
        tenant: &str,
        id: Uuid,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tenants::delete_client::<SqliteQuery>(tenant, id, at)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }
}

#[async_trait]
impl ImpersonationStore for SqliteStore {
    async fn create_impersonation(
        &self,
        i: &ImpersonationRecord,
        key_id: Uuid,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        // The write transaction serialises this with disable and rotation.
        let mut tx = self.begin_write().await?;
        let live: Option<String> = sqlx::query_scalar(
            "SELECT k.id FROM operator_api_keys k JOIN operators o ON o.id = k.operator_id \
             WHERE k.id = ? AND o.id = ? AND k.revoked_at IS NULL AND o.disabled_at IS NULL",
        )
        .bind(key_id.to_string())
        .bind(i.operator_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if live.is_none() {
            return Err(StoreError::NotFound);
        }
        tenants::insert_impersonation::<SqliteQuery>(i)
            .execute(&mut *tx)
            .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn get_impersonation(&self, id: Uuid) -> Result<Option<ImpersonationRecord>, StoreError> {
        let row = tenants::get_impersonation::<SqliteQuery>(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(tenants::decode_impersonation).transpose()
    }

    async fn list_impersonations(
        &self,
        query: &ImpersonationQuery,
    ) -> Result<Vec<ImpersonationRecord>, StoreError> {
        let mut q = tenants::list_impersonations::<QueryBuilder<Sqlite>>(query);
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(tenants::decode_impersonation).collect()
    }

    async fn stop_impersonation(
        &self,
        id: Uuid,
        stopped_by: Uuid,
        reason: &str,
        at: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tenants::stop_impersonation::<SqliteQuery>(id, stopped_by, reason, at)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }
}

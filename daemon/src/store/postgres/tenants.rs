//! Tenant clients and impersonations. Statements and decoding are shared
//! (`store/shared/tenants.rs`); this file runs them and checks the impersonator is live.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use sqlx::{Postgres, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{PgStore, audit::append_in_tx};
use crate::model::identity::{ImpersonationQuery, ImpersonationRecord, TenantClientRecord};
use crate::store::shared::{PgQuery, tenants};
use crate::store::{ImpersonationStore, StoreError, TenantClientStore};

#[async_trait]
impl TenantClientStore for PgStore {
    async fn create_tenant_client(
        &self,
        c: &TenantClientRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        tenants::insert_client::<PgQuery>(c)
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
        let rows = tenants::list_clients::<PgQuery>(tenant)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(tenants::decode_client).collect()
    }

    async fn find_tenant_client(
        &self,
        client_id: &str,
    ) -> Result<Option<TenantClientRecord>, StoreError> {
        let row = tenants::find_client::<PgQuery>(client_id)
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
        let done = tenants::replace_secret_hash::<PgQuery>(id, old_hash, new_hash)
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
        let mut tx = self.pool().begin().await?;
        let done = tenants::delete_client::<PgQuery>(tenant, id, at)
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
impl ImpersonationStore for PgStore {
    async fn create_impersonation(
        &self,
        i: &ImpersonationRecord,
        key_id: Uuid,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        // The share lock waits for a disable or rotation in flight (both lock the row for
        // update) and blocks the next one until this commits; the key is read by a second
        // statement so it sees what such a rotation committed.
        let enabled: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM operators WHERE id = $1 AND disabled_at IS NULL FOR SHARE",
        )
        .bind(i.operator_id)
        .fetch_optional(&mut *tx)
        .await?;
        let key_live: Option<Uuid> = match enabled {
            Some(_) => {
                sqlx::query_scalar(
                    "SELECT id FROM operator_api_keys \
                     WHERE id = $1 AND operator_id = $2 AND revoked_at IS NULL",
                )
                .bind(key_id)
                .bind(i.operator_id)
                .fetch_optional(&mut *tx)
                .await?
            }
            None => None,
        };
        if key_live.is_none() {
            return Err(StoreError::NotFound);
        }
        tenants::insert_impersonation::<PgQuery>(i)
            .execute(&mut *tx)
            .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn get_impersonation(&self, id: Uuid) -> Result<Option<ImpersonationRecord>, StoreError> {
        let row = tenants::get_impersonation::<PgQuery>(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(tenants::decode_impersonation).transpose()
    }

    async fn list_impersonations(
        &self,
        query: &ImpersonationQuery,
    ) -> Result<Vec<ImpersonationRecord>, StoreError> {
        let mut q = tenants::list_impersonations::<QueryBuilder<Postgres>>(query);
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
        let mut tx = self.pool().begin().await?;
        let done = tenants::stop_impersonation::<PgQuery>(id, stopped_by, reason, at)
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

//! Tenant clients and impersonations.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use orch_core::rbac::Scope;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{PgStore, audit::append_in_tx};
use crate::model::identity::{ImpersonationQuery, ImpersonationRecord, TenantClientRecord};
use crate::store::{
    ImpersonationStore, StoreError, TenantClientStore, rows_limit, scopes_from_text,
};

const CLIENT_COLUMNS: &str =
    "id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, deleted_at";
const IMPERSONATION_COLUMNS: &str = "id, operator_id, tenant_id, reason, scopes, created_at, expires_at, \
     stopped_at, stopped_by, stop_reason";

#[async_trait]
impl TenantClientStore for PgStore {
    async fn create_tenant_client(
        &self,
        c: &TenantClientRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO tenant_clients (id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, deleted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(c.id)
        .bind(&c.tenant_id)
        .bind(&c.name)
        .bind(&c.client_id)
        .bind(&c.secret_hash)
        .bind(Scope::to_claim(&c.scopes))
        .bind(c.created_by)
        .bind(c.created_at)
        .bind(c.deleted_at)
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
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE tenant_id = $1 AND deleted_at IS NULL \
             ORDER BY created_at, id"
        )))
        .bind(tenant)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_client).collect()
    }

    async fn find_tenant_client(
        &self,
        client_id: &str,
    ) -> Result<Option<TenantClientRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE client_id = $1"
        )))
        .bind(client_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_client).transpose()
    }

    async fn replace_tenant_client_secret_hash(
        &self,
        id: Uuid,
        old_hash: &str,
        new_hash: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tenant_clients SET secret_hash = $3 WHERE id = $1 AND secret_hash = $2",
        )
        .bind(id)
        .bind(old_hash)
        .bind(new_hash)
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
        let done = sqlx::query(
            "UPDATE tenant_clients SET deleted_at = $3 WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(tenant)
        .bind(at)
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
        sqlx::query(
            "INSERT INTO impersonations (id, operator_id, tenant_id, reason, scopes, created_at, expires_at, \
             stopped_at, stopped_by, stop_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(i.id)
        .bind(i.operator_id)
        .bind(&i.tenant_id)
        .bind(&i.reason)
        .bind(Scope::to_claim(&i.scopes))
        .bind(i.created_at)
        .bind(i.expires_at)
        .bind(i.stopped_at)
        .bind(i.stopped_by)
        .bind(&i.stop_reason)
        .execute(&mut *tx)
        .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn get_impersonation(&self, id: Uuid) -> Result<Option<ImpersonationRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {IMPERSONATION_COLUMNS} FROM impersonations WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_impersonation).transpose()
    }

    async fn list_impersonations(
        &self,
        query: &ImpersonationQuery,
    ) -> Result<Vec<ImpersonationRecord>, StoreError> {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
            "SELECT {IMPERSONATION_COLUMNS} FROM impersonations WHERE true"
        ));
        if let Some(t) = &query.tenant {
            q.push(" AND tenant_id = ").push_bind(t);
        }
        if query.active_only {
            q.push(" AND stopped_at IS NULL AND expires_at > ")
                .push_bind(OffsetDateTime::now_utc());
        }
        q.push(" ORDER BY created_at DESC, id DESC LIMIT ")
            .push_bind(rows_limit(query.limit));
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode_impersonation).collect()
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
        let done = sqlx::query(
            "UPDATE impersonations SET stopped_at = $2, stopped_by = $3, stop_reason = $4 \
             WHERE id = $1 AND stopped_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .bind(stopped_by)
        .bind(reason)
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

fn decode_client(row: &PgRow) -> Result<TenantClientRecord, StoreError> {
    Ok(TenantClientRecord {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        name: row.try_get("name")?,
        client_id: row.try_get("client_id")?,
        secret_hash: row.try_get("secret_hash")?,
        scopes: scopes_from_text(&row.try_get::<String, _>("scopes")?),
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        deleted_at: row.try_get("deleted_at")?,
    })
}

fn decode_impersonation(row: &PgRow) -> Result<ImpersonationRecord, StoreError> {
    Ok(ImpersonationRecord {
        id: row.try_get("id")?,
        operator_id: row.try_get("operator_id")?,
        tenant_id: row.try_get("tenant_id")?,
        reason: row.try_get("reason")?,
        scopes: scopes_from_text(&row.try_get::<String, _>("scopes")?),
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        stopped_at: row.try_get("stopped_at")?,
        stopped_by: row.try_get("stopped_by")?,
        stop_reason: row.try_get("stop_reason")?,
    })
}

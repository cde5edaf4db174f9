//! Tenant clients and impersonations.

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditRecord};
use orch_core::rbac::Scope;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SqliteStore, audit::append_in_tx, from_micros, parse_opt_uuid, parse_uuid, to_micros};
use crate::model::identity::{ImpersonationQuery, ImpersonationRecord, TenantClientRecord};
use crate::store::{
    ImpersonationStore, StoreError, TenantClientStore, rows_limit, scopes_from_text,
};

const CLIENT_COLUMNS: &str =
    "id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, deleted_at";
const IMPERSONATION_COLUMNS: &str = "id, operator_id, tenant_id, reason, scopes, created_at, expires_at, \
     stopped_at, stopped_by, stop_reason";

fn opt_time(v: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    v.map(from_micros).transpose()
}

#[async_trait]
impl TenantClientStore for SqliteStore {
    async fn create_tenant_client(
        &self,
        c: &TenantClientRecord,
        audit: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO tenant_clients (id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, deleted_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(c.id.to_string())
        .bind(&c.tenant_id)
        .bind(&c.name)
        .bind(&c.client_id)
        .bind(&c.secret_hash)
        .bind(Scope::to_claim(&c.scopes))
        .bind(c.created_by.map(|u| u.to_string()))
        .bind(to_micros(c.created_at))
        .bind(c.deleted_at.map(to_micros))
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
            "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE tenant_id = ? AND deleted_at IS NULL \
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
            "SELECT {CLIENT_COLUMNS} FROM tenant_clients WHERE client_id = ?"
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
            "UPDATE tenant_clients SET secret_hash = ? WHERE id = ? AND secret_hash = ?",
        )
        .bind(new_hash)
        .bind(id.to_string())
        .bind(old_hash)
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
        let done = sqlx::query(
            "UPDATE tenant_clients SET deleted_at = ? WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(id.to_string())
        .bind(tenant)
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
        sqlx::query(
            "INSERT INTO impersonations (id, operator_id, tenant_id, reason, scopes, created_at, expires_at, \
             stopped_at, stopped_by, stop_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(i.id.to_string())
        .bind(i.operator_id.to_string())
        .bind(&i.tenant_id)
        .bind(&i.reason)
        .bind(Scope::to_claim(&i.scopes))
        .bind(to_micros(i.created_at))
        .bind(to_micros(i.expires_at))
        .bind(i.stopped_at.map(to_micros))
        .bind(i.stopped_by.map(|u| u.to_string()))
        .bind(&i.stop_reason)
        .execute(&mut *tx)
        .await?;
        let record = append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn get_impersonation(&self, id: Uuid) -> Result<Option<ImpersonationRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {IMPERSONATION_COLUMNS} FROM impersonations WHERE id = ?"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_impersonation).transpose()
    }

    async fn list_impersonations(
        &self,
        query: &ImpersonationQuery,
    ) -> Result<Vec<ImpersonationRecord>, StoreError> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {IMPERSONATION_COLUMNS} FROM impersonations WHERE 1 = 1"
        ));
        if let Some(t) = &query.tenant {
            q.push(" AND tenant_id = ").push_bind(t.clone());
        }
        if query.active_only {
            q.push(" AND stopped_at IS NULL AND expires_at > ")
                .push_bind(to_micros(OffsetDateTime::now_utc()));
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
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE impersonations SET stopped_at = ?, stopped_by = ?, stop_reason = ? \
             WHERE id = ? AND stopped_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(stopped_by.to_string())
        .bind(reason)
        .bind(id.to_string())
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

fn decode_client(row: &SqliteRow) -> Result<TenantClientRecord, StoreError> {
    Ok(TenantClientRecord {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        tenant_id: row.try_get("tenant_id")?,
        name: row.try_get("name")?,
        client_id: row.try_get("client_id")?,
        secret_hash: row.try_get("secret_hash")?,
        scopes: scopes_from_text(&row.try_get::<String, _>("scopes")?),
        created_by: parse_opt_uuid(row.try_get("created_by")?)?,
        created_at: from_micros(row.try_get("created_at")?)?,
        deleted_at: opt_time(row.try_get("deleted_at")?)?,
    })
}

fn decode_impersonation(row: &SqliteRow) -> Result<ImpersonationRecord, StoreError> {
    Ok(ImpersonationRecord {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        operator_id: parse_uuid(&row.try_get::<String, _>("operator_id")?)?,
        tenant_id: row.try_get("tenant_id")?,
        reason: row.try_get("reason")?,
        scopes: scopes_from_text(&row.try_get::<String, _>("scopes")?),
        created_at: from_micros(row.try_get("created_at")?)?,
        expires_at: from_micros(row.try_get("expires_at")?)?,
        stopped_at: opt_time(row.try_get("stopped_at")?)?,
        stopped_by: parse_opt_uuid(row.try_get("stopped_by")?)?,
        stop_reason: row.try_get("stop_reason")?,
    })
}

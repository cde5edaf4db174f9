//! Versioned tenant config.

use async_trait::async_trait;
use orch_core::audit::AuditDraft;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::{PgStore, audit::append_in_tx};
use crate::model::tenant_config::{
    ConfigPointer, ConfigProjection, ConfigVersionRecord, ConnectorRow, PointerMove, PolicyRow,
    SecretRefRow,
};
use crate::store::{ConfigStore, StoreError, rows_limit};

const VERSION_COLUMNS: &str = "id, tenant_id, version, document, document_format, canonical, checksum, \
     author_operator_id, author, reason, request_id, trace_id, created_at";
const POINTER_COLUMNS: &str =
    "tenant_id, config_version_id, active_version, generation, updated_by, reason, updated_at";
const MOVE_COLUMNS: &str = "id, tenant_id, action, from_version, to_version, operator_id, operator_name, \
     reason, request_id, trace_id, created_at";

#[async_trait]
impl ConfigStore for PgStore {
    async fn create_config_version(
        &self,
        v: &ConfigVersionRecord,
        projection: &ConfigProjection,
        activate: Option<&PointerMove>,
        audit: AuditDraft,
    ) -> Result<Option<ConfigPointer>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let newest: Option<i32> =
            sqlx::query_scalar("SELECT max(version) FROM config_versions WHERE tenant_id = $1")
                .bind(&v.tenant_id)
                .fetch_one(&mut *tx)
                .await?;
        if v.version != newest.unwrap_or(0) + 1 {
            return Err(StoreError::Conflict(format!(
                "version {} is not next after {}",
                v.version,
                newest.unwrap_or(0)
            )));
        }
        sqlx::query(
            "INSERT INTO config_versions (id, tenant_id, version, document, document_format, canonical, checksum, \
             author_operator_id, author, reason, request_id, trace_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(v.id)
        .bind(&v.tenant_id)
        .bind(v.version)
        .bind(&v.document)
        .bind(&v.document_format)
        .bind(Json(&v.canonical))
        .bind(&v.checksum)
        .bind(v.author_operator_id)
        .bind(&v.author)
        .bind(&v.reason)
        .bind(&v.request_id)
        .bind(&v.trace_id)
        .bind(v.created_at)
        .execute(&mut *tx)
        .await?;
        insert_projection(&mut tx, v, projection).await?;
        let pointer = match activate {
            Some(mv) => {
                let current = current_version(&mut tx, &v.tenant_id).await?;
                let mv = PointerMove {
                    from_version: current,
                    ..mv.clone()
                };
                Some(set_pointer(&mut tx, &mv, v.id).await?)
            }
            None => None,
        };
        append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(pointer)
    }

    async fn latest_config_version(
        &self,
        tenant: &str,
    ) -> Result<Option<ConfigVersionRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM config_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1"
        )))
        .bind(tenant)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_version).transpose()
    }

    async fn get_config_version(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<Option<ConfigVersionRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM config_versions WHERE tenant_id = $1 AND version = $2"
        )))
        .bind(tenant)
        .bind(version)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_version).transpose()
    }

    async fn list_config_versions(
        &self,
        tenant: &str,
        before: Option<i32>,
        limit: u32,
    ) -> Result<Vec<ConfigVersionRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM config_versions WHERE tenant_id = $1 AND version < $2 \
             ORDER BY version DESC LIMIT $3"
        )))
        .bind(tenant)
        .bind(before.unwrap_or(i32::MAX))
        .bind(rows_limit(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_version).collect()
    }

    async fn get_config_projection(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<ConfigProjection, StoreError> {
        let policies = sqlx::query(
            "SELECT name, spec FROM policies WHERE tenant_id = $1 AND version = $2 ORDER BY name",
        )
        .bind(tenant)
        .bind(version)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(PolicyRow {
                name: r.try_get("name")?,
                spec: r.try_get::<Json<serde_json::Value>, _>("spec")?.0,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let connectors = sqlx::query(
            "SELECT name, base_url, auth_type, policy_name, spec FROM connectors \
             WHERE tenant_id = $1 AND version = $2 ORDER BY name",
        )
        .bind(tenant)
        .bind(version)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ConnectorRow {
                name: r.try_get("name")?,
                base_url: r.try_get("base_url")?,
                auth_type: r.try_get("auth_type")?,
                policy_name: r.try_get("policy_name")?,
                spec: r.try_get::<Json<serde_json::Value>, _>("spec")?.0,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let secret_refs = sqlx::query(
            "SELECT reference, scheme, used_by FROM secret_refs WHERE tenant_id = $1 AND version = $2 ORDER BY used_by",
        )
        .bind(tenant)
        .bind(version)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SecretRefRow {
                reference: r.try_get("reference")?,
                scheme: r.try_get("scheme")?,
                used_by: r.try_get("used_by")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        Ok(ConfigProjection {
            policies,
            connectors,
            secret_refs,
        })
    }

    async fn get_config_pointer(&self, tenant: &str) -> Result<Option<ConfigPointer>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {POINTER_COLUMNS} FROM config_pointers WHERE tenant_id = $1"
        )))
        .bind(tenant)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_pointer).transpose()
    }

    async fn list_config_pointers(&self) -> Result<Vec<ConfigPointer>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {POINTER_COLUMNS} FROM config_pointers ORDER BY tenant_id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_pointer).collect()
    }

    async fn move_config_pointer(
        &self,
        mv: &PointerMove,
        audit: AuditDraft,
    ) -> Result<ConfigPointer, StoreError> {
        let mut tx = self.pool().begin().await?;
        let target: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM config_versions WHERE tenant_id = $1 AND version = $2",
        )
        .bind(&mv.tenant_id)
        .bind(mv.to_version)
        .fetch_optional(&mut *tx)
        .await?;
        let target = target.ok_or(StoreError::NotFound)?;
        let current = current_version(&mut tx, &mv.tenant_id).await?;
        if current != mv.from_version {
            return Err(StoreError::Conflict(format!(
                "the pointer moved: it names {current:?}, not {:?}",
                mv.from_version
            )));
        }
        let pointer = set_pointer(&mut tx, mv, target).await?;
        append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        tx.commit().await?;
        Ok(pointer)
    }

    async fn config_pointer_history(
        &self,
        tenant: &str,
        limit: u32,
    ) -> Result<Vec<PointerMove>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MOVE_COLUMNS} FROM config_pointer_history WHERE tenant_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        )))
        .bind(tenant)
        .bind(rows_limit(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_move).collect()
    }
}

/// The active version, locking the pointer row for the rest of the transaction.
async fn current_version(conn: &mut PgConnection, tenant: &str) -> Result<Option<i32>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT active_version FROM config_pointers WHERE tenant_id = $1 FOR UPDATE",
    )
    .bind(tenant)
    .fetch_optional(conn)
    .await?)
}

async fn set_pointer(
    conn: &mut PgConnection,
    mv: &PointerMove,
    version_id: Uuid,
) -> Result<ConfigPointer, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO config_pointers (tenant_id, config_version_id, active_version, generation, updated_by, reason, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $6) \
         ON CONFLICT (tenant_id) DO UPDATE SET config_version_id = EXCLUDED.config_version_id, \
           active_version = EXCLUDED.active_version, generation = config_pointers.generation + 1, \
           updated_by = EXCLUDED.updated_by, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at \
         RETURNING {POINTER_COLUMNS}"
    )))
    .bind(&mv.tenant_id)
    .bind(version_id)
    .bind(mv.to_version)
    .bind(&mv.operator_name)
    .bind(&mv.reason)
    .bind(mv.created_at)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO config_pointer_history (id, tenant_id, action, from_version, to_version, operator_id, \
         operator_name, reason, request_id, trace_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(mv.id)
    .bind(&mv.tenant_id)
    .bind(&mv.action)
    .bind(mv.from_version)
    .bind(mv.to_version)
    .bind(mv.operator_id)
    .bind(&mv.operator_name)
    .bind(&mv.reason)
    .bind(&mv.request_id)
    .bind(&mv.trace_id)
    .bind(mv.created_at)
    .execute(&mut *conn)
    .await?;
    decode_pointer(&row)
}

async fn insert_projection(
    conn: &mut PgConnection,
    v: &ConfigVersionRecord,
    projection: &ConfigProjection,
) -> Result<(), StoreError> {
    for p in &projection.policies {
        sqlx::query(
            "INSERT INTO policies (id, config_version_id, tenant_id, version, name, spec, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(orch_core::ids::new_id())
        .bind(v.id)
        .bind(&v.tenant_id)
        .bind(v.version)
        .bind(&p.name)
        .bind(Json(&p.spec))
        .bind(v.created_at)
        .execute(&mut *conn)
        .await?;
    }
    for c in &projection.connectors {
        sqlx::query(
            "INSERT INTO connectors (id, config_version_id, tenant_id, version, name, base_url, auth_type, \
             policy_name, spec, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(orch_core::ids::new_id())
        .bind(v.id)
        .bind(&v.tenant_id)
        .bind(v.version)
        .bind(&c.name)
        .bind(&c.base_url)
        .bind(&c.auth_type)
        .bind(&c.policy_name)
        .bind(Json(&c.spec))
        .bind(v.created_at)
        .execute(&mut *conn)
        .await?;
    }
    for s in &projection.secret_refs {
        sqlx::query(
            "INSERT INTO secret_refs (id, config_version_id, tenant_id, version, reference, scheme, used_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(orch_core::ids::new_id())
        .bind(v.id)
        .bind(&v.tenant_id)
        .bind(v.version)
        .bind(&s.reference)
        .bind(&s.scheme)
        .bind(&s.used_by)
        .bind(v.created_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn decode_version(row: &PgRow) -> Result<ConfigVersionRecord, StoreError> {
    Ok(ConfigVersionRecord {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        version: row.try_get("version")?,
        document: row.try_get("document")?,
        document_format: row.try_get("document_format")?,
        canonical: row.try_get::<Json<serde_json::Value>, _>("canonical")?.0,
        checksum: row.try_get("checksum")?,
        author_operator_id: row.try_get("author_operator_id")?,
        author: row.try_get("author")?,
        reason: row.try_get("reason")?,
        request_id: row.try_get("request_id")?,
        trace_id: row.try_get("trace_id")?,
        created_at: row.try_get("created_at")?,
    })
}

fn decode_pointer(row: &PgRow) -> Result<ConfigPointer, StoreError> {
    Ok(ConfigPointer {
        tenant_id: row.try_get("tenant_id")?,
        config_version_id: row.try_get("config_version_id")?,
        active_version: row.try_get("active_version")?,
        generation: row.try_get("generation")?,
        updated_by: row.try_get("updated_by")?,
        reason: row.try_get("reason")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn decode_move(row: &PgRow) -> Result<PointerMove, StoreError> {
    Ok(PointerMove {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        action: row.try_get("action")?,
        from_version: row.try_get("from_version")?,
        to_version: row.try_get("to_version")?,
        operator_id: row.try_get("operator_id")?,
        operator_name: row.try_get("operator_name")?,
        reason: row.try_get("reason")?,
        request_id: row.try_get("request_id")?,
        trace_id: row.try_get("trace_id")?,
        created_at: row.try_get("created_at")?,
    })
}

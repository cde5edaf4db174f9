//! Versioned tenant config, on either backend. A pointer move locks the pointer row
//! (`Dialect::FOR_UPDATE`) so concurrent moves serialise.

use async_trait::async_trait;
use orch_core::audit::AuditDraft;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::{Dialect, SqlBackend, Statement, StoreRow, Tx};
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
impl<B: SqlBackend> ConfigStore for B {
    async fn create_config_version(
        &self,
        v: &ConfigVersionRecord,
        projection: &ConfigProjection,
        activate: Option<&PointerMove>,
        audit: AuditDraft,
    ) -> Result<Option<ConfigPointer>, StoreError> {
        let mut tx = self.transaction().await?;
        let newest = tx
            .one(newest_version(&v.tenant_id), |r| r.get("newest"))
            .await?;
        check_next(v, newest)?;
        tx.execute(insert_version(v)).await?;
        for insert in insert_projection(v, projection) {
            tx.execute(insert).await?;
        }
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
        tx.commit_audited(self.audit_key()?, audit).await?;
        Ok(pointer)
    }

    async fn latest_config_version(
        &self,
        tenant: &str,
    ) -> Result<Option<ConfigVersionRecord>, StoreError> {
        let mut conn = self.conn().await?;
        conn.optional(latest_version(tenant), decode_version).await
    }

    async fn get_config_version(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<Option<ConfigVersionRecord>, StoreError> {
        let mut conn = self.conn().await?;
        conn.optional(one_version(tenant, version), decode_version)
            .await
    }

    async fn list_config_versions(
        &self,
        tenant: &str,
        before: Option<i32>,
        limit: u32,
    ) -> Result<Vec<ConfigVersionRecord>, StoreError> {
        let mut conn = self.conn().await?;
        conn.all(versions(tenant, before, limit), decode_version)
            .await
    }

    async fn get_config_projection(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<ConfigProjection, StoreError> {
        let mut conn = self.conn().await?;
        Ok(ConfigProjection {
            policies: conn.all(policies(tenant, version), decode_policy).await?,
            connectors: conn
                .all(connectors(tenant, version), decode_connector)
                .await?,
            secret_refs: conn
                .all(secret_refs(tenant, version), decode_secret_ref)
                .await?,
        })
    }

    async fn get_config_pointer(&self, tenant: &str) -> Result<Option<ConfigPointer>, StoreError> {
        let mut conn = self.conn().await?;
        conn.optional(pointer(tenant), decode_pointer).await
    }

    async fn list_config_pointers(&self) -> Result<Vec<ConfigPointer>, StoreError> {
        let mut conn = self.conn().await?;
        conn.all(pointers(), decode_pointer).await
    }

    async fn move_config_pointer(
        &self,
        mv: &PointerMove,
        audit: AuditDraft,
    ) -> Result<ConfigPointer, StoreError> {
        let mut tx = self.transaction().await?;
        let target = tx
            .optional(version_id(&mv.tenant_id, mv.to_version), |r| r.get("id"))
            .await?
            .ok_or(StoreError::NotFound)?;
        let current = current_version(&mut tx, &mv.tenant_id).await?;
        check_from(mv, current)?;
        let pointer = set_pointer(&mut tx, mv, target).await?;
        tx.commit_audited(self.audit_key()?, audit).await?;
        Ok(pointer)
    }

    async fn config_pointer_history(
        &self,
        tenant: &str,
        limit: u32,
    ) -> Result<Vec<PointerMove>, StoreError> {
        let mut conn = self.conn().await?;
        conn.all(history(tenant, limit), decode_move).await
    }
}

/// The active version, locking the pointer row for the rest of the transaction.
async fn current_version<DB: Dialect>(
    tx: &mut Tx<DB>,
    tenant: &str,
) -> Result<Option<i32>, StoreError> {
    let q = active_version(tenant, DB::FOR_UPDATE);
    tx.optional(q, |r| r.get("active_version")).await
}

async fn set_pointer<DB: Dialect>(
    tx: &mut Tx<DB>,
    mv: &PointerMove,
    version_id: Uuid,
) -> Result<ConfigPointer, StoreError> {
    let pointer = tx
        .one(upsert_pointer(mv, version_id), decode_pointer)
        .await?;
    tx.execute(insert_move(mv)).await?;
    Ok(pointer)
}

/// The tenant's newest version number (NULL before the first).
fn newest_version<Q: Statement>(tenant: &str) -> Q {
    Q::new("SELECT max(version) AS newest FROM config_versions WHERE tenant_id = $1").arg(tenant)
}

/// `lock` is appended to the `SELECT`.
fn active_version<Q: Statement>(tenant: &str, lock: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT active_version FROM config_pointers WHERE tenant_id = $1{lock}"
    )))
    .arg(tenant)
}

fn version_id<Q: Statement>(tenant: &str, version: i32) -> Q {
    Q::new("SELECT id FROM config_versions WHERE tenant_id = $1 AND version = $2")
        .arg(tenant)
        .arg(version)
}

/// Fails unless `v` is the version after `newest`.
fn check_next(v: &ConfigVersionRecord, newest: Option<i32>) -> Result<(), StoreError> {
    let newest = newest.unwrap_or(0);
    if v.version != newest + 1 {
        return Err(StoreError::Conflict(format!(
            "version {} is not next after {newest}",
            v.version
        )));
    }
    Ok(())
}

/// Fails unless the pointer still names the version the move starts from.
fn check_from(mv: &PointerMove, current: Option<i32>) -> Result<(), StoreError> {
    if current != mv.from_version {
        return Err(StoreError::Conflict(format!(
            "the pointer moved: it names {current:?}, not {:?}",
            mv.from_version
        )));
    }
    Ok(())
}

fn insert_version<Q: Statement>(v: &ConfigVersionRecord) -> Q {
    Q::new(
        "INSERT INTO config_versions (id, tenant_id, version, document, document_format, canonical, checksum, \
         author_operator_id, author, reason, request_id, trace_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .arg(v.id)
    .arg(&v.tenant_id)
    .arg(v.version)
    .arg(&v.document)
    .arg(&v.document_format)
    .arg(&v.canonical)
    .arg(&v.checksum)
    .arg(v.author_operator_id)
    .arg(&v.author)
    .arg(&v.reason)
    .arg(&v.request_id)
    .arg(&v.trace_id)
    .arg(v.created_at)
}

/// The inserts of a version's policies, connectors and secret references.
fn insert_projection<Q: Statement>(
    v: &ConfigVersionRecord,
    projection: &ConfigProjection,
) -> Vec<Q> {
    let policies = projection.policies.iter().map(|p| {
        Q::new(
            "INSERT INTO policies (id, config_version_id, tenant_id, version, name, spec, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .arg(orch_core::ids::new_id())
        .arg(v.id)
        .arg(&v.tenant_id)
        .arg(v.version)
        .arg(&p.name)
        .arg(&p.spec)
        .arg(v.created_at)
    });
    let connectors = projection.connectors.iter().map(|c| {
        Q::new(
            "INSERT INTO connectors (id, config_version_id, tenant_id, version, name, base_url, auth_type, \
             policy_name, spec, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .arg(orch_core::ids::new_id())
        .arg(v.id)
        .arg(&v.tenant_id)
        .arg(v.version)
        .arg(&c.name)
        .arg(&c.base_url)
        .arg(&c.auth_type)
        .arg(&c.policy_name)
        .arg(&c.spec)
        .arg(v.created_at)
    });
    let secret_refs = projection.secret_refs.iter().map(|s| {
        Q::new(
            "INSERT INTO secret_refs (id, config_version_id, tenant_id, version, reference, scheme, used_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .arg(orch_core::ids::new_id())
        .arg(v.id)
        .arg(&v.tenant_id)
        .arg(v.version)
        .arg(&s.reference)
        .arg(&s.scheme)
        .arg(&s.used_by)
        .arg(v.created_at)
    });
    policies.chain(connectors).chain(secret_refs).collect()
}

fn latest_version<Q: Statement>(tenant: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {VERSION_COLUMNS} FROM config_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1"
    )))
    .arg(tenant)
}

fn one_version<Q: Statement>(tenant: &str, version: i32) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {VERSION_COLUMNS} FROM config_versions WHERE tenant_id = $1 AND version = $2"
    )))
    .arg(tenant)
    .arg(version)
}

fn versions<Q: Statement>(tenant: &str, before: Option<i32>, limit: u32) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {VERSION_COLUMNS} FROM config_versions WHERE tenant_id = $1 AND version < $2 \
         ORDER BY version DESC LIMIT $3"
    )))
    .arg(tenant)
    .arg(before.unwrap_or(i32::MAX))
    .arg(rows_limit(limit))
}

fn policies<Q: Statement>(tenant: &str, version: i32) -> Q {
    Q::new("SELECT name, spec FROM policies WHERE tenant_id = $1 AND version = $2 ORDER BY name")
        .arg(tenant)
        .arg(version)
}

fn connectors<Q: Statement>(tenant: &str, version: i32) -> Q {
    Q::new(
        "SELECT name, base_url, auth_type, policy_name, spec FROM connectors \
         WHERE tenant_id = $1 AND version = $2 ORDER BY name",
    )
    .arg(tenant)
    .arg(version)
}

fn secret_refs<Q: Statement>(tenant: &str, version: i32) -> Q {
    Q::new(
        "SELECT reference, scheme, used_by FROM secret_refs WHERE tenant_id = $1 AND version = $2 ORDER BY used_by",
    )
    .arg(tenant)
    .arg(version)
}

fn pointer<Q: Statement>(tenant: &str) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {POINTER_COLUMNS} FROM config_pointers WHERE tenant_id = $1"
    )))
    .arg(tenant)
}

fn pointers<Q: Statement>() -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {POINTER_COLUMNS} FROM config_pointers ORDER BY tenant_id"
    )))
}

/// Points the tenant at `version_id`, returning the pointer row.
fn upsert_pointer<Q: Statement>(mv: &PointerMove, version_id: Uuid) -> Q {
    Q::new(AssertSqlSafe(format!(
        "INSERT INTO config_pointers (tenant_id, config_version_id, active_version, generation, updated_by, reason, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $6) \
         ON CONFLICT (tenant_id) DO UPDATE SET config_version_id = EXCLUDED.config_version_id, \
           active_version = EXCLUDED.active_version, generation = config_pointers.generation + 1, \
           updated_by = EXCLUDED.updated_by, reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at \
         RETURNING {POINTER_COLUMNS}"
    )))
    .arg(&mv.tenant_id)
    .arg(version_id)
    .arg(mv.to_version)
    .arg(&mv.operator_name)
    .arg(&mv.reason)
    .arg(mv.created_at)
}

fn insert_move<Q: Statement>(mv: &PointerMove) -> Q {
    Q::new(
        "INSERT INTO config_pointer_history (id, tenant_id, action, from_version, to_version, operator_id, \
         operator_name, reason, request_id, trace_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .arg(mv.id)
    .arg(&mv.tenant_id)
    .arg(&mv.action)
    .arg(mv.from_version)
    .arg(mv.to_version)
    .arg(mv.operator_id)
    .arg(&mv.operator_name)
    .arg(&mv.reason)
    .arg(&mv.request_id)
    .arg(&mv.trace_id)
    .arg(mv.created_at)
}

fn history<Q: Statement>(tenant: &str, limit: u32) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {MOVE_COLUMNS} FROM config_pointer_history WHERE tenant_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2"
    )))
    .arg(tenant)
    .arg(rows_limit(limit))
}

fn decode_version(row: &impl StoreRow) -> Result<ConfigVersionRecord, StoreError> {
    Ok(ConfigVersionRecord {
        id: row.get("id")?,
        tenant_id: row.get("tenant_id")?,
        version: row.get("version")?,
        document: row.get("document")?,
        document_format: row.get("document_format")?,
        canonical: row.get("canonical")?,
        checksum: row.get("checksum")?,
        author_operator_id: row.get("author_operator_id")?,
        author: row.get("author")?,
        reason: row.get("reason")?,
        request_id: row.get("request_id")?,
        trace_id: row.get("trace_id")?,
        created_at: row.get("created_at")?,
    })
}

fn decode_policy(row: &impl StoreRow) -> Result<PolicyRow, StoreError> {
    Ok(PolicyRow {
        name: row.get("name")?,
        spec: row.get("spec")?,
    })
}

fn decode_connector(row: &impl StoreRow) -> Result<ConnectorRow, StoreError> {
    Ok(ConnectorRow {
        name: row.get("name")?,
        base_url: row.get("base_url")?,
        auth_type: row.get("auth_type")?,
        policy_name: row.get("policy_name")?,
        spec: row.get("spec")?,
    })
}

fn decode_secret_ref(row: &impl StoreRow) -> Result<SecretRefRow, StoreError> {
    Ok(SecretRefRow {
        reference: row.get("reference")?,
        scheme: row.get("scheme")?,
        used_by: row.get("used_by")?,
    })
}

fn decode_pointer(row: &impl StoreRow) -> Result<ConfigPointer, StoreError> {
    Ok(ConfigPointer {
        tenant_id: row.get("tenant_id")?,
        config_version_id: row.get("config_version_id")?,
        active_version: row.get("active_version")?,
        generation: row.get("generation")?,
        updated_by: row.get("updated_by")?,
        reason: row.get("reason")?,
        updated_at: row.get("updated_at")?,
    })
}

fn decode_move(row: &impl StoreRow) -> Result<PointerMove, StoreError> {
    Ok(PointerMove {
        id: row.get("id")?,
        tenant_id: row.get("tenant_id")?,
        action: row.get("action")?,
        from_version: row.get("from_version")?,
        to_version: row.get("to_version")?,
        operator_id: row.get("operator_id")?,
        operator_name: row.get("operator_name")?,
        reason: row.get("reason")?,
        request_id: row.get("request_id")?,
        trace_id: row.get("trace_id")?,
        created_at: row.get("created_at")?,
    })
}

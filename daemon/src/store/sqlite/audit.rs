use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditKey, AuditRecord, AuditResult, GENESIS_HASH};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use time::OffsetDateTime;

use super::{SqliteStore, from_micros, parse_opt_uuid, parse_uuid, to_micros};
use crate::model::identity::AuditQuery;
use crate::store::{AuditStore, StoreError, rows_limit};

const COLUMNS: &str = "id, seq, ts, operator_id, operator_name, operator_role, action, target_type, \
     target_id, tenant_id, reason, diff_json, result, required_permission, request_id, trace_id, \
     impersonation_id, prev_hash, hash";

/// Appends an audit row inside the caller's write transaction. SQLite write transactions
/// are started with `BEGIN IMMEDIATE` (one writer at a time), which serialises the chain.
pub(super) async fn append_in_tx(
    conn: &mut SqliteConnection,
    key: &AuditKey,
    draft: AuditDraft,
) -> Result<AuditRecord, StoreError> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM operator_audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (seq, prev) = match &last {
        Some((seq, hash)) => (seq + 1, hash.as_str()),
        None => (1, GENESIS_HASH),
    };
    let record = draft.seal(
        key,
        orch_core::ids::new_id(),
        seq,
        OffsetDateTime::now_utc(),
        prev,
    );
    let diff = record
        .diff_json
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    sqlx::query(
        "INSERT INTO operator_audit_log (id, seq, ts, operator_id, operator_name, operator_role, action, \
         target_type, target_id, tenant_id, reason, diff_json, result, required_permission, request_id, \
         trace_id, impersonation_id, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(record.id.to_string())
    .bind(record.seq)
    .bind(to_micros(record.ts))
    .bind(record.operator_id.map(|u| u.to_string()))
    .bind(&record.operator_name)
    .bind(&record.operator_role)
    .bind(&record.action)
    .bind(&record.target_type)
    .bind(&record.target_id)
    .bind(&record.tenant_id)
    .bind(&record.reason)
    .bind(diff)
    .bind(record.result.as_str())
    .bind(&record.required_permission)
    .bind(&record.request_id)
    .bind(&record.trace_id)
    .bind(record.impersonation_id.map(|u| u.to_string()))
    .bind(&record.prev_hash)
    .bind(&record.hash)
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
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {COLUMNS} FROM operator_audit_log WHERE 1 = 1"
        ));
        if let Some(op) = &query.operator {
            q.push(" AND (operator_name = ")
                .push_bind(op.clone())
                .push(" OR operator_id = ")
                .push_bind(op.clone())
                .push(")");
        }
        if let Some(v) = &query.action {
            q.push(" AND action = ").push_bind(v.clone());
        }
        if let Some(v) = &query.tenant {
            q.push(" AND tenant_id = ").push_bind(v.clone());
        }
        if let Some(v) = query.since {
            q.push(" AND ts >= ").push_bind(to_micros(v));
        }
        if let Some(v) = query.until {
            q.push(" AND ts < ").push_bind(to_micros(v));
        }
        if let Some(v) = query.before_seq {
            q.push(" AND seq < ").push_bind(v);
        }
        q.push(" ORDER BY seq DESC LIMIT ")
            .push_bind(rows_limit(query.limit));
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode).collect()
    }

    async fn audit_chain(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM operator_audit_log WHERE seq > ? ORDER BY seq LIMIT ?"
        )))
        .bind(after_seq)
        .bind(i64::from(limit.max(1)))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode).collect()
    }
}

fn decode(row: &SqliteRow) -> Result<AuditRecord, StoreError> {
    let result: String = row.try_get("result")?;
    let diff: Option<String> = row.try_get("diff_json")?;
    Ok(AuditRecord {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        seq: row.try_get("seq")?,
        ts: from_micros(row.try_get("ts")?)?,
        operator_id: parse_opt_uuid(row.try_get("operator_id")?)?,
        operator_name: row.try_get("operator_name")?,
        operator_role: row.try_get("operator_role")?,
        action: row.try_get("action")?,
        target_type: row.try_get("target_type")?,
        target_id: row.try_get("target_id")?,
        tenant_id: row.try_get("tenant_id")?,
        reason: row.try_get("reason")?,
        diff_json: diff
            .map(|d| serde_json::from_str(&d))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("audit diff_json: {e}")))?,
        result: AuditResult::parse(&result)
            .ok_or_else(|| StoreError::Corrupt(format!("audit result {result:?}")))?,
        required_permission: row.try_get("required_permission")?,
        request_id: row.try_get("request_id")?,
        trace_id: row.try_get("trace_id")?,
        impersonation_id: parse_opt_uuid(row.try_get("impersonation_id")?)?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

//! The operator audit chain: statements and row decoding for both backends.

use orch_core::audit::{AuditDraft, AuditKey, AuditRecord, AuditResult, GENESIS_HASH};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use super::{Filter, Statement, StoreRow};
use crate::model::identity::AuditQuery;
use crate::store::{StoreError, rows_limit};

const COLUMNS: &str = "id, seq, ts, operator_id, operator_name, operator_role, action, target_type, \
     target_id, tenant_id, reason, diff_json, result, required_permission, request_id, trace_id, \
     impersonation_id, prev_hash, hash";

/// The newest row's `(seq, hash)`, which the next row links to.
pub(crate) const LAST_LINK: &str =
    "SELECT seq, hash FROM operator_audit_log ORDER BY seq DESC LIMIT 1";

/// Seals `draft` as the row after `last` (the genesis row when there is none).
pub(crate) fn seal_next(
    draft: AuditDraft,
    key: &AuditKey,
    last: Option<(i64, String)>,
) -> AuditRecord {
    let (seq, prev) = match &last {
        Some((seq, hash)) => (seq + 1, hash.as_str()),
        None => (1, GENESIS_HASH),
    };
    draft.seal(
        key,
        orch_core::ids::new_id(),
        seq,
        OffsetDateTime::now_utc(),
        prev,
    )
}

pub(crate) fn insert<Q: Statement>(record: &AuditRecord) -> Q {
    Q::new(
        "INSERT INTO operator_audit_log (id, seq, ts, operator_id, operator_name, operator_role, action, \
         target_type, target_id, tenant_id, reason, diff_json, result, required_permission, request_id, \
         trace_id, impersonation_id, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .arg(record.id)
    .arg(record.seq)
    .arg(record.ts)
    .arg(record.operator_id)
    .arg(&record.operator_name)
    .arg(&record.operator_role)
    .arg(&record.action)
    .arg(&record.target_type)
    .arg(&record.target_id)
    .arg(&record.tenant_id)
    .arg(&record.reason)
    .arg(record.diff_json.as_ref())
    .arg(record.result.as_str())
    .arg(&record.required_permission)
    .arg(&record.request_id)
    .arg(&record.trace_id)
    .arg(record.impersonation_id)
    .arg(&record.prev_hash)
    .arg(&record.hash)
}

pub(crate) fn list<B: Filter>(query: &AuditQuery) -> B {
    let mut q = B::new(format!(
        "SELECT {COLUMNS} FROM operator_audit_log WHERE true"
    ));
    if let Some(op) = &query.operator {
        q.sql(" AND (operator_name = ")
            .arg(op)
            .sql(" OR CAST(operator_id AS TEXT) = ")
            .arg(op)
            .sql(")");
    }
    if let Some(v) = &query.action {
        q.sql(" AND action = ").arg(v);
    }
    if let Some(v) = &query.tenant {
        q.sql(" AND tenant_id = ").arg(v);
    }
    if let Some(v) = query.since {
        q.sql(" AND ts >= ").arg(v);
    }
    if let Some(v) = query.until {
        q.sql(" AND ts < ").arg(v);
    }
    if let Some(v) = query.before_seq {
        q.sql(" AND seq < ").arg(v);
    }
    q.sql(" ORDER BY seq DESC LIMIT ")
        .arg(rows_limit(query.limit));
    q
}

pub(crate) fn chain<Q: Statement>(after_seq: i64, limit: u32) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM operator_audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
    )))
    .arg(after_seq)
    .arg(i64::from(limit.max(1)))
}

pub(crate) fn decode(row: &impl StoreRow) -> Result<AuditRecord, StoreError> {
    let result: String = row.get("result")?;
    Ok(AuditRecord {
        id: row.get("id")?,
        seq: row.get("seq")?,
        ts: row.get("ts")?,
        operator_id: row.get("operator_id")?,
        operator_name: row.get("operator_name")?,
        operator_role: row.get("operator_role")?,
        action: row.get("action")?,
        target_type: row.get("target_type")?,
        target_id: row.get("target_id")?,
        tenant_id: row.get("tenant_id")?,
        reason: row.get("reason")?,
        diff_json: row.get("diff_json")?,
        result: AuditResult::parse(&result)
            .ok_or_else(|| StoreError::Corrupt(format!("audit result {result:?}")))?,
        required_permission: row.get("required_permission")?,
        request_id: row.get("request_id")?,
        trace_id: row.get("trace_id")?,
        impersonation_id: row.get("impersonation_id")?,
        prev_hash: row.get("prev_hash")?,
        hash: row.get("hash")?,
    })
}

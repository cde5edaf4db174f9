//! The operator audit chain, on either backend. Appends are serialised
//! (`Dialect::lock_appends`), so each sees the previous row's hash and the chain never forks.

use std::ops::DerefMut;

use async_trait::async_trait;
use orch_core::audit::{AuditDraft, AuditKey, AuditRecord, AuditResult, GENESIS_HASH};
use sqlx::{AssertSqlSafe, QueryBuilder, Transaction};
use time::OffsetDateTime;

use super::{Conn, Dialect, Filter, SqlBackend, Statement, StoreRow, Tx};
use crate::model::identity::AuditQuery;
use crate::store::{AuditStore, StoreError, rows_limit};

/// The key appends to the chain queue on ("orchaudt").
const AUDIT_LOCK_KEY: i64 = 0x6f72_6368_6175_6474;

#[async_trait]
impl<B: SqlBackend> AuditStore for B {
    async fn append_audit(&self, draft: AuditDraft) -> Result<AuditRecord, StoreError> {
        let tx = self.transaction().await?;
        tx.commit_audited(self.audit_key()?, draft).await
    }

    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = list::<QueryBuilder<B::Db>>(query);
        let mut conn = self.conn().await?;
        conn.all(q.build(), decode).await
    }

    async fn audit_chain(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut conn = self.conn().await?;
        conn.all(chain(after_seq, limit), decode).await
    }
}

impl<DB: Dialect, C: DerefMut<Target = DB::Connection> + Send> Conn<DB, C> {
    /// Appends an audit row; call it in the write transaction of the change it records.
    pub(crate) async fn append_audit(
        &mut self,
        key: &AuditKey,
        draft: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        self.lock_appends(AUDIT_LOCK_KEY).await?;
        let last = self
            .optional(Statement::new(LAST_LINK), |r| {
                Ok((r.get("seq")?, r.get("hash")?))
            })
            .await?;
        let record = seal_next(draft, key, last);
        self.execute(insert(&record)).await?;
        Ok(record)
    }
}

impl<DB: Dialect> Tx<DB> {
    /// Appends the audit row of the change made in this transaction, then commits both.
    pub(crate) async fn commit_audited(
        mut self,
        key: &AuditKey,
        draft: AuditDraft,
    ) -> Result<AuditRecord, StoreError> {
        let record = self.append_audit(key, draft).await?;
        self.commit().await?;
        Ok(record)
    }
}

/// `Conn::append_audit` in a transaction the backend began itself (jobs, inbox).
pub(crate) async fn append_in_tx<DB: Dialect>(
    tx: &mut Transaction<'_, DB>,
    key: &AuditKey,
    draft: AuditDraft,
) -> Result<AuditRecord, StoreError> {
    Conn::<DB, _>::new(&mut **tx).append_audit(key, draft).await
}

const COLUMNS: &str = "id, seq, ts, operator_id, operator_name, operator_role, action, target_type, \
     target_id, tenant_id, reason, diff_json, result, required_permission, request_id, trace_id, \
     impersonation_id, prev_hash, hash";

/// The newest row's `(seq, hash)`, which the next row links to.
const LAST_LINK: &str = "SELECT seq, hash FROM operator_audit_log ORDER BY seq DESC LIMIT 1";

/// Seals `draft` as the row after `last` (the genesis row when there is none).
fn seal_next(draft: AuditDraft, key: &AuditKey, last: Option<(i64, String)>) -> AuditRecord {
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

fn insert<Q: Statement>(record: &AuditRecord) -> Q {
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

fn list<B: Filter>(query: &AuditQuery) -> B {
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
    if let Some(v) = &query.request_id {
        q.sql(" AND request_id = ").arg(v);
    }
    if let Some(v) = query.before_seq {
        q.sql(" AND seq < ").arg(v);
    }
    q.sql(" ORDER BY seq DESC LIMIT ")
        .arg(rows_limit(query.limit));
    q
}

fn chain<Q: Statement>(after_seq: i64, limit: u32) -> Q {
    Q::new(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM operator_audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
    )))
    .arg(after_seq)
    .arg(i64::from(limit.max(1)))
}

fn decode(row: &impl StoreRow) -> Result<AuditRecord, StoreError> {
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

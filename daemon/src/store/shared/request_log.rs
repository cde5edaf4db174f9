//! The request log, on either backend.

use async_trait::async_trait;
use sqlx::QueryBuilder;

use super::{Dialect, Filter, SqlBackend, StoreRow, Tuple};
use crate::model::request_log::{RequestLogEntry, RequestLogQuery};
use crate::store::{RequestLogStore, StoreError, rows_limit};

const COLUMNS: &str = "id, ts, method, route, path, status, duration_us, tenant_id, operator_id, \
     impersonated_by, impersonation_id, request_id, trace_id, client_ip, user_agent";

#[async_trait]
impl<B: SqlBackend> RequestLogStore for B {
    async fn insert_request_logs(&self, entries: &[RequestLogEntry]) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        // 15 binds per row; SQLite allows 32 766 per statement, Postgres 65 535.
        for chunk in entries.chunks(1000) {
            conn.execute(insert::<B::Db>(chunk).build()).await?;
        }
        Ok(())
    }

    async fn list_request_logs(
        &self,
        query: &RequestLogQuery,
    ) -> Result<Vec<RequestLogEntry>, StoreError> {
        let mut q = list::<QueryBuilder<B::Db>>(query);
        let mut conn = self.conn().await?;
        conn.all(q.build(), decode).await
    }
}

/// Inserts the entries, skipping ids already stored (a batch written again after a retry).
fn insert<DB: Dialect>(entries: &[RequestLogEntry]) -> QueryBuilder<DB> {
    let mut q = QueryBuilder::new(format!("INSERT INTO request_log ({COLUMNS}) "));
    q.push_values(entries, |mut row, e| {
        row.arg(e.id)
            .arg(e.ts)
            .arg(&e.method)
            .arg(&e.route)
            .arg(&e.path)
            .arg(i32::from(e.status))
            .arg(i64::try_from(e.duration_us).unwrap_or(i64::MAX))
            .arg(&e.tenant_id)
            .arg(e.operator_id)
            .arg(e.impersonated_by)
            .arg(e.impersonation_id)
            .arg(&e.request_id)
            .arg(&e.trace_id)
            .arg(&e.client_ip)
            .arg(&e.user_agent);
    });
    q.push(" ON CONFLICT (id) DO NOTHING");
    q
}

fn list<B: Filter>(query: &RequestLogQuery) -> B {
    let mut q = B::new(format!("SELECT {COLUMNS} FROM request_log WHERE true"));
    if let Some(v) = &query.request_id {
        q.sql(" AND request_id = ").arg(v);
    }
    if let Some(v) = &query.trace_id {
        q.sql(" AND trace_id = ").arg(v);
    }
    if let Some(v) = &query.tenant_id {
        q.sql(" AND tenant_id = ").arg(v);
    }
    q.sql(" ORDER BY ts DESC, id DESC LIMIT ")
        .arg(rows_limit(query.limit));
    q
}

fn decode(row: &impl StoreRow) -> Result<RequestLogEntry, StoreError> {
    let status: i32 = row.get("status")?;
    let duration_us: i64 = row.get("duration_us")?;
    Ok(RequestLogEntry {
        id: row.get("id")?,
        ts: row.get("ts")?,
        method: row.get("method")?,
        route: row.get("route")?,
        path: row.get("path")?,
        status: u16::try_from(status)
            .map_err(|_| StoreError::Corrupt(format!("request_log.status {status}")))?,
        duration_us: u64::try_from(duration_us).unwrap_or_default(),
        tenant_id: row.get("tenant_id")?,
        operator_id: row.get("operator_id")?,
        impersonated_by: row.get("impersonated_by")?,
        impersonation_id: row.get("impersonation_id")?,
        request_id: row.get("request_id")?,
        trace_id: row.get("trace_id")?,
        client_ip: row.get("client_ip")?,
        user_agent: row.get("user_agent")?,
    })
}

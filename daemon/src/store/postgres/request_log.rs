use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use super::PgStore;
use crate::model::request_log::{RequestLogEntry, RequestLogQuery};
use crate::store::{RequestLogStore, StoreError, rows_limit};

const COLUMNS: &str = "id, ts, method, route, path, status, duration_us, tenant_id, operator_id, \
     impersonated_by, impersonation_id, request_id, trace_id, client_ip, user_agent";

#[async_trait]
impl RequestLogStore for PgStore {
    async fn insert_request_logs(&self, entries: &[RequestLogEntry]) -> Result<(), StoreError> {
        // 15 binds per row; Postgres allows 65 535 per statement.
        for chunk in entries.chunks(1000) {
            let mut q: QueryBuilder<Postgres> =
                QueryBuilder::new(format!("INSERT INTO request_log ({COLUMNS}) "));
            q.push_values(chunk, |mut row, e| {
                row.push_bind(e.id)
                    .push_bind(e.ts)
                    .push_bind(&e.method)
                    .push_bind(&e.route)
                    .push_bind(&e.path)
                    .push_bind(i32::from(e.status))
                    .push_bind(i64::try_from(e.duration_us).unwrap_or(i64::MAX))
                    .push_bind(&e.tenant_id)
                    .push_bind(e.operator_id)
                    .push_bind(e.impersonated_by)
                    .push_bind(e.impersonation_id)
                    .push_bind(&e.request_id)
                    .push_bind(&e.trace_id)
                    .push_bind(&e.client_ip)
                    .push_bind(&e.user_agent);
            });
            q.push(" ON CONFLICT (id) DO NOTHING");
            q.build().execute(self.pool()).await?;
        }
        Ok(())
    }

    async fn list_request_logs(
        &self,
        query: &RequestLogQuery,
    ) -> Result<Vec<RequestLogEntry>, StoreError> {
        let mut q: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM request_log WHERE true"));
        if let Some(v) = &query.request_id {
            q.push(" AND request_id = ").push_bind(v);
        }
        if let Some(v) = &query.trace_id {
            q.push(" AND trace_id = ").push_bind(v);
        }
        if let Some(v) = &query.tenant_id {
            q.push(" AND tenant_id = ").push_bind(v);
        }
        q.push(" ORDER BY ts DESC, id DESC LIMIT ")
            .push_bind(rows_limit(query.limit));
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode).collect()
    }
}

fn decode(row: &PgRow) -> Result<RequestLogEntry, StoreError> {
    let status: i32 = row.try_get("status")?;
    let duration_us: i64 = row.try_get("duration_us")?;
    Ok(RequestLogEntry {
        id: row.try_get("id")?,
        ts: row.try_get("ts")?,
        method: row.try_get("method")?,
        route: row.try_get("route")?,
        path: row.try_get("path")?,
        status: u16::try_from(status)
            .map_err(|_| StoreError::Corrupt(format!("request_log.status {status}")))?,
        duration_us: u64::try_from(duration_us).unwrap_or_default(),
        tenant_id: row.try_get("tenant_id")?,
        operator_id: row.try_get("operator_id")?,
        impersonated_by: row.try_get("impersonated_by")?,
        impersonation_id: row.try_get("impersonation_id")?,
        request_id: row.try_get("request_id")?,
        trace_id: row.try_get("trace_id")?,
        client_ip: row.try_get("client_ip")?,
        user_agent: row.try_get("user_agent")?,
    })
}

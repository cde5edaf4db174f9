use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{SqliteStore, from_micros, parse_opt_uuid, parse_uuid, to_micros};
use crate::model::request_log::{RequestLogEntry, RequestLogQuery};
use crate::store::{RequestLogStore, StoreError, rows_limit};

const COLUMNS: &str = "id, ts, method, route, path, status, duration_us, tenant_id, operator_id, \
     impersonated_by, impersonation_id, request_id, trace_id, client_ip, user_agent";

#[async_trait]
impl RequestLogStore for SqliteStore {
    async fn insert_request_logs(&self, entries: &[RequestLogEntry]) -> Result<(), StoreError> {
        // 15 binds per row; SQLite allows 32 766 per statement.
        for chunk in entries.chunks(1000) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("INSERT OR IGNORE INTO request_log ({COLUMNS}) "));
            q.push_values(chunk, |mut row, e| {
                row.push_bind(e.id.to_string())
                    .push_bind(to_micros(e.ts))
                    .push_bind(e.method.clone())
                    .push_bind(e.route.clone())
                    .push_bind(e.path.clone())
                    .push_bind(i64::from(e.status))
                    .push_bind(i64::try_from(e.duration_us).unwrap_or(i64::MAX))
                    .push_bind(e.tenant_id.clone())
                    .push_bind(e.operator_id.map(|u| u.to_string()))
                    .push_bind(e.impersonated_by.map(|u| u.to_string()))
                    .push_bind(e.impersonation_id.map(|u| u.to_string()))
                    .push_bind(e.request_id.clone())
                    .push_bind(e.trace_id.clone())
                    .push_bind(e.client_ip.clone())
                    .push_bind(e.user_agent.clone());
            });
            q.build().execute(self.pool()).await?;
        }
        Ok(())
    }

    async fn list_request_logs(
        &self,
        query: &RequestLogQuery,
    ) -> Result<Vec<RequestLogEntry>, StoreError> {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM request_log WHERE 1 = 1"));
        if let Some(v) = &query.request_id {
            q.push(" AND request_id = ").push_bind(v.clone());
        }
        if let Some(v) = &query.trace_id {
            q.push(" AND trace_id = ").push_bind(v.clone());
        }
        if let Some(v) = &query.tenant_id {
            q.push(" AND tenant_id = ").push_bind(v.clone());
        }
        q.push(" ORDER BY ts DESC, id DESC LIMIT ")
            .push_bind(rows_limit(query.limit));
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode).collect()
    }
}

fn decode(row: &SqliteRow) -> Result<RequestLogEntry, StoreError> {
    let status: i64 = row.try_get("status")?;
    let duration_us: i64 = row.try_get("duration_us")?;
    Ok(RequestLogEntry {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        ts: from_micros(row.try_get("ts")?)?,
        method: row.try_get("method")?,
        route: row.try_get("route")?,
        path: row.try_get("path")?,
        status: u16::try_from(status)
            .map_err(|_| StoreError::Corrupt(format!("request_log.status {status}")))?,
        duration_us: u64::try_from(duration_us).unwrap_or_default(),
        tenant_id: row.try_get("tenant_id")?,
        operator_id: parse_opt_uuid(row.try_get("operator_id")?)?,
        impersonated_by: parse_opt_uuid(row.try_get("impersonated_by")?)?,
        impersonation_id: parse_opt_uuid(row.try_get("impersonation_id")?)?,
        request_id: row.try_get("request_id")?,
        trace_id: row.try_get("trace_id")?,
        client_ip: row.try_get("client_ip")?,
        user_agent: row.try_get("user_agent")?,
    })
}

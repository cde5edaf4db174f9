use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{SqliteStore, from_micros, parse_opt_uuid, to_micros};
use crate::model::events::{EventQuery, EventRecord, NewEvent};
use crate::store::{EventStore, StoreError, rows_limit};

const COLUMNS: &str = "id, ts, kind, tenant_id, connector, operation, trace_id, request_id, job_id, inbox_id, \
     message, data, impersonated_by, impersonation_id";

#[async_trait]
impl EventStore for SqliteStore {
    async fn append_events(&self, events: &[NewEvent]) -> Result<Vec<i64>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        // One writer at a time: ids are assigned and committed in order.
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(events.len());
        for chunk in events.chunks(1000) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO event_log (ts, kind, tenant_id, connector, operation, trace_id, request_id, job_id, \
                 inbox_id, message, data, impersonated_by, impersonation_id) ",
            );
            q.push_values(chunk, |mut row, e| {
                row.push_bind(to_micros(e.ts))
                    .push_bind(e.kind.clone())
                    .push_bind(e.tenant_id.clone())
                    .push_bind(e.connector.clone())
                    .push_bind(e.operation.clone())
                    .push_bind(e.trace_id.clone())
                    .push_bind(e.request_id.clone())
                    .push_bind(e.job_id.map(|u| u.to_string()))
                    .push_bind(e.inbox_id.map(|u| u.to_string()))
                    .push_bind(e.message.clone())
                    .push_bind(e.data.to_string())
                    .push_bind(e.impersonated_by.map(|u| u.to_string()))
                    .push_bind(e.impersonation_id.map(|u| u.to_string()));
            });
            q.push(" RETURNING id");
            let rows = q.build().fetch_all(&mut *tx).await?;
            for row in rows {
                ids.push(row.try_get::<i64, _>("id")?);
            }
        }
        tx.commit().await?;
        ids.sort_unstable();
        Ok(ids)
    }

    async fn list_events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError> {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM event_log WHERE 1 = 1"));
        if let Some(v) = &query.tenant {
            q.push(" AND tenant_id = ").push_bind(v.clone());
        }
        if let Some(v) = &query.connector {
            q.push(" AND connector = ").push_bind(v.clone());
        }
        if let Some(v) = &query.trace_id {
            q.push(" AND trace_id = ").push_bind(v.clone());
        }
        if let Some(v) = &query.since {
            q.push(" AND ts >= ").push_bind(to_micros(*v));
        }
        match query.kind_filter() {
            Some((kind, true)) => {
                q.push(" AND kind = ").push_bind(kind);
            }
            Some((prefix, false)) => {
                q.push(" AND substr(kind, 1, ")
                    .push_bind(i64::try_from(prefix.chars().count()).unwrap_or(i64::MAX))
                    .push(") = ")
                    .push_bind(prefix);
            }
            None => {}
        }
        match (query.after_id, query.before_id) {
            (Some(after), _) => {
                q.push(" AND id > ")
                    .push_bind(after)
                    .push(" ORDER BY id ASC");
            }
            (None, Some(before)) => {
                q.push(" AND id < ")
                    .push_bind(before)
                    .push(" ORDER BY id DESC");
            }
            (None, None) => {
                q.push(" ORDER BY id DESC");
            }
        }
        q.push(" LIMIT ").push_bind(rows_limit(query.limit));
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode).collect()
    }
}

fn decode(row: &SqliteRow) -> Result<EventRecord, StoreError> {
    let data: String = row.try_get("data")?;
    Ok(EventRecord {
        id: row.try_get("id")?,
        event: NewEvent {
            ts: from_micros(row.try_get("ts")?)?,
            kind: row.try_get("kind")?,
            tenant_id: row.try_get("tenant_id")?,
            connector: row.try_get("connector")?,
            operation: row.try_get("operation")?,
            trace_id: row.try_get("trace_id")?,
            request_id: row.try_get("request_id")?,
            job_id: parse_opt_uuid(row.try_get("job_id")?)?,
            inbox_id: parse_opt_uuid(row.try_get("inbox_id")?)?,
            message: row.try_get("message")?,
            data: serde_json::from_str(&data)
                .map_err(|e| StoreError::Corrupt(format!("event data: {e}")))?,
            impersonated_by: parse_opt_uuid(row.try_get("impersonated_by")?)?,
            impersonation_id: parse_opt_uuid(row.try_get("impersonation_id")?)?,
        },
    })
}

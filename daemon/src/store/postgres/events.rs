use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder, Row};

use super::PgStore;
use crate::model::events::{EventQuery, EventRecord, NewEvent};
use crate::store::{EventStore, StoreError, rows_limit};

/// Advisory lock key serialising event appends ("orchevnt"): an id is taken and committed
/// under the lock, so ids become visible in increasing order.
const EVENT_LOCK_KEY: i64 = 0x6f72_6368_6576_6e74;

const COLUMNS: &str = "id, ts, kind, tenant_id, connector, operation, trace_id, request_id, job_id, inbox_id, \
     message, data, impersonated_by, impersonation_id";

#[async_trait]
impl EventStore for PgStore {
    async fn append_events(&self, events: &[NewEvent]) -> Result<Vec<i64>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(EVENT_LOCK_KEY)
            .execute(&mut *tx)
            .await?;
        let mut ids = Vec::with_capacity(events.len());
        for chunk in events.chunks(1000) {
            let mut q: QueryBuilder<Postgres> = QueryBuilder::new(
                "INSERT INTO event_log (ts, kind, tenant_id, connector, operation, trace_id, request_id, job_id, \
                 inbox_id, message, data, impersonated_by, impersonation_id) ",
            );
            q.push_values(chunk, |mut row, e| {
                row.push_bind(e.ts)
                    .push_bind(&e.kind)
                    .push_bind(&e.tenant_id)
                    .push_bind(&e.connector)
                    .push_bind(&e.operation)
                    .push_bind(&e.trace_id)
                    .push_bind(&e.request_id)
                    .push_bind(e.job_id)
                    .push_bind(e.inbox_id)
                    .push_bind(&e.message)
                    .push_bind(Json(&e.data))
                    .push_bind(e.impersonated_by)
                    .push_bind(e.impersonation_id);
            });
            q.push(" RETURNING id");
            let rows = q.build().fetch_all(&mut *tx).await?;
            for row in rows {
                ids.push(row.try_get::<i64, _>("id")?);
            }
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn list_events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError> {
        let mut q: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM event_log WHERE true"));
        if let Some(v) = &query.tenant {
            q.push(" AND tenant_id = ").push_bind(v);
        }
        if let Some(v) = &query.connector {
            q.push(" AND connector = ").push_bind(v);
        }
        if let Some(v) = &query.trace_id {
            q.push(" AND trace_id = ").push_bind(v);
        }
        if let Some(v) = &query.since {
            q.push(" AND ts >= ").push_bind(*v);
        }
        match query.kind_filter() {
            Some((kind, true)) => {
                q.push(" AND kind = ").push_bind(kind);
            }
            Some((prefix, false)) => {
                q.push(" AND left(kind, ")
                    .push_bind(i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX))
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

fn decode(row: &PgRow) -> Result<EventRecord, StoreError> {
    Ok(EventRecord {
        id: row.try_get("id")?,
        event: NewEvent {
            ts: row.try_get("ts")?,
            kind: row.try_get("kind")?,
            tenant_id: row.try_get("tenant_id")?,
            connector: row.try_get("connector")?,
            operation: row.try_get("operation")?,
            trace_id: row.try_get("trace_id")?,
            request_id: row.try_get("request_id")?,
            job_id: row.try_get("job_id")?,
            inbox_id: row.try_get("inbox_id")?,
            message: row.try_get("message")?,
            data: row.try_get::<Json<serde_json::Value>, _>("data")?.0,
            impersonated_by: row.try_get("impersonated_by")?,
            impersonation_id: row.try_get("impersonation_id")?,
        },
    })
}

//! The event log, on either backend. Appends are serialised (`Dialect::lock_appends`): an
//! id is taken and committed under the lock, so ids become visible in increasing order.

use async_trait::async_trait;
use sqlx::QueryBuilder;

use super::{Dialect, Filter, SqlBackend, StoreRow, Tuple};
use crate::model::events::{EventQuery, EventRecord, NewEvent};
use crate::store::{EventStore, StoreError, rows_limit};

/// The key appends to the log queue on ("orchevnt").
const EVENT_LOCK_KEY: i64 = 0x6f72_6368_6576_6e74;

const COLUMNS: &str = "id, ts, kind, tenant_id, connector, operation, trace_id, request_id, job_id, inbox_id, \
     message, data, impersonated_by, impersonation_id";

#[async_trait]
impl<B: SqlBackend> EventStore for B {
    async fn append_events(&self, events: &[NewEvent]) -> Result<Vec<i64>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.transaction().await?;
        tx.lock_appends(EVENT_LOCK_KEY).await?;
        let mut ids = Vec::with_capacity(events.len());
        for chunk in events.chunks(1000) {
            let mut q = insert::<B::Db>(chunk);
            ids.extend(tx.all(q.build(), |r| r.get::<i64>("id")).await?);
        }
        tx.commit().await?;
        // `RETURNING` promises no order.
        ids.sort_unstable();
        Ok(ids)
    }

    async fn list_events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError> {
        let mut q = list::<QueryBuilder<B::Db>>(query);
        let mut conn = self.conn().await?;
        conn.all(q.build(), decode).await
    }
}

/// Inserts the events, returning their ids.
fn insert<DB: Dialect>(events: &[NewEvent]) -> QueryBuilder<DB> {
    let mut q = QueryBuilder::new(
        "INSERT INTO event_log (ts, kind, tenant_id, connector, operation, trace_id, request_id, job_id, \
         inbox_id, message, data, impersonated_by, impersonation_id) ",
    );
    q.push_values(events, |mut row, e| {
        row.arg(e.ts)
            .arg(&e.kind)
            .arg(&e.tenant_id)
            .arg(&e.connector)
            .arg(&e.operation)
            .arg(&e.trace_id)
            .arg(&e.request_id)
            .arg(e.job_id)
            .arg(e.inbox_id)
            .arg(&e.message)
            .arg(&e.data)
            .arg(e.impersonated_by)
            .arg(e.impersonation_id);
    });
    q.push(" RETURNING id");
    q
}

fn list<B: Filter>(query: &EventQuery) -> B {
    let mut q = B::new(format!("SELECT {COLUMNS} FROM event_log WHERE true"));
    if let Some(v) = &query.tenant {
        q.sql(" AND tenant_id = ").arg(v);
    }
    if let Some(v) = &query.connector {
        q.sql(" AND connector = ").arg(v);
    }
    if let Some(v) = &query.trace_id {
        q.sql(" AND trace_id = ").arg(v);
    }
    if let Some(v) = query.since {
        q.sql(" AND ts >= ").arg(v);
    }
    match query.kind_filter() {
        Some((kind, true)) => {
            q.sql(" AND kind = ").arg(kind);
        }
        Some((prefix, false)) => {
            q.sql(" AND substr(kind, 1, ")
                .arg(i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX))
                .sql(") = ")
                .arg(prefix);
        }
        None => {}
    }
    match (query.after_id, query.before_id) {
        (Some(after), _) => {
            q.sql(" AND id > ").arg(after).sql(" ORDER BY id ASC");
        }
        (None, Some(before)) => {
            q.sql(" AND id < ").arg(before).sql(" ORDER BY id DESC");
        }
        (None, None) => {
            q.sql(" ORDER BY id DESC");
        }
    }
    q.sql(" LIMIT ").arg(rows_limit(query.limit));
    q
}

fn decode(row: &impl StoreRow) -> Result<EventRecord, StoreError> {
    Ok(EventRecord {
        id: row.get("id")?,
        event: NewEvent {
            ts: row.get("ts")?,
            kind: row.get("kind")?,
            tenant_id: row.get("tenant_id")?,
            connector: row.get("connector")?,
            operation: row.get("operation")?,
            trace_id: row.get("trace_id")?,
            request_id: row.get("request_id")?,
            job_id: row.get("job_id")?,
            inbox_id: row.get("inbox_id")?,
            message: row.get("message")?,
            data: row.get("data")?,
            impersonated_by: row.get("impersonated_by")?,
            impersonation_id: row.get("impersonation_id")?,
        },
    })
}

use std::collections::BTreeMap;

use async_trait::async_trait;
use orch_core::audit::AuditDraft;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use super::job_rows::insert_job;
use super::{SqliteStore, from_micros, parse_uuid, to_micros};
use crate::model::inbox::{BLOB_REF_PREFIX, InboxQuery, InboxRecord, NewDelivery, Received};
use crate::model::jobs::JobRecord;
use crate::store::shared::append_in_tx;
use crate::store::{InboxStore, StoreError, rows_limit};

const COLUMNS: &str = "w.id, w.provider, w.tenant_id, w.event_id, w.event_type, w.status, w.payload_ref, \
     w.payload_size, w.payload_sha256, w.signature_timestamp, w.note, w.trace_id, w.request_id, \
     w.request_headers, w.received_at, w.processed_at, w.updated_at";
/// The row's jobs, oldest first (UUIDv7 ids order by creation), comma-separated.
const JOB_IDS: &str = "(SELECT group_concat(id, ',') FROM (SELECT j.id FROM jobs j \
     WHERE j.inbox_id = w.id ORDER BY j.id)) AS job_ids";

#[async_trait]
impl InboxStore for SqliteStore {
    async fn receive_delivery(&self, d: &NewDelivery) -> Result<Received, StoreError> {
        let r = &d.record;
        // One writer at a time: the duplicate check and the inserts cannot interleave.
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS}, {JOB_IDS} FROM webhook_inbox w \
             WHERE w.provider = ? AND w.tenant_id = ? AND w.event_id = ?"
        )))
        .bind(&r.provider)
        .bind(&r.tenant_id)
        .bind(&r.event_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            let record = decode(&row)?;
            tx.rollback().await?;
            return Ok(Received { record, job: None });
        }
        let out_of_row = d.payload.len() > d.inline_max;
        let blob_id = out_of_row.then(orch_core::ids::new_id);
        let payload_ref = blob_id.map(|id| format!("{BLOB_REF_PREFIX}{id}"));
        if let Some(blob) = blob_id {
            sqlx::query(
                "INSERT INTO payload_blobs (id, tenant_id, sha256, size_bytes, content, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(blob.to_string())
            .bind(&r.tenant_id)
            .bind(&r.payload_sha256)
            .bind(r.payload_size)
            .bind(d.payload.as_slice())
            .bind(to_micros(r.received_at))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO webhook_inbox (id, provider, tenant_id, event_id, event_type, status, payload, \
             payload_ref, payload_size, payload_sha256, signature_timestamp, note, trace_id, request_id, \
             request_headers, received_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        )
        .bind(r.id.to_string())
        .bind(&r.provider)
        .bind(&r.tenant_id)
        .bind(&r.event_id)
        .bind(&r.event_type)
        .bind((!out_of_row).then_some(d.payload.as_slice()))
        .bind(&payload_ref)
        .bind(r.payload_size)
        .bind(&r.payload_sha256)
        .bind(r.signature_timestamp)
        .bind(&r.trace_id)
        .bind(&r.request_id)
        .bind(headers_text(r.request_headers.as_ref())?)
        .bind(to_micros(r.received_at))
        .bind(to_micros(r.received_at))
        .execute(&mut *tx)
        .await?;
        let job = insert_job(&mut tx, &d.job).await?;
        let record = get(&mut tx, r.id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(Received {
            record,
            job: Some(job),
        })
    }

    async fn get_inbox(&self, id: Uuid) -> Result<Option<InboxRecord>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        get(&mut conn, id).await
    }

    async fn inbox_payload(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> =
            sqlx::query_as("SELECT payload, payload_ref FROM webhook_inbox WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        let Some((inline, reference)) = row else {
            return Ok(None);
        };
        match (inline, reference) {
            (_, Some(reference)) => {
                let blob = blob_id(&reference)?;
                let content: Option<Vec<u8>> =
                    sqlx::query_scalar("SELECT content FROM payload_blobs WHERE id = ?")
                        .bind(blob.to_string())
                        .fetch_optional(self.pool())
                        .await?;
                content.map(Some).ok_or_else(|| {
                    StoreError::Corrupt(format!("inbox {id}: payload {reference} is missing"))
                })
            }
            (Some(inline), None) => Ok(Some(inline)),
            (None, None) => Err(StoreError::Corrupt(format!("inbox {id} has no payload"))),
        }
    }

    async fn list_inbox(&self, q: &InboxQuery) -> Result<Vec<InboxRecord>, StoreError> {
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {COLUMNS}, {JOB_IDS} FROM webhook_inbox w WHERE 1 = 1"
        ));
        if let Some(v) = &q.tenant {
            b.push(" AND w.tenant_id = ").push_bind(v.clone());
        }
        if let Some(v) = &q.provider {
            b.push(" AND w.provider = ").push_bind(v.clone());
        }
        if let Some(v) = &q.status {
            b.push(" AND w.status = ").push_bind(v.clone());
        }
        if let Some(v) = &q.event_type {
            b.push(" AND w.event_type = ").push_bind(v.clone());
        }
        if let Some(v) = q.since {
            b.push(" AND w.received_at >= ").push_bind(to_micros(v));
        }
        if let Some(v) = q.until {
            b.push(" AND w.received_at < ").push_bind(to_micros(v));
        }
        if let Some(v) = &q.trace_id {
            b.push(" AND w.trace_id = ").push_bind(v.clone());
        }
        if !q.ids.is_empty() {
            b.push(" AND w.id IN (");
            let mut ids = b.separated(", ");
            for id in &q.ids {
                ids.push_bind(id.to_string());
            }
            b.push(")");
        }
        if let Some(v) = q.before {
            b.push(" AND w.id < ").push_bind(v.to_string());
        }
        b.push(" ORDER BY w.id DESC LIMIT ")
            .push_bind(rows_limit(q.limit));
        let rows = b.build().fetch_all(self.pool()).await?;
        rows.iter().map(decode).collect()
    }

    async fn replay_inbox(
        &self,
        job: &JobRecord,
        audit: AuditDraft,
    ) -> Result<(InboxRecord, JobRecord), StoreError> {
        let id = job.inbox_id.ok_or(StoreError::NotFound)?;
        let mut tx = self.begin_write().await?;
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM webhook_inbox WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let live: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE inbox_id = ? AND status IN ('queued', 'running'))",
        )
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
        if live {
            return Err(StoreError::Conflict(
                "a job of this row is still queued or running".into(),
            ));
        }
        sqlx::query(
            "UPDATE webhook_inbox SET status = 'received', processed_at = NULL, note = NULL, updated_at = ? \
             WHERE id = ?",
        )
        .bind(to_micros(job.created_at))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        let stored = insert_job(&mut tx, job).await?;
        append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        let record = get(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((record, stored))
    }

    async fn note_inbox(&self, id: Uuid, note: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE webhook_inbox SET note = ?, updated_at = ? WHERE id = ?")
            .bind(note)
            .bind(to_micros(at))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn get(conn: &mut SqliteConnection, id: Uuid) -> Result<Option<InboxRecord>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, {JOB_IDS} FROM webhook_inbox w WHERE w.id = ?"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(decode).transpose()
}

/// The headers as the JSON text the column holds.
fn headers_text(headers: Option<&BTreeMap<String, String>>) -> Result<Option<String>, StoreError> {
    headers
        .map(|h| serde_json::to_string(h).map_err(|e| StoreError::Other(e.to_string())))
        .transpose()
}

fn blob_id(reference: &str) -> Result<Uuid, StoreError> {
    reference
        .strip_prefix(BLOB_REF_PREFIX)
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("payload_ref {reference:?}")))
}

fn decode(row: &SqliteRow) -> Result<InboxRecord, StoreError> {
    let time = |name: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(name)?
            .map(from_micros)
            .transpose()
    };
    let job_ids = row
        .try_get::<Option<String>, _>("job_ids")?
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(parse_uuid)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(InboxRecord {
        id: parse_uuid(&row.try_get::<String, _>("id")?)?,
        provider: row.try_get("provider")?,
        tenant_id: row.try_get("tenant_id")?,
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        status: row.try_get("status")?,
        payload_ref: row.try_get("payload_ref")?,
        payload_size: row.try_get("payload_size")?,
        payload_sha256: row.try_get("payload_sha256")?,
        signature_timestamp: row.try_get("signature_timestamp")?,
        note: row.try_get("note")?,
        trace_id: row.try_get("trace_id")?,
        request_id: row.try_get("request_id")?,
        request_headers: row
            .try_get::<Option<String>, _>("request_headers")?
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("webhook_inbox.request_headers: {e}")))
            })
            .transpose()?,
        received_at: from_micros(row.try_get("received_at")?)?,
        processed_at: time("processed_at")?,
        updated_at: from_micros(row.try_get("updated_at")?)?,
        job_ids,
    })
}

use std::collections::BTreeMap;

use async_trait::async_trait;
use orch_core::audit::AuditDraft;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::PgStore;
use super::job_rows::insert_job;
use crate::model::inbox::{BLOB_REF_PREFIX, InboxQuery, InboxRecord, NewDelivery, Received};
use crate::model::jobs::JobRecord;
use crate::store::shared::append_in_tx;
use crate::store::{InboxStore, StoreError, rows_limit};

const COLUMNS: &str = "w.id, w.provider, w.tenant_id, w.event_id, w.event_type, w.status, w.payload_ref, \
     w.payload_size, w.payload_sha256, w.signature_timestamp, w.note, w.trace_id, w.request_id, \
     w.request_headers, w.received_at, w.processed_at, w.updated_at";
/// The row's jobs, oldest first (UUIDv7 ids order by creation).
const JOB_IDS: &str =
    "ARRAY(SELECT j.id FROM jobs j WHERE j.inbox_id = w.id ORDER BY j.id) AS job_ids";

#[async_trait]
impl InboxStore for PgStore {
    async fn receive_delivery(&self, d: &NewDelivery) -> Result<Received, StoreError> {
        let r = &d.record;
        // If the row that won the race is rolled back meanwhile, the next try inserts.
        for _ in 0..3 {
            let mut tx = self.pool().begin().await?;
            let out_of_row = d.payload.len() > d.inline_max;
            let blob_id = out_of_row.then(orch_core::ids::new_id);
            let payload_ref = blob_id.map(|id| format!("{BLOB_REF_PREFIX}{id}"));
            // The unique constraint decides races: a concurrent duplicate waits for the
            // first transaction and then inserts nothing.
            let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO webhook_inbox AS w (id, provider, tenant_id, event_id, event_type, status, payload, \
                 payload_ref, payload_size, payload_sha256, signature_timestamp, note, trace_id, request_id, \
                 request_headers, received_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, $8, $9, $10, NULL, $11, $12, $13, $14, $14) \
                 ON CONFLICT (provider, tenant_id, event_id) DO NOTHING RETURNING {COLUMNS}"
            )))
            .bind(r.id)
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
            .bind(r.request_headers.as_ref().map(Json))
            .bind(r.received_at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = inserted else {
                tx.rollback().await?;
                let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS}, {JOB_IDS} FROM webhook_inbox w \
                     WHERE w.provider = $1 AND w.tenant_id = $2 AND w.event_id = $3"
                )))
                .bind(&r.provider)
                .bind(&r.tenant_id)
                .bind(&r.event_id)
                .fetch_optional(self.pool())
                .await?;
                match existing {
                    Some(row) => {
                        return Ok(Received {
                            record: decode(&row, true)?,
                            job: None,
                        });
                    }
                    None => continue,
                }
            };
            let mut record = decode(&row, false)?;
            if let Some(blob) = blob_id {
                sqlx::query(
                    "INSERT INTO payload_blobs (id, tenant_id, sha256, size_bytes, content, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(blob)
                .bind(&r.tenant_id)
                .bind(&r.payload_sha256)
                .bind(r.payload_size)
                .bind(d.payload.as_slice())
                .bind(r.received_at)
                .execute(&mut *tx)
                .await?;
            }
            let job = insert_job(&mut tx, &d.job).await?.ok_or_else(|| {
                StoreError::Conflict("the webhook job's dedupe key is taken".into())
            })?;
            tx.commit().await?;
            record.job_ids = vec![job.id];
            return Ok(Received {
                record,
                job: Some(job),
            });
        }
        Err(StoreError::Conflict(
            "the inbox row kept changing hands; retry".into(),
        ))
    }

    async fn get_inbox(&self, id: Uuid) -> Result<Option<InboxRecord>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        get(&mut conn, id).await
    }

    async fn inbox_payload(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> =
            sqlx::query_as("SELECT payload, payload_ref FROM webhook_inbox WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some((inline, reference)) = row else {
            return Ok(None);
        };
        match (inline, reference) {
            (_, Some(reference)) => {
                let blob = blob_id(&reference)?;
                let content: Option<Vec<u8>> =
                    sqlx::query_scalar("SELECT content FROM payload_blobs WHERE id = $1")
                        .bind(blob)
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
        let mut b: QueryBuilder<Postgres> = QueryBuilder::new(format!(
            "SELECT {COLUMNS}, {JOB_IDS} FROM webhook_inbox w WHERE true"
        ));
        if let Some(v) = &q.tenant {
            b.push(" AND w.tenant_id = ").push_bind(v);
        }
        if let Some(v) = &q.provider {
            b.push(" AND w.provider = ").push_bind(v);
        }
        if let Some(v) = &q.status {
            b.push(" AND w.status = ").push_bind(v);
        }
        if let Some(v) = &q.event_type {
            b.push(" AND w.event_type = ").push_bind(v);
        }
        if let Some(v) = q.since {
            b.push(" AND w.received_at >= ").push_bind(v);
        }
        if let Some(v) = q.until {
            b.push(" AND w.received_at < ").push_bind(v);
        }
        if let Some(v) = &q.trace_id {
            b.push(" AND w.trace_id = ").push_bind(v);
        }
        if !q.ids.is_empty() {
            b.push(" AND w.id = ANY(")
                .push_bind(q.ids.clone())
                .push(")");
        }
        if let Some(v) = q.before {
            b.push(" AND w.id < ").push_bind(v);
        }
        b.push(" ORDER BY w.id DESC LIMIT ")
            .push_bind(rows_limit(q.limit));
        let rows = b.build().fetch_all(self.pool()).await?;
        rows.iter().map(|r| decode(r, true)).collect()
    }

    async fn replay_inbox(
        &self,
        job: &JobRecord,
        audit: AuditDraft,
    ) -> Result<(InboxRecord, JobRecord), StoreError> {
        let id = job.inbox_id.ok_or(StoreError::NotFound)?;
        let mut tx = self.pool().begin().await?;
        // The row lock orders this against a finishing job of the row.
        let found: Option<Uuid> =
            sqlx::query_scalar("SELECT id FROM webhook_inbox WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let live: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE inbox_id = $1 AND status IN ('queued', 'running'))",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if live {
            return Err(StoreError::Conflict(
                "a job of this row is still queued or running".into(),
            ));
        }
        sqlx::query(
            "UPDATE webhook_inbox SET status = 'received', processed_at = NULL, note = NULL, updated_at = $2 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(job.created_at)
        .execute(&mut *tx)
        .await?;
        let stored = insert_job(&mut tx, job)
            .await?
            .ok_or_else(|| StoreError::Conflict("the webhook job's dedupe key is taken".into()))?;
        append_in_tx(&mut tx, self.audit_key()?, audit).await?;
        let record = get(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok((record, stored))
    }

    async fn note_inbox(&self, id: Uuid, note: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE webhook_inbox SET note = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(note)
            .bind(at)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<InboxRecord>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, {JOB_IDS} FROM webhook_inbox w WHERE w.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(|r| decode(r, true)).transpose()
}

fn blob_id(reference: &str) -> Result<Uuid, StoreError> {
    reference
        .strip_prefix(BLOB_REF_PREFIX)
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("payload_ref {reference:?}")))
}

fn decode(row: &PgRow, with_jobs: bool) -> Result<InboxRecord, StoreError> {
    Ok(InboxRecord {
        id: row.try_get("id")?,
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
            .try_get::<Option<Json<BTreeMap<String, String>>>, _>("request_headers")?
            .map(|Json(headers)| headers),
        received_at: row.try_get("received_at")?,
        processed_at: row.try_get("processed_at")?,
        updated_at: row.try_get("updated_at")?,
        job_ids: if with_jobs {
            row.try_get("job_ids")?
        } else {
            Vec::new()
        },
    })
}

//! The operator side of the inbox: list rows, show one (with its raw body for roles that may
//! read payloads; the HTTP layer decides who), and replay one: a new `webhook` job, the row
//! back to `received`, and the audit row, in one store transaction.

use std::sync::Arc;

use orch_core::api::inbox::{InboxReplayResponse, InboxView};
use orch_core::api::list::{Cursor, Page};
use orch_core::audit::AuditDraft;
use orch_core::trace::TraceContext;
use time::OffsetDateTime;
use uuid::Uuid;

use super::ingress::WEBHOOK_MAX_ATTEMPTS;
use super::{InboxQuery, InboxRecord, webhook_job};
use crate::dispatch::{DispatchTicket, Dispatcher};
use crate::events::{EventWriter, NewEvent};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("no inbox row {0}")]
    NotFound(Uuid),
    #[error("inbox row {0} still has a queued or running job; replay it when that ends")]
    Busy(Uuid),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for InboxError {
    fn from(err: StoreError) -> Self {
        InboxError::Store(err)
    }
}

/// Who replays, and why (for the audit row and the event).
pub struct Replay<'a> {
    pub audit: AuditDraft,
    pub operator: &'a str,
    pub reason: &'a str,
    pub request_id: &'a str,
    pub trace: &'a TraceContext,
}

#[derive(Clone)]
pub struct InboxService {
    store: Arc<dyn Store>,
    events: EventWriter,
    dispatch: Dispatcher,
}

impl InboxService {
    pub fn new(store: Arc<dyn Store>, events: EventWriter, dispatch: Dispatcher) -> Self {
        Self {
            store,
            events,
            dispatch,
        }
    }

    /// A page of rows, newest first, with the cursor of the next page.
    pub async fn list(&self, query: &InboxQuery) -> Result<Page<InboxView>, InboxError> {
        let rows = self.store.list_inbox(query).await?;
        Ok(Page::from_rows(rows, query.limit, |r| Cursor::of(r.id)).map(|r| r.view(None)))
    }

    pub async fn get(&self, id: Uuid) -> Result<InboxRecord, InboxError> {
        self.store
            .get_inbox(id)
            .await?
            .ok_or(InboxError::NotFound(id))
    }

    /// The row, with its raw body as received when `with_payload` (byte-identical: bodies
    /// are accepted only as JSON, so they are UTF-8).
    pub async fn show(&self, id: Uuid, with_payload: bool) -> Result<InboxView, InboxError> {
        let row = self.get(id).await?;
        let payload = if with_payload {
            let bytes = self
                .store
                .inbox_payload(id)
                .await?
                .ok_or(InboxError::NotFound(id))?;
            Some(String::from_utf8(bytes).map_err(|_| {
                InboxError::Store(StoreError::Corrupt(format!(
                    "inbox {id}: the payload is not UTF-8"
                )))
            })?)
        } else {
            None
        };
        Ok(row.view(payload))
    }

    /// Puts the row back to `received` with a new job (audited in the same transaction),
    /// then hands the job to dispatch.
    pub async fn replay(
        &self,
        row: &InboxRecord,
        by: Replay<'_>,
    ) -> Result<InboxReplayResponse, InboxError> {
        let now = OffsetDateTime::now_utc();
        let job = webhook_job(
            row,
            WEBHOOK_MAX_ATTEMPTS,
            serde_json::to_value(by.trace.to_carrier()).ok(),
            now,
        );
        let (row, job) = self
            .store
            .replay_inbox(&job, by.audit)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => InboxError::NotFound(row.id),
                StoreError::Conflict(_) => InboxError::Busy(row.id),
                other => InboxError::Store(other),
            })?;
        self.dispatch
            .push_committed(&[DispatchTicket::of(&job)])
            .await;
        tracing::warn!(inbox_id = %row.id, job_id = %job.id, operator = by.operator, "inbox row replayed");
        self.events.record(
            NewEvent::new("webhook.replayed", format!("replayed by {}", by.operator))
                .tenant(&row.tenant_id)
                .correlation(Some(by.request_id), Some(&by.trace.trace_id.to_hex()))
                .job(job.id)
                .inbox(row.id)
                .data(serde_json::json!({
                    "provider": row.provider,
                    "event_id": row.event_id,
                    "event_type": row.event_type,
                    "operator": by.operator,
                    "reason": by.reason,
                })),
        );
        Ok(InboxReplayResponse {
            inbox: row.view(None),
            job_id: job.id,
        })
    }
}

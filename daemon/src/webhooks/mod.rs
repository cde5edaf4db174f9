//! Webhook ingress and processing. `ingress.rs` turns a delivery into an inbox row and its
//! `webhook` job (verify → parse → one store transaction → dispatch); `process.rs` is what a
//! worker does with that job (the tenant's routes for the event type, through the shared
//! executor); `inbox.rs` is the operator side (list, show with payload, replay).
//!
//! The inbox row is the truth about a delivery: one per (provider, tenant, event id), its
//! status follows its newest job inside the store transactions that finish, reclaim and
//! replay jobs, so it cannot drift from them.

pub mod inbox;
pub mod ingress;
pub mod process;

use orch_core::api::inbox::InboxView;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::jobs::JobRecord;

/// The provider name of Stripe deliveries.
pub const STRIPE: &str = "stripe";
/// The queue and kind of the jobs that process deliveries.
pub const WEBHOOK_QUEUE: &str = "webhook";
pub const WEBHOOK_KIND: &str = "webhook";
/// Prefix of `payload_ref` for bodies kept in `payload_blobs`.
pub const BLOB_REF_PREFIX: &str = "blob:";

/// An inbox row (the payload itself is read separately: it may be large).
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRecord {
    pub id: Uuid,
    pub provider: String,
    pub tenant_id: String,
    pub event_id: String,
    pub event_type: String,
    pub status: String,
    /// Set when the body is stored out of row (`blob:<id>` in `payload_blobs`).
    pub payload_ref: Option<String>,
    pub payload_size: i64,
    pub payload_sha256: String,
    pub signature_timestamp: Option<i64>,
    pub note: Option<String>,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    pub received_at: OffsetDateTime,
    pub processed_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    /// Its jobs, oldest first (filled by reads; ignored on insert).
    pub job_ids: Vec<Uuid>,
}

impl InboxRecord {
    pub fn view(&self, payload: Option<String>) -> InboxView {
        InboxView {
            id: self.id,
            tenant: self.tenant_id.clone(),
            provider: self.provider.clone(),
            event_id: self.event_id.clone(),
            event_type: self.event_type.clone(),
            status: self.status.clone(),
            received_at: self.received_at,
            processed_at: self.processed_at,
            job_ids: self.job_ids.clone(),
            trace_id: self.trace_id.clone(),
            payload_size: self.payload_size,
            note: self.note.clone(),
            payload,
        }
    }
}

/// A delivery to store: the row, the raw body, and the job that will process it.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// `payload_ref` is ignored: the store sets it when the body goes out of row.
    pub record: InboxRecord,
    pub payload: Vec<u8>,
    /// Bodies longer than this go to `payload_blobs`.
    pub inline_max: usize,
    /// Its `inbox_id` must be `record.id`.
    pub job: JobRecord,
}

/// What storing a delivery did.
#[derive(Debug, Clone)]
pub struct Received {
    /// The new row, or the row that already held this event id.
    pub record: InboxRecord,
    /// The new job; `None` for a duplicate.
    pub job: Option<JobRecord>,
}

impl Received {
    pub fn duplicate(&self) -> bool {
        self.job.is_none()
    }
}

/// Filters of inbox lists (newest first; `before` is the paging cursor).
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    pub tenant: Option<String>,
    pub provider: Option<String>,
    pub status: Option<String>,
    pub event_type: Option<String>,
    /// Received at or after.
    pub since: Option<OffsetDateTime>,
    /// Received before.
    pub until: Option<OffsetDateTime>,
    pub before: Option<Uuid>,
    pub limit: u32,
}

/// The inbox status a job status puts its row in, if any: `succeeded` → `processed`,
/// `dead` → `failed`, `queued` (a replay) → `received`.
pub fn inbox_status_of_job(job_status: &str) -> Option<&'static str> {
    match job_status {
        "succeeded" => Some("processed"),
        "dead" => Some("failed"),
        "queued" => Some("received"),
        _ => None,
    }
}

/// A fresh `webhook` job for an inbox row (first delivery or replay).
pub fn webhook_job(
    record: &InboxRecord,
    max_attempts: i32,
    trace_carrier: Option<serde_json::Value>,
    now: OffsetDateTime,
) -> JobRecord {
    JobRecord {
        id: orch_core::ids::new_id(),
        tenant_id: record.tenant_id.clone(),
        queue: WEBHOOK_QUEUE.to_owned(),
        kind: WEBHOOK_KIND.to_owned(),
        status: "queued".to_owned(),
        connector: None,
        operation: None,
        params: None,
        payload: None,
        inbox_id: Some(record.id),
        config_version: None,
        attempts: 0,
        max_attempts,
        replay_generation: 0,
        run_at: now,
        dedupe_key: None,
        last_error_code: None,
        last_error_message: None,
        last_upstream_status: None,
        trace_id: record.trace_id.clone(),
        request_id: record.request_id.clone(),
        trace_carrier,
        impersonated_by: None,
        impersonation_id: None,
        created_at: now,
        updated_at: now,
        finished_at: None,
        dead_at: None,
    }
}

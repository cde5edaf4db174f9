//! The webhook inbox as stored: one row per delivery, what storing a delivery takes and
//! gives back, list filters, and how a job's status moves its row.

use std::collections::BTreeMap;

use orch_core::api::inbox::InboxView;
use time::OffsetDateTime;
use uuid::Uuid;

use super::jobs::{JobRecord, JobStatus};

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
    /// The delivery's request headers as ingress kept them (allow-listed and redacted, see
    /// `webhooks::ingress`); `None` for rows from before they were kept.
    pub request_headers: Option<BTreeMap<String, String>>,
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
            request_headers: self.request_headers.clone(),
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
    /// Only rows of this trace (their delivery's request).
    pub trace_id: Option<String>,
    /// Only these rows (empty: no restriction).
    pub ids: Vec<Uuid>,
    pub before: Option<Uuid>,
    pub limit: u32,
}

/// The inbox status a job status puts its row in, if any: `succeeded` → `processed`,
/// `dead` → `failed`, `queued` (a replay) → `received`.
pub fn inbox_status_of_job(job_status: JobStatus) -> Option<&'static str> {
    match job_status {
        JobStatus::Succeeded => Some("processed"),
        JobStatus::Dead => Some("failed"),
        JobStatus::Queued => Some("received"),
        JobStatus::Running | JobStatus::Cancelled | JobStatus::Purged => None,
    }
}

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

use time::OffsetDateTime;

pub use crate::model::inbox::{
    BLOB_REF_PREFIX, InboxQuery, InboxRecord, NewDelivery, Received, inbox_status_of_job,
};
use crate::model::jobs::{JobKind, JobRecord, JobStatus};

/// The provider name of Stripe deliveries.
pub const STRIPE: &str = "stripe";
/// The queue of the jobs that process deliveries (their kind is [`JobKind::Webhook`]).
pub const WEBHOOK_QUEUE: &str = "webhook";

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
        kind: JobKind::Webhook,
        status: JobStatus::Queued,
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

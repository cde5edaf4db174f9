//! The webhook ingress answer (`POST /webhooks/stripe[/{tenant}]`) and the inbox admin API
//! (`/v1/admin/inbox*`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The statuses of an inbox row: `received` until its job ends, then `processed` or
/// `failed` (its job is dead).
pub const INBOX_STATUSES: [&str; 3] = ["received", "processed", "failed"];

/// What the ingress answers once a delivery is committed (200), new or duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookReceipt {
    pub received: bool,
    /// True when this provider event id was already in the inbox: nothing new happens.
    pub duplicate: bool,
    /// The row that holds the event (the original row for a duplicate).
    pub inbox_id: Uuid,
}

/// One inbox row (`GET /v1/admin/inbox[/{id}]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub id: Uuid,
    pub tenant: String,
    pub provider: String,
    /// The provider's event id (`evt_…`).
    pub event_id: String,
    pub event_type: String,
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub processed_at: Option<OffsetDateTime>,
    /// Its webhook jobs, oldest first (a replay adds one).
    pub job_ids: Vec<Uuid>,
    pub trace_id: Option<String>,
    pub payload_size: i64,
    /// E.g. that no route matched the event type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// With `?payload=true` only: the raw body as received, byte-identical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

/// `POST /v1/admin/inbox/{id}/replay`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxReplayRequest {
    #[serde(default)]
    pub reason: String,
}

/// The answer to a replay: the row (status back to `received`) and the new job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxReplayResponse {
    pub inbox: InboxView,
    pub job_id: Uuid,
}

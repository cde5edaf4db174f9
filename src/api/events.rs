//! Event log entries, as `GET /v1/admin/events` lists them and the streams send them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    /// The event log id: a positive integer, increasing in the order readers can see events.
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub ts: OffsetDateTime,
    pub kind: String,
    pub tenant: Option<String>,
    pub connector: Option<String>,
    pub operation: Option<String>,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    pub job_id: Option<Uuid>,
    pub inbox_id: Option<Uuid>,
    pub message: String,
    pub data: Value,
}

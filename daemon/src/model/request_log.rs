//! Request log rows and their filters.

use time::OffsetDateTime;
use uuid::Uuid;

/// One API request as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLogEntry {
    pub id: Uuid,
    pub ts: OffsetDateTime,
    pub method: String,
    /// The route template (`/v1/jobs/{id}`), never a raw path with ids.
    pub route: Option<String>,
    pub path: String,
    pub status: u16,
    pub duration_us: u64,
    pub tenant_id: Option<String>,
    pub operator_id: Option<Uuid>,
    pub impersonated_by: Option<Uuid>,
    pub impersonation_id: Option<Uuid>,
    pub request_id: String,
    pub trace_id: String,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Filters for reading the request log back (newest first).
#[derive(Debug, Clone, Default)]
pub struct RequestLogQuery {
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub tenant_id: Option<String>,
    pub limit: u32,
}

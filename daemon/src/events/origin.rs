//! Where a service call comes from, for the events it records.

use orch_core::trace::TraceContext;
use uuid::Uuid;

use super::NewEvent;

/// The request a service call runs for: its correlation ids and, under an impersonation,
/// the operator behind it.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub request_id: &'a str,
    pub trace: &'a TraceContext,
    pub impersonated_by: Option<Uuid>,
    pub impersonation_id: Option<Uuid>,
}

impl Origin<'_> {
    /// An event correlated with the request (impersonation is added where the event names it).
    pub fn event(&self, kind: &str, message: impl Into<String>) -> NewEvent {
        NewEvent::new(kind, message)
            .correlation(Some(self.request_id), Some(&self.trace.trace_id.to_hex()))
    }
}

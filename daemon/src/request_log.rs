//! The request log: one row per API request, written off the hot path in batches
//! (see `batch`), so logging never adds a database round trip to a request.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::batch::{BatchSink, BatchTask, BatchWriter};
use crate::store::{Store, StoreError};

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

/// The request log writer: rows are batched off the request path.
pub type RequestLogWriter = BatchWriter<RequestLogEntry>;

/// Writes request log rows to the store.
pub struct RequestLogSink(pub Arc<dyn Store>);

#[async_trait]
impl BatchSink<RequestLogEntry> for RequestLogSink {
    fn name(&self) -> &'static str {
        "request log"
    }

    async fn write(&self, batch: &[RequestLogEntry]) -> Result<(), StoreError> {
        self.0.insert_request_logs(batch).await
    }
}

/// Starts the request log writer.
pub fn spawn_writer(
    store: Arc<dyn Store>,
    batch_size: usize,
    flush_every: Duration,
) -> (RequestLogWriter, BatchTask) {
    BatchWriter::spawn(Arc::new(RequestLogSink(store)), batch_size, flush_every)
}

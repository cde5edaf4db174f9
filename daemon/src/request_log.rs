//! The request log: one row per API request, written off the hot path in batches
//! (see `batch`), so logging never adds a database round trip to a request.

use std::sync::Arc;
use std::time::Duration;

use crate::batch::{BatchSink, BatchTask, BatchWriter};
pub use crate::model::request_log::{RequestLogEntry, RequestLogQuery};
use crate::store::{Store, StoreError};
use async_trait::async_trait;

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

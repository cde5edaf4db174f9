//! The event log: an append-only, ordered record of what happens (`execute.succeeded`,
//! `breaker.opened`, `config.activated`, …), each with tenant, connector, trace and request
//! ids. Components emit events through a batched writer (never on the request path's
//! critical section); the store appends them so that ids become visible in increasing order.
//! After each append the writer advances the [`feed::EventFeed`], which wakes the live
//! streams ([`follow`]) on this node and, through Redis, on the others.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use orch_core::api::events::EventView;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::batch::{BatchSink, BatchTask, BatchWriter};
use crate::store::{Store, StoreError};

pub mod feed;
pub mod follow;
pub mod log;
pub mod origin;

use feed::EventFeed;

/// An event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub ts: OffsetDateTime,
    pub kind: String,
    pub tenant_id: Option<String>,
    pub connector: Option<String>,
    pub operation: Option<String>,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    pub job_id: Option<Uuid>,
    pub inbox_id: Option<Uuid>,
    pub message: String,
    pub data: Value,
    pub impersonated_by: Option<Uuid>,
    pub impersonation_id: Option<Uuid>,
}

impl NewEvent {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            ts: OffsetDateTime::now_utc(),
            kind: kind.to_owned(),
            tenant_id: None,
            connector: None,
            operation: None,
            trace_id: None,
            request_id: None,
            job_id: None,
            inbox_id: None,
            message: message.into(),
            data: Value::Object(serde_json::Map::new()),
            impersonated_by: None,
            impersonation_id: None,
        }
    }

    pub fn tenant(mut self, tenant: &str) -> Self {
        self.tenant_id = Some(tenant.to_owned());
        self
    }

    pub fn connector(mut self, connector: &str, operation: Option<&str>) -> Self {
        self.connector = Some(connector.to_owned());
        self.operation = operation.map(str::to_owned);
        self
    }

    pub fn correlation(mut self, request_id: Option<&str>, trace_id: Option<&str>) -> Self {
        self.request_id = request_id.map(str::to_owned);
        self.trace_id = trace_id.map(str::to_owned);
        self
    }

    pub fn impersonation(mut self, by: Option<Uuid>, id: Option<Uuid>) -> Self {
        self.impersonated_by = by;
        self.impersonation_id = id;
        self
    }

    pub fn job(mut self, job: Uuid) -> Self {
        self.job_id = Some(job);
        self
    }

    pub fn inbox(mut self, inbox: Uuid) -> Self {
        self.inbox_id = Some(inbox);
        self
    }

    /// Sets the inbox row when there is one (events of webhook jobs).
    pub fn with_inbox(mut self, inbox: Option<Uuid>) -> Self {
        self.inbox_id = inbox.or(self.inbox_id);
        self
    }

    pub fn data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub id: i64,
    pub event: NewEvent,
}

impl EventRecord {
    pub fn view(&self) -> EventView {
        let e = &self.event;
        EventView {
            id: self.id,
            ts: e.ts,
            kind: e.kind.clone(),
            tenant: e.tenant_id.clone(),
            connector: e.connector.clone(),
            operation: e.operation.clone(),
            trace_id: e.trace_id.clone(),
            request_id: e.request_id.clone(),
            job_id: e.job_id,
            inbox_id: e.inbox_id,
            message: e.message.clone(),
            data: e.data.clone(),
        }
    }
}

/// Filters of the event log.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub tenant: Option<String>,
    pub connector: Option<String>,
    pub trace_id: Option<String>,
    /// Exact kind, or a prefix ending in `.` or `*` (`webhook.*`).
    pub kind: Option<String>,
    /// Only events at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Oldest first, after this id (for resuming).
    pub after_id: Option<i64>,
    /// Newest first, before this id (for paging back).
    pub before_id: Option<i64>,
    pub limit: u32,
}

impl EventQuery {
    /// The kind filter as (prefix, exact): `webhook.*` and `webhook.` are prefixes.
    pub fn kind_filter(&self) -> Option<(String, bool)> {
        self.kind.as_ref().map(|k| match k.strip_suffix('*') {
            Some(prefix) => (prefix.to_owned(), false),
            None if k.ends_with('.') => (k.clone(), false),
            None => (k.clone(), true),
        })
    }
}

/// Emits events; cheap to clone, never blocks.
pub type EventWriter = BatchWriter<NewEvent>;

struct EventSink {
    store: Arc<dyn Store>,
    feed: EventFeed,
}

#[async_trait]
impl BatchSink<NewEvent> for EventSink {
    fn name(&self) -> &'static str {
        "event log"
    }

    async fn write(&self, batch: &[NewEvent]) -> Result<(), StoreError> {
        let ids = self.store.append_events(batch).await?;
        // Committed: wake the streams (never waits).
        if let Some(max) = ids.iter().max() {
            self.feed.advance(*max);
        }
        Ok(())
    }
}

/// Lets at most one event through per key and interval (for hot events such as
/// `ratelimit.dropped`), counting what it held back.
#[derive(Clone, Default)]
pub struct Sampler {
    last: Arc<std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u64)>>>,
}

impl Sampler {
    /// `Some(suppressed_since_last)` when this one should be emitted.
    pub fn admit(&self, key: &str, every: Duration) -> Option<u64> {
        let mut map = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = std::time::Instant::now();
        match map.get_mut(key) {
            Some((at, held)) if now.duration_since(*at) < every => {
                *held += 1;
                None
            }
            Some((at, held)) => {
                let n = *held;
                *at = now;
                *held = 0;
                Some(n)
            }
            None => {
                map.insert(key.to_owned(), (now, 0));
                Some(0)
            }
        }
    }
}

/// Starts the event writer (small batches, flushed often: events feed live streams); each
/// committed batch advances `feed`.
pub fn spawn_writer(store: Arc<dyn Store>, feed: EventFeed) -> (EventWriter, BatchTask) {
    BatchWriter::spawn(
        Arc::new(EventSink { store, feed }),
        256,
        Duration::from_millis(50),
    )
}

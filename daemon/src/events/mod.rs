//! The event log: an append-only, ordered record of what happens (`execute.succeeded`,
//! `breaker.opened`, `config.activated`, …), each with tenant, connector, trace and request
//! ids. Components emit events through a batched writer (never on the request path's
//! critical section); the store appends them so that ids become visible in increasing order.
//! After each append the writer advances the [`feed::EventFeed`], which wakes the live
//! streams ([`follow`]) on this node and, through Redis, on the others.

use std::sync::Arc;
use std::time::Duration;

use crate::batch::{BatchSink, BatchTask, BatchWriter};
use crate::store::{Store, StoreError};
use async_trait::async_trait;

pub mod feed;
pub mod follow;
pub mod log;
pub mod origin;

use feed::EventFeed;

pub use crate::model::events::{EventQuery, EventRecord, NewEvent};

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

//! Following the event log live: a stream first reads the log after its resume id, then waits
//! for the feed to rise and reads again. Ordering, no gap and no duplicate all come from the
//! log (ids become visible in increasing order); the feed only says when to look.
//!
//! The stream is pulled: a slow client simply reads the log later (nothing is buffered for
//! it beyond one page, and nothing it does reaches the writer).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use tokio::sync::watch;
use tracing::Instrument;

use super::feed::{EventFeed, newest_id};
use super::{EventQuery, EventRecord};
use crate::store::{Store, StoreError};

/// Rows read per round trip.
const PAGE: u32 = 200;
/// Wait after a failed read before trying again (the stream stays open).
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Where a stream starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Every event after this id (`Last-Event-ID` / `after_id`).
    After(i64),
    /// Only events appended from now on.
    Now,
}

/// Follows the log from `start`, yielding the events that match `filter` (its tenant,
/// connector, trace, kind and since fields; paging fields are ignored), oldest first, and
/// the id it starts after (for `Start::Now`, the newest id at the start). Ends when the feed
/// closes (server shutdown). Read errors are logged and retried.
pub async fn follow(
    store: Arc<dyn Store>,
    feed: &EventFeed,
    filter: EventQuery,
    start: Start,
) -> Result<(i64, impl Stream<Item = EventRecord> + Send + 'static), StoreError> {
    let cursor = match start {
        Start::After(id) => id,
        Start::Now => newest_id(store.as_ref()).await?.max(feed.latest()),
    };
    let follower = Follower {
        store,
        filter: EventQuery {
            after_id: None,
            before_id: None,
            limit: PAGE,
            ..filter
        },
        cursor,
        buffered: VecDeque::new(),
        latest: feed.subscribe(),
        closing: feed.closing(),
    };
    // Log lines from the stream carry the request's ids, like the rest of the request.
    let span = tracing::Span::current();
    let stream = futures_util::stream::unfold(follower, move |f| f.next().instrument(span.clone()));
    Ok((cursor, stream))
}

struct Follower {
    store: Arc<dyn Store>,
    filter: EventQuery,
    /// Every matching event with an id up to here has been yielded (or precedes the start).
    cursor: i64,
    buffered: VecDeque<EventRecord>,
    latest: watch::Receiver<i64>,
    closing: watch::Receiver<bool>,
}

impl Follower {
    async fn next(mut self) -> Option<(EventRecord, Self)> {
        loop {
            if *self.closing.borrow() {
                return None;
            }
            if let Some(event) = self.buffered.pop_front() {
                return Some((event, self));
            }
            // Taken before reading: every id up to `known` was committed before this read
            // started, so a short page means nothing matching up to `known` is left unseen.
            let known = *self.latest.borrow_and_update();
            match self.read_page().await {
                Ok(page) => {
                    let full = page.len() >= PAGE as usize;
                    if let Some(last) = page.last() {
                        self.cursor = self.cursor.max(last.id);
                    }
                    if !full {
                        // Filtered streams skip past non-matching events instead of
                        // re-reading them on every rise.
                        self.cursor = self.cursor.max(known);
                    }
                    self.buffered.extend(page);
                    if !self.buffered.is_empty() {
                        continue;
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, after_id = self.cursor, "event stream read failed; retrying");
                    tokio::select! {
                        _ = self.closing.changed() => return None,
                        () = tokio::time::sleep(RETRY_AFTER) => {}
                    }
                    continue;
                }
            }
            tokio::select! {
                _ = self.closing.changed() => return None,
                changed = self.latest.changed() => if changed.is_err() { return None },
            }
        }
    }

    async fn read_page(&self) -> Result<Vec<EventRecord>, StoreError> {
        let query = EventQuery {
            after_id: Some(self.cursor),
            ..self.filter.clone()
        };
        let mut page = self.store.list_events(&query).await?;
        // Oldest first is the store's contract for `after_id`; never yield out of order.
        page.retain(|e| e.id > self.cursor);
        Ok(page)
    }
}

//! The SSE event streams shared by `GET /v1/admin/events/stream` (operators, every tenant)
//! and `GET /v1/events/stream` (a tenant, its own events): the query filters, the resume
//! point, and the `text/event-stream` rendering of API.md (`id:` the log id, `event:` the
//! kind, `data:` the event as JSON; a keep-alive comment every 15 s), and the cap on live
//! streams per caller.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use orch_core::api::events::{EventStreamQuery, EventView};
use orch_core::problem::ErrorCode;

use super::AppState;
use super::error::AppError;
use super::extract::parse_time;
use crate::events::EventQuery;
use crate::events::follow::{Start, follow};

/// How often an idle stream sends a comment, so proxies keep the connection open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What a caller over its stream cap is told to wait before trying again (seconds).
const STREAM_RETRY_AFTER_S: u64 = 5;

/// Live streams per caller on this node (`api.max_streams_per_caller`). Each stream holds
/// a [`StreamSlot`] for as long as it lives; dropping the stream — the client went away,
/// shutdown ended it — gives the slot back. Counted per node: a caller spread over N nodes
/// may hold N times the cap, which still bounds what one caller costs each node.
#[derive(Clone)]
pub struct StreamSlots {
    held: Arc<Mutex<HashMap<String, usize>>>,
    max: usize,
}

impl StreamSlots {
    pub fn new(max_per_caller: usize) -> Self {
        Self {
            held: Arc::default(),
            max: max_per_caller,
        }
    }

    /// A slot for `caller` (e.g. `operator:<id>`, `tenant:<slug>`), or 429 `rate_limited`
    /// when it already holds the maximum.
    pub fn take(&self, caller: String) -> Result<StreamSlot, AppError> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(caller.clone()).or_default();
        if *count >= self.max {
            return Err(AppError::new(
                ErrorCode::RateLimited,
                format!(
                    "at most {} event streams may be open at once; close one first",
                    self.max
                ),
            )
            .with("limit", self.max)
            .with_header(
                axum::http::header::RETRY_AFTER,
                STREAM_RETRY_AFTER_S.to_string(),
            ));
        }
        *count += 1;
        Ok(StreamSlot {
            held: self.held.clone(),
            caller,
        })
    }

    /// Streams `caller` holds now.
    pub fn held_by(&self, caller: &str) -> usize {
        let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.get(caller).copied().unwrap_or(0)
    }
}

/// One live stream's place in its caller's count; given back on drop.
pub struct StreamSlot {
    held: Arc<Mutex<HashMap<String, usize>>>,
    caller: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.caller) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                // Callers come and go: the map holds only those with a stream open.
                held.remove(&self.caller);
            }
        }
    }
}

/// The query string of both streams (the shared type, by the name this module's tests use).
pub type StreamParams = EventStreamQuery;

/// Reading a stream's query.
pub trait StreamQuery {
    /// The validated filters and where to start; 400 `validation_failed` names a bad value.
    fn into_query(self, headers: &HeaderMap) -> Result<(EventQuery, Start), AppError>;
}

impl StreamQuery for EventStreamQuery {
    fn into_query(self, headers: &HeaderMap) -> Result<(EventQuery, Start), AppError> {
        let filter = self
            .filter()
            .normalized()
            .map_err(|e| AppError::invalid_field(&e.field, e.message))?;
        let since = parse_time("since", self.since.as_deref())?;
        let start = match (last_event_id(headers)?, self.after_id) {
            (Some(id), _) => Start::After(id),
            (None, Some(id)) if id < 0 => {
                return Err(AppError::invalid_field(
                    "after_id",
                    "must be an event id (0 or more)",
                ));
            }
            (None, Some(id)) => Start::After(id),
            (None, None) if since.is_some() => Start::After(0),
            (None, None) => Start::Now,
        };
        let query = EventQuery {
            tenant: filter.tenant,
            connector: filter.connector,
            trace_id: filter.trace_id,
            kind: filter.kind,
            since,
            ..EventQuery::default()
        };
        Ok((query, start))
    }
}

/// `Last-Event-ID`, as a browser (or `orchctl events tail`) sends it on reconnecting.
fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, AppError> {
    let Some(value) = headers.get("last-event-id") else {
        return Ok(None);
    };
    let invalid = || AppError::invalid_field("Last-Event-ID", "must be an event id (0 or more)");
    let text = value.to_str().map_err(|_| invalid())?.trim();
    if text.is_empty() {
        // The SSE spec lets a client reset its last id to the empty string.
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(id) if id >= 0 => Ok(Some(id)),
        _ => Err(invalid()),
    }
}

/// How events are framed for a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `event:` is the kind (API.md), for clients that dispatch on it.
    Named,
    /// No `event:` field, so a browser's `EventSource` hands every event to `onmessage`
    /// (it only dispatches named events to listeners registered for that exact name).
    Unnamed,
}

/// Opens the stream: reads the log after the start point, then follows it live. A stream
/// that starts at "now" first sends a message with only `id:` (the newest id), which moves a
/// client's `Last-Event-ID` without being an event, so a reconnect misses nothing.
/// `slot` is held by the stream until it is dropped.
pub async fn respond(
    state: &AppState,
    query: EventQuery,
    start: Start,
    slot: StreamSlot,
) -> Result<Response, AppError> {
    respond_until(
        state,
        query,
        start,
        slot,
        Framing::Named,
        futures_util::future::pending(),
    )
    .await
}

/// [`respond`], framed as `framing` says, and ended as soon as `end` resolves (the console
/// ends a stream whose session is no longer valid).
pub async fn respond_until(
    state: &AppState,
    query: EventQuery,
    start: Start,
    slot: StreamSlot,
    framing: Framing,
    end: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Response, AppError> {
    let (start_id, events) = follow(state.store.clone(), &state.event_feed, query, start).await?;
    let marker = (start == Start::Now).then(|| Event::default().id(start_id.to_string()));
    let events = futures_util::stream::iter(marker)
        .chain(events.map(move |record| sse_event(&record.view(), framing)))
        .take_until(Box::pin(end))
        .map(move |event| {
            // The closure owns the slot, so it lives exactly as long as the stream: axum
            // drops the body when the client disconnects or the stream ends.
            let _held = &slot;
            Ok::<_, Infallible>(event)
        });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    // Tells nginx-style proxies not to buffer the stream.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

/// One SSE event. Each field is set once (axum panics on a repeated field) and only with
/// values that cannot break the framing.
fn sse_event(view: &EventView, framing: Framing) -> Event {
    let mut event = Event::default().id(view.id.to_string());
    if framing == Framing::Named && !view.kind.is_empty() && !view.kind.contains(['\n', '\r']) {
        event = event.event(&view.kind);
    }
    // Compact JSON has no raw newlines (they are escaped inside strings).
    let data = serde_json::to_string(view).unwrap_or_else(|err| {
        tracing::error!(error = %err, id = view.id, "event could not be serialised");
        "{}".to_owned()
    });
    event.data(data)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;

    fn params(query: &str) -> StreamParams {
        serde_urlencoded::from_str(query).unwrap()
    }

    fn headers(last: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("last-event-id", HeaderValue::from_str(last).unwrap());
        h
    }

    #[test]
    fn the_resume_point_prefers_the_header() {
        let none = HeaderMap::new();
        assert_eq!(params("").into_query(&none).unwrap().1, Start::Now);
        assert_eq!(
            params("after_id=7").into_query(&none).unwrap().1,
            Start::After(7)
        );
        assert_eq!(
            params("after_id=7").into_query(&headers("12")).unwrap().1,
            Start::After(12)
        );
        assert_eq!(params("").into_query(&headers("")).unwrap().1, Start::Now);
        let (query, start) = params("since=2026-01-01T00:00:00Z")
            .into_query(&none)
            .unwrap();
        assert_eq!(start, Start::After(0));
        assert!(query.since.is_some());
    }

    #[test]
    fn bad_values_are_refused() {
        let none = HeaderMap::new();
        for q in [
            "after_id=-1",
            "kind=job.*.x",
            "kind=",
            "tenant=Not A Slug",
            "trace_id=xyz",
            "since=yesterday",
        ] {
            assert!(params(q).into_query(&none).is_err(), "{q}");
        }
        assert!(params("").into_query(&headers("abc")).is_err());
        assert!(params("").into_query(&headers("-3")).is_err());
    }
}

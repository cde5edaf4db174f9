//! `GET /console/events` (seed 080): the event log as a live terminal tail. The server
//! renders the newest [`BACKFILL`] matching events (oldest first, newest at the bottom) and
//! the id they reach; `console.js` then opens `/console/events/stream` after that id, so
//! nothing falls between page and stream, and on reconnect resumes from the last id it
//! showed (`after_id`, or the browser's `Last-Event-ID`).
//!
//! Filters (tenant, connector, kind — exact or a `webhook.*` prefix — and trace id) are GET
//! parameters, so a filtered tail is a bookmark. The stream is the admin stream's code
//! (`http/event_stream.rs`), authenticated by the session cookie and ended as soon as the
//! session is no longer valid (re-checked every [`super::session::STREAM_RECHECK`] at most).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use orch_core::api::events::{EventFilter, EventStreamQuery, EventView};

use super::error::{ConsoleError, ConsoleResult};
use super::forms::{filter_form, list_url};
use super::layout::Nav;
use super::query::ConsoleQuery;
use super::session::ConsoleOperator;
use super::view::{is_trace_id, timestamp};
use crate::events::EventQuery;
use crate::http::AppState;
use crate::http::event_stream::{self, Framing, StreamQuery as _};
use crate::http::extract::ApiQuery;

/// Rows the page starts with.
pub const BACKFILL: u32 = 200;
/// Rows the browser keeps (a ring buffer: the oldest go first).
pub const RING: usize = 2000;

/// `GET /console/events`.
pub async fn page(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    ConsoleQuery(entered): ConsoleQuery<EventFilter>,
) -> ConsoleResult<Response> {
    let filter = match entered.clone().normalized() {
        Ok(filter) => filter,
        Err(e) => {
            let error = format!("{}: {}", e.field, e.message);
            let page = events_page(&operator, &entered, Some(&error), None);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    // Read the reach first and the page below it: the stream resumes exactly there.
    let reach = state.event_log.newest_id().await?;
    let mut rows = state
        .event_log
        .list(&EventQuery {
            tenant: filter.tenant.clone(),
            connector: filter.connector.clone(),
            trace_id: filter.trace_id.clone(),
            kind: filter.kind.clone(),
            before_id: Some(reach.saturating_add(1)),
            limit: BACKFILL,
            ..EventQuery::default()
        })
        .await?
        .items;
    rows.reverse();
    let stream = list_url(
        "/console/events/stream",
        &EventStreamQuery::new(filter.clone()),
    )?;
    let tail = Tail {
        rows: &rows,
        stream: &stream,
        after_id: reach,
    };
    Ok(events_page(&operator, &filter, None, Some(tail)).into_response())
}

struct Tail<'a> {
    rows: &'a [EventView],
    stream: &'a str,
    after_id: i64,
}

fn events_page(
    operator: &ConsoleOperator,
    filter: &EventFilter,
    error: Option<&str>,
    tail: Option<Tail<'_>>,
) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    operator.page(
        Nav::Events,
        "Events",
        html! {
            h1 { "Events" }
            (filter_form("/console/events", "events-filters", html! {
                input name="tenant" placeholder="tenant" value=(value(&filter.tenant));
                input name="connector" placeholder="connector" value=(value(&filter.connector));
                input name="kind" placeholder="kind: job.dead or webhook.*" value=(value(&filter.kind));
                input.wide name="trace_id" placeholder="trace id" value=(value(&filter.trace_id));
            }))
            @if let Some(error) = error {
                p.notice.error role="alert" { (error) }
            }
            @if let Some(tail) = tail {
                div.tail-bar {
                    button #tail-pause type="button" aria-pressed="false" { "Pause" }
                    span #tail-badge .badge.hidden {}
                    span #tail-status .status { "connecting" }
                    span { "newest at the bottom; scroll up to pause" }
                }
                ol #tail .tail data-stream=(tail.stream) data-after-id=(tail.after_id) data-max=(RING) {
                    @for event in tail.rows {
                        (event_row(event))
                    }
                    @if tail.rows.is_empty() {
                        li.empty { "No matching events yet; new ones appear here." }
                    }
                }
            }
        },
    )
}

/// The CSS classes of a row of `kind` (mirrored by `kindClasses` in `console.js`): `k-`
/// and the kind's first segment, plus `bad` for failures.
pub fn kind_class(kind: &str) -> String {
    let first: String = kind
        .split('.')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
        .collect();
    let bad = ["failed", "dead", "opened", "refused", "rejected", "error"]
        .iter()
        .any(|end| kind.rsplit('.').next() == Some(*end) && kind.contains('.'));
    if bad {
        format!("k-{first} bad")
    } else {
        format!("k-{first}")
    }
}

/// One row of the tail (mirrored by `eventRow` in `console.js`); every value is escaped.
pub fn event_row(event: &EventView) -> Markup {
    html! {
        li class=(kind_class(&event.kind)) data-id=(event.id) {
            span.ts { (timestamp(event.ts)) } " "
            span.kind { (event.kind) } " "
            span.tenant { (event.tenant.as_deref().unwrap_or("-")) } " "
            span.connector { (event.connector.as_deref().unwrap_or("-")) } " "
            span.msg { (event.message) }
            @if let Some(trace) = event.trace_id.as_deref().filter(|t| is_trace_id(t)) {
                " "
                a.trace href={ "/console/traces/" (trace) } { "trace " (&trace[..8]) }
            }
        }
    }
}

/// `GET /console/events/stream`: the filtered log as SSE, every event unnamed (so the
/// page's `EventSource` receives all of them), for as long as the session stays valid.
/// Without a session: 401 (an `EventSource` cannot follow a redirect to a sign-in page).
pub async fn stream(
    State(state): State<AppState>,
    operator: Result<ConsoleOperator, ConsoleError>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<EventStreamQuery>,
) -> ConsoleResult<Response> {
    let operator = operator.map_err(|e| match e {
        ConsoleError::SignIn { .. } => ConsoleError::Unauthenticated,
        other => other,
    })?;
    let (query, start) = params.into_query(&headers)?;
    let slot = state
        .streams
        .take(format!("operator:{}", operator.operator().id))?;
    let ended = operator.session_ended(&state);
    Ok(event_stream::respond_until(&state, query, start, slot, Framing::Unnamed, ended).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_classed_by_their_first_segment() {
        assert_eq!(kind_class("job.succeeded"), "k-job");
        assert_eq!(kind_class("job.dead"), "k-job bad");
        assert_eq!(kind_class("webhook.received"), "k-webhook");
        assert_eq!(kind_class("breaker.opened"), "k-breaker bad");
        assert_eq!(kind_class("dead"), "k-dead");
        assert_eq!(kind_class("x\"><script>.failed"), "k-xscript bad");
    }

    #[test]
    fn rows_escape_what_they_show() {
        let event = EventView {
            id: 7,
            ts: time::OffsetDateTime::UNIX_EPOCH,
            kind: "job.dead".into(),
            tenant: Some("acme".into()),
            connector: None,
            operation: None,
            trace_id: Some("0123456789abcdef0123456789abcdef".into()),
            request_id: None,
            job_id: None,
            inbox_id: None,
            message: "</script><img src=x onerror=alert(1)>".into(),
            data: serde_json::Value::Null,
        };
        let html = event_row(&event).into_string();
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(html.contains("href=\"/console/traces/0123456789abcdef0123456789abcdef\""));
        assert!(html.contains("1970-01-01 00:00:00"));
    }
}

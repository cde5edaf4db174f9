//! `GET /v1/admin/events`: the event log, filtered and paged (newest first, or oldest first
//! after `after_id` for resuming), and `GET /v1/admin/events/stream`: every tenant's events
//! as SSE ([`crate::http::event_stream`]).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use orch_core::api::events::{EventListQuery, EventStreamQuery, EventView};
use orch_core::api::list::{Page, effective_limit};

use crate::events::EventQuery;
use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::event_stream::{self, StreamQuery as _};
use crate::http::extract::{ApiQuery, parse_cursor, parse_time};

pub async fn stream(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<EventStreamQuery>,
) -> Result<Response, AppError> {
    let (query, start) = params.into_query(&headers)?;
    let slot = state
        .streams
        .take(format!("operator:{}", actor.operator.id))?;
    event_stream::respond(&state, query, start, slot).await
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<EventListQuery>,
) -> Result<Json<Page<EventView>>, AppError> {
    let limit = effective_limit(p.limit);
    let before_id = parse_cursor(p.cursor.as_ref())?;
    if p.after_id.is_some_and(|id| id < 0) {
        return Err(AppError::invalid_field(
            "after_id",
            "must be an event id (0 or more)",
        ));
    }
    let filter = p
        .filter()
        .normalized()
        .map_err(|e| AppError::invalid_field(&e.field, e.message))?;
    let query = EventQuery {
        tenant: filter.tenant,
        connector: filter.connector,
        trace_id: filter.trace_id,
        kind: filter.kind,
        since: parse_time("since", p.since.as_deref())?,
        after_id: p.after_id,
        before_id,
        limit,
    };
    Ok(Json(state.event_log.list(&query).await?))
}

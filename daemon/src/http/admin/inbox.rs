//! The webhook inbox: `GET /v1/admin/inbox` (filters: tenant, provider, status, type, since,
//! until), `GET /v1/admin/inbox/{id}[?payload=true]` (the raw body only for roles holding
//! `payloads.read`; others get 403, audited like any denial) and
//! `POST /v1/admin/inbox/{id}/replay` (`inbox.replay`, with a reason; billing replays the
//! Stripe inbox only). The rules and their audit rows are the service's
//! (`webhooks::inbox`), shared with the console.

use axum::Json;
use axum::extract::{Path, State};
use orch_core::api::inbox::{InboxListQuery, InboxReplayRequest, InboxReplayResponse, InboxView};
use orch_core::api::list::Page;
use serde::Deserialize;
use uuid::Uuid;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery, require_reason};
use crate::webhooks::inbox::{InboxService, ReplayBy};

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<InboxListQuery>,
) -> Result<Json<Page<InboxView>>, AppError> {
    Ok(Json(state.inbox.list(&InboxService::query(&p)?).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShowParams {
    #[serde(default)]
    payload: bool,
}

pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<ShowParams>,
) -> Result<Json<InboxView>, AppError> {
    // The gate before the id: a role without `payloads.read` learns nothing from the answer.
    if p.payload {
        state
            .inbox
            .require_payloads(&actor.operator, actor.audit(""), &id)
            .await?;
    }
    let id = inbox_id(&id)?;
    Ok(Json(state.inbox.show(id, p.payload).await?))
}

pub async fn replay(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InboxReplayRequest>,
) -> Result<Json<InboxReplayResponse>, AppError> {
    let reason = require_reason(&body.reason)?;
    let id = inbox_id(&id)?;
    let answer = state
        .inbox
        .replay_by(
            id,
            ReplayBy {
                operator: &actor.operator,
                audit: actor.audit(reason),
                reason,
                request_id: &actor.ctx.request_id,
                trace: &actor.ctx.trace,
            },
        )
        .await?;
    Ok(Json(answer))
}

/// A row id from the path (the API's and the console's); anything else names no row.
pub(crate) fn inbox_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::not_found(format!("no inbox row {id:?}")))
}

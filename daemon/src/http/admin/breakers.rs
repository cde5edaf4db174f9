//! `/v1/admin/breakers`: see and reset circuit breakers (reset is audited, and reaches every
//! node — or says it did not: [`crate::resilience::reset`]).

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use orch_core::api::breakers::{BreakerListQuery, BreakerView, ResetBreakerRequest};
use orch_core::api::list::Page;
use orch_core::tenant::TenantSlug;
use time::OffsetDateTime;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery, require_reason};
use crate::resilience::breakers::BreakerStatus;
use crate::resilience::reset::reset_audited;

fn view(status: &BreakerStatus) -> BreakerView {
    // The state machine counts time from the registry's epoch; show wall-clock times.
    let now_wall = OffsetDateTime::now_utc();
    let now_rel = Instant::now().saturating_duration_since(status.epoch);
    let wall = |rel: std::time::Duration| {
        if rel <= now_rel {
            now_wall - (now_rel - rel)
        } else {
            now_wall + (rel - now_rel)
        }
    };
    BreakerView {
        tenant: status.tenant.clone(),
        connector: status.connector.clone(),
        state: status.view.state.as_str().to_owned(),
        failure_rate: status.view.failure_rate,
        calls_in_window: status.view.calls as u64,
        opened_at: status.view.opened_at.map(wall),
        next_probe_at: status.view.next_probe_at.map(wall),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<BreakerListQuery>,
) -> Json<Page<BreakerView>> {
    let items = state
        .executor
        .breakers()
        .list(params.tenant.as_deref(), params.connector.as_deref())
        .iter()
        .map(view)
        .collect();
    Json(Page {
        items,
        next_cursor: None,
    })
}

pub async fn reset(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(body): ApiJson<ResetBreakerRequest>,
) -> Result<Json<Page<BreakerView>>, AppError> {
    let reason = require_reason(&body.reason)?;
    let tenant = TenantSlug::parse(&body.tenant)
        .map_err(|e| AppError::invalid_field("tenant", e.to_string()))?;
    let connector_ok = !body.connector.is_empty()
        && body.connector.len() <= 64
        && body
            .connector
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if !connector_ok {
        return Err(AppError::invalid_field(
            "connector",
            "1–64 characters of letters, digits, '_' and '-'",
        ));
    }
    let draft = actor
        .audit(reason)
        .tenant(tenant.as_str())
        .target("breaker", format!("{}/{}", tenant, body.connector));
    reset_audited(
        state.executor.breakers(),
        &state.audit,
        tenant.as_str(),
        &body.connector,
        draft,
    )
    .await?;
    let items = state
        .executor
        .breakers()
        .list(Some(tenant.as_str()), Some(&body.connector))
        .iter()
        .map(view)
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

//! The dead-letter queues: `GET /v1/admin/dlq`, `GET /v1/admin/dlq/stats`,
//! `POST /v1/admin/dlq/replay`, `POST /v1/admin/dlq/purge`.
//!
//! Bulk actions select by ids or by filter, write one audit row (with the reason and the
//! selected ids) before changing anything, then act in batches. Each batch is a conditional
//! update on `status = 'dead'`, so jobs a worker or another operator changed meanwhile are
//! left alone and counted out.

use axum::Json;
use axum::extract::State;
use orch_core::api::dlq::{
    DlqActionRequest, DlqFilter, DlqPurgeResponse, DlqQueueView, DlqReplayResponse,
    DlqStatsResponse,
};
use orch_core::api::jobs::JobView;
use orch_core::api::list::{Page, effective_limit};
use orch_core::audit::AuditResult;
use orch_core::config::model::QUEUES;
use orch_core::problem::ErrorCode;
use orch_core::rbac::Role;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::jobs::dispatch::DispatchTicket;

use crate::http::AppState;
use crate::http::auth::Actor;
use crate::http::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery, parse_time, require_reason};
use crate::http::routes::jobs::job_page;
use crate::jobs::JobQuery;

/// Rows changed per statement.
const BATCH: usize = 500;
/// The most jobs one bulk action selects.
const MAX_SELECTED: usize = 100_000;
/// Ids listed in a response or an audit row.
const MAX_LISTED_IDS: usize = 1_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    queue: Option<String>,
    tenant: Option<String>,
    connector: Option<String>,
    error_code: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<JobView>>, AppError> {
    let filter = DlqFilter {
        queue: p.queue,
        tenant: p.tenant,
        connector: p.connector,
        error_code: p.error_code,
        since: p.since,
        until: p.until,
    };
    let mut query = dead_query(&filter)?;
    query.limit = effective_limit(p.limit);
    query.before = p
        .cursor
        .as_deref()
        .map(|c| {
            Uuid::parse_str(c)
                .map_err(|_| AppError::invalid_field("cursor", "not a cursor from this list"))
        })
        .transpose()?;
    Ok(Json(job_page(&state, &query).await?))
}

pub async fn stats(State(state): State<AppState>) -> Result<Json<DlqStatsResponse>, AppError> {
    let now = OffsetDateTime::now_utc();
    let queues = state
        .store
        .dlq_stats()
        .await?
        .into_iter()
        .map(|s| DlqQueueView {
            oldest_age_seconds: s
                .oldest_dead_at
                .map_or(0, |t| (now - t).whole_seconds().max(0)),
            queue: s.queue,
            depth: s.depth,
            oldest_dead_at: s.oldest_dead_at,
        })
        .collect();
    Ok(Json(DlqStatsResponse { queues }))
}

pub async fn replay(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(body): ApiJson<DlqActionRequest>,
) -> Result<Json<DlqReplayResponse>, AppError> {
    let reason = require_reason(&body.reason)?.to_owned();
    let selected = select(&state, &body).await?;
    // Billing operators replay the webhook queue only.
    if actor.operator.role == Role::Billing
        && let Some(job) = selected.iter().find(|j| j.queue != "webhook")
    {
        // Refusals are audited like the role guard's.
        let denied = actor
            .audit(&reason)
            .target("job", job.id)
            .result(AuditResult::Denied);
        if let Err(err) = state.audit.append(denied).await {
            tracing::error!(error = %err, "could not record a denied replay in the audit log");
        }
        return Err(AppError::new(
            ErrorCode::Forbidden,
            format!(
                "role billing may replay the webhook queue only; job {} is on {}",
                job.id, job.queue
            ),
        ));
    }
    let ids: Vec<Uuid> = selected.iter().map(|j| j.id).collect();
    let matched = ids.len() as u64;
    if body.dry_run {
        return Ok(Json(DlqReplayResponse {
            matched,
            replayed: 0,
            job_ids: ids.into_iter().take(MAX_LISTED_IDS).collect(),
            dry_run: true,
        }));
    }
    if ids.is_empty() {
        // Nothing to change, nothing to audit.
        return Ok(Json(DlqReplayResponse {
            matched,
            replayed: 0,
            job_ids: Vec::new(),
            dry_run: false,
        }));
    }
    audit(&state, &actor, &reason, &body, &ids, "queued").await?;
    let mut replayed = Vec::new();
    for batch in ids.chunks(BATCH) {
        replayed.extend(
            state
                .store
                .replay_dead_jobs(batch, OffsetDateTime::now_utc())
                .await?,
        );
    }
    for id in &replayed {
        state.events.record(
            crate::events::NewEvent::new(
                "job.replayed",
                format!("replayed by {}", actor.operator.name),
            )
            .correlation(
                Some(&actor.ctx.request_id),
                Some(&actor.ctx.trace.trace_id.to_hex()),
            )
            .job(*id)
            .data(json!({"operator": actor.operator.name, "reason": reason})),
        );
    }
    let now = OffsetDateTime::now_utc();
    // Up to 100,000 ids: look them up in a set, not a list.
    let replayed_set: std::collections::HashSet<Uuid> = replayed.iter().copied().collect();
    let tickets: Vec<DispatchTicket> = selected
        .into_iter()
        .filter(|j| replayed_set.contains(&j.id))
        .map(|j| DispatchTicket { run_at: now, ..j })
        .collect();
    state.dispatch.push_committed(&tickets).await;
    tracing::warn!(matched, replayed = replayed.len(), operator = %actor.operator.name, "dead jobs replayed");
    Ok(Json(DlqReplayResponse {
        matched,
        replayed: replayed.len() as u64,
        job_ids: replayed.into_iter().take(MAX_LISTED_IDS).collect(),
        dry_run: false,
    }))
}

pub async fn purge(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(body): ApiJson<DlqActionRequest>,
) -> Result<Json<DlqPurgeResponse>, AppError> {
    let reason = require_reason(&body.reason)?.to_owned();
    let ids: Vec<Uuid> = select(&state, &body)
        .await?
        .into_iter()
        .map(|j| j.id)
        .collect();
    let matched = ids.len() as u64;
    if body.dry_run {
        return Ok(Json(DlqPurgeResponse {
            matched,
            purged: 0,
            dry_run: true,
        }));
    }
    if ids.is_empty() {
        return Ok(Json(DlqPurgeResponse {
            matched,
            purged: 0,
            dry_run: false,
        }));
    }
    audit(&state, &actor, &reason, &body, &ids, "purged").await?;
    let mut purged = Vec::new();
    for batch in ids.chunks(BATCH) {
        purged.extend(
            state
                .store
                .purge_dead_jobs(batch, OffsetDateTime::now_utc())
                .await?,
        );
    }
    for id in &purged {
        state.events.record(
            crate::events::NewEvent::new(
                "job.purged",
                format!("purged by {}", actor.operator.name),
            )
            .correlation(
                Some(&actor.ctx.request_id),
                Some(&actor.ctx.trace.trace_id.to_hex()),
            )
            .job(*id)
            .data(json!({"operator": actor.operator.name, "reason": reason})),
        );
    }
    tracing::warn!(matched, purged = purged.len(), operator = %actor.operator.name, "dead jobs purged");
    Ok(Json(DlqPurgeResponse {
        matched,
        purged: purged.len() as u64,
        dry_run: false,
    }))
}

/// One audit row for the whole action, written before anything changes.
async fn audit(
    state: &AppState,
    actor: &Actor,
    reason: &str,
    body: &DlqActionRequest,
    ids: &[Uuid],
    to: &str,
) -> Result<(), AppError> {
    let selector = match (&body.ids, &body.filter) {
        (Some(_), _) => json!({"ids": true}),
        (_, Some(f)) => json!({"filter": f}),
        _ => json!({}),
    };
    let mut draft = actor
        .audit(reason)
        .target("dlq", selector_label(body))
        .diff(
            json!({"status": "dead", "matched": ids.len(), "selector": selector,
                   "job_ids": ids.iter().take(MAX_LISTED_IDS).collect::<Vec<_>>()}),
            json!({"status": to}),
        );
    if let Some(t) = body.filter.as_ref().and_then(|f| f.tenant.as_deref()) {
        draft = draft.tenant(t);
    }
    state.audit.append(draft).await?;
    Ok(())
}

fn selector_label(body: &DlqActionRequest) -> String {
    match (&body.ids, &body.filter) {
        (Some(ids), _) if ids.len() == 1 => ids[0].to_string(),
        (Some(ids), _) => format!("{} ids", ids.len()),
        (_, Some(f)) => f.queue.clone().unwrap_or_else(|| "all queues".to_owned()),
        _ => String::new(),
    }
}

/// The dead jobs an action applies to (tickets: id, queue and tenant), at most `limit`.
async fn select(
    state: &AppState,
    body: &DlqActionRequest,
) -> Result<Vec<DispatchTicket>, AppError> {
    let limit = match body.limit {
        Some(0) => return Err(AppError::invalid_field("limit", "at least 1")),
        Some(n) => (n as usize).min(MAX_SELECTED),
        None => MAX_SELECTED,
    };
    let mut selected = select_all(state, body, limit).await?;
    selected.truncate(limit);
    Ok(selected)
}

async fn select_all(
    state: &AppState,
    body: &DlqActionRequest,
    limit: usize,
) -> Result<Vec<DispatchTicket>, AppError> {
    match (&body.ids, &body.filter) {
        (Some(_), Some(_)) | (None, None) => Err(AppError::invalid_field(
            "ids",
            "give either `ids` or `filter`, not both or neither",
        )),
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() > MAX_SELECTED {
                return Err(AppError::invalid_field(
                    "ids",
                    format!("1–{MAX_SELECTED} job ids"),
                ));
            }
            // One query per page-sized batch of ids; ids that are not dead (any more) are
            // not matched.
            let page = orch_core::api::list::MAX_LIMIT;
            let mut out = Vec::with_capacity(ids.len());
            for batch in ids.chunks(page as usize) {
                let dead = state
                    .store
                    .list_jobs(&JobQuery {
                        status: Some("dead".to_owned()),
                        ids: batch.to_vec(),
                        limit: page,
                        ..JobQuery::default()
                    })
                    .await?;
                out.extend(dead.iter().map(DispatchTicket::of));
            }
            Ok(out)
        }
        (None, Some(filter)) => {
            let mut query = dead_query(filter)?;
            query.limit = orch_core::api::list::MAX_LIMIT;
            let mut out = Vec::new();
            loop {
                let page = state.store.list_jobs(&query).await?;
                let full = page.len() == query.limit as usize;
                query.before = page.last().map(|j| j.id);
                out.extend(page.iter().map(DispatchTicket::of));
                if !full || out.len() >= limit {
                    break;
                }
            }
            Ok(out)
        }
    }
}

fn dead_query(f: &DlqFilter) -> Result<JobQuery, AppError> {
    if let Some(q) = f.queue.as_deref().filter(|q| !QUEUES.contains(q)) {
        return Err(AppError::new(
            ErrorCode::UnknownQueue,
            format!("no queue {q:?}: use one of {}", QUEUES.join(", ")),
        ));
    }
    Ok(JobQuery {
        tenant: f.tenant.clone(),
        queue: f.queue.clone(),
        status: Some("dead".to_owned()),
        connector: f.connector.clone(),
        error_code: f.error_code.clone(),
        dead_since: parse_time("since", f.since.as_deref())?,
        dead_until: parse_time("until", f.until.as_deref())?,
        ..JobQuery::default()
    })
}

//! The dead-letter queues: `GET /v1/admin/dlq`, `GET /v1/admin/dlq/stats`,
//! `POST /v1/admin/dlq/replay`, `POST /v1/admin/dlq/purge`.
//!
//! Bulk actions select by ids or by filter, then act in batches of at most [`BATCH`] jobs.
//! Each batch is one store transaction: a conditional update on `status = 'dead'` (jobs a
//! worker or another operator changed meanwhile are left alone and counted out) and the
//! batch's audit row, naming the reason and exactly the jobs it changed. A failure or a
//! crash between batches leaves every committed change with its audit row and no audit row
//! for a change that did not happen; the batches of one action share its request id.

use axum::Json;
use axum::extract::State;
use orch_core::api::dlq::{
    DlqActionRequest, DlqFilter, DlqPurgeResponse, DlqQueueView, DlqReplayResponse,
    DlqStatsResponse,
};
use orch_core::api::jobs::JobView;
use orch_core::api::list::{Page, effective_limit};
use orch_core::audit::{AuditDraft, AuditResult};
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
use crate::jobs::{JobQuery, JobStatus};

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
    let audit = batch_audit(&actor, &reason, &body, matched, "queued");
    let mut replayed = Vec::new();
    for batch in selected.chunks(BATCH) {
        let ids: Vec<Uuid> = batch.iter().map(|j| j.id).collect();
        let now = OffsetDateTime::now_utc();
        let done = state.store.replay_dead_jobs(&ids, now, &audit).await?;
        // Events and dispatch follow each committed batch, so an action cut short still
        // announces and runs what it changed.
        record_events(&state, &actor, &reason, "job.replayed", "replayed", &done);
        let done_set: std::collections::HashSet<Uuid> = done.iter().copied().collect();
        let tickets: Vec<DispatchTicket> = batch
            .iter()
            .filter(|j| done_set.contains(&j.id))
            .map(|j| DispatchTicket {
                run_at: now,
                ..j.clone()
            })
            .collect();
        state.dispatch.push_committed(&tickets).await;
        replayed.extend(done);
    }
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
    let audit = batch_audit(&actor, &reason, &body, matched, "purged");
    let mut purged = Vec::new();
    for batch in ids.chunks(BATCH) {
        let done = state
            .store
            .purge_dead_jobs(batch, OffsetDateTime::now_utc(), &audit)
            .await?;
        record_events(&state, &actor, &reason, "job.purged", "purged", &done);
        purged.extend(done);
    }
    tracing::warn!(matched, purged = purged.len(), operator = %actor.operator.name, "dead jobs purged");
    Ok(Json(DlqPurgeResponse {
        matched,
        purged: purged.len() as u64,
        dry_run: false,
    }))
}

/// One `job.replayed` / `job.purged` event per changed job.
fn record_events(
    state: &AppState,
    actor: &Actor,
    reason: &str,
    kind: &str,
    verb: &str,
    ids: &[Uuid],
) {
    for id in ids {
        state.events.record(
            crate::events::NewEvent::new(kind, format!("{verb} by {}", actor.operator.name))
                .correlation(
                    Some(&actor.ctx.request_id),
                    Some(&actor.ctx.trace.trace_id.to_hex()),
                )
                .job(*id)
                .data(json!({"operator": actor.operator.name, "reason": reason})),
        );
    }
}

/// The audit row of each batch: the action's reason and selector, how many jobs the action
/// matched, and the jobs this batch changed (at most [`BATCH`], so all of them are listed).
/// The store builds it inside the batch's transaction.
fn batch_audit(
    actor: &Actor,
    reason: &str,
    body: &DlqActionRequest,
    matched: u64,
    to: &'static str,
) -> impl Fn(&[Uuid]) -> AuditDraft + Send + Sync + use<> {
    let selector = match (&body.ids, &body.filter) {
        (Some(_), _) => json!({"ids": true}),
        (_, Some(f)) => json!({"filter": f}),
        _ => json!({}),
    };
    let mut draft = actor.audit(reason).target("dlq", selector_label(body));
    if let Some(t) = body.filter.as_ref().and_then(|f| f.tenant.as_deref()) {
        draft = draft.tenant(t);
    }
    move |changed: &[Uuid]| {
        draft.clone().diff(
            json!({"status": "dead", "matched": matched, "selector": selector,
                   "changed": changed.len(), "job_ids": changed}),
            json!({"status": to}),
        )
    }
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
                        status: Some(JobStatus::Dead),
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
        status: Some(JobStatus::Dead),
        connector: f.connector.clone(),
        error_code: f.error_code.clone(),
        dead_since: parse_time("since", f.since.as_deref())?,
        dead_until: parse_time("until", f.until.as_deref())?,
        ..JobQuery::default()
    })
}

//! What a worker does with a `webhook` job: load its inbox row and body, match the event
//! type against the tenant's active routes (exact, `prefix.*`, `*`) and call each matching
//! route's connector operation with the event JSON as body, through the shared executor and
//! its policy. Routes run in config order and the first failure decides the attempt (retry,
//! throttle or dead by the usual outcome rules); the idempotency key of a route,
//! `<job id>[:r<n>]:<route index>`, is the same on every attempt, so routes that already
//! succeeded are deduplicated upstream when a later one makes the job retry. No matching
//! route: the job succeeds and the row says so in its note.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use orch_core::config::OrchestratorConfig;
use orch_core::config::model::{Backoff, Policy, event_matches};
use orch_core::trace::TraceContext;
use serde_json::Value;
use time::OffsetDateTime;

use crate::events::NewEvent;
use crate::executor::{Answer, Call, ExecError, Executor};
use crate::model::jobs::{JobRecord, JobStatus};
use crate::store::Store;

/// How processing a delivery went, before the outcome rules decide what it means.
pub enum Processed {
    /// The decisive result: the first failing route's, else the last route's (or a 204
    /// stand-in when no route matched), with the backoff of that route's connector.
    Done(Result<Answer, ExecError>, Backoff),
    /// Storage trouble: not the job's fault.
    StoreTrouble(String),
}

/// One attempt of a webhook job.
pub struct WebhookAttempt<'a> {
    pub store: &'a Arc<dyn Store>,
    pub executor: &'a Executor,
    pub config: &'a OrchestratorConfig,
    pub config_version: i32,
    pub job: &'a JobRecord,
    pub attempt: i32,
    pub trace: &'a TraceContext,
    pub request_id: &'a str,
}

/// Runs one attempt of a webhook job: the matching routes in config order, the first
/// failure deciding.
pub async fn run(attempt: WebhookAttempt<'_>) -> Processed {
    let job = attempt.job;
    let default_backoff = Policy::default().retry.backoff;
    let permanent = |message: String| {
        Processed::Done(
            Err(ExecError::BadRequest {
                field: "inbox".to_owned(),
                message,
            }),
            default_backoff.clone(),
        )
    };
    let Some(inbox_id) = job.inbox_id else {
        return permanent("a webhook job without an inbox row".to_owned());
    };
    let row = match attempt.store.get_inbox(inbox_id).await {
        Ok(Some(row)) => row,
        Ok(None) => return permanent(format!("inbox row {inbox_id} is gone")),
        Err(err) => return Processed::StoreTrouble(format!("reading inbox {inbox_id}: {err}")),
    };
    let routes: Vec<(usize, &orch_core::config::model::Route)> = attempt
        .config
        .webhooks
        .as_ref()
        .and_then(|w| w.stripe.as_ref())
        .map(|s| {
            s.routes
                .iter()
                .enumerate()
                .filter(|(_, r)| r.events.iter().any(|p| event_matches(p, &row.event_type)))
                .collect()
        })
        .unwrap_or_default();
    if routes.is_empty() {
        let note = format!(
            "no route matches event type {:?} in config version {}",
            row.event_type, attempt.config_version
        );
        tracing::info!(inbox_id = %inbox_id, "{note}");
        if let Err(err) = attempt
            .store
            .note_inbox(inbox_id, &note, OffsetDateTime::now_utc())
            .await
        {
            return Processed::StoreTrouble(format!("noting inbox {inbox_id}: {err}"));
        }
        return Processed::Done(
            Ok(Answer {
                status: 204,
                headers: BTreeMap::new(),
                body: Value::Null,
                attempts: 0,
                duration: Duration::ZERO,
                attempt_log: Vec::new(),
            }),
            default_backoff,
        );
    }
    let payload = match attempt.store.inbox_payload(inbox_id).await {
        Ok(Some(p)) => p,
        Ok(None) => return permanent(format!("inbox row {inbox_id} is gone")),
        Err(err) => return Processed::StoreTrouble(format!("reading inbox {inbox_id}: {err}")),
    };
    let event: Value = match serde_json::from_slice(&payload) {
        Ok(v) => v,
        Err(err) => return permanent(format!("the stored event is not JSON: {err}")),
    };
    let base_key = if job.replay_generation == 0 {
        job.id.to_string()
    } else {
        format!("{}:r{}", job.id, job.replay_generation)
    };
    let mut last = None;
    for (index, route) in routes {
        let backoff = attempt.backoff_of(&route.connector);
        let result = attempt
            .executor
            .execute(Call {
                tenant: &job.tenant_id,
                config: attempt.config,
                connector: &route.connector,
                operation: &route.operation,
                params: BTreeMap::new(),
                payload: Some(event.clone()),
                headers: BTreeMap::new(),
                orch_headers: vec![
                    ("orch-job-id", job.id.to_string()),
                    ("orch-job-attempt", attempt.attempt.to_string()),
                    ("orch-inbox-id", inbox_id.to_string()),
                    ("orch-event-id", row.event_id.clone()),
                ],
                timeout: None,
                idempotency_key: Some(format!("{base_key}:{index}")),
                trace: attempt.trace,
                request_id: attempt.request_id,
            })
            .await;
        let failed = !matches!(&result, Ok(a) if a.status < 400);
        if failed {
            tracing::info!(route = index, connector = %route.connector, operation = %route.operation, "webhook route failed");
            return Processed::Done(result, backoff);
        }
        last = Some((result, backoff));
    }
    match last {
        Some((result, backoff)) => Processed::Done(result, backoff),
        None => permanent("no route ran".to_owned()),
    }
}

impl WebhookAttempt<'_> {
    fn backoff_of(&self, connector: &str) -> Backoff {
        self.config
            .connectors
            .get(connector)
            .and_then(|c| c.policy.as_ref())
            .and_then(|p| self.config.policies.get(p))
            .map_or_else(
                || Policy::default().retry.backoff,
                |p| p.retry.backoff.clone(),
            )
    }
}

/// The `webhook.processed` / `webhook.failed` event for a webhook job that reached
/// `succeeded` / `dead` (with the provider's event id and type, read from its row); `None`
/// for other jobs and states.
pub async fn outcome_event(
    store: &dyn Store,
    job: &JobRecord,
    status: JobStatus,
    message: &str,
) -> Option<NewEvent> {
    let inbox = job.inbox_id?;
    let kind = match status {
        JobStatus::Succeeded => "webhook.processed",
        JobStatus::Dead => "webhook.failed",
        _ => return None,
    };
    let row = store.get_inbox(inbox).await.ok().flatten();
    Some(
        NewEvent::new(kind, message)
            .tenant(&job.tenant_id)
            .correlation(job.request_id.as_deref(), job.trace_id.as_deref())
            .job(job.id)
            .inbox(inbox)
            .data(serde_json::json!({
                "queue": job.queue,
                "event_id": row.as_ref().map(|r| r.event_id.clone()),
                "event_type": row.as_ref().map(|r| r.event_type.clone()),
                "note": row.and_then(|r| r.note),
            })),
    )
}

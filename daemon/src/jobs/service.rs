//! The jobs service: what `/v1/jobs` and the admin jobs and DLQ endpoints do, without HTTP.
//!
//! Enqueue validates the request against the queues and the tenant's active config, claims
//! the `Idempotency-Key`, admits the job under the tenant's quotas (`crate::quotas`), commits
//! the row (deduplicated by `dedupe_key`) and only then dispatches it and records
//! `job.queued`. Reads are scoped by tenant unless the caller is an operator.
//!
//! The DLQ's bulk actions select by ids or by filter, then act in batches of at most
//! [`BATCH`] jobs. Each batch is one store transaction: a conditional update on
//! `status = 'dead'` (jobs a worker or another operator changed meanwhile are left alone
//! and counted out) and the batch's audit row, naming the reason and exactly the jobs it
//! changed. A failure or a crash between batches leaves every committed change with its
//! audit row and no audit row for a change that did not happen; the batches of one action
//! share its request id.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use orch_core::api::dlq::{
    DlqActionRequest, DlqFilter, DlqListQuery, DlqPurgeResponse, DlqQueueView, DlqReplayResponse,
    DlqStatsResponse,
};
use orch_core::api::jobs::{
    AdminJobListQuery, EnqueueJobRequest, EnqueuedJob, JobListQuery, JobView,
};
use orch_core::api::list::{self, Cursor, MAX_LIMIT, Page, effective_limit};
use orch_core::audit::{AuditDraft, AuditResult};
use orch_core::config::model::QUEUES;
use orch_core::rbac::Role;
use orch_core::trace::TraceContext;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::dispatch::{DispatchTicket, Dispatcher};
use crate::events::EventWriter;
use crate::events::origin::Origin;
use crate::idempotency::{Begun, IdempotencyError, IdempotencyService, KeyScope, Keyed};
use crate::identity::audit::AuditService;
use crate::identity::operators::OperatorRecord;
use crate::model::jobs::{JobKind, JobQuery, JobRecord, JobStatus};
use crate::quotas::{QuotaError, QuotaService};
use crate::store::{Store, StoreError};
use crate::tenant_config::active::ActiveConfigs;
use orch_core::api::jobs::JOB_STATUSES as STATUSES;

/// The endpoint name idempotency keys of enqueues are scoped by.
const ENDPOINT: &str = "POST /v1/jobs";
/// How long an enqueue may hold its idempotency key.
const ENQUEUE_DEADLINE: Duration = Duration::from_secs(30);
/// Attempts when the request does not say.
const DEFAULT_MAX_ATTEMPTS: u32 = 5;
const MAX_DEDUPE_KEY_LEN: usize = 200;
/// Rows changed per DLQ statement.
pub const BATCH: usize = 500;
/// The most jobs one bulk action selects (a larger selection is cut to it).
pub const MAX_SELECTED: usize = 100_000;
/// Ids listed in a response or an audit row.
const MAX_LISTED_IDS: usize = 1_000;

/// Why a jobs call was refused or failed. The message is the caller's detail.
#[derive(Debug, thiserror::Error)]
pub enum JobServiceError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The detail names the queue (and, where it helps, the queues there are).
    #[error("{0}")]
    UnknownQueue(String),
    #[error("no connector {0:?} in the active config")]
    UnknownConnector(String),
    #[error("connector {connector:?} has no operation {operation:?}")]
    UnknownOperation {
        connector: String,
        operation: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("only queued jobs can be cancelled: {0}")]
    NotCancellable(String),
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<list::InvalidParam> for JobServiceError {
    fn from(e: list::InvalidParam) -> Self {
        Self::Invalid {
            field: e.field,
            message: e.message,
        }
    }
}

impl JobServiceError {
    fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// An enqueue's answer: the job, and whether this request created it (else its
/// `dedupe_key` named a live job, which is returned).
#[derive(Debug, Clone)]
pub struct Enqueued {
    pub job: EnqueuedJob,
    pub created: bool,
}

/// The operator acting on the DLQ.
#[derive(Debug, Clone)]
pub struct DlqOperator<'a> {
    pub name: &'a str,
    pub role: Role,
    pub reason: &'a str,
    /// The action's audit draft, attributed and correlated; each batch's row starts from it.
    pub audit: AuditDraft,
    pub request_id: &'a str,
    pub trace_id: String,
}

impl<'a> DlqOperator<'a> {
    /// `operator` acting with `reason` (already checked) under `audit`, correlated with the
    /// request: the one way the admin API and the console build it, so both act alike.
    pub fn new(
        operator: &'a OperatorRecord,
        reason: &'a str,
        audit: AuditDraft,
        request_id: &'a str,
        trace: &TraceContext,
    ) -> Self {
        Self {
            name: &operator.name,
            role: operator.role,
            reason,
            audit,
            request_id,
            trace_id: trace.trace_id.to_hex(),
        }
    }
}

/// The jobs service; cheap to clone.
#[derive(Clone)]
pub struct JobService {
    store: Arc<dyn Store>,
    configs: ActiveConfigs,
    idempotency: IdempotencyService,
    quotas: QuotaService,
    dispatch: Dispatcher,
    events: EventWriter,
    audit: AuditService,
}

impl JobService {
    pub fn new(
        store: Arc<dyn Store>,
        configs: ActiveConfigs,
        idempotency: IdempotencyService,
        quotas: QuotaService,
        dispatch: Dispatcher,
        events: EventWriter,
        audit: AuditService,
    ) -> Self {
        Self {
            store,
            configs,
            idempotency,
            quotas,
            dispatch,
            events,
            audit,
        }
    }

    /// Queues an `execute` job for `tenant`. With a `key`, a repeat of the same request
    /// gets the first one's stored response; the pending claim is completed by the caller
    /// once it has the response.
    pub async fn enqueue(
        &self,
        tenant: &str,
        request: EnqueueJobRequest,
        key: Option<&str>,
        origin: Origin<'_>,
    ) -> Result<Keyed<Enqueued>, JobServiceError> {
        if !QUEUES.contains(&request.queue.as_str()) {
            return Err(JobServiceError::UnknownQueue(format!(
                "no queue {:?}: use one of {}",
                request.queue,
                QUEUES.join(", ")
            )));
        }
        let max_attempts = request.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
        if !(1..=100).contains(&max_attempts) {
            return Err(JobServiceError::invalid("max_attempts", "must be 1–100"));
        }
        if request
            .dedupe_key
            .as_ref()
            .is_some_and(|k| k.is_empty() || k.len() > MAX_DEDUPE_KEY_LEN)
        {
            return Err(JobServiceError::invalid(
                "dedupe_key",
                "must be 1–200 characters",
            ));
        }
        let active = self.configs.get(tenant).await?;
        let connector = active
            .as_ref()
            .and_then(|a| a.config.connectors.get(&request.connector))
            .ok_or_else(|| JobServiceError::UnknownConnector(request.connector.clone()))?;
        if !connector.operations.contains_key(&request.operation) {
            return Err(JobServiceError::UnknownOperation {
                connector: request.connector.clone(),
                operation: request.operation.clone(),
            });
        }
        let scope = KeyScope {
            tenant,
            endpoint: ENDPOINT,
            deadline: ENQUEUE_DEADLINE,
            origin,
        };
        let guard = match self.idempotency.begin(key, scope, &request).await? {
            Begun::Run(guard) => guard,
            Begun::Replay(stored) => return Ok(Keyed::Replay(stored)),
        };
        // After the idempotency check, so a replayed response is never refused; a refusal
        // releases the key (nothing was enqueued). A request whose dedupe key names a live
        // job is refused too while the tenant is over: the check comes before the insert
        // decides.
        if let Err(refused) = self.quotas.admit_job(tenant, &request.queue).await {
            self.idempotency.release_quietly(guard).await;
            return Err(refused.into());
        }
        let job = job_record(
            tenant,
            &request,
            max_attempts,
            active.as_ref().map(|a| a.version),
            origin,
        );
        let (stored, created) = match self.store.enqueue_job(&job).await {
            Ok(ok) => ok,
            Err(err) => {
                self.idempotency.release_quietly(guard).await;
                return Err(err.into());
            }
        };
        if created {
            self.dispatch
                .push_committed(&[DispatchTicket::of(&stored)])
                .await;
            tracing::info!(job_id = %stored.id, queue = %stored.queue, "job queued");
            self.events.record(
                origin
                    .event(
                        "job.queued",
                        format!("{} job on {}", stored.kind, stored.queue),
                    )
                    .tenant(tenant)
                    .connector(&request.connector, Some(&request.operation))
                    .impersonation(stored.impersonated_by, stored.impersonation_id)
                    .job(stored.id)
                    .data(json!({"queue": stored.queue, "run_at": stored.run_at.unix_timestamp()})),
            );
        }
        Ok(Keyed::Fresh {
            value: Enqueued {
                job: stored.enqueued(),
                created,
            },
            pending: guard,
        })
    }

    /// The job with its runs; with a `tenant`, only that tenant's (another tenant's job is
    /// not found, like a missing one).
    pub async fn get(&self, tenant: Option<&str>, id: &str) -> Result<JobView, JobServiceError> {
        let id = job_id(id)?;
        let job = self
            .store
            .get_job(id)
            .await?
            .filter(|j| tenant.is_none_or(|t| j.tenant_id == t))
            .ok_or_else(|| JobServiceError::NotFound(format!("no job {id}")))?;
        let runs = self.store.job_runs(job.id).await?;
        Ok(job.view(&runs))
    }

    /// A page of jobs (newest first) with its cursor.
    pub async fn list(&self, query: &JobQuery) -> Result<Page<JobView>, JobServiceError> {
        let jobs = self.store.list_jobs(query).await?;
        Ok(Page::from_rows(jobs, query.limit, |j| Cursor::of(j.id)).map(|j| j.view(&[])))
    }

    /// Cancels the tenant's queued job; a job in any other state is a conflict.
    pub async fn cancel(
        &self,
        tenant: &str,
        id: &str,
        origin: Origin<'_>,
    ) -> Result<JobView, JobServiceError> {
        let id = job_id(id)?;
        let job = self
            .store
            .cancel_job(tenant, id, OffsetDateTime::now_utc())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => JobServiceError::NotFound(format!("no job {id}")),
                StoreError::Conflict(m) => JobServiceError::NotCancellable(m),
                other => other.into(),
            })?;
        self.events.record(
            origin
                .event("job.cancelled", "job cancelled")
                .tenant(tenant)
                .job(job.id)
                .impersonation(origin.impersonated_by, origin.impersonation_id),
        );
        let runs = self.store.job_runs(job.id).await?;
        Ok(job.view(&runs))
    }

    /// A page of the dead jobs `query` selects.
    pub async fn dlq_list(&self, query: &DlqListQuery) -> Result<Page<JobView>, JobServiceError> {
        let mut jobs = dead_query(&query.filter())?;
        jobs.limit = effective_limit(query.limit);
        jobs.before = parse_cursor(query.cursor.as_ref())?;
        self.list(&jobs).await
    }

    /// Each queue's DLQ depth and oldest dead job.
    pub async fn dlq_stats(&self) -> Result<DlqStatsResponse, JobServiceError> {
        let now = OffsetDateTime::now_utc();
        let queues = self
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
        Ok(DlqStatsResponse { queues })
    }

    /// Puts the selected dead jobs back on their queues, batch by batch.
    pub async fn replay_dead(
        &self,
        by: &DlqOperator<'_>,
        request: &DlqActionRequest,
    ) -> Result<DlqReplayResponse, JobServiceError> {
        let selected = self.select(request).await?;
        // Billing operators replay the webhook queue only.
        if by.role == Role::Billing
            && let Some(job) = selected.iter().find(|j| j.queue != "webhook")
        {
            // Refusals are audited like the role guard's.
            let denied = by
                .audit
                .clone()
                .target("job", job.id)
                .result(AuditResult::Denied);
            if let Err(err) = self.audit.append(denied).await {
                tracing::error!(error = %err, "could not record a denied replay in the audit log");
            }
            return Err(JobServiceError::Forbidden(format!(
                "role billing may replay the webhook queue only; job {} is on {}",
                job.id, job.queue
            )));
        }
        let matched = selected.len() as u64;
        if request.dry_run || selected.is_empty() {
            // A dry run changes nothing; an empty selection has nothing to change or audit.
            let job_ids = if request.dry_run {
                selected.iter().map(|j| j.id).take(MAX_LISTED_IDS).collect()
            } else {
                Vec::new()
            };
            return Ok(DlqReplayResponse {
                matched,
                replayed: 0,
                job_ids,
                dry_run: request.dry_run,
            });
        }
        let audit = batch_audit(by, request, matched, JobStatus::Queued);
        let mut replayed = Vec::new();
        for batch in selected.chunks(BATCH) {
            let ids: Vec<Uuid> = batch.iter().map(|j| j.id).collect();
            let now = OffsetDateTime::now_utc();
            let done = self.store.replay_dead_jobs(&ids, now, &audit).await?;
            // Events and dispatch follow each committed batch, so an action cut short still
            // announces and runs what it changed.
            self.record_events(by, "job.replayed", "replayed", &done);
            let done_set: HashSet<Uuid> = done.iter().copied().collect();
            let tickets: Vec<DispatchTicket> = batch
                .iter()
                .filter(|j| done_set.contains(&j.id))
                .map(|j| DispatchTicket {
                    run_at: now,
                    ..j.clone()
                })
                .collect();
            self.dispatch.push_committed(&tickets).await;
            replayed.extend(done);
        }
        tracing::warn!(matched, replayed = replayed.len(), operator = %by.name, "dead jobs replayed");
        Ok(DlqReplayResponse {
            matched,
            replayed: replayed.len() as u64,
            job_ids: replayed.into_iter().take(MAX_LISTED_IDS).collect(),
            dry_run: false,
        })
    }

    /// Deletes the selected dead jobs, batch by batch.
    pub async fn purge_dead(
        &self,
        by: &DlqOperator<'_>,
        request: &DlqActionRequest,
    ) -> Result<DlqPurgeResponse, JobServiceError> {
        let ids: Vec<Uuid> = self
            .select(request)
            .await?
            .into_iter()
            .map(|j| j.id)
            .collect();
        let matched = ids.len() as u64;
        if request.dry_run || ids.is_empty() {
            return Ok(DlqPurgeResponse {
                matched,
                purged: 0,
                dry_run: request.dry_run,
            });
        }
        let audit = batch_audit(by, request, matched, JobStatus::Purged);
        let mut purged = Vec::new();
        for batch in ids.chunks(BATCH) {
            let done = self
                .store
                .purge_dead_jobs(batch, OffsetDateTime::now_utc(), &audit)
                .await?;
            self.record_events(by, "job.purged", "purged", &done);
            purged.extend(done);
        }
        tracing::warn!(matched, purged = purged.len(), operator = %by.name, "dead jobs purged");
        Ok(DlqPurgeResponse {
            matched,
            purged: purged.len() as u64,
            dry_run: false,
        })
    }

    /// One `job.replayed` / `job.purged` event per changed job.
    fn record_events(&self, by: &DlqOperator<'_>, kind: &str, verb: &str, ids: &[Uuid]) {
        for id in ids {
            self.events.record(
                crate::events::NewEvent::new(kind, format!("{verb} by {}", by.name))
                    .correlation(Some(by.request_id), Some(&by.trace_id))
                    .job(*id)
                    .data(json!({"operator": by.name, "reason": by.reason})),
            );
        }
    }

    /// The dead jobs an action applies to (tickets: id, queue and tenant), at most its
    /// `limit`.
    async fn select(
        &self,
        request: &DlqActionRequest,
    ) -> Result<Vec<DispatchTicket>, JobServiceError> {
        let limit = match request.limit {
            Some(0) => return Err(JobServiceError::invalid("limit", "at least 1")),
            Some(n) => (n as usize).min(MAX_SELECTED),
            None => MAX_SELECTED,
        };
        let mut selected = match (&request.ids, &request.filter) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(JobServiceError::invalid(
                    "ids",
                    "give either `ids` or `filter`, not both or neither",
                ));
            }
            (Some(ids), None) => self.select_ids(ids).await?,
            (None, Some(filter)) => self.select_filter(filter, limit).await?,
        };
        selected.truncate(limit);
        Ok(selected)
    }

    async fn select_ids(&self, ids: &[Uuid]) -> Result<Vec<DispatchTicket>, JobServiceError> {
        if ids.is_empty() || ids.len() > MAX_SELECTED {
            return Err(JobServiceError::invalid(
                "ids",
                format!("1–{MAX_SELECTED} job ids"),
            ));
        }
        // One query per page-sized batch of ids; ids that are not dead (any more) are not
        // matched.
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(MAX_LIMIT as usize) {
            let dead = self
                .store
                .list_jobs(&JobQuery {
                    status: Some(JobStatus::Dead),
                    ids: batch.to_vec(),
                    limit: MAX_LIMIT,
                    ..JobQuery::default()
                })
                .await?;
            out.extend(dead.iter().map(DispatchTicket::of));
        }
        Ok(out)
    }

    async fn select_filter(
        &self,
        filter: &DlqFilter,
        limit: usize,
    ) -> Result<Vec<DispatchTicket>, JobServiceError> {
        let mut query = dead_query(filter)?;
        query.limit = MAX_LIMIT;
        let mut out = Vec::new();
        loop {
            let page = self.store.list_jobs(&query).await?;
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

/// The row of a new `execute` job.
fn job_record(
    tenant: &str,
    request: &EnqueueJobRequest,
    max_attempts: u32,
    config_version: Option<i32>,
    origin: Origin<'_>,
) -> JobRecord {
    let now = OffsetDateTime::now_utc();
    JobRecord {
        id: orch_core::ids::new_id(),
        tenant_id: tenant.to_owned(),
        queue: request.queue.clone(),
        kind: JobKind::Execute,
        status: JobStatus::Queued,
        connector: Some(request.connector.clone()),
        operation: Some(request.operation.clone()),
        params: Some(serde_json::to_value(&request.params).unwrap_or(Value::Null)),
        payload: request.payload.clone(),
        inbox_id: None,
        config_version,
        attempts: 0,
        max_attempts: i32::try_from(max_attempts).unwrap_or(DEFAULT_MAX_ATTEMPTS as i32),
        replay_generation: 0,
        run_at: request.run_at.unwrap_or(now).max(now),
        dedupe_key: request.dedupe_key.clone(),
        last_error_code: None,
        last_error_message: None,
        last_upstream_status: None,
        trace_id: Some(origin.trace.trace_id.to_hex()),
        request_id: Some(origin.request_id.to_owned()),
        trace_carrier: serde_json::to_value(origin.trace.to_carrier()).ok(),
        impersonated_by: origin.impersonated_by,
        impersonation_id: origin.impersonation_id,
        created_at: now,
        updated_at: now,
        finished_at: None,
        dead_at: None,
    }
}

fn job_id(id: &str) -> Result<Uuid, JobServiceError> {
    Uuid::parse_str(id).map_err(|_| JobServiceError::NotFound(format!("no job {id:?}")))
}

/// The job a `?cursor=` names. Parsed here rather than by the handler so that the list's
/// parameters are checked in the order they always were (status, queue, then cursor).
fn parse_cursor(cursor: Option<&Cursor>) -> Result<Option<Uuid>, JobServiceError> {
    cursor
        .map(|c| {
            c.parse()
                .map_err(|e| JobServiceError::invalid("cursor", e.to_string()))
        })
        .transpose()
}

/// `GET /v1/jobs`: the tenant's jobs.
pub fn tenant_job_query(tenant: &str, query: JobListQuery) -> Result<JobQuery, JobServiceError> {
    let JobListQuery {
        status,
        queue,
        limit,
        cursor,
    } = query;
    job_query(Some(tenant.to_owned()), status, queue, limit, cursor)
}

/// `GET /v1/admin/jobs`: any tenant's jobs, or one tenant's.
pub fn admin_job_query(query: AdminJobListQuery) -> Result<JobQuery, JobServiceError> {
    let AdminJobListQuery {
        tenant,
        status,
        queue,
        limit,
        cursor,
    } = query;
    job_query(tenant, status, queue, limit, cursor)
}

/// Parses the shared job-list filters; `tenant` scopes the list.
fn job_query(
    tenant: Option<String>,
    status: Option<String>,
    queue: Option<String>,
    limit: Option<u32>,
    cursor: Option<Cursor>,
) -> Result<JobQuery, JobServiceError> {
    let status = status
        .map(|s| {
            s.parse::<JobStatus>().map_err(|_| {
                JobServiceError::invalid(
                    "status",
                    format!("{s:?} is not one of {}", STATUSES.join(", ")),
                )
            })
        })
        .transpose()?;
    if let Some(q) = queue.as_deref().filter(|q| !QUEUES.contains(q)) {
        return Err(JobServiceError::UnknownQueue(format!("no queue {q:?}")));
    }
    let before = parse_cursor(cursor.as_ref())?;
    Ok(JobQuery {
        tenant,
        queue,
        status,
        before,
        limit: effective_limit(limit),
        ..JobQuery::default()
    })
}

fn dead_query(f: &DlqFilter) -> Result<JobQuery, JobServiceError> {
    if let Some(q) = f.queue.as_deref().filter(|q| !QUEUES.contains(q)) {
        return Err(JobServiceError::UnknownQueue(format!(
            "no queue {q:?}: use one of {}",
            QUEUES.join(", ")
        )));
    }
    Ok(JobQuery {
        tenant: f.tenant.clone(),
        queue: f.queue.clone(),
        status: Some(JobStatus::Dead),
        connector: f.connector.clone(),
        error_code: f.error_code.clone(),
        dead_since: list::parse_time("since", f.since.as_deref())?,
        dead_until: list::parse_time("until", f.until.as_deref())?,
        ..JobQuery::default()
    })
}

/// The audit row of each batch: the action's reason and selector, how many jobs the action
/// matched, and the jobs this batch changed (at most [`BATCH`], so all of them are listed).
/// The store builds it inside the batch's transaction.
fn batch_audit(
    by: &DlqOperator<'_>,
    request: &DlqActionRequest,
    matched: u64,
    to: JobStatus,
) -> impl Fn(&[Uuid]) -> AuditDraft + Send + Sync + use<> {
    let selector = match (&request.ids, &request.filter) {
        (Some(_), _) => json!({"ids": true}),
        (_, Some(f)) => json!({"filter": f}),
        _ => json!({}),
    };
    let mut draft = by.audit.clone().target("dlq", selector_label(request));
    if let Some(t) = request.filter.as_ref().and_then(|f| f.tenant.as_deref()) {
        draft = draft.tenant(t);
    }
    move |changed: &[Uuid]| {
        draft.clone().diff(
            json!({"status": JobStatus::Dead.as_str(), "matched": matched, "selector": selector,
                   "changed": changed.len(), "job_ids": changed}),
            json!({"status": to.as_str()}),
        )
    }
}

fn selector_label(request: &DlqActionRequest) -> String {
    match (&request.ids, &request.filter) {
        (Some(ids), _) if ids.len() == 1 => ids[0].to_string(),
        (Some(ids), _) => format!("{} ids", ids.len()),
        (_, Some(f)) => f.queue.clone().unwrap_or_else(|| "all queues".to_owned()),
        _ => String::new(),
    }
}

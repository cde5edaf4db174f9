//! The `/v1/execute` service: one synchronous call through a connector operation of the
//! tenant's active config, under its `Idempotency-Key` and its policy, recorded as an
//! `execute.*` event. HTTP stays with the caller, which also completes a pending key once
//! it has rendered the response.

use std::sync::Arc;
use std::time::Duration;

use orch_core::api::execute::{ExecuteRequest, ExecuteResponse};
use serde_json::json;

use super::{Call, ExecError, Executor, params_from_json};
use crate::events::origin::Origin;
use crate::events::{EventWriter, NewEvent, Sampler};
use crate::idempotency::{Begun, IdempotencyError, IdempotencyService, KeyScope, Keyed};
use crate::store::StoreError;
use crate::tenant_config::active::ActiveConfigs;

/// The endpoint name idempotency keys are scoped by.
const ENDPOINT: &str = "POST /v1/execute";

/// Why a call was not made (a call that was made and failed is an [`Executed`] error).
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    #[error("tenant {tenant} has no active config, so no connector {connector:?}")]
    NoActiveConfig { tenant: String, connector: String },
    #[error("timeout_ms: must be positive")]
    ZeroTimeout,
    /// The request did not fit the operation (its params), before anything was sent.
    #[error(transparent)]
    Exec(#[from] ExecError),
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The upstream's answer, or why the call failed.
pub type Executed = Result<ExecuteResponse, ExecError>;

/// The execute service; cheap to clone.
#[derive(Clone)]
pub struct ExecuteService {
    configs: ActiveConfigs,
    executor: Arc<Executor>,
    idempotency: IdempotencyService,
    events: EventWriter,
    /// Thins out `ratelimit.dropped` events to one per second per tenant and connector.
    sampler: Sampler,
}

impl ExecuteService {
    pub fn new(
        configs: ActiveConfigs,
        executor: Arc<Executor>,
        idempotency: IdempotencyService,
        events: EventWriter,
        sampler: Sampler,
    ) -> Self {
        Self {
            configs,
            executor,
            idempotency,
            events,
            sampler,
        }
    }

    /// Makes the call. With a `key`, a repeat gets the first call's stored response, and a
    /// call that may have reached the upstream leaves its claim pending for the caller to
    /// complete; one that surely did not releases the key, so it may be sent again.
    pub async fn execute(
        &self,
        tenant: &str,
        request: ExecuteRequest,
        key: Option<&str>,
        origin: Origin<'_>,
    ) -> Result<Keyed<Executed>, ExecuteError> {
        let active =
            self.configs
                .get(tenant)
                .await?
                .ok_or_else(|| ExecuteError::NoActiveConfig {
                    tenant: tenant.to_owned(),
                    connector: request.connector.clone(),
                })?;
        let params = params_from_json(&request.params)?;
        if request.timeout_ms == Some(0) {
            return Err(ExecuteError::ZeroTimeout);
        }
        let timeout = request.timeout_ms.map(Duration::from_millis);
        let deadline = Executor::deadline_for(&active.config, &request.connector, timeout);
        let scope = KeyScope {
            tenant,
            endpoint: ENDPOINT,
            deadline,
            origin,
        };
        let guard = match self.idempotency.begin(key, scope, &request).await? {
            Begun::Run(guard) => guard,
            Begun::Replay(stored) => return Ok(Keyed::Replay(stored)),
        };
        let outcome = self
            .executor
            .execute(Call {
                tenant,
                config: &active.config,
                connector: &request.connector,
                operation: &request.operation,
                params,
                payload: request.payload,
                headers: request.headers,
                orch_headers: Vec::new(),
                timeout,
                idempotency_key: key.map(str::to_owned),
                trace: origin.trace,
                request_id: origin.request_id,
            })
            .await;
        let event = |kind: &str, message: String| -> NewEvent {
            origin
                .event(kind, message)
                .tenant(tenant)
                .connector(&request.connector, Some(&request.operation))
                .impersonation(origin.impersonated_by, origin.impersonation_id)
        };
        match &outcome {
            Ok(answer) => self.events.record(
                event("execute.succeeded", format!("{} in {} attempt(s)", answer.status, answer.attempts)).data(
                    json!({"status": answer.status, "attempts": answer.attempts, "duration_ms": answer.duration.as_millis() as u64, "attempt_log": answer.attempt_log}),
                ),
            ),
            Err(ExecError::RateLimited { .. }) => {
                let sample_key = format!("{tenant}/{}", request.connector);
                if let Some(held) = self.sampler.admit(&sample_key, Duration::from_secs(1)) {
                    self.events.record(
                        event("ratelimit.dropped", "rate limit reached".to_owned())
                            .data(json!({"dropped_since_last_event": held})),
                    );
                }
            }
            Err(err) => self.events.record(
                event("execute.failed", err.to_string()).data(json!({"outcome": err.outcome()})),
            ),
        }
        let value = outcome.map(|answer| {
            tracing::info!(
                connector = %request.connector,
                operation = %request.operation,
                config_version = active.version,
                status = answer.status,
                attempts = answer.attempts,
                "execute completed"
            );
            ExecuteResponse {
                status: answer.status,
                headers: answer.headers,
                body: answer.body,
                attempts: answer.attempts,
                duration_ms: u64::try_from(answer.duration.as_millis()).unwrap_or(u64::MAX),
                request_id: origin.request_id.to_owned(),
                trace_id: origin.trace.trace_id.to_hex(),
            }
        });
        let pending = match (guard, &value) {
            // Nothing reached the upstream: the same key may be sent again.
            (Some(guard), Err(err)) if !err.maybe_sent() => {
                self.idempotency.release(guard).await?;
                None
            }
            (guard, _) => guard,
        };
        Ok(Keyed::Fresh { value, pending })
    }
}

//! `POST /v1/execute` (scope `execute`): one synchronous call through a connector operation
//! of the tenant's active config, under its policy.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orch_core::api::execute::{ExecuteRequest, ExecuteResponse};
use orch_core::problem::ErrorCode;
use orch_core::rbac::Scope;
use serde_json::Value;

use crate::executor::{Call, ExecError, Executor};
use crate::http::AppState;
use crate::http::context::RequestContext;
use crate::http::error::AppError;
use crate::http::extract::ApiJson;
use crate::http::tenant_auth::TenantCaller;
use crate::idempotency::{Begin, StoredResponse};

/// Longest `Idempotency-Key` accepted (Stripe's limit).
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The `Idempotency-Key` header: a structured-field string (`"abc"`) or a bare token.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let invalid = |why: &str| AppError::new(ErrorCode::InvalidIdempotencyKey, why.to_owned());
    let text = raw
        .to_str()
        .map_err(|_| invalid("Idempotency-Key must be printable ASCII"))?
        .trim();
    let key = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN {
        return Err(invalid("Idempotency-Key must be 1–255 characters"));
    }
    if !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(invalid("Idempotency-Key must be printable ASCII"));
    }
    Ok(Some(key.to_owned()))
}

/// The endpoint name idempotency keys are scoped by.
const ENDPOINT: &str = "POST /v1/execute";

pub async fn execute(
    State(state): State<AppState>,
    caller: TenantCaller,
    ctx: axum::Extension<RequestContext>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ExecuteRequest>,
) -> Result<Response, AppError> {
    caller.require(Scope::Execute)?;
    let key = idempotency_key(&headers)?;
    let tenant = caller.tenant();
    let active = state
        .configs
        .active_configs()
        .get(tenant)
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::UnknownConnector,
                format!(
                    "tenant {tenant} has no active config, so no connector {:?}",
                    body.connector
                ),
            )
        })?;
    let params = crate::executor::params_from_json(&body.params).map_err(exec_error)?;
    if body.timeout_ms == Some(0) {
        return Err(AppError::invalid_field("timeout_ms", "must be positive"));
    }
    let deadline = Executor::deadline_for(
        &active.config,
        &body.connector,
        body.timeout_ms.map(Duration::from_millis),
    );
    let guard = match &key {
        Some(k) => {
            let fingerprint_source = serde_json::to_value(&body).unwrap_or(Value::Null);
            let correlation = (
                Some(ctx.request_id.clone()),
                Some(ctx.trace.trace_id.to_hex()),
            );
            match state
                .idempotency
                .begin(
                    tenant,
                    ENDPOINT,
                    k,
                    &fingerprint_source,
                    deadline,
                    correlation,
                )
                .await?
            {
                Begin::Proceed(guard) => Some(guard),
                Begin::Replay(stored) => return Ok(replay(stored)),
                Begin::InUse => {
                    return Err(AppError::new(
                        ErrorCode::IdempotencyKeyInUse,
                        "a request with this Idempotency-Key is still in flight",
                    ));
                }
                Begin::Reused => {
                    return Err(AppError::new(
                        ErrorCode::IdempotencyKeyReused,
                        "this Idempotency-Key was used with another request body",
                    ));
                }
            }
        }
        None => None,
    };
    let outcome = state
        .executor
        .execute(Call {
            tenant,
            config: &active.config,
            connector: &body.connector,
            operation: &body.operation,
            params,
            payload: body.payload,
            headers: body.headers,
            orch_headers: Vec::new(),
            timeout: body.timeout_ms.map(Duration::from_millis),
            idempotency_key: key,
            trace: &ctx.trace,
            request_id: &ctx.request_id,
        })
        .await;
    let base_event = |kind: &str, message: String| {
        ctx.event(kind, message)
            .tenant(tenant)
            .connector(&body.connector, Some(&body.operation))
            .impersonation(
                caller.0.impersonation.map(|i| i.operator_id),
                caller.0.impersonation.map(|i| i.id),
            )
    };
    match &outcome {
        Ok(answer) => state.events.record(
            base_event("execute.succeeded", format!("{} in {} attempt(s)", answer.status, answer.attempts)).data(
                serde_json::json!({"status": answer.status, "attempts": answer.attempts, "duration_ms": answer.duration.as_millis() as u64, "attempt_log": answer.attempt_log}),
            ),
        ),
        Err(ExecError::RateLimited { .. }) => {
            let key = format!("{tenant}/{}", body.connector);
            if let Some(held) = state.event_sampler.admit(&key, Duration::from_secs(1)) {
                state.events.record(
                    base_event("ratelimit.dropped", "rate limit reached".to_owned())
                        .data(serde_json::json!({"dropped_since_last_event": held})),
                );
            }
        }
        Err(err) => state.events.record(
            base_event("execute.failed", err.to_string()).data(serde_json::json!({"outcome": err.outcome()})),
        ),
    }
    let (response, keep) = match outcome {
        Ok(answer) => {
            tracing::info!(
                connector = %body.connector,
                operation = %body.operation,
                config_version = active.version,
                status = answer.status,
                attempts = answer.attempts,
                "execute completed"
            );
            let envelope = ExecuteResponse {
                status: answer.status,
                headers: answer.headers,
                body: answer.body,
                attempts: answer.attempts,
                duration_ms: u64::try_from(answer.duration.as_millis()).unwrap_or(u64::MAX),
                request_id: ctx.request_id.clone(),
                trace_id: ctx.trace.trace_id.to_hex(),
            };
            (Json(envelope).into_response(), true)
        }
        Err(err) => {
            let keep = err.maybe_sent();
            (exec_error(err).into_response(), keep)
        }
    };
    let Some(guard) = guard else {
        return Ok(response);
    };
    if !keep {
        // Nothing reached the upstream: the same key may be sent again.
        state.idempotency.release(guard).await?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| AppError::Internal(format!("buffering the response: {e}")))?;
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    state
        .idempotency
        .complete(
            guard,
            &StoredResponse {
                status: parts.status.as_u16(),
                content_type,
                body: bytes.to_vec(),
            },
        )
        .await?;
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}

/// The stored outcome of an earlier request with the same key and body.
pub fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    if let Ok(v) = HeaderValue::from_str(&stored.content_type) {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, v);
    }
    response.headers_mut().insert(
        HeaderName::from_static("idempotency-replayed"),
        HeaderValue::from_static("true"),
    );
    response
}

fn exec_error(err: ExecError) -> AppError {
    match err {
        ExecError::UnknownConnector(c) => AppError::new(
            ErrorCode::UnknownConnector,
            format!("no connector {c:?} in the active config"),
        ),
        ExecError::UnknownOperation {
            connector,
            operation,
        } => AppError::new(
            ErrorCode::UnknownOperation,
            format!("connector {connector:?} has no operation {operation:?}"),
        ),
        ExecError::BadRequest { field, message } => AppError::invalid_field(&field, message),
        ExecError::SecretUnavailable { reference, message } => {
            tracing::warn!(secret_ref = %reference, why = %message, "secret unavailable");
            AppError::new(
                ErrorCode::SecretUnavailable,
                format!("SecretRef {reference} did not resolve: {message}"),
            )
            .with("secret_ref", reference)
        }
        ExecError::Timeout { kind, attempts, .. } => {
            tracing::warn!(timeout = kind.as_str(), attempts, "upstream timeout");
            AppError::new(
                ErrorCode::UpstreamTimeout,
                format!(
                    "the upstream did not answer in time ({} timeout)",
                    kind.as_str()
                ),
            )
            .with("timeout", kind.as_str())
            .with("attempts", attempts)
        }
        ExecError::RateLimited {
            retry_after,
            per_second,
            burst,
        } => {
            let wait = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            let window = (f64::from(burst) / per_second).ceil().max(1.0) as u64;
            tracing::info!(retry_after_s = wait, "rate limited");
            AppError::new(
                ErrorCode::RateLimited,
                format!("the rate limit of {per_second}/s (burst {burst}) is used up"),
            )
            .with("retry_after_s", wait)
            .with_header(RETRY_AFTER, wait.to_string())
            .with_header(
                HeaderName::from_static("ratelimit-policy"),
                format!("\"default\";q={burst};w={window}"),
            )
            .with_header(
                HeaderName::from_static("ratelimit"),
                format!("\"default\";r=0;t={wait}"),
            )
        }
        ExecError::ConcurrencyLimited { max } => AppError::new(
            ErrorCode::ConcurrencyLimited,
            format!("{max} calls to this connector are already in flight"),
        ),
        ExecError::CircuitOpen {
            retry_after,
            attempts,
        } => {
            let wait = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            AppError::new(
                ErrorCode::CircuitOpen,
                "the connector's circuit breaker is open; nothing was sent",
            )
            .with("retry_after_s", wait)
            .with("attempts", attempts)
            .with_header(RETRY_AFTER, wait.to_string())
        }
        ExecError::Unreachable {
            message, attempts, ..
        } => {
            tracing::warn!(error = %message, attempts, "upstream unreachable");
            AppError::new(
                ErrorCode::UpstreamUnreachable,
                "the upstream could not be reached",
            )
            .with("attempts", attempts)
        }
        ExecError::ResponseTooLarge { limit, attempts } => AppError::new(
            ErrorCode::UpstreamResponseTooLarge,
            format!("the upstream answered with more than {limit} bytes (api.max_upstream_response_bytes)"),
        )
        .with("limit_bytes", limit)
        .with("attempts", attempts),
    }
}

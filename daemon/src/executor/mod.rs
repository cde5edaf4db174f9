//! The connector executor: renders an operation (method, path template, body encoding,
//! default headers, auth from a SecretRef) and calls it under the connector's policy —
//! connect/read timeouts from the HTTP client, the total deadline (covering every attempt
//! and backoff sleep) owned here, retries with jitter, `Retry-After`, and a retry budget.
//! `/v1/execute` and queued jobs run through the same executor.

mod encode;
pub mod service;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use orch_core::config::OrchestratorConfig;
use orch_core::config::model::{Auth, Connector, Operation, Policy, RateLimitScope};
use orch_core::config::path_template;
use orch_core::policy::backoff;
use orch_core::policy::budget::RetryBudget;
use orch_core::policy::retry::{self, AttemptFailure};
use orch_core::trace::TraceContext;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::resilience::breakers::{self, BreakerRegistry};
use crate::resilience::concurrency::ConcurrencyLimits;
use crate::resilience::rate_limit::RateLimiter;
use crate::secrets::SecretResolver;

/// How long an upstream's `Retry-After` may make us wait.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// The retry budget's window.
const BUDGET_WINDOW: Duration = Duration::from_secs(10);

/// Which deadline ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    Connect,
    Read,
    Total,
}

impl ExecError {
    /// The `outcome` label of `orch_connector_calls_total`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Timeout { .. } => "timeout",
            Self::Unreachable { .. } => "unreachable",
            Self::RateLimited { .. } => "rate_limited",
            Self::ConcurrencyLimited { .. } => "concurrency_limited",
            Self::CircuitOpen { .. } => "circuit_open",
            Self::ResponseTooLarge { .. } => "upstream_response_too_large",
            Self::SecretUnavailable { .. } => "secret_unavailable",
            Self::UnknownConnector(_) | Self::UnknownOperation { .. } | Self::BadRequest { .. } => {
                "invalid"
            }
        }
    }

    /// Whether anything may have reached the upstream (then an idempotency key keeps the
    /// outcome; otherwise it is released).
    pub fn maybe_sent(&self) -> bool {
        match self {
            Self::Timeout { maybe_sent, .. } | Self::Unreachable { maybe_sent, .. } => *maybe_sent,
            Self::CircuitOpen { attempts, .. } => *attempts > 0,
            Self::ResponseTooLarge { .. } => true,
            _ => false,
        }
    }
}

impl TimeoutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Read => "read",
            Self::Total => "total",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("no connector {0:?}")]
    UnknownConnector(String),
    #[error("connector {connector:?} has no operation {operation:?}")]
    UnknownOperation {
        connector: String,
        operation: String,
    },
    /// The call cannot be built from what was sent (a missing param, a bad header, a body
    /// the encoding cannot carry).
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    #[error("secret {reference} is unavailable: {message}")]
    SecretUnavailable { reference: String, message: String },
    /// `maybe_sent`: some attempt may have reached the upstream.
    #[error("{} timeout after {attempts} attempt(s)", .kind.as_str())]
    Timeout {
        kind: TimeoutKind,
        attempts: u32,
        maybe_sent: bool,
    },
    #[error("upstream unreachable after {attempts} attempt(s): {message}")]
    Unreachable {
        message: String,
        attempts: u32,
        maybe_sent: bool,
    },
    /// The tenant's rate limit is used up; nothing was sent.
    #[error("rate limited")]
    RateLimited {
        retry_after: Duration,
        per_second: f64,
        burst: u32,
    },
    /// `max_concurrency` calls are already in flight; nothing was sent.
    #[error("concurrency limit {max} reached")]
    ConcurrencyLimited { max: u32 },
    /// The circuit breaker is open; nothing (more) was sent.
    #[error("circuit open")]
    CircuitOpen {
        retry_after: Duration,
        attempts: u32,
    },
    /// The upstream answered with more than `api.max_upstream_response_bytes`; the rest
    /// was not read.
    #[error("the upstream response is larger than {limit} bytes")]
    ResponseTooLarge { limit: u64, attempts: u32 },
}

/// Call params as the executor takes them: scalars rendered as text; anything else is
/// refused naming the param. `/v1/execute` bodies and stored jobs go through this.
pub fn params_from_json<'a>(
    params: impl IntoIterator<Item = (&'a String, &'a Value)>,
) -> Result<BTreeMap<String, String>, ExecError> {
    params
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(ExecError::BadRequest {
                        field: format!("params.{name}"),
                        message: "must be a string, number or boolean".to_owned(),
                    });
                }
            };
            Ok((name.clone(), text))
        })
        .collect()
}

/// Why a caller may not set header `name` on a call through `connector`, if it may not:
/// the connection's own headers, the connector's credentials, and what orch sets itself.
fn reserved_header(name: &str, connector: &Connector) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "host" | "content-length" | "connection" | "keep-alive" | "te" | "trailer" | "trailers"
        | "transfer-encoding" | "upgrade" | "expect" => Some("it belongs to the connection"),
        _ if lower.starts_with("proxy-") => Some("it belongs to the connection"),
        "authorization" | "cookie" => Some("credentials come from the connector's auth"),
        "traceparent" | "tracestate" | "x-request-id" | "idempotency-key" => {
            Some("orch sets it (use the request's own headers or fields)")
        }
        _ if lower.starts_with("orch-") => Some("orch sets it"),
        _ => match &connector.auth {
            Auth::Header { name: auth, .. } if auth.eq_ignore_ascii_case(name) => {
                Some("credentials come from the connector's auth")
            }
            _ => None,
        },
    }
}

/// One call to make.
pub struct Call<'a> {
    pub tenant: &'a str,
    pub config: &'a OrchestratorConfig,
    pub connector: &'a str,
    pub operation: &'a str,
    pub params: BTreeMap<String, String>,
    pub payload: Option<Value>,
    /// The caller's headers (checked: see `reserved_header`).
    pub headers: BTreeMap<String, String>,
    /// Headers orch itself adds (`Orch-Job-Id`, …), set after the caller's.
    pub orch_headers: Vec<(&'static str, String)>,
    /// Shortens the policy's total deadline.
    pub timeout: Option<Duration>,
    /// Sent upstream as `Idempotency-Key` on every attempt; makes non-idempotent methods
    /// safe to retry.
    pub idempotency_key: Option<String>,
    pub trace: &'a TraceContext,
    pub request_id: &'a str,
}

/// What the upstream answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Value,
    pub attempts: u32,
    pub duration: Duration,
    /// Every attempt, in order.
    pub attempt_log: Vec<AttemptRecord>,
}

/// One attempt: what came back and how long its phases took.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    /// `response`, `connect_error`, `timeout` or `error`.
    pub outcome: &'static str,
    pub upstream_status: Option<u16>,
    /// Until the response headers arrived.
    pub headers_ms: Option<u64>,
    /// The whole attempt, body included.
    pub duration_ms: u64,
}

#[derive(Hash, PartialEq, Eq)]
struct ClientKey {
    tenant: String,
    connector: String,
    connect_ms: u64,
    read_ms: u64,
}

/// Calls connectors. One HTTP client (connection pool) per connector and timeout setting.
pub struct Executor {
    secrets: Arc<SecretResolver>,
    breakers: BreakerRegistry,
    limits: RateLimiter,
    concurrency: ConcurrencyLimits,
    clients: Mutex<HashMap<ClientKey, reqwest::Client>>,
    budgets: Mutex<HashMap<(String, String), RetryBudget>>,
    epoch: Instant,
    max_response_bytes: u64,
}

pub use crate::settings::DEFAULT_MAX_RESPONSE_BYTES;

impl Executor {
    pub fn new(
        secrets: Arc<SecretResolver>,
        breakers: BreakerRegistry,
        limits: RateLimiter,
    ) -> Self {
        crate::tls::install_tls_provider();
        Self {
            secrets,
            breakers,
            limits,
            concurrency: ConcurrencyLimits::default(),
            clients: Mutex::new(HashMap::new()),
            budgets: Mutex::new(HashMap::new()),
            epoch: Instant::now(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Caps what one upstream response may hold (`api.max_upstream_response_bytes`).
    pub fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The total deadline a call would get (the policy's, shortened by `timeout`).
    pub fn deadline_for(
        config: &OrchestratorConfig,
        connector: &str,
        timeout: Option<Duration>,
    ) -> Duration {
        let total = config
            .connectors
            .get(connector)
            .and_then(|c| c.policy.as_ref())
            .and_then(|p| config.policies.get(p))
            .map_or(Policy::default().timeouts.total_ms, |p| p.timeouts.total_ms);
        let total = Duration::from_millis(total);
        timeout.map_or(total, |t| t.min(total))
    }

    pub fn breakers(&self) -> &BreakerRegistry {
        &self.breakers
    }

    /// Makes the call, recording the connector metrics.
    pub async fn execute(&self, call: Call<'_>) -> Result<Answer, ExecError> {
        let started = Instant::now();
        let (tenant, connector) = (call.tenant.to_owned(), call.connector.to_owned());
        let result = self.run(call).await;
        let outcome = match &result {
            Ok(a) if a.status < 400 => "success",
            Ok(a) if a.status < 500 => "client_error",
            Ok(_) => "server_error",
            Err(e) => e.outcome(),
        };
        metrics::counter!("orch_connector_calls_total", "tenant" => tenant.clone(), "connector" => connector.clone(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!("orch_connector_call_duration_seconds", "tenant" => tenant.clone(), "connector" => connector.clone())
            .record(started.elapsed().as_secs_f64());
        match &result {
            Err(ExecError::Timeout { kind, .. }) => {
                metrics::counter!("orch_connector_timeouts_total", "tenant" => tenant, "connector" => connector, "kind" => kind.as_str())
                    .increment(1);
            }
            Err(ExecError::RateLimited { .. }) => {
                metrics::counter!("orch_rate_limit_dropped_total", "tenant" => tenant, "connector" => connector).increment(1);
            }
            _ => {}
        }
        result
    }

    async fn run(&self, call: Call<'_>) -> Result<Answer, ExecError> {
        let started = Instant::now();
        let connector = call
            .config
            .connectors
            .get(call.connector)
            .ok_or_else(|| ExecError::UnknownConnector(call.connector.to_owned()))?;
        let operation = connector.operations.get(call.operation).ok_or_else(|| {
            ExecError::UnknownOperation {
                connector: call.connector.to_owned(),
                operation: call.operation.to_owned(),
            }
        })?;
        let policy = connector
            .policy
            .as_ref()
            .and_then(|p| call.config.policies.get(p))
            .cloned()
            .unwrap_or_default();
        let url = format!(
            "{}{}",
            connector.base_url.trim_end_matches('/'),
            path_template::render(&operation.path, &call.params).map_err(|m| {
                ExecError::BadRequest {
                    field: "params".into(),
                    message: m,
                }
            })?
        );
        if let Some(rl) = &policy.rate_limit {
            let key = match rl.scope {
                RateLimitScope::Tenant => call.tenant.to_owned(),
                RateLimitScope::Connector => format!("{}/{}", call.tenant, call.connector),
            };
            let decision = self.limits.take(&key, rl.per_second, rl.burst).await;
            if !decision.allowed {
                return Err(ExecError::RateLimited {
                    retry_after: decision.retry_after,
                    per_second: rl.per_second,
                    burst: rl.burst,
                });
            }
        }
        let _slot = self
            .concurrency
            .try_acquire(call.tenant, call.connector, policy.max_concurrency)
            .map_err(|_| ExecError::ConcurrencyLimited {
                max: policy.max_concurrency,
            })?;
        let breaker = policy.circuit_breaker.as_ref().map(breakers::settings_of);
        let headers = self.headers(&call, connector).await?;
        let body = encode::body(operation.body_encoding(), call.payload.as_ref())?;
        let client = self.client(call.tenant, call.connector, &policy)?;

        let total = Duration::from_millis(policy.timeouts.total_ms);
        let total = call.timeout.map_or(total, |t| t.min(total));
        let deadline = started + total;
        let budget_key = (call.tenant.to_owned(), call.connector.to_owned());
        self.with_budget(&budget_key, |b, now| b.record_call(now));

        let mut attempts = 0;
        let mut attempt_log = Vec::new();
        let mut maybe_sent = false;
        let mut previous_delay = Duration::ZERO;
        loop {
            attempts += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(ExecError::Timeout {
                    kind: TimeoutKind::Total,
                    attempts: attempts - 1,
                    maybe_sent,
                });
            }
            let permit = match &breaker {
                Some(settings) => match self
                    .breakers
                    .acquire(call.tenant, call.connector, settings)
                    .await
                {
                    Ok(p) => Some(p),
                    Err(retry_after) => {
                        return Err(ExecError::CircuitOpen {
                            retry_after,
                            attempts: attempts - 1,
                        });
                    }
                },
                None => None,
            };
            let attempt_started = Instant::now();
            let request = client
                .request(
                    reqwest::Method::from_bytes(operation.method.as_str().as_bytes())
                        .unwrap_or(reqwest::Method::GET),
                    &url,
                )
                .headers(headers.clone());
            let request = match &body {
                Some((content_type, bytes)) => request
                    .header(reqwest::header::CONTENT_TYPE, *content_type)
                    .body(bytes.clone()),
                None => request,
            };
            let mut headers_at = None;
            let limit = self.max_response_bytes;
            let sent = tokio::time::timeout(remaining, async {
                let mut response = request.send().await?;
                headers_at = Some(attempt_started.elapsed());
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                // Never buffer more than the cap: `None` says the answer was too large.
                if response.content_length().is_some_and(|n| n > limit) {
                    return Ok((status, headers, None));
                }
                let mut body = Vec::new();
                while let Some(chunk) = response.chunk().await? {
                    if (body.len() + chunk.len()) as u64 > limit {
                        return Ok((status, headers, None));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok::<_, reqwest::Error>((status, headers, Some(body)))
            })
            .await;
            let record = AttemptRecord {
                attempt: attempts,
                outcome: match &sent {
                    Ok(Ok(_)) => "response",
                    Ok(Err(e)) if e.is_connect() => "connect_error",
                    Ok(Err(e)) if e.is_timeout() => "timeout",
                    Err(_) => "timeout",
                    Ok(Err(_)) => "error",
                },
                upstream_status: sent
                    .as_ref()
                    .ok()
                    .and_then(|r| r.as_ref().ok())
                    .map(|(s, _, _)| *s),
                headers_ms: headers_at.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                duration_ms: u64::try_from(attempt_started.elapsed().as_millis())
                    .unwrap_or(u64::MAX),
            };
            tracing::info!(
                connector = call.connector,
                operation = call.operation,
                attempt = record.attempt,
                outcome = record.outcome,
                upstream_status = record.upstream_status,
                headers_ms = record.headers_ms,
                duration_ms = record.duration_ms,
                "connector attempt"
            );
            attempt_log.push(record);
            if let (Some(settings), Some(permit)) = (&breaker, permit) {
                let failed = match &sent {
                    Ok(Ok((status, _, _))) => *status >= 500,
                    _ => true,
                };
                self.breakers
                    .record(
                        call.tenant,
                        call.connector,
                        settings,
                        permit,
                        failed,
                        attempt_started.elapsed(),
                    )
                    .await;
            }
            let failure = match sent {
                Err(_) => {
                    tracing::warn!(
                        connector = call.connector,
                        attempts,
                        "total deadline reached"
                    );
                    return Err(ExecError::Timeout {
                        kind: TimeoutKind::Total,
                        attempts,
                        maybe_sent: true,
                    });
                }
                Ok(Ok((_, _, None))) => {
                    tracing::warn!(
                        connector = call.connector,
                        limit = self.max_response_bytes,
                        "upstream response too large"
                    );
                    return Err(ExecError::ResponseTooLarge {
                        limit: self.max_response_bytes,
                        attempts,
                    });
                }
                Ok(Ok((status, response_headers, Some(bytes)))) => {
                    maybe_sent = true;
                    let answer = Answer {
                        status,
                        headers: encode::response_headers(&response_headers),
                        body: encode::response_body(&response_headers, &bytes),
                        attempts,
                        duration: started.elapsed(),
                        attempt_log: attempt_log.clone(),
                    };
                    let failure = AttemptFailure::Status(status);
                    if !self.should_retry(&policy, operation, &call, failure, attempts, &budget_key)
                    {
                        return Ok(answer);
                    }
                    let retry_after = policy
                        .retry
                        .respect_retry_after
                        .then(|| response_headers.get(reqwest::header::RETRY_AFTER))
                        .flatten()
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| {
                            retry::parse_retry_after(
                                v,
                                time::OffsetDateTime::now_utc().unix_timestamp(),
                            )
                        })
                        .map(|d| d.min(MAX_RETRY_AFTER));
                    let delay = retry_after
                        .unwrap_or_else(|| self.backoff(&policy, attempts, previous_delay));
                    if Instant::now() + delay >= deadline {
                        // No time to wait for another attempt: answer with what we have.
                        return Ok(answer);
                    }
                    tracing::info!(
                        connector = call.connector,
                        status,
                        attempts,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    previous_delay = delay;
                    metrics::counter!("orch_connector_retries_total", "tenant" => call.tenant.to_owned(), "connector" => call.connector.to_owned())
                        .increment(1);
                    tokio::time::sleep(delay).await;
                    continue;
                }
                Ok(Err(err)) => classify(&err),
            };
            let (kind_failure, error) = failure;
            maybe_sent |= kind_failure != AttemptFailure::Connect;
            if !self.should_retry(
                &policy,
                operation,
                &call,
                kind_failure,
                attempts,
                &budget_key,
            ) {
                return Err(error(attempts, maybe_sent));
            }
            let delay = self.backoff(&policy, attempts, previous_delay);
            if Instant::now() + delay >= deadline {
                return Err(error(attempts, maybe_sent));
            }
            tracing::info!(connector = call.connector, attempts, delay_ms = delay.as_millis() as u64, failure = ?kind_failure, "retrying");
            previous_delay = delay;
            metrics::counter!("orch_connector_retries_total", "tenant" => call.tenant.to_owned(), "connector" => call.connector.to_owned())
                .increment(1);
            tokio::time::sleep(delay).await;
        }
    }

    fn should_retry(
        &self,
        policy: &Policy,
        operation: &Operation,
        call: &Call<'_>,
        failure: AttemptFailure,
        attempts: u32,
        budget_key: &(String, String),
    ) -> bool {
        attempts < policy.retry.max_attempts
            && retry::matches(&policy.retry.retry_on, failure)
            && retry::safe_to_retry(
                failure,
                operation.method.is_idempotent(),
                call.idempotency_key.is_some(),
            )
            && self.with_budget(budget_key, |b, now| b.try_retry(now))
    }

    fn backoff(&self, policy: &Policy, attempts: u32, previous: Duration) -> Duration {
        let b = &policy.retry.backoff;
        backoff::delay(
            attempts,
            Duration::from_millis(b.base_ms),
            Duration::from_millis(b.max_ms),
            b.jitter,
            previous,
            random_unit(),
        )
    }

    fn with_budget<T>(
        &self,
        key: &(String, String),
        f: impl FnOnce(&mut RetryBudget, Duration) -> T,
    ) -> T {
        let now = self.epoch.elapsed();
        let mut budgets = self
            .budgets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let budget = budgets
            .entry(key.clone())
            .or_insert_with(|| RetryBudget::new(BUDGET_WINDOW));
        f(budget, now)
    }

    async fn headers(
        &self,
        call: &Call<'_>,
        connector: &Connector,
    ) -> Result<HeaderMap, ExecError> {
        let mut headers = HeaderMap::new();
        let bad = |field: &str, message: String| ExecError::BadRequest {
            field: field.to_owned(),
            message,
        };
        for name in call.headers.keys() {
            if let Some(why) = reserved_header(name, connector) {
                return Err(bad(
                    &format!("headers.{name}"),
                    format!("{name} cannot be sent by the caller: {why}"),
                ));
            }
        }
        for (name, value) in connector.default_headers.iter().chain(call.headers.iter()) {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| bad("headers", format!("{name:?} is not a header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                bad(
                    "headers",
                    format!("the value of {name} is not a header value"),
                )
            })?;
            headers.insert(name, value);
        }
        for (name, value) in &call.orch_headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        let secret = match connector.auth.secret_ref() {
            Some(reference) => Some(
                self.secrets
                    .resolve_for_tenant(call.tenant, reference)
                    .await
                    .map_err(|e| ExecError::SecretUnavailable {
                        reference: e.reference().to_owned(),
                        message: e.message().to_owned(),
                    })?,
            ),
            None => None,
        };
        let auth = match (&connector.auth, &secret) {
            (Auth::Bearer { .. }, Some(s)) => Some((
                reqwest::header::AUTHORIZATION,
                format!("Bearer {}", s.expose()),
            )),
            (Auth::Basic { username, .. }, Some(s)) => {
                use base64::Engine as _;
                let token = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{}", s.expose()));
                Some((reqwest::header::AUTHORIZATION, format!("Basic {token}")))
            }
            (Auth::Header { name, .. }, Some(s)) => HeaderName::from_bytes(name.as_bytes())
                .ok()
                .map(|n| (n, s.expose().to_owned())),
            _ => None,
        };
        if let Some((name, value)) = auth {
            let mut value =
                HeaderValue::from_str(&value).map_err(|_| ExecError::SecretUnavailable {
                    reference: connector.auth.secret_ref().unwrap_or_default().to_owned(),
                    message: "the secret is not a valid header value".into(),
                })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        // Correlation: the upstream sees this request's trace (as our child span) and id.
        let child = TraceContext {
            span_id: orch_core::trace::SpanId::random(),
            parent_span_id: Some(call.trace.span_id),
            ..call.trace.clone()
        };
        if let Ok(v) = HeaderValue::from_str(&child.traceparent()) {
            headers.insert(HeaderName::from_static("traceparent"), v);
        }
        if let Some(state) = child
            .tracestate
            .as_deref()
            .and_then(|s| HeaderValue::from_str(s).ok())
        {
            headers.insert(HeaderName::from_static("tracestate"), state);
        }
        if let Ok(v) = HeaderValue::from_str(call.request_id) {
            headers.insert(HeaderName::from_static("x-request-id"), v);
        }
        if let Some(key) = call
            .idempotency_key
            .as_deref()
            .and_then(|k| HeaderValue::from_str(k).ok())
        {
            headers.insert(HeaderName::from_static("idempotency-key"), key);
        }
        Ok(headers)
    }

    fn client(
        &self,
        tenant: &str,
        connector: &str,
        policy: &Policy,
    ) -> Result<reqwest::Client, ExecError> {
        let key = ClientKey {
            tenant: tenant.to_owned(),
            connector: connector.to_owned(),
            connect_ms: policy.timeouts.connect_ms,
            read_ms: policy.timeouts.read_ms,
        };
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(key.connect_ms))
            .read_timeout(Duration::from_millis(key.read_ms))
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ExecError::Unreachable {
                message: format!("cannot build an HTTP client: {e}"),
                attempts: 0,
                maybe_sent: false,
            })?;
        clients.insert(key, client.clone());
        Ok(client)
    }
}

type ErrorAt = Box<dyn Fn(u32, bool) -> ExecError + Send>;

/// Sorts a transport error into a retry class and the error to report.
fn classify(err: &reqwest::Error) -> (AttemptFailure, ErrorAt) {
    if err.is_connect() && err.is_timeout() {
        // The connection was never made: nothing was sent.
        (
            AttemptFailure::Connect,
            Box::new(|attempts, maybe_sent| ExecError::Timeout {
                kind: TimeoutKind::Connect,
                attempts,
                maybe_sent,
            }),
        )
    } else if err.is_connect() {
        let message = error_chain(err);
        (
            AttemptFailure::Connect,
            Box::new(move |attempts, maybe_sent| ExecError::Unreachable {
                message: message.clone(),
                attempts,
                maybe_sent,
            }),
        )
    } else if err.is_timeout() {
        // The total deadline is ours, so a reqwest timeout here is the read timeout.
        (
            AttemptFailure::Timeout,
            Box::new(|attempts, maybe_sent| ExecError::Timeout {
                kind: TimeoutKind::Read,
                attempts,
                maybe_sent,
            }),
        )
    } else {
        let message = error_chain(err);
        (
            AttemptFailure::Timeout,
            Box::new(move |attempts, maybe_sent| ExecError::Unreachable {
                message: message.clone(),
                attempts,
                maybe_sent,
            }),
        )
    }
}

/// The error and its causes, without the URL (which may carry path params).
fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

pub(crate) fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

//! Request correlation: every request gets a request id (the caller's `X-Request-Id` when
//! sane, else a new one) and a trace position (the caller's `traceparent`, else a new trace).
//! Both are fields of the request's root span, so every log line emitted while serving it —
//! in any nested code — carries them; the request id is echoed on the response.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use orch_core::ids::new_id;
use orch_core::request_id::{accept_request_id, generate_request_id};
use orch_core::trace::{TRACEPARENT, TRACESTATE, TraceContext};
use time::OffsetDateTime;
use tracing::Instrument;

use std::sync::{Arc, OnceLock};

use uuid::Uuid;

use super::AppState;
use crate::request_log::RequestLogEntry;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub const X_TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");

/// Who is asking and where in the trace we are; an extension on every request.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub trace: TraceContext,
    /// Set once by authentication, read by the request log after the response.
    pub principal: Arc<OnceLock<Principal>>,
}

impl RequestContext {
    /// An audit draft for `action` by `operator`, correlated with this request.
    pub fn operator_audit(
        &self,
        operator: &crate::identity::operators::OperatorRecord,
        action: &str,
        reason: &str,
    ) -> orch_core::audit::AuditDraft {
        orch_core::audit::AuditDraft::new(&operator.name, operator.role.as_str(), action, reason)
            .operator(operator.id)
            .correlation(
                Some(self.request_id.clone()),
                Some(self.trace.trace_id.to_hex()),
            )
    }

    /// An event correlated with this request (its request id and trace id).
    pub fn event(&self, kind: &str, message: impl Into<String>) -> crate::events::NewEvent {
        crate::events::NewEvent::new(kind, message)
            .correlation(Some(&self.request_id), Some(&self.trace.trace_id.to_hex()))
    }

    /// Records who made the request: in the request span (so later log lines say so) and
    /// for the request log row.
    pub fn authenticated(&self, principal: Principal) {
        let span = tracing::Span::current();
        match &principal {
            Principal::Operator { id, name } => {
                span.record("operator", name.as_str());
                span.record("operator_id", tracing::field::display(id));
            }
            Principal::Tenant {
                tenant,
                impersonated_by,
                ..
            } => {
                span.record("tenant", tenant.as_str());
                if let Some(op) = impersonated_by {
                    span.record("operator_id", tracing::field::display(op));
                }
            }
        }
        let _ = self.principal.set(principal);
    }
}

/// Who made a request.
#[derive(Debug, Clone)]
pub enum Principal {
    Operator {
        id: Uuid,
        name: String,
    },
    Tenant {
        tenant: String,
        impersonated_by: Option<Uuid>,
        impersonation_id: Option<Uuid>,
    },
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// The context of the request being served by this task, if any.
pub fn current() -> Option<RequestContext> {
    CURRENT.try_with(Clone::clone).ok()
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Probes are not API requests: they are neither logged at info nor written to the request log.
fn is_probe(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let ts = OffsetDateTime::now_utc();
    let headers = req.headers();
    let request_id = header_str(headers, "x-request-id")
        .and_then(accept_request_id)
        .map_or_else(generate_request_id, str::to_owned);
    let trace = TraceContext::from_headers(
        header_str(headers, TRACEPARENT),
        header_str(headers, TRACESTATE),
    );
    let user_agent = header_str(headers, "user-agent").map(|s| s.chars().take(256).collect());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let client_ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string());

    let span = tracing::info_span!(
        "http_request",
        request_id = %request_id,
        trace_id = %trace.trace_id,
        span_id = %trace.span_id,
        method = %method,
        route = route.as_deref().unwrap_or(""),
        // Filled in by authentication, so later lines say who is acting.
        operator = tracing::field::Empty,
        operator_id = tracing::field::Empty,
        tenant = tracing::field::Empty,
    );
    let ctx = RequestContext {
        request_id: request_id.clone(),
        trace: trace.clone(),
        principal: Arc::new(OnceLock::new()),
    };
    let principal = ctx.principal.clone();
    req.extensions_mut().insert(ctx.clone());

    let mut response = CURRENT
        .scope(ctx, next.run(req))
        .instrument(span.clone())
        .await;

    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(X_REQUEST_ID, v);
    }
    if let Ok(v) = HeaderValue::from_str(&trace.trace_id.to_hex()) {
        response.headers_mut().insert(X_TRACE_ID, v);
    }
    // Microsecond resolution, in milliseconds: 0.251, not 0.25120299999999995.
    let duration_ms = elapsed.as_micros() as f64 / 1000.0;
    if !is_probe(&path) {
        let route_label = route.clone().unwrap_or_else(|| "unmatched".to_owned());
        metrics::counter!(
            "orch_http_requests_total",
            "route" => route_label.clone(),
            "method" => method.to_string(),
            "status" => status.to_string()
        )
        .increment(1);
        metrics::histogram!(
            "orch_http_request_duration_seconds",
            "route" => route_label,
            "method" => method.to_string()
        )
        .record(elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        if is_probe(&path) {
            tracing::debug!(status, duration_ms, path = %path, "request completed");
        } else if status >= 500 {
            tracing::error!(status, duration_ms, path = %path, "request completed");
        } else {
            tracing::info!(status, duration_ms, path = %path, "request completed");
        }
    });
    let (operator_id, tenant_id, impersonated_by, impersonation_id) = match principal.get() {
        Some(Principal::Operator { id, .. }) => (Some(*id), None, None, None),
        Some(Principal::Tenant {
            tenant,
            impersonated_by,
            impersonation_id,
        }) => (
            None,
            Some(tenant.clone()),
            *impersonated_by,
            *impersonation_id,
        ),
        None => (None, None, None, None),
    };
    if !is_probe(&path) {
        state.request_log.record(RequestLogEntry {
            id: new_id(),
            ts,
            method: method.to_string(),
            route,
            path,
            status,
            duration_us: u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            tenant_id,
            operator_id,
            impersonated_by,
            impersonation_id,
            request_id,
            trace_id: trace.trace_id.to_hex(),
            client_ip,
            user_agent,
        });
    }
    response
}

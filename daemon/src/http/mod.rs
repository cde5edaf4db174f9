//! The HTTP layer: routes, middleware, and the problem+json error funnel. Only this module
//! knows HTTP; handlers stay thin and call services.

use std::any::Any;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use orch_core::problem::ErrorCode;
use tower_http::catch_panic::CatchPanicLayer;

use crate::executor::Executor;
use crate::idempotency::IdempotencyService;
use crate::identity::audit::AuditService;
use crate::identity::clients::ClientService;
use crate::identity::impersonations::ImpersonationService;
use crate::identity::operators::OperatorService;
use crate::identity::tenant_tokens::TenantTokenVerifier;
use crate::redis::RedisClient;
use crate::request_log::RequestLogWriter;
use crate::secrets::SecretResolver;
use crate::settings::Settings;
use crate::store::Store;
use crate::tenant_config::service::ConfigService;

pub mod admin;
pub mod auth;
pub mod context;
pub mod error;
pub mod event_stream;
pub mod extract;
pub mod idempotency;
pub mod limits;
pub mod routes;
pub mod server;
pub mod tenant_auth;
pub mod timeout;

pub use error::AppError;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub redis: Option<RedisClient>,
    pub request_log: RequestLogWriter,
    pub operators: OperatorService,
    pub audit: AuditService,
    pub tenant_tokens: Arc<TenantTokenVerifier>,
    pub clients: ClientService,
    pub impersonations: ImpersonationService,
    pub configs: ConfigService,
    pub secrets: Arc<SecretResolver>,
    pub executor: Arc<Executor>,
    pub idempotency: IdempotencyService,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub events: crate::events::EventWriter,
    /// Pages of the event log.
    pub event_log: crate::events::log::EventLog,
    /// How far the event log reaches; wakes the live streams.
    pub event_feed: crate::events::feed::EventFeed,
    /// Live event streams per caller (`api.max_streams_per_caller`).
    pub streams: event_stream::StreamSlots,
    /// Wakes this node's workers after an enqueue.
    pub dispatch: crate::dispatch::Dispatcher,
    /// Webhook ingress (verify, dedupe, inbox, job).
    pub ingress: crate::webhooks::ingress::Ingress,
    /// The inbox admin service.
    pub inbox: crate::webhooks::inbox::InboxService,
    /// Per-tenant queue quotas, checked before an enqueue.
    pub quotas: crate::quotas::QuotaService,
    /// `/v1/execute`: idempotency, the call, its events.
    pub execute: crate::executor::service::ExecuteService,
    /// Jobs: enqueue, read, cancel, the DLQ.
    pub jobs: crate::jobs::service::JobService,
    /// One trace's deliveries, jobs, runs and events.
    pub traces: crate::traces::TraceService,
    /// Operator console sign-in and sessions.
    pub console_sessions: crate::identity::console_sessions::ConsoleSessionService,
    /// The origin console POSTs must come from (`Settings::console_origin`).
    pub console_origin: Arc<str>,
}

/// The whole application router. Every node serves the probes; the tenant, admin and
/// webhook routes, and `pages` (the operator console, built above this module so `http/`
/// does not depend on it), are mounted only on nodes with the `api` role, under the same
/// request context, limits and deadline.
pub fn router(state: AppState, pages: Router<AppState>) -> Router {
    let api_limit = state.settings.api.max_body_bytes;
    let mut app = Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .route("/metrics", get(routes::health::metrics));
    if state.settings.roles.api {
        app = app
            .route(
                "/v1/auth/operator/token",
                post(routes::auth::operator_token),
            )
            .route("/v1/auth/token", post(routes::auth::client_token))
            .route("/v1/whoami", get(routes::tenant::whoami))
            .route("/v1/execute", post(routes::execute::execute))
            .route(
                "/v1/jobs",
                post(routes::jobs::enqueue).get(routes::jobs::list),
            )
            .route("/v1/jobs/{id}", get(routes::jobs::get))
            .route("/v1/jobs/{id}/cancel", post(routes::jobs::cancel))
            .route("/v1/events/stream", get(routes::events::stream))
            .merge(admin::router(&state))
            .merge(pages);
    }
    // The API's size guard covers the routes above and the fallbacks; webhooks, added after
    // it, read their raw body under their own, larger limit (`webhooks.max_body_bytes`).
    let mut app = app
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(api_limit.as_usize()))
        .layer(middleware::from_fn_with_state(
            api_limit,
            limits::refuse_oversized,
        ));
    if state.settings.roles.api {
        app = app
            .route("/webhooks/stripe", post(routes::webhooks::stripe_default))
            .route(
                "/webhooks/stripe/{tenant}",
                post(routes::webhooks::stripe_for_tenant),
            );
    }
    let deadline = timeout::RequestDeadline {
        timeout: state.settings.http.request_timeout.as_duration(),
        body_limit: api_limit,
    };
    // Innermost first: the panic guard and the request deadline run inside the request
    // context, so even a panic or a timeout is answered and logged with the request id.
    app.layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(
            deadline,
            timeout::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            context::middleware,
        ))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::new(ErrorCode::NotFound, format!("no route for {}", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> AppError {
    AppError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    AppError::Internal(format!("handler panicked: {message}")).into_response()
}

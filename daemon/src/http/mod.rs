//! The HTTP layer: routes, middleware, and the problem+json error funnel. Only this module
//! knows HTTP; handlers stay thin and call services.

use std::any::Any;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
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
pub mod openapi;
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

/// A route mounted outside the admin table (which has its own, with permissions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountedRoute {
    pub method: Method,
    pub path: &'static str,
}

/// Declares a group of routes once: the table (`/openapi.json` must describe each; tested)
/// and the function that mounts exactly those, so the two cannot drift apart.
macro_rules! route_table {
    ($(#[$meta:meta])* $table:ident, $mount:ident {
        $($method:ident $path:literal => $handler:path;)+
    }) => {
        $(#[$meta])*
        pub const $table: &[MountedRoute] = &[$(MountedRoute {
            method: Method::$method,
            path: $path,
        },)+];

        fn $mount(router: Router<AppState>) -> Router<AppState> {
            router$(.route($path, on(MethodFilter::$method, $handler)))+
        }
    };
}

route_table! {
    /// Served by every node.
    PROBE_ROUTES, mount_probes {
        GET "/healthz" => routes::health::healthz;
        GET "/readyz" => routes::health::readyz;
        GET "/metrics" => routes::health::metrics;
        GET "/openapi.json" => openapi::serve;
    }
}

route_table! {
    /// The tenant API and the token endpoints (nodes with the `api` role).
    API_ROUTES, mount_api {
        POST "/v1/auth/operator/token" => routes::auth::operator_token;
        POST "/v1/auth/token" => routes::auth::client_token;
        GET "/v1/whoami" => routes::tenant::whoami;
        POST "/v1/execute" => routes::execute::execute;
        POST "/v1/jobs" => routes::jobs::enqueue;
        GET "/v1/jobs" => routes::jobs::list;
        GET "/v1/jobs/{id}" => routes::jobs::get;
        POST "/v1/jobs/{id}/cancel" => routes::jobs::cancel;
        GET "/v1/events/stream" => routes::events::stream;
    }
}

route_table! {
    /// Webhook ingress (nodes with the `api` role), under its own body limit.
    WEBHOOK_ROUTES, mount_webhooks {
        POST "/webhooks/stripe" => routes::webhooks::stripe_default;
        POST "/webhooks/stripe/{tenant}" => routes::webhooks::stripe_for_tenant;
    }
}

/// Every route [`router`] can mount (on a node with every role), the operator console's
/// pages aside: the route tables above and [`admin::ADMIN_ROUTES`].
pub fn mounted_routes() -> impl Iterator<Item = MountedRoute> {
    let admin = admin::ADMIN_ROUTES.iter().map(|r| MountedRoute {
        method: r.method.clone(),
        path: r.path,
    });
    PROBE_ROUTES
        .iter()
        .chain(API_ROUTES)
        .chain(WEBHOOK_ROUTES)
        .cloned()
        .chain(admin)
}

/// The whole application router. Every node serves the probes; the tenant, admin and
/// webhook routes, and `pages` (the operator console, built above this module so `http/`
/// does not depend on it), are mounted only on nodes with the `api` role, under the same
/// request context, limits and deadline. Routes are added only through the tables above
/// (and the admin table), which `/openapi.json` is checked against.
pub fn router(state: AppState, pages: Router<AppState>) -> Router {
    let api_limit = state.settings.api.max_body_bytes;
    let mut app = mount_probes(Router::new());
    if state.settings.roles.api {
        app = mount_api(app).merge(admin::router(&state)).merge(pages);
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
        app = mount_webhooks(app);
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

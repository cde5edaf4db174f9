//! `GET /openapi.json`: the API as an OpenAPI 3.1 document, generated from the code. The
//! bodies are the `orch_core::api` types (`ToSchema`, orch-core's `openapi` feature); each
//! route is described once in [`operations`], keyed by method and path, and a test fails when
//! a route the router mounts ([`super::mounted_routes`]) is not described, or the other way
//! round. A committed copy is `schemas/openapi.json` (drift-tested).
//!
//! What a route documents beyond its own entry comes from what it takes: a JSON body adds
//! `invalid_json`, `validation_failed`, 413 and 415; a query adds `validation_failed`; tenant
//! and operator routes add their 401/403 and security requirement (the operator's permission
//! from the admin table); every route adds 500 `internal` and 503 `request_timeout` /
//! `storage_unavailable`. Error responses are problem+json whose `code` is narrowed to the
//! codes that status can carry on that route.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::http::Method;
use axum::response::{IntoResponse, Response};
use orch_core::api;
use orch_core::problem::{ErrorCode, Problem};
use orch_core::rbac::{Permission, Scope};
use utoipa::openapi::path::{HttpMethod, Operation, Parameter, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::schema::{
    AllOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    Components, Content, Header, Info, OpenApi, Paths, Ref, RefOr, Required,
    Response as ApiResponse, Tag,
};
use utoipa::{IntoParams, ToSchema};

use super::admin::ADMIN_ROUTES;
use super::error::AppError;

/// Where the committed copy lives, relative to the repository root.
pub const DOCUMENT_PATH: &str = "schemas/openapi.json";

/// Security scheme of tenant services' bearer JWTs.
pub const TENANT_SCHEME: &str = "tenant_jwt";
/// Security scheme of operator tokens (an operator API key exchanged for a bearer JWT).
pub const OPERATOR_SCHEME: &str = "operator_jwt";

/// A tenant slug (`orch_core::tenant::TenantSlug`).
const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

const TENANT_PATTERN: &str = "^[a-z0-9][a-z0-9-]{0,62}$";

/// Shared response headers (`#/components/headers/…`).
const REQUEST_ID_HEADER: &str = "X-Request-Id";
const RETRY_AFTER_HEADER: &str = "Retry-After";

fn header(kind: Type, about: &str) -> Header {
    let mut header = Header::new(ObjectBuilder::new().schema_type(kind));
    header.description = Some(about.to_owned());
    header
}

fn header_ref(name: &str) -> RefOr<Header> {
    RefOr::Ref(Ref::new(format!("#/components/headers/{name}")))
}

/// The document, rendered once: it depends on nothing but the code.
static DOCUMENT_JSON: LazyLock<Result<String, String>> = LazyLock::new(|| {
    let mut text = serde_json::to_string_pretty(&document()).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
});

/// The document as pretty JSON with a trailing newline (what `schemas/openapi.json` holds).
pub fn document_json() -> Result<&'static str, AppError> {
    DOCUMENT_JSON
        .as_deref()
        .map_err(|e| AppError::Internal(format!("the OpenAPI document does not render: {e}")))
}

/// `GET /openapi.json`.
pub async fn serve() -> Response {
    match document_json() {
        Ok(text) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            text,
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    Public,
    /// Any valid tenant token, or one with this scope.
    Tenant(Option<Scope>),
    /// The permission is the admin table's.
    Operator,
    /// `Stripe-Signature` over the raw body.
    Stripe,
}

/// Registers a schema (and what it refers to) and answers with its reference.
type SchemaFn = fn(&mut Schemas) -> RefOr<Schema>;

#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    Json(SchemaFn),
    /// `POST /v1/auth/token`: JSON or a form, the same fields.
    JsonOrForm(SchemaFn),
}

#[derive(Debug, Clone, Copy)]
enum Content_ {
    Json(SchemaFn),
    Text(&'static str),
    EventStream,
    Empty,
}

/// One route's description.
struct Op {
    method: Method,
    path: &'static str,
    id: &'static str,
    tag: &'static str,
    summary: &'static str,
    auth: Auth,
    query: Vec<Parameter>,
    /// The shape of this list's `cursor` (a row id unless said otherwise).
    cursor_pattern: &'static str,
    headers: Vec<Parameter>,
    body: Body,
    ok: Vec<(u16, &'static str, Content_)>,
    errors: Vec<ErrorCode>,
}

impl Op {
    fn new(method: Method, path: &'static str, id: &'static str, summary: &'static str) -> Self {
        let tag = if path.starts_with("/v1/admin") {
            "admin"
        } else if path.starts_with("/v1/auth") {
            "auth"
        } else if path.starts_with("/webhooks") {
            "webhooks"
        } else if path.starts_with("/v1") {
            "tenant"
        } else {
            "health"
        };
        let auth = if tag == "admin" {
            Auth::Operator
        } else {
            Auth::Public
        };
        Self {
            method,
            path,
            id,
            tag,
            summary,
            auth,
            query: Vec::new(),
            cursor_pattern: UUID_PATTERN,
            headers: Vec::new(),
            body: Body::None,
            ok: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn get(path: &'static str, id: &'static str, summary: &'static str) -> Self {
        Self::new(Method::GET, path, id, summary)
    }

    fn post(path: &'static str, id: &'static str, summary: &'static str) -> Self {
        Self::new(Method::POST, path, id, summary)
    }

    fn delete(path: &'static str, id: &'static str, summary: &'static str) -> Self {
        Self::new(Method::DELETE, path, id, summary)
    }

    fn tenant(mut self, scope: impl Into<Option<Scope>>) -> Self {
        self.auth = Auth::Tenant(scope.into());
        self
    }

    fn stripe(mut self) -> Self {
        self.auth = Auth::Stripe;
        self
    }

    fn query<Q: IntoParams>(mut self) -> Self {
        self.query = Q::into_params(|| Some(ParameterIn::Query));
        self
    }

    /// The list's cursor is a sequence number (the audit log's, the event log's, a version).
    fn numeric_cursor(mut self) -> Self {
        self.cursor_pattern = "^[0-9]{1,18}$";
        self
    }

    fn header(mut self, name: &str, required: bool, schema: ObjectBuilder, about: &str) -> Self {
        self.headers.push(
            Parameter::builder()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(if required {
                    Required::True
                } else {
                    Required::False
                })
                .schema(Some(schema))
                .description(Some(about))
                .build(),
        );
        self
    }

    /// `Idempotency-Key` (≤ 255 printable ASCII characters; a structured-field string or bare).
    fn idempotent(self) -> Self {
        self.header(
            "Idempotency-Key",
            false,
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[ -~]+$")),
            "Replays the stored response of the same key and body; another body is 422.",
        )
        .errors(&[
            ErrorCode::InvalidIdempotencyKey,
            ErrorCode::IdempotencyKeyInUse,
            ErrorCode::IdempotencyKeyReused,
        ])
    }

    /// `Last-Event-ID`, the SSE resume header.
    fn resumable(self) -> Self {
        self.header(
            "Last-Event-ID",
            false,
            ObjectBuilder::new().schema_type(Type::String),
            "Resume after this event id (wins over `after_id`).",
        )
    }

    fn json(mut self, body: SchemaFn) -> Self {
        self.body = Body::Json(body);
        self
    }

    fn ok(mut self, status: u16, about: &'static str, content: Content_) -> Self {
        self.ok.push((status, about, content));
        self
    }

    fn ok_json(self, status: u16, about: &'static str, body: SchemaFn) -> Self {
        self.ok(status, about, Content_::Json(body))
    }

    fn errors(mut self, codes: &[ErrorCode]) -> Self {
        self.errors.extend_from_slice(codes);
        self
    }

    /// An admin mutation: `reason` is required (≥ 3 characters).
    fn reasoned(self) -> Self {
        self.errors(&[ErrorCode::ReasonRequired])
    }
}

/// Every route's description. Each must match a mounted route (tested both ways).
fn operations() -> Vec<Op> {
    use ErrorCode as E;
    use api::*;
    vec![
        // Probes.
        Op::get("/healthz", "healthz", "The process is up.").ok_json(
            200,
            "Up.",
            schema::<health::Health>,
        ),
        Op::get(
            "/readyz",
            "readyz",
            "Storage (and Redis when configured) reachable and migrations current.",
        )
        .ok_json(200, "Ready.", schema::<health::Readiness>)
        .ok_json(
            503,
            "Not ready: the failed parts (fixed reasons only).",
            schema::<health::Readiness>,
        ),
        Op::get("/metrics", "metrics", "Prometheus text format.").ok(
            200,
            "The metrics.",
            Content_::Text("text/plain"),
        ),
        Op::get("/openapi.json", "openapi", "This document (OpenAPI 3.1).").ok(
            200,
            "The document.",
            Content_::Json(any_object),
        ),
        // Tokens.
        Op::post(
            "/v1/auth/operator/token",
            "operator_token",
            "Exchange an operator API key for an operator token.",
        )
        .json(schema::<auth::OperatorTokenRequest>)
        .ok_json(200, "The token.", schema::<auth::OperatorTokenResponse>)
        .errors(&[E::Unauthenticated, E::RateLimited]),
        Op {
            body: Body::JsonOrForm(schema::<auth::ClientCredentialsRequest>),
            ..Op::post(
                "/v1/auth/token",
                "client_token",
                "OAuth 2.0 client credentials: a tenant token signed by orchd's issuer.",
            )
        }
        .ok_json(200, "The token.", schema::<auth::AccessTokenResponse>)
        .errors(&[E::Unauthenticated, E::RateLimited]),
        // The tenant API.
        Op::get(
            "/v1/whoami",
            "tenant_whoami",
            "Who the tenant token speaks for.",
        )
        .tenant(None)
        .ok_json(200, "The caller.", schema::<impersonations::TenantWhoAmI>),
        Op::post(
            "/v1/execute",
            "execute",
            "Call a connector operation synchronously, under its policy.",
        )
        .tenant(Scope::Execute)
        .json(schema::<execute::ExecuteRequest>)
        .idempotent()
        .ok_json(
            200,
            "An upstream response was received (any status).",
            schema::<execute::ExecuteResponse>,
        )
        .errors(&[
            E::UnknownConnector,
            E::UnknownOperation,
            E::UnknownTenant,
            E::RateLimited,
            E::ConcurrencyLimited,
            E::CircuitOpen,
            E::UpstreamTimeout,
            E::UpstreamUnreachable,
            E::UpstreamResponseTooLarge,
            E::SecretUnavailable,
        ]),
        Op::post("/v1/jobs", "enqueue_job", "Enqueue a durable job.")
            .tenant(Scope::JobsWrite)
            .json(schema::<jobs::EnqueueJobRequest>)
            .idempotent()
            .ok_json(202, "Queued.", schema::<jobs::EnqueuedJob>)
            .ok_json(
                200,
                "A live job of the tenant already carries the `dedupe_key`.",
                schema::<jobs::EnqueuedJob>,
            )
            .errors(&[
                E::UnknownQueue,
                E::UnknownConnector,
                E::UnknownOperation,
                E::UnknownTenant,
                E::QuotaExceeded,
            ]),
        Op::get("/v1/jobs", "list_jobs", "The tenant's jobs, newest first.")
            .tenant(Scope::JobsRead)
            .query::<jobs::JobListQuery>()
            .ok_json(200, "A page of jobs.", page::<jobs::JobView>)
            .errors(&[E::UnknownQueue]),
        Op::get(
            "/v1/jobs/{id}",
            "get_job",
            "One of the tenant's jobs, with its runs.",
        )
        .tenant(Scope::JobsRead)
        .ok_json(200, "The job.", schema::<jobs::JobView>)
        .errors(&[E::NotFound]),
        Op::post(
            "/v1/jobs/{id}/cancel",
            "cancel_job",
            "Cancel a queued job of the tenant.",
        )
        .tenant(Scope::JobsWrite)
        .ok_json(200, "Cancelled.", schema::<jobs::JobView>)
        .errors(&[E::NotFound, E::Conflict]),
        Op::get(
            "/v1/events/stream",
            "tenant_event_stream",
            "The tenant's own events as server-sent events.",
        )
        .tenant(Scope::EventsRead)
        .query::<events::EventStreamQuery>()
        .resumable()
        .ok(200, "The stream.", Content_::EventStream)
        .errors(&[E::Forbidden, E::RateLimited]),
        // Webhook ingress.
        Op::post(
            "/webhooks/stripe",
            "stripe_webhook_default",
            "A Stripe webhook for the daemon's `webhooks.default_tenant`.",
        )
        .stripe()
        .ok_json(
            200,
            "Stored (or a duplicate).",
            schema::<inbox::WebhookReceipt>,
        )
        .errors(&[
            E::InvalidSignature,
            E::TimestampOutOfTolerance,
            E::InvalidPayload,
            E::UnknownTenant,
            E::PayloadTooLarge,
            E::QuotaExceeded,
            E::SecretUnavailable,
        ]),
        Op::post(
            "/webhooks/stripe/{tenant}",
            "stripe_webhook",
            "A Stripe webhook for a tenant.",
        )
        .stripe()
        .ok_json(
            200,
            "Stored (or a duplicate).",
            schema::<inbox::WebhookReceipt>,
        )
        .errors(&[
            E::InvalidSignature,
            E::TimestampOutOfTolerance,
            E::InvalidPayload,
            E::UnknownTenant,
            E::PayloadTooLarge,
            E::QuotaExceeded,
            E::SecretUnavailable,
        ]),
        // The operator API.
        Op::get(
            "/v1/admin/whoami",
            "whoami",
            "The operator, role and permissions.",
        )
        .ok_json(200, "The operator.", schema::<auth::WhoAmI>),
        Op::post(
            "/v1/admin/operators",
            "create_operator",
            "Create an operator.",
        )
        .json(schema::<operators::CreateOperatorRequest>)
        .reasoned()
        .ok_json(
            201,
            "Created; the API key is shown once.",
            schema::<operators::IssuedOperatorKey>,
        )
        .errors(&[E::Conflict]),
        Op::get("/v1/admin/operators", "list_operators", "Every operator.").ok_json(
            200,
            "The operators.",
            page::<operators::OperatorView>,
        ),
        Op::post(
            "/v1/admin/operators/{id}/disable",
            "disable_operator",
            "Disable an operator: its tokens fail on the next request.",
        )
        .json(schema::<operators::ReasonRequest>)
        .reasoned()
        .ok_json(200, "Disabled.", schema::<operators::OperatorView>)
        .errors(&[E::NotFound, E::Conflict]),
        Op::post(
            "/v1/admin/operators/{id}/keys",
            "rotate_operator_key",
            "Issue a new API key for an operator (the old one stops working).",
        )
        .json(schema::<operators::ReasonRequest>)
        .reasoned()
        .ok_json(
            201,
            "The new key, shown once.",
            schema::<operators::IssuedOperatorKey>,
        )
        .errors(&[E::NotFound, E::Conflict]),
        Op::get(
            "/v1/admin/audit",
            "list_audit",
            "The audit log, newest first.",
        )
        .query::<audit::AuditListQuery>()
        .numeric_cursor()
        .ok_json(
            200,
            "A page of audit rows.",
            page::<orch_core::audit::AuditRecord>,
        ),
        Op::get(
            "/v1/admin/audit/verify",
            "verify_audit",
            "Check the audit log's keyed hash chain (and an anchor recorded earlier).",
        )
        .query::<crate::http::admin::VerifyParams>()
        .ok_json(200, "The result.", schema::<audit::AuditVerifyResponse>),
        Op::get(
            "/v1/admin/audit/head",
            "audit_head",
            "The audit chain's head, to record as an anchor.",
        )
        .ok_json(200, "The head.", schema::<audit::AuditHead>),
        Op::post(
            "/v1/admin/tenants/{t}/clients",
            "create_client",
            "Create client credentials for a tenant.",
        )
        .json(schema::<clients::CreateClientRequest>)
        .reasoned()
        .ok_json(
            201,
            "Created; the secret is shown once.",
            schema::<clients::IssuedClient>,
        )
        .errors(&[E::Conflict, E::NotFound]),
        Op::get(
            "/v1/admin/tenants/{t}/clients",
            "list_clients",
            "A tenant's clients.",
        )
        .ok_json(200, "The clients.", page::<clients::ClientView>),
        Op::delete(
            "/v1/admin/tenants/{t}/clients/{id}",
            "delete_client",
            "Delete a tenant's client.",
        )
        .json(schema::<operators::ReasonRequest>)
        .reasoned()
        .ok(204, "Deleted.", Content_::Empty)
        .errors(&[E::NotFound]),
        Op::post(
            "/v1/admin/impersonations",
            "start_impersonation",
            "Start impersonating a tenant: a tenant token that records the operator.",
        )
        .json(schema::<impersonations::StartImpersonationRequest>)
        .reasoned()
        .ok_json(
            201,
            "Started; the token is shown once.",
            schema::<impersonations::StartedImpersonation>,
        )
        .errors(&[E::UnknownTenant]),
        Op::get(
            "/v1/admin/impersonations",
            "list_impersonations",
            "Impersonations, newest first.",
        )
        .query::<impersonations::ImpersonationListQuery>()
        .ok_json(
            200,
            "The impersonations.",
            page::<impersonations::ImpersonationView>,
        ),
        Op::delete(
            "/v1/admin/impersonations/{id}",
            "stop_impersonation",
            "Stop an impersonation: its token is refused at once.",
        )
        .json(schema::<operators::ReasonRequest>)
        .reasoned()
        .ok_json(200, "Stopped.", schema::<impersonations::ImpersonationView>)
        .errors(&[E::NotFound, E::Conflict]),
        Op::get(
            "/v1/admin/tenants",
            "list_tenants",
            "Tenants with an active config.",
        )
        .ok_json(200, "The tenants.", page::<config::ConfigPointerView>),
        Op::post(
            "/v1/admin/tenants/{t}/config",
            "apply_config",
            "Store a new config version (and activate it).",
        )
        .json(schema::<config::ApplyConfigRequest>)
        .reasoned()
        .ok_json(201, "A new version.", schema::<config::ApplyConfigResponse>)
        .ok_json(
            200,
            "The same checksum as the newest version, or a dry run: nothing stored.",
            schema::<config::ApplyConfigResponse>,
        )
        .errors(&[E::InvalidConfig, E::Conflict]),
        Op::get(
            "/v1/admin/tenants/{t}/config",
            "show_config",
            "The active version: document and metadata.",
        )
        .ok_json(
            200,
            "The active config.",
            schema::<config::ActiveConfigView>,
        )
        .errors(&[E::NotFound]),
        Op::post(
            "/v1/admin/config/validate",
            "validate_config",
            "Validate a config document; nothing is stored.",
        )
        .json(schema::<config::ValidateConfigRequest>)
        .ok_json(
            200,
            "The findings.",
            schema::<config::ValidateConfigResponse>,
        ),
        Op::get(
            "/v1/admin/tenants/{t}/config/versions",
            "list_config_versions",
            "A tenant's config versions, newest first.",
        )
        .query::<list::PageQuery>()
        .numeric_cursor()
        .ok_json(
            200,
            "A page of versions.",
            page::<config::ConfigVersionView>,
        ),
        Op::get(
            "/v1/admin/tenants/{t}/config/versions/{n}",
            "get_config_version",
            "One config version with its document.",
        )
        .ok_json(200, "The version.", schema::<config::ConfigVersionView>)
        .errors(&[E::NotFound]),
        Op::get(
            "/v1/admin/tenants/{t}/config/diff",
            "diff_config",
            "The structured diff between two versions.",
        )
        .query::<crate::http::admin::DiffParams>()
        .ok_json(200, "The diff.", schema::<config::ConfigDiffView>)
        .errors(&[E::NotFound]),
        Op::get(
            "/v1/admin/tenants/{t}/config/history",
            "config_history",
            "How the tenant's active-version pointer moved, newest first.",
        )
        .ok_json(200, "The moves.", page::<config::PointerMoveView>),
        Op::post(
            "/v1/admin/tenants/{t}/config/activate",
            "activate_config",
            "Activate a stored version.",
        )
        .json(schema::<config::ActivateConfigRequest>)
        .reasoned()
        .ok_json(200, "The new pointer.", schema::<config::ConfigPointerView>)
        .errors(&[E::NotFound, E::Conflict]),
        Op::post(
            "/v1/admin/tenants/{t}/config/rollback",
            "rollback_config",
            "Activate the version active before the current one (or `to_version`).",
        )
        .json(schema::<config::RollbackConfigRequest>)
        .reasoned()
        .ok_json(200, "The new pointer.", schema::<config::ConfigPointerView>)
        .errors(&[E::NotFound, E::Conflict]),
        Op::get(
            "/v1/admin/breakers",
            "list_breakers",
            "Circuit breakers: state, failure rate, next probe.",
        )
        .query::<breakers::BreakerListQuery>()
        .ok_json(200, "The breakers.", page::<breakers::BreakerView>),
        Op::get(
            "/v1/admin/events",
            "list_events",
            "The event log, newest first (oldest first after `after_id`).",
        )
        .query::<events::EventListQuery>()
        .numeric_cursor()
        .ok_json(200, "A page of events.", page::<events::EventView>),
        Op::get(
            "/v1/admin/events/stream",
            "event_stream",
            "Every tenant's events as server-sent events.",
        )
        .query::<events::EventStreamQuery>()
        .resumable()
        .ok(200, "The stream.", Content_::EventStream)
        .errors(&[E::RateLimited]),
        Op::get(
            "/v1/admin/jobs",
            "admin_list_jobs",
            "Jobs of any tenant, newest first.",
        )
        .query::<jobs::AdminJobListQuery>()
        .ok_json(200, "A page of jobs.", page::<jobs::JobView>)
        .errors(&[E::UnknownQueue]),
        Op::get(
            "/v1/admin/jobs/{id}",
            "admin_get_job",
            "A job of any tenant.",
        )
        .ok_json(200, "The job.", schema::<jobs::JobView>)
        .errors(&[E::NotFound]),
        Op::post(
            "/v1/admin/breakers/reset",
            "reset_breaker",
            "Close a connector's circuit breaker (audited first).",
        )
        .json(schema::<breakers::ResetBreakerRequest>)
        .reasoned()
        .ok_json(
            200,
            "The breaker after the reset.",
            page::<breakers::BreakerView>,
        )
        .errors(&[E::NotFound]),
        Op::get("/v1/admin/dlq", "list_dlq", "Dead jobs, newest first.")
            .query::<dlq::DlqListQuery>()
            .ok_json(200, "A page of dead jobs.", page::<jobs::JobView>)
            .errors(&[E::UnknownQueue]),
        Op::get(
            "/v1/admin/dlq/stats",
            "dlq_stats",
            "Per queue: depth and oldest age.",
        )
        .ok_json(200, "The queues.", schema::<dlq::DlqStatsResponse>),
        Op::post(
            "/v1/admin/dlq/replay",
            "replay_dlq",
            "Replay dead jobs by id or filter (attempts reset, history kept).",
        )
        .json(schema::<dlq::DlqActionRequest>)
        .reasoned()
        .ok_json(
            200,
            "What matched and was replayed.",
            schema::<dlq::DlqReplayResponse>,
        ),
        Op::post(
            "/v1/admin/dlq/purge",
            "purge_dlq",
            "Purge dead jobs by id or filter (payloads deleted, rows kept as `purged`).",
        )
        .json(schema::<dlq::DlqActionRequest>)
        .reasoned()
        .ok_json(
            200,
            "What matched and was purged.",
            schema::<dlq::DlqPurgeResponse>,
        ),
        Op::get(
            "/v1/admin/inbox",
            "list_inbox",
            "Webhook deliveries, newest first.",
        )
        .query::<inbox::InboxListQuery>()
        .ok_json(200, "A page of deliveries.", page::<inbox::InboxView>),
        Op::get(
            "/v1/admin/inbox/{id}",
            "get_inbox",
            "One delivery; with `payload=true` its raw body (needs `payloads.read`).",
        )
        .query::<crate::http::admin::ShowParams>()
        .ok_json(200, "The delivery.", schema::<inbox::InboxView>)
        .errors(&[E::NotFound]),
        Op::post(
            "/v1/admin/inbox/{id}/replay",
            "replay_inbox",
            "Run a delivery's routes again as a new webhook job.",
        )
        .json(schema::<inbox::InboxReplayRequest>)
        .reasoned()
        .ok_json(200, "The new job.", schema::<inbox::InboxReplayResponse>)
        .errors(&[E::NotFound, E::Conflict]),
        Op::get(
            "/v1/admin/traces/{trace_id}",
            "get_trace",
            "One trace: its deliveries, jobs with runs, and events (bounded).",
        )
        .ok_json(200, "The trace.", schema::<traces::TraceView>)
        .errors(&[E::NotFound]),
    ]
}

/// The whole document.
pub fn document() -> OpenApi {
    let mut schemas = Schemas::default();
    let mut paths = Paths::new();
    for op in operations() {
        let (path, method, operation) = build(op, &mut schemas);
        paths.add_path_operation(path, vec![method], operation);
    }
    // Query parameters refer to it, and `IntoParams` does not register what it refers to.
    schema::<api::list::Cursor>(&mut schemas);
    schema::<api::list::QueueName>(&mut schemas);
    schema::<api::list::JobStatusName>(&mut schemas);
    schema::<api::list::InboxStatusName>(&mut schemas);
    let mut components = Components::new();
    components.schemas = schemas.schemas;
    components.responses = schemas.responses;
    components.headers = BTreeMap::from([
        (
            REQUEST_ID_HEADER.to_owned(),
            RefOr::T(header(
                Type::String,
                "The request id: the caller's if sane (≤ 128 printable characters), else generated.",
            )),
        ),
        (
            RETRY_AFTER_HEADER.to_owned(),
            RefOr::T(header(
                Type::Integer,
                "Seconds to wait before trying again.",
            )),
        ),
    ]);
    components.security_schemes = security_schemes();
    let mut doc = OpenApi::new(
        Info::builder()
            .title("orchd")
            .version(env!("CARGO_PKG_VERSION"))
            .description(Some(
                "The orch integration orchestrator's HTTP API: the tenant API (`/v1/execute`, \
                 `/v1/jobs`, `/v1/events/stream`), token endpoints, Stripe webhook ingress, \
                 the operator API (`/v1/admin`) and the probes. Every error is \
                 `application/problem+json` (RFC 9457) with a stable `code`; every response \
                 carries `X-Request-Id`.",
            ))
            .build(),
        paths,
    );
    doc.components = Some(components);
    doc.tags = Some(
        [
            ("tenant", "The tenant API (tenant JWT)."),
            ("auth", "Tokens for tenants and operators."),
            ("webhooks", "Webhook ingress (`Stripe-Signature`)."),
            ("admin", "The operator API (operator JWT, RBAC)."),
            ("health", "Probes, metrics and this document."),
        ]
        .into_iter()
        .map(|(name, about)| {
            let mut tag = Tag::new(name);
            tag.description = Some(about.to_owned());
            tag
        })
        .collect(),
    );
    doc
}

fn security_schemes() -> BTreeMap<String, RefOr<SecurityScheme>> {
    let mut tenant = Http::new(HttpAuthScheme::Bearer);
    tenant.bearer_format = Some("JWT".to_owned());
    tenant.description = Some(
        "A tenant service's JWT: `aud` contains `orchd`, claim `tenant` (slug), `exp` and \
         `iat` required, `scope` space-separated from `execute`, `jobs:write`, `jobs:read`, \
         `events:read`; from an allow-listed issuer or `POST /v1/auth/token`. The requirement \
         of each operation names the scope it needs."
            .to_owned(),
    );
    let mut operator = Http::new(HttpAuthScheme::Bearer);
    operator.bearer_format = Some("JWT".to_owned());
    operator.description = Some(
        "An operator token (`aud` `orchd-operator`): exchange an operator API key \
         (`orch_op_…`) at `POST /v1/auth/operator/token`. The requirement of each operation \
         names the permission it needs (`orch_core::rbac`)."
            .to_owned(),
    );
    BTreeMap::from([
        (
            TENANT_SCHEME.to_owned(),
            RefOr::T(SecurityScheme::Http(tenant)),
        ),
        (
            OPERATOR_SCHEME.to_owned(),
            RefOr::T(SecurityScheme::Http(operator)),
        ),
    ])
}

/// The schemas and shared problem responses a document refers to, by name.
#[derive(Default)]
pub struct Schemas {
    schemas: BTreeMap<String, RefOr<Schema>>,
    responses: BTreeMap<String, RefOr<ApiResponse>>,
}

impl Schemas {
    fn insert(&mut self, name: Cow<'_, str>, schema: RefOr<Schema>) -> RefOr<Schema> {
        let reference = Ref::from_schema_name(name.as_ref());
        self.schemas.entry(name.into_owned()).or_insert(schema);
        RefOr::Ref(reference)
    }
}

fn schema<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    for (name, schema) in nested {
        schemas.insert(Cow::Owned(name), schema);
    }
    schemas.insert(T::name(), T::schema())
}

/// `Page<T>` as `<T>Page` (`items`, `next_cursor`).
fn page<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    let item = schema::<T>(schemas);
    let page = ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(item))
        .required("items")
        .property(
            "next_cursor",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some(
                    "Where the next page starts (`?cursor=`); null on the last page.",
                )),
        )
        .required("next_cursor");
    schemas.insert(Cow::Owned(format!("{}Page", T::name())), page.into())
}

fn any_object(_: &mut Schemas) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::Object).into()
}

fn http_method(method: &Method) -> HttpMethod {
    match *method {
        Method::POST => HttpMethod::Post,
        Method::DELETE => HttpMethod::Delete,
        Method::PUT => HttpMethod::Put,
        Method::PATCH => HttpMethod::Patch,
        _ => HttpMethod::Get,
    }
}

/// The permission the admin table gives a route.
fn permission(method: &Method, path: &str) -> Option<Permission> {
    ADMIN_ROUTES
        .iter()
        .find(|r| r.method == *method && r.path == path)
        .map(|r| r.permission)
}

fn build(op: Op, schemas: &mut Schemas) -> (&'static str, HttpMethod, Operation) {
    use ErrorCode as E;
    let mut errors = op.errors.clone();
    errors.extend([E::Internal, E::RequestTimeout, E::StorageUnavailable]);
    let mut operation = Operation::new();
    operation.operation_id = Some(op.id.to_owned());
    operation.summary = Some(op.summary.to_owned());
    operation.tags = Some(vec![op.tag.to_owned()]);

    // Path parameters: every `{name}` of the path, as text (the handler checks the shape).
    let mut parameters: Vec<Parameter> = op
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let mut schema = ObjectBuilder::new().schema_type(Type::String);
            // The shapes a handler checks before looking anything up (else 400).
            match name {
                "t" => schema = schema.pattern(Some(TENANT_PATTERN)),
                "trace_id" => schema = schema.pattern(Some("^(?!0{32}$)[0-9a-fA-F]{32}$")),
                _ => {}
            }
            Parameter::builder()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .build()
        })
        .collect();
    if op.path.contains("{t}") || op.path.contains("{trace_id}") {
        errors.push(E::ValidationFailed);
    }
    if !op.query.is_empty() {
        errors.push(E::ValidationFailed);
    }
    for mut param in op.query {
        // `limit` is clamped (1..=500), never refused: any u32 is accepted.
        if param.name == "limit" {
            param.schema = Some(RefOr::T(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0))
                    .maximum(Some(u32::MAX))
                    .description(Some("Page size, clamped to 1..=500 (default 50)."))
                    .into(),
            ));
        }
        let text = |pattern: Option<&str>, format: Option<&str>| {
            let mut schema = ObjectBuilder::new().schema_type(Type::String);
            schema = schema.pattern(pattern);
            if let Some(format) = format {
                schema = schema.format(Some(SchemaFormat::Custom(format.to_owned())));
            }
            Some(RefOr::T(schema.into()))
        };
        match param.name.as_str() {
            // A cursor is what the list handed out: its own shape, else 400.
            "cursor" => param.schema = text(Some(op.cursor_pattern), None),
            "since" | "until" => param.schema = text(None, Some("date-time")),
            "after_id" => {
                param.schema = Some(RefOr::T(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                        .minimum(Some(0))
                        .into(),
                ))
            }
            _ => {}
        }
        parameters.push(param);
    }
    if op.auth == Auth::Stripe {
        parameters.push(
            Parameter::builder()
                .name("Stripe-Signature")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some(
                    "`t=<unix>,v1=<hex HMAC-SHA256 of \"{t}.{raw body}\">[,v1=…]` with one of \
                     the tenant's signing secrets.",
                ))
                .build(),
        );
    }
    parameters.extend(op.headers);
    if !parameters.is_empty() {
        operation.parameters = Some(parameters.into_iter().map(RefOr::T).collect());
    }

    match op.body {
        Body::None => {}
        Body::Json(body) => {
            errors.extend([
                E::InvalidJson,
                E::ValidationFailed,
                E::PayloadTooLarge,
                E::UnsupportedMediaType,
            ]);
            operation.request_body = Some(
                RequestBody::builder()
                    .required(Some(Required::True))
                    .content("application/json", Content::new(Some(body(schemas))))
                    .build()
                    .into(),
            );
        }
        Body::JsonOrForm(body) => {
            errors.extend([E::InvalidJson, E::ValidationFailed, E::PayloadTooLarge]);
            let schema = body(schemas);
            operation.request_body = Some(
                RequestBody::builder()
                    .required(Some(Required::True))
                    .content("application/json", Content::new(Some(schema.clone())))
                    .content(
                        "application/x-www-form-urlencoded",
                        Content::new(Some(schema)),
                    )
                    .build()
                    .into(),
            );
        }
    }
    if op.auth == Auth::Stripe {
        // The provider's event JSON, verified byte for byte before it is parsed.
        operation.request_body = Some(
            RequestBody::builder()
                .required(Some(Required::True))
                .description(Some("The Stripe event, exactly as signed."))
                .content(
                    "application/json",
                    Content::new(Some(ObjectBuilder::new().schema_type(Type::Object))),
                )
                .build()
                .into(),
        );
    }

    match op.auth {
        Auth::Public | Auth::Stripe => {}
        Auth::Tenant(scope) => {
            errors.extend([E::Unauthenticated, E::InvalidAudience, E::InsufficientScope]);
            let scopes: Vec<&str> = scope.iter().map(|s| s.as_str()).collect();
            operation.security = Some(vec![SecurityRequirement::new(TENANT_SCHEME, scopes)]);
        }
        Auth::Operator => {
            errors.extend([E::Unauthenticated, E::InvalidAudience, E::Forbidden]);
            let needed = permission(&op.method, op.path)
                .filter(|p| *p != Permission::Any)
                .map(|p| vec![p.as_str()])
                .unwrap_or_default();
            operation.security = Some(vec![SecurityRequirement::new(OPERATOR_SCHEME, needed)]);
        }
    }

    let mut responses = BTreeMap::new();
    for (status, about, content) in op.ok {
        let mut response = ApiResponse::new(about);
        match content {
            Content_::Json(body) => {
                response.content.insert(
                    "application/json".to_owned(),
                    RefOr::T(Content::new(Some(body(schemas)))),
                );
            }
            Content_::Text(mime) => {
                response.content.insert(
                    mime.to_owned(),
                    RefOr::T(Content::new(Some(
                        ObjectBuilder::new().schema_type(Type::String),
                    ))),
                );
            }
            Content_::EventStream => {
                response.content.insert(
                    "text/event-stream".to_owned(),
                    RefOr::T(Content::new(Some(
                        ObjectBuilder::new().schema_type(Type::String).description(Some(
                            "`id: <event id>`, `event: <kind>`, `data: <Event JSON>` per event.",
                        )),
                    ))),
                );
            }
            Content_::Empty => {}
        }
        responses.insert(status, response);
    }
    // Problem responses: one per status, `code` narrowed to what this route can answer.
    let mut by_status: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
    for code in errors {
        let codes = by_status.entry(code.status()).or_default();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let problem = schema::<Problem>(schemas);
    let mut built = utoipa::openapi::ResponsesBuilder::new();
    for (status, codes) in by_status {
        let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        let narrowed = AllOfBuilder::new().item(problem.clone()).item(
            ObjectBuilder::new().property(
                "code",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(names.clone())),
            ),
        );
        let about = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut response = ApiResponse::new(about);
        response.content.insert(
            orch_core::problem::PROBLEM_CONTENT_TYPE.to_owned(),
            RefOr::T(Content::new(Some(narrowed))),
        );
        response
            .headers
            .insert(REQUEST_ID_HEADER.to_owned(), header_ref(REQUEST_ID_HEADER));
        if matches!(status, 429 | 503) {
            response.headers.insert(
                RETRY_AFTER_HEADER.to_owned(),
                header_ref(RETRY_AFTER_HEADER),
            );
        }
        if let Some(existing) = responses.get_mut(&status) {
            // A status with a success body too (`/readyz`'s 503): one response, both shapes.
            existing.content.extend(response.content);
            continue;
        }
        // Shared by every route with the same codes at this status.
        let name = format!("problem-{status}-{}", names.join("-"));
        schemas
            .responses
            .entry(name.clone())
            .or_insert(RefOr::T(response));
        built = built.response(
            status.to_string(),
            RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))),
        );
    }
    for (status, mut response) in responses {
        response
            .headers
            .insert(REQUEST_ID_HEADER.to_owned(), header_ref(REQUEST_ID_HEADER));
        built = built.response(status.to_string(), response);
    }
    operation.responses = built.build();
    (op.path, http_method(&op.method), operation)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::http::mounted_routes;

    fn described() -> BTreeSet<(String, String)> {
        let doc = serde_json::to_value(document()).unwrap();
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
        out
    }

    #[test]
    fn openapi_describes_every_mounted_route_and_no_other() {
        let mounted: BTreeSet<(String, String)> = mounted_routes()
            .map(|r| (r.method.to_string(), r.path.to_owned()))
            .collect();
        let described = described();
        let missing: Vec<_> = mounted.difference(&described).collect();
        assert!(
            missing.is_empty(),
            "mounted but not in /openapi.json: {missing:?}"
        );
        let extra: Vec<_> = described.difference(&mounted).collect();
        assert!(
            extra.is_empty(),
            "in /openapi.json but not mounted: {extra:?}"
        );
        assert!(
            !described.iter().any(|(_, p)| p.starts_with("/console")),
            "the console's HTML pages are not API"
        );
    }

    /// Every `$ref` names something the document holds.
    #[test]
    fn openapi_refs_resolve() {
        fn walk(value: &Value, doc: &Value, dangling: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(target)) = map.get("$ref") {
                        let pointer = target.trim_start_matches('#');
                        if doc.pointer(pointer).is_none() {
                            dangling.push(target.clone());
                        }
                    }
                    map.values().for_each(|v| walk(v, doc, dangling));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, doc, dangling)),
                _ => {}
            }
        }
        let doc = serde_json::to_value(document()).unwrap();
        let mut dangling = Vec::new();
        walk(&doc, &doc, &mut dangling);
        assert!(dangling.is_empty(), "dangling refs: {dangling:?}");
    }

    #[test]
    fn openapi_operation_ids_are_unique() {
        let mut seen = BTreeSet::new();
        for op in operations() {
            assert!(seen.insert(op.id), "duplicate operation id {}", op.id);
        }
    }
}

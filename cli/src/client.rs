//! The typed HTTP client of the operator API — the only HTTP code in `orchctl`.
//!
//! Every request carries a fresh `X-Request-Id` and, once authenticated, the operator token
//! as a bearer token. Every non-2xx answer becomes [`ClientError::Status`] holding the
//! server's problem document (or, if the body is not one, the status and body text); a
//! server that cannot be reached in time is [`ClientError::Unavailable`]. The bodies are the
//! DTOs of `orch_core::api`, shared with `orchd`.
//!
//! Redirects are never followed: a 307/308 would replay the request — the API key of a
//! token exchange, the bearer token — to whatever address the answer names. A 3xx answer is
//! [`ClientError::Redirected`] instead, naming where the server pointed, so the operator
//! can decide whether that is the server to use (and log in to it).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use orch_core::api::audit::{AuditHead, AuditListQuery, AuditVerifyResponse};
use orch_core::api::auth::{OperatorTokenRequest, OperatorTokenResponse, WhoAmI};
use orch_core::api::breakers::{BreakerListQuery, BreakerView, ResetBreakerRequest};
use orch_core::api::clients::{ClientView, CreateClientRequest, IssuedClient};
use orch_core::api::config::{
    ActivateConfigRequest, ActiveConfigView, ApplyConfigRequest, ApplyConfigResponse,
    ConfigDiffView, ConfigPointerView, ConfigVersionView, PointerMoveView, RollbackConfigRequest,
};
use orch_core::api::dlq::{
    DlqActionRequest, DlqListQuery, DlqPurgeResponse, DlqReplayResponse, DlqStatsResponse,
};
use orch_core::api::events::{EventListQuery, EventStreamQuery, EventView};
use orch_core::api::impersonations::{
    ImpersonationListQuery, ImpersonationView, StartImpersonationRequest, StartedImpersonation,
};
use orch_core::api::inbox::{InboxListQuery, InboxReplayRequest, InboxReplayResponse, InboxView};
use orch_core::api::jobs::{AdminJobListQuery, JobView};
use orch_core::api::list::{Cursor, Page, PageQuery, query_pairs};
use orch_core::api::operators::{
    CreateOperatorRequest, IssuedOperatorKey, OperatorView, ReasonRequest,
};
use orch_core::api::sse::{SseMessage, SseParser};
use orch_core::api::traces::TraceView;
use orch_core::audit::AuditRecord;
use orch_core::problem::Problem;
use orch_core::request_id::generate_request_id;
use orch_core::tenant::TenantSlug;
use reqwest::header::{ACCEPT, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// The header orchd reads (and echoes) the request id from.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// How long to wait for a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take in all, headers and body.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How much of a non-problem error body is kept for the message.
const MAX_BODY_SHOWN: usize = 500;
/// An event stream with nothing to read for this long is taken for dead (the server sends
/// a keep-alive comment every 15 s).
const STREAM_READ_TIMEOUT: Duration = Duration::from_secs(45);

/// Installs rustls' ring crypto provider as the process default, once; later calls (and a
/// provider installed by someone else first) are fine. reqwest is built without a provider
/// of its own, so this must run before the first [`Client`] is built.
pub fn install_crypto_provider() {
    // An Err only says a provider is installed already, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// orchd answered with a non-2xx status.
    #[error("{0}")]
    Status(Box<ErrorResponse>),
    /// The server could not be reached, or did not answer in time.
    #[error("{0}")]
    Unavailable(String),
    /// The server URL is not an `http`/`https` URL.
    #[error("{0}")]
    InvalidServer(String),
    /// The server answered with a redirect, which is not followed (it could carry the
    /// credentials elsewhere).
    #[error("{0}")]
    Redirected(String),
    /// The request could not be built, or a 2xx body is not what the API promises.
    #[error("{0}")]
    Unexpected(String),
}

/// A non-2xx answer of orchd.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `application/problem+json` body, when the body is one.
    pub problem: Option<Problem>,
    /// The body text when it is not a problem document (empty otherwise).
    pub body: String,
    /// The request id: the problem's, else the echoed header, else the one we sent.
    pub request_id: String,
}

impl fmt::Display for ErrorResponse {
    /// The problem's title, detail, `code` and `request_id`, nothing else.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Some(problem) => {
                f.write_str(&problem.title)?;
                if let Some(detail) = problem.detail.as_deref().filter(|d| !d.is_empty()) {
                    write!(f, ": {detail}")?;
                }
                write!(f, "\n  code: {}", problem.code)?;
            }
            None => {
                write!(f, "HTTP {}", self.status)?;
                let body = self.body.trim();
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
            }
        }
        write!(f, "\n  request_id: {}", self.request_id)
    }
}

/// Where `-v` collects one line per request (method, path, status, time, request id); the
/// command prints them on stderr when it ends. Disabled, it records nothing.
#[derive(Clone, Debug, Default)]
pub struct VerboseLog(Option<Arc<Mutex<Vec<String>>>>);

impl VerboseLog {
    /// A log that records when `enabled` (the `-v` flag).
    pub fn new(enabled: bool) -> VerboseLog {
        VerboseLog(enabled.then(Arc::default))
    }

    fn push(&self, line: String) {
        if let Some(lines) = &self.0 {
            lines
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(line);
        }
    }

    /// Takes the lines recorded so far.
    pub fn drain(&self) -> Vec<String> {
        match &self.0 {
            Some(lines) => {
                std::mem::take(&mut *lines.lock().unwrap_or_else(PoisonError::into_inner))
            }
            None => Vec::new(),
        }
    }
}

/// An operator bearer token; never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// Query parameters as sent: name, value.
type Query = Vec<(String, String)>;

/// The parameters of a query type of `orch_core::api` (each list's `…ListQuery`): the
/// encoding orchd's decoder is tested against.
fn query<Q: Serialize>(query: &Q) -> Result<Query, ClientError> {
    query_pairs(query).map_err(|e| ClientError::Unexpected(e.to_string()))
}

/// `?cursor=` alone, for the lists whose only parameter orchctl uses is the cursor.
fn cursor_query(cursor: Option<&Cursor>) -> Result<Query, ClientError> {
    query(&PageQuery {
        cursor: cursor.cloned(),
        limit: None,
    })
}

/// An open `text/event-stream` response.
pub struct EventStream {
    response: reqwest::Response,
    parser: SseParser,
    ready: std::collections::VecDeque<SseMessage>,
    server: String,
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("server", &self.server)
            .field("last_id", &self.parser.last_id())
            .finish_non_exhaustive()
    }
}

impl EventStream {
    /// The next event; `Ok(None)` when the server ended the stream, `Unavailable` when the
    /// connection broke or went silent.
    pub async fn next(&mut self) -> Result<Option<SseMessage>, ClientError> {
        loop {
            if let Some(message) = self.ready.pop_front() {
                return Ok(Some(message));
            }
            match self.response.chunk().await {
                Ok(Some(bytes)) => self.ready.extend(self.parser.push(&bytes)),
                Ok(None) => return Ok(None),
                Err(err) => {
                    return Err(ClientError::Unavailable(format!(
                        "the event stream from {} broke: {}",
                        self.server,
                        root_cause(&err)
                    )));
                }
            }
        }
    }

    /// The last event id the server sent (the `Last-Event-ID` to resume with).
    pub fn last_id(&self) -> Option<&str> {
        self.parser.last_id()
    }
}

/// A client of one orchd server, optionally authenticated as an operator.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<Token>,
    log: VerboseLog,
}

impl Client {
    /// A client of `server` (an `http` or `https` base URL, possibly with a path prefix).
    /// Needs [`install_crypto_provider`] to have run.
    pub fn new(server: &str, log: VerboseLog) -> Result<Client, ClientError> {
        let base = parse_server(server)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // Following a redirect would resend the body (an API key) and headers to
            // another address; a 3xx is reported instead (see `redirect_error`).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ClientError::Unexpected(format!("cannot set up HTTP: {e}")))?;
        Ok(Client {
            http,
            base,
            token: None,
            log,
        })
    }

    /// The same client, sending `token` as its bearer token.
    pub fn with_token(mut self, token: String) -> Client {
        self.token = Some(Token(token));
        self
    }

    /// The server's base URL, as normalised (with a trailing `/`).
    pub fn server(&self) -> &str {
        self.base.as_str()
    }

    /// `POST /v1/auth/operator/token`: exchanges an operator API key for a short-lived token.
    pub async fn operator_token(
        &self,
        api_key: &str,
    ) -> Result<OperatorTokenResponse, ClientError> {
        let body = OperatorTokenRequest {
            api_key: api_key.to_owned(),
        };
        self.send(Method::POST, "v1/auth/operator/token", &[], Some(&body))
            .await
    }

    /// `GET /v1/admin/whoami`.
    pub async fn whoami(&self) -> Result<WhoAmI, ClientError> {
        self.send(Method::GET, "v1/admin/whoami", &[], None::<&()>)
            .await
    }

    /// `POST /v1/admin/operators`: the new operator and its API key (shown once).
    pub async fn create_operator(
        &self,
        request: &CreateOperatorRequest,
    ) -> Result<IssuedOperatorKey, ClientError> {
        self.send(Method::POST, "v1/admin/operators", &[], Some(request))
            .await
    }

    /// `GET /v1/admin/operators`, one page.
    pub async fn list_operators(
        &self,
        cursor: Option<&Cursor>,
    ) -> Result<Page<OperatorView>, ClientError> {
        let query = cursor_query(cursor)?;
        self.send(Method::GET, "v1/admin/operators", &query, None::<&()>)
            .await
    }

    /// `POST /v1/admin/operators/{id}/disable`.
    pub async fn disable_operator(
        &self,
        id: Uuid,
        reason: &str,
    ) -> Result<OperatorView, ClientError> {
        let body = ReasonRequest {
            reason: reason.to_owned(),
        };
        let path = format!("v1/admin/operators/{id}/disable");
        self.send(Method::POST, &path, &[], Some(&body)).await
    }

    /// `POST /v1/admin/operators/{id}/keys`: a new API key (shown once); older keys are revoked.
    pub async fn rotate_operator_key(
        &self,
        id: Uuid,
        reason: &str,
    ) -> Result<IssuedOperatorKey, ClientError> {
        let body = ReasonRequest {
            reason: reason.to_owned(),
        };
        let path = format!("v1/admin/operators/{id}/keys");
        self.send(Method::POST, &path, &[], Some(&body)).await
    }

    /// `GET /v1/admin/audit`, one page, newest first.
    pub async fn list_audit(&self, q: &AuditListQuery) -> Result<Page<AuditRecord>, ClientError> {
        self.send(Method::GET, "v1/admin/audit", &query(q)?, None::<&()>)
            .await
    }

    /// `GET /v1/admin/audit/verify`: checks the audit log's hash chain under the server's
    /// audit key and, with `expect_head` (`<count>:<hash>`), that the chain still holds that
    /// anchor.
    pub async fn verify_audit(
        &self,
        expect_head: Option<&str>,
    ) -> Result<AuditVerifyResponse, ClientError> {
        let query: Query = expect_head
            .map(|anchor| ("expect_head".to_owned(), anchor.to_owned()))
            .into_iter()
            .collect();
        self.send(Method::GET, "v1/admin/audit/verify", &query, None::<&()>)
            .await
    }

    /// `GET /v1/admin/audit/head`: the newest row's position and seal, with their MAC.
    pub async fn audit_head(&self) -> Result<AuditHead, ClientError> {
        self.send(Method::GET, "v1/admin/audit/head", &[], None::<&()>)
            .await
    }

    /// `POST /v1/admin/tenants/{t}/clients`: the new client and its secret (shown once).
    pub async fn create_client(
        &self,
        tenant: &TenantSlug,
        request: &CreateClientRequest,
    ) -> Result<IssuedClient, ClientError> {
        let path = format!("v1/admin/tenants/{tenant}/clients");
        self.send(Method::POST, &path, &[], Some(request)).await
    }

    /// `GET /v1/admin/tenants/{t}/clients`, one page (never the secrets).
    pub async fn list_clients(
        &self,
        tenant: &TenantSlug,
        cursor: Option<&Cursor>,
    ) -> Result<Page<ClientView>, ClientError> {
        let query = cursor_query(cursor)?;
        let path = format!("v1/admin/tenants/{tenant}/clients");
        self.send(Method::GET, &path, &query, None::<&()>).await
    }

    /// `DELETE /v1/admin/tenants/{t}/clients/{id}` (204, no body).
    pub async fn delete_client(
        &self,
        tenant: &TenantSlug,
        id: Uuid,
        reason: &str,
    ) -> Result<(), ClientError> {
        let body = ReasonRequest {
            reason: reason.to_owned(),
        };
        let path = format!("v1/admin/tenants/{tenant}/clients/{id}");
        self.send_no_content(Method::DELETE, &path, Some(&body))
            .await
    }

    /// `POST /v1/admin/impersonations`: the impersonation and its tenant token.
    pub async fn start_impersonation(
        &self,
        request: &StartImpersonationRequest,
    ) -> Result<StartedImpersonation, ClientError> {
        self.send(Method::POST, "v1/admin/impersonations", &[], Some(request))
            .await
    }

    /// `DELETE /v1/admin/impersonations/{id}`: the stopped impersonation.
    pub async fn stop_impersonation(
        &self,
        id: Uuid,
        reason: &str,
    ) -> Result<ImpersonationView, ClientError> {
        let body = ReasonRequest {
            reason: reason.to_owned(),
        };
        let path = format!("v1/admin/impersonations/{id}");
        self.send(Method::DELETE, &path, &[], Some(&body)).await
    }

    /// `GET /v1/admin/impersonations`, newest first.
    pub async fn list_impersonations(
        &self,
        q: &ImpersonationListQuery,
    ) -> Result<Page<ImpersonationView>, ClientError> {
        self.send(
            Method::GET,
            "v1/admin/impersonations",
            &query(q)?,
            None::<&()>,
        )
        .await
    }

    /// `GET /v1/admin/breakers`: the circuit breakers the answering node knows (one page,
    /// never a `next_cursor`).
    pub async fn list_breakers(
        &self,
        q: &BreakerListQuery,
    ) -> Result<Page<BreakerView>, ClientError> {
        self.send(Method::GET, "v1/admin/breakers", &query(q)?, None::<&()>)
            .await
    }

    /// `POST /v1/admin/breakers/reset`: closes a breaker on every node; the answering node's
    /// view of it afterwards (no items when that node has not called the connector yet).
    pub async fn reset_breaker(
        &self,
        request: &ResetBreakerRequest,
    ) -> Result<Page<BreakerView>, ClientError> {
        self.send(Method::POST, "v1/admin/breakers/reset", &[], Some(request))
            .await
    }

    /// `GET /v1/admin/jobs/{id}`: one job of any tenant, with its runs.
    pub async fn get_job(&self, id: Uuid) -> Result<JobView, ClientError> {
        let path = format!("v1/admin/jobs/{id}");
        self.send(Method::GET, &path, &[], None::<&()>).await
    }

    /// `GET /v1/admin/jobs`, one page, newest first.
    pub async fn list_jobs(&self, q: &AdminJobListQuery) -> Result<Page<JobView>, ClientError> {
        self.send(Method::GET, "v1/admin/jobs", &query(q)?, None::<&()>)
            .await
    }

    /// `GET /v1/admin/dlq`: one page of dead jobs, newest first.
    pub async fn list_dlq(&self, q: &DlqListQuery) -> Result<Page<JobView>, ClientError> {
        self.send(Method::GET, "v1/admin/dlq", &query(q)?, None::<&()>)
            .await
    }

    /// `GET /v1/admin/dlq/stats`: the depth and oldest dead job of each queue.
    pub async fn dlq_stats(&self) -> Result<DlqStatsResponse, ClientError> {
        self.send(Method::GET, "v1/admin/dlq/stats", &[], None::<&()>)
            .await
    }

    /// `POST /v1/admin/dlq/replay`: queues dead jobs again (or, with `dry_run`, counts them).
    pub async fn replay_dlq(
        &self,
        request: &DlqActionRequest,
    ) -> Result<DlqReplayResponse, ClientError> {
        self.send(Method::POST, "v1/admin/dlq/replay", &[], Some(request))
            .await
    }

    /// `POST /v1/admin/dlq/purge`: deletes dead jobs' payloads (or, with `dry_run`, counts
    /// them).
    pub async fn purge_dlq(
        &self,
        request: &DlqActionRequest,
    ) -> Result<DlqPurgeResponse, ClientError> {
        self.send(Method::POST, "v1/admin/dlq/purge", &[], Some(request))
            .await
    }

    /// `GET /v1/admin/inbox`: one page of inbox rows, newest first.
    pub async fn list_inbox(&self, q: &InboxListQuery) -> Result<Page<InboxView>, ClientError> {
        self.send(Method::GET, "v1/admin/inbox", &query(q)?, None::<&()>)
            .await
    }

    /// `GET /v1/admin/inbox/{id}`, with the raw payload when `payload` (roles that may read
    /// payload bodies only).
    pub async fn get_inbox(&self, id: Uuid, payload: bool) -> Result<InboxView, ClientError> {
        let path = format!("v1/admin/inbox/{id}");
        let query: Query = if payload {
            vec![("payload".to_owned(), "true".to_owned())]
        } else {
            Vec::new()
        };
        self.send(Method::GET, &path, &query, None::<&()>).await
    }

    /// `GET /v1/admin/traces/{trace_id}`: the trace's deliveries, jobs with their runs, and
    /// events, as orchd assembles them (bounded; `truncated` says when it was cut).
    pub async fn get_trace(&self, trace_id: &str) -> Result<TraceView, ClientError> {
        let path = format!("v1/admin/traces/{trace_id}");
        self.send(Method::GET, &path, &[], None::<&()>).await
    }

    /// `POST /v1/admin/inbox/{id}/replay`: a new webhook job for the row.
    pub async fn replay_inbox(
        &self,
        id: Uuid,
        request: &InboxReplayRequest,
    ) -> Result<InboxReplayResponse, ClientError> {
        let path = format!("v1/admin/inbox/{id}/replay");
        self.send(Method::POST, &path, &[], Some(request)).await
    }

    /// `POST /v1/admin/tenants/{t}/config`: stores the document as a new version (201), or
    /// answers with the newest version when the content equals it (200); with `dry_run`,
    /// validates and diffs against the active version and stores nothing.
    pub async fn apply_config(
        &self,
        tenant: &TenantSlug,
        request: &ApplyConfigRequest,
    ) -> Result<ApplyConfigResponse, ClientError> {
        let path = format!("v1/admin/tenants/{tenant}/config");
        self.send(Method::POST, &path, &[], Some(request)).await
    }

    /// `GET /v1/admin/tenants/{t}/config`: the active version with its document (404 when
    /// no version is active).
    pub async fn active_config(
        &self,
        tenant: &TenantSlug,
    ) -> Result<ActiveConfigView, ClientError> {
        let path = format!("v1/admin/tenants/{tenant}/config");
        self.send(Method::GET, &path, &[], None::<&()>).await
    }

    /// `GET /v1/admin/tenants/{t}/config/versions`, one page, newest first (no documents).
    pub async fn config_versions(
        &self,
        tenant: &TenantSlug,
        cursor: Option<&Cursor>,
    ) -> Result<Page<ConfigVersionView>, ClientError> {
        let query = cursor_query(cursor)?;
        let path = format!("v1/admin/tenants/{tenant}/config/versions");
        self.send(Method::GET, &path, &query, None::<&()>).await
    }

    /// `GET /v1/admin/tenants/{t}/config/versions/{n}`: one version with its document.
    pub async fn config_version(
        &self,
        tenant: &TenantSlug,
        version: i32,
    ) -> Result<ConfigVersionView, ClientError> {
        let path = format!("v1/admin/tenants/{tenant}/config/versions/{version}");
        self.send(Method::GET, &path, &[], None::<&()>).await
    }

    /// `GET /v1/admin/tenants/{t}/config/diff?from=&to=`: the diff between two stored versions.
    pub async fn config_diff(
        &self,
        tenant: &TenantSlug,
        from: i32,
        to: i32,
    ) -> Result<ConfigDiffView, ClientError> {
        let query = [
            ("from".to_owned(), from.to_string()),
            ("to".to_owned(), to.to_string()),
        ];
        let path = format!("v1/admin/tenants/{tenant}/config/diff");
        self.send(Method::GET, &path, &query, None::<&()>).await
    }

    /// `GET /v1/admin/tenants/{t}/config/history`: the moves of the active-version pointer,
    /// newest first.
    pub async fn config_history(
        &self,
        tenant: &TenantSlug,
    ) -> Result<Page<PointerMoveView>, ClientError> {
        let path = format!("v1/admin/tenants/{tenant}/config/history");
        self.send(Method::GET, &path, &[], None::<&()>).await
    }

    /// `POST /v1/admin/tenants/{t}/config/activate`: the pointer after the move.
    pub async fn activate_config(
        &self,
        tenant: &TenantSlug,
        request: &ActivateConfigRequest,
    ) -> Result<ConfigPointerView, ClientError> {
        let path = format!("v1/admin/tenants/{tenant}/config/activate");
        self.send(Method::POST, &path, &[], Some(request)).await
    }

    /// `POST /v1/admin/tenants/{t}/config/rollback`: the pointer after the move (409 when
    /// there is nowhere to roll back to).
    pub async fn rollback_config(
        &self,
        tenant: &TenantSlug,
        request: &RollbackConfigRequest,
    ) -> Result<ConfigPointerView, ClientError> {
        let path = format!("v1/admin/tenants/{tenant}/config/rollback");
        self.send(Method::POST, &path, &[], Some(request)).await
    }

    /// `GET /v1/admin/events`, one page (newest first, or oldest first after `after_id`).
    pub async fn list_events(&self, q: &EventListQuery) -> Result<Page<EventView>, ClientError> {
        self.send(Method::GET, "v1/admin/events", &query(q)?, None::<&()>)
            .await
    }

    /// Opens `GET /v1/admin/events/stream`, resuming after `last_event_id` when given. The
    /// stream has no overall deadline; a connection silent for 45 s counts as broken.
    pub async fn open_event_stream(
        &self,
        q: &EventStreamQuery,
        last_event_id: Option<&str>,
    ) -> Result<EventStream, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(STREAM_READ_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ClientError::Unexpected(format!("cannot set up HTTP: {e}")))?;
        let path = "v1/admin/events/stream";
        let (mut request, request_id) = self.request(&http, Method::GET, path, &query(q)?)?;
        request = request.header(ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let shown = format!("GET /{path}");
        let started = Instant::now();
        let response = request.send().await.map_err(|e| self.transport_error(&e));
        let elapsed = started.elapsed().as_millis();
        let response = match response {
            Ok(response) => response,
            Err(err) => {
                self.log.push(format!(
                    "{shown} -> failed after {elapsed} ms (request id {request_id})"
                ));
                return Err(err);
            }
        };
        let status = response.status().as_u16();
        self.log.push(format!(
            "{shown} -> {status} in {elapsed} ms (request id {request_id})"
        ));
        if (300..400).contains(&status) {
            let location = location_of(response.headers());
            return Err(self.redirect_error(&shown, status, location.as_deref()));
        }
        if !(200..300).contains(&status) {
            let echoed = response
                .headers()
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response.bytes().await.unwrap_or_default();
            return Err(ClientError::Status(Box::new(error_response(
                status,
                &body,
                echoed.unwrap_or(request_id),
            ))));
        }
        Ok(EventStream {
            response,
            parser: SseParser::new(),
            ready: std::collections::VecDeque::new(),
            server: self.base.as_str().trim_end_matches('/').to_owned(),
        })
    }

    /// `POST` of a signed webhook delivery (`path` below the server, e.g.
    /// `webhooks/stripe/acme`): `body` is sent byte for byte with its `Stripe-Signature`.
    /// No operator token is sent. The 2xx body is returned as JSON.
    pub async fn post_webhook(
        &self,
        path: &str,
        signature: &str,
        body: Vec<u8>,
    ) -> Result<serde_json::Value, ClientError> {
        let unauthenticated = Client {
            token: None,
            ..self.clone()
        };
        let (request, request_id) = unauthenticated.request(&self.http, Method::POST, path, &[])?;
        let request = request
            .header(ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(orch_core::webhooks::stripe::HEADER, signature)
            .body(body);
        let success = unauthenticated
            .finish(request, format!("POST /{path}"), request_id)
            .await?;
        if success.body.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&success.body).map_err(|e| {
            ClientError::Unexpected(format!(
                "unexpected response to {} (request id {}): {e}",
                success.shown, success.request_id
            ))
        })
    }

    /// Sends one request and decodes a 2xx JSON body as `T`.
    async fn send<T, B>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&B>,
    ) -> Result<T, ClientError>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        let success = self.call(method, path, query, body).await?;
        serde_json::from_slice(&success.body).map_err(|e| {
            ClientError::Unexpected(format!(
                "unexpected response to {} (request id {}): {e}",
                success.shown, success.request_id
            ))
        })
    }

    /// Sends one request whose 2xx answer has no body worth reading (e.g. 204).
    async fn send_no_content<B>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ClientError>
    where
        B: Serialize + ?Sized,
    {
        self.call(method, path, &[], body).await.map(|_| ())
    }

    /// Sends one request and logs it; a non-2xx answer is [`ClientError::Status`].
    async fn call<B>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&B>,
    ) -> Result<Success, ClientError>
    where
        B: Serialize + ?Sized,
    {
        let (mut request, request_id) = self.request(&self.http, method.clone(), path, query)?;
        request = request.header(ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        self.finish(request, format!("{method} /{path}"), request_id)
            .await
    }

    /// A request to `path` with a fresh request id, the user agent and, when authenticated,
    /// the bearer token (marked sensitive).
    fn request(
        &self,
        http: &reqwest::Client,
        method: Method,
        path: &str,
        query: &[(String, String)],
    ) -> Result<(reqwest::RequestBuilder, String), ClientError> {
        let mut url = self.base.join(path).map_err(|e| {
            ClientError::Unexpected(format!("cannot build the URL for {path}: {e}"))
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let request_id = generate_request_id();
        let mut request = http
            .request(method, url)
            .header(REQUEST_ID_HEADER, &request_id)
            .header(USER_AGENT, concat!("orchctl/", env!("CARGO_PKG_VERSION")));
        if let Some(Token(token)) = &self.token {
            let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                ClientError::Unexpected("the operator token is not a valid header value".into())
            })?;
            value.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        Ok((request, request_id))
    }

    /// Sends a built request, logs it, and reads the whole answer; a non-2xx answer is
    /// [`ClientError::Status`].
    async fn finish(
        &self,
        request: reqwest::RequestBuilder,
        shown: String,
        request_id: String,
    ) -> Result<Success, ClientError> {
        let started = Instant::now();
        let outcome = self.exchange(request).await;
        let elapsed = started.elapsed().as_millis();
        match &outcome {
            Ok(Answer { status, .. }) => self.log.push(format!(
                "{shown} -> {status} in {elapsed} ms (request id {request_id})"
            )),
            Err(_) => self.log.push(format!(
                "{shown} -> failed after {elapsed} ms (request id {request_id})"
            )),
        }
        let answer = outcome?;
        if (300..400).contains(&answer.status) {
            return Err(self.redirect_error(&shown, answer.status, answer.location.as_deref()));
        }
        if (200..300).contains(&answer.status) {
            Ok(Success {
                body: answer.body,
                shown,
                request_id,
            })
        } else {
            let request_id = answer.echoed_request_id.unwrap_or(request_id);
            Err(ClientError::Status(Box::new(error_response(
                answer.status,
                &answer.body,
                request_id,
            ))))
        }
    }

    /// Sends the request and reads the whole body; transport failures are `Unavailable`.
    async fn exchange(&self, request: reqwest::RequestBuilder) -> Result<Answer, ClientError> {
        let response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status().as_u16();
        let echoed_request_id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let location = location_of(response.headers());
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e))?
            .to_vec();
        Ok(Answer {
            status,
            echoed_request_id,
            location,
            body,
        })
    }

    /// A 3xx answer as an error that says where the server pointed and why orchctl did
    /// not go there.
    fn redirect_error(&self, shown: &str, status: u16, location: Option<&str>) -> ClientError {
        let server = self.base.as_str().trim_end_matches('/');
        let target = match location {
            Some(location) => format!(" to {location}"),
            None => String::new(),
        };
        ClientError::Redirected(format!(
            "{server} answered {shown} with a redirect (HTTP {status}){target}; orchctl does \
             not follow redirects, so credentials never go to an address you did not name. \
             If that is the right server, use it as --server (and `orchctl login` to it)"
        ))
    }

    fn transport_error(&self, err: &reqwest::Error) -> ClientError {
        let server = self.base.as_str().trim_end_matches('/');
        if err.is_builder() {
            return ClientError::Unexpected(format!(
                "cannot build the request: {}",
                root_cause(err)
            ));
        }
        if err.is_timeout() {
            let what = if err.is_connect() {
                "did not accept a connection"
            } else {
                "did not answer"
            };
            return ClientError::Unavailable(format!("{server} {what} in time"));
        }
        if err.is_connect() {
            return ClientError::Unavailable(format!(
                "cannot connect to {server}: {}",
                root_cause(err)
            ));
        }
        ClientError::Unavailable(format!("request to {server} failed: {}", root_cause(err)))
    }
}

/// What came back: the status, the echoed `X-Request-Id`, the `Location` of a redirect and
/// the whole body.
struct Answer {
    status: u16,
    echoed_request_id: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
}

/// The `Location` header, for the message of a redirect (cut short: it is the server's text).
fn location_of(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(MAX_BODY_SHOWN).collect())
}

/// A 2xx answer: its body, and what to name the request by in messages.
struct Success {
    body: Vec<u8>,
    /// `METHOD /path`.
    shown: String,
    request_id: String,
}

/// The innermost error's message, e.g. `Connection refused (os error 111)`.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// A non-2xx answer: the problem document if the body is one, else the status and text.
/// `request_id` (the echoed or sent one) stands in when the problem names none.
fn error_response(status: u16, bytes: &[u8], request_id: String) -> ErrorResponse {
    match serde_json::from_slice::<Problem>(bytes) {
        Ok(problem) => ErrorResponse {
            status,
            request_id: problem.request_id.clone().unwrap_or(request_id),
            problem: Some(problem),
            body: String::new(),
        },
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            let body: String = text.chars().take(MAX_BODY_SHOWN).collect();
            ErrorResponse {
                status,
                problem: None,
                body,
                request_id,
            }
        }
    }
}

/// Parses a server base URL: `http` or `https`, no query, always ending in `/` so request
/// paths join below any path prefix.
pub fn parse_server(server: &str) -> Result<Url, ClientError> {
    let trimmed = server.trim();
    let mut url = Url::parse(trimmed).map_err(|e| {
        ClientError::InvalidServer(format!(
            "invalid server URL {trimmed:?}: {e} (expected e.g. https://orch.example.com)"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ClientError::InvalidServer(format!(
            "invalid server URL {trimmed:?}: expected an http:// or https:// URL"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ClientError::InvalidServer(format!(
            "invalid server URL {trimmed:?}: a server URL has no query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::InvalidServer(
            "invalid server URL: credentials do not belong in the URL; use orchctl login".into(),
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Whether two server URLs name the same server: the same scheme, host, port (explicit or
/// the scheme's default) and path prefix once normalised by [`parse_server`]. A context's
/// credentials go only to a server for which this holds with the context's own URL; anything
/// that does not parse is never the same server.
pub fn same_server(a: &str, b: &str) -> bool {
    match (parse_server(a), parse_server(b)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host() == b.host()
                && a.port_or_known_default() == b.port_or_known_default()
                && a.path() == b.path()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use orch_core::problem::{ErrorCode, Problem};

    use super::*;

    #[test]
    fn server_urls_are_normalised_and_checked() {
        assert_eq!(
            parse_server("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            parse_server("https://ops.example/orch").unwrap().as_str(),
            "https://ops.example/orch/"
        );
        let joined = parse_server("https://ops.example/orch")
            .unwrap()
            .join("v1/admin/whoami")
            .unwrap();
        assert_eq!(joined.as_str(), "https://ops.example/orch/v1/admin/whoami");
        for bad in [
            "",
            "orch.example",
            "ftp://orch.example",
            "https://orch.example/?x=1",
            "https://user:pw@orch.example",
        ] {
            assert!(
                matches!(parse_server(bad), Err(ClientError::InvalidServer(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn same_server_compares_scheme_host_port_and_path() {
        let same = [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
            ("https://Orch.Example", "https://orch.example:443/"),
            ("http://orch.example", "http://orch.example:80"),
            ("https://ops.example/orch", "https://ops.example/orch/"),
            (" https://ops.example/orch/ ", "https://ops.example/orch"),
        ];
        for (a, b) in same {
            assert!(same_server(a, b), "{a} = {b}");
        }
        let different = [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8081"),
            ("http://orch.example", "https://orch.example"),
            ("https://orch.example", "https://orch.example.evil"),
            ("https://orch.example", "https://evil.example"),
            ("https://ops.example/orch", "https://ops.example/"),
            ("https://ops.example/orch", "https://ops.example/orch/other"),
            ("https://ops.example/orch", "https://ops.example/orchx"),
            ("http://localhost:8080", "http://127.0.0.1:8080"),
            ("not a url", "not a url"),
        ];
        for (a, b) in different {
            assert!(!same_server(a, b), "{a} != {b}");
        }
    }

    #[test]
    fn problem_bodies_are_parsed_and_others_kept_as_text() {
        let mut problem = Problem::new(ErrorCode::Conflict, "name taken");
        problem.request_id = Some("from-server".into());
        let bytes = serde_json::to_vec(&problem).unwrap();
        let parsed = error_response(409, &bytes, "sent".into());
        assert_eq!(parsed.problem.as_ref().unwrap().code, "conflict");
        assert_eq!(parsed.request_id, "from-server");
        assert_eq!(
            parsed.to_string(),
            "Conflict: name taken\n  code: conflict\n  request_id: from-server"
        );

        let gateway = error_response(502, b"<html>Bad gateway</html>", "sent".into());
        assert!(gateway.problem.is_none());
        assert_eq!(gateway.request_id, "sent");
        assert_eq!(
            gateway.to_string(),
            "HTTP 502: <html>Bad gateway</html>\n  request_id: sent"
        );
        let long = error_response(500, "x".repeat(10_000).as_bytes(), "sent".into());
        assert_eq!(long.body.len(), MAX_BODY_SHOWN);
    }

    /// The pairs `query` sends, for comparing with a literal list.
    fn sent<Q: Serialize>(q: &Q) -> Vec<(String, String)> {
        query(q).unwrap()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn audit_query_sends_only_the_given_filters() {
        let query = AuditListQuery {
            operator: Some("alice".into()),
            limit: Some(10),
            ..AuditListQuery::default()
        };
        assert_eq!(
            sent(&query),
            pairs(&[("operator", "alice"), ("limit", "10")])
        );
    }

    #[test]
    fn event_query_sends_only_the_given_filters() {
        let query = EventListQuery {
            kind: Some("webhook.*".into()),
            after_id: Some(7),
            ..EventListQuery::default()
        };
        assert_eq!(
            sent(&query),
            pairs(&[("kind", "webhook.*"), ("after_id", "7")])
        );
    }

    #[test]
    fn impersonation_query_sends_only_the_given_filters() {
        assert!(sent(&ImpersonationListQuery::default()).is_empty());
        let query = ImpersonationListQuery {
            tenant: Some("acme".into()),
            active: Some(true),
            limit: None,
        };
        assert_eq!(
            sent(&query),
            pairs(&[("tenant", "acme"), ("active", "true")])
        );
    }

    #[test]
    fn breaker_query_sends_only_the_given_filters() {
        assert!(sent(&BreakerListQuery::default()).is_empty());
        let query = BreakerListQuery {
            connector: Some("stripe".into()),
            ..BreakerListQuery::default()
        };
        assert_eq!(sent(&query), pairs(&[("connector", "stripe")]));
        let query = BreakerListQuery {
            tenant: Some("acme".into()),
            connector: Some("stripe".into()),
        };
        assert_eq!(
            sent(&query),
            pairs(&[("tenant", "acme"), ("connector", "stripe")])
        );
    }

    #[test]
    fn job_and_dlq_queries_send_only_the_given_filters() {
        assert!(sent(&AdminJobListQuery::default()).is_empty());
        let query = AdminJobListQuery {
            tenant: Some("acme".into()),
            status: Some("dead".into()),
            limit: Some(5),
            ..AdminJobListQuery::default()
        };
        assert_eq!(
            sent(&query),
            pairs(&[("tenant", "acme"), ("status", "dead"), ("limit", "5")])
        );
        assert!(sent(&DlqListQuery::default()).is_empty());
        let query = DlqListQuery {
            queue: Some("low".into()),
            error_code: Some("upstream_5xx".into()),
            cursor: Some(Cursor::from("c")),
            ..DlqListQuery::default()
        };
        assert_eq!(
            sent(&query),
            pairs(&[
                ("queue", "low"),
                ("error_code", "upstream_5xx"),
                ("cursor", "c")
            ])
        );
        assert_eq!(
            cursor_query(Some(&Cursor::from("c"))).unwrap(),
            pairs(&[("cursor", "c")])
        );
        assert!(cursor_query(None).unwrap().is_empty());
    }

    #[test]
    fn debug_never_shows_the_token() {
        install_crypto_provider();
        let client = Client::new("http://127.0.0.1:1", VerboseLog::new(false))
            .unwrap()
            .with_token("secret-token-value".into());
        let shown = format!("{client:?}");
        assert!(!shown.contains("secret-token-value"), "{shown}");
    }

    #[tokio::test]
    async fn a_refused_connection_is_unavailable_and_logged() {
        install_crypto_provider();
        // Bind then drop a listener: nothing listens on that port any more.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = VerboseLog::new(true);
        let client = Client::new(&format!("http://127.0.0.1:{port}"), log.clone()).unwrap();
        let err = client.whoami().await.unwrap_err();
        assert!(matches!(err, ClientError::Unavailable(_)), "{err:?}");
        let lines = log.drain();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("GET /v1/admin/whoami -> failed after"),
            "{lines:?}"
        );
        assert!(lines[0].contains("request id "), "{lines:?}");
    }
}

//! Daemon settings (`CONFIG.md` §1): defaults, then the `orchd.yaml` file, then `ORCHD_*`
//! environment variables, then command-line flags. Validated once at start; every error names
//! the key (and, for the file, the line and column).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use orch_core::config::secret_ref::RefPattern;
use orch_core::tenant::{TenantPattern, TenantSlug};
use orch_core::units::{ByteSize, HumanDuration};
use serde::{Deserialize, Serialize};

pub use crate::model::connection_url::ConnectionUrl;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("settings file {path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("settings file {path}: key `{key}`: {message}")]
    File {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("setting `{key}` (from {origin}): {message}")]
    Override {
        key: &'static str,
        origin: String,
        message: String,
    },
    #[error("setting `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
    /// A problem with one tenant JWT issuer: the key names its index and field (`field`
    /// is `.name`, or empty for the issuer as a whole).
    #[error("setting `auth.issuers[{index}]{field}` (issuer {iss:?}): {message}")]
    Issuer {
        index: usize,
        iss: String,
        field: &'static str,
        message: String,
    },
    /// A problem with a per-tenant quota; the key names the tenant (`quotas.tenants.<slug>.…`).
    #[error("setting `{key}`: {message}")]
    Quota { key: String, message: String },
}

/// All daemon settings. Field names are the keys of `orchd.yaml` (the contract).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address the HTTP server binds (`127.0.0.1:8080`; port 0 picks a free port).
    pub listen: String,
    /// The HTTP server's connection guards (slow clients, connection count, slow requests).
    pub http: HttpSettings,
    /// Embedded database, generated keys, large payloads.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://…`; unset means `sqlite://{data_dir}/orchd.db`.
    pub database_url: Option<ConnectionUrl>,
    /// Unset: in-process dispatch, rate limits and fan-out.
    pub redis_url: Option<ConnectionUrl>,
    /// Prefix of every Redis key this deployment uses (lets tests and deployments share a server).
    pub redis_prefix: String,
    pub roles: Roles,
    pub worker: WorkerSettings,
    pub log: LogSettings,
    pub otel: OtelSettings,
    pub auth: AuthSettings,
    pub webhooks: WebhookSettings,
    pub idempotency: IdempotencySettings,
    pub api: ApiSettings,
    pub storage: StorageSettings,
    pub secrets: SecretSettings,
    pub config: ConfigReloadSettings,
    pub audit: AuditSettings,
    /// Per-tenant queue quotas (max live jobs, enqueue rate).
    pub quotas: QuotaSettings,
    /// The operator web console under `/console`.
    pub console: ConsoleSettings,
    /// How long in-flight requests get to finish after SIGTERM / Ctrl-C.
    pub shutdown_grace: HumanDuration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".to_owned(),
            http: HttpSettings::default(),
            data_dir: PathBuf::from("./orchd-data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "orch:".to_owned(),
            roles: Roles::default(),
            worker: WorkerSettings::default(),
            log: LogSettings::default(),
            otel: OtelSettings::default(),
            auth: AuthSettings::default(),
            webhooks: WebhookSettings::default(),
            idempotency: IdempotencySettings::default(),
            api: ApiSettings::default(),
            storage: StorageSettings::default(),
            secrets: SecretSettings::default(),
            config: ConfigReloadSettings::default(),
            audit: AuditSettings::default(),
            quotas: QuotaSettings::default(),
            console: ConsoleSettings::default(),
            shutdown_grace: HumanDuration(Duration::from_secs(30)),
        }
    }
}

/// The operator web console (`console/`): served under `/console` on nodes with the `api`
/// role, signed in with an operator API key, kept in a server-side session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleSettings {
    pub enabled: bool,
    /// The origin (`scheme://host[:port]`, no path) browsers reach the console at; every
    /// console POST must come from it (`Origin`). Unset: `http://` + `listen`.
    pub public_origin: Option<String>,
    /// A session unused this long ends.
    pub session_idle_timeout: HumanDuration,
    /// A session ends this long after sign-in, however active.
    pub session_max_age: HumanDuration,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            public_origin: None,
            session_idle_timeout: HumanDuration(Duration::from_secs(30 * 60)),
            session_max_age: HumanDuration(Duration::from_secs(8 * 3600)),
        }
    }
}

impl ConsoleSettings {
    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |key: &'static str, message: String| SettingsError::Invalid { key, message };
        if let Some(origin) = &self.public_origin {
            check_origin(origin).map_err(|m| invalid("console.public_origin", m))?;
        }
        let (idle, max) = (
            self.session_idle_timeout.as_duration(),
            self.session_max_age.as_duration(),
        );
        if !(Duration::from_secs(1)..=Duration::from_secs(24 * 3600)).contains(&idle) {
            return Err(invalid(
                "console.session_idle_timeout",
                "must be 1s–24h".to_owned(),
            ));
        }
        if max < idle || max > Duration::from_secs(30 * 86_400) {
            return Err(invalid(
                "console.session_max_age",
                "must be between console.session_idle_timeout and 30d".to_owned(),
            ));
        }
        Ok(())
    }
}

/// An origin as browsers send it in `Origin`: `http(s)://host[:port]`, lower-case, nothing
/// after the authority.
fn check_origin(origin: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(origin).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("must be http:// or https://".to_owned());
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("has no host".to_owned());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials".to_owned());
    }
    if parsed.origin().ascii_serialization() != origin {
        return Err(format!(
            "must be only scheme, host and port as a browser sends them (e.g. {})",
            parsed.origin().ascii_serialization()
        ));
    }
    Ok(())
}

/// The operator audit log's key and checkpoints (`identity/audit.rs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// A SecretRef (`env:`, `file:`, `docker:`; at least 32 bytes) to the HMAC key audit rows
    /// are sealed with. Unset → derived from the token signing key (`auth.signing_key_ref`
    /// or the generated one) under its own label. Every node must have the same key.
    pub hmac_key_ref: Option<String>,
    /// How often the reconciler logs `audit checkpoint count=… head=…` (an anchor for an
    /// outside log store).
    pub checkpoint_interval: HumanDuration,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            hmac_key_ref: None,
            checkpoint_interval: HumanDuration(Duration::from_secs(600)),
        }
    }
}

/// Guards of the HTTP server against clients that hold connections without finishing
/// requests (slowloris) and against running out of sockets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// A connection whose request head (request line and headers) has not fully arrived this
    /// long after the server started waiting for it is closed; this also ends idle
    /// keep-alive connections.
    pub header_read_timeout: HumanDuration,
    /// A request (receiving its body and producing the response) that takes longer is
    /// answered 503 `request_timeout`. The event streams are exempt, and `/v1/execute` is
    /// bounded by its policy's own total deadline once its body has arrived.
    pub request_timeout: HumanDuration,
    /// Connections served at once; further ones wait in the listen backlog until one closes.
    pub max_connections: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            header_read_timeout: HumanDuration(Duration::from_secs(10)),
            request_timeout: HumanDuration(Duration::from_secs(60)),
            max_connections: 1024,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerSettings {
    pub concurrency: u32,
    /// How long a claim is a worker's without a heartbeat (heartbeats every third of it).
    pub lease: HumanDuration,
    /// How often an idle worker looks for due jobs (retries, delayed jobs, other nodes' work).
    pub poll_interval: HumanDuration,
    /// How often the reconciler hands back jobs whose lease expired.
    pub reclaim_interval: HumanDuration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 32,
            lease: HumanDuration(Duration::from_secs(30)),
            poll_interval: HumanDuration(Duration::from_millis(200)),
            reclaim_interval: HumanDuration(Duration::from_secs(1)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Json,
    Pretty,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            other => Err(format!("expected `json` or `pretty`, got {other:?}")),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive (`info`, `orchd=debug,sqlx=warn`).
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Json,
            level: "info".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OtelSettings {
    /// OTLP endpoint; unset → no export (trace ids are still made and propagated).
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    pub issuers: Vec<IssuerSettings>,
    pub max_token_ttl_s: u64,
    /// Lifetime of operator tokens (exchanged for API keys).
    pub operator_token_ttl_s: u64,
    /// A SecretRef to the key that signs operator, client-credential and impersonation
    /// tokens; unset → a key generated in `data_dir` on first start.
    pub signing_key_ref: Option<String>,
    /// How `jwks_url` issuers fetch and cache their key sets.
    pub jwks: JwksSettings,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            issuers: Vec::new(),
            max_token_ttl_s: 900,
            operator_token_ttl_s: 900,
            signing_key_ref: None,
            jwks: JwksSettings::default(),
        }
    }
}

/// JWKS fetching and caching (`auth.jwks`), shared by every `jwks_url` issuer; each issuer
/// keeps its own cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JwksSettings {
    /// Cache lifetime of a key set whose response has no `Cache-Control: max-age`.
    pub default_ttl: HumanDuration,
    /// `max-age` (and `default_ttl`) are clamped to `min_ttl ..= max_ttl`: a tiny max-age
    /// must not turn every request into a fetch, a huge one must not pin a removed key.
    pub min_ttl: HumanDuration,
    pub max_ttl: HumanDuration,
    /// A token with an unknown `kid` refetches the set at most this often per issuer (so
    /// random `kid`s cannot make orchd hammer the IdP); also the retry delay after a
    /// failed fetch.
    pub refetch_interval: HumanDuration,
    /// When a refetch fails, the previous keys stay usable for this long past their
    /// expiry (an IdP outage is not a tenant outage); `0s` fails closed at once.
    pub stale_if_error: HumanDuration,
    /// Whole-request deadline of one JWKS fetch.
    pub timeout: HumanDuration,
    /// Development only: accept `http://` JWKS URLs (keys fetched in clear text can be
    /// swapped by anyone on the path).
    pub allow_insecure_http: bool,
}

impl Default for JwksSettings {
    fn default() -> Self {
        Self {
            default_ttl: HumanDuration(Duration::from_secs(300)),
            min_ttl: HumanDuration(Duration::from_secs(60)),
            max_ttl: HumanDuration(Duration::from_secs(24 * 3600)),
            refetch_interval: HumanDuration(Duration::from_secs(30)),
            stale_if_error: HumanDuration(Duration::from_secs(15 * 60)),
            timeout: HumanDuration(Duration::from_secs(5)),
            allow_insecure_http: false,
        }
    }
}

/// A tenant JWT issuer: exactly one key source, and the tenants it may speak for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerSettings {
    pub iss: String,
    #[serde(default)]
    pub audience: Option<String>,
    pub algorithms: Vec<String>,
    /// Tenants whose `tenant` claim this issuer may assert: slugs, `prefix-*` globs or
    /// `*`. Required: an issuer is trusted for named tenants only, never by default.
    #[serde(default)]
    pub tenants: Option<Vec<TenantPattern>>,
    #[serde(default)]
    pub secret_ref: Option<String>,
    #[serde(default)]
    pub public_key_pem: Option<String>,
    #[serde(default)]
    pub keys: Vec<NamedKey>,
    #[serde(default)]
    pub jwks_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedKey {
    pub kid: String,
    pub public_key_pem: String,
}

const ISSUER_ALGORITHMS: [&str; 4] = ["HS256", "RS256", "ES256", "EdDSA"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookSettings {
    pub default_tenant: Option<TenantSlug>,
    pub max_body_bytes: ByteSize,
    pub payload_inline_max: ByteSize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            default_tenant: None,
            max_body_bytes: ByteSize::mib(5),
            payload_inline_max: ByteSize::kib(64),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdempotencySettings {
    pub ttl: HumanDuration,
}

impl Default for IdempotencySettings {
    fn default() -> Self {
        Self {
            ttl: HumanDuration(Duration::from_secs(24 * 3600)),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiSettings {
    pub max_body_bytes: ByteSize,
    /// A connector call whose response is larger fails (`upstream_response_too_large`).
    pub max_upstream_response_bytes: ByteSize,
    /// Live event streams one operator (admin stream) or one tenant (tenant stream) may
    /// hold open on a node at once; more are 429 `rate_limited`.
    pub max_streams_per_caller: usize,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: ByteSize::mib(1),
            max_upstream_response_bytes: ByteSize(DEFAULT_MAX_RESPONSE_BYTES),
            max_streams_per_caller: 8,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageSettings {
    /// Connections in the pool (Postgres; SQLite uses at most this many readers).
    pub max_connections: u32,
    /// How long a query waits for a free connection before the call fails as unavailable.
    pub acquire_timeout: HumanDuration,
    /// Request log rows are written in batches of at most this many…
    pub request_log_batch: usize,
    /// …or after this long, whichever comes first.
    pub request_log_flush: HumanDuration,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: HumanDuration(Duration::from_secs(5)),
            request_log_batch: 256,
            request_log_flush: HumanDuration(Duration::from_millis(500)),
        }
    }
}

/// Where SecretRefs resolve.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretSettings {
    /// Directory of `docker:NAME` secrets.
    pub docker_dir: PathBuf,
    /// Vault address for `vault:` refs (env `VAULT_ADDR`).
    pub vault_addr: Option<String>,
    /// A SecretRef to the Vault token; `VAULT_TOKEN` in the environment sets `env:VAULT_TOKEN`.
    pub vault_token_ref: Option<String>,
    /// How long a resolved value is reused.
    pub cache_ttl: HumanDuration,
    /// The SecretRefs tenant configs may name: patterns (`*` a wildcard; `{tenant}` the
    /// tenant's slug, `{TENANT}` it upper-cased with `-` as `_`) per tenant slug, or under
    /// `"*"` for every tenant. Setting it replaces the default, which keeps each tenant to
    /// its own names: `env:ORCH_{TENANT}_*`, `file:/run/secrets/{tenant}_*`,
    /// `docker:{tenant}_*`, `vault:secret/{tenant}/*`.
    pub allowed_refs: BTreeMap<String, Vec<String>>,
    /// `file:`/`docker:` secrets larger than this are refused (never read whole).
    pub max_file_bytes: ByteSize,
}

/// Where `docker:` refs are mounted by default.
pub const DOCKER_SECRETS_DIR: &str = "/run/secrets";

/// What tenants may name when `secrets.allowed_refs` is not set: each its own names only.
pub const DEFAULT_ALLOWED_REFS: [&str; 4] = [
    "env:ORCH_{TENANT}_*",
    "file:/run/secrets/{tenant}_*",
    "docker:{tenant}_*",
    "vault:secret/{tenant}/*",
];

/// Upstream responses above this are refused unless `api.max_upstream_response_bytes` says
/// otherwise.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 10 * 1024 * 1024;

impl SecretSettings {
    /// The allow-list's tenants and patterns, and the file size cap.
    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |key: &'static str, message: String| SettingsError::Invalid { key, message };
        for (tenant, patterns) in &self.allowed_refs {
            if tenant != "*" && TenantSlug::parse(tenant).is_err() {
                return Err(invalid(
                    "secrets.allowed_refs",
                    format!("{tenant:?} is neither a tenant slug nor \"*\""),
                ));
            }
            for pattern in patterns {
                RefPattern::parse(&RefPattern::for_tenant(pattern, "t"))
                    .map_err(|m| invalid("secrets.allowed_refs", m))?;
            }
        }
        if self.max_file_bytes.bytes() == 0 || self.max_file_bytes.bytes() > 1 << 20 {
            return Err(invalid(
                "secrets.max_file_bytes",
                "must be 1 B – 1 MiB".to_owned(),
            ));
        }
        Ok(())
    }
}

impl Default for SecretSettings {
    fn default() -> Self {
        Self {
            docker_dir: PathBuf::from(DOCKER_SECRETS_DIR),
            vault_addr: None,
            vault_token_ref: None,
            cache_ttl: HumanDuration(Duration::from_secs(60)),
            allowed_refs: BTreeMap::from([(
                "*".to_owned(),
                DEFAULT_ALLOWED_REFS
                    .iter()
                    .map(|p| (*p).to_owned())
                    .collect(),
            )]),
            max_file_bytes: ByteSize::kib(64),
        }
    }
}

/// How the active tenant configs each node serves stay current.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigReloadSettings {
    /// Safety net: every node re-reads the pointers this often, in case a change
    /// notification was missed.
    pub recheck_interval: HumanDuration,
}

impl Default for ConfigReloadSettings {
    fn default() -> Self {
        Self {
            recheck_interval: HumanDuration(Duration::from_secs(5)),
        }
    }
}

/// Per-tenant queue quotas (`quotas`), so one tenant cannot flood the shared queues: `default`
/// applies to every tenant, `tenants.<slug>` overrides it field by field. A limit of 0 means
/// no limit. "Queued" counts live jobs: status `queued` (due, scheduled, waiting for a retry)
/// or `running` — not succeeded, dead, cancelled or purged ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuotaSettings {
    pub default: TenantQuota,
    pub tenants: BTreeMap<String, TenantQuotaOverride>,
}

/// One tenant's quotas. The API (`POST /v1/jobs`, jobs of kind `execute`) and the webhook
/// ingress (jobs of kind `webhook`) have separate allowances, so a tenant's own API flood
/// never makes Stripe's deliveries bounce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TenantQuota {
    /// Live `execute` jobs the tenant may have, all queues together.
    pub max_queued_jobs: u64,
    /// Tighter caps for single queues (`low: 20000`).
    pub max_queued_jobs_per_queue: BTreeMap<String, u64>,
    /// Token bucket over `POST /v1/jobs` enqueues.
    pub enqueue_per_second: f64,
    pub enqueue_burst: u32,
    pub webhooks: WebhookQuota,
}

impl Default for TenantQuota {
    fn default() -> Self {
        Self {
            max_queued_jobs: 100_000,
            max_queued_jobs_per_queue: BTreeMap::new(),
            enqueue_per_second: 1000.0,
            enqueue_burst: 2000,
            webhooks: WebhookQuota::default(),
        }
    }
}

/// The webhook allowance: larger than the API's by default, because a refused delivery is
/// only retried when Stripe decides to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookQuota {
    /// Live `webhook` jobs (deliveries not yet processed) the tenant may have.
    pub max_queued_jobs: u64,
    /// Token bucket over verified deliveries.
    pub per_second: f64,
    pub burst: u32,
}

impl Default for WebhookQuota {
    fn default() -> Self {
        Self {
            max_queued_jobs: 200_000,
            per_second: 2000.0,
            burst: 4000,
        }
    }
}

/// A tenant's overrides: every field is optional and falls back to `quotas.default`;
/// `max_queued_jobs_per_queue` entries are merged queue by queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TenantQuotaOverride {
    pub max_queued_jobs: Option<u64>,
    pub max_queued_jobs_per_queue: BTreeMap<String, u64>,
    pub enqueue_per_second: Option<f64>,
    pub enqueue_burst: Option<u32>,
    pub webhooks: WebhookQuotaOverride,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookQuotaOverride {
    pub max_queued_jobs: Option<u64>,
    pub per_second: Option<f64>,
    pub burst: Option<u32>,
}

/// Highest accepted rates, so a typo cannot turn a limit into a no-op by accident.
const MAX_QUOTA_RATE: f64 = 1_000_000.0;

impl QuotaSettings {
    /// The quotas in force for `tenant`: its overrides over the default.
    pub fn for_tenant(&self, tenant: &str) -> TenantQuota {
        let mut q = self.default.clone();
        if let Some(o) = self.tenants.get(tenant) {
            q.max_queued_jobs = o.max_queued_jobs.unwrap_or(q.max_queued_jobs);
            q.max_queued_jobs_per_queue.extend(
                o.max_queued_jobs_per_queue
                    .iter()
                    .map(|(k, v)| (k.clone(), *v)),
            );
            q.enqueue_per_second = o.enqueue_per_second.unwrap_or(q.enqueue_per_second);
            q.enqueue_burst = o.enqueue_burst.unwrap_or(q.enqueue_burst);
            q.webhooks.max_queued_jobs = o
                .webhooks
                .max_queued_jobs
                .unwrap_or(q.webhooks.max_queued_jobs);
            q.webhooks.per_second = o.webhooks.per_second.unwrap_or(q.webhooks.per_second);
            q.webhooks.burst = o.webhooks.burst.unwrap_or(q.webhooks.burst);
        }
        q
    }

    fn validate(&self) -> Result<(), SettingsError> {
        self.default.validate("quotas.default")?;
        for tenant in self.tenants.keys() {
            let prefix = format!("quotas.tenants.{tenant}");
            if let Err(e) = TenantSlug::parse(tenant) {
                return Err(SettingsError::Quota {
                    key: prefix,
                    message: format!("not a tenant slug: {e}"),
                });
            }
            // The merged values are what runs, so they are what is checked (an override of
            // the rate alone must still meet the default burst).
            self.for_tenant(tenant).validate(&prefix)?;
        }
        Ok(())
    }
}

impl TenantQuota {
    fn validate(&self, prefix: &str) -> Result<(), SettingsError> {
        let bad = |field: &str, message: String| SettingsError::Quota {
            key: format!("{prefix}.{field}"),
            message,
        };
        for queue in self.max_queued_jobs_per_queue.keys() {
            if !orch_core::config::model::QUEUES.contains(&queue.as_str()) {
                return Err(bad(
                    &format!("max_queued_jobs_per_queue.{queue}"),
                    format!(
                        "no queue {queue:?}: use one of {}",
                        orch_core::config::model::QUEUES.join(", ")
                    ),
                ));
            }
        }
        for (rate, burst, rate_key, burst_key) in [
            (
                self.enqueue_per_second,
                self.enqueue_burst,
                "enqueue_per_second",
                "enqueue_burst",
            ),
            (
                self.webhooks.per_second,
                self.webhooks.burst,
                "webhooks.per_second",
                "webhooks.burst",
            ),
        ] {
            if !rate.is_finite() || !(0.0..=MAX_QUOTA_RATE).contains(&rate) {
                return Err(bad(
                    rate_key,
                    format!("must be 0 (no limit) to {MAX_QUOTA_RATE} per second, got {rate}"),
                ));
            }
            if rate > 0.0 && burst == 0 {
                return Err(bad(
                    burst_key,
                    format!("must be at least 1 while {rate_key} is set"),
                ));
            }
        }
        Ok(())
    }
}

/// Which parts a node runs. Every node serves `/healthz`, `/readyz` and `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub api: bool,
    pub worker: bool,
    pub reconciler: bool,
}

impl Default for Roles {
    fn default() -> Self {
        Self {
            api: true,
            worker: true,
            reconciler: true,
        }
    }
}

impl FromStr for Roles {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut roles = Self {
            api: false,
            worker: false,
            reconciler: false,
        };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "api" => roles.api = true,
                "worker" => roles.worker = true,
                "reconciler" => roles.reconciler = true,
                other => {
                    return Err(format!(
                        "unknown role {other:?}: expected a comma-separated list of api, worker, reconciler"
                    ));
                }
            }
        }
        if !(roles.api || roles.worker || roles.reconciler) {
            return Err("at least one role is required (api, worker, reconciler)".to_owned());
        }
        Ok(roles)
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [
            (self.api, "api"),
            (self.worker, "worker"),
            (self.reconciler, "reconciler"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        f.write_str(&names.join(","))
    }
}

impl Serialize for Roles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Csv(String),
            List(Vec<String>),
        }
        let csv = match Repr::deserialize(d)? {
            Repr::Csv(s) => s,
            Repr::List(list) => list.join(","),
        };
        csv.parse().map_err(serde::de::Error::custom)
    }
}

/// Values given on the command line or in the environment; each overrides its key.
/// (clap reads the environment, so a flag wins over its variable.)
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub redis_url: Option<String>,
    pub redis_prefix: Option<String>,
    pub roles: Option<String>,
    pub worker_concurrency: Option<String>,
    pub log_format: Option<String>,
    pub log_level: Option<String>,
    pub otel_endpoint: Option<String>,
    pub signing_key_ref: Option<String>,
    pub vault_addr: Option<String>,
    /// Whether `VAULT_TOKEN` is set (its value is never copied into settings).
    pub vault_token_in_env: bool,
}

impl Settings {
    /// Loads settings: defaults ← file (if any) ← overrides, then validates.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, SettingsError> {
        let mut settings = match file {
            Some(path) => Self::from_file(path)?,
            None => Self::default(),
        };
        settings.apply(overrides)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Parses a settings file, naming the offending key on error.
    pub fn from_file(path: &Path) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_yaml(&text).map_err(|(key, message)| SettingsError::File {
            path: path.to_owned(),
            key,
            message,
        })
    }

    /// Parses settings YAML; the error is `(key path, message)`.
    pub fn from_yaml(text: &str) -> Result<Self, (String, String)> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let de = yaml_serde::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|err| {
            let key = err.path().to_string();
            let key = if key == "." { "(root)".to_owned() } else { key };
            // yaml_serde already prefixes nested errors with the path; say it once.
            let message = err.into_inner().to_string();
            let message = message
                .strip_prefix(&format!("{key}: "))
                .map_or(message.clone(), str::to_owned);
            (key, message)
        })
    }

    fn apply(&mut self, o: &Overrides) -> Result<(), SettingsError> {
        fn bad(key: &'static str, origin: &str, message: impl Into<String>) -> SettingsError {
            SettingsError::Override {
                key,
                origin: origin.to_owned(),
                message: message.into(),
            }
        }
        if let Some(v) = &o.listen {
            self.listen = v.clone();
        }
        if let Some(v) = &o.data_dir {
            self.data_dir = v.clone();
        }
        if let Some(v) = &o.database_url {
            self.database_url = Some(ConnectionUrl::new(v.clone()));
        }
        if let Some(v) = &o.redis_url {
            self.redis_url = (!v.is_empty()).then(|| ConnectionUrl::new(v.clone()));
        }
        if let Some(v) = &o.redis_prefix {
            self.redis_prefix = v.clone();
        }
        if let Some(v) = &o.roles {
            self.roles = v
                .parse()
                .map_err(|m: String| bad("roles", "--roles / ORCHD_ROLES", m))?;
        }
        if let Some(v) = &o.worker_concurrency {
            let origin = "--worker-concurrency / ORCHD_WORKER_CONCURRENCY";
            self.worker.concurrency = v.trim().parse().map_err(|_| {
                bad(
                    "worker.concurrency",
                    origin,
                    format!("expected a positive integer, got {v:?}"),
                )
            })?;
        }
        if let Some(v) = &o.log_format {
            self.log.format = v
                .parse()
                .map_err(|m: String| bad("log.format", "--log-format / ORCHD_LOG_FORMAT", m))?;
        }
        if let Some(v) = &o.log_level {
            self.log.level = v.clone();
        }
        if let Some(v) = &o.otel_endpoint {
            self.otel.endpoint = (!v.is_empty()).then(|| v.clone());
        }
        if let Some(v) = &o.signing_key_ref {
            self.auth.signing_key_ref = (!v.is_empty()).then(|| v.clone());
        }
        if let Some(v) = &o.vault_addr {
            self.secrets.vault_addr = (!v.is_empty()).then(|| v.clone());
        }
        if o.vault_token_in_env && self.secrets.vault_token_ref.is_none() {
            self.secrets.vault_token_ref = Some("env:VAULT_TOKEN".to_owned());
        }
        Ok(())
    }

    /// Cross-field and range checks, each error naming its key.
    pub fn validate(&self) -> Result<(), SettingsError> {
        fn invalid(key: &'static str, message: impl Into<String>) -> SettingsError {
            SettingsError::Invalid {
                key,
                message: message.into(),
            }
        }
        self.listen_addr()?;
        self.http.validate()?;
        if self.data_dir.as_os_str().is_empty() {
            return Err(invalid("data_dir", "must not be empty"));
        }
        if let Some(url) = &self.database_url {
            match url.scheme() {
                Some("postgres" | "postgresql" | "sqlite") => {}
                _ => {
                    return Err(invalid(
                        "database_url",
                        format!(
                            "unsupported scheme in {}: expected postgres://… or sqlite://…",
                            url.redacted()
                        ),
                    ));
                }
            }
        }
        if let Some(url) = &self.redis_url
            && !matches!(
                url.scheme(),
                Some("redis" | "rediss" | "redis+unix" | "unix")
            )
        {
            return Err(invalid(
                "redis_url",
                format!(
                    "unsupported scheme in {}: expected redis://…",
                    url.redacted()
                ),
            ));
        }
        if self.redis_prefix.is_empty() || self.redis_prefix.len() > 64 {
            return Err(invalid("redis_prefix", "must be 1–64 characters"));
        }
        if !(1..=4096).contains(&self.worker.concurrency) {
            return Err(invalid(
                "worker.concurrency",
                format!("must be 1–4096, got {}", self.worker.concurrency),
            ));
        }
        if let Err(err) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return Err(invalid("log.level", format!("{:?}: {err}", self.log.level)));
        }
        if !(1..=86_400).contains(&self.auth.max_token_ttl_s) {
            return Err(invalid("auth.max_token_ttl_s", "must be 1–86400 seconds"));
        }
        if !(30..=86_400).contains(&self.auth.operator_token_ttl_s) {
            return Err(invalid(
                "auth.operator_token_ttl_s",
                "must be 30–86400 seconds",
            ));
        }
        if self.api.max_upstream_response_bytes.bytes() < 1024 {
            return Err(invalid(
                "api.max_upstream_response_bytes",
                "must be at least 1 KiB",
            ));
        }
        self.secrets.validate()?;
        self.auth.jwks.validate()?;
        let mut seen = BTreeSet::new();
        for (index, issuer) in self.auth.issuers.iter().enumerate() {
            issuer.validate(index, &self.auth.jwks)?;
            if !seen.insert(issuer.iss.as_str()) {
                return Err(invalid(
                    "auth.issuers",
                    format!("issuer {:?} is listed twice", issuer.iss),
                ));
            }
        }
        if self.webhooks.max_body_bytes.bytes() == 0 {
            return Err(invalid("webhooks.max_body_bytes", "must be positive"));
        }
        if self.webhooks.payload_inline_max > self.webhooks.max_body_bytes {
            return Err(invalid(
                "webhooks.payload_inline_max",
                "must not exceed webhooks.max_body_bytes",
            ));
        }
        if self.api.max_body_bytes.bytes() == 0 {
            return Err(invalid("api.max_body_bytes", "must be positive"));
        }
        if !(1..=1024).contains(&self.api.max_streams_per_caller) {
            return Err(invalid("api.max_streams_per_caller", "must be 1–1024"));
        }
        if self.idempotency.ttl.as_duration() < Duration::from_secs(60) {
            return Err(invalid("idempotency.ttl", "must be at least 1m"));
        }
        if !(1..=1024).contains(&self.storage.max_connections) {
            return Err(invalid("storage.max_connections", "must be 1–1024"));
        }
        if let Some(r) = &self.secrets.vault_token_ref
            && let Err(e) = orch_core::config::secret_ref::SecretRef::parse(r)
        {
            return Err(invalid("secrets.vault_token_ref", e));
        }
        if self.config.recheck_interval.as_duration() < Duration::from_millis(100) {
            return Err(invalid("config.recheck_interval", "must be at least 100ms"));
        }
        if self.worker.concurrency == 0 || self.worker.concurrency > 10_000 {
            return Err(invalid("worker.concurrency", "must be 1–10000"));
        }
        if self.worker.lease.as_duration() < Duration::from_millis(300) {
            return Err(invalid("worker.lease", "must be at least 300ms"));
        }
        for (key, value) in [
            ("worker.poll_interval", self.worker.poll_interval),
            ("worker.reclaim_interval", self.worker.reclaim_interval),
        ] {
            if value.as_duration() < Duration::from_millis(10) {
                return Err(invalid(key, "must be at least 10ms"));
            }
        }
        if self.storage.request_log_batch == 0 {
            return Err(invalid("storage.request_log_batch", "must be positive"));
        }
        if let Some(r) = &self.audit.hmac_key_ref {
            match orch_core::config::secret_ref::SecretRef::parse(r) {
                Err(e) => return Err(invalid("audit.hmac_key_ref", e)),
                // Resolved once at start-up, before any Vault client exists.
                Ok(orch_core::config::secret_ref::SecretRef::Vault { .. }) => {
                    return Err(invalid(
                        "audit.hmac_key_ref",
                        "use env:, file: or docker: (resolved at start-up)",
                    ));
                }
                Ok(_) => {}
            }
        }
        if self.audit.checkpoint_interval.as_duration() < Duration::from_secs(1) {
            return Err(invalid("audit.checkpoint_interval", "must be at least 1s"));
        }
        self.quotas.validate()?;
        self.console.validate()?;
        Ok(())
    }

    /// The origin console POSTs must come from: `console.public_origin`, else `http://` and
    /// the address the server is bound to (`bound`, so port 0 resolves to the real port; an
    /// unspecified address such as `0.0.0.0` becomes `localhost`, which a browser can send).
    pub fn console_origin(&self, bound: SocketAddr) -> String {
        if let Some(origin) = &self.console.public_origin {
            return origin.clone();
        }
        if bound.ip().is_unspecified() {
            format!("http://localhost:{}", bound.port())
        } else {
            format!("http://{bound}")
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, SettingsError> {
        self.listen.parse().map_err(|_| SettingsError::Invalid {
            key: "listen",
            message: format!(
                "{:?} is not a socket address (e.g. 127.0.0.1:8080)",
                self.listen
            ),
        })
    }

    /// The database URL in effect: the setting, or the embedded SQLite file under `data_dir`.
    pub fn effective_database_url(&self) -> ConnectionUrl {
        match &self.database_url {
            Some(url) => url.clone(),
            None => ConnectionUrl::new(format!(
                "sqlite://{}",
                self.data_dir.join("orchd.db").display()
            )),
        }
    }
}

impl HttpSettings {
    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |key: &'static str, message: &str| SettingsError::Invalid {
            key,
            message: message.to_owned(),
        };
        // Below these, ordinary clients on a slow network would be cut off.
        if self.header_read_timeout.as_duration() < Duration::from_millis(50) {
            return Err(invalid("http.header_read_timeout", "must be at least 50ms"));
        }
        if self.request_timeout.as_duration() < Duration::from_millis(50) {
            return Err(invalid("http.request_timeout", "must be at least 50ms"));
        }
        if !(1..=1_000_000).contains(&self.max_connections) {
            return Err(invalid("http.max_connections", "must be 1–1000000"));
        }
        Ok(())
    }
}

impl JwksSettings {
    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |key: &'static str, message: &str| SettingsError::Invalid {
            key,
            message: message.to_owned(),
        };
        let (min, max) = (self.min_ttl.as_duration(), self.max_ttl.as_duration());
        if min < Duration::from_secs(1) {
            return Err(invalid("auth.jwks.min_ttl", "must be at least 1s"));
        }
        if max < min || max > Duration::from_secs(7 * 86_400) {
            return Err(invalid(
                "auth.jwks.max_ttl",
                "must be between auth.jwks.min_ttl and 7d",
            ));
        }
        if !(min..=max).contains(&self.default_ttl.as_duration()) {
            return Err(invalid(
                "auth.jwks.default_ttl",
                "must be between auth.jwks.min_ttl and auth.jwks.max_ttl",
            ));
        }
        if !(Duration::from_secs(1)..=Duration::from_secs(3600))
            .contains(&self.refetch_interval.as_duration())
        {
            return Err(invalid("auth.jwks.refetch_interval", "must be 1s–1h"));
        }
        if self.stale_if_error.as_duration() > Duration::from_secs(86_400) {
            return Err(invalid("auth.jwks.stale_if_error", "must be at most 24h"));
        }
        if !(Duration::from_millis(100)..=Duration::from_secs(60))
            .contains(&self.timeout.as_duration())
        {
            return Err(invalid("auth.jwks.timeout", "must be 100ms–60s"));
        }
        Ok(())
    }
}

impl IssuerSettings {
    fn validate(&self, index: usize, jwks: &JwksSettings) -> Result<(), SettingsError> {
        let invalid = |field: &'static str, message: String| SettingsError::Issuer {
            index,
            iss: self.iss.clone(),
            field,
            message,
        };
        if self.iss.trim().is_empty() {
            return Err(invalid(".iss", "must not be empty".to_owned()));
        }
        let sources = [
            self.secret_ref.is_some(),
            self.public_key_pem.is_some(),
            !self.keys.is_empty(),
            self.jwks_url.is_some(),
        ]
        .into_iter()
        .filter(|s| *s)
        .count();
        if sources != 1 {
            return Err(invalid(
                "",
                "must have exactly one of secret_ref, public_key_pem, keys, jwks_url".to_owned(),
            ));
        }
        if self.algorithms.is_empty() {
            return Err(invalid(
                ".algorithms",
                format!("must list at least one of {}", ISSUER_ALGORITHMS.join(", ")),
            ));
        }
        for alg in &self.algorithms {
            if !ISSUER_ALGORITHMS.contains(&alg.as_str()) {
                return Err(invalid(
                    ".algorithms",
                    format!(
                        "algorithm {alg:?} is not allowed (allowed: {})",
                        ISSUER_ALGORITHMS.join(", ")
                    ),
                ));
            }
        }
        match &self.tenants {
            None => {
                return Err(invalid(
                    ".tenants",
                    "is required: list the tenants this issuer may speak for \
                     (a slug like `acme`, a glob like `acme-*`, or `*` for any)"
                        .to_owned(),
                ));
            }
            Some(tenants) if tenants.is_empty() => {
                return Err(invalid(
                    ".tenants",
                    "must list at least one tenant (`*` for any)".to_owned(),
                ));
            }
            Some(_) => {}
        }
        if let Some(url) = &self.jwks_url {
            // A JWKS is public keys only: a shared secret published in one would let anyone
            // who can read the document mint tokens.
            if self.algorithms.iter().any(|a| a.starts_with("HS")) {
                return Err(invalid(
                    ".algorithms",
                    "a jwks_url issuer verifies with public keys only: HS256 is not allowed"
                        .to_owned(),
                ));
            }
            check_jwks_url(url, jwks.allow_insecure_http)
                .map_err(|message| invalid(".jwks_url", message))?;
        }
        Ok(())
    }
}

/// A JWKS URL must be absolute https (http only with the development switch) and carry no
/// credentials, since the URL appears in logs.
fn check_jwks_url(url: &str, allow_insecure_http: bool) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure_http => {}
        "http" => {
            return Err("must be https:// (plain http:// only with \
                 auth.jwks.allow_insecure_http: true, for development)"
                .to_owned());
        }
        other => return Err(format!("scheme {other:?} is not allowed: must be https://")),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("has no host".to_owned());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_contract() {
        let s = Settings::default();
        s.validate().unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from("./orchd-data"));
        assert_eq!(s.roles.to_string(), "api,worker,reconciler");
        assert_eq!(s.worker.concurrency, 32);
        assert_eq!(s.log.format, LogFormat::Json);
        assert_eq!(s.auth.max_token_ttl_s, 900);
        assert_eq!(s.webhooks.max_body_bytes, ByteSize::mib(5));
        assert_eq!(s.webhooks.payload_inline_max, ByteSize::kib(64));
        assert_eq!(s.api.max_body_bytes, ByteSize::mib(1));
        assert_eq!(
            s.idempotency.ttl.as_duration(),
            Duration::from_secs(24 * 3600)
        );
        assert_eq!(
            s.effective_database_url().expose(),
            "sqlite://./orchd-data/orchd.db"
        );
    }

    #[test]
    fn the_example_settings_file_is_valid() {
        let s = Settings::from_yaml(include_str!("../../examples/orchd.yaml")).unwrap();
        s.validate().unwrap();
        assert_eq!(s.redis_url.unwrap().expose(), "redis://127.0.0.1:6379");
        assert_eq!(
            s.auth.issuers[0].tenants.as_deref().map(<[_]>::len),
            Some(2),
            "the example issuer is bound to its tenants"
        );
        // The example spells out the JWKS defaults: keep them in step.
        let (example, defaults) = (&s.auth.jwks, JwksSettings::default());
        assert_eq!(
            (example.default_ttl, example.min_ttl, example.max_ttl),
            (defaults.default_ttl, defaults.min_ttl, defaults.max_ttl)
        );
        assert_eq!(
            (
                example.refetch_interval,
                example.stale_if_error,
                example.timeout
            ),
            (
                defaults.refetch_interval,
                defaults.stale_if_error,
                defaults.timeout
            )
        );
        assert_eq!(
            s.storage.request_log_flush.as_duration(),
            Duration::from_millis(500)
        );
        // The example spells out the default allow-list.
        assert_eq!(
            s.secrets.allowed_refs,
            SecretSettings::default().allowed_refs
        );
        // …and the default quotas, with one tenant's overrides.
        assert_eq!(s.quotas.default, TenantQuota::default());
        let acme = s.quotas.for_tenant("acme");
        assert_eq!(
            (acme.max_queued_jobs, acme.webhooks.per_second),
            (500_000, 5000.0)
        );
    }

    #[test]
    fn bad_allowed_refs_are_refused_naming_the_key() {
        let mut s = Settings::default();
        s.secrets
            .allowed_refs
            .insert("acme".into(), vec!["http:x".into()]);
        let err = s.validate().unwrap_err().to_string();
        assert!(err.contains("secrets.allowed_refs"), "{err}");
        let mut s = Settings::default();
        s.secrets
            .allowed_refs
            .insert("Not A Slug".into(), vec!["env:X".into()]);
        assert!(s.validate().is_err());
    }

    #[test]
    fn http_guards_have_defaults_bounds_and_an_example() {
        let d = HttpSettings::default();
        assert_eq!(d.header_read_timeout.as_duration(), Duration::from_secs(10));
        assert_eq!(d.request_timeout.as_duration(), Duration::from_secs(60));
        assert_eq!(d.max_connections, 1024);
        // The example spells out the defaults (commented keys would drift unseen).
        let example = Settings::from_yaml(include_str!("../../examples/orchd.yaml")).unwrap();
        assert_eq!(
            (
                example.http.header_read_timeout,
                example.http.request_timeout,
                example.http.max_connections
            ),
            (d.header_read_timeout, d.request_timeout, d.max_connections)
        );
        let s = Settings::from_yaml(
            "http:\n  header_read_timeout: 2s\n  request_timeout: 30s\n  max_connections: 10\n",
        )
        .unwrap();
        s.validate().unwrap();
        assert_eq!(s.http.max_connections, 10);
        for (bad, key) in [
            (
                "http:\n  header_read_timeout: 1ms\n",
                "http.header_read_timeout",
            ),
            ("http:\n  request_timeout: 0s\n", "http.request_timeout"),
            ("http:\n  max_connections: 0\n", "http.max_connections"),
        ] {
            let err = Settings::from_yaml(bad).unwrap().validate().unwrap_err();
            assert!(err.to_string().contains(key), "{bad}: {err}");
        }
    }

    #[test]
    fn console_settings_have_defaults_bounds_and_an_example() {
        let d = ConsoleSettings::default();
        assert!(d.enabled);
        assert_eq!(d.public_origin, None);
        assert_eq!(
            d.session_idle_timeout.as_duration(),
            Duration::from_secs(1800)
        );
        assert_eq!(
            d.session_max_age.as_duration(),
            Duration::from_secs(8 * 3600)
        );
        let example = Settings::from_yaml(include_str!("../../examples/orchd.yaml")).unwrap();
        assert_eq!(
            (
                example.console.enabled,
                example.console.session_idle_timeout,
                example.console.session_max_age
            ),
            (d.enabled, d.session_idle_timeout, d.session_max_age)
        );
        let s = Settings::from_yaml(
            "console:\n  public_origin: https://orch.example.com\n  session_idle_timeout: 5m\n",
        )
        .unwrap();
        s.validate().unwrap();
        let any: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(s.console_origin(any), "https://orch.example.com");
        let unset = Settings::default();
        assert_eq!(
            unset.console_origin("127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            unset.console_origin("0.0.0.0:9000".parse().unwrap()),
            "http://localhost:9000"
        );
        for (bad, key) in [
            (
                "console:\n  public_origin: https://orch.example.com/console\n",
                "console.public_origin",
            ),
            (
                "console:\n  public_origin: ftp://orch.example.com\n",
                "console.public_origin",
            ),
            (
                "console:\n  public_origin: https://u:p@orch.example.com\n",
                "console.public_origin",
            ),
            (
                "console:\n  session_idle_timeout: 0s\n",
                "console.session_idle_timeout",
            ),
            (
                "console:\n  session_idle_timeout: 1h\n  session_max_age: 30m\n",
                "console.session_max_age",
            ),
        ] {
            let err = Settings::from_yaml(bad).unwrap().validate().unwrap_err();
            assert!(err.to_string().contains(key), "{bad}: {err}");
        }
    }

    #[test]
    fn stream_cap_has_a_default_and_bounds() {
        assert_eq!(Settings::default().api.max_streams_per_caller, 8);
        let example = Settings::from_yaml(include_str!("../../examples/orchd.yaml")).unwrap();
        assert_eq!(example.api.max_streams_per_caller, 8);
        let err = Settings::from_yaml("api:\n  max_streams_per_caller: 0\n")
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(
            err.to_string().contains("api.max_streams_per_caller"),
            "{err}"
        );
    }

    #[test]
    fn file_keys_parse() {
        let s = Settings::from_yaml(
            "listen: 0.0.0.0:9000\nworker: { concurrency: 4 }\nlog: { format: pretty }\n\
             webhooks: { max_body_bytes: 2 MiB, payload_inline_max: 1024 }\nidempotency: { ttl: 12h }\n\
             roles: [api, worker]\n",
        )
        .unwrap();
        assert_eq!(s.listen, "0.0.0.0:9000");
        assert_eq!(s.worker.concurrency, 4);
        assert_eq!(s.log.format, LogFormat::Pretty);
        assert_eq!(s.webhooks.max_body_bytes, ByteSize::mib(2));
        assert_eq!(s.roles.to_string(), "api,worker");
        s.validate().unwrap();
    }

    #[test]
    fn errors_name_the_key() {
        let (key, msg) = Settings::from_yaml("worker:\n  concurrency: lots\n").unwrap_err();
        assert_eq!(key, "worker.concurrency");
        assert!(msg.contains("line 2"), "{msg}");
        assert!(
            !msg.starts_with("worker.concurrency"),
            "the key is named once: {msg}"
        );
        let (key, msg) = Settings::from_yaml("wokrer: {}\n").unwrap_err();
        assert_eq!(key, "wokrer");
        assert!(msg.contains("unknown field"), "{msg}");
        let (key, msg) = Settings::from_yaml("log:\n  colour: red\n").unwrap_err();
        assert_eq!(key, "log.colour");
        assert!(msg.contains("unknown field"), "{msg}");
        let (key, _) = Settings::from_yaml("webhooks: { max_body_bytes: huge }\n").unwrap_err();
        assert_eq!(key, "webhooks.max_body_bytes");
    }

    #[test]
    fn validation_names_the_key() {
        let mut s = Settings {
            listen: "nope".into(),
            ..Settings::default()
        };
        assert!(s.validate().unwrap_err().to_string().contains("`listen`"));
        s.listen = "127.0.0.1:0".into();
        s.database_url = Some(ConnectionUrl::new("mysql://x"));
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("`database_url`")
        );
        s.database_url = None;
        s.worker.concurrency = 0;
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("`worker.concurrency`")
        );
    }

    #[test]
    fn overrides_win_over_the_file() {
        let mut s = Settings::from_yaml("listen: 0.0.0.0:9000\n").unwrap();
        s.apply(&Overrides {
            listen: Some("127.0.0.1:0".into()),
            roles: Some("api".into()),
            ..Overrides::default()
        })
        .unwrap();
        assert_eq!(s.listen, "127.0.0.1:0");
        assert!(s.roles.api && !s.roles.worker);
        let err = s
            .apply(&Overrides {
                worker_concurrency: Some("many".into()),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("ORCHD_WORKER_CONCURRENCY"), "{err}");
    }

    #[test]
    fn urls_are_redacted() {
        let url = ConnectionUrl::new("postgres://orch:s3cret@db:5432/orch?sslmode=require");
        assert_eq!(
            url.redacted(),
            "postgres://orch:***@db:5432/orch?sslmode=require"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(!url.to_string().contains("s3cret"));
        assert_eq!(
            ConnectionUrl::new("redis://127.0.0.1:6379").redacted(),
            "redis://127.0.0.1:6379"
        );
        let s = Settings {
            database_url: Some(url),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("s3cret"));
    }

    #[test]
    fn issuers_need_exactly_one_key_source() {
        let s = Settings::from_yaml(
            "auth:\n  issuers:\n    - iss: a\n      algorithms: [HS256]\n      tenants: [acme]\n      secret_ref: env:X\n      jwks_url: http://x\n",
        )
        .unwrap();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("exactly one")
        );
        let s = Settings::from_yaml(
            "auth:\n  issuers:\n    - iss: a\n      algorithms: [none]\n      tenants: [acme]\n      secret_ref: env:X\n",
        )
        .unwrap();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("not allowed")
        );
    }

    fn issuer_error(yaml: &str) -> String {
        match Settings::from_yaml(yaml) {
            Ok(s) => s
                .validate()
                .map_or_else(|e| e.to_string(), |()| "valid".into()),
            Err((key, message)) => format!("{key}: {message}"),
        }
    }

    #[test]
    fn issuers_must_name_their_tenants() {
        let base = "auth:\n  issuers:\n    - iss: https://idp.example\n      algorithms: [RS256]\n      \
                    public_key_pem: x\n";
        let err = issuer_error(base);
        assert!(err.contains("`auth.issuers[0].tenants`"), "{err}");
        assert!(err.contains("is required"), "{err}");
        let err = issuer_error(&format!("{base}      tenants: []\n"));
        assert!(err.contains("`auth.issuers[0].tenants`"), "{err}");
        // A bad pattern is caught while parsing, with its position in the list.
        let err = issuer_error(&format!("{base}      tenants: [acme, acme*]\n"));
        assert!(err.starts_with("auth.issuers[0].tenants[1]"), "{err}");
        let s = Settings::from_yaml(&format!("{base}      tenants: [acme, \"team-*\", \"*\"]\n"))
            .unwrap();
        s.validate().unwrap();
        let tenants = s.auth.issuers[0].tenants.as_deref().unwrap();
        assert_eq!(
            tenants,
            [
                TenantPattern::parse("acme").unwrap(),
                TenantPattern::Prefix("team-".into()),
                TenantPattern::Any
            ]
        );
    }

    #[test]
    fn jwks_urls_must_be_https_without_the_dev_switch() {
        let issuer = |url: &str| {
            format!(
                "auth:\n  issuers:\n    - iss: i\n      algorithms: [ES256]\n      tenants: [acme]\n      \
                 jwks_url: {url}\n"
            )
        };
        assert_eq!(
            issuer_error(&issuer("https://idp.example/jwks.json")),
            "valid"
        );
        let err = issuer_error(&issuer("http://127.0.0.1:9/jwks.json"));
        assert!(err.contains("`auth.issuers[0].jwks_url`"), "{err}");
        assert!(err.contains("allow_insecure_http"), "{err}");
        let dev = format!(
            "{}  jwks:\n    allow_insecure_http: true\n",
            issuer("http://127.0.0.1:9/jwks.json")
        );
        assert_eq!(issuer_error(&dev), "valid");
        for bad in [
            "ftp://idp.example/jwks",
            "https://user:pw@idp.example/jwks",
            "/jwks.json",
        ] {
            let err = issuer_error(&issuer(bad));
            assert!(err.contains("`auth.issuers[0].jwks_url`"), "{bad}: {err}");
            assert!(!err.contains("pw@"), "credentials echoed: {err}");
        }
    }

    #[test]
    fn jwks_issuers_cannot_use_hmac() {
        let err = issuer_error(
            "auth:\n  issuers:\n    - iss: i\n      algorithms: [ES256, HS256]\n      tenants: [acme]\n      \
             jwks_url: https://idp.example/jwks.json\n",
        );
        assert!(err.contains("`auth.issuers[0].algorithms`"), "{err}");
    }

    #[test]
    fn jwks_settings_have_defaults_and_bounds() {
        let s = Settings::default();
        assert_eq!(
            s.auth.jwks.default_ttl.as_duration(),
            Duration::from_secs(300)
        );
        assert_eq!(s.auth.jwks.min_ttl.as_duration(), Duration::from_secs(60));
        assert_eq!(
            s.auth.jwks.max_ttl.as_duration(),
            Duration::from_secs(86_400)
        );
        assert_eq!(
            s.auth.jwks.refetch_interval.as_duration(),
            Duration::from_secs(30)
        );
        assert!(!s.auth.jwks.allow_insecure_http);
        for (yaml, key) in [
            ("min_ttl: 0s", "auth.jwks.min_ttl"),
            ("max_ttl: 30s", "auth.jwks.max_ttl"),
            ("default_ttl: 30d", "auth.jwks.default_ttl"),
            ("refetch_interval: 10ms", "auth.jwks.refetch_interval"),
            ("timeout: 5m", "auth.jwks.timeout"),
        ] {
            let err = issuer_error(&format!("auth:\n  jwks:\n    {yaml}\n"));
            assert!(err.contains(&format!("`{key}`")), "{yaml}: {err}");
        }
    }

    #[test]
    fn worker_settings_are_read_and_checked() {
        let s = Settings::from_yaml(
            "worker:\n  concurrency: 50\n  lease: 10s\n  poll_interval: 50ms\n  reclaim_interval: 500ms\n",
        )
        .unwrap();
        s.validate().unwrap();
        assert_eq!(s.worker.concurrency, 50);
        assert_eq!(s.worker.lease.as_duration(), Duration::from_secs(10));
        assert_eq!(
            s.worker.poll_interval.as_duration(),
            Duration::from_millis(50)
        );
        for bad in [
            "worker:\n  lease: 100ms\n",
            "worker:\n  concurrency: 0\n",
            "worker:\n  poll_interval: 1ms\n",
        ] {
            let err = Settings::from_yaml(bad).unwrap().validate().unwrap_err();
            assert!(err.to_string().contains("worker."), "{bad}: {err}");
        }
    }

    #[test]
    fn quotas_default_protect_and_tenants_override_field_by_field() {
        let d = Settings::default().quotas;
        assert_eq!(
            (
                d.default.max_queued_jobs,
                d.default.enqueue_per_second,
                d.default.enqueue_burst
            ),
            (100_000, 1000.0, 2000)
        );
        assert_eq!(
            (
                d.default.webhooks.max_queued_jobs,
                d.default.webhooks.per_second,
                d.default.webhooks.burst
            ),
            (200_000, 2000.0, 4000)
        );
        let s = Settings::from_yaml(
            "quotas:\n  default:\n    max_queued_jobs: 500\n    max_queued_jobs_per_queue: { low: 50, default: 400 }\n  \
             tenants:\n    acme:\n      max_queued_jobs: 0\n      max_queued_jobs_per_queue: { low: 5 }\n      \
             webhooks: { per_second: 10 }\n",
        )
        .unwrap();
        s.validate().unwrap();
        let acme = s.quotas.for_tenant("acme");
        assert_eq!(acme.max_queued_jobs, 0, "0 = no limit, set explicitly");
        assert_eq!(
            acme.max_queued_jobs_per_queue,
            BTreeMap::from([("default".to_owned(), 400), ("low".to_owned(), 5)])
        );
        assert_eq!(acme.enqueue_per_second, 1000.0, "inherited");
        assert_eq!(
            (acme.webhooks.per_second, acme.webhooks.burst),
            (10.0, 4000)
        );
        assert_eq!(s.quotas.for_tenant("globex"), s.quotas.default);
    }

    #[test]
    fn bad_quotas_are_refused_naming_the_key() {
        for (yaml, key) in [
            (
                "quotas:\n  default:\n    enqueue_per_second: -1\n",
                "quotas.default.enqueue_per_second",
            ),
            (
                "quotas:\n  default:\n    enqueue_burst: 0\n",
                "quotas.default.enqueue_burst",
            ),
            (
                "quotas:\n  default:\n    max_queued_jobs_per_queue: { urgent: 5 }\n",
                "quotas.default.max_queued_jobs_per_queue.urgent",
            ),
            (
                "quotas:\n  tenants:\n    acme:\n      webhooks: { per_second: 5, burst: 0 }\n",
                "quotas.tenants.acme.webhooks.burst",
            ),
            (
                "quotas:\n  tenants:\n    acme:\n      enqueue_per_second: .inf\n",
                "quotas.tenants.acme.enqueue_per_second",
            ),
            (
                "quotas:\n  tenants:\n    Not_A_Slug: {}\n",
                "quotas.tenants.Not_A_Slug",
            ),
        ] {
            let err = Settings::from_yaml(yaml)
                .unwrap()
                .validate()
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("`{key}`")), "{yaml}: {err}");
        }
        // Unknown keys are refused when the file is read, naming the key.
        let (key, _) = Settings::from_yaml("quotas:\n  default:\n    max_jobs: 5\n").unwrap_err();
        assert_eq!(key, "quotas.default.max_jobs");
        // A rate of 0 is "no limit": no burst needed.
        Settings::from_yaml(
            "quotas:\n  default:\n    enqueue_per_second: 0\n    enqueue_burst: 0\n",
        )
        .unwrap()
        .validate()
        .unwrap();
    }
}

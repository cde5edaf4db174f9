//! Daemon settings (`CONFIG.md` §1): defaults, then the `orchd.yaml` file, then `ORCHD_*`
//! environment variables, then command-line flags. Validated once at start; every error names
//! the key (and, for the file, the line and column).

use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use orch_core::tenant::TenantSlug;
use orch_core::units::{ByteSize, HumanDuration};
use serde::{Deserialize, Serialize};

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
}

/// All daemon settings. Field names are the keys of `orchd.yaml` (the contract).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address the HTTP server binds (`127.0.0.1:8080`; port 0 picks a free port).
    pub listen: String,
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
    /// How long in-flight requests get to finish after SIGTERM / Ctrl-C.
    pub shutdown_grace: HumanDuration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".to_owned(),
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
            shutdown_grace: HumanDuration(Duration::from_secs(30)),
        }
    }
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
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            issuers: Vec::new(),
            max_token_ttl_s: 900,
            operator_token_ttl_s: 900,
            signing_key_ref: None,
        }
    }
}

/// A tenant JWT issuer: exactly one key source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerSettings {
    pub iss: String,
    #[serde(default)]
    pub audience: Option<String>,
    pub algorithms: Vec<String>,
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
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: ByteSize::mib(1),
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
}

impl Default for SecretSettings {
    fn default() -> Self {
        Self {
            docker_dir: PathBuf::from(crate::secrets::DOCKER_SECRETS_DIR),
            vault_addr: None,
            vault_token_ref: None,
            cache_ttl: HumanDuration(Duration::from_secs(60)),
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

/// A connection URL that may hold a password: `Debug` and `Display` redact it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConnectionUrl(String);

impl ConnectionUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The full URL, for connecting. Never log this.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn scheme(&self) -> Option<&str> {
        self.0.split_once(':').map(|(scheme, _)| scheme)
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return self.0.clone();
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        match authority.rsplit_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
                let masked = if userinfo.contains(':') {
                    format!("{user}:***")
                } else {
                    user.to_owned()
                };
                format!("{scheme}://{masked}@{host}{tail}")
            }
            None => self.0.clone(),
        }
    }
}

impl fmt::Debug for ConnectionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl fmt::Display for ConnectionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
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
        let mut seen = BTreeSet::new();
        for issuer in &self.auth.issuers {
            issuer.validate()?;
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
        Ok(())
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

impl IssuerSettings {
    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |message: String| SettingsError::Invalid {
            key: "auth.issuers",
            message,
        };
        if self.iss.trim().is_empty() {
            return Err(invalid("an issuer has an empty `iss`".to_owned()));
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
            return Err(invalid(format!(
                "issuer {:?} must have exactly one of secret_ref, public_key_pem, keys, jwks_url",
                self.iss
            )));
        }
        if self.algorithms.is_empty() {
            return Err(invalid(format!(
                "issuer {:?}: `algorithms` must list at least one of {}",
                self.iss,
                ISSUER_ALGORITHMS.join(", ")
            )));
        }
        for alg in &self.algorithms {
            if !ISSUER_ALGORITHMS.contains(&alg.as_str()) {
                return Err(invalid(format!(
                    "issuer {:?}: algorithm {alg:?} is not allowed (allowed: {})",
                    self.iss,
                    ISSUER_ALGORITHMS.join(", ")
                )));
            }
        }
        Ok(())
    }
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
            s.storage.request_log_flush.as_duration(),
            Duration::from_millis(500)
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
            "auth:\n  issuers:\n    - iss: a\n      algorithms: [HS256]\n      secret_ref: env:X\n      jwks_url: http://x\n",
        )
        .unwrap();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("exactly one")
        );
        let s = Settings::from_yaml(
            "auth:\n  issuers:\n    - iss: a\n      algorithms: [none]\n      secret_ref: env:X\n",
        )
        .unwrap();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("not allowed")
        );
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
}

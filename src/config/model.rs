//! The orchestrator config document (`CONFIG.md` §2), as typed values. A document is first
//! checked by `validate` (every problem, with positions); only a valid document is turned into
//! these types.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One tenant's integrations: policies, connectors, webhook routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "orch OrchestratorConfig")]
pub struct OrchestratorConfig {
    /// Must equal the tenant the document is applied to.
    pub tenant: String,
    /// Named resilience policies, referenced by connectors.
    #[serde(default)]
    pub policies: BTreeMap<String, Policy>,
    /// Outside HTTP APIs this tenant calls.
    #[serde(default)]
    pub connectors: BTreeMap<String, Connector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
}

/// Timeouts, retries, circuit breaker, rate limit and concurrency cap of a connector's calls.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub timeouts: Timeouts,
    #[serde(default)]
    pub retry: Retry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<CircuitBreaker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// In-flight calls per tenant+connector; 0 = no cap.
    #[serde(default)]
    pub max_concurrency: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Timeouts {
    /// TCP (and TLS) connect, 1–60000 ms.
    pub connect_ms: u64,
    /// Waiting for response bytes, 1–600000 ms.
    pub read_ms: u64,
    /// The whole call including every retry and backoff sleep, 1–3600000 ms.
    pub total_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect_ms: 2_000,
            read_ms: 5_000,
            total_ms: 15_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Retry {
    /// Total attempts including the first, 1–20.
    pub max_attempts: u32,
    pub backoff: Backoff,
    /// Which failures are retried: `connect_error`, `timeout`, `5xx`, or a status code such as `"429"`.
    pub retry_on: Vec<String>,
    /// Wait as long as the upstream's `Retry-After` asks (up to a cap).
    pub respect_retry_after: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            max_attempts: 1,
            backoff: Backoff::default(),
            retry_on: ["connect_error", "timeout", "429", "502", "503", "504"]
                .map(str::to_owned)
                .to_vec(),
            respect_retry_after: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Backoff {
    /// First delay, 1–60000 ms.
    pub base_ms: u64,
    /// Longest delay, base_ms–600000 ms.
    pub max_ms: u64,
    pub jitter: Jitter,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base_ms: 200,
            max_ms: 5_000,
            jitter: Jitter::Full,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Jitter {
    Full,
    Equal,
    Decorrelated,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreaker {
    /// Open when at least this share of calls in the window failed, (0, 1].
    pub failure_rate_threshold: f64,
    /// …and at least this many calls were made, 1–100000.
    pub minimum_calls: u32,
    /// Sliding window, 1–3600 s.
    pub window_s: u32,
    /// How long to stay open before half-open probes, 1–86400 s.
    pub open_s: u32,
    /// Probes allowed while half-open, 1–1000.
    #[serde(default = "default_half_open_max_calls")]
    pub half_open_max_calls: u32,
    /// Calls slower than this count as failures; 0 = off.
    #[serde(default)]
    pub slow_call_ms: u64,
}

fn default_half_open_max_calls() -> u32 {
    3
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Tokens added per second, (0, 1000000].
    pub per_second: f64,
    /// Bucket size, 1–1000000.
    pub burst: u32,
    #[serde(default)]
    pub scope: RateLimitScope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitScope {
    /// One bucket per tenant, shared by its connectors.
    #[default]
    Tenant,
    /// One bucket per tenant and connector.
    Connector,
}

/// An outside HTTP API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connector {
    /// `http://` or `https://` URL every operation path is appended to.
    pub base_url: String,
    #[serde(default)]
    pub auth: Auth,
    /// A policy name; unset = the built-in defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub default_headers: BTreeMap<String, String>,
    pub operations: BTreeMap<String, Operation>,
}

/// How a connector authenticates; secrets are SecretRefs, never values.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Auth {
    /// `Authorization: Bearer <secret>`.
    Bearer { secret_ref: String },
    /// `Authorization: Basic base64(username:secret)`.
    Basic {
        username: String,
        secret_ref: String,
    },
    /// `<name>: <secret>`.
    Header { name: String, secret_ref: String },
    #[default]
    None,
}

impl Auth {
    pub fn secret_ref(&self) -> Option<&str> {
        match self {
            Auth::Bearer { secret_ref }
            | Auth::Basic { secret_ref, .. }
            | Auth::Header { secret_ref, .. } => Some(secret_ref),
            Auth::None => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Auth::Bearer { .. } => "bearer",
            Auth::Basic { .. } => "basic",
            Auth::Header { .. } => "header",
            Auth::None => "none",
        }
    }
}

/// A named call: method, path template (`/v1/customers/{id}`), body encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub method: Method,
    pub path: String,
    /// Unset: `json` for POST, PUT and PATCH, `none` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyEncoding>,
}

impl Operation {
    pub fn body_encoding(&self) -> BodyEncoding {
        self.body.unwrap_or(match self.method {
            Method::Post | Method::Put | Method::Patch => BodyEncoding::Json,
            _ => BodyEncoding::None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
        }
    }

    /// Safe to repeat without an idempotency key.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    Json,
    Form,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe: Option<StripeWebhooks>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeWebhooks {
    /// SecretRefs of every active signing secret (several during a roll).
    pub signing_secrets: Vec<String>,
    /// Accepted clock difference, both ways, 1–86400 s.
    #[serde(default = "default_tolerance_s")]
    pub tolerance_s: u64,
    #[serde(default)]
    pub routes: Vec<Route>,
}

fn default_tolerance_s() -> u64 {
    300
}

/// Event types (exact, `prefix.*`, or `*`) → a connector operation, with the event as body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub events: Vec<String>,
    pub connector: String,
    pub operation: String,
    #[serde(default = "default_route_queue")]
    pub queue: String,
}

fn default_route_queue() -> String {
    "webhook".to_owned()
}

/// The queues jobs can go on.
pub const QUEUES: [&str; 4] = ["webhook", "critical", "default", "low"];

/// Whether `event_type` matches a route pattern: exact, `prefix.*`, or `*`.
pub fn event_matches(pattern: &str, event_type: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_patterns() {
        assert!(event_matches("*", "invoice.paid"));
        assert!(event_matches("invoice.*", "invoice.paid"));
        assert!(!event_matches("invoice.*", "invoices.paid"));
        assert!(event_matches("invoice.paid", "invoice.paid"));
        assert!(!event_matches("invoice.paid", "invoice.paid.extra"));
    }

    #[test]
    fn body_encoding_defaults_by_method() {
        let op = |m| Operation {
            method: m,
            path: "/".into(),
            body: None,
        };
        assert_eq!(op(Method::Post).body_encoding(), BodyEncoding::Json);
        assert_eq!(op(Method::Get).body_encoding(), BodyEncoding::None);
    }
}

//! Validation of a config document: every problem at once, each with its document path and
//! `line:column`. Structure (unknown or missing keys, types, ranges) and meaning (references
//! between policies, connectors, operations and routes; path templates; SecretRef grammar)
//! are checked in one pass over the positioned tree.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::{OrchestratorConfig, QUEUES};
use super::path_template;
use super::secret_ref::SecretRef;
use super::tree::{self, Key, Node, NodeKind, Pos, Scalar};
use crate::tenant::TenantSlug;

/// One problem (or warning) in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigIssue {
    /// Dotted document path, `connectors.stripe.operations.get_customer.path`; `""` = the document.
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "(document)"
        } else {
            &self.path
        };
        write!(f, "{}:{}: {path}: {}", self.line, self.column, self.message)
    }
}

/// The text the document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    Yaml,
    Json,
}

impl DocumentFormat {
    /// JSON if the text starts with `{`, else YAML.
    pub fn detect(text: &str) -> Self {
        if text.trim_start().starts_with('{') {
            Self::Json
        } else {
            Self::Yaml
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yaml => "yaml",
            Self::Json => "json",
        }
    }
}

/// A document that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDocument {
    pub config: OrchestratorConfig,
    pub format: DocumentFormat,
    pub warnings: Vec<ConfigIssue>,
}

/// Validates `text`; `expected_tenant` is the tenant it is applied to (if known).
pub fn validate(
    text: &str,
    expected_tenant: Option<&str>,
) -> Result<ValidDocument, Vec<ConfigIssue>> {
    let root = tree::parse(text).map_err(|e| {
        vec![ConfigIssue {
            path: String::new(),
            line: e.pos.line,
            column: e.pos.column,
            message: format!("not valid YAML/JSON: {}", e.message),
        }]
    })?;
    let mut c = Checker::default();
    c.document(&root, expected_tenant);
    if !c.errors.is_empty() {
        c.errors.sort_by_key(|a| (a.line, a.column));
        return Err(c.errors);
    }
    let mut json = root.to_json();
    normalize(&mut json);
    let config: OrchestratorConfig = serde_json::from_value(json).map_err(|e| {
        vec![ConfigIssue {
            path: String::new(),
            line: root.pos.line,
            column: root.pos.column,
            message: format!("does not match the schema: {e}"),
        }]
    })?;
    Ok(ValidDocument {
        config,
        format: DocumentFormat::detect(text),
        warnings: c.warnings,
    })
}

/// Spellings the checker accepts that the typed model does not: lowercase methods, status
/// codes written as numbers.
fn normalize(json: &mut Value) {
    if let Some(connectors) = json.get_mut("connectors").and_then(Value::as_object_mut) {
        for connector in connectors.values_mut() {
            if let Some(ops) = connector
                .get_mut("operations")
                .and_then(Value::as_object_mut)
            {
                for op in ops.values_mut() {
                    if let Some(Value::String(m)) = op.get_mut("method") {
                        *m = m.to_ascii_uppercase();
                    }
                }
            }
        }
    }
    if let Some(policies) = json.get_mut("policies").and_then(Value::as_object_mut) {
        for policy in policies.values_mut() {
            if let Some(list) = policy
                .get_mut("retry")
                .and_then(|r| r.get_mut("retry_on"))
                .and_then(Value::as_array_mut)
            {
                for item in list.iter_mut() {
                    if let Value::Number(n) = item {
                        *item = Value::String(n.to_string());
                    }
                }
            }
        }
    }
}

/// The most SecretRefs one document may name: each is resolved on apply, so the number a
/// caller can make the daemon look up stays small.
pub const MAX_SECRET_REFS: usize = 64;

#[derive(Default)]
struct Checker {
    errors: Vec<ConfigIssue>,
    warnings: Vec<ConfigIssue>,
    secret_refs: usize,
}

type Entries = [(Key, Node)];

fn get<'n>(entries: &'n Entries, key: &str) -> Option<&'n Node> {
    entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

const NAME_HINT: &str = "names are 1–64 characters of letters, digits, '_' and '-'";

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

impl Checker {
    fn error(&mut self, path: &str, pos: Pos, message: impl Into<String>) {
        self.errors.push(ConfigIssue {
            path: path.to_owned(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        });
    }

    fn warn(&mut self, path: &str, pos: Pos, message: impl Into<String>) {
        self.warnings.push(ConfigIssue {
            path: path.to_owned(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        });
    }

    /// A mapping with only `allowed` keys and every `required` one.
    fn map<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<&'n Entries> {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                path,
                node.pos,
                format!("expected a mapping, found {}", node.type_name()),
            );
            return None;
        };
        for (key, _) in entries {
            if !allowed.contains(&key.name.as_str()) {
                self.error(
                    &join(path, &key.name),
                    key.pos,
                    format!(
                        "unknown key `{}` (expected one of: {})",
                        key.name,
                        allowed.join(", ")
                    ),
                );
            }
        }
        for req in required {
            if get(entries, req).is_none() {
                self.error(path, node.pos, format!("missing key `{req}`"));
            }
        }
        Some(entries)
    }

    /// A mapping of user-chosen names; each name is checked.
    fn named<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n Entries> {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                path,
                node.pos,
                format!("expected a mapping of names, found {}", node.type_name()),
            );
            return None;
        };
        for (key, _) in entries {
            if !valid_name(&key.name) {
                self.error(
                    &join(path, &key.name),
                    key.pos,
                    format!("invalid name {:?}: {NAME_HINT}", key.name),
                );
            }
        }
        Some(entries)
    }

    fn string<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Scalar(Scalar::Str(s)) => Some(s),
            _ => {
                self.error(
                    path,
                    node.pos,
                    format!("expected a string, found {}", node.type_name()),
                );
                None
            }
        }
    }

    fn uint(&mut self, node: &Node, path: &str, min: u64, max: u64) -> Option<u64> {
        match &node.kind {
            NodeKind::Scalar(Scalar::Int(i)) => match u64::try_from(*i) {
                Ok(v) if (min..=max).contains(&v) => Some(v),
                _ => {
                    self.error(path, node.pos, format!("{i} is out of range {min}–{max}"));
                    None
                }
            },
            _ => {
                self.error(
                    path,
                    node.pos,
                    format!("expected an integer, found {}", node.type_name()),
                );
                None
            }
        }
    }

    /// A number in `(min, max]` when `min_exclusive`, else `[min, max]`.
    fn number(
        &mut self,
        node: &Node,
        path: &str,
        min: f64,
        min_exclusive: bool,
        max: f64,
    ) -> Option<f64> {
        let v = match &node.kind {
            NodeKind::Scalar(Scalar::Int(i)) => *i as f64,
            NodeKind::Scalar(Scalar::Float(f)) => *f,
            _ => {
                self.error(
                    path,
                    node.pos,
                    format!("expected a number, found {}", node.type_name()),
                );
                return None;
            }
        };
        let above = if min_exclusive { v > min } else { v >= min };
        if !(above && v <= max && v.is_finite()) {
            let open = if min_exclusive { "(" } else { "[" };
            self.error(
                path,
                node.pos,
                format!("{v} is out of range {open}{min}, {max}]"),
            );
            return None;
        }
        Some(v)
    }

    fn boolean(&mut self, node: &Node, path: &str) {
        if !matches!(node.kind, NodeKind::Scalar(Scalar::Bool(_))) {
            self.error(
                path,
                node.pos,
                format!("expected true or false, found {}", node.type_name()),
            );
        }
    }

    fn one_of(&mut self, node: &Node, path: &str, choices: &[&str]) -> Option<String> {
        let s = self.string(node, path)?;
        if choices.contains(&s) {
            Some(s.to_owned())
        } else {
            self.error(
                path,
                node.pos,
                format!("{s:?} is not one of: {}", choices.join(", ")),
            );
            None
        }
    }

    fn list<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n [Node]> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ => {
                self.error(
                    path,
                    node.pos,
                    format!("expected a list, found {}", node.type_name()),
                );
                None
            }
        }
    }

    fn secret_ref(&mut self, node: &Node, path: &str) {
        self.secret_refs += 1;
        if self.secret_refs == MAX_SECRET_REFS + 1 {
            self.error(
                path,
                node.pos,
                format!("a document may name at most {MAX_SECRET_REFS} SecretRefs"),
            );
        }
        if let Some(s) = self.string(node, path)
            && let Err(e) = SecretRef::parse(s)
        {
            self.error(path, node.pos, format!("invalid SecretRef {s:?}: {e}"));
        }
    }

    fn document(&mut self, root: &Node, expected_tenant: Option<&str>) {
        let Some(entries) = self.map(
            root,
            "",
            &["tenant", "policies", "connectors", "webhooks"],
            &["tenant"],
        ) else {
            return;
        };
        if let Some(node) = get(entries, "tenant")
            && let Some(tenant) = self.string(node, "tenant")
        {
            if let Err(e) = TenantSlug::parse(tenant) {
                self.error("tenant", node.pos, e.to_string());
            } else if let Some(expected) = expected_tenant.filter(|e| *e != tenant) {
                self.error(
                    "tenant",
                    node.pos,
                    format!("the document is for tenant {tenant:?} but is applied to {expected:?}"),
                );
            }
        }
        let mut policy_names = BTreeSet::new();
        if let Some(node) = get(entries, "policies")
            && let Some(policies) = self.named(node, "policies")
        {
            for (key, policy) in policies {
                policy_names.insert(key.name.clone());
                self.policy(policy, &join("policies", &key.name));
            }
        }
        let mut used_policies = BTreeSet::new();
        let mut operations: Vec<(String, BTreeSet<String>)> = Vec::new();
        if let Some(node) = get(entries, "connectors")
            && let Some(connectors) = self.named(node, "connectors")
        {
            for (key, connector) in connectors {
                let path = join("connectors", &key.name);
                let ops = self.connector(connector, &path, &policy_names, &mut used_policies);
                operations.push((key.name.clone(), ops));
            }
        }
        if let Some(node) = get(entries, "policies")
            && let NodeKind::Map(policies) = &node.kind
        {
            for (key, _) in policies {
                if !used_policies.contains(&key.name) {
                    self.warn(
                        &join("policies", &key.name),
                        key.pos,
                        format!("policy {:?} is not used by any connector", key.name),
                    );
                }
            }
        }
        if let Some(node) = get(entries, "webhooks") {
            self.webhooks(node, &operations);
        }
    }

    fn policy(&mut self, node: &Node, path: &str) {
        let Some(p) = self.map(
            node,
            path,
            &[
                "timeouts",
                "retry",
                "circuit_breaker",
                "rate_limit",
                "max_concurrency",
            ],
            &[],
        ) else {
            return;
        };
        if let Some(t) = get(p, "timeouts") {
            let tp = join(path, "timeouts");
            if let Some(t) = self.map(t, &tp, &["connect_ms", "read_ms", "total_ms"], &[]) {
                let connect = get(t, "connect_ms")
                    .and_then(|n| self.uint(n, &join(&tp, "connect_ms"), 1, 60_000));
                get(t, "read_ms").map(|n| self.uint(n, &join(&tp, "read_ms"), 1, 600_000));
                if let Some(n) = get(t, "total_ms")
                    && let Some(total) = self.uint(n, &join(&tp, "total_ms"), 1, 3_600_000)
                {
                    let connect = connect.unwrap_or(2_000);
                    if total < connect {
                        self.error(
                            &join(&tp, "total_ms"),
                            n.pos,
                            format!("total_ms ({total}) is shorter than connect_ms ({connect})"),
                        );
                    }
                }
            }
        }
        if let Some(r) = get(p, "retry") {
            let rp = join(path, "retry");
            if let Some(r) = self.map(
                r,
                &rp,
                &["max_attempts", "backoff", "retry_on", "respect_retry_after"],
                &[],
            ) {
                get(r, "max_attempts").map(|n| self.uint(n, &join(&rp, "max_attempts"), 1, 20));
                if let Some(b) = get(r, "backoff") {
                    let bp = join(&rp, "backoff");
                    if let Some(b) = self.map(b, &bp, &["base_ms", "max_ms", "jitter"], &[]) {
                        let base = get(b, "base_ms")
                            .and_then(|n| self.uint(n, &join(&bp, "base_ms"), 1, 60_000));
                        if let Some(n) = get(b, "max_ms")
                            && let Some(max) = self.uint(n, &join(&bp, "max_ms"), 1, 600_000)
                        {
                            let base = base.unwrap_or(200);
                            if max < base {
                                self.error(
                                    &join(&bp, "max_ms"),
                                    n.pos,
                                    format!("max_ms ({max}) is below base_ms ({base})"),
                                );
                            }
                        }
                        get(b, "jitter").map(|n| {
                            self.one_of(
                                n,
                                &join(&bp, "jitter"),
                                &["full", "equal", "decorrelated", "none"],
                            )
                        });
                    }
                }
                if let Some(list) = get(r, "retry_on") {
                    let lp = join(&rp, "retry_on");
                    if let Some(items) = self.list(list, &lp) {
                        for (i, item) in items.iter().enumerate() {
                            let ip = format!("{lp}[{i}]");
                            let text = match &item.kind {
                                NodeKind::Scalar(Scalar::Str(s)) => s.clone(),
                                NodeKind::Scalar(Scalar::Int(n)) => n.to_string(),
                                _ => {
                                    self.error(
                                        &ip,
                                        item.pos,
                                        format!("expected a string, found {}", item.type_name()),
                                    );
                                    continue;
                                }
                            };
                            let status_ok = text.len() == 3
                                && text.parse::<u16>().is_ok_and(|s| (400..600).contains(&s));
                            if !(status_ok
                                || matches!(text.as_str(), "connect_error" | "timeout" | "5xx"))
                            {
                                self.error(
                                    &ip,
                                    item.pos,
                                    format!("{text:?} is not connect_error, timeout, 5xx or a 4xx/5xx status code"),
                                );
                            }
                        }
                    }
                }
                if let Some(n) = get(r, "respect_retry_after") {
                    self.boolean(n, &join(&rp, "respect_retry_after"));
                }
            }
        }
        if let Some(cb) = get(p, "circuit_breaker") {
            let cp = join(path, "circuit_breaker");
            let keys = [
                "failure_rate_threshold",
                "minimum_calls",
                "window_s",
                "open_s",
                "half_open_max_calls",
                "slow_call_ms",
            ];
            if let Some(cb) = self.map(cb, &cp, &keys, &keys[..4]) {
                get(cb, "failure_rate_threshold")
                    .map(|n| self.number(n, &join(&cp, "failure_rate_threshold"), 0.0, true, 1.0));
                get(cb, "minimum_calls")
                    .map(|n| self.uint(n, &join(&cp, "minimum_calls"), 1, 100_000));
                get(cb, "window_s").map(|n| self.uint(n, &join(&cp, "window_s"), 1, 3_600));
                get(cb, "open_s").map(|n| self.uint(n, &join(&cp, "open_s"), 1, 86_400));
                get(cb, "half_open_max_calls")
                    .map(|n| self.uint(n, &join(&cp, "half_open_max_calls"), 1, 1_000));
                get(cb, "slow_call_ms")
                    .map(|n| self.uint(n, &join(&cp, "slow_call_ms"), 0, 600_000));
            }
        }
        if let Some(rl) = get(p, "rate_limit") {
            let lp = join(path, "rate_limit");
            if let Some(rl) = self.map(
                rl,
                &lp,
                &["per_second", "burst", "scope"],
                &["per_second", "burst"],
            ) {
                get(rl, "per_second")
                    .map(|n| self.number(n, &join(&lp, "per_second"), 0.0, true, 1_000_000.0));
                get(rl, "burst").map(|n| self.uint(n, &join(&lp, "burst"), 1, 1_000_000));
                get(rl, "scope")
                    .map(|n| self.one_of(n, &join(&lp, "scope"), &["tenant", "connector"]));
            }
        }
        if let Some(n) = get(p, "max_concurrency") {
            self.uint(n, &join(path, "max_concurrency"), 0, 100_000);
        }
    }

    /// Returns the connector's operation names.
    fn connector(
        &mut self,
        node: &Node,
        path: &str,
        policies: &BTreeSet<String>,
        used: &mut BTreeSet<String>,
    ) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let Some(c) = self.map(
            node,
            path,
            &[
                "base_url",
                "auth",
                "policy",
                "default_headers",
                "operations",
            ],
            &["base_url", "operations"],
        ) else {
            return names;
        };
        if let Some(n) = get(c, "base_url") {
            let bp = join(path, "base_url");
            if let Some(url) = self.string(n, &bp)
                && let Err(e) = check_base_url(url)
            {
                self.error(&bp, n.pos, e);
            }
        }
        if let Some(a) = get(c, "auth") {
            self.auth(a, &join(path, "auth"));
        }
        if let Some(n) = get(c, "policy") {
            let pp = join(path, "policy");
            if let Some(name) = self.string(n, &pp) {
                if policies.contains(name) {
                    used.insert(name.to_owned());
                } else {
                    let known: Vec<&str> = policies.iter().map(String::as_str).collect();
                    self.error(
                        &pp,
                        n.pos,
                        format!(
                            "no policy named {name:?} (defined: {})",
                            list_or_none(&known)
                        ),
                    );
                }
            }
        }
        if let Some(h) = get(c, "default_headers") {
            let hp = join(path, "default_headers");
            if let NodeKind::Map(headers) = &h.kind {
                for (key, value) in headers {
                    let kp = join(&hp, &key.name);
                    if !is_header_name(&key.name) {
                        self.error(
                            &kp,
                            key.pos,
                            format!("{:?} is not a valid header name", key.name),
                        );
                    } else if is_credential_header(&key.name) {
                        self.error(
                            &kp,
                            key.pos,
                            format!(
                                "{:?} carries a credential: configure it with auth (a secret_ref), never as a literal header",
                                key.name
                            ),
                        );
                    }
                    if let Some(v) = self.string(value, &kp)
                        && v.contains(['\r', '\n'])
                    {
                        self.error(&kp, value.pos, "header values cannot contain line breaks");
                    }
                }
            } else {
                self.error(
                    &hp,
                    h.pos,
                    format!(
                        "expected a mapping of header names, found {}",
                        h.type_name()
                    ),
                );
            }
        }
        if let Some(ops) = get(c, "operations") {
            let op_path = join(path, "operations");
            if let Some(ops) = self.named(ops, &op_path) {
                if ops.is_empty() {
                    self.error(
                        &op_path,
                        node.pos,
                        "a connector needs at least one operation",
                    );
                }
                for (key, op) in ops {
                    names.insert(key.name.clone());
                    self.operation(op, &join(&op_path, &key.name));
                }
            }
        }
        names
    }

    fn auth(&mut self, node: &Node, path: &str) {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                path,
                node.pos,
                format!("expected a mapping, found {}", node.type_name()),
            );
            return;
        };
        let Some(kind) = get(entries, "type") else {
            self.error(
                path,
                node.pos,
                "missing key `type` (bearer, basic, header or none)",
            );
            return;
        };
        let Some(kind) = self.one_of(
            kind,
            &join(path, "type"),
            &["bearer", "basic", "header", "none"],
        ) else {
            return;
        };
        let (allowed, required): (&[&str], &[&str]) = match kind.as_str() {
            "bearer" => (&["type", "secret_ref"], &["secret_ref"]),
            "basic" => (
                &["type", "username", "secret_ref"],
                &["username", "secret_ref"],
            ),
            "header" => (&["type", "name", "secret_ref"], &["name", "secret_ref"]),
            _ => (&["type"], &[]),
        };
        let Some(entries) = self.map(node, path, allowed, required) else {
            return;
        };
        if let Some(n) = get(entries, "secret_ref") {
            self.secret_ref(n, &join(path, "secret_ref"));
        }
        if let Some(n) = get(entries, "username") {
            self.string(n, &join(path, "username"));
        }
        if let Some(n) = get(entries, "name") {
            let np = join(path, "name");
            if let Some(name) = self.string(n, &np)
                && !is_header_name(name)
            {
                self.error(&np, n.pos, format!("{name:?} is not a valid header name"));
            }
        }
    }

    fn operation(&mut self, node: &Node, path: &str) {
        let Some(op) = self.map(node, path, &["method", "path", "body"], &["method", "path"])
        else {
            return;
        };
        let mut method = None;
        if let Some(n) = get(op, "method") {
            let mp = join(path, "method");
            if let Some(m) = self.string(n, &mp) {
                let upper = m.to_ascii_uppercase();
                if ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(&upper.as_str()) {
                    method = Some(upper);
                } else {
                    self.error(
                        &mp,
                        n.pos,
                        format!("{m:?} is not one of GET, POST, PUT, PATCH, DELETE, HEAD"),
                    );
                }
            }
        }
        if let Some(n) = get(op, "path") {
            let pp = join(path, "path");
            if let Some(t) = self.string(n, &pp)
                && let Err(e) = path_template::parse(t)
            {
                self.error(&pp, n.pos, format!("bad path template {t:?}: {e}"));
            }
        }
        if let Some(n) = get(op, "body") {
            let bp = join(path, "body");
            if let Some(body) = self.one_of(n, &bp, &["json", "form", "none"])
                && body != "none"
                && matches!(method.as_deref(), Some("GET" | "HEAD"))
            {
                self.warn(
                    &bp,
                    n.pos,
                    format!(
                        "a {} request with a {body} body",
                        method.unwrap_or_default()
                    ),
                );
            }
        }
    }

    fn webhooks(&mut self, node: &Node, operations: &[(String, BTreeSet<String>)]) {
        let Some(w) = self.map(node, "webhooks", &["stripe"], &[]) else {
            return;
        };
        let Some(s) = get(w, "stripe") else {
            return;
        };
        let sp = "webhooks.stripe";
        let Some(s) = self.map(
            s,
            sp,
            &["signing_secrets", "tolerance_s", "routes"],
            &["signing_secrets"],
        ) else {
            return;
        };
        if let Some(n) = get(s, "signing_secrets") {
            let lp = join(sp, "signing_secrets");
            if let Some(items) = self.list(n, &lp) {
                if items.is_empty() {
                    self.error(&lp, n.pos, "name at least one signing secret");
                }
                for (i, item) in items.iter().enumerate() {
                    self.secret_ref(item, &format!("{lp}[{i}]"));
                }
            }
        }
        if let Some(n) = get(s, "tolerance_s") {
            self.uint(n, &join(sp, "tolerance_s"), 1, 86_400);
        }
        let Some(n) = get(s, "routes") else {
            return;
        };
        let Some(routes) = self.list(n, &join(sp, "routes")) else {
            return;
        };
        for (i, route) in routes.iter().enumerate() {
            let rp = format!("{sp}.routes[{i}]");
            let Some(r) = self.map(
                route,
                &rp,
                &["events", "connector", "operation", "queue"],
                &["events", "connector", "operation"],
            ) else {
                continue;
            };
            if let Some(ev) = get(r, "events") {
                let ep = join(&rp, "events");
                if let Some(items) = self.list(ev, &ep) {
                    if items.is_empty() {
                        self.error(&ep, ev.pos, "name at least one event type or pattern");
                    }
                    for (j, item) in items.iter().enumerate() {
                        let ip = format!("{ep}[{j}]");
                        if let Some(pattern) = self.string(item, &ip)
                            && !valid_event_pattern(pattern)
                        {
                            self.error(
                                &ip,
                                item.pos,
                                format!(
                                    "{pattern:?} is not an event type, a `prefix.*` pattern or `*`"
                                ),
                            );
                        }
                    }
                }
            }
            let connector = get(r, "connector")
                .and_then(|n| self.string(n, &join(&rp, "connector")).map(|s| (s, n)));
            let ops = connector.and_then(|(name, n)| {
                let found = operations
                    .iter()
                    .find(|(c, _)| c == name)
                    .map(|(_, ops)| ops);
                if found.is_none() {
                    let known: Vec<&str> = operations.iter().map(|(c, _)| c.as_str()).collect();
                    self.error(
                        &join(&rp, "connector"),
                        n.pos,
                        format!(
                            "no connector named {name:?} (defined: {})",
                            list_or_none(&known)
                        ),
                    );
                }
                found
            });
            if let Some(n) = get(r, "operation") {
                let op_path = join(&rp, "operation");
                if let Some(op) = self.string(n, &op_path)
                    && let (Some(ops), Some((cname, _))) = (ops, connector)
                    && !ops.contains(op)
                {
                    let known: Vec<&str> = ops.iter().map(String::as_str).collect();
                    self.error(
                        &op_path,
                        n.pos,
                        format!(
                            "connector {cname:?} has no operation {op:?} (defined: {})",
                            list_or_none(&known)
                        ),
                    );
                }
            }
            if let Some(n) = get(r, "queue") {
                self.one_of(n, &join(&rp, "queue"), &QUEUES);
            }
        }
    }
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Header names that carry credentials: a config document holds only SecretRefs, so these
/// never appear as literal `default_headers`.
pub fn is_credential_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "x-api-key" | "api-key"
    ) || [
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "api-key",
        "api_key",
        "credential",
        "session",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn valid_event_pattern(p: &str) -> bool {
    if p == "*" {
        return true;
    }
    let body = p.strip_suffix(".*").unwrap_or(p);
    !body.is_empty()
        && body.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?} must start with http:// or https://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("{url:?} has no host"));
    }
    if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{url:?} must be a plain URL (no query, fragment or spaces)"
        ));
    }
    if host.contains('@') {
        return Err("credentials do not belong in base_url; use auth with a secret_ref".to_owned());
    }
    Ok(())
}

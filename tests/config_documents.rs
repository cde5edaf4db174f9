//! The config document: the example validates; each kind of invalid document yields an error
//! naming its path and line:column; canonical form and diff behave.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use orch_core::config::diff::diff;
use orch_core::config::model::{Auth, BodyEncoding, Jitter, Method};
use orch_core::config::{ConfigIssue, DocumentFormat, validate};

const EXAMPLE: &str = include_str!("../examples/tenant-acme.yaml");

fn errors(doc: &str, tenant: Option<&str>) -> Vec<ConfigIssue> {
    validate(doc, tenant).expect_err("document should be invalid")
}

/// The one error of `doc`, which must be at `path`, `line:col`, saying `contains`.
fn assert_error(doc: &str, path: &str, line: usize, column: usize, contains: &str) {
    let errs = errors(doc, Some("acme"));
    let found = errs
        .iter()
        .find(|e| e.path == path)
        .unwrap_or_else(|| panic!("no error at {path}; got {errs:#?}"));
    assert_eq!((found.line, found.column), (line, column), "{found}");
    assert!(found.message.contains(contains), "{found}");
}

#[test]
fn the_example_is_valid() {
    let doc = validate(EXAMPLE, Some("acme")).unwrap();
    assert_eq!(doc.format, DocumentFormat::Yaml);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    let c = doc.config;
    assert_eq!(c.tenant, "acme");
    let stripe = &c.connectors["stripe"];
    assert_eq!(stripe.policy.as_deref(), Some("external-default"));
    assert_eq!(
        stripe.auth,
        Auth::Bearer {
            secret_ref: "env:ORCH_ACME_STRIPE_KEY".into()
        }
    );
    assert_eq!(
        stripe.operations["create_customer"].body_encoding(),
        BodyEncoding::Form
    );
    assert_eq!(stripe.operations["get_customer"].method, Method::Get);
    let p = &c.policies["external-default"];
    assert_eq!(p.retry.max_attempts, 4);
    assert_eq!(p.retry.backoff.jitter, Jitter::Full);
    assert_eq!(c.policies["internal-fast"].circuit_breaker, None);
    let routes = &c.webhooks.as_ref().unwrap().stripe.as_ref().unwrap().routes;
    assert_eq!(routes[1].queue, "webhook", "default queue");
    assert_eq!(c.secret_refs().len(), 4);
}

#[test]
fn unknown_keys_are_errors_at_the_key() {
    assert_error(
        "tenant: acme\nconectors: {}\n",
        "conectors",
        2,
        1,
        "unknown key `conectors`",
    );
    let doc = "tenant: acme\npolicies:\n  p:\n    timeouts: { connect_ms: 10, red_ms: 5 }\n";
    assert_error(doc, "policies.p.timeouts.red_ms", 4, 33, "unknown key");
}

#[test]
fn dangling_references_are_named() {
    let doc = "\
tenant: acme
connectors:
  billing:
    base_url: http://billing:8000
    policy: missing-policy
    operations:
      on_invoice: { method: POST, path: /hooks }
webhooks:
  stripe:
    signing_secrets: [\"env:WHSEC\"]
    routes:
      - events: [invoice.paid]
        connector: billing
        operation: on_refund
      - events: [\"*\"]
        connector: nowhere
        operation: on_invoice
";
    let errs = errors(doc, Some("acme"));
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert_error(
        doc,
        "connectors.billing.policy",
        5,
        13,
        "no policy named \"missing-policy\"",
    );
    assert_error(
        doc,
        "webhooks.stripe.routes[0].operation",
        14,
        20,
        "no operation \"on_refund\"",
    );
    assert_error(
        doc,
        "webhooks.stripe.routes[1].connector",
        16,
        20,
        "no connector named \"nowhere\"",
    );
}

#[test]
fn bad_path_templates() {
    let doc = "tenant: acme\nconnectors:\n  c:\n    base_url: http://x\n    operations:\n      a: { method: GET, path: \"/v1/{id\" }\n      b: { method: GET, path: v1/x }\n";
    assert_error(doc, "connectors.c.operations.a.path", 6, 31, "unclosed");
    assert_error(
        doc,
        "connectors.c.operations.b.path",
        7,
        31,
        "must start with '/'",
    );
}

#[test]
fn out_of_range_numbers() {
    let doc = "\
tenant: acme
policies:
  p:
    timeouts: { connect_ms: 0, total_ms: 99999999 }
    retry: { max_attempts: 50 }
    circuit_breaker: { failure_rate_threshold: 1.5, minimum_calls: 1, window_s: 10, open_s: 10 }
    rate_limit: { per_second: 0, burst: 1 }
";
    let errs = errors(doc, Some("acme"));
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    for p in [
        "policies.p.timeouts.connect_ms",
        "policies.p.timeouts.total_ms",
        "policies.p.retry.max_attempts",
        "policies.p.circuit_breaker.failure_rate_threshold",
        "policies.p.rate_limit.per_second",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    assert_error(
        doc,
        "policies.p.retry.max_attempts",
        5,
        28,
        "out of range 1–20",
    );
}

#[test]
fn the_wrong_tenant_is_refused() {
    assert_error("tenant: globex\n", "tenant", 1, 9, "applied to \"acme\"");
    assert!(
        validate("tenant: globex\n", None).is_ok(),
        "offline validation without a tenant"
    );
    assert_error(
        "tenant: Not_A_Slug\n",
        "tenant",
        1,
        9,
        "invalid tenant slug",
    );
}

#[test]
fn every_problem_is_reported_at_once_in_document_order() {
    let doc = "tenant: acme\nbogus: 1\nconnectors:\n  c:\n    base_url: ftp://x\n    auth: { type: bearer }\n    operations: {}\n";
    let errs = errors(doc, Some("acme"));
    assert!(errs.len() >= 4, "{errs:#?}");
    assert!(
        errs.windows(2)
            .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column))
    );
    assert!(
        errs.iter()
            .any(|e| e.message.contains("missing key `secret_ref`"))
    );
}

#[test]
fn secret_refs_must_follow_the_grammar() {
    let doc = "tenant: acme\nconnectors:\n  c:\n    base_url: https://x\n    auth: { type: bearer, secret_ref: \"sk_live_123\" }\n    operations: { a: { method: GET, path: / } }\n";
    assert_error(
        doc,
        "connectors.c.auth.secret_ref",
        5,
        39,
        "invalid SecretRef",
    );
}

#[test]
fn syntax_errors_have_a_position() {
    let errs = errors("tenant: acme\nconnectors: [\n", None);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.contains("not valid YAML"));
    assert!(errs[0].line >= 2);
}

#[test]
fn json_documents_work_too() {
    let json = r#"{"tenant": "acme", "connectors": {"c": {"base_url": "https://x", "operations": {"a": {"method": "get", "path": "/x/{id}"}}}}}"#;
    let doc = validate(json, Some("acme")).unwrap();
    assert_eq!(doc.format, DocumentFormat::Json);
    assert_eq!(
        doc.config.connectors["c"].operations["a"].method,
        Method::Get
    );
    let err = errors(r#"{"tenant": "acme", "extra": true}"#, None);
    assert_eq!((err[0].line, err[0].column), (1, 20));
}

#[test]
fn canonical_form_ignores_layout_and_fills_defaults() {
    let a = "tenant: acme\nconnectors:\n  c:\n    base_url: https://x\n    operations: { a: { method: GET, path: / } }\n";
    let b = r#"{"connectors": {"c": {"operations": {"a": {"path": "/", "method": "GET"}}, "base_url": "https://x", "auth": {"type": "none"}}}, "tenant": "acme"}"#;
    let ca = validate(a, None).unwrap().config;
    let cb = validate(b, None).unwrap().config;
    assert_eq!(ca.checksum(), cb.checksum());
    assert_eq!(ca.checksum().len(), 64);
    let c = validate(&a.replace("https://x", "https://y"), None)
        .unwrap()
        .config;
    assert_ne!(ca.checksum(), c.checksum());
    let d = diff(&ca.canonical(), &c.canonical());
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].path, "connectors.c.base_url");
}

#[test]
fn an_unused_policy_is_a_warning() {
    let doc = "tenant: acme\npolicies:\n  spare: {}\n";
    let v = validate(doc, None).unwrap();
    assert_eq!(v.warnings.len(), 1);
    assert_eq!(v.warnings[0].path, "policies.spare");
}

#[test]
fn credentials_are_never_literal_default_headers() {
    for name in [
        "Authorization",
        "X-Api-Key",
        "Cookie",
        "X-Auth-Token",
        "Client-Secret",
    ] {
        let doc = format!(
            "tenant: acme\nconnectors:\n  c:\n    base_url: https://x\n    default_headers: {{ {name}: \"sk_live_123\" }}\n    operations: {{ a: {{ method: GET, path: / }} }}\n"
        );
        assert_error(
            &doc,
            &format!("connectors.c.default_headers.{name}"),
            5,
            24,
            "carries a credential",
        );
    }
    // Ordinary headers stay fine.
    let doc = "tenant: acme\nconnectors:\n  c:\n    base_url: https://x\n    default_headers: { Stripe-Version: \"2024-06-20\" }\n    operations: { a: { method: GET, path: / } }\n";
    assert!(validate(doc, Some("acme")).is_ok());
}

#[test]
fn a_document_names_a_bounded_number_of_secret_refs() {
    let secrets: Vec<String> = (0..=orch_core::config::validate::MAX_SECRET_REFS)
        .map(|i| format!("\"env:ORCH_ACME_{i}\""))
        .collect();
    let doc = format!(
        "tenant: acme\nwebhooks:\n  stripe:\n    signing_secrets: [{}]\n",
        secrets.join(", ")
    );
    let errs = errors(&doc, Some("acme"));
    assert!(
        errs.iter().any(|e| e.message.contains("at most")),
        "{errs:#?}"
    );
    let ok = format!(
        "tenant: acme\nwebhooks:\n  stripe:\n    signing_secrets: [{}]\n",
        secrets[1..].join(", ")
    );
    assert!(validate(&ok, Some("acme")).is_ok());
}

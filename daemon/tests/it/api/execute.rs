//! `POST /v1/execute` against real local upstreams: rendering, auth, correlation, timeouts
//! reported as connect/read/total, retries, Retry-After, and the documented errors.

use std::time::{Duration, Instant};

use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::upstream::{Blackhole, Upstream};
use crate::helpers::{Kind, TestApp};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn config(up: &str, blackhole: &str, secret_file: &str) -> String {
    format!(
        r#"
tenant: acme
policies:
  quick:
    timeouts: {{ connect_ms: 300, read_ms: 400, total_ms: 3000 }}
    retry:
      max_attempts: 4
      backoff: {{ base_ms: 20, max_ms: 100, jitter: full }}
      retry_on: [connect_error, timeout, "429", "502", "503", "504"]
  once:
    timeouts: {{ connect_ms: 300, read_ms: 400, total_ms: 3000 }}
    retry: {{ max_attempts: 1 }}
  dripping:
    timeouts: {{ connect_ms: 300, read_ms: 1000, total_ms: 700 }}
connectors:
  api:
    base_url: {up}
    auth: {{ type: bearer, secret_ref: "file:{secret_file}" }}
    policy: quick
    default_headers: {{ Stripe-Version: "2024-06-20" }}
    operations:
      get_customer: {{ method: GET, path: "/echo/customers/{{id}}" }}
      create_customer: {{ method: POST, path: /echo/customers, body: form }}
      post_json: {{ method: POST, path: /echo/json }}
      flaky_get: {{ method: GET, path: "/script/{{name}}" }}
      flaky_post: {{ method: POST, path: "/script/{{name}}" }}
      throttled: {{ method: GET, path: "/retry-after/{{name}}" }}
      hang: {{ method: GET, path: /hang }}
      post_hang: {{ method: POST, path: /hang }}
  once:
    base_url: {up}
    policy: once
    operations:
      hang: {{ method: GET, path: /hang }}
  dripping:
    base_url: {up}
    policy: dripping
    operations:
      drip: {{ method: GET, path: /drip }}
  blackhole:
    base_url: http://{blackhole}
    policy: once
    operations:
      ping: {{ method: GET, path: / }}
  nowhere:
    base_url: http://127.0.0.1:1
    policy: quick
    operations:
      ping: {{ method: GET, path: / }}
  unresolved:
    base_url: {up}
    auth: {{ type: header, name: X-Api-Key, secret_ref: "env:ORCH_TEST_SURELY_UNSET_SECRET" }}
    operations:
      ping: {{ method: GET, path: /echo/x }}
"#
    )
}

struct Env {
    app: TestApp,
    up: Upstream,
    token: String,
    _blackhole: Blackhole,
}

async fn env(kind: Kind) -> Option<Env> {
    let up = Upstream::start().await;
    let blackhole = Blackhole::start().await;
    let app = TestApp::spawn(kind).await?;
    let secret = app.db.dir.path().join("api-key");
    std::fs::write(&secret, "sk_test_123\n").unwrap();
    app.activate_config(
        "acme",
        &config(
            &up.base_url(),
            &blackhole.addr.to_string(),
            &secret.display().to_string(),
        ),
    )
    .await;
    let token = app.tenant_token("acme", &["execute"]).await;
    Some(Env {
        app,
        up,
        token,
        _blackhole: blackhole,
    })
}

async fn execute(env: &Env, body: Value, key: Option<&str>) -> reqwest::Response {
    let mut req = env
        .app
        .client
        .post(env.app.url("/v1/execute"))
        .bearer_auth(&env.token)
        .header("x-request-id", "exec-1")
        .header("traceparent", format!("00-{TRACE}-00f067aa0ba902b7-01"))
        .json(&body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

async fn ok(env: &Env, body: Value) -> Value {
    let res = execute(env, body, None).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn problem(res: reqwest::Response, status: u16) -> Problem {
    assert_eq!(res.status(), status);
    res.json().await.unwrap()
}

async fn renders_authenticates_and_correlates(kind: Kind) {
    let Some(env) = env(kind).await else { return };
    let out = ok(
        &env,
        json!({"connector": "api", "operation": "get_customer", "params": {"id": "cus 42"}}),
    )
    .await;
    assert_eq!(out["status"], 200);
    assert_eq!(out["attempts"], 1);
    assert_eq!(out["request_id"], "exec-1");
    assert_eq!(out["trace_id"], TRACE);
    let body = &out["body"];
    assert_eq!(body["method"], "GET");
    assert_eq!(body["path"], "/echo/customers/cus%2042");
    assert_eq!(body["authorization"], "Bearer sk_test_123");
    assert_eq!(body["stripe_version"], "2024-06-20");
    assert_eq!(body["x_request_id"], "exec-1");
    let traceparent = body["traceparent"].as_str().unwrap();
    assert!(
        traceparent.starts_with(&format!("00-{TRACE}-")),
        "{traceparent}"
    );
    assert_eq!(out["headers"]["content-type"], "application/json");

    let form = ok(&env, json!({"connector": "api", "operation": "create_customer", "payload": {"email": "a@b.c", "metadata": {"plan": "pro"}}})).await;
    assert_eq!(
        form["body"]["content_type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(form["body"]["body"], "email=a%40b.c&metadata%5Bplan%5D=pro");
    let json_body = ok(
        &env,
        json!({"connector": "api", "operation": "post_json", "payload": {"a": [1, 2]}}),
    )
    .await;
    assert_eq!(json_body["body"]["body"], r#"{"a":[1,2]}"#);
    env.app.stop().await;
}

async fn retries_until_success_and_stops_where_unsafe(kind: Kind) {
    let Some(env) = env(kind).await else { return };
    env.up.script("g", &[503, 503]);
    let out = ok(
        &env,
        json!({"connector": "api", "operation": "flaky_get", "params": {"name": "g"}}),
    )
    .await;
    assert_eq!(
        (out["status"].clone(), out["attempts"].clone()),
        (json!(200), json!(3))
    );
    assert_eq!(env.up.hits("g"), 3);

    // A POST that may have been applied is not retried without an idempotency key…
    env.up.script("p", &[503, 503]);
    let out = ok(
        &env,
        json!({"connector": "api", "operation": "flaky_post", "params": {"name": "p"}}),
    )
    .await;
    assert_eq!(
        (out["status"].clone(), out["attempts"].clone()),
        (json!(503), json!(1))
    );
    assert_eq!(env.up.hits("p"), 1);
    // …and is with one, which travels on every attempt.
    env.up.script("k", &[503]);
    let res = execute(
        &env,
        json!({"connector": "api", "operation": "flaky_post", "params": {"name": "k"}}),
        Some("order-7"),
    )
    .await;
    let out: Value = res.json().await.unwrap();
    assert_eq!(
        (out["status"].clone(), out["attempts"].clone()),
        (json!(200), json!(2))
    );
    assert_eq!(
        env.up.header("k", "idempotency-key").as_deref(),
        Some("order-7")
    );
    // A POST that timed out after it was sent is not retried without a key either.
    let p = problem(
        execute(
            &env,
            json!({"connector": "api", "operation": "post_hang"}),
            None,
        )
        .await,
        504,
    )
    .await;
    assert_eq!(p.extensions["timeout"], "read");
    assert_eq!(p.extensions["attempts"], 1);
    assert_eq!(env.up.hits("hang"), 1);
    env.app.stop().await;
}

async fn retry_after_is_honoured(kind: Kind) {
    let Some(env) = env(kind).await else { return };
    let started = Instant::now();
    let out = ok(
        &env,
        json!({"connector": "api", "operation": "throttled", "params": {"name": "wait2"}}),
    )
    .await;
    assert_eq!(
        (out["status"].clone(), out["attempts"].clone()),
        (json!(200), json!(2))
    );
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "retried before Retry-After"
    );
    // A Retry-After the deadline cannot fit fails fast with the upstream's answer.
    let started = Instant::now();
    let out = ok(
        &env,
        json!({"connector": "api", "operation": "throttled", "params": {"name": "wait30"}}),
    )
    .await;
    assert_eq!(
        (out["status"].clone(), out["attempts"].clone()),
        (json!(429), json!(1))
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    env.app.stop().await;
}

async fn timeouts_are_reported_by_kind(kind: Kind) {
    let Some(env) = env(kind).await else { return };
    // Read: the server accepts and never answers.
    let p = problem(
        execute(
            &env,
            json!({"connector": "once", "operation": "hang"}),
            None,
        )
        .await,
        504,
    )
    .await;
    assert_eq!(p.code, "upstream_timeout");
    assert_eq!(p.extensions["timeout"], "read");
    // Connect: the SYN is never answered.
    let p = problem(
        execute(
            &env,
            json!({"connector": "blackhole", "operation": "ping"}),
            None,
        )
        .await,
        504,
    )
    .await;
    assert_eq!(p.extensions["timeout"], "connect");
    // Total: bytes keep coming (no read timeout), but the whole call takes too long.
    let started = Instant::now();
    let p = problem(
        execute(
            &env,
            json!({"connector": "dripping", "operation": "drip"}),
            None,
        )
        .await,
        504,
    )
    .await;
    assert_eq!(p.extensions["timeout"], "total");
    assert!(started.elapsed() < Duration::from_millis(1500));
    // `timeout_ms` shortens the total deadline, across retries.
    let started = Instant::now();
    let p = problem(
        execute(
            &env,
            json!({"connector": "api", "operation": "hang", "timeout_ms": 600}),
            None,
        )
        .await,
        504,
    )
    .await;
    assert_eq!(p.extensions["timeout"], "total");
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
    env.app.stop().await;
}

async fn documented_errors(kind: Kind) {
    let Some(env) = env(kind).await else { return };
    let p = problem(
        execute(&env, json!({"connector": "nope", "operation": "x"}), None).await,
        404,
    )
    .await;
    assert_eq!(p.code, "unknown_connector");
    let p = problem(
        execute(&env, json!({"connector": "api", "operation": "nope"}), None).await,
        404,
    )
    .await;
    assert_eq!(p.code, "unknown_operation");
    let p = problem(
        execute(
            &env,
            json!({"connector": "api", "operation": "get_customer"}),
            None,
        )
        .await,
        400,
    )
    .await;
    assert_eq!(p.code, "validation_failed");
    let p = problem(
        execute(
            &env,
            json!({"connector": "nowhere", "operation": "ping"}),
            None,
        )
        .await,
        502,
    )
    .await;
    assert_eq!(p.code, "upstream_unreachable");
    assert_eq!(
        p.extensions["attempts"], 4,
        "connection refused is always retried"
    );
    let p = problem(
        execute(
            &env,
            json!({"connector": "unresolved", "operation": "ping"}),
            None,
        )
        .await,
        424,
    )
    .await;
    assert_eq!(p.code, "secret_unavailable");
    assert_eq!(
        p.extensions["secret_ref"],
        "env:ORCH_TEST_SURELY_UNSET_SECRET"
    );
    let long = "k".repeat(256);
    let p = problem(
        execute(
            &env,
            json!({"connector": "api", "operation": "post_json"}),
            Some(&long),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(p.code, "invalid_idempotency_key");
    // Scope: a token without `execute`.
    let reader = env.app.tenant_token("acme", &["jobs:read"]).await;
    let res = env
        .app
        .client
        .post(env.app.url("/v1/execute"))
        .bearer_auth(&reader)
        .json(&json!({"connector": "api", "operation": "get_customer", "params": {"id": "1"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.headers()["www-authenticate"],
        r#"Bearer error="insufficient_scope", scope="execute""#
    );
    assert_eq!(
        res.json::<Problem>().await.unwrap().code,
        "insufficient_scope"
    );
    // A tenant without an active config has no connectors.
    let other = env.app.tenant_token("globex", &["execute"]).await;
    let res = env
        .app
        .client
        .post(env.app.url("/v1/execute"))
        .bearer_auth(&other)
        .json(&json!({"connector": "api", "operation": "get_customer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(res, 404).await.code, "unknown_connector");
    env.app.stop().await;
}

both_backends!(
    renders_authenticates_and_correlates,
    retries_until_success_and_stops_where_unsafe,
    retry_after_is_honoured,
    timeouts_are_reported_by_kind,
    documented_errors,
);

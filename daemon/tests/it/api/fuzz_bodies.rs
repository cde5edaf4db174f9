//! Property test over the JSON bodies of `POST /v1/execute` and `POST /v1/jobs`: whatever a
//! tenant sends — bytes, any JSON, or bodies shaped like real requests with values of the
//! wrong type, size or sign — the answer is a success or a problem+json 4xx, never a server
//! error (a panic would surface as a 500 through the catch-panic layer). Cases:
//! `ORCH_FUZZ_CASES` (default 300), so CI spends a bounded time.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

fn doc(up: &str) -> String {
    format!(
        r#"tenant: acme
policies:
  quick:
    timeouts: {{ connect_ms: 300, read_ms: 1000, total_ms: 2000 }}
    retry: {{ max_attempts: 1 }}
connectors:
  api:
    base_url: {up}
    policy: quick
    operations:
      get: {{ method: GET, path: "/echo/customers/{{id}}" }}
      post_json: {{ method: POST, path: /echo/json }}
      post_form: {{ method: POST, path: /echo/form, body: form }}
"#
    )
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,24}".prop_map(Value::String),
        Just(Value::String("..".to_owned())),
        Just(Value::String("2026-12-05T10:00:00Z".to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("\\PC{0,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bodies with the fields of the real requests, each sometimes well-formed, sometimes not.
fn shaped_body() -> impl Strategy<Value = Value> {
    let field = |good: Value| prop_oneof![3 => Just(good), 1 => json_value()];
    (
        field(json!("api")),
        prop_oneof![
            Just(json!("get")),
            Just(json!("post_json")),
            Just(json!("post_form")),
            json_value()
        ],
        prop_oneof![
            Just(json!({"id": "cus_1"})),
            proptest::collection::btree_map(
                prop_oneof![Just("id".to_owned()), "\\PC{0,8}"],
                json_value(),
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ],
        proptest::option::of(json_value()),
        proptest::option::of(
            proptest::collection::btree_map("[A-Za-z-]{0,12}|\\PC{0,6}", "\\PC{0,16}", 0..3)
                .prop_map(|m| json!(m)),
        ),
        proptest::option::of(prop_oneof![Just(json!(500)), json_value()]),
        proptest::option::of(prop_oneof![
            Just(json!("default")),
            Just(json!("critical")),
            json_value()
        ]),
        proptest::option::of(json_value()),
        proptest::option::of(prop_oneof![Just(json!(3)), json_value()]),
        proptest::option::of(json_value()),
    )
        .prop_map(
            |(
                connector,
                operation,
                params,
                payload,
                headers,
                timeout,
                queue,
                run_at,
                max_attempts,
                dedupe,
            )| {
                let mut m = Map::new();
                m.insert("connector".into(), connector);
                m.insert("operation".into(), operation);
                m.insert("params".into(), params);
                let optional = [
                    ("payload", payload),
                    ("headers", headers),
                    ("timeout_ms", timeout),
                    ("queue", queue),
                    ("run_at", run_at),
                    ("max_attempts", max_attempts),
                    ("dedupe_key", dedupe),
                ];
                for (k, v) in optional {
                    if let Some(v) = v {
                        m.insert(k.into(), v);
                    }
                }
                Value::Object(m)
            },
        )
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => shaped_body().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        2 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => Just(b"{\"connector\": \"api\", \"operation\": \"get\", \"params\": {\"id\": 1}".to_vec()),
    ]
}

#[test]
fn execute_and_job_bodies_never_cause_a_server_error() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let up = rt.block_on(Upstream::start());
    let Some(app) = rt.block_on(TestApp::spawn(Kind::Sqlite)) else {
        return;
    };
    rt.block_on(app.activate_config("acme", &doc(&up.base_url())));
    let token = rt.block_on(app.tenant_token("acme", &["execute", "jobs:write", "jobs:read"]));
    let cases = std::env::var("ORCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(
        &(prop_oneof![Just("/v1/execute"), Just("/v1/jobs")], body()),
        |(path, bytes)| {
            let (status, content_type, text) = rt.block_on(async {
                let res = app
                    .client
                    .post(app.url(path))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(bytes.clone())
                    .send()
                    .await
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let status = res.status().as_u16();
                let content_type = res
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let text = res.text().await.unwrap_or_default();
                Ok::<_, TestCaseError>((status, content_type, text))
            })?;
            let sent = String::from_utf8_lossy(&bytes);
            prop_assert!(status < 500, "{path} {sent} → {status} {text}");
            if status >= 400 {
                prop_assert!(
                    content_type.starts_with("application/problem+json"),
                    "{path} {sent} → {status} {content_type}"
                );
                let problem: Value = serde_json::from_str(&text)
                    .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
                prop_assert!(problem["code"].is_string(), "{text}");
            }
            Ok(())
        },
    );
    rt.block_on(app.stop());
    if let Err(err) = result {
        panic!("{err}");
    }
}

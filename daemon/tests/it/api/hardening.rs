//! What a tenant cannot make a connector call do: change the path's shape with its params,
//! set the connection's or the connector's own headers, or make orchd buffer an unbounded
//! upstream answer.

use orch_core::units::ByteSize;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

fn config(up: &str, secret_file: &str) -> String {
    format!(
        r#"tenant: acme
connectors:
  api:
    base_url: {up}
    auth: {{ type: header, name: X-Api-Key, secret_ref: "file:{secret_file}" }}
    policy: once
    operations:
      refunds: {{ method: GET, path: "/echo/customers/{{id}}/refunds" }}
      pair: {{ method: GET, path: "/echo/{{a}}{{b}}/x" }}
      big: {{ method: GET, path: "/big/{{n}}" }}
      big_stream: {{ method: GET, path: "/big-stream/{{n}}" }}
policies:
  once:
    retry: {{ max_attempts: 1 }}
"#
    )
}

async fn call(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/v1/execute"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

async fn tenant_input_cannot_reshape_a_connector_call(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.api.max_upstream_response_bytes = ByteSize::kib(64);
    })
    .await
    else {
        return;
    };
    let secret = app.db.dir.path().join("api-key");
    std::fs::write(&secret, "sk_test_123\n").unwrap();
    app.activate_config(
        "acme",
        &config(&up.base_url(), &secret.display().to_string()),
    )
    .await;
    let token = app.tenant_token("acme", &["execute"]).await;

    // Dot segments would climb out of /customers/{id}: refused, nothing sent.
    for (op, params) in [
        ("refunds", json!({"id": ".."})),
        ("refunds", json!({"id": "."})),
        ("refunds", json!({"id": ""})),
        ("pair", json!({"a": ".", "b": "."})),
    ] {
        let (status, body) = call(
            &app,
            &token,
            json!({"connector": "api", "operation": op, "params": params}),
        )
        .await;
        assert_eq!(status, 400, "{params}: {body}");
        assert_eq!(body["code"], "validation_failed", "{body}");
    }
    assert_eq!(up.hits("echo"), 0);
    // Encoded, a slash stays inside its segment.
    let (status, body) = call(
        &app,
        &token,
        json!({"connector": "api", "operation": "refunds", "params": {"id": "../x"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // The connection's headers and the connector's credentials are not the caller's.
    for name in [
        "Host",
        "Transfer-Encoding",
        "Connection",
        "Proxy-Authorization",
        "Authorization",
        "x-api-key",
        "Orch-Job-Id",
        "traceparent",
    ] {
        let (status, body) = call(
            &app,
            &token,
            json!({"connector": "api", "operation": "refunds", "params": {"id": "c1"}, "headers": {name: "v"}}),
        )
        .await;
        assert_eq!(status, 400, "{name}: {body}");
        assert!(body["detail"].as_str().unwrap().contains(name), "{body}");
    }
    let (status, body) = call(
        &app,
        &token,
        json!({"connector": "api", "operation": "refunds", "params": {"id": "c1"}, "headers": {"X-Custom": "v"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // An answer above api.max_upstream_response_bytes is refused, announced or streamed.
    for op in ["big", "big_stream"] {
        let (status, body) = call(
            &app,
            &token,
            json!({"connector": "api", "operation": op, "params": {"n": 200 * 1024}}),
        )
        .await;
        assert_eq!(status, 502, "{op}: {body}");
        assert_eq!(body["code"], "upstream_response_too_large", "{body}");
        let (status, body) = call(
            &app,
            &token,
            json!({"connector": "api", "operation": op, "params": {"n": 1024}}),
        )
        .await;
        assert_eq!(status, 200, "{op}: {body}");
    }
    app.stop().await;
}

both_backends!(tenant_input_cannot_reshape_a_connector_call);

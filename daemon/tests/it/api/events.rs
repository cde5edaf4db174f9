//! Events written by components and read back through `GET /v1/admin/events`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp, eventually};

async fn events(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let page: Value = app
        .client
        .get(app.url(&format!("/v1/admin/events?{query}")))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().cloned().unwrap_or_default()
}

async fn components_emit_correlated_events(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let doc = format!(
        "tenant: acme\npolicies:\n  p:\n    retry: {{ max_attempts: 1 }}\n    circuit_breaker: {{ failure_rate_threshold: 0.5, minimum_calls: 2, window_s: 30, open_s: 60 }}\nconnectors:\n  api:\n    base_url: {}\n    policy: p\n    operations:\n      ok: {{ method: GET, path: /echo/ok }}\n      bad: {{ method: GET, path: /script/bad }}\n",
        up.base_url()
    );
    app.activate_config("acme", &doc).await;
    let admin = app.admin_token().await;
    let token = app.tenant_token("acme", &["execute"]).await;
    let res = app
        .client
        .post(app.url("/v1/execute"))
        .bearer_auth(&token)
        .header("x-request-id", "ev-1")
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .json(&json!({"connector": "api", "operation": "ok"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    up.script("bad", &[500, 500]);
    for _ in 0..2 {
        app.client
            .post(app.url("/v1/execute"))
            .bearer_auth(&token)
            .json(&json!({"connector": "api", "operation": "bad"}))
            .send()
            .await
            .unwrap();
    }
    // Events are written in batches: wait until all of them are visible.
    let found = eventually(Duration::from_secs(5), || async {
        events(&app, &admin, "kind=breaker.*").await.len() == 1
            && events(&app, &admin, "kind=execute.").await.len() == 3
    })
    .await;
    assert!(found, "no breaker event");

    let succeeded = events(
        &app,
        &admin,
        "kind=execute.succeeded&trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
    )
    .await;
    assert!(
        succeeded.iter().any(|e| e["request_id"] == "ev-1"
            && e["tenant"] == "acme"
            && e["connector"] == "api"
            && e["operation"] == "ok"),
        "{succeeded:?}"
    );
    let ok_event = succeeded
        .iter()
        .find(|e| e["request_id"] == "ev-1")
        .unwrap();
    assert_eq!(ok_event["data"]["attempt_log"][0]["outcome"], "response");
    assert_eq!(ok_event["data"]["attempt_log"][0]["upstream_status"], 200);
    let opened = events(&app, &admin, "kind=breaker.opened&tenant=acme").await;
    assert_eq!(opened[0]["connector"], "api");
    let config = events(&app, &admin, "kind=config.").await;
    let kinds: Vec<&str> = config.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["config.activated", "config.created"]);

    // Resuming after an id gives the later events, oldest first.
    let all = events(&app, &admin, "limit=500").await;
    let oldest = all.last().unwrap()["id"].as_i64().unwrap();
    let after = events(&app, &admin, &format!("after_id={oldest}")).await;
    assert_eq!(after.len(), all.len() - 1);
    assert!(
        after
            .windows(2)
            .all(|w| w[0]["id"].as_i64() < w[1]["id"].as_i64())
    );
    app.stop().await;
}

both_backends!(components_emit_correlated_events);

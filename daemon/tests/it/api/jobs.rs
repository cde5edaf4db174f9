//! The tenant jobs API: enqueue (with dedupe keys and idempotency keys), read, list, cancel;
//! a tenant never sees another's jobs; impersonated enqueues say who was behind them.

use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

const DOC: &str = "tenant: acme\nconnectors:\n  billing:\n    base_url: http://127.0.0.1:9\n    operations:\n      on_invoice: { method: POST, path: /hooks }\n";

async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn enqueue_read_list_cancel(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", DOC).await;
    let token = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
    // Due far in the future, so the workers leave it queued for the cancel below.
    let body = json!({"queue": "critical", "connector": "billing", "operation": "on_invoice", "payload": {"invoice": "in_1"}, "run_at": "2099-01-01T00:00:00Z"});
    let res = app
        .client
        .post(app.url("/v1/jobs"))
        .bearer_auth(&token)
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["queue"], "critical");
    assert_eq!(queued["tenant"], "acme");
    assert_eq!(queued["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    let id = queued["id"].as_str().unwrap().to_owned();

    let job: Value = get(&app, &token, &format!("/v1/jobs/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(job["kind"], "execute");
    assert_eq!(job["attempts"], 0);
    assert_eq!(job["max_attempts"], 5);
    assert_eq!(job["connector"], "billing");
    assert_eq!(job["runs"], json!([]));

    let list: Value = get(&app, &token, "/v1/jobs?status=queued")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let res = post(
        &app,
        &token,
        &format!("/v1/jobs/{id}/cancel"),
        json!({}),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    let res = post(
        &app,
        &token,
        &format!("/v1/jobs/{id}/cancel"),
        json!({}),
        None,
    )
    .await;
    assert_eq!(res.status(), 409);

    // Another tenant sees nothing of it.
    let other = app
        .tenant_token("globex", &["jobs:read", "jobs:write"])
        .await;
    assert_eq!(
        get(&app, &other, &format!("/v1/jobs/{id}")).await.status(),
        404
    );
    assert_eq!(
        post(
            &app,
            &other,
            &format!("/v1/jobs/{id}/cancel"),
            json!({}),
            None
        )
        .await
        .status(),
        404
    );
    let theirs: Value = get(&app, &other, "/v1/jobs").await.json().await.unwrap();
    assert_eq!(theirs["items"], json!([]));
    // Operators see every tenant's jobs.
    let admin = app.admin_token().await;
    let via_admin: Value = get(&app, &admin, &format!("/v1/admin/jobs/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(via_admin["tenant"], "acme");
    let all: Value = get(&app, &admin, "/v1/admin/jobs?tenant=acme")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}

async fn bad_enqueues_are_refused(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", DOC).await;
    let token = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
    let cases = [
        (
            json!({"queue": "urgent", "connector": "billing", "operation": "on_invoice"}),
            400,
            "unknown_queue",
        ),
        (
            json!({"connector": "nope", "operation": "x"}),
            404,
            "unknown_connector",
        ),
        (
            json!({"connector": "billing", "operation": "nope"}),
            404,
            "unknown_operation",
        ),
        (
            json!({"connector": "billing", "operation": "on_invoice", "max_attempts": 0}),
            400,
            "validation_failed",
        ),
    ];
    for (body, status, code) in cases {
        let res = post(&app, &token, "/v1/jobs", body.clone(), None).await;
        assert_eq!(res.status(), status, "{body}");
        assert_eq!(res.json::<Problem>().await.unwrap().code, code, "{body}");
    }
    let reader = app.tenant_token("acme", &["jobs:read"]).await;
    let res = post(
        &app,
        &reader,
        "/v1/jobs",
        json!({"connector": "billing", "operation": "on_invoice"}),
        None,
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Problem>().await.unwrap().code,
        "insufficient_scope"
    );
    app.stop().await;
}

async fn dedupe_and_idempotency_keys(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", DOC).await;
    let token = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
    let body =
        json!({"connector": "billing", "operation": "on_invoice", "dedupe_key": "invoice-in_1"});
    let first = post(&app, &token, "/v1/jobs", body.clone(), None).await;
    assert_eq!(first.status(), 202);
    let first: Value = first.json().await.unwrap();
    let again = post(&app, &token, "/v1/jobs", body, None).await;
    assert_eq!(
        again.status(),
        200,
        "a live job with that dedupe key exists"
    );
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);

    let body = json!({"connector": "billing", "operation": "on_invoice"});
    let a = post(&app, &token, "/v1/jobs", body.clone(), Some("enqueue-1")).await;
    assert_eq!(a.status(), 202);
    let a: Value = a.json().await.unwrap();
    let b = post(&app, &token, "/v1/jobs", body, Some("enqueue-1")).await;
    assert_eq!(b.status(), 202);
    assert_eq!(b.headers()["idempotency-replayed"], "true");
    assert_eq!(b.json::<Value>().await.unwrap()["id"], a["id"]);
    let c = post(
        &app,
        &token,
        "/v1/jobs",
        json!({"connector": "billing", "operation": "on_invoice", "queue": "low"}),
        Some("enqueue-1"),
    )
    .await;
    assert_eq!(c.status(), 422);
    let list: Value = get(&app, &token, "/v1/jobs").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    app.stop().await;
}

/// A job created under impersonation shows who was behind it.
async fn impersonated_jobs_name_the_operator(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", DOC).await;
    let admin = app.admin_token().await;
    let started: Value = app
        .client
        .post(app.url("/v1/admin/impersonations"))
        .bearer_auth(&admin)
        .json(&json!({"tenant": "acme", "reason": "replaying a customer's order", "scopes": ["jobs:write", "jobs:read"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = started["token"].as_str().unwrap();
    let queued: Value = post(
        &app,
        token,
        "/v1/jobs",
        json!({"connector": "billing", "operation": "on_invoice"}),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let job: Value = get(
        &app,
        token,
        &format!("/v1/jobs/{}", queued["id"].as_str().unwrap()),
    )
    .await
    .json()
    .await
    .unwrap();
    let me: Value = get(&app, &admin, "/v1/admin/whoami")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(job["impersonated_by"], me["operator"]["id"]);
    assert_eq!(job["impersonation_id"], started["id"]);
    app.stop().await;
}

both_backends!(
    enqueue_read_list_cancel,
    bad_enqueues_are_refused,
    dedupe_and_idempotency_keys,
    impersonated_jobs_name_the_operator
);

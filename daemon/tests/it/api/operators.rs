use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn bootstrap_admin_key_file_is_private_and_works(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let path = app.data_dir().join("bootstrap-admin.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let token = app.admin_token().await;
    let me: Value = get(&app, &token, "/v1/admin/whoami")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["operator"]["name"], "admin");
    assert_eq!(me["operator"]["role"], "admin");
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "operators.manage")
    );
    app.stop().await;
}

async fn operator_lifecycle(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;

    let res = post(
        &app,
        &admin,
        "/v1/admin/operators",
        json!({"name": "bob", "role": "support", "reason": "new hire"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let bob_id = created["operator"]["id"].as_str().unwrap().to_owned();
    let bob_key = created["api_key"].as_str().unwrap().to_owned();
    assert!(bob_key.starts_with("orch_op_"));

    let dup = post(
        &app,
        &admin,
        "/v1/admin/operators",
        json!({"name": "bob", "role": "admin", "reason": "again"}),
    )
    .await;
    assert_eq!(dup.status(), 409);

    let bob = app.operator_token(&bob_key).await;
    let me: Value = get(&app, &bob, "/v1/admin/whoami")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["operator"]["role"], "support");

    let list: Value = get(&app, &admin, "/v1/admin/operators")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "bob"]);

    // Rotation: the new key works, the old key and tokens from it stop at once.
    let rotated = post(
        &app,
        &admin,
        &format!("/v1/admin/operators/{bob_id}/keys"),
        json!({"reason": "laptop lost"}),
    )
    .await;
    assert_eq!(rotated.status(), 201);
    let new_key = rotated.json::<Value>().await.unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(get(&app, &bob, "/v1/admin/whoami").await.status(), 401);
    let old = app
        .client
        .post(app.url("/v1/auth/operator/token"))
        .json(&json!({"api_key": bob_key}))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401);
    let bob = app.operator_token(&new_key).await;
    assert_eq!(get(&app, &bob, "/v1/admin/whoami").await.status(), 200);

    // Disabling: the next request with a still-unexpired token is refused.
    let disabled = post(
        &app,
        &admin,
        &format!("/v1/admin/operators/{bob_id}/disable"),
        json!({"reason": "left the company"}),
    )
    .await;
    assert_eq!(disabled.status(), 200);
    let view: Value = disabled.json().await.unwrap();
    assert!(view["disabled_at"].is_string());
    let refused = get(&app, &bob, "/v1/admin/whoami").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.json::<Problem>().await.unwrap().code,
        "unauthenticated"
    );
    let again = post(
        &app,
        &admin,
        &format!("/v1/admin/operators/{bob_id}/disable"),
        json!({"reason": "twice"}),
    )
    .await;
    assert_eq!(again.status(), 404);
    app.stop().await;
}

async fn mutations_require_a_reason(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    for body in [
        json!({"name": "carol", "role": "readonly"}),
        json!({"name": "carol", "role": "readonly", "reason": "  x "}),
    ] {
        let res = post(&app, &admin, "/v1/admin/operators", body).await;
        assert_eq!(res.status(), 400);
        assert_eq!(res.json::<Problem>().await.unwrap().code, "reason_required");
    }
    let audit: Value = get(&app, &admin, "/v1/admin/audit?action=operators.create")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        audit["items"].as_array().unwrap().len(),
        0,
        "nothing happened, nothing audited"
    );
    app.stop().await;
}

async fn bad_bodies_are_clear_problems(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let cases = [
        (
            json!({"name": "x y", "role": "readonly", "reason": "abc"}),
            "validation_failed",
            Some("name"),
        ),
        (
            json!({"name": "dave", "role": "root", "reason": "abc"}),
            "validation_failed",
            Some("role"),
        ),
    ];
    for (body, code, field) in cases {
        let res = post(&app, &admin, "/v1/admin/operators", body).await;
        assert_eq!(res.status(), 400);
        let p: Problem = res.json().await.unwrap();
        assert_eq!(p.code, code);
        if let Some(field) = field {
            assert_eq!(p.extensions["errors"][0]["field"], field, "{p:?}");
        }
    }
    let raw = app
        .client
        .post(app.url("/v1/admin/operators"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    assert_eq!(raw.json::<Problem>().await.unwrap().code, "invalid_json");
    let text = app
        .client
        .post(app.url("/v1/admin/operators"))
        .bearer_auth(&admin)
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    app.stop().await;
}

async fn token_errors_follow_rfc6750(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let missing = app.get("/v1/admin/whoami").await;
    assert_eq!(missing.status(), 401);
    assert_eq!(
        missing.headers()["www-authenticate"],
        r#"Bearer realm="orchd""#
    );
    let garbage = get(&app, "not.a.jwt", "/v1/admin/whoami").await;
    assert_eq!(garbage.status(), 401);
    assert_eq!(
        garbage.headers()["www-authenticate"],
        r#"Bearer realm="orchd", error="invalid_token""#
    );
    assert_eq!(
        garbage.json::<Problem>().await.unwrap().code,
        "unauthenticated"
    );
    let bad_key = app
        .client
        .post(app.url("/v1/auth/operator/token"))
        .json(&json!({"api_key": "orch_op_000000000000_0000000000000000000000000000000000000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), 401);
    app.stop().await;
}

async fn request_log_names_the_operator(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let res = app
        .client
        .get(app.url("/v1/admin/whoami"))
        .bearer_auth(&admin)
        .header("x-request-id", "who-1")
        .send()
        .await
        .unwrap();
    let me: Value = res.json().await.unwrap();
    app.request_log.flush().await;
    let rows = app
        .store
        .list_request_logs(&orchd::request_log::RequestLogQuery {
            request_id: Some("who-1".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rows[0].route.as_deref(), Some("/v1/admin/whoami"));
    assert_eq!(
        rows[0].operator_id.map(|u| u.to_string()),
        me["operator"]["id"].as_str().map(str::to_owned)
    );
    app.stop().await;
}

both_backends!(
    bootstrap_admin_key_file_is_private_and_works,
    operator_lifecycle,
    mutations_require_a_reason,
    bad_bodies_are_clear_problems,
    token_errors_follow_rfc6750,
    request_log_names_the_operator,
);

//! Impersonation: start → act as the tenant → stop → the same token is refused at once.

use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn impersonation_lifecycle(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let support_key = app.create_operator("sam", "support").await;
    let support = app.operator_token(&support_key).await;
    let me: Value = app
        .client
        .get(app.url("/v1/admin/whoami"))
        .bearer_auth(&support)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sam_id = me["operator"]["id"].as_str().unwrap().to_owned();

    let res = app
        .client
        .post(app.url("/v1/admin/impersonations"))
        .bearer_auth(&support)
        .json(&json!({"tenant": "acme", "reason": "ticket 4711: jobs stuck", "ttl_s": 600, "scopes": ["jobs:read"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let started: Value = res.json().await.unwrap();
    let token = started["token"].as_str().unwrap().to_owned();
    let imp_id = started["id"].as_str().unwrap().to_owned();

    // Acting as the tenant: the token says who is behind it.
    let res = app
        .client
        .get(app.url("/v1/whoami"))
        .bearer_auth(&token)
        .header("x-request-id", "as-acme")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let who: Value = res.json().await.unwrap();
    assert_eq!(who["tenant"], "acme");
    assert_eq!(who["scopes"], json!(["jobs:read"]));
    assert_eq!(who["impersonated_by"], sam_id);
    assert_eq!(who["impersonation_id"], imp_id);
    app.request_log.flush().await;
    let rows = app
        .store
        .list_request_logs(&orchd::request_log::RequestLogQuery {
            request_id: Some("as-acme".into()),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rows[0].tenant_id.as_deref(), Some("acme"));
    assert_eq!(
        rows[0].impersonated_by.map(|u| u.to_string()),
        Some(sam_id.clone())
    );
    assert_eq!(
        rows[0].impersonation_id.map(|u| u.to_string()),
        Some(imp_id.clone())
    );

    // Stop: the very next request with the token is refused.
    let res = app
        .client
        .delete(app.url(&format!("/v1/admin/impersonations/{imp_id}")))
        .bearer_auth(&support)
        .json(&json!({"reason": "ticket resolved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["active"], false);
    let res = app
        .client
        .get(app.url("/v1/whoami"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Problem>().await.unwrap().code, "unauthenticated");

    // Both moves are audited with their reasons.
    let admin = app.admin_token().await;
    let audit: Value = app
        .client
        .get(app.url("/v1/admin/audit?tenant=acme"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rows: Vec<(String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "impersonation.stop".to_owned(),
                "ticket resolved".to_owned()
            ),
            (
                "impersonation.start".to_owned(),
                "ticket 4711: jobs stuck".to_owned()
            ),
        ]
    );
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["impersonation_id"] == imp_id)
    );
    app.stop().await;
}

async fn impersonation_limits(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let start = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.client
                .post(app.url("/v1/admin/impersonations"))
                .bearer_auth(&admin)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = start(json!({"tenant": "acme", "reason": "too long", "ttl_s": 3601})).await;
    assert_eq!(res.status(), 400);
    let res = start(json!({"tenant": "acme"})).await;
    assert_eq!(res.json::<Problem>().await.unwrap().code, "reason_required");
    let res = start(json!({"tenant": "Not A Slug", "reason": "why not"})).await;
    assert_eq!(res.status(), 400);
    let res = start(json!({"tenant": "acme", "reason": "default ttl"})).await;
    assert_eq!(res.status(), 201);
    let started: Value = res.json().await.unwrap();
    let ttl = time::OffsetDateTime::parse(
        started["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
        - time::OffsetDateTime::now_utc();
    assert!(
        ttl.whole_seconds() <= 900 && ttl.whole_seconds() > 880,
        "{ttl}"
    );
    assert_eq!(
        started["scopes"].as_array().unwrap().len(),
        4,
        "all tenant scopes by default"
    );
    let list: Value = app
        .client
        .get(app.url("/v1/admin/impersonations?active=true"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["active"], true);
    app.stop().await;
}

/// Starts an impersonation of `acme` as the operator with `token`; returns its token.
async fn impersonate(app: &TestApp, token: &str) -> String {
    let res = app
        .client
        .post(app.url("/v1/admin/impersonations"))
        .bearer_auth(token)
        .json(&json!({"tenant": "acme", "reason": "ticket 7", "ttl_s": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let started: Value = res.json().await.unwrap();
    started["token"].as_str().unwrap().to_owned()
}

async fn whoami(app: &TestApp, token: &str) -> reqwest::StatusCode {
    app.client
        .get(app.url("/v1/whoami"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn operator_id(app: &TestApp, token: &str) -> String {
    let me: Value = app
        .client
        .get(app.url("/v1/admin/whoami"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    me["operator"]["id"].as_str().unwrap().to_owned()
}

/// Disabling an operator ends its impersonations at once, on this node and on another
/// node of the same database (which has never seen the disable).
async fn disabling_the_operator_ends_its_impersonations(kind: Kind) {
    let Some(a) = TestApp::spawn(kind).await else {
        return;
    };
    let shared_db = a.db.url.clone();
    let shared_dir = a.data_dir();
    // Same database, and the same data dir so both nodes sign with the same key.
    let Some(b) = TestApp::spawn_with(kind, move |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(shared_db.clone()));
        s.data_dir = shared_dir.clone();
    })
    .await
    else {
        return;
    };
    let sam_key = a.create_operator("sam", "support").await;
    let sam = a.operator_token(&sam_key).await;
    let sam_id = operator_id(&a, &sam).await;
    let token = impersonate(&a, &sam).await;
    assert_eq!(whoami(&a, &token).await, 200);
    assert_eq!(whoami(&b, &token).await, 200);

    let admin = a.admin_token().await;
    let res = a
        .client
        .post(a.url(&format!("/v1/admin/operators/{sam_id}/disable")))
        .bearer_auth(&admin)
        .json(&json!({"reason": "left the company"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    for node in [&a, &b] {
        let res = node
            .client
            .get(node.url("/v1/whoami"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<Problem>().await.unwrap().code, "unauthenticated");
    }
    let list: Value = a
        .client
        .get(a.url("/v1/admin/impersonations?tenant=acme"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = &list["items"][0];
    assert_eq!(row["active"], false);
    assert_eq!(row["stop_reason"], "operator disabled");
    b.stop().await;
    a.stop().await;
}

/// Rotating an operator's key ends the impersonations it started: they were obtained with
/// the key that was just revoked (the usual reason to rotate is that it may have leaked).
async fn rotating_the_key_ends_its_impersonations(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let sam_key = app.create_operator("sam", "support").await;
    let sam = app.operator_token(&sam_key).await;
    let sam_id = operator_id(&app, &sam).await;
    let token = impersonate(&app, &sam).await;
    assert_eq!(whoami(&app, &token).await, 200);
    let admin = app.admin_token().await;
    let res = app
        .client
        .post(app.url(&format!("/v1/admin/operators/{sam_id}/keys")))
        .bearer_auth(&admin)
        .json(&json!({"reason": "laptop lost"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let new_key = res.json::<Value>().await.unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(whoami(&app, &token).await, 401);
    // With the new key the operator can start a new one.
    let sam = app.operator_token(&new_key).await;
    let fresh = impersonate(&app, &sam).await;
    assert_eq!(whoami(&app, &fresh).await, 200);
    app.stop().await;
}

both_backends!(
    impersonation_lifecycle,
    impersonation_limits,
    disabling_the_operator_ends_its_impersonations,
    rotating_the_key_ends_its_impersonations
);

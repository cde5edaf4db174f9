//! Client credentials: `POST /v1/auth/token` for tenants without their own issuer.

use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn create_client(app: &TestApp, admin: &str, tenant: &str, scopes: Value) -> Value {
    let res = app
        .client
        .post(app.url(&format!("/v1/admin/tenants/{tenant}/clients")))
        .bearer_auth(admin)
        .json(&json!({"name": "billing-svc", "scopes": scopes, "reason": "tenant onboarding"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn token(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url("/v1/auth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap()
}

async fn client_credentials_issue_tenant_tokens(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let created = create_client(&app, &admin, "acme", json!(["execute", "jobs:read"])).await;
    let client_id = created["client"]["client_id"].as_str().unwrap().to_owned();
    let secret = created["client_secret"].as_str().unwrap().to_owned();

    // Form body, all scopes of the client.
    let res = token(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "execute jobs:read");
    assert!(body["expires_in"].as_u64().unwrap() <= 900);
    let me: Value = app
        .client
        .get(app.url("/v1/whoami"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["tenant"], "acme");
    assert_eq!(me["issuer"], "orchd");
    assert_eq!(me["subject"], client_id);

    // JSON body, narrowed scope.
    let res = app
        .client
        .post(app.url("/v1/auth/token"))
        .json(&json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": "jobs:read"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["scope"], "jobs:read");

    // A scope the client does not have, a wrong secret, a wrong grant.
    let res = token(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("scope", "events:read"),
        ],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Problem>().await.unwrap().extensions["error"],
        "invalid_scope"
    );
    let res = token(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            (
                "client_secret",
                "orch_cs_000000000000_0000000000000000000000000000000000000000",
            ),
        ],
    )
    .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Problem>().await.unwrap().extensions["error"],
        "invalid_client"
    );
    let res = token(
        &app,
        &[
            ("grant_type", "password"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Problem>().await.unwrap().extensions["error"],
        "unsupported_grant_type"
    );

    // Listing never shows the secret; deleting stops the client at once.
    let list: Value = app
        .client
        .get(app.url("/v1/admin/tenants/acme/clients"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&secret));
    // A token issued before the delete…
    let issued: Value = token(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await
    .json()
    .await
    .unwrap();
    let early_token = issued["access_token"].as_str().unwrap().to_owned();
    let id = created["client"]["id"].as_str().unwrap();
    let res = app
        .client
        .delete(app.url(&format!("/v1/admin/tenants/acme/clients/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"reason": "rotating credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = token(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(res.status(), 401);
    // …stops working at once.
    let res = app
        .client
        .get(app.url("/v1/whoami"))
        .bearer_auth(&early_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // Create and delete audit rows name the same target.
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
    let targets: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target_id"].as_str().unwrap())
        .collect();
    assert_eq!(targets, [id, id]);
    app.stop().await;
}

async fn the_secret_is_stored_only_as_a_hash(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let created = create_client(&app, &admin, "globex", json!(["events:read"])).await;
    let secret = created["client_secret"].as_str().unwrap();
    let stored = app
        .store
        .find_tenant_client(created["client"]["client_id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let hex = stored.secret_hash.strip_prefix("sha256$").unwrap();
    assert_eq!(hex.len(), 64, "{}", stored.secret_hash);
    assert!(!stored.secret_hash.contains(secret));
    app.stop().await;
}

/// A secret stored as Argon2 by an earlier version still works once, and is then stored as
/// SHA-256.
async fn legacy_secrets_still_work_and_are_rehashed(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let created = create_client(&app, &admin, "globex", json!(["events:read"])).await;
    let client_id = created["client"]["client_id"].as_str().unwrap();
    let secret = created["client_secret"].as_str().unwrap();
    let row = app
        .store
        .find_tenant_client(client_id)
        .await
        .unwrap()
        .unwrap();
    let legacy = super::operators::legacy_hash(secret);
    assert!(
        app.store
            .replace_tenant_client_secret_hash(row.id, &row.secret_hash, &legacy)
            .await
            .unwrap()
    );
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
    ];
    let wrong = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        (
            "client_secret",
            "orch_cs_000000000000_0000000000000000000000000000000000000000",
        ),
    ];
    assert_eq!(token(&app, &wrong).await.status(), 401);
    let still = app
        .store
        .find_tenant_client(client_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.secret_hash, legacy, "a failed check changes nothing");
    assert_eq!(token(&app, &form).await.status(), 200);
    let upgraded = app
        .store
        .find_tenant_client(client_id)
        .await
        .unwrap()
        .unwrap();
    assert!(upgraded.secret_hash.starts_with("sha256$"));
    assert_eq!(token(&app, &form).await.status(), 200);
    app.stop().await;
}

both_backends!(
    client_credentials_issue_tenant_tokens,
    the_secret_is_stored_only_as_a_hash,
    legacy_secrets_still_work_and_are_rehashed
);

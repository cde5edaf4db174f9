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

/// An Argon2id hash as earlier versions stored them.
pub(super) fn legacy_hash(plaintext: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes()).unwrap();
    argon2::Argon2::default()
        .hash_password(plaintext.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

async fn exchange(app: &TestApp, api_key: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/auth/operator/token"))
        .json(&json!({ "api_key": api_key }))
        .send()
        .await
        .unwrap()
}

/// A well-formed operator key with a random id and secret (unknown to orchd).
fn random_key() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    format!("orch_op_{}_{}", &id[..12], &secret[..40])
}

fn lookup_of(api_key: &str) -> &str {
    &api_key["orch_op_".len().."orch_op_".len() + 12]
}

async fn new_keys_are_stored_as_sha256_and_log_in(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.create_operator("erin", "readonly").await;
    let (stored, _) = app
        .store
        .find_operator_key(lookup_of(&key))
        .await
        .unwrap()
        .unwrap();
    let hex = stored.key_hash.strip_prefix("sha256$").unwrap();
    assert_eq!(hex.len(), 64, "{}", stored.key_hash);
    assert!(!stored.key_hash.contains(&key));
    let token = app.operator_token(&key).await;
    assert_eq!(get(&app, &token, "/v1/admin/whoami").await.status(), 200);
    // The bootstrap admin's key too.
    let admin = app.admin_key();
    let (stored, _) = app
        .store
        .find_operator_key(lookup_of(&admin))
        .await
        .unwrap()
        .unwrap();
    assert!(stored.key_hash.starts_with("sha256$"));
    app.stop().await;
}

/// Design: once one address has failed 50 times in a minute, everything it sends to either
/// token endpoint is answered 429 before any lookup or hashing — a valid key for another
/// id included. Unknown ids never cost Argon2, so the failures are quick.
async fn failed_attempts_from_one_address_are_throttled(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin_key = app.admin_key();
    let started = std::time::Instant::now();
    let mut statuses = Vec::new();
    for i in 0..200 {
        let res = if i % 2 == 0 {
            exchange(&app, &random_key()).await
        } else {
            app.client
                .post(app.url("/v1/auth/token"))
                .json(&json!({
                    "grant_type": "client_credentials",
                    "client_id": format!("orch_cl_{}", &uuid::Uuid::new_v4().simple().to_string()[..16]),
                    "client_secret": "orch_cs_000000000000_0000000000000000000000000000000000000000",
                }))
                .send()
                .await
                .unwrap()
        };
        statuses.push(res.status().as_u16());
    }
    let elapsed = started.elapsed();
    assert!(statuses[..50].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[50..].iter().all(|s| *s == 429), "{statuses:?}");
    // Loose: 200 Argon2 checks (~19 MiB, tens of ms each) would take far longer.
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "200 refusals took {elapsed:?}"
    );

    let refused = exchange(&app, &admin_key).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let problem: Problem = refused.json().await.unwrap();
    assert_eq!(problem.code, "rate_limited");
    assert_eq!(problem.extensions["retry_after_s"], retry_after);
    app.stop().await;
}

/// Design: rows from earlier versions keep working — the key is checked with Argon2 (one
/// at a time, within the id's own failure budget) and its hash replaced by SHA-256 on
/// success. After 10 failures on a legacy id, that id is answered 429 without Argon2.
async fn legacy_argon2_keys_still_log_in_and_are_rehashed(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.create_operator("old-timer", "readonly").await;
    let locked_key = app.create_operator("locked", "readonly").await;
    for k in [&key, &locked_key] {
        let (row, _) = app
            .store
            .find_operator_key(lookup_of(k))
            .await
            .unwrap()
            .unwrap();
        assert!(
            app.store
                .replace_operator_key_hash(row.id, &row.key_hash, &legacy_hash(k))
                .await
                .unwrap()
        );
    }

    let token = app.operator_token(&key).await;
    assert_eq!(get(&app, &token, "/v1/admin/whoami").await.status(), 200);
    let (row, _) = app
        .store
        .find_operator_key(lookup_of(&key))
        .await
        .unwrap()
        .unwrap();
    assert!(row.key_hash.starts_with("sha256$"), "rehashed on success");
    app.operator_token(&key).await;

    // Wrong secrets for the legacy id spend its budget; then even its right key waits.
    let wrong = format!(
        "{}0000000000000000000000000000000000000000",
        &locked_key[..21]
    );
    assert_eq!(lookup_of(&wrong), lookup_of(&locked_key));
    for _ in 0..10 {
        assert_eq!(exchange(&app, &wrong).await.status(), 401);
    }
    let res = exchange(&app, &locked_key).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.json::<Problem>().await.unwrap().code, "rate_limited");
    let (row, _) = app
        .store
        .find_operator_key(lookup_of(&locked_key))
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.key_hash.starts_with("$argon2id$"),
        "not upgraded when refused"
    );
    // Other ids (and this address) are not affected.
    app.operator_token(&key).await;
    app.stop().await;
}

both_backends!(
    new_keys_are_stored_as_sha256_and_log_in,
    failed_attempts_from_one_address_are_throttled,
    legacy_argon2_keys_still_log_in_and_are_rehashed,
    bootstrap_admin_key_file_is_private_and_works,
    operator_lifecycle,
    mutations_require_a_reason,
    bad_bodies_are_clear_problems,
    token_errors_follow_rfc6750,
    request_log_names_the_operator,
);

//! Versioned tenant config over the admin API: apply, activate, rollback, history, diff,
//! validation errors with positions, and live reload on every node.

use std::time::{Duration, Instant};

use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Kind, TestApp, redis_url, service_available};

const EXAMPLE: &str = include_str!("../../../../examples/tenant-acme.yaml");

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "GET {path}: {}", res.status());
    res.json().await.unwrap()
}

fn v2_text() -> String {
    EXAMPLE.replace("tolerance_s: 300", "tolerance_s: 120")
}

/// apply v1, apply v2, activate v2, rollback → v1 active again; history shows both moves
/// with reasons; audit rows carry the diff; stored versions never change.
async fn apply_activate_rollback(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;

    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": EXAMPLE, "reason": "onboard acme"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let v1: Value = res.json().await.unwrap();
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["active"], false);
    assert_eq!(v1["created"], true);
    assert_eq!(v1["diff"]["changes"][0]["kind"], "added");

    // The same content again is a no-op answer with the existing version.
    let again = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": EXAMPLE, "reason": "again"}),
    )
    .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["version"].clone(), again["created"].clone()),
        (json!(1), json!(false))
    );

    let stored_v1 = get(&app, &admin, "/v1/admin/tenants/acme/config/versions/1").await;
    assert_eq!(stored_v1["document"], EXAMPLE);

    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": v2_text(), "reason": "shorter tolerance"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 2);
    let missing = app
        .client
        .get(app.url("/v1/admin/tenants/acme/config"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404, "nothing active yet");

    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config/activate",
        json!({"version": 1, "reason": "go live"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config/activate",
        json!({"version": 2, "reason": "tighten tolerance"}),
    )
    .await;
    assert_eq!(res.json::<Value>().await.unwrap()["active_version"], 2);
    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config/rollback",
        json!({"reason": "webhooks failing"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["active_version"], 1);

    let active = get(&app, &admin, "/v1/admin/tenants/acme/config").await;
    assert_eq!(active["version"], 1);
    assert_eq!(active["active"], true);
    assert_eq!(active["config"]["webhooks"]["stripe"]["tolerance_s"], 300);
    assert_eq!(
        active["served_by_this_node"]["version"], 1,
        "this node reloaded at once"
    );

    let history = get(&app, &admin, "/v1/admin/tenants/acme/config/history").await;
    let moves: Vec<(String, Value, i64, String)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["action"].as_str().unwrap().to_owned(),
                m["from_version"].clone(),
                m["to_version"].as_i64().unwrap(),
                m["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            (
                "rollback".to_owned(),
                json!(2),
                1,
                "webhooks failing".to_owned()
            ),
            (
                "activate".to_owned(),
                json!(1),
                2,
                "tighten tolerance".to_owned()
            ),
            ("activate".to_owned(), Value::Null, 1, "go live".to_owned()),
        ]
    );

    let versions = get(&app, &admin, "/v1/admin/tenants/acme/config/versions").await;
    let listed: Vec<(i64, bool)> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["active"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, [(2, false), (1, true)]);

    let diff = get(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config/diff?from=1&to=2",
    )
    .await;
    assert_eq!(diff["changes"].as_array().unwrap().len(), 1);
    assert_eq!(diff["changes"][0]["path"], "webhooks.stripe.tolerance_s");
    assert!(
        diff["text"]
            .as_str()
            .unwrap()
            .contains("~ webhooks.stripe.tolerance_s: 300 → 120")
    );

    // The audit log has each move, with its reason and diff.
    let audit = get(&app, &admin, "/v1/admin/audit?tenant=acme").await;
    let rows = audit["items"].as_array().unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "config.rollback",
            "config.activate",
            "config.activate",
            "config.apply",
            "config.apply"
        ]
    );
    assert_eq!(rows[0]["diff_json"]["before"]["active_version"], 2);
    assert_eq!(rows[0]["diff_json"]["after"]["active_version"], 1);
    assert_eq!(
        rows[0]["diff_json"]["after"]["changes"][0]["path"],
        "webhooks.stripe.tolerance_s"
    );
    assert_eq!(rows[3]["diff_json"]["after"]["version"], 2);

    // Nothing was modified in place.
    let mut after_v1 = get(&app, &admin, "/v1/admin/tenants/acme/config/versions/1").await;
    let mut stored_v1 = stored_v1;
    assert_eq!(after_v1["active"], true);
    for v in [&mut after_v1, &mut stored_v1] {
        v.as_object_mut().unwrap().remove("active");
    }
    assert_eq!(after_v1, stored_v1, "a stored version changed");
    let tenants = get(&app, &admin, "/v1/admin/tenants").await;
    assert_eq!(tenants["items"][0]["tenant"], "acme");
    app.stop().await;
}

async fn apply_and_activate_at_once_and_dry_run(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": EXAMPLE, "reason": "ci deploy", "activate": true}),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.unwrap()["active"], true);
    let dry = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": v2_text(), "reason": "preview", "dry_run": true}),
    )
    .await;
    assert_eq!(dry.status(), 200);
    let dry: Value = dry.json().await.unwrap();
    assert_eq!(
        (
            dry["dry_run"].clone(),
            dry["created"].clone(),
            dry["version"].clone()
        ),
        (json!(true), json!(false), json!(2))
    );
    assert_eq!(
        dry["diff"]["changes"][0]["path"],
        "webhooks.stripe.tolerance_s"
    );
    let versions = get(&app, &admin, "/v1/admin/tenants/acme/config/versions").await;
    assert_eq!(
        versions["items"].as_array().unwrap().len(),
        1,
        "a dry run stores nothing"
    );
    // Rolling back from the first activated version has nowhere to go.
    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config/rollback",
        json!({"reason": "oops"}),
    )
    .await;
    assert_eq!(res.status(), 409);
    app.stop().await;
}

async fn invalid_documents_are_refused_with_positions(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let doc = "tenant: acme\nconnectors:\n  billing:\n    base_url: http://billing\n    polcy: x\n    operations:\n      a: { method: GET, path: \"/x/{id\" }\n";
    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": doc, "reason": "bad one"}),
    )
    .await;
    assert_eq!(res.status(), 400);
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.code, "invalid_config");
    let errors = p.extensions["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["path"], "connectors.billing.polcy");
    assert_eq!(
        (errors[0]["line"].clone(), errors[0]["column"].clone()),
        (json!(5), json!(5))
    );
    assert_eq!(errors[1]["path"], "connectors.billing.operations.a.path");
    // The wrong tenant.
    let res = post(
        &app,
        &admin,
        "/v1/admin/tenants/globex/config",
        json!({"document": EXAMPLE, "reason": "wrong tenant"}),
    )
    .await;
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.extensions["errors"][0]["path"], "tenant");
    // Validate stores nothing and answers 200 either way.
    let res = post(
        &app,
        &admin,
        "/v1/admin/config/validate",
        json!({"document": doc}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["valid"], false);
    let res = post(
        &app,
        &admin,
        "/v1/admin/config/validate",
        json!({"document": EXAMPLE, "tenant": "acme"}),
    )
    .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["valid"], true);
    // Validation never resolves a SecretRef: whether the example's refs exist on this
    // host is not something it tells (nor finds out).
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        !warnings
            .iter()
            .any(|w| w["message"].as_str().unwrap().contains("resolve")),
        "{warnings:?}"
    );
    let versions = get(&app, &admin, "/v1/admin/tenants/acme/config/versions").await;
    assert!(versions["items"].as_array().unwrap().is_empty());
    app.stop().await;
}

both_backends!(
    apply_activate_rollback,
    apply_and_activate_at_once_and_dry_run,
    invalid_documents_are_refused_with_positions
);

/// Two nodes on one Postgres + Redis: activating on one is served by the other within 1 s
/// (through pub/sub: the periodic recheck is set far slower than that).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activation_reaches_another_node_within_a_second() {
    if !service_available("Redis", &redis_url()) {
        return;
    }
    let slow_recheck = orch_core::units::HumanDuration(Duration::from_secs(120));
    let Some(a) = TestApp::spawn_with(Kind::Postgres, |s, _| {
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(redis_url()));
        s.config.recheck_interval = slow_recheck;
    })
    .await
    else {
        return;
    };
    let shared_db = a.db.url.clone();
    let prefix = a.redis_prefix.clone();
    let Some(b) = TestApp::spawn_with(Kind::Postgres, move |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(shared_db.clone()));
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(redis_url()));
        s.redis_prefix = prefix.clone();
        s.config.recheck_interval = slow_recheck;
    })
    .await
    else {
        return;
    };
    let admin = a.admin_token().await;
    let res = post(
        &a,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": EXAMPLE, "reason": "first version", "activate": true}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let res = post(
        &a,
        &admin,
        "/v1/admin/tenants/acme/config",
        json!({"document": v2_text(), "reason": "second version"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    // Node B serves v1 (loaded on first use).
    let on_b = b
        .state
        .configs
        .active_configs()
        .get("acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(on_b.version, 1);
    // Give B's subscription a moment to be in place, then activate v2 on A.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let res = post(
        &a,
        &admin,
        "/v1/admin/tenants/acme/config/activate",
        json!({"version": 2, "reason": "roll out"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    loop {
        if b.state
            .configs
            .active_configs()
            .cached("acme")
            .is_some_and(|c| c.version == 2)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "node B still serves v1 after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!(
        "activation seen on the other node after {:?}",
        started.elapsed()
    );
    // A call that took v1 before keeps it.
    assert_eq!(on_b.version, 1);
    b.stop().await;
    a.stop().await;
}

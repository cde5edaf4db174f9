//! `Idempotency-Key` on `/v1/execute`: one upstream call however many times and however
//! concurrently a key arrives; another body is refused; outcomes survive a restart; keys of
//! calls that sent nothing are released.

use orch_core::problem::Problem;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

fn config(up: &str) -> String {
    format!(
        r#"
tenant: acme
policies:
  p:
    timeouts: {{ connect_ms: 300, read_ms: 400, total_ms: 3000 }}
    retry: {{ max_attempts: 1 }}
connectors:
  api:
    base_url: {up}
    policy: p
    operations:
      charge: {{ method: POST, path: "/script/{{name}}" }}
      hang: {{ method: GET, path: /hang }}
"#
    )
}

async fn execute(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/v1/execute"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn one_call_however_often_the_key_arrives(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", &config(&up.base_url())).await;
    let token = app.tenant_token("acme", &["execute"]).await;
    let body = json!({"connector": "api", "operation": "charge", "params": {"name": "charge"}, "payload": {"amount": 100}});
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (client, url, token, body) = (
            app.client.clone(),
            app.url("/v1/execute"),
            token.clone(),
            body.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(token)
                .header("idempotency-key", "\"charge-42\"")
                .json(&body)
                .send()
                .await
                .unwrap();
            let replayed = res.headers().get("idempotency-replayed").is_some();
            (res.status().as_u16(), replayed)
        }));
    }
    let mut fresh = 0;
    for t in tasks {
        match t.await.unwrap() {
            (200, false) => fresh += 1,
            (200, true) | (409, false) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(fresh, 1, "exactly one request ran");
    assert_eq!(up.hits("charge"), 1, "exactly one upstream call");
    assert_eq!(
        up.header("charge", "idempotency-key").as_deref(),
        Some("charge-42")
    );

    // Afterwards: a replay, with the original outcome and no call.
    let res = execute(&app, &token, "charge-42", &body).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["idempotency-replayed"], "true");
    let replay: Value = res.json().await.unwrap();
    assert_eq!(replay["body"]["status"], 200);
    assert_eq!(up.hits("charge"), 1);

    // The same key with another body is refused.
    let other = json!({"connector": "api", "operation": "charge", "params": {"name": "charge"}, "payload": {"amount": 999}});
    let res = execute(&app, &token, "charge-42", &other).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Problem>().await.unwrap().code,
        "idempotency_key_reused"
    );
    assert_eq!(up.hits("charge"), 1);
    app.stop().await;
}

/// Keys of calls that sent nothing upstream are released; failures after sending are kept.
async fn released_when_nothing_was_sent_kept_when_something_was(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.activate_config("acme", &config(&up.base_url())).await;
    let token = app.tenant_token("acme", &["execute"]).await;
    let res = execute(
        &app,
        &token,
        "k-unknown",
        &json!({"connector": "nope", "operation": "x"}),
    )
    .await;
    assert_eq!(res.status(), 404);
    let res = execute(
        &app,
        &token,
        "k-unknown",
        &json!({"connector": "api", "operation": "charge", "params": {"name": "second"}}),
    )
    .await;
    assert_eq!(res.status(), 200, "the key was free again");
    assert!(res.headers().get("idempotency-replayed").is_none());

    let hang = json!({"connector": "api", "operation": "hang"});
    let res = execute(&app, &token, "k-hang", &hang).await;
    assert_eq!(res.status(), 504);
    let res = execute(&app, &token, "k-hang", &hang).await;
    assert_eq!(res.status(), 504);
    assert_eq!(res.headers()["idempotency-replayed"], "true");
    assert_eq!(up.hits("hang"), 1, "a maybe-applied call is not repeated");
    app.stop().await;
}

both_backends!(
    one_call_however_often_the_key_arrives,
    released_when_nothing_was_sent_kept_when_something_was
);

/// Outcomes are durable: a new orchd on the same database replays them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_survive_a_restart() {
    let up = Upstream::start().await;
    let Some(first) = TestApp::spawn(Kind::Sqlite).await else {
        return;
    };
    first.activate_config("acme", &config(&up.base_url())).await;
    let token = first.tenant_token("acme", &["execute"]).await;
    let body = json!({"connector": "api", "operation": "charge", "params": {"name": "durable"}});
    assert_eq!(
        execute(&first, &token, "durable-1", &body).await.status(),
        200
    );
    let db = first.stop().await;

    let (url, dir) = (db.url.clone(), db.dir.path().join("data"));
    let Some(second) = TestApp::spawn_with(Kind::Sqlite, move |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(url.clone()));
        s.auth.signing_key_ref = Some(format!("file:{}", dir.join("signing.key").display()));
    })
    .await
    else {
        return;
    };
    let res = execute(&second, &token, "durable-1", &body).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["idempotency-replayed"], "true");
    assert_eq!(up.hits("durable"), 1);
    second.stop().await;
    drop(db);
}

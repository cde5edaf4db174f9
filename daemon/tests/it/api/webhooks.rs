//! Stripe webhook ingress end to end, against a real local upstream: signatures (the
//! FACTS.md vector, rotation, every refusal with its code, nothing stored, counted and
//! emitted), concurrent duplicates, Postgres going away (503, never 2xx), large payloads out
//! of row, routes failing into the `webhook` DLQ and the inbox replay that fixes it.

use std::time::{Duration, Instant};

use orch_core::webhooks::stripe;
use orchd::jobs::JobQuery;
use orchd::store::Store;
use orchd::webhooks::InboxQuery;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TcpProxy, TestApp, TestDb, eventually, host_port};

/// The FACTS.md test vector.
const VECTOR_SECRET: &str = "whsec_test_secret";
const VECTOR_T: i64 = 1_492_774_577;
const VECTOR_BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
const VECTOR_V1: &str = "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a";
/// The secret a roll adds.
pub(crate) const NEW_SECRET: &str = "whsec_rolled_in_2024";

pub(crate) struct Hooks {
    pub(crate) app: TestApp,
    pub(crate) up: Upstream,
}

fn config(up: &str, dir: &std::path::Path) -> String {
    format!(
        r#"
tenant: acme
policies:
  quick:
    retry: {{ max_attempts: 1, backoff: {{ base_ms: 20, max_ms: 50 }} }}
connectors:
  billing:
    base_url: {up}
    policy: quick
    operations:
      on_invoice: {{ method: POST, path: /echo/invoice, body: json }}
      on_charge: {{ method: POST, path: /script/charge, body: json }}
webhooks:
  stripe:
    signing_secrets: ["file:{new}", "file:{old}"]
    tolerance_s: 300
    routes:
      - events: ["invoice.*"]
        connector: billing
        operation: on_invoice
      - events: ["charge.failed", "charge.refunded"]
        connector: billing
        operation: on_charge
"#,
        new = dir.join("whsec_new").display(),
        old = dir.join("whsec_old").display(),
    )
}

async fn start_with(
    kind: Kind,
    adjust: impl FnOnce(&mut orchd::settings::Settings, &TestDb),
) -> Option<Hooks> {
    let up = Upstream::start().await;
    let app = TestApp::spawn_with(kind, adjust).await?;
    let dir = app.db.dir.path().to_owned();
    std::fs::write(dir.join("whsec_new"), format!("{NEW_SECRET}\n")).unwrap();
    std::fs::write(dir.join("whsec_old"), VECTOR_SECRET).unwrap();
    app.activate_config("acme", &config(&up.base_url(), &dir))
        .await;
    // A tenant without a Stripe webhook.
    app.activate_config("globex", "tenant: globex\n").await;
    Some(Hooks { app, up })
}

pub(crate) async fn start(kind: Kind) -> Option<Hooks> {
    start_with(kind, |_, _| {}).await
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub(crate) fn event(id: &str, kind: &str) -> Vec<u8> {
    format!(
        r#"{{"id":"{id}","object":"event","api_version":"2024-06-20","created":{},"type":"{kind}","data":{{"object":{{"id":"in_1","object":"invoice","amount_paid":4200,"currency":"eur"}}}},"livemode":false}}"#,
        now()
    )
    .into_bytes()
}

fn signed(secret: &str, body: &[u8]) -> String {
    stripe::sign(secret.as_bytes(), now(), body)
}

async fn post(
    app: &TestApp,
    path: &str,
    body: &[u8],
    signature: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(s) = signature {
        req = req.header("Stripe-Signature", s);
    }
    req.send().await.unwrap()
}

async fn accepted(app: &TestApp, path: &str, body: &[u8], signature: &str) -> Value {
    let res = post(app, path, body, Some(signature)).await;
    let status = res.status();
    let answer: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["received"], true, "{answer}");
    answer
}

async fn refused(app: &TestApp, path: &str, body: &[u8], signature: Option<&str>) -> (u16, String) {
    let res = post(app, path, body, signature).await;
    let status = res.status().as_u16();
    let problem: Value = res.json().await.unwrap();
    (
        status,
        problem["code"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn inbox_rows(store: &dyn Store) -> Vec<orchd::webhooks::InboxRecord> {
    store
        .list_inbox(&InboxQuery {
            limit: 500,
            ..InboxQuery::default()
        })
        .await
        .unwrap()
}

async fn job_count(store: &dyn Store) -> usize {
    store
        .list_jobs(&JobQuery {
            limit: 500,
            ..JobQuery::default()
        })
        .await
        .unwrap()
        .len()
}

/// The value of `orch_webhooks_total{provider="stripe",tenant=…,outcome=…}` (0 if absent).
async fn webhooks_total(app: &TestApp, tenant: &str, outcome: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    let series = format!(
        r#"orch_webhooks_total{{provider="stripe",tenant="{tenant}",outcome="{outcome}"}} "#
    );
    text.lines()
        .find_map(|l| l.strip_prefix(series.as_str()))
        .map_or(0, |v| v.trim().parse::<f64>().unwrap() as u64)
}

pub(crate) async fn admin_get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Events of `kind` (exact or `webhook.*`), oldest first, once at least `n` are there.
async fn events(app: &TestApp, kind: &str, n: usize) -> Vec<Value> {
    let admin = app.admin_token().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let page: Value = admin_get(
            app,
            &admin,
            &format!("/v1/admin/events?kind={kind}&limit=500"),
        )
        .await
        .json()
        .await
        .unwrap();
        let mut items = page["items"].as_array().cloned().unwrap_or_default();
        items.reverse();
        if items.len() >= n {
            return items;
        }
        assert!(
            Instant::now() < deadline,
            "fewer than {n} {kind} events: {items:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls the inbox row until its status is `want`.
pub(crate) async fn row_becomes(app: &TestApp, id: &str, want: &str, within: Duration) -> Value {
    let admin = app.admin_token().await;
    let deadline = Instant::now() + within;
    loop {
        let row: Value = admin_get(app, &admin, &format!("/v1/admin/inbox/{id}"))
            .await
            .json()
            .await
            .unwrap();
        if row["status"] == want {
            return row;
        }
        assert!(
            Instant::now() < deadline,
            "row {id} never became {want}: {row}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn the_facts_vector_and_a_secret_roll_verify_through_the_endpoint(kind: Kind) {
    let Some(Hooks { app, up }) = start_with(kind, |s, _| {
        s.webhooks.default_tenant = Some(orch_core::tenant::TenantSlug::parse("acme").unwrap());
    })
    .await
    else {
        return;
    };
    // The vector's signature matches (only a matching signature is ever reported as out
    // of tolerance: its t is from 2017) …
    let header = format!("t={VECTOR_T},v1={VECTOR_V1}");
    assert_eq!(
        refused(&app, "/webhooks/stripe/acme", VECTOR_BODY, Some(&header)).await,
        (400, "timestamp_out_of_tolerance".to_owned())
    );
    // … and one changed hex digit does not.
    let tampered = format!("t={VECTOR_T},v1={}0", &VECTOR_V1[..63]);
    assert_eq!(
        refused(&app, "/webhooks/stripe/acme", VECTOR_BODY, Some(&tampered)).await,
        (400, "invalid_signature".to_owned())
    );
    // The vector's secret signs a live event: accepted, and the route runs.
    let body = event("evt_old_secret", "invoice.paid");
    let first = accepted(
        &app,
        "/webhooks/stripe/acme",
        &body,
        &signed(VECTOR_SECRET, &body),
    )
    .await;
    assert_eq!(first["duplicate"], false);
    // During a roll Stripe sends one v1 per secret: any one matching passes (here an
    // unknown secret's and the new secret's), as does the new secret alone.
    let body = event("evt_roll", "invoice.created");
    let t = now();
    let both = format!(
        "t={t},v1={},v1={}",
        stripe::signature_v1(b"whsec_not_ours", t, &body),
        stripe::signature_v1(NEW_SECRET.as_bytes(), t, &body)
    );
    accepted(&app, "/webhooks/stripe/acme", &body, &both).await;
    // The default tenant's endpoint.
    let body = event("evt_default", "invoice.paid");
    let third = accepted(&app, "/webhooks/stripe", &body, &signed(NEW_SECRET, &body)).await;
    let rows = inbox_rows(app.store.as_ref()).await;
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r.tenant_id == "acme" && r.provider == "stripe")
    );
    let id = third["inbox_id"].as_str().unwrap();
    let row = row_becomes(&app, id, "processed", Duration::from_secs(10)).await;
    assert_eq!(row["event_id"], "evt_default");
    assert_eq!(row["event_type"], "invoice.paid");
    assert_eq!(row["job_ids"].as_array().unwrap().len(), 1);
    assert!(row["trace_id"].is_string());
    assert!(row.get("payload").is_none());
    assert!(eventually(Duration::from_secs(10), || async { up.hits("echo") == 3 }).await);
    assert_eq!(webhooks_total(&app, "acme", "accepted").await, 3);
    assert_eq!(
        webhooks_total(&app, "acme", "timestamp_out_of_tolerance").await,
        1
    );
    assert_eq!(webhooks_total(&app, "acme", "invalid_signature").await, 1);
    // webhook.received carries the inbox id at the top level and the provider's ids.
    let received = events(&app, "webhook.received", 3).await;
    assert_eq!(received[2]["inbox_id"], id);
    assert_eq!(received[2]["data"]["event_id"], "evt_default");
    assert_eq!(received[2]["data"]["event_type"], "invoice.paid");
    let processed = events(&app, "webhook.processed", 3).await;
    assert!(
        processed.iter().any(|e| e["inbox_id"] == id),
        "{processed:?}"
    );
    app.stop().await;
}

/// What is sent, and the status and code it gets.
type Case = (&'static str, Vec<u8>, Option<String>, u16, &'static str);

async fn refusals_are_answered_counted_and_store_nothing(kind: Kind) {
    let Some(Hooks { app, .. }) = start_with(kind, |s, _| {
        s.webhooks.max_body_bytes = orch_core::units::ByteSize::kib(256);
    })
    .await
    else {
        return;
    };
    let path = "/webhooks/stripe/acme";
    let body = event("evt_refused", "invoice.paid");
    let good = signed(NEW_SECRET, &body);
    let mut tampered = body.clone();
    let at = tampered.len() - 3;
    tampered[at] = b'X';
    let t = now();
    let cases: Vec<Case> = vec![
        (
            "tampered body",
            tampered,
            Some(good.clone()),
            400,
            "invalid_signature",
        ),
        (
            "wrong secret",
            body.clone(),
            Some(signed("whsec_wrong", &body)),
            400,
            "invalid_signature",
        ),
        (
            "missing header",
            body.clone(),
            None,
            400,
            "invalid_signature",
        ),
        (
            "t too old",
            body.clone(),
            Some(stripe::sign(NEW_SECRET.as_bytes(), t - 330, &body)),
            400,
            "timestamp_out_of_tolerance",
        ),
        (
            "t in the future",
            body.clone(),
            Some(stripe::sign(NEW_SECRET.as_bytes(), t + 330, &body)),
            400,
            "timestamp_out_of_tolerance",
        ),
        (
            "malformed header",
            body.clone(),
            Some("garbage".into()),
            400,
            "invalid_signature",
        ),
        (
            "malformed t",
            body.clone(),
            Some(format!(
                "t=soon,v1={}",
                stripe::signature_v1(NEW_SECRET.as_bytes(), t, &body)
            )),
            400,
            "invalid_signature",
        ),
        (
            "no v1",
            body.clone(),
            Some(format!("t={t},v0=abc")),
            400,
            "invalid_signature",
        ),
    ];
    for (what, body, header, status, code) in &cases {
        assert_eq!(
            refused(&app, path, body, header.as_deref()).await,
            (*status, (*code).to_owned()),
            "{what}"
        );
    }
    // Signed, but not a Stripe event.
    for bad in [
        &br#"{"id":"evt_no_type","object":"event"}"#[..],
        b"[1,2]",
        b"not json",
    ] {
        assert_eq!(
            refused(&app, path, bad, Some(&signed(NEW_SECRET, bad))).await,
            (400, "invalid_payload".to_owned())
        );
    }
    // Unknown tenants, a tenant without a Stripe webhook, no default tenant: 404.
    for p in [
        "/webhooks/stripe/nobody",
        "/webhooks/stripe/globex",
        "/webhooks/stripe",
        "/webhooks/stripe/Not_A_Slug",
    ] {
        assert_eq!(
            refused(&app, p, &body, Some(&good)).await,
            (404, "unknown_tenant".to_owned()),
            "{p}"
        );
    }
    // Over webhooks.max_body_bytes (256 KiB here; the API's 1 MiB limit does not apply).
    let mut big = body.clone();
    big.truncate(big.len() - 1);
    big.extend_from_slice(format!(r#","pad":"{}"}}"#, "x".repeat(300 * 1024)).as_bytes());
    assert_eq!(
        refused(&app, path, &big, Some(&signed(NEW_SECRET, &big))).await,
        (413, "payload_too_large".to_owned())
    );

    // Nothing stored, everything counted, every refusal an event without the payload.
    assert!(inbox_rows(app.store.as_ref()).await.is_empty());
    assert_eq!(job_count(app.store.as_ref()).await, 0);
    assert_eq!(webhooks_total(&app, "acme", "invalid_signature").await, 6);
    assert_eq!(
        webhooks_total(&app, "acme", "timestamp_out_of_tolerance").await,
        2
    );
    assert_eq!(webhooks_total(&app, "acme", "invalid_payload").await, 3);
    assert_eq!(webhooks_total(&app, "acme", "payload_too_large").await, 1);
    assert_eq!(webhooks_total(&app, "globex", "not_configured").await, 1);
    assert_eq!(webhooks_total(&app, "_unknown", "unknown_tenant").await, 3);
    let rejected = events(&app, "webhook.rejected", 16).await;
    assert_eq!(rejected.len(), 16);
    for e in &rejected {
        let text = e.to_string();
        assert!(
            !text.contains("evt_refused") && !text.contains("amount_paid"),
            "{text}"
        );
        assert!(e["data"]["code"].is_string(), "{e}");
    }
    // Still fine after all that.
    let ok = accepted(&app, path, &body, &good).await;
    assert_eq!(ok["duplicate"], false);
    app.stop().await;
}

async fn concurrent_deliveries_of_one_event_make_one_row_one_job_one_call(kind: Kind) {
    let Some(Hooks { app, up }) = start(kind).await else {
        return;
    };
    let body = event("evt_storm", "invoice.paid");
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..100_i64 {
        let app = app.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            // Each delivery freshly signed, as Stripe's retries are.
            let header = stripe::sign(NEW_SECRET.as_bytes(), now() - i % 60, &body);
            accepted(&app, "/webhooks/stripe/acme", &body, &header).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    let mut duplicates = 0;
    for t in tasks {
        let answer = t.await.unwrap();
        ids.insert(answer["inbox_id"].as_str().unwrap().to_owned());
        if answer["duplicate"] == true {
            duplicates += 1;
        }
    }
    assert_eq!((ids.len(), duplicates), (1, 99));
    let id = ids.into_iter().next().unwrap();
    row_becomes(&app, &id, "processed", Duration::from_secs(15)).await;
    assert_eq!(inbox_rows(app.store.as_ref()).await.len(), 1);
    assert_eq!(job_count(app.store.as_ref()).await, 1);
    // Give a stray second job the time it would need, then count the route calls.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(up.hits("echo"), 1);
    assert_eq!(webhooks_total(&app, "acme", "duplicate").await, 99);
    let dups = events(&app, "webhook.duplicate", 99).await;
    assert!(dups.iter().all(|e| e["inbox_id"] == id.as_str()));
    drop(app);
}

async fn a_large_payload_is_stored_out_of_row_and_processed(kind: Kind) {
    let Some(Hooks { app, up }) = start(kind).await else {
        return;
    };
    // 1 MiB exactly, multi-byte characters included.
    let mut body = event("evt_big", "invoice.finalized");
    body.truncate(body.len() - 1);
    body.extend_from_slice(br#","lines":""#);
    while body.len() < 1024 * 1024 - 2 {
        body.extend_from_slice("línea ".as_bytes());
    }
    body.truncate(1024 * 1024 - 2);
    while std::str::from_utf8(&body).is_err() {
        body.pop();
        body.push(b' ');
    }
    body.extend_from_slice(b"\"}");
    assert_eq!(body.len(), 1024 * 1024);
    let answer = accepted(
        &app,
        "/webhooks/stripe/acme",
        &body,
        &signed(NEW_SECRET, &body),
    )
    .await;
    let id = answer["inbox_id"].as_str().unwrap().to_owned();
    let row = app
        .store
        .get_inbox(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.payload_ref
            .as_deref()
            .is_some_and(|r| r.starts_with("blob:")),
        "{row:?}"
    );
    assert_eq!(row.payload_size, 1024 * 1024);
    row_becomes(&app, &id, "processed", Duration::from_secs(15)).await;
    assert_eq!(up.hits("echo"), 1);
    // The raw body back, byte-identical, for roles that may read payloads only.
    let admin = app.admin_token().await;
    let shown: Value = admin_get(&app, &admin, &format!("/v1/admin/inbox/{id}?payload=true"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        shown["payload"].as_str().unwrap().as_bytes(),
        body.as_slice()
    );
    assert_eq!(shown["payload_size"], 1024 * 1024);
    let readonly = app.create_operator("ro", "readonly").await;
    let readonly = app.operator_token(&readonly).await;
    let res = admin_get(
        &app,
        &readonly,
        &format!("/v1/admin/inbox/{id}?payload=true"),
    )
    .await;
    assert_eq!(res.status(), 403);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["required_permission"], "payloads.read");
    let res = admin_get(&app, &readonly, &format!("/v1/admin/inbox/{id}")).await;
    assert_eq!(res.status(), 200);
    let billing = app.create_operator("bill", "billing").await;
    let billing = app.operator_token(&billing).await;
    let res = admin_get(
        &app,
        &billing,
        &format!("/v1/admin/inbox/{id}?payload=true"),
    )
    .await;
    assert_eq!(res.status(), 200);
    app.stop().await;
}

async fn a_failing_route_dead_letters_and_a_replay_after_the_fix_processes(kind: Kind) {
    let Some(Hooks { app, up }) = start(kind).await else {
        return;
    };
    // The charge route's upstream fails five times: every attempt of the job.
    up.script("charge", &[503; 5]);
    let body = event("evt_charge", "charge.failed");
    let answer = accepted(
        &app,
        "/webhooks/stripe/acme",
        &body,
        &signed(NEW_SECRET, &body),
    )
    .await;
    let id = answer["inbox_id"].as_str().unwrap().to_owned();
    let failed = row_becomes(&app, &id, "failed", Duration::from_secs(30)).await;
    let job_id = failed["job_ids"][0].as_str().unwrap().to_owned();
    assert_eq!(up.hits("charge"), 5);
    // Each route call carries a key that is stable across attempts.
    assert_eq!(up.keys("charge"), vec![format!("{job_id}:1"); 5]);
    let admin = app.admin_token().await;
    let dlq: Value = admin_get(&app, &admin, "/v1/admin/dlq?queue=webhook")
        .await
        .json()
        .await
        .unwrap();
    let dead = dlq["items"].as_array().unwrap();
    assert_eq!(dead.len(), 1, "{dlq}");
    assert_eq!(dead[0]["id"], job_id.as_str());
    assert_eq!(dead[0]["kind"], "webhook");
    let failed_events = events(&app, "webhook.failed", 1).await;
    assert_eq!(failed_events[0]["inbox_id"], id.as_str());

    // The upstream is fixed (its script is used up); replay the row.
    let res = app
        .client
        .post(app.url(&format!("/v1/admin/inbox/{id}/replay")))
        .bearer_auth(&admin)
        .json(&json!({"reason": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "a reason is required");
    let res = app
        .client
        .post(app.url(&format!("/v1/admin/inbox/{id}/replay")))
        .bearer_auth(&admin)
        .json(&json!({"reason": "charge hook fixed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let replayed: Value = res.json().await.unwrap();
    assert_eq!(replayed["inbox"]["status"], "received");
    let new_job = replayed["job_id"].as_str().unwrap().to_owned();
    assert_ne!(new_job, job_id);
    let done = row_becomes(&app, &id, "processed", Duration::from_secs(15)).await;
    assert_eq!(done["job_ids"], json!([job_id, new_job]));
    assert!(done["processed_at"].is_string());
    assert_eq!(up.hits("charge"), 6);
    assert_eq!(up.keys("charge").last().unwrap(), &format!("{new_job}:1"));
    // The replay is in the audit log with its reason.
    let audit: Value = admin_get(&app, &admin, "/v1/admin/audit?action=inbox.replay")
        .await
        .json()
        .await
        .unwrap();
    let rows = audit["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{audit}");
    assert_eq!(rows[0]["reason"], "charge hook fixed");
    // A readonly operator may not replay.
    let ro = app.create_operator("ro", "readonly").await;
    let ro = app.operator_token(&ro).await;
    let res = app
        .client
        .post(app.url(&format!("/v1/admin/inbox/{id}/replay")))
        .bearer_auth(&ro)
        .json(&json!({"reason": "just because"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Lists filter by status and type.
    let list: Value = admin_get(
        &app,
        &admin,
        "/v1/admin/inbox?tenant=acme&status=processed&type=charge.failed",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    let none: Value = admin_get(&app, &admin, "/v1/admin/inbox?status=failed")
        .await
        .json()
        .await
        .unwrap();
    assert!(none["items"].as_array().unwrap().is_empty());
    app.stop().await;
}

async fn an_event_without_a_route_is_processed_with_a_note(kind: Kind) {
    let Some(Hooks { app, up }) = start(kind).await else {
        return;
    };
    let body = event("evt_customer", "customer.created");
    let answer = accepted(
        &app,
        "/webhooks/stripe/acme",
        &body,
        &signed(NEW_SECRET, &body),
    )
    .await;
    let id = answer["inbox_id"].as_str().unwrap();
    let row = row_becomes(&app, id, "processed", Duration::from_secs(10)).await;
    assert!(
        row["note"].as_str().unwrap().contains("no route matches"),
        "{row}"
    );
    assert_eq!(up.hits("echo") + up.hits("charge"), 0);
    app.stop().await;
}

both_backends!(
    the_facts_vector_and_a_secret_roll_verify_through_the_endpoint,
    refusals_are_answered_counted_and_store_nothing,
    concurrent_deliveries_of_one_event_make_one_row_one_job_one_call,
    a_large_payload_is_stored_out_of_row_and_processed,
    a_failing_route_dead_letters_and_a_replay_after_the_fix_processes,
    an_event_without_a_route_is_processed_with_a_note,
);

/// Postgres goes away (through a proxy): deliveries get 503, never 2xx, and nothing is
/// half-stored; once it is back, Stripe's redelivery is accepted and processed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_postgres_gone_deliveries_get_503_and_a_redelivery_is_processed() {
    let Some(db) = TestDb::new(Kind::Postgres).await else {
        return;
    };
    let store = db.store().await;
    store.migrate().await.unwrap();
    store.close().await;
    let proxy = TcpProxy::start(&host_port(&db.url)).await;
    let via_proxy = db.url_via(&proxy.addr.to_string());
    let Some(Hooks { app, up }) = start_with(Kind::Sqlite, |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(via_proxy.clone()));
        s.storage.acquire_timeout = orch_core::units::HumanDuration(Duration::from_secs(2));
    })
    .await
    else {
        return;
    };
    let body = event("evt_outage", "invoice.paid");
    proxy.stop();
    for _ in 0..3 {
        let res = post(
            &app,
            "/webhooks/stripe/acme",
            &body,
            Some(&signed(NEW_SECRET, &body)),
        )
        .await;
        let status = res.status().as_u16();
        let problem: Value = res.json().await.unwrap();
        assert_eq!(status, 503, "{problem}");
        assert_eq!(problem["code"], "storage_unavailable");
    }
    proxy.resume().await;
    // Stripe retries with a fresh signature until it gets a 2xx.
    let deadline = Instant::now() + Duration::from_secs(20);
    let answer: Value = loop {
        let res = post(
            &app,
            "/webhooks/stripe/acme",
            &body,
            Some(&signed(NEW_SECRET, &body)),
        )
        .await;
        if res.status() == 200 {
            break res.json().await.unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "deliveries were not accepted after Postgres came back: {}",
            res.status()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(answer["duplicate"], false, "{answer}");
    let id = answer["inbox_id"].as_str().unwrap();
    row_becomes(&app, id, "processed", Duration::from_secs(15)).await;
    assert_eq!(up.hits("echo"), 1);
    assert_eq!(inbox_rows(app.store.as_ref()).await.len(), 1);
    assert_eq!(webhooks_total(&app, "acme", "storage_unavailable").await, 3);
    app.stop().await;
    drop(db);
}

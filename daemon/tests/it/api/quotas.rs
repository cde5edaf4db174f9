//! Per-tenant queue quotas end to end: a tenant over its max queued jobs (overall or per
//! queue) gets 429 `quota_exceeded` while another tenant still enqueues, and has room again
//! once a job ends; the enqueue rate refuses a burst beyond `burst` with `Retry-After`;
//! webhooks over the tenant's webhook allowance get a status Stripe retries and leave no
//! inbox row and no job, while the API allowance is separate; refusals are counted in
//! `orch_quota_exceeded_total`.

use orch_core::webhooks::stripe;
use orchd::jobs::JobQuery;
use orchd::settings::{Roles, Settings, TenantQuotaOverride};
use orchd::webhooks::InboxQuery;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

const SECRET: &str = "whsec_quota_test";

fn doc(tenant: &str, secret_file: &std::path::Path) -> String {
    format!(
        "tenant: {tenant}\nconnectors:\n  billing:\n    base_url: http://127.0.0.1:9\n    operations:\n      \
         on_invoice: {{ method: POST, path: /hooks }}\nwebhooks:\n  stripe:\n    signing_secrets: [\"file:{}\"]\n    \
         routes:\n      - events: [\"*\"]\n        connector: billing\n        operation: on_invoice\n",
        secret_file.display()
    )
}

/// orchd without workers (jobs stay queued, so what is live stays live), `acme` and
/// `globex` configured, and `acme`'s quotas set by `quota`.
async fn start(kind: Kind, quota: TenantQuotaOverride) -> Option<TestApp> {
    let app = TestApp::spawn_with(kind, |s: &mut Settings, _| {
        s.roles = Roles {
            api: true,
            worker: false,
            reconciler: true,
        };
        s.quotas.tenants.insert("acme".to_owned(), quota);
    })
    .await?;
    let secret = app.db.dir.path().join("whsec_quota");
    std::fs::write(&secret, SECRET).unwrap();
    for tenant in ["acme", "globex"] {
        app.activate_config(tenant, &doc(tenant, &secret)).await;
    }
    Some(app)
}

async fn enqueue(app: &TestApp, token: &str, queue: &str, key: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/v1/jobs"))
        .bearer_auth(token)
        .json(&json!({"queue": queue, "connector": "billing", "operation": "on_invoice", "run_at": "2099-01-01T00:00:00Z"}));
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

/// Status and body of a refusal, checked to be a `quota_exceeded` problem.
async fn quota_problem(res: reqwest::Response) -> (Option<String>, Value) {
    assert_eq!(res.status(), 429);
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "a problem document"
    );
    let retry_after = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "quota_exceeded", "{body}");
    assert_eq!(body["status"], 429);
    (retry_after, body)
}

/// `orch_quota_exceeded_total{tenant,quota}` as scraped from `/metrics` (0 if absent).
async fn refusals(app: &TestApp, tenant: &str, quota: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    let series = format!(r#"orch_quota_exceeded_total{{tenant="{tenant}",quota="{quota}"}} "#);
    text.lines()
        .find_map(|l| l.strip_prefix(&series))
        .map_or(0, |v| v.trim().parse().unwrap())
}

async fn a_tenant_over_its_max_queued_jobs_is_refused_alone(kind: Kind) {
    let quota = TenantQuotaOverride {
        max_queued_jobs: Some(3),
        max_queued_jobs_per_queue: [("low".to_owned(), 1)].into(),
        ..TenantQuotaOverride::default()
    };
    let Some(app) = start(kind, quota).await else {
        return;
    };
    let acme = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
    let globex = app.tenant_token("globex", &["jobs:write"]).await;

    let mut ids = Vec::new();
    for queue in ["default", "default", "low"] {
        let res = enqueue(&app, &acme, queue, None).await;
        assert_eq!(res.status(), 202);
        ids.push(
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // The fourth: over the tenant's quota. An idempotency key is released, not burnt.
    let (retry_after, body) =
        quota_problem(enqueue(&app, &acme, "default", Some("k-4")).await).await;
    assert_eq!(body["quota"], "max_queued_jobs", "{body}");
    assert_eq!(body["limit"], 3);
    assert_eq!(body["queued"], 3);
    assert_eq!(body["allowance"], "api");
    assert!(body["request_id"].is_string() && body["trace_id"].is_string());
    assert_eq!(retry_after, None, "no promise when a job will end");

    // Another tenant is not affected.
    for _ in 0..4 {
        assert_eq!(enqueue(&app, &globex, "default", None).await.status(), 202);
    }

    // Room again once a job ends (cancelled here): the same key now enqueues.
    let res = app
        .client
        .post(app.url(&format!("/v1/jobs/{}/cancel", ids[0])))
        .bearer_auth(&acme)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // …but not on `low`, whose own cap of 1 is reached.
    let (_, body) = quota_problem(enqueue(&app, &acme, "low", None).await).await;
    assert_eq!(
        (&body["quota"], &body["limit"], &body["queue"]),
        (&json!("max_queued_jobs"), &json!(1), &json!("low")),
        "{body}"
    );
    assert_eq!(
        enqueue(&app, &acme, "default", Some("k-4")).await.status(),
        202
    );
    quota_problem(enqueue(&app, &acme, "critical", None).await).await;

    let jobs = app
        .store
        .list_jobs(&JobQuery {
            tenant: Some("acme".into()),
            limit: 100,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        jobs.len(),
        4,
        "three live and one cancelled; nothing refused was stored"
    );
    assert_eq!(refusals(&app, "acme", "max_queued_jobs").await, 3);
    assert_eq!(refusals(&app, "globex", "max_queued_jobs").await, 0);
    assert_eq!(refusals(&app, "acme", "enqueue_rate").await, 0);
}

async fn the_enqueue_rate_refuses_a_burst_beyond_burst(kind: Kind) {
    let quota = TenantQuotaOverride {
        // Slow enough that no token comes back while the test runs.
        enqueue_per_second: Some(0.05),
        enqueue_burst: Some(3),
        ..TenantQuotaOverride::default()
    };
    let Some(app) = start(kind, quota).await else {
        return;
    };
    let acme = app.tenant_token("acme", &["jobs:write"]).await;
    let globex = app.tenant_token("globex", &["jobs:write"]).await;
    for _ in 0..3 {
        assert_eq!(enqueue(&app, &acme, "default", None).await.status(), 202);
    }
    for _ in 0..2 {
        let (retry_after, body) = quota_problem(enqueue(&app, &acme, "default", None).await).await;
        assert_eq!(body["quota"], "enqueue_rate", "{body}");
        assert_eq!(body["limit"], 0.05);
        assert_eq!(body["burst"], 3);
        let seconds: u64 = retry_after.expect("Retry-After").parse().unwrap();
        assert!((1..=20).contains(&seconds), "one token in 20 s: {seconds}");
        assert_eq!(body["retry_after_s"], seconds);
    }
    // Its own bucket: the other tenant is untouched.
    for _ in 0..5 {
        assert_eq!(enqueue(&app, &globex, "default", None).await.status(), 202);
    }
    assert_eq!(refusals(&app, "acme", "enqueue_rate").await, 2);
    assert_eq!(refusals(&app, "acme", "max_queued_jobs").await, 0);
}

fn event(id: &str) -> Vec<u8> {
    format!(r#"{{"id":"{id}","object":"event","type":"invoice.paid","data":{{"object":{{}}}}}}"#)
        .into_bytes()
}

async fn deliver(app: &TestApp, tenant: &str, body: &[u8]) -> reqwest::Response {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    app.client
        .post(app.url(&format!("/webhooks/stripe/{tenant}")))
        .header("content-type", "application/json")
        .header(
            "Stripe-Signature",
            stripe::sign(SECRET.as_bytes(), now, body),
        )
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
}

async fn webhooks_over_quota_are_retryable_and_store_nothing(kind: Kind) {
    let mut quota = TenantQuotaOverride {
        // The API allowance is full too: it must not matter to webhooks.
        max_queued_jobs: Some(1),
        ..TenantQuotaOverride::default()
    };
    quota.webhooks.max_queued_jobs = Some(2);
    let Some(app) = start(kind, quota).await else {
        return;
    };
    let acme = app.tenant_token("acme", &["jobs:write"]).await;
    assert_eq!(enqueue(&app, &acme, "default", None).await.status(), 202);
    quota_problem(enqueue(&app, &acme, "default", None).await).await;

    // The webhook allowance is its own: two deliveries fit beside the full API quota.
    for id in ["evt_1", "evt_2"] {
        let res = deliver(&app, "acme", &event(id)).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    // The third: refused with a status Stripe retries, and nothing of it is stored.
    let (_, body) = quota_problem(deliver(&app, "acme", &event("evt_3")).await).await;
    assert_eq!(body["quota"], "max_queued_jobs", "{body}");
    assert_eq!(body["allowance"], "webhooks");
    assert_eq!(body["limit"], 2);
    // Unsigned junk never reaches the quota (and so cannot use it up).
    let res = app
        .client
        .post(app.url("/webhooks/stripe/acme"))
        .header("Stripe-Signature", "t=1,v1=00")
        .body(event("evt_4"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let rows = app
        .store
        .list_inbox(&InboxQuery {
            tenant: Some("acme".into()),
            limit: 100,
            ..InboxQuery::default()
        })
        .await
        .unwrap();
    let mut events: Vec<&str> = rows.iter().map(|r| r.event_id.as_str()).collect();
    events.sort_unstable();
    assert_eq!(
        events,
        ["evt_1", "evt_2"],
        "no row for the refused delivery"
    );
    let webhook_jobs = app
        .store
        .list_jobs(&JobQuery {
            tenant: Some("acme".into()),
            queue: Some("webhook".into()),
            limit: 100,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(webhook_jobs.len(), 2, "no job for the refused delivery");

    // Another tenant's webhooks still go through.
    assert_eq!(deliver(&app, "globex", &event("evt_3")).await.status(), 200);
    // Counted: once per refusal of each kind, and as a webhook outcome.
    assert_eq!(refusals(&app, "acme", "max_queued_jobs").await, 2);
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(
            r#"orch_webhooks_total{provider="stripe",tenant="acme",outcome="quota_exceeded"} 1"#
        ),
        "{text}"
    );
}

both_backends!(
    a_tenant_over_its_max_queued_jobs_is_refused_alone,
    the_enqueue_rate_refuses_a_burst_beyond_burst,
    webhooks_over_quota_are_retryable_and_store_nothing,
);

/// With the max-queued quota off nothing reads the live counters, so nothing folds on read:
/// the reconciler still folds the deltas the triggers append, so they never pile up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reconciler_folds_counter_deltas_when_quotas_are_off() {
    let quota = TenantQuotaOverride {
        max_queued_jobs: Some(0),
        ..TenantQuotaOverride::default()
    };
    let Some(app) = start(Kind::Postgres, quota).await else {
        return;
    };
    let acme = app.tenant_token("acme", &["jobs:write"]).await;
    for _ in 0..20 {
        assert_eq!(enqueue(&app, &acme, "default", None).await.status(), 202);
    }
    let store = app.store.clone();
    let folded = crate::helpers::eventually(std::time::Duration::from_secs(15), || {
        let store = store.clone();
        async move {
            store
                .live_job_counts("acme", "execute")
                .await
                .is_ok_and(|c| c.pending_deltas == 0 && c.total() == 20)
        }
    })
    .await;
    assert!(folded, "the deltas were never folded");
    app.stop().await;
}

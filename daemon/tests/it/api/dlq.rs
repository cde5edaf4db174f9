//! The dead-letter queues: jobs that failed for good are listed and counted per queue;
//! replay (by ids or filter) runs them again with a new upstream key and keeps their runs;
//! purge deletes payloads but keeps rows; dry runs change nothing; every action is audited
//! with its reason; billing operators replay the webhook queue only.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

async fn enqueue(app: &TestApp, token: &str, queue: &str, operation: &str) -> String {
    let res = app
        .client
        .post(app.url("/v1/jobs"))
        .bearer_auth(token)
        .json(&json!({"queue": queue, "connector": "api", "operation": operation, "payload": {"card": "secret-ish"}, "max_attempts": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn wait_status(app: &TestApp, admin: &str, id: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let job = get(app, admin, &format!("/v1/admin/jobs/{id}")).await;
        if job["status"] == status {
            return job;
        }
        assert!(Instant::now() < deadline, "job {id} never {status}: {job}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn dead_jobs_are_listed_replayed_and_purged(kind: Kind) {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let doc = format!(
        "tenant: acme\nconnectors:\n  api:\n    base_url: {}\n    operations:\n      once: {{ method: POST, path: /script/once }}\n      never: {{ method: POST, path: /script/never }}\n",
        up.base_url()
    );
    app.activate_config("acme", &doc).await;
    let token = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
    let admin = app.admin_token().await;
    // `once` fails the first time only; `never` always.
    up.script("once", &[500]);
    up.script("never", &[500; 50]);
    let replayable = enqueue(&app, &token, "default", "once").await;
    let hopeless: Vec<String> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(enqueue(&app, &token, "low", "never").await);
        }
        v
    };
    let hook = enqueue(&app, &token, "webhook", "never").await;
    for id in hopeless.iter().chain([&replayable, &hook]) {
        wait_status(&app, &admin, id, "dead").await;
    }

    let dlq = get(&app, &admin, "/v1/admin/dlq?queue=low").await;
    assert_eq!(dlq["items"].as_array().unwrap().len(), 3);
    assert!(
        dlq["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["status"] == "dead")
    );
    let by_code = get(
        &app,
        &admin,
        "/v1/admin/dlq?error_code=upstream_error&tenant=acme",
    )
    .await;
    assert_eq!(by_code["items"].as_array().unwrap().len(), 5);
    let stats = get(&app, &admin, "/v1/admin/dlq/stats").await;
    let depth = |q: &str| {
        stats["queues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["queue"] == q)
            .map(|r| r["depth"].as_i64().unwrap())
    };
    assert_eq!(
        (
            depth("default"),
            depth("low"),
            depth("webhook"),
            depth("critical")
        ),
        (Some(1), Some(3), Some(1), Some(0))
    );
    // Each queue's oldest dead job, as a time and an age; an empty queue has neither.
    let row = |q: &str| {
        stats["queues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["queue"] == q)
            .cloned()
            .unwrap()
    };
    let low = row("low");
    let oldest = OffsetDateTime::parse(low["oldest_dead_at"].as_str().unwrap(), &Rfc3339).unwrap();
    let age = low["oldest_age_seconds"].as_i64().unwrap();
    let since = (OffsetDateTime::now_utc() - oldest).whole_seconds();
    assert!((0..=since + 1).contains(&age), "{low}");
    let dead_at: Vec<OffsetDateTime> = dlq["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| OffsetDateTime::parse(j["updated_at"].as_str().unwrap(), &Rfc3339).unwrap())
        .collect();
    assert!(dead_at.iter().all(|t| *t >= oldest), "{low} {dlq}");
    let empty = row("critical");
    assert!(empty["oldest_dead_at"].is_null(), "{empty}");
    assert_eq!(empty["oldest_age_seconds"], 0, "{empty}");

    // The reconciler keeps the DLQ gauges current.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = app.get("/metrics").await.text().await.unwrap();
        if text.contains("orch_dlq_depth{queue=\"low\"} 3")
            && text.contains("orch_dlq_depth{queue=\"webhook\"} 1")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "DLQ gauges never updated:\n{}",
            text.lines()
                .filter(|l| l.contains("dlq"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A reason is required; a dry run reports and changes nothing.
    let res = post(
        &app,
        &admin,
        "/v1/admin/dlq/replay",
        json!({"ids": [replayable]}),
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "reason_required"
    );
    let dry: Value = post(
        &app,
        &admin,
        "/v1/admin/dlq/replay",
        json!({"ids": [replayable], "reason": "upstream fixed", "dry_run": true}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (dry["matched"].as_u64(), dry["replayed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        get(&app, &admin, &format!("/v1/admin/jobs/{replayable}")).await["status"],
        "dead"
    );

    // Billing may replay the webhook queue only.
    let billing_key = app.create_operator("bea", "billing").await;
    let billing = app.operator_token(&billing_key).await;
    let res = post(
        &app,
        &billing,
        "/v1/admin/dlq/replay",
        json!({"ids": [replayable], "reason": "customer asked"}),
    )
    .await;
    assert_eq!(res.status(), 403);
    let audit = get(&app, &admin, "/v1/admin/audit?action=dlq.replay").await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["result"] == "denied"
                && r["operator_name"] == "bea"
                && r["reason"] == "customer asked"),
        "the refusal is audited: {audit}"
    );
    let res = post(
        &app,
        &billing,
        "/v1/admin/dlq/replay",
        json!({"filter": {"queue": "webhook"}, "reason": "customer asked", "dry_run": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["matched"], 1);

    // Replay: the job runs again with a new upstream key, its first run kept.
    let res: Value = post(
        &app,
        &admin,
        "/v1/admin/dlq/replay",
        json!({"ids": [replayable], "reason": "upstream fixed"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (res["matched"].as_u64(), res["replayed"].as_u64()),
        (Some(1), Some(1))
    );
    let done = wait_status(&app, &admin, &replayable, "succeeded").await;
    let runs = done["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "{done}");
    assert_eq!(runs[0]["outcome"], "failed");
    assert_eq!(runs[1]["outcome"], "succeeded");
    assert_eq!(
        up.keys("once"),
        vec![replayable.clone(), format!("{replayable}:r1")]
    );
    // Replaying again matches nothing: it is not dead any more.
    let again: Value = post(
        &app,
        &admin,
        "/v1/admin/dlq/replay",
        json!({"ids": [replayable], "reason": "upstream fixed"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again["matched"], 0);

    // Purge by filter: the dry run counts, the real one purges, rows stay.
    let dry: Value = post(
        &app,
        &admin,
        "/v1/admin/dlq/purge",
        json!({"filter": {"queue": "low"}, "reason": "garbage", "dry_run": true}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (dry["matched"].as_u64(), dry["purged"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(
        get(&app, &admin, "/v1/admin/dlq?queue=low").await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let support_key = app.create_operator("sam", "support").await;
    let support = app.operator_token(&support_key).await;
    let res = post(
        &app,
        &support,
        "/v1/admin/dlq/purge",
        json!({"filter": {"queue": "low"}, "reason": "garbage"}),
    )
    .await;
    assert_eq!(res.status(), 403, "purge is admin-only");
    let purged: Value = post(
        &app,
        &admin,
        "/v1/admin/dlq/purge",
        json!({"filter": {"queue": "low"}, "reason": "garbage"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (purged["matched"].as_u64(), purged["purged"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        get(&app, &admin, "/v1/admin/dlq?queue=low").await["items"],
        json!([])
    );
    for id in &hopeless {
        let row = app
            .store
            .get_job(uuid::Uuid::parse_str(id).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.status, "purged");
        assert_eq!(row.payload, None, "payload deleted");
        assert_eq!(
            app.store.job_runs(row.id).await.unwrap().len(),
            1,
            "runs kept"
        );
    }

    // Each real action left an audit row with its reason; dry runs did not.
    let audit = get(&app, &admin, "/v1/admin/audit?action=dlq.replay").await;
    let rows: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] == "ok")
        .collect();
    assert_eq!(rows.len(), 1, "{audit}");
    assert_eq!(rows[0]["reason"], "upstream fixed");
    let audit = get(&app, &admin, "/v1/admin/audit?action=dlq.purge").await;
    let rows: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] == "ok")
        .collect();
    assert_eq!(rows.len(), 1, "{audit}");
    assert_eq!(rows[0]["reason"], "garbage");
    app.stop().await;
}

async fn bad_selectors_are_refused(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    for body in [
        json!({"reason": "because"}),
        json!({"ids": [], "reason": "because"}),
        json!({"ids": [uuid::Uuid::nil()], "filter": {}, "reason": "because"}),
        json!({"filter": {"queue": "nope"}, "reason": "because"}),
        json!({"filter": {"since": "yesterday"}, "reason": "because"}),
    ] {
        let res = post(&app, &admin, "/v1/admin/dlq/replay", body.clone()).await;
        assert_eq!(res.status(), 400, "{body}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{body}"
        );
    }
    app.stop().await;
}

/// An API-only node (no workers take the jobs this test kills by hand).
async fn api_only(kind: Kind) -> Option<TestApp> {
    TestApp::spawn_with(kind, |s, _| {
        s.roles = "api".parse().unwrap();
    })
    .await
}

/// `n` dead jobs on `queue`, made through the store as a worker would, oldest first.
pub(crate) async fn kill_jobs(
    app: &TestApp,
    tenant: &str,
    queue: &str,
    n: usize,
) -> Vec<uuid::Uuid> {
    kill_jobs_with(app, tenant, queue, n, "upstream_error", |_| {}).await
}

/// Like [`kill_jobs`], each job first adjusted by `adjust` (say, to a connector that
/// succeeds once replayed).
pub(crate) async fn kill_jobs_with(
    app: &TestApp,
    tenant: &str,
    queue: &str,
    n: usize,
    code: &str,
    adjust: impl Fn(&mut orchd::jobs::JobRecord),
) -> Vec<uuid::Uuid> {
    // Due only in a while, so no worker of a full node claims one first; claimed here "then".
    let due = time::OffsetDateTime::now_utc() + time::Duration::seconds(30);
    let mut ids = Vec::new();
    for _ in 0..n {
        let mut job = crate::conformance::jobs::job(tenant, queue, None);
        job.max_attempts = 1;
        job.run_at = due;
        adjust(&mut job);
        app.store.enqueue_job(&job).await.unwrap();
        ids.push(job.id);
    }
    let then = due + time::Duration::seconds(1);
    let lease = then + time::Duration::seconds(60);
    let claims = app
        .store
        .claim_jobs(queue, "test", then, lease, n as u32)
        .await
        .unwrap();
    // They die now (a death is never ahead of the clock: filters pinned to "now" hold it).
    let now = time::OffsetDateTime::now_utc();
    assert_eq!(claims.len(), n);
    let finished: Vec<orchd::jobs::FinishedAttempt> = claims
        .into_iter()
        .map(|c| orchd::jobs::FinishedAttempt {
            job_id: c.job.id,
            token: c.fencing_token,
            finish: orchd::jobs::Finish {
                outcome: orchd::jobs::RunOutcome::Failed,
                next: orchd::jobs::Next::Dead,
                error_code: Some(code.to_owned()),
                error_message: Some("upstream answered 500".into()),
                upstream_status: Some(500),
                duration_ms: 1,
            },
            at: now,
        })
        .collect();
    for chunk in finished.chunks(100) {
        assert!(
            app.store
                .finish_jobs(chunk)
                .await
                .unwrap()
                .iter()
                .all(|ok| *ok)
        );
    }
    ids
}

/// The `ok` audit rows of `action`, oldest first.
async fn ok_rows(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let audit = get(
        app,
        admin,
        &format!("/v1/admin/audit?action={action}&limit=500"),
    )
    .await;
    let mut rows: Vec<Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] == "ok")
        .cloned()
        .collect();
    rows.reverse();
    rows
}

fn named_ids(row: &Value) -> Vec<String> {
    row["diff_json"]["before"]["job_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// A bulk action changes jobs in batches (500 per statement batch); each batch commits with
/// its own audit row naming exactly the jobs it changed, all under the action's request id.
async fn every_batch_has_its_audit_row(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let mut ids: Vec<String> = kill_jobs(&app, "acme", "low", 501)
        .await
        .iter()
        .map(ToString::to_string)
        .collect();
    let res = post(
        &app,
        &admin,
        "/v1/admin/dlq/replay",
        json!({"filter": {"queue": "low"}, "reason": "upstream fixed"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["matched"].as_u64(), body["replayed"].as_u64()),
        (Some(501), Some(501))
    );

    let rows = ok_rows(&app, &admin, "dlq.replay").await;
    assert_eq!(rows.len(), 2, "one audit row per batch: {rows:#?}");
    let sizes: Vec<usize> = rows.iter().map(|r| named_ids(r).len()).collect();
    assert_eq!(sizes, [500, 1]);
    let mut named: Vec<String> = rows.iter().flat_map(named_ids).collect();
    named.sort();
    ids.sort();
    assert_eq!(named, ids, "the rows name exactly the replayed jobs");
    assert_eq!(rows[0]["request_id"], rows[1]["request_id"]);
    for row in &rows {
        assert_eq!(row["reason"], "upstream fixed");
        assert_eq!(row["diff_json"]["before"]["matched"], 501);
        assert_eq!(row["diff_json"]["after"]["status"], "queued");
    }

    // Purge: the same, per batch.
    let few = kill_jobs(&app, "acme", "critical", 3).await;
    let res = post(
        &app,
        &admin,
        "/v1/admin/dlq/purge",
        json!({"ids": few, "reason": "garbage"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let rows = ok_rows(&app, &admin, "dlq.purge").await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let mut named = named_ids(&rows[0]);
    named.sort();
    let mut want: Vec<String> = few.iter().map(ToString::to_string).collect();
    want.sort();
    assert_eq!(named, want);
    app.stop().await;
}

/// Makes the database refuse any change to `doomed`'s jobs (a constraint on Postgres, a
/// trigger on SQLite), so a batch fails after its audit row was prepared.
async fn doom_tenant(app: &TestApp, kind: Kind) {
    use sqlx::Executor;
    match kind {
        Kind::Postgres => {
            let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
            pool.execute(
                "ALTER TABLE jobs ADD CONSTRAINT doomed_jobs_stay \
                 CHECK (tenant_id <> 'doomed' OR status = 'dead')",
            )
            .await
            .unwrap();
            pool.close().await;
        }
        Kind::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
            pool.execute(
                "CREATE TRIGGER doomed_jobs_stay BEFORE UPDATE ON jobs WHEN OLD.tenant_id = 'doomed' \
                 BEGIN SELECT RAISE(ABORT, 'doomed jobs stay dead'); END",
            )
            .await
            .unwrap();
            pool.close().await;
        }
    }
}

/// A batch whose change fails leaves no audit row (and changes nothing); batches committed
/// before it keep theirs.
async fn a_failed_batch_leaves_no_audit_row(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    // The oldest job is last in the selection (newest first), so it is alone in batch two.
    let doomed = kill_jobs(&app, "doomed", "low", 1).await;
    let fine = kill_jobs(&app, "acme", "low", 500).await;
    doom_tenant(&app, kind).await;

    let res = post(
        &app,
        &admin,
        "/v1/admin/dlq/replay",
        json!({"filter": {"queue": "low"}, "reason": "upstream fixed"}),
    )
    .await;
    assert!(res.status().is_server_error(), "{}", res.status());
    let rows = ok_rows(&app, &admin, "dlq.replay").await;
    assert_eq!(
        rows.len(),
        1,
        "only the committed batch is audited: {rows:#?}"
    );
    assert_eq!(named_ids(&rows[0]).len(), 500);
    assert!(!named_ids(&rows[0]).contains(&doomed[0].to_string()));
    for id in &fine {
        assert_eq!(
            app.store.get_job(*id).await.unwrap().unwrap().status,
            "queued"
        );
    }
    assert_eq!(
        app.store.get_job(doomed[0]).await.unwrap().unwrap().status,
        "dead"
    );

    let res = post(
        &app,
        &admin,
        "/v1/admin/dlq/purge",
        json!({"ids": doomed, "reason": "garbage"}),
    )
    .await;
    assert!(res.status().is_server_error(), "{}", res.status());
    assert!(ok_rows(&app, &admin, "dlq.purge").await.is_empty());
    assert_eq!(
        app.store.get_job(doomed[0]).await.unwrap().unwrap().status,
        "dead"
    );
    app.stop().await;
}

both_backends!(
    dead_jobs_are_listed_replayed_and_purged,
    bad_selectors_are_refused,
    every_batch_has_its_audit_row,
    a_failed_batch_leaves_no_audit_row,
);

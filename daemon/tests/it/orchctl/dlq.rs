//! `dlq list | stats | show | replay | purge` and `jobs get | list` against jobs that really
//! died (a connector whose upstream answers 500, one attempt each): listing and filters,
//! dry runs that change nothing, the confirmation rule off a terminal (`--yes` or exit 2),
//! and replays that take a job out of the DLQ.

use std::time::{Duration, Instant};

use orchctl::Exit;
use serde_json::{Value, json};

use super::support::{Orchctl, audit_rows};
use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

/// A running orchd with dead jobs of tenant `acme`: three on `low` (their upstream always
/// fails) and one on `default` (its upstream fails once, then answers 200).
struct Dead {
    app: TestApp,
    _up: Upstream,
    admin_token: String,
    low: Vec<String>,
    replayable: String,
}

impl Dead {
    async fn start(kind: Kind) -> Option<Dead> {
        let up = Upstream::start().await;
        let app = TestApp::spawn(kind).await?;
        let doc = format!(
            "tenant: acme\nconnectors:\n  api:\n    base_url: {}\n    operations:\n      once: {{ method: POST, path: /script/once }}\n      never: {{ method: POST, path: /script/never }}\n",
            up.base_url()
        );
        app.activate_config("acme", &doc).await;
        up.script("once", &[500]);
        up.script("never", &[500; 20]);
        let token = app.tenant_token("acme", &["jobs:write", "jobs:read"]).await;
        let admin_token = app.admin_token().await;
        let mut low = Vec::new();
        for _ in 0..3 {
            low.push(enqueue(&app, &token, "low", "never").await);
        }
        let replayable = enqueue(&app, &token, "default", "once").await;
        let dead = Dead {
            app,
            _up: up,
            admin_token,
            low,
            replayable,
        };
        for id in dead.low.iter().chain([&dead.replayable]) {
            dead.wait_status(id, "dead").await;
        }
        Some(dead)
    }

    /// An orchctl logged in as the bootstrap admin.
    async fn admin(&self) -> Orchctl {
        let admin = Orchctl::new(&self.app, "admin");
        admin.login(&self.app.admin_key()).await.ok();
        admin
    }

    /// The job as the admin API shows it.
    async fn job(&self, id: &str) -> Value {
        let res = self
            .app
            .client
            .get(self.app.url(&format!("/v1/admin/jobs/{id}")))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{id}");
        res.json().await.unwrap()
    }

    async fn wait_status(&self, id: &str, status: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let job = self.job(id).await;
            if job["status"] == status {
                return job;
            }
            assert!(Instant::now() < deadline, "job {id} never {status}: {job}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

async fn enqueue(app: &TestApp, token: &str, queue: &str, operation: &str) -> String {
    let res = app
        .client
        .post(app.url("/v1/jobs"))
        .bearer_auth(token)
        .json(&json!({"queue": queue, "connector": "api", "operation": operation, "payload": {"n": 1}, "max_attempts": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The ids of a page of jobs printed as JSON, in order.
fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {page}"))
        .iter()
        .map(|job| job["id"].as_str().unwrap().to_owned())
        .collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

async fn dlq_and_jobs_show_dead_jobs(kind: Kind) {
    let Some(dead) = Dead::start(kind).await else {
        return;
    };
    let admin = dead.admin().await;
    let all_dead = sorted(
        dead.low
            .iter()
            .cloned()
            .chain([dead.replayable.clone()])
            .collect(),
    );

    // list: every dead job, as the API's page.
    let page = admin.run(&["dlq", "list", "-o", "json"]).await.ok().json();
    assert_eq!(sorted(ids(&page)), all_dead, "{page}");
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|job| job["status"] == "dead"),
        "{page}"
    );
    // Filters go to the server.
    let low = admin
        .run(&["dlq", "list", "--queue", "low", "--tenant", "acme"])
        .await
        .ok()
        .json();
    assert_eq!(sorted(ids(&low)), sorted(dead.low.clone()), "{low}");
    let none = admin
        .run(&["dlq", "list", "--tenant", "other", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(none["items"], json!([]), "{none}");
    // Paging: --limit 1 gives one row and a cursor; --all follows it to the end.
    let first = admin
        .run(&["dlq", "list", "--limit", "1"])
        .await
        .ok()
        .json();
    assert_eq!(ids(&first).len(), 1, "{first}");
    assert!(first["next_cursor"].is_string(), "{first}");
    let every = admin
        .run(&["dlq", "list", "--limit", "1", "--all"])
        .await
        .ok()
        .json();
    assert_eq!(sorted(ids(&every)), all_dead, "{every}");
    assert_eq!(every["next_cursor"], Value::Null, "{every}");

    // The table: a header and one row per dead job.
    let table = admin.run(&["dlq", "list", "-o", "table"]).await.ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{table:#?}");
    for header in ["ID", "TENANT", "QUEUE", "STATUS", "ATTEMPTS", "LAST ERROR"] {
        assert!(lines[0].contains(header), "{table:#?}");
    }
    assert!(
        lines[1..].iter().all(|line| line.contains(" dead ")),
        "{table:#?}"
    );

    // stats: the depth of each queue.
    let stats = admin.run(&["dlq", "stats", "-o", "json"]).await.ok().json();
    let depth = |queue: &str| {
        stats["queues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["queue"] == queue)
            .map(|row| row["depth"].as_i64().unwrap())
    };
    assert_eq!(
        (depth("low"), depth("default")),
        (Some(3), Some(1)),
        "{stats}"
    );
    let low_row = stats["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["queue"] == "low")
        .unwrap();
    assert!(low_row["oldest_dead_at"].is_string(), "{stats}");

    // show and jobs get: the job with its runs.
    let id = &dead.low[0];
    for args in [
        &["dlq", "show", id, "-o", "json"][..],
        &["jobs", "get", id, "-o", "json"],
    ] {
        let job = admin.run(args).await.ok().json();
        assert_eq!(job["id"], id.as_str(), "{args:?}: {job}");
        assert_eq!(job["status"], "dead", "{job}");
        assert_eq!(job["queue"], "low", "{job}");
        let runs = job["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "one attempt: {job}");
        assert_eq!(runs[0]["attempt"], 1, "{job}");
    }
    let shown = admin.run(&["jobs", "get", id, "-o", "table"]).await.ok();
    assert!(shown.stdout.contains("status:"), "{shown:#?}");
    assert!(shown.stdout.contains("ATTEMPT"), "{shown:#?}");
    let missing = "00000000-0000-7000-8000-000000000000";
    admin
        .run(&["jobs", "get", missing])
        .await
        .exits(Exit::NotFound);

    // jobs list: filters by status, queue and tenant.
    let listed = admin
        .run(&["jobs", "list", "--status", "dead", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(sorted(ids(&listed)), all_dead, "{listed}");
    let listed = admin
        .run(&["jobs", "list", "--status", "dead", "--queue", "default"])
        .await
        .ok()
        .json();
    assert_eq!(ids(&listed), vec![dead.replayable.clone()], "{listed}");
    let listed = admin
        .run(&["jobs", "list", "--status", "succeeded", "--tenant", "acme"])
        .await
        .ok()
        .json();
    assert_eq!(listed["items"], json!([]), "{listed}");
}

async fn dlq_purge_asks_to_confirm_and_dry_runs_change_nothing(kind: Kind) {
    let Some(dead) = Dead::start(kind).await else {
        return;
    };
    let admin = dead.admin().await;
    let low_depth = || async {
        let page = admin
            .run(&["dlq", "list", "--queue", "low", "-o", "json"])
            .await
            .ok()
            .json();
        ids(&page).len()
    };

    // A dry run counts and changes nothing; it needs no --yes.
    let preview = admin
        .run(&[
            "dlq",
            "purge",
            "--all",
            "--queue",
            "low",
            "--reason",
            "cleanup",
            "--dry-run",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(
        preview,
        json!({"matched": 3, "purged": 0, "dry_run": true}),
        "{preview}"
    );
    assert_eq!(low_depth().await, 3);
    let table = admin
        .run(&[
            "dlq",
            "purge",
            "--all",
            "--queue",
            "low",
            "--reason",
            "cleanup",
            "--dry-run",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert!(table.stdout.contains("Dry run: 3 "), "{table:#?}");

    // Without a terminal, a purge needs --yes: a usage error, and nothing is purged.
    for args in [
        &[
            "dlq", "purge", "--all", "--queue", "low", "--reason", "cleanup",
        ][..],
        &["dlq", "purge", &dead.low[0], "--reason", "cleanup"],
    ] {
        let out = admin.run(args).await.exits(Exit::Usage);
        assert!(out.stderr.contains("--yes"), "{out:#?}");
    }
    // Without a reason: a usage error too.
    admin
        .run(&["dlq", "purge", "--all", "--yes"])
        .await
        .exits(Exit::Usage);
    assert_eq!(low_depth().await, 3);
    assert!(
        !audit_rows(&dead.app)
            .await
            .iter()
            .any(|row| row["action"] == "dlq.purge"),
        "nothing was sent"
    );

    // With --yes: purged, and the audit log says why.
    let purged = admin
        .run(&[
            "dlq", "purge", "--all", "--queue", "low", "--reason", "cleanup", "--yes",
        ])
        .await
        .ok()
        .json();
    assert_eq!(
        purged,
        json!({"matched": 3, "purged": 3, "dry_run": false}),
        "{purged}"
    );
    assert_eq!(low_depth().await, 0);
    for id in &dead.low {
        assert_eq!(dead.job(id).await["status"], "purged");
    }
    let rows = audit_rows(&dead.app).await;
    let row = rows
        .iter()
        .find(|row| row["action"] == "dlq.purge")
        .expect("a dlq.purge audit row");
    assert_eq!(row["reason"], "cleanup", "{row}");
    // The job on the other queue is still dead.
    assert_eq!(dead.job(&dead.replayable).await["status"], "dead");
}

async fn dlq_replay_takes_a_job_out_of_the_dlq(kind: Kind) {
    let Some(dead) = Dead::start(kind).await else {
        return;
    };
    let admin = dead.admin().await;
    let id = dead.replayable.as_str();

    // No reason off a terminal: a usage error. --all without --yes: a usage error.
    admin
        .run(&["dlq", "replay", id, "--yes"])
        .await
        .exits(Exit::Usage);
    admin
        .run(&["dlq", "replay", "--all", "--reason", "retry"])
        .await
        .exits(Exit::Usage);
    // A dry run by id lists the job and replays nothing.
    let preview = admin
        .run(&["dlq", "replay", id, "--reason", "retry", "--dry-run"])
        .await
        .ok()
        .json();
    assert_eq!(
        preview,
        json!({"matched": 1, "replayed": 0, "job_ids": [id], "dry_run": true})
    );
    assert_eq!(dead.job(id).await["status"], "dead");

    // Replayed by id: out of the DLQ, and it runs again (its upstream answers 200 now).
    let replayed = admin
        .run(&["dlq", "replay", id, "--reason", "upstream fixed", "--yes"])
        .await
        .ok()
        .json();
    assert_eq!(
        replayed,
        json!({"matched": 1, "replayed": 1, "job_ids": [id], "dry_run": false}),
        "{replayed}"
    );
    let page = admin.run(&["dlq", "list", "-o", "json"]).await.ok().json();
    assert!(!ids(&page).contains(&id.to_owned()), "{page}");
    assert_eq!(ids(&page).len(), 3, "{page}");
    let job = dead.wait_status(id, "succeeded").await;
    assert_eq!(job["runs"].as_array().unwrap().len(), 2, "{job}");
    let stats = admin.run(&["dlq", "stats", "-o", "json"]).await.ok().json();
    let default = stats["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["queue"] == "default")
        .map_or(0, |row| row["depth"].as_i64().unwrap());
    assert_eq!(default, 0, "{stats}");

    // A job that is not dead matches nothing.
    let again = admin
        .run(&["dlq", "replay", id, "--reason", "again", "--yes"])
        .await
        .ok()
        .json();
    assert_eq!(again["replayed"], 0, "{again}");
}

/// Large selections go a chunk per request (each audited; a progress bar on a terminal):
/// by ids in slices, by filter with a limit per request until the counted total.
async fn large_selections_are_acted_on_in_chunks(kind: Kind) {
    let Some(dead) = Dead::start(kind).await else {
        return;
    };
    let admin = dead.admin().await;
    let low: Vec<&str> = dead.low.iter().map(String::as_str).collect();
    let actions = |name: &'static str| {
        let app = &dead.app;
        async move {
            audit_rows(app)
                .await
                .iter()
                .filter(|row| row["action"] == name)
                .count()
        }
    };

    let mut args = vec!["dlq", "replay"];
    args.extend(&low);
    args.extend(["--reason", "retry low", "--yes", "--chunk-size", "2"]);
    let replayed = admin.run(&args).await.ok().json();
    assert_eq!(replayed["matched"], 3, "{replayed}");
    assert_eq!(replayed["replayed"], 3, "{replayed}");
    assert_eq!(actions("dlq.replay").await, 2, "3 ids in slices of 2");
    // They fail again (their upstream always does) and land back in the DLQ.
    for id in &low {
        dead.wait_status(id, "dead").await;
    }

    let purged = admin
        .run(&[
            "dlq",
            "purge",
            "--all",
            "--queue",
            "low",
            "--reason",
            "cleanup",
            "--yes",
            "--chunk-size",
            "2",
        ])
        .await
        .ok()
        .json();
    assert_eq!(
        purged,
        json!({"matched": 3, "purged": 3, "dry_run": false}),
        "{purged}"
    );
    assert_eq!(actions("dlq.purge").await, 2, "a limit of 2, then of 1");
    for id in &low {
        assert_eq!(dead.job(id).await["status"], "purged");
    }
    assert_eq!(
        dead.job(&dead.replayable).await["status"],
        "dead",
        "other queues untouched"
    );
}

both_backends!(
    large_selections_are_acted_on_in_chunks,
    dlq_and_jobs_show_dead_jobs,
    dlq_purge_asks_to_confirm_and_dry_runs_change_nothing,
    dlq_replay_takes_a_job_out_of_the_dlq,
);

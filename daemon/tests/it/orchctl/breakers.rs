//! `breakers list | reset` against a breaker opened by a real failing upstream: filters,
//! RBAC (read to list, `breaker.reset` to reset), the `--reason` rule and the audit row.

use orchctl::Exit;
use serde_json::{Value, json};

use super::support::{Orchctl, audit_rows};
use crate::both_backends;
use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

/// Tenant `acme` with one connector, `brk`, whose breaker opens after four failed calls and
/// stays open for a minute (longer than any test), so only a reset closes it.
fn config(up: &str) -> String {
    format!(
        r#"
tenant: acme
policies:
  breaking:
    timeouts: {{ connect_ms: 300, read_ms: 400, total_ms: 3000 }}
    retry: {{ max_attempts: 1 }}
    circuit_breaker: {{ failure_rate_threshold: 0.5, minimum_calls: 4, window_s: 30, open_s: 60, half_open_max_calls: 1 }}
connectors:
  brk:
    base_url: {up}
    policy: breaking
    operations: {{ call: {{ method: GET, path: /script/brk }} }}
"#
    )
}

/// A running orchd whose `acme/brk` breaker is open, the upstream behind it (healthy again:
/// its script of failures is used up) and an `execute` token of `acme`.
struct Opened {
    app: TestApp,
    up: Upstream,
    token: String,
}

impl Opened {
    async fn start(kind: Kind) -> Option<Opened> {
        let up = Upstream::start().await;
        let app = TestApp::spawn(kind).await?;
        app.activate_config("acme", &config(&up.base_url())).await;
        let token = app.tenant_token("acme", &["execute"]).await;
        up.script("brk", &[500, 500, 500, 500]);
        let opened = Opened { app, up, token };
        for _ in 0..4 {
            let res = opened.execute().await;
            assert_eq!(res.status(), 200, "the upstream's answer is passed on");
            assert_eq!(res.json::<Value>().await.unwrap()["status"], 500);
        }
        opened.assert_open().await;
        Some(opened)
    }

    async fn execute(&self) -> reqwest::Response {
        self.app
            .client
            .post(self.app.url("/v1/execute"))
            .bearer_auth(&self.token)
            .json(&json!({"connector": "brk", "operation": "call"}))
            .send()
            .await
            .unwrap()
    }

    /// The breaker is open: a call fails fast without reaching the upstream.
    async fn assert_open(&self) {
        let hits = self.up.hits("brk");
        let res = self.execute().await;
        assert_eq!(res.status(), 503);
        assert_eq!(res.json::<Value>().await.unwrap()["code"], "circuit_open");
        assert_eq!(
            self.up.hits("brk"),
            hits,
            "an open breaker does not call out"
        );
    }

    /// An orchctl logged in as the bootstrap admin.
    async fn admin(&self) -> Orchctl {
        let admin = Orchctl::new(&self.app, "admin");
        admin.login(&self.app.admin_key()).await.ok();
        admin
    }

    /// An orchctl logged in as a new operator with `role`.
    async fn operator(&self, name: &str, role: &str) -> Orchctl {
        let key = self.app.create_operator(name, role).await;
        let operator = Orchctl::new(&self.app, name);
        operator.login(&key).await.ok();
        operator
    }
}

/// The `breaker.reset` rows of the audit log, newest first.
async fn reset_rows(app: &TestApp) -> Vec<Value> {
    audit_rows(app)
        .await
        .into_iter()
        .filter(|row| row["action"] == "breaker.reset")
        .collect()
}

async fn breakers_list_and_reset(kind: Kind) {
    let Some(opened) = Opened::start(kind).await else {
        return;
    };
    let admin = opened.admin().await;

    // list: the API's page, the breaker open with its numbers.
    let listed = admin.run(&["breakers", "list", "-o", "json"]).await.ok();
    let page = listed.json();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    let breaker = &items[0];
    assert_eq!(breaker["tenant"], "acme");
    assert_eq!(breaker["connector"], "brk");
    assert_eq!(breaker["state"], "open");
    // orchd clears the window when a breaker opens, so these are not pinned here.
    assert!(breaker["failure_rate"].is_f64(), "{page}");
    assert!(breaker["calls_in_window"].is_u64(), "{page}");
    assert!(breaker["opened_at"].is_string(), "{page}");
    assert!(breaker["next_probe_at"].is_string(), "{page}");

    // Filters go to the server.
    for args in [
        &["--tenant", "acme"][..],
        &["--connector", "brk"],
        &["--tenant", "acme", "--connector", "brk"],
    ] {
        let out = admin
            .run(&[&["breakers", "list"][..], args].concat())
            .await
            .ok();
        assert_eq!(out.json()["items"].as_array().unwrap().len(), 1, "{args:?}");
    }
    for args in [
        &["--tenant", "other"][..],
        &["--connector", "nope"],
        &["--tenant", "other", "--connector", "brk"],
    ] {
        let out = admin
            .run(&[&["breakers", "list"][..], args].concat())
            .await
            .ok();
        assert_eq!(out.json()["items"], json!([]), "{args:?}: {out:#?}");
    }

    // The table: one row with both times, and no colour off a terminal.
    let table = admin.run(&["breakers", "list", "-o", "table"]).await.ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{table:#?}");
    let headers = [
        "TENANT",
        "CONNECTOR",
        "STATE",
        "FAILURE RATE",
        "CALLS",
        "OPENED AT",
        "NEXT PROBE",
    ];
    for header in headers {
        assert!(lines[0].contains(header), "{table:#?}");
    }
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(row.len(), 7, "{table:#?}");
    assert_eq!(row[..3], ["acme", "brk", "open"], "{table:#?}");
    assert!(row[3].ends_with('%'), "{table:#?}");
    assert!(row[5].ends_with('Z') && row[6].ends_with('Z'), "{table:#?}");
    assert!(!table.stdout.contains('\x1b'), "{table:#?}");

    // reset: the breaker is closed and the next call reaches the upstream.
    let hits = opened.up.hits("brk");
    let reset = admin
        .run(&[
            "breakers",
            "reset",
            "acme",
            "brk",
            "--reason",
            "upstream fixed",
        ])
        .await
        .ok();
    let page = reset.json();
    assert_eq!(page["items"][0]["tenant"], "acme", "{page}");
    assert_eq!(page["items"][0]["connector"], "brk", "{page}");
    assert_eq!(page["items"][0]["state"], "closed", "{page}");
    let res = opened.execute().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], 200);
    assert_eq!(opened.up.hits("brk"), hits + 1, "the call went out");
    // A closed breaker counts again: one success and one failure are 50% of 2 calls.
    opened.up.script("brk", &[500]);
    let res = opened.execute().await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], 500);
    let listed = admin.run(&["breakers", "list"]).await.ok();
    let breaker = &listed.json()["items"][0];
    assert_eq!(breaker["state"], "closed", "{listed:#?}");
    assert_eq!(breaker["calls_in_window"], 2, "{listed:#?}");
    assert_eq!(breaker["failure_rate"], 0.5, "{listed:#?}");
    assert!(breaker["opened_at"].is_null(), "{listed:#?}");
    let table = admin.run(&["breakers", "list", "-o", "table"]).await.ok();
    let row: Vec<&str> = table
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        row,
        ["acme", "brk", "closed", "50%", "2", "-", "-"],
        "{table:#?}"
    );

    // The reset is audited with its reason and the state it replaced.
    let rows = reset_rows(&opened.app).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let row = &rows[0];
    assert_eq!(row["reason"], "upstream fixed");
    assert_eq!(row["result"], "ok");
    assert_eq!(row["operator_name"], "admin");
    assert_eq!(row["target_id"], "acme/brk");
    assert_eq!(row["diff_json"]["before"]["state"], "open", "{row}");
    assert_eq!(row["diff_json"]["after"]["state"], "closed", "{row}");

    // In table mode, reset says what it did.
    let again = admin
        .run(&[
            "breakers",
            "reset",
            "acme",
            "brk",
            "--reason",
            "just to be sure",
            "-o",
            "table",
        ])
        .await
        .ok();
    assert_eq!(
        again.stdout, "Reset circuit breaker acme/brk: now closed.\n",
        "{again:#?}"
    );
    opened.app.stop().await;
}

async fn a_readonly_operator_can_list_but_not_reset(kind: Kind) {
    let Some(opened) = Opened::start(kind).await else {
        return;
    };
    let rita = opened.operator("rita", "readonly").await;
    let listed = rita.run(&["breakers", "list"]).await.ok();
    assert_eq!(listed.json()["items"][0]["state"], "open", "{listed:#?}");

    let refused = rita
        .run(&[
            "breakers",
            "reset",
            "acme",
            "brk",
            "--reason",
            "let me through",
        ])
        .await
        .exits(Exit::Forbidden);
    assert!(refused.stdout.is_empty(), "{refused:#?}");
    assert!(refused.stderr.contains("code: forbidden"), "{refused:#?}");
    assert!(refused.stderr.contains("request_id: "), "{refused:#?}");
    opened.assert_open().await;
    let rows = reset_rows(&opened.app).await;
    assert!(
        rows.iter()
            .all(|r| r["operator_name"] == "rita" && r["result"] == "denied"),
        "only the denial is audited: {rows:#?}"
    );

    // Support may reset.
    let sam = opened.operator("sam", "support").await;
    let reset = sam
        .run(&[
            "breakers",
            "reset",
            "acme",
            "brk",
            "--reason",
            "upstream fixed",
        ])
        .await
        .ok();
    assert_eq!(reset.json()["items"][0]["state"], "closed", "{reset:#?}");
    let rows = reset_rows(&opened.app).await;
    assert!(
        rows.iter().any(|r| r["operator_name"] == "sam"
            && r["result"] == "ok"
            && r["reason"] == "upstream fixed"),
        "{rows:#?}"
    );
    opened.app.stop().await;
}

async fn a_reset_without_reason_off_a_terminal_sends_nothing(kind: Kind) {
    let Some(opened) = Opened::start(kind).await else {
        return;
    };
    let admin = opened.admin().await;
    let before = audit_rows(&opened.app).await;

    let attempts: [&[&str]; 3] = [
        &["breakers", "reset", "acme", "brk", "-v"],
        &["breakers", "reset", "acme", "brk", "--reason", "  ", "-v"],
        // --yes never prompts either.
        &["breakers", "reset", "acme", "brk", "--yes", "-v"],
    ];
    for args in attempts {
        let out = admin.run(args).await.exits(Exit::Usage);
        assert!(out.stderr.contains("--reason"), "{args:?}: {out:#?}");
        // -v lists every request sent: there is none.
        assert!(
            !out.stderr.contains(" -> "),
            "{args:?} sent a request: {out:#?}"
        );
        assert!(out.stdout.is_empty(), "{out:#?}");
    }
    // Names the API could not mean are refused before anything is sent, too.
    for args in [
        &["breakers", "reset", "Acme!", "brk", "--reason", "fixed it"][..],
        &[
            "breakers", "reset", "acme", "brk/../x", "--reason", "fixed it",
        ],
    ] {
        admin.run(args).await.exits(Exit::Usage);
    }

    let after = audit_rows(&opened.app).await;
    assert_eq!(
        after.len(),
        before.len(),
        "no audit row may appear: {after:#?}"
    );
    opened.assert_open().await;
    let listed = admin.run(&["breakers", "list"]).await.ok();
    assert_eq!(listed.json()["items"][0]["state"], "open", "{listed:#?}");
    opened.app.stop().await;
}

both_backends!(
    breakers_list_and_reset,
    a_readonly_operator_can_list_but_not_reset,
    a_reset_without_reason_off_a_terminal_sends_nothing,
);

//! The console in a real browser (headless Debian `chromium` over WebDriver), on both
//! backends: sign in; a sent webhook shows in the live tail within 2 s; pause keeps new rows
//! out and counts them on the badge; a row's trace link opens delivery → job → run; an
//! inbox replay needs a reason and then makes a job and an audit row; a shift-click
//! selection of dead jobs previews as 2 and, confirmed, leaves the DLQ; a readonly operator
//! sees no buttons. Every page must load without a script error or a CSP violation.
//!
//! Screenshots of each page go to the test's temp dir; with `ORCH_CONSOLE_SCREENSHOTS=<dir>`
//! the SQLite run writes them there instead (how `docs/console/` is refreshed).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use orch_core::webhooks::stripe;
use serde_json::Value;

use crate::api::dlq::kill_jobs_with;
use crate::api::webhooks::{Hooks, NEW_SECRET, event, row_becomes, start};
use crate::both_backends;
use crate::helpers::webdriver::{Chrome, WAIT};
use crate::helpers::{Kind, TestApp};

/// A signed Stripe delivery to acme; its inbox id and trace id.
async fn deliver(app: &TestApp, event_id: &str, kind: &str) -> (String, String) {
    let body = event(event_id, kind);
    let t = time::OffsetDateTime::now_utc().unix_timestamp();
    let res = app
        .client
        .post(app.url("/webhooks/stripe/acme"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            stripe::sign(NEW_SECRET.as_bytes(), t, &body),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let trace = res.headers()["x-trace-id"].to_str().unwrap().to_owned();
    let answer: Value = res.json().await.unwrap();
    (answer["inbox_id"].as_str().unwrap().to_owned(), trace)
}

async fn admin_json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.unwrap()
}

fn screenshot_dir(app: &TestApp, kind: Kind) -> PathBuf {
    match std::env::var_os("ORCH_CONSOLE_SCREENSHOTS") {
        Some(dir) if kind == Kind::Sqlite => PathBuf::from(dir),
        _ => app.db.dir.path().join("screenshots"),
    }
}

/// Signs in through the form as a person does.
async fn sign_in(chrome: &Chrome, app: &TestApp, api_key: &str) {
    chrome.goto(&app.url("/console/login")).await;
    chrome.fill("#api_key", api_key).await;
    chrome.click_on(".login button[type=submit]").await;
    chrome.find("#tail").await;
    assert!(
        chrome.current_url().await.ends_with("/console/events"),
        "signed in to the events page"
    );
}

async fn rows_in_tail(chrome: &Chrome) -> usize {
    chrome.find_all("#tail li[data-id]").await.len()
}

fn trace_link(trace: &str) -> String {
    format!("#tail a.trace[href='/console/traces/{trace}']")
}

async fn the_console_works_in_a_real_browser(kind: Kind) {
    let Some(Hooks { app, up: _up }) = start(kind).await else {
        return;
    };
    let Some(chrome) = Chrome::start(&screenshot_dir(&app, kind)).await else {
        return;
    };
    let admin = app.admin_token().await;
    let viewer_key = app.create_operator("viewer", "readonly").await;
    // Three dead jobs on the low queue (made through the store, as a worker would), of an
    // operation that succeeds once replayed, so they do not die again while looked at.
    kill_jobs_with(&app, "acme", "low", 3, "upstream_error", |job| {
        job.connector = Some("billing".into());
        job.operation = Some("on_invoice".into());
        job.params = None;
    })
    .await;

    // Sign in: the form, then the live tail.
    chrome.goto(&app.url("/console/login")).await;
    chrome.screenshot("login").await;
    chrome.assert_clean("the sign-in page").await;
    sign_in(&chrome, &app, &app.admin_key()).await;
    chrome
        .wait_until(
            "the tail is live",
            "return document.getElementById('tail-status').textContent === 'live'",
            WAIT,
        )
        .await;

    // A sent webhook shows in the tail within 2 s.
    let (inbox_id, trace) = deliver(&app, "evt_browser_1", "invoice.paid").await;
    let sent = Instant::now();
    chrome
        .wait_for(&trace_link(&trace), Duration::from_secs(2))
        .await;
    let shown_after = sent.elapsed();
    eprintln!("webhook shown in the tail {shown_after:?} after its delivery");
    row_becomes(&app, &inbox_id, "processed", Duration::from_secs(15)).await;
    chrome.screenshot("events").await;
    chrome.assert_clean("the events page").await;

    // Pause: new rows wait behind the badge; resume shows them.
    chrome.click_on("#tail-pause").await;
    let before = rows_in_tail(&chrome).await;
    let (_, paused_trace) = deliver(&app, "evt_browser_2", "invoice.paid").await;
    chrome
        .wait_until(
            "the badge counts new rows",
            "var b = document.getElementById('tail-badge'); \
             return !b.classList.contains('hidden') && /^[1-9][0-9]* new$/.test(b.textContent)",
            WAIT,
        )
        .await;
    assert_eq!(rows_in_tail(&chrome).await, before, "paused: no new rows");
    assert!(!chrome.exists(&trace_link(&paused_trace)).await);
    chrome.click_on("#tail-pause").await;
    chrome.find(&trace_link(&paused_trace)).await;
    assert!(rows_in_tail(&chrome).await > before);
    assert!(
        chrome.exists("#tail-badge.hidden").await,
        "the badge goes with the rows it counted"
    );

    // A row's trace link: delivery → job → run.
    chrome.click_on(&trace_link(&trace)).await;
    chrome.find("section.delivery .job tr.run").await;
    assert_eq!(
        chrome
            .text_of("section.delivery .job tr.run td.upstream")
            .await,
        "200",
        "the run's upstream status"
    );
    assert!(chrome.current_url().await.ends_with(&trace));
    let delivery = chrome.text_of("section.delivery").await;
    assert!(delivery.contains("evt_browser_1"), "{delivery}");
    assert!(delivery.contains("invoice.paid"), "{delivery}");
    chrome.screenshot("trace").await;
    chrome.assert_clean("the trace page").await;

    // The job page, from the trace.
    chrome
        .click_on("section.delivery .job a[href^='/console/jobs/']")
        .await;
    chrome.find("dl#job").await;
    chrome.find("table.runs tr.run").await;
    chrome.screenshot("job").await;
    chrome.assert_clean("the job page").await;

    // Inbox: list, detail, replay refused without a reason, done with one.
    chrome.goto(&app.url("/console/inbox")).await;
    chrome.find("#inbox tr.inbox-row").await;
    chrome.screenshot("inbox").await;
    chrome.assert_clean("the inbox page").await;
    chrome
        .click_on(&format!("#inbox a[href='/console/inbox/{inbox_id}']"))
        .await;
    chrome.find("form.replay").await;
    assert!(
        chrome.exists("#payload-raw").await,
        "an admin sees the payload"
    );
    chrome.screenshot("inbox-detail").await;
    chrome.assert_clean("the inbox detail page").await;
    let jobs_of = |view: &Value| view["job_ids"].as_array().map_or(0, Vec::len);
    let row = admin_json(&app, &admin, &format!("/v1/admin/inbox/{inbox_id}")).await;
    let jobs_before = jobs_of(&row);
    let here = chrome.current_url().await;
    let valid = "return document.querySelector('form.replay').checkValidity()";
    assert_eq!(
        chrome.execute(valid, serde_json::json!([])).await,
        Value::Bool(false),
        "no reason: the form does not validate"
    );
    chrome.click_on("form.replay button[type=submit]").await;
    assert_eq!(chrome.current_url().await, here, "no reason: not sent");
    let row = admin_json(&app, &admin, &format!("/v1/admin/inbox/{inbox_id}")).await;
    assert_eq!(jobs_of(&row), jobs_before, "no reason: no job");
    chrome
        .fill("form.replay [name=reason]", "browser test")
        .await;
    chrome.click_on("form.replay button[type=submit]").await;
    chrome.find("#replayed").await;
    chrome.assert_clean("the inbox replay").await;
    let row = admin_json(&app, &admin, &format!("/v1/admin/inbox/{inbox_id}")).await;
    assert_eq!(
        jobs_of(&row),
        jobs_before + 1,
        "the replay made a job: {row}"
    );
    let audit = admin_json(&app, &admin, "/v1/admin/audit?action=inbox.replay").await;
    let rows = audit["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{audit}");
    assert_eq!(rows[0]["reason"], "browser test");
    assert_eq!(rows[0]["diff_json"]["via"], "console");

    // DLQ: shift-click a range, narrow it, preview 2, confirm with a reason.
    chrome.goto(&app.url("/console/dlq")).await;
    let depth = "#dlq-stats tr[data-queue='low'] td.depth";
    assert_eq!(chrome.text_of(depth).await, "3");
    let picks = chrome.find_all("tr.dead-job input.pick").await;
    assert_eq!(picks.len(), 3);
    chrome.click(&picks[0]).await;
    chrome.shift_click(&picks[2]).await;
    for pick in &picks {
        assert!(
            chrome.is_selected(pick).await,
            "shift-click selects the range"
        );
    }
    chrome.click(&picks[2]).await;
    assert!(!chrome.is_selected(&picks[2]).await);
    assert_eq!(chrome.text_of("#pick-count").await, "2 selected");
    chrome.screenshot("dlq").await;
    chrome.assert_clean("the DLQ page").await;
    chrome.click_on("button[name=action][value=replay]").await;
    assert_eq!(chrome.text_of("#preview-matched").await, "2");
    chrome.screenshot("dlq-preview").await;
    chrome.assert_clean("the DLQ preview").await;
    let valid = "return document.getElementById('dlq-confirm').checkValidity()";
    assert_eq!(
        chrome.execute(valid, serde_json::json!([])).await,
        Value::Bool(false),
        "the confirm needs a reason"
    );
    chrome.fill("[name=reason]", "fixed upstream").await;
    assert_eq!(
        chrome.execute(valid, serde_json::json!([])).await,
        Value::Bool(true)
    );
    chrome.click_on("button#confirm").await;
    chrome.find("#dlq-result").await;
    assert_eq!(chrome.text_of(depth).await, "1", "two left the DLQ");
    chrome.assert_clean("the DLQ result").await;
    let audit = admin_json(&app, &admin, "/v1/admin/audit?action=dlq.replay").await;
    let rows = audit["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{audit}");
    assert_eq!(rows[0]["diff_json"]["via"], "console");

    // The audit page the result links to.
    chrome
        .click_on("#dlq-result a[href^='/console/audit']")
        .await;
    chrome.find("table#audit tr.audit-row").await;
    let audit_page = chrome.text_of("table#audit").await;
    assert!(audit_page.contains("dlq.replay"), "{audit_page}");
    chrome.screenshot("audit").await;
    chrome.assert_clean("the audit page").await;

    // A readonly operator sees what is there, and no button it could not use.
    chrome
        .click_on("form[action='/console/logout'] button")
        .await;
    chrome.find("#api_key").await;
    sign_in(&chrome, &app, &viewer_key).await;
    chrome
        .goto(&app.url(&format!("/console/inbox/{inbox_id}")))
        .await;
    chrome.find("#payload-hidden").await;
    assert!(!chrome.exists("form.replay").await, "no replay form");
    assert!(!chrome.exists("#payload-raw").await, "no payload");
    chrome.goto(&app.url("/console/dlq")).await;
    chrome.find("tr.dead-job").await;
    assert!(!chrome.exists("input.pick").await, "no selection");
    assert!(!chrome.exists("button[name=action]").await, "no actions");
    chrome.assert_clean("the readonly pages").await;

    chrome.quit().await;
    app.stop().await;
}

both_backends!(the_console_works_in_a_real_browser);

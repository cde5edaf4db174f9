//! The read-only console pages over real data, on both backends: a failing Stripe delivery's
//! trace (delivery → job → runs → events, escaped), its job page, bad and unknown ids, and
//! the audit page with its filters (`request_id` too, also on `/v1/admin/audit`) and
//! paging. Every page carries the security headers and sends a browser without a session
//! to sign in.

use std::time::Duration;

use orch_core::audit::AuditDraft;
use orchd::events::NewEvent;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::pages::{XSS, assert_secured};
use super::support::{Browser, error_notice, position};
use crate::api::webhooks::{Hooks, NEW_SECRET, admin_get, event, row_becomes, start};
use crate::both_backends;
use crate::conformance::jobs::job;
use crate::helpers::{Kind, TestApp, eventually};

const ESCAPED: &str = "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;";

/// The text of `html` from the first `start` on, up to (excluding) the next `end` after it.
fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in {html}"));
    let rest = &html[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |i| i + start.len());
    &rest[..to]
}

/// Where `needle` is in `html` (panics if absent).
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in {html}"))
}

/// Nothing the CSP would block: no inline script, style or handler.
fn assert_no_inline(html: &str) {
    // The escaped test markup is text, not a handler.
    let html = html.replace(ESCAPED, "");
    assert!(!html.contains("<script>"), "inline script");
    assert!(!html.contains("<style"), "inline style");
    assert!(!html.contains("style=\""), "inline style attribute");
    assert!(
        !html.contains(" onerror=") && !html.contains(" onclick="),
        "inline handler"
    );
}

/// Without a session each page redirects to sign-in (returning to it afterwards).
async fn asks_to_sign_in(app: &TestApp, path: &str) {
    let res = Browser::new(app).get(path).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
    assert_secured(&res, path);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/console/login?next="), "{location}");
}

async fn a_failed_delivery_reads_as_delivery_job_runs_and_events(kind: Kind) {
    let Some(Hooks { app, up }) = start(kind).await else {
        return;
    };
    // The charge route's upstream answers 503 to every try: the job fails and dies.
    up.script("charge", &[503; 5]);
    let body = event("evt_console_trace", "charge.failed");
    let t = OffsetDateTime::now_utc().unix_timestamp();
    let res = app
        .client
        .post(app.url("/webhooks/stripe/acme"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            orch_core::webhooks::stripe::sign(NEW_SECRET.as_bytes(), t, &body),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let trace = res.headers()["x-trace-id"].to_str().unwrap().to_owned();
    let inbox_id = res.json::<Value>().await.unwrap()["inbox_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = row_becomes(&app, &inbox_id, "failed", Duration::from_secs(30)).await;
    let job_id = row["job_ids"][0].as_str().unwrap().to_owned();
    let admin = app.admin_token().await;
    let job_path = format!("/v1/admin/jobs/{job_id}");
    let died = eventually(Duration::from_secs(10), async || {
        let job: Value = admin_get(&app, &admin, &job_path)
            .await
            .json()
            .await
            .unwrap();
        job["status"] == "dead"
    })
    .await;
    assert!(died, "job {job_id} never died");
    // Markup in an event of the job and in one of no job must come back as text.
    let job_uuid: Uuid = job_id.parse().unwrap();
    app.state.events.record(
        NewEvent::new("job.note", format!("job says {XSS}"))
            .tenant("acme")
            .correlation(None, Some(&trace))
            .job(job_uuid),
    );
    app.state.events.record(
        NewEvent::new("config.note", format!("loose {XSS}"))
            .tenant("acme")
            .correlation(None, Some(&trace)),
    );
    app.state.events.flush().await;

    let viewer = app.create_operator("viewer", "readonly").await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&viewer).await;

    let trace_path = format!("/console/traces/{trace}");
    let res = browser.get(&trace_path).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secured(&res, "trace page");
    let page = res.text().await.unwrap();
    assert!(!page.contains("<img"), "raw markup reached the page");
    assert!(!page.contains(XSS));
    assert_no_inline(&page);
    // Delivery, then its job, then the job's first run, nested in that order.
    let delivery = at(
        &page,
        &format!("<section class=\"delivery\" data-id=\"{inbox_id}\""),
    );
    let job = at(&page, &format!("<div class=\"job\" data-id=\"{job_id}\""));
    let run = at(&page, "<tr class=\"run\" data-attempt=\"1\"");
    assert!(delivery < job && job < run, "{page}");
    let section = part(&page, "<section class=\"delivery\"", "</section>");
    assert!(
        section.contains(&format!("href=\"/console/inbox/{inbox_id}\"")),
        "{section}"
    );
    assert!(section.contains("charge.failed") && section.contains("evt_console_trace"));
    assert!(
        section.contains("<dd class=\"status\"><span class=\"status-badge status-failed\">failed")
    );
    assert!(section.contains(&format!("href=\"/console/jobs/{job_id}\"")));
    assert!(section.contains("queue webhook"), "{section}");
    let first_run = part(&page, "<tr class=\"run\" data-attempt=\"1\"", "</tr>");
    assert!(
        first_run.contains("<td class=\"upstream\">503</td>"),
        "{first_run}"
    );
    assert!(first_run.contains("<td class=\"outcome\">failed</td>"));
    // The job's events hang under it; the other one under "Other events".
    let events = part(section, "<ol class=\"events\">", "</ol>");
    assert!(events.contains(&format!("job says {ESCAPED}")), "{events}");
    assert!(!events.contains("loose"), "{events}");
    let other = part(&page, "<section class=\"other-events\">", "</section>");
    assert!(other.contains(&format!("loose {ESCAPED}")), "{other}");
    assert!(!page.contains("id=\"truncated\""));
    // The same trace in upper case.
    browser
        .page(&format!("/console/traces/{}", trace.to_uppercase()))
        .await;

    // The job page: its facts, runs and a way back to the trace.
    let res = browser.get(&format!("/console/jobs/{job_id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secured(&res, "job page");
    let page = res.text().await.unwrap();
    assert_no_inline(&page);
    assert!(page.contains("<dd class=\"tenant\">acme</dd>"), "{page}");
    assert!(
        page.contains("<span class=\"status-badge status-dead\">dead</span>"),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/console/traces/{trace}\"")),
        "{page}"
    );
    let first_run = part(&page, "<tr class=\"run\" data-attempt=\"1\"", "</tr>");
    assert!(
        first_run.contains("<td class=\"upstream\">503</td>"),
        "{first_run}"
    );

    // Bad and unknown ids, as pages (with the headers), not problem+json.
    for (path, status) in [
        ("/console/traces/nope".to_owned(), StatusCode::BAD_REQUEST),
        (
            "/console/traces/4bf92f3577b34da6a3ce929d0e0e4736".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        // As on the admin API, an id that is no job's is simply not found.
        ("/console/jobs/not-a-job".to_owned(), StatusCode::NOT_FOUND),
        (
            format!("/console/jobs/{}", Uuid::from_u128(7)),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let res = browser.get(&path).await;
        assert_eq!(res.status(), status, "{path}");
        assert_secured(&res, &path);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("{} · ", status.as_u16())), "{html}");
    }
    let bad = browser
        .get("/console/traces/nope")
        .await
        .text()
        .await
        .unwrap();
    assert!(bad.contains("W3C trace id"), "{bad}");

    asks_to_sign_in(&app, &trace_path).await;
    asks_to_sign_in(&app, &format!("/console/jobs/{job_id}")).await;
    app.stop().await;
}

async fn a_cut_trace_says_so_and_shows_jobs_of_no_delivery(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    // More jobs than the view holds, not yet due (so no worker touches them), of no delivery.
    let trace = "5bf92f3577b34da6a3ce929d0e0e4736";
    let mut made = Vec::new();
    for _ in 0..=orch_core::api::traces::MAX_TRACE_JOBS {
        let mut j = job("acme", "low", None);
        j.trace_id = Some(trace.to_owned());
        j.run_at += time::Duration::hours(1);
        app.store.enqueue_job(&j).await.unwrap();
        made.push(j.id);
    }
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    let page = browser.page(&format!("/console/traces/{trace}")).await;
    assert!(page.contains("id=\"truncated\""), "{page}");
    let loose = part(&page, "<section class=\"loose-jobs\">", "</section>");
    assert!(loose.contains("Jobs of no delivery"));
    assert_eq!(loose.matches("<div class=\"job\"").count(), made.len() - 1);
    assert!(loose.contains(&format!("data-id=\"{}\"", made[0])));
    assert!(!loose.contains(&format!("data-id=\"{}\"", made[made.len() - 1])));
    assert!(loose.contains("No runs yet."));
    assert!(!page.contains("<section class=\"delivery\""));
    app.stop().await;
}

/// Creates an operator through the admin API; returns the request id orchd gave it.
async fn create_operator(app: &TestApp, admin: &str, name: &str, reason: &str) -> String {
    let res = app
        .client
        .post(app.url("/v1/admin/operators"))
        .bearer_auth(admin)
        .json(&json!({ "name": name, "role": "readonly", "reason": reason }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.headers()["x-request-id"].to_str().unwrap().to_owned()
}

/// The `data-seq` of every row of an audit page, in page order.
fn seqs(html: &str) -> Vec<i64> {
    html.split("<tr data-seq=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

async fn the_audit_page_lists_filters_and_pages(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let first = create_operator(&app, &admin, "first", "hire the first").await;
    let second = create_operator(&app, &admin, "second", "hire the second").await;
    assert_ne!(first, second);
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;

    let res = browser.get("/console/audit").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secured(&res, "audit page");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<a href=\"/console/audit\" class=\"current\">Audit</a>"),
        "{page}"
    );
    let rows = seqs(&page);
    assert!(
        rows.windows(2).all(|w| w[0] > w[1]),
        "newest first: {rows:?}"
    );
    // The newest row is the sign-in, through the console; the creations came by the API.
    let newest = part(&page, "<tr data-seq=", "</tr>");
    assert!(
        newest.contains("<td class=\"action\">console.login</td>"),
        "{newest}"
    );
    assert!(
        newest.contains("<td class=\"via\">console</td>"),
        "{newest}"
    );
    assert!(position(&page, "hire the second") < position(&page, "hire the first"));
    let created = part(&page, "operators.create", "</tr>");
    assert!(created.contains("<td class=\"via\">api</td>"), "{created}");
    assert!(
        created.contains("<td class=\"result\">ok</td>"),
        "{created}"
    );
    assert!(page.contains(&format!("href=\"/console/audit?request_id={first}\"")));

    // One request's rows: only the first creation.
    let narrowed = browser
        .page(&format!("/console/audit?request_id={first}"))
        .await;
    assert_eq!(seqs(&narrowed).len(), 1, "{narrowed}");
    assert!(narrowed.contains("hire the first") && !narrowed.contains("hire the second"));
    assert!(
        narrowed.contains(&format!("value=\"{first}\"")),
        "the filter stays in the form"
    );
    let api: Value = admin_get(
        &app,
        &admin,
        &format!("/v1/admin/audit?request_id={second}"),
    )
    .await
    .json()
    .await
    .unwrap();
    let items = api["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{api}");
    assert_eq!(items[0]["reason"], "hire the second");
    assert_eq!(items[0]["request_id"], second.as_str());
    // Other filters, and empty fields meaning none.
    let by_action = browser
        .page("/console/audit?action=operators.create&operator=&tenant=&request_id=")
        .await;
    assert_eq!(seqs(&by_action).len(), 2, "{by_action}");
    let none = browser.page("/console/audit?tenant=nobody").await;
    assert!(none.contains("No matching audit rows."), "{none}");

    // More rows than a page: "Older" carries the cursor and the filters.
    for i in 0..55 {
        let draft = AuditDraft::new("bulk", "admin", "test.bulk", &format!("bulk {i} {XSS}"));
        app.store.append_audit(draft).await.unwrap();
    }
    let page = browser.page("/console/audit?action=test.bulk").await;
    assert!(!page.contains("<img"), "raw markup reached the page");
    assert_no_inline(&page);
    assert!(page.contains(&format!("bulk 54 {ESCAPED}")), "{page}");
    let shown = seqs(&page);
    assert_eq!(shown.len(), 50);
    let oldest = shown[shown.len() - 1];
    let older = format!("/console/audit?action=test.bulk&amp;cursor={oldest}");
    assert!(page.contains(&format!("href=\"{older}\"")), "{page}");
    let rest = browser.page(&older.replace("&amp;", "&")).await;
    let more = seqs(&rest);
    assert_eq!(more.len(), 5, "{rest}");
    assert!(more.iter().all(|s| *s < oldest));
    assert!(rest.contains("bulk 0 ") && !rest.contains("class=\"older\""));
    for (query, named) in [
        ("cursor=nope", "cursor: not a cursor from this list"),
        (
            "since=yesterday",
            "since: &quot;yesterday&quot; is not an RFC 3339 time",
        ),
        ("action=a&action=b", "duplicate field `action`"),
    ] {
        let bad = browser.get(&format!("/console/audit?{query}")).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_secured(&bad, query);
        let page = bad.text().await.unwrap();
        let notice = error_notice(&page).unwrap_or_else(|| panic!("no error notice: {page}"));
        assert!(notice.contains(named), "{query}: {notice}");
    }

    asks_to_sign_in(&app, "/console/audit").await;
    app.stop().await;
}

both_backends!(
    a_failed_delivery_reads_as_delivery_job_runs_and_events,
    a_cut_trace_says_so_and_shows_jobs_of_no_delivery,
    the_audit_page_lists_filters_and_pages,
);

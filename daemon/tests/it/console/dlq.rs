//! `/console/dlq` over HTTP on both backends, against dead jobs made through the store on
//! an API-only node (no worker picks a replayed job up, so its status stays put): depth
//! per queue, filters and paging, the dry-run preview that changes nothing, the confirm
//! that needs a reason and then replays or purges exactly the selection (audited
//! `via: console`, the result shown with its audit link), what a readonly role sees and
//! may do, and forged POSTs.

use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use super::pages::{assert_no_store, assert_secured};
use super::support::{Browser, csrf_token, error_notice, html_escape, older};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

/// An API-only node: nothing runs the jobs the tests kill and replay.
async fn api_only(kind: Kind) -> Option<TestApp> {
    TestApp::spawn_with(kind, |s, _| {
        s.roles = "api".parse().unwrap();
    })
    .await
}

/// `n` dead jobs of `tenant` on `queue` through `connector`, failed with `code`
/// (`api::dlq::kill_jobs_with`); oldest first.
async fn kill_jobs(
    app: &TestApp,
    tenant: &str,
    queue: &str,
    connector: &str,
    code: &str,
    n: usize,
) -> Vec<Uuid> {
    crate::api::dlq::kill_jobs_with(app, tenant, queue, n, code, |job| {
        job.connector = Some(connector.to_owned());
    })
    .await
}

async fn status(app: &TestApp, id: Uuid) -> String {
    app.store
        .get_job(id)
        .await
        .unwrap()
        .unwrap()
        .status
        .to_string()
}

async fn assert_all(app: &TestApp, ids: &[Uuid], want: &str) {
    for id in ids {
        assert_eq!(status(app, *id).await, want, "job {id}");
    }
}

/// The audit rows of `action` through the admin API, newest first.
async fn audit_rows(app: &TestApp, action: &str) -> Vec<Value> {
    let admin = app.admin_token().await;
    let res = app
        .client
        .get(app.url(&format!("/v1/admin/audit?action={action}&limit=500")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn ok_rows(app: &TestApp, action: &str) -> Vec<Value> {
    audit_rows(app, action)
        .await
        .into_iter()
        .filter(|r| r["result"] == "ok")
        .collect()
}

/// The depth the stats table shows for `queue`.
fn depth(html: &str, queue: &str) -> i64 {
    let row = html
        .split(&format!("data-queue=\"{queue}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no stats row for {queue}: {html}"));
    row.split("class=\"depth\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no depth for {queue}"))
}

/// The job ids of the page's rows, in order.
fn row_ids(html: &str) -> Vec<Uuid> {
    html.split("class=\"dead-job\" data-id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|id| Uuid::parse_str(id).unwrap())
        .collect()
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

fn matched(html: &str) -> u64 {
    html.split("id=\"preview-matched\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no #preview-matched in {html}"))
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// The value of parameter `name` in a URL's query.
fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn signed_in<'a>(app: &'a TestApp, api_key: &str) -> (Browser<'a>, String) {
    let mut browser = Browser::new(app);
    browser.sign_in(api_key).await;
    let token = browser.token().await;
    (browser, token)
}

async fn stats_filters_and_paging(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let low = kill_jobs(&app, "acme", "low", "stripe", "upstream_error", 3).await;
    let hooks = kill_jobs(&app, "globex", "webhook", "hooks", "timeout", 2).await;
    let (browser, _) = signed_in(&app, &app.admin_key()).await;

    let res = browser.get("/console/dlq").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secured(&res, "dlq page");
    assert_no_store(&res, "dlq page");
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"dlq-stats\""), "{html}");
    assert_eq!(
        [
            depth(&html, "low"),
            depth(&html, "webhook"),
            depth(&html, "default")
        ],
        [3, 2, 0]
    );
    // Newest first, each with its checkbox and a link to the job.
    let ids = row_ids(&html);
    let mut want: Vec<Uuid> = low.iter().chain(&hooks).copied().collect();
    want.reverse();
    assert_eq!(ids, want);
    for id in &ids {
        assert!(
            html.contains(&format!(
                "<input class=\"pick\" type=\"checkbox\" name=\"id\" value=\"{id}\""
            )),
            "{html}"
        );
        assert!(html.contains(&format!("href=\"/console/jobs/{id}\"")));
    }
    assert!(html.contains("id=\"pick-all\"") && html.contains("id=\"pick-count\""));
    assert!(html.contains("action=\"/console/dlq/preview\""));
    assert!(html.contains("name=\"action\" value=\"replay\""));
    assert!(html.contains("name=\"action\" value=\"purge\""));
    assert!(html.contains("name=\"scope\" value=\"all\""));
    assert!(!html.contains("id=\"older\""), "one page only");
    // Nothing the CSP would block.
    assert!(!html.contains("<script>") && !html.contains("<style"));
    assert!(!html.contains("style=\"") && !html.contains(" onclick="));

    // Filters narrow the list (the stats stay whole) and stay in the form.
    let only = browser.page("/console/dlq?queue=low").await;
    assert_eq!(sorted(row_ids(&only)), sorted(low.clone()));
    assert_eq!(depth(&only, "webhook"), 2);
    assert!(only.contains("<option value=\"low\" selected>"), "{only}");
    assert!(
        only.contains("<input type=\"hidden\" name=\"queue\" value=\"low\">"),
        "the action form carries the filter"
    );
    let globex = browser
        .page("/console/dlq?tenant=globex&connector=hooks&error_code=timeout")
        .await;
    assert_eq!(sorted(row_ids(&globex)), sorted(hooks.clone()));
    assert!(globex.contains("value=\"globex\""));
    let none = browser
        .page("/console/dlq?error_code=timeout&tenant=acme")
        .await;
    assert!(row_ids(&none).is_empty());
    assert!(none.contains("No dead jobs match."));
    let later = browser
        .page("/console/dlq?since=2999-01-01T00:00:00Z&queue=&tenant=")
        .await;
    assert!(row_ids(&later).is_empty());
    let earlier = browser
        .page("/console/dlq?until=2999-01-01T00:00:00Z")
        .await;
    assert_eq!(row_ids(&earlier).len(), 5);
    // Bad values are a 400 page naming them.
    for (query, named) in [
        ("queue=nope", "no queue \"nope\""),
        (
            "since=yesterday",
            "since: \"yesterday\" is not an RFC 3339 time",
        ),
        ("queue=low&queue=webhook", "duplicate field `queue`"),
    ] {
        let res = browser.get(&format!("/console/dlq?{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_secured(&res, query);
        let body = res.text().await.unwrap();
        let notice = error_notice(&body).unwrap_or_else(|| panic!("no error notice: {body}"));
        assert!(notice.contains(&html_escape(named)), "{query}: {notice}");
        assert!(row_ids(&body).is_empty());
    }

    // What a job says reaches the page escaped.
    let xss = "</script><img src=x onerror=alert(1)>";
    kill_jobs(&app, "acme", "default", "stripe", xss, 1).await;
    let escaped = browser.page("/console/dlq?queue=default").await;
    assert_eq!(row_ids(&escaped).len(), 1);
    assert!(
        !escaped.contains(xss) && !escaped.contains("<img"),
        "{escaped}"
    );
    assert!(escaped.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));

    // Paging: 100 a page, then "Older" (keeping the filter) to the rest.
    let many = kill_jobs(&app, "acme", "critical", "stripe", "upstream_error", 101).await;
    let first = browser.page("/console/dlq?queue=critical").await;
    let page_one = row_ids(&first);
    assert_eq!(page_one.len(), 100);
    assert_eq!(page_one[0], many[100], "newest first");
    let older = older(&first).expect("an Older link");
    assert_eq!(param(&older, "queue").as_deref(), Some("critical"));
    let second = browser.page(&older).await;
    assert_eq!(row_ids(&second), [many[0]]);
    assert!(!second.contains("id=\"older\""));
    app.stop().await;
}

async fn preview_then_replay_exactly_the_ticked_jobs(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let low = kill_jobs(&app, "acme", "low", "stripe", "upstream_error", 4).await;
    let (browser, token) = signed_in(&app, &app.admin_key()).await;
    let (a, b) = (low[0].to_string(), low[1].to_string());
    let picked = [
        ("_csrf", token.as_str()),
        ("queue", "low"),
        ("id", a.as_str()),
        ("id", b.as_str()),
    ];

    // The preview is a dry run: it counts and changes nothing, audits nothing.
    let mut fields = picked.to_vec();
    fields.push(("action", "replay"));
    let res = browser
        .post("/console/dlq/preview", &fields, &[], None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secured(&res, "preview");
    let preview = res.text().await.unwrap();
    assert_eq!(matched(&preview), 2);
    assert!(
        preview.contains("action=\"/console/dlq/replay\""),
        "{preview}"
    );
    assert!(preview.contains("id=\"confirm\""));
    assert!(preview.contains("name=\"reason\" required"), "{preview}");
    for id in [&a, &b] {
        assert!(preview.contains(&format!(
            "<input type=\"hidden\" name=\"id\" value=\"{id}\">"
        )));
    }
    assert!(preview.contains("<input type=\"hidden\" name=\"queue\" value=\"low\">"));
    assert!(!preview.contains("name=\"scope\""), "ids, not the filter");
    assert_all(&app, &low, "dead").await;
    assert!(audit_rows(&app, "dlq.replay").await.is_empty());

    // No reason (missing or blank): refused, nothing changed.
    let confirm_token = csrf_token(&preview);
    assert_eq!(confirm_token, token);
    for reason in [None, Some(""), Some("   ")] {
        let mut fields = picked.to_vec();
        if let Some(r) = reason {
            fields.push(("reason", r));
        }
        let res = browser
            .post("/console/dlq/replay", &fields, &[], None)
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{reason:?}");
        assert!(res.text().await.unwrap().contains("a reason is required"));
    }
    assert_all(&app, &low, "dead").await;
    assert!(audit_rows(&app, "dlq.replay").await.is_empty());

    // With a reason: exactly the two leave the DLQ, under one audit row marked console.
    let mut fields = picked.to_vec();
    fields.push(("reason", "upstream fixed"));
    let res = browser
        .post("/console/dlq/replay", &fields, &[], None)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(
        to.starts_with("/console/dlq?queue=low&done=replayed&count=2&request_id="),
        "{to}"
    );
    let request_id = param(&to, "request_id").unwrap();
    assert_all(&app, &low[..2], "queued").await;
    assert_all(&app, &low[2..], "dead").await;
    let rows = ok_rows(&app, "dlq.replay").await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let row = &rows[0];
    assert_eq!(row["reason"], "upstream fixed");
    assert_eq!(row["operator_name"], "admin");
    assert_eq!(row["diff_json"]["via"], "console");
    assert_eq!(row["request_id"], request_id.as_str());
    let mut named: Vec<String> = row["diff_json"]["before"]["job_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    named.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(named, want);

    // The page redirected to shows the result, its audit link and the lower depth.
    let done = browser.page(&to).await;
    assert!(done.contains("id=\"dlq-result\""), "{done}");
    assert!(done.contains("Replayed 2 jobs"), "{done}");
    let audit = format!(
        "href=\"/console/audit?{}\"",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("request_id", &request_id)
            .finish()
    );
    assert!(done.contains(&audit), "{audit} in {done}");
    assert_eq!(depth(&done, "low"), 2);
    assert_eq!(sorted(row_ids(&done)), sorted(low[2..].to_vec()));
    // Without a result, no notice.
    assert!(
        !browser
            .page("/console/dlq")
            .await
            .contains("id=\"dlq-result\"")
    );
    app.stop().await;
}

async fn all_matching_and_purge(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let low = kill_jobs(&app, "acme", "low", "stripe", "upstream_error", 3).await;
    let other = kill_jobs(&app, "globex", "low", "stripe", "upstream_error", 1).await;
    let default = kill_jobs(&app, "acme", "default", "stripe", "upstream_error", 2).await;
    let (browser, token) = signed_in(&app, &app.admin_key()).await;
    let t = token.as_str();

    // "All matching" previews the filter's count, whatever is ticked.
    let ticked = other[0].to_string();
    let res = browser
        .post(
            "/console/dlq/preview",
            &[
                ("_csrf", t),
                ("action", "purge"),
                ("scope", "all"),
                ("queue", "low"),
                ("tenant", "acme"),
                ("id", ticked.as_str()),
            ],
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let preview = res.text().await.unwrap();
    assert_eq!(matched(&preview), 3);
    assert!(preview.contains("action=\"/console/dlq/purge\""));
    assert!(preview.contains("<input type=\"hidden\" name=\"scope\" value=\"all\">"));
    assert!(preview.contains("<input type=\"hidden\" name=\"tenant\" value=\"acme\">"));
    assert!(!preview.contains("name=\"id\""), "the filter, not the ids");
    let res = browser
        .post(
            "/console/dlq/preview",
            &[
                ("_csrf", t),
                ("action", "replay"),
                ("scope", "all"),
                ("queue", "default"),
            ],
            &[],
            None,
        )
        .await;
    assert_eq!(matched(&res.text().await.unwrap()), 2);
    // Nothing ticked and not "all": refused.
    let res = browser
        .post(
            "/console/dlq/preview",
            &[("_csrf", t), ("action", "purge")],
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(ok_rows(&app, "dlq.purge").await.is_empty());
    assert!(audit_rows(&app, "dlq.purge").await.is_empty());

    // Purge everything matching the filter.
    let res = browser
        .post(
            "/console/dlq/purge",
            &[
                ("_csrf", t),
                ("scope", "all"),
                ("queue", "low"),
                ("tenant", "acme"),
                ("reason", "garbage"),
            ],
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert_eq!(param(&to, "done").as_deref(), Some("purged"));
    assert_eq!(param(&to, "count").as_deref(), Some("3"));
    assert_eq!(param(&to, "tenant").as_deref(), Some("acme"));
    assert_all(&app, &low, "purged").await;
    assert_all(&app, &other, "dead").await;
    assert_all(&app, &default, "dead").await;
    let done = browser.page(&to).await;
    assert!(done.contains("Purged 3 jobs"), "{done}");
    assert_eq!(depth(&done, "low"), 1);
    assert_eq!(depth(&done, "default"), 2);
    let rows = ok_rows(&app, "dlq.purge").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["reason"], "garbage");
    assert_eq!(rows[0]["diff_json"]["via"], "console");
    assert_eq!(rows[0]["diff_json"]["before"]["matched"], 3);

    // And one by id.
    let one = default[0].to_string();
    let res = browser
        .post(
            "/console/dlq/purge",
            &[
                ("_csrf", t),
                ("id", one.as_str()),
                ("reason", "garbage too"),
            ],
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/console/dlq?done=purged&count=1&request_id="));
    assert_eq!(status(&app, default[0]).await, "purged");
    assert_eq!(status(&app, default[1]).await, "dead");
    assert_eq!(ok_rows(&app, "dlq.purge").await.len(), 2);
    app.stop().await;
}

/// The hidden fields of the preview's confirm form, as the browser posts them back.
fn confirm_fields(preview: &str) -> Vec<(String, String)> {
    let form = preview
        .split("<form id=\"dlq-confirm\"")
        .nth(1)
        .and_then(|rest| rest.split("</form>").next())
        .unwrap_or_else(|| panic!("no confirm form in {preview}"));
    form.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|input| {
            let attr = |name: &str| {
                input
                    .split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or_else(|| panic!("no {name} in {input}"))
                    .to_owned()
            };
            (attr("name"), attr("value"))
        })
        .collect()
}

async fn confirm(
    browser: &Browser<'_>,
    path: &str,
    preview: &str,
    reason: &str,
) -> reqwest::Response {
    let mut fields = confirm_fields(preview);
    fields.push(("reason".to_owned(), reason.to_owned()));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post(path, &fields, &[], None).await
}

async fn all_matching_is_what_the_preview_counted(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let before = kill_jobs(&app, "acme", "low", "stripe", "upstream_error", 2).await;
    let (browser, token) = signed_in(&app, &app.admin_key()).await;
    let preview_all = |action: &'static str| {
        let browser = &browser;
        let token = token.clone();
        async move {
            let res = browser
                .post(
                    "/console/dlq/preview",
                    &[
                        ("_csrf", token.as_str()),
                        ("action", action),
                        ("scope", "all"),
                        ("queue", "low"),
                    ],
                    &[],
                    None,
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };

    // The preview pins the selection: its time bounds the dead time, its count is carried.
    let preview = preview_all("replay").await;
    assert_eq!(matched(&preview), 2);
    let fields = confirm_fields(&preview);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {fields:?}"))
    };
    assert_eq!(field("expected"), "2");
    assert!(
        time::OffsetDateTime::parse(
            &field("pinned_until"),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok(),
        "{fields:?}"
    );
    // A job dying after the preview is not swept into the confirmed action.
    let later = kill_jobs(&app, "acme", "low", "stripe", "upstream_error", 1).await;
    let res = confirm(&browser, "/console/dlq/replay", &preview, "upstream fixed").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(param(&location(&res), "count").as_deref(), Some("2"));
    assert_all(&app, &before, "queued").await;
    assert_all(&app, &later, "dead").await;
    // The way back shows the operator's filter, not the pin.
    assert_eq!(param(&location(&res), "until"), None);

    // Fewer match at the confirm than the preview counted: nothing is done, 409.
    let preview = preview_all("purge").await;
    assert_eq!(matched(&preview), 1);
    let id = later[0].to_string();
    let res = browser
        .post(
            "/console/dlq/replay",
            &[
                ("_csrf", token.as_str()),
                ("id", id.as_str()),
                ("reason", "someone else"),
            ],
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = confirm(&browser, "/console/dlq/purge", &preview, "clean up").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_secured(&res, "conflict");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("0 dead jobs match now, not the 1 the preview showed"),
        "{page}"
    );
    assert!(ok_rows(&app, "dlq.purge").await.is_empty());
    app.stop().await;
}

async fn roles_decide_what_is_shown_and_allowed(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let low = kill_jobs(&app, "acme", "low", "stripe", "upstream_error", 2).await;
    let rita = app.create_operator("rita", "readonly").await;
    let (readonly, token) = signed_in(&app, &rita).await;

    let html = readonly.page("/console/dlq").await;
    assert_eq!(row_ids(&html).len(), 2, "readonly sees the jobs");
    for hook in [
        "class=\"pick\"",
        "id=\"pick-all\"",
        "name=\"action\"",
        "name=\"scope\"",
        "/console/dlq/preview",
    ] {
        assert!(!html.contains(hook), "readonly sees {hook}");
    }
    let id = low[0].to_string();
    for (path, action) in [
        ("/console/dlq/preview", "replay"),
        ("/console/dlq/preview", "purge"),
        ("/console/dlq/replay", ""),
        ("/console/dlq/purge", ""),
    ] {
        let res = readonly
            .post(
                path,
                &[
                    ("_csrf", token.as_str()),
                    ("action", action),
                    ("id", id.as_str()),
                    ("reason", "because"),
                ],
                &[],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path} {action}");
        assert_secured(&res, path);
    }
    assert_all(&app, &low, "dead").await;
    assert!(ok_rows(&app, "dlq.replay").await.is_empty());
    assert!(ok_rows(&app, "dlq.purge").await.is_empty());
    let denied = audit_rows(&app, "dlq.replay").await;
    assert_eq!(
        denied.len(),
        2,
        "each refused replay is audited: {denied:#?}"
    );
    assert!(
        denied
            .iter()
            .all(|r| r["result"] == "denied" && r["diff_json"]["via"] == "console")
    );

    // Billing may replay (the webhook queue only, which the service enforces), not purge.
    let bea = app.create_operator("bea", "billing").await;
    let (billing, token) = signed_in(&app, &bea).await;
    let html = billing.page("/console/dlq").await;
    assert!(html.contains("name=\"action\" value=\"replay\""));
    assert!(!html.contains("name=\"action\" value=\"purge\""));
    let res = billing
        .post(
            "/console/dlq/replay",
            &[
                ("_csrf", token.as_str()),
                ("id", id.as_str()),
                ("reason", "customer asked"),
            ],
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("webhook queue only"));
    assert_all(&app, &low, "dead").await;
    assert!(ok_rows(&app, "dlq.replay").await.is_empty());
    app.stop().await;
}

async fn forged_posts_change_nothing(kind: Kind) {
    let Some(app) = api_only(kind).await else {
        return;
    };
    let low = kill_jobs(&app, "acme", "low", "stripe", "upstream_error", 2).await;
    let (mut browser, token) = signed_in(&app, &app.admin_key()).await;
    let id = low[0].to_string();
    let good = [
        ("_csrf", token.as_str()),
        ("action", "replay"),
        ("id", id.as_str()),
        ("reason", "forged"),
    ];
    let mut wrong = good;
    wrong[0].1 = "0123456789abcdef";
    for path in [
        "/console/dlq/preview",
        "/console/dlq/replay",
        "/console/dlq/purge",
    ] {
        let res = browser.post(path, &wrong, &[], None).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}: wrong token");
        assert_secured(&res, path);
        let res = browser.post(path, &good[1..], &[], None).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}: no token");
        let res = browser
            .post(path, &good, &[("sec-fetch-site", "cross-site")], None)
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}: cross-site");
    }
    browser.origin = "https://evil.example".to_owned();
    let res = browser.post("/console/dlq/replay", &good, &[], None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "foreign origin");
    assert_all(&app, &low, "dead").await;
    assert!(audit_rows(&app, "dlq.replay").await.is_empty());
    assert!(audit_rows(&app, "dlq.purge").await.is_empty());
    app.stop().await;
}

both_backends!(
    stats_filters_and_paging,
    preview_then_replay_exactly_the_ticked_jobs,
    all_matching_and_purge,
    all_matching_is_what_the_preview_counted,
    roles_decide_what_is_shown_and_allowed,
    forged_posts_change_nothing,
);

//! The console's inbox pages against real signed Stripe deliveries, on both backends: the
//! list (filters, newest first, an "Older" link that pages with the filters kept), the
//! detail (headers; the payload escaped, and only for roles that may read payloads) and the
//! replay form (a reason, the token and the same origin required; the API's audit row,
//! marked `via: console`).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;

use super::pages::assert_secured;
use super::support::{Browser, csrf_token, error_notice, html_escape, older, position};
use crate::api::webhooks::{Hooks, NEW_SECRET, admin_get, event, row_becomes, start};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

const XSS: &str = "</script><img src=x onerror=alert(1)>";

/// Posts `body` to tenant acme's Stripe endpoint, signed; returns the inbox id once its
/// row is processed (no replay is refused as busy then).
async fn deliver(app: &TestApp, body: &[u8]) -> String {
    let t = OffsetDateTime::now_utc().unix_timestamp();
    let res = app
        .client
        .post(app.url("/webhooks/stripe/acme"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            orch_core::webhooks::stripe::sign(NEW_SECRET.as_bytes(), t, body),
        )
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    let id = answer["inbox_id"].as_str().expect("accepted").to_owned();
    row_becomes(app, &id, "processed", Duration::from_secs(15)).await;
    id
}

/// An `invoice.paid` event whose payload carries markup.
fn hostile_event(id: &str) -> Vec<u8> {
    let mut body = event(id, "invoice.paid");
    body.truncate(body.len() - 1);
    body.extend_from_slice(format!(r#","memo":{}}}"#, Value::from(XSS)).as_bytes());
    body
}

/// The inbox row as the API shows it.
async fn api_row(app: &TestApp, id: &str) -> Value {
    let admin = app.admin_token().await;
    admin_get(app, &admin, &format!("/v1/admin/inbox/{id}"))
        .await
        .json()
        .await
        .unwrap()
}

/// Audit rows of `inbox.replay`, newest first.
async fn replay_audit(app: &TestApp) -> Vec<Value> {
    let admin = app.admin_token().await;
    let page: Value = admin_get(app, &admin, "/v1/admin/audit?action=inbox.replay")
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().cloned().unwrap_or_default()
}

fn rows(html: &str) -> usize {
    html.matches("class=\"inbox-row\"").count()
}

async fn the_list_filters_pages_and_links_each_row(kind: Kind) {
    let Some(Hooks { app, up: _up }) = start(kind).await else {
        return;
    };
    let mut sent = Vec::new();
    for (event_id, kind) in [
        ("evt_cl1", "invoice.paid"),
        ("evt_cl2", "customer.created"),
        ("evt_cl3", "invoice.paid"),
    ] {
        sent.push(deliver(&app, &event(event_id, kind)).await);
    }
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;

    let res = browser.get("/console/inbox").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secured(&res, "inbox list");
    let all = res.text().await.unwrap();
    assert!(
        all.contains("<table class=\"inbox\" id=\"inbox\">"),
        "{all}"
    );
    assert_eq!(rows(&all), 3, "{all}");
    for id in &sent {
        assert!(
            all.contains(&format!("href=\"/console/inbox/{id}\"")),
            "{all}"
        );
    }
    let trace = api_row(&app, &sent[0]).await["trace_id"]
        .as_str()
        .expect("a traced delivery")
        .to_owned();
    assert!(all.contains(&format!("href=\"/console/traces/{trace}\"")));
    assert!(position(&all, "evt_cl3") < position(&all, "evt_cl2"));
    assert!(position(&all, "evt_cl2") < position(&all, "evt_cl1"));
    assert!(older(&all).is_none(), "one page only");

    let paid = browser
        .page("/console/inbox?status=processed&type=invoice.paid&tenant=&provider=stripe")
        .await;
    assert_eq!(rows(&paid), 2, "{paid}");
    assert!(!paid.contains("evt_cl2"));
    assert!(paid.contains("value=\"invoice.paid\""), "the filter stays");
    assert!(
        paid.contains("<option value=\"processed\" selected>"),
        "{paid}"
    );
    assert_eq!(rows(&browser.page("/console/inbox?status=failed").await), 0);
    assert_eq!(rows(&browser.page("/console/inbox?tenant=globex").await), 0);
    assert_eq!(rows(&browser.page("/console/inbox?tenant=acme").await), 3);
    let customer = browser.page("/console/inbox?type=customer.created").await;
    assert_eq!(rows(&customer), 1);
    assert!(customer.contains("evt_cl2"));

    // Bad filters: a 400 page naming the field, the form still there.
    for (query, field) in [
        ("status=lost", "status: \"lost\" is not one of"),
        (
            "since=yesterday",
            "since: \"yesterday\" is not an RFC 3339 time",
        ),
        ("cursor=nope", "cursor: "),
    ] {
        let res = browser.get(&format!("/console/inbox?{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_secured(&res, query);
        let page = res.text().await.unwrap();
        let notice = error_notice(&page).unwrap_or_else(|| panic!("no error notice: {page}"));
        assert!(notice.starts_with(&html_escape(field)), "{query}: {notice}");
        assert!(page.contains("id=\"inbox-filters\""), "{page}");
        assert_eq!(rows(&page), 0);
    }
    // A query no form sends (a repeated or mistyped parameter): the console's 400 page
    // naming it, not plain text.
    for (query, named) in [
        ("tenant=a&tenant=b", "duplicate field `tenant`"),
        ("limit=many", "limit"),
        ("colour=red", "unknown field `colour`"),
    ] {
        let res = browser.get(&format!("/console/inbox?{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_secured(&res, query);
        let page = res.text().await.unwrap();
        let notice = error_notice(&page).unwrap_or_else(|| panic!("no error notice: {page}"));
        assert!(notice.contains(&html_escape(named)), "{query}: {notice}");
    }

    // Pages of two, then the rest through "Older".
    let first = browser.page("/console/inbox?limit=2").await;
    assert_eq!(rows(&first), 2);
    assert!(first.contains("evt_cl3") && first.contains("evt_cl2"));
    let next = older(&first).expect("an Older link");
    assert!(
        next.starts_with("/console/inbox?") && next.contains("limit=2"),
        "{next}"
    );
    let second = browser.page(&next).await;
    assert_eq!(rows(&second), 1);
    assert!(second.contains("evt_cl1") && !second.contains("evt_cl3"));
    assert!(older(&second).is_none());
    // The filters ride along.
    let one = browser
        .page("/console/inbox?type=invoice.paid&limit=1")
        .await;
    assert!(one.contains("evt_cl3"));
    let next = older(&one).expect("an Older link");
    assert!(next.contains("type=invoice.paid"), "{next}");
    let two = browser.page(&next).await;
    assert_eq!(rows(&two), 1);
    assert!(two.contains("evt_cl1") && !two.contains("evt_cl2"), "{two}");
    app.stop().await;
}

async fn the_detail_shows_headers_and_the_escaped_payload_to_roles_that_may_read_it(kind: Kind) {
    let Some(Hooks { app, up: _up }) = start(kind).await else {
        return;
    };
    let id = deliver(&app, &hostile_event("evt_cd1")).await;
    let row = api_row(&app, &id).await;
    let job = row["job_ids"][0].as_str().unwrap().to_owned();
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_key()).await;

    let res = admin.get(&format!("/console/inbox/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secured(&res, "inbox detail");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.unwrap();
    for part in [
        "id=\"inbox-fields\"",
        "evt_cd1",
        "invoice.paid",
        "processed",
        &format!("href=\"/console/jobs/{job}\""),
        "href=\"/console/traces/",
        "id=\"request-headers\"",
        "stripe-signature",
        "v1=[redacted]",
        "application/json",
        "id=\"payload-pretty\"",
        "id=\"payload-raw\"",
        "data-copy-target=\"payload-raw\"",
        "amount_paid",
        "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;",
        &format!("action=\"/console/inbox/{id}/replay\""),
        "name=\"reason\"",
        "id=\"replay-submit\"",
    ] {
        assert!(page.contains(part), "{part} missing: {page}");
    }
    assert!(
        !page.contains("<img"),
        "raw markup from the payload: {page}"
    );
    assert!(!page.contains(XSS));
    assert!(!page.contains("style=\"") && !page.contains("<script>"));

    // Readonly: the row and its headers, no payload in the page at all, no replay form.
    let key = app.create_operator("rita", "readonly").await;
    let mut readonly = Browser::new(&app);
    readonly.sign_in(&key).await;
    let page = readonly.page(&format!("/console/inbox/{id}")).await;
    assert!(page.contains("evt_cd1") && page.contains("id=\"request-headers\""));
    assert!(page.contains("id=\"payload-hidden\""), "{page}");
    for absent in [
        "payload-raw",
        "payload-pretty",
        "amount_paid",
        "onerror",
        "id=\"replay-submit\"",
        "/replay\"",
    ] {
        assert!(!page.contains(absent), "{absent} shown to readonly: {page}");
    }
    // Its POST anyway (with its own valid token): 403, nothing replayed, the denial audited.
    let token = csrf_token(&page);
    let res = readonly
        .post(
            &format!("/console/inbox/{id}/replay"),
            &[("_csrf", &token), ("reason", "because I can")],
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_secured(&res, "refused replay");
    assert_eq!(api_row(&app, &id).await["job_ids"], row["job_ids"]);
    let audit = replay_audit(&app).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["result"], "denied");
    assert_eq!(audit[0]["operator_name"], "rita");
    assert_eq!(audit[0]["diff_json"]["via"], "console");

    // Billing may read payloads and replay the Stripe inbox.
    let key = app.create_operator("bill", "billing").await;
    let mut billing = Browser::new(&app);
    billing.sign_in(&key).await;
    let page = billing.page(&format!("/console/inbox/{id}")).await;
    assert!(page.contains("id=\"payload-raw\"") && page.contains("id=\"replay-submit\""));

    let missing = admin
        .get(&format!("/console/inbox/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        admin.get("/console/inbox/nope").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

async fn a_console_replay_needs_a_reason_and_the_token_and_is_audited_like_the_api(kind: Kind) {
    let Some(Hooks { app, up }) = start(kind).await else {
        return;
    };
    let id = deliver(&app, &event("evt_cr1", "invoice.paid")).await;
    let before = api_row(&app, &id).await["job_ids"].clone();
    assert_eq!(up.hits("echo"), 1);
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_key()).await;
    let path = format!("/console/inbox/{id}/replay");
    let token = csrf_token(&admin.page(&format!("/console/inbox/{id}")).await);

    // No reason, a blank one: 400, nothing changed.
    for fields in [
        vec![("_csrf", token.as_str())],
        vec![("_csrf", token.as_str()), ("reason", "")],
        vec![("_csrf", token.as_str()), ("reason", "   ")],
    ] {
        let res = admin.post(&path, &fields, &[], None).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{fields:?}");
        assert_secured(&res, "no reason");
        assert!(res.text().await.unwrap().contains("a reason is required"));
    }
    // A wrong or missing token, a cross-site request: refused before the handler.
    let good = [("_csrf", token.as_str()), ("reason", "forged replay")];
    let wrong = "0".repeat(64);
    for res in [
        admin
            .post(
                &path,
                &[("_csrf", wrong.as_str()), ("reason", "forged replay")],
                &[],
                None,
            )
            .await,
        admin
            .post(&path, &[("reason", "forged replay")], &[], None)
            .await,
        admin
            .post(&path, &good, &[("sec-fetch-site", "cross-site")], None)
            .await,
    ] {
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_secured(&res, "refused POST");
    }
    let mut elsewhere = Browser::new(&app);
    elsewhere.session = admin.session.clone();
    elsewhere.origin = "https://evil.example".into();
    assert_eq!(
        elsewhere.post(&path, &good, &[], None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(api_row(&app, &id).await["job_ids"], before);
    assert!(replay_audit(&app).await.is_empty(), "nothing audited");
    assert_eq!(up.hits("echo"), 1);

    // With a reason: a new job, back to the row with a notice.
    let res = admin
        .post(
            &path,
            &[
                ("_csrf", token.as_str()),
                ("reason", "  console replay test "),
            ],
            &[("sec-fetch-site", "same-origin")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let prefix = format!("/console/inbox/{id}?replayed=");
    assert!(location.starts_with(&prefix), "{location}");
    let job = location[prefix.len()..]
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let request_id = location
        .split("request_id=")
        .nth(1)
        .expect("the request id")
        .to_owned();
    let row = row_becomes(&app, &id, "processed", Duration::from_secs(15)).await;
    let jobs = row["job_ids"].as_array().unwrap();
    assert_eq!(jobs.len(), 2, "{row}");
    assert_eq!(jobs[1], job.as_str());
    assert_eq!(up.hits("echo"), 2);

    let notice = admin.page(&location).await;
    assert!(notice.contains("id=\"replayed\""), "{notice}");
    assert!(notice.contains(&format!("href=\"/console/jobs/{job}\"")));
    assert!(
        notice.contains(&format!("href=\"/console/audit?request_id={request_id}\"")),
        "{notice}"
    );

    let audit = replay_audit(&app).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    let entry = &audit[0];
    assert_eq!(entry["result"], "ok");
    assert_eq!(entry["reason"], "console replay test");
    assert_eq!(entry["operator_name"], "admin");
    assert_eq!(entry["required_permission"], "inbox.replay");
    assert_eq!(entry["target_type"], "inbox");
    assert_eq!(entry["target_id"], id.as_str());
    assert_eq!(entry["tenant_id"], "acme");
    assert_eq!(entry["request_id"], request_id.as_str());
    assert_eq!(entry["diff_json"]["via"], "console");
    assert_eq!(entry["diff_json"]["after"]["status"], "received");
    assert_eq!(entry["diff_json"]["before"]["job_ids"], before);
    app.stop().await;
}

both_backends!(
    the_list_filters_pages_and_links_each_row,
    the_detail_shows_headers_and_the_escaped_payload_to_roles_that_may_read_it,
    a_console_replay_needs_a_reason_and_the_token_and_is_audited_like_the_api,
);

//! What every console response carries (CSP, nosniff, referrer policy, no-store), the
//! events page (backfill, filters, escaping) and its live stream by cookie.

use std::time::Duration;

use orch_core::units::HumanDuration;
use orchd::events::NewEvent;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

use super::support::{Browser, SESSION_COOKIE};
use crate::both_backends;
use crate::helpers::sse::{data, id};
use crate::helpers::{Kind, TestApp};

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
pub(super) const XSS: &str = "</script><img src=x onerror=alert(1)>";

pub(super) fn assert_secured(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    assert_eq!(h["content-security-policy"], CSP, "{what}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["referrer-policy"], "same-origin", "{what}");
}

pub(super) fn assert_no_store(res: &reqwest::Response, what: &str) {
    assert_eq!(res.headers()["cache-control"], "no-store", "{what}");
}

/// Script and style URLs a page names (`src="…"`, `href="…css"`).
fn asset_urls(html: &str) -> Vec<String> {
    html.split('"')
        .filter(|part| part.starts_with("/console/assets/"))
        .map(str::to_owned)
        .collect()
}

async fn every_console_response_is_secured(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let anonymous = Browser::new(&app);
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    let mut responses = vec![
        ("sign-in form", anonymous.get("/console/login").await),
        (
            "redirect to sign-in",
            anonymous.get("/console/events").await,
        ),
        ("/console", anonymous.get("/console").await),
        ("events", browser.get("/console/events").await),
        (
            "bad filter",
            browser.get("/console/events?kind=Not%20A%20Kind").await,
        ),
        ("unknown page", browser.get("/console/nope").await),
        (
            "unknown asset",
            browser.get("/console/assets/console.0.js").await,
        ),
        (
            "refused POST",
            browser.post("/console/logout", &[], &[], None).await,
        ),
        (
            "refused sign-in",
            anonymous.post("/console/login", &[], &[], None).await,
        ),
    ];
    let page = browser.page("/console/events").await;
    let assets = asset_urls(&page);
    assert_eq!(assets.len(), 2, "one script and one stylesheet: {assets:?}");
    for url in &assets {
        responses.push(("asset", browser.get(url).await));
    }
    for (what, res) in &responses {
        assert_secured(res, what);
        if *what != "asset" {
            assert_no_store(res, what);
        }
    }
    let statuses: Vec<u16> = responses.iter().map(|(_, r)| r.status().as_u16()).collect();
    assert_eq!(
        statuses,
        [200, 303, 303, 200, 400, 404, 404, 403, 403, 200, 200]
    );
    for (_, res) in responses.into_iter().filter(|(w, _)| *w == "asset") {
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            ct.starts_with("text/javascript") || ct.starts_with("text/css"),
            "{ct}"
        );
    }
    // No inline script or style anywhere (the CSP would block it).
    for html in [page, anonymous.page("/console/login").await] {
        assert!(!html.contains("<script>"), "inline script");
        assert!(!html.contains("<style"), "inline style");
        assert!(!html.contains("style=\""), "inline style attribute");
        assert!(
            !html.contains(" on") || !html.contains("onclick="),
            "inline handler"
        );
    }
    app.stop().await;
}

fn event(kind: &str, tenant: &str, message: &str) -> NewEvent {
    NewEvent::new(kind, message)
        .tenant(tenant)
        .correlation(None, Some("0123456789abcdef0123456789abcdef"))
        .data(serde_json::json!({ "note": XSS }))
}

async fn the_events_page_backfills_filters_and_escapes(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    app.state
        .events
        .record(event("webhook.received", "acme", XSS));
    app.state
        .events
        .record(event("job.dead", "acme", "job gave up"));
    app.state
        .events
        .record(event("job.succeeded", "globex", "job done"));
    app.state.events.flush().await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;

    let page = browser.page("/console/events").await;
    assert!(
        !page.contains(XSS),
        "raw markup from an event reached the page"
    );
    assert!(!page.contains("<img"), "{page}");
    assert!(page.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("job gave up") && page.contains("job done"));
    assert!(page.contains("href=\"/console/traces/0123456789abcdef0123456789abcdef\""));
    // Oldest first: the newest row is at the bottom, where the tail grows.
    assert!(page.find("job gave up") < page.find("job done"));
    // The stream resumes after the newest id the page saw.
    let newest = app.state.event_log.newest_id().await.unwrap();
    assert!(
        page.contains(&format!("data-after-id=\"{newest}\"")),
        "{page}"
    );

    let filtered = browser.page("/console/events?kind=job.*&tenant=acme").await;
    assert!(filtered.contains("job gave up"));
    assert!(!filtered.contains("job done") && !filtered.contains("&lt;img"));
    assert!(
        filtered.contains("value=\"job.*\""),
        "the filter stays in the form"
    );
    assert!(
        filtered.contains("data-stream=\"/console/events/stream?tenant=acme&amp;kind=job.*\""),
        "{filtered}"
    );
    // Empty fields are no filter; a bad one is named.
    let empty = browser
        .page("/console/events?tenant=&connector=&kind=&trace_id=")
        .await;
    assert!(empty.contains("job done"));
    let bad = browser.get("/console/events?trace_id=xyz").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("trace_id"));
    app.stop().await;
}

async fn the_stream_follows_by_cookie_and_ends_with_the_session(kind: Kind) {
    // A short idle timeout makes the stream re-check its session every 2 s.
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.console.session_idle_timeout = HumanDuration(Duration::from_secs(4));
    })
    .await
    else {
        return;
    };
    let anonymous = Browser::new(&app);
    let refused = anonymous.stream("").await.err().expect("refused");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let mut forged = Browser::new(&app);
    forged.session = Some("1".repeat(64));
    assert_eq!(
        forged.stream("").await.err().expect("refused").status(),
        401
    );

    app.state.events.record(event("job.dead", "acme", "before"));
    app.state.events.flush().await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    let page = browser.page("/console/events?tenant=acme").await;
    let after: i64 = page
        .split("data-after-id=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.parse().ok())
        .expect("after id");
    let mut stream = browser
        .stream(&format!("?tenant=acme&after_id={after}"))
        .await
        .unwrap_or_else(|_| panic!("stream refused"));
    app.state
        .events
        .record(event("job.succeeded", "globex", "other tenant"));
    app.state
        .events
        .record(event("webhook.received", "acme", XSS));
    app.state.events.flush().await;
    let got = stream.take(1, Duration::from_secs(5)).await;
    assert_eq!(
        got[0].event, "message",
        "unnamed, so EventSource.onmessage sees it"
    );
    let body = data(&got[0]);
    assert_eq!(body["kind"], "webhook.received");
    assert_eq!(
        body["message"], XSS,
        "JSON carries the text; the page sets it as text"
    );
    assert!(id(&got[0]) > after);

    // A reconnect with Last-Event-ID resumes after it, whatever after_id says.
    let mut req = crate::helpers::sse::streaming_client()
        .get(app.url("/console/events/stream?tenant=acme&after_id=0"))
        .header(
            COOKIE,
            format!("{SESSION_COOKIE}={}", browser.session.clone().unwrap()),
        )
        .header("last-event-id", after.to_string());
    req = req.header("accept", "text/event-stream");
    let mut resumed = crate::helpers::sse::SseStream::send(req)
        .await
        .unwrap_or_else(|_| panic!("resume refused"));
    let again = resumed.take(1, Duration::from_secs(5)).await;
    assert_eq!(id(&again[0]), id(&got[0]));
    drop(resumed);

    // Signing out ends the open stream within the re-check interval.
    let token = browser.token().await;
    let res = browser
        .post("/console/logout", &[("_csrf", &token)], &[], None)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        stream.ended_within(Duration::from_secs(5)).await,
        "the stream outlived its session"
    );
    app.stop().await;
}

both_backends!(
    every_console_response_is_secured,
    the_events_page_backfills_filters_and_escapes,
    the_stream_follows_by_cookie_and_ends_with_the_session,
);

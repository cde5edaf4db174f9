use orch_core::problem::Problem;

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

async fn a_sane_request_id_is_echoed(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc123");
    app.stop().await;
}

async fn a_missing_or_insane_request_id_is_replaced(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app.get("/healthz").await;
    let generated = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");

    let too_long = "x".repeat(129);
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", &too_long)
        .send()
        .await
        .unwrap();
    let echoed = res.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(echoed, too_long);
    assert!(uuid::Uuid::parse_str(echoed).is_ok());
    app.stop().await;
}

async fn traceparent_is_honoured(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app
        .client
        .get(app.url("/missing"))
        .header("traceparent", TRACEPARENT)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["x-trace-id"],
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    let p: Problem = res.json().await.unwrap();
    assert_eq!(
        p.trace_id.as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    app.stop().await;
}

async fn a_new_trace_starts_without_or_with_a_bad_traceparent(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut seen = Vec::new();
    for header in [None, Some("00-zz-bad-01")] {
        let mut req = app.client.get(app.url("/healthz"));
        if let Some(h) = header {
            req = req.header("traceparent", h);
        }
        let res = req.send().await.unwrap();
        let trace = res.headers()["x-trace-id"].to_str().unwrap().to_owned();
        assert_eq!(trace.len(), 32);
        assert!(trace.bytes().all(|b| b.is_ascii_hexdigit()));
        seen.push(trace);
    }
    assert_ne!(seen[0], seen[1], "each request starts its own trace");
    app.stop().await;
}

both_backends!(
    a_sane_request_id_is_echoed,
    a_missing_or_insane_request_id_is_replaced,
    traceparent_is_honoured,
    a_new_trace_starts_without_or_with_a_bad_traceparent,
);

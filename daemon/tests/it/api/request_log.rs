use std::time::Duration;

use orch_core::units::HumanDuration;
use orchd::request_log::RequestLogQuery;

use crate::both_backends;
use crate::helpers::{Kind, TestApp, eventually};

fn by_request_id(id: &str) -> RequestLogQuery {
    RequestLogQuery {
        request_id: Some(id.to_owned()),
        limit: 10,
        ..RequestLogQuery::default()
    }
}

async fn every_api_request_gets_a_row(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app
        .client
        .post(app.url("/v1/nothing"))
        .header("x-request-id", "row-1")
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .header("user-agent", "it-test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let stored = eventually(Duration::from_secs(5), || async {
        !app.store
            .list_request_logs(&by_request_id("row-1"))
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    assert!(stored, "no request log row");
    let rows = app
        .store
        .list_request_logs(&by_request_id("row-1"))
        .await
        .unwrap();
    let row = &rows[0];
    assert_eq!(row.method, "POST");
    assert_eq!(row.path, "/v1/nothing");
    assert_eq!(row.status, 404);
    assert_eq!(row.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(row.user_agent.as_deref(), Some("it-test"));
    assert_eq!(row.client_ip.as_deref(), Some("127.0.0.1"));
    app.stop().await;
}

async fn probes_are_not_request_logged(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    for path in ["/healthz", "/readyz"] {
        app.client
            .get(app.url(path))
            .header("x-request-id", "probe")
            .send()
            .await
            .unwrap();
    }
    app.request_log.flush().await;
    assert!(
        app.store
            .list_request_logs(&by_request_id("probe"))
            .await
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

/// Rows are written in batches by a background task: a request does not wait for its row.
async fn rows_are_written_off_the_request_path(kind: Kind) {
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.storage.request_log_flush = HumanDuration(Duration::from_secs(3600));
        s.storage.request_log_batch = 1000;
    })
    .await
    else {
        return;
    };
    for i in 0..5 {
        let res = app
            .client
            .get(app.url("/v1/x"))
            .header("x-request-id", format!("batched-{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        app.store
            .list_request_logs(&by_request_id("batched-0"))
            .await
            .unwrap()
            .is_empty(),
        "a row was written on the request path"
    );
    app.request_log.flush().await;
    for i in 0..5 {
        let rows = app
            .store
            .list_request_logs(&by_request_id(&format!("batched-{i}")))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "batched-{i}");
    }
    app.stop().await;
}

/// Graceful shutdown writes what is still buffered.
async fn shutdown_flushes_buffered_rows(kind: Kind) {
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.storage.request_log_flush = HumanDuration(Duration::from_secs(3600));
    })
    .await
    else {
        return;
    };
    app.client
        .get(app.url("/v1/y"))
        .header("x-request-id", "at-shutdown")
        .send()
        .await
        .unwrap();
    let db = app.stop().await;
    let store = db.store().await;
    let rows = store
        .list_request_logs(&by_request_id("at-shutdown"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "row lost at shutdown");
    store.close().await;
}

both_backends!(
    every_api_request_gets_a_row,
    probes_are_not_request_logged,
    rows_are_written_off_the_request_path,
    shutdown_flushes_buffered_rows,
);

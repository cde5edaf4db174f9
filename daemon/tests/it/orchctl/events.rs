//! `events list` (filters, paging) and `events tail` (live lines within a second, JSON lines,
//! resuming after a dropped connection without a gap or a duplicate).

use std::time::{Duration, Instant};

use orchctl::Exit;
use orchd::events::NewEvent;
use serde_json::{Value, json};

use super::support::{Captured, Orchctl};
use crate::both_backends;
use crate::helpers::{Kind, TcpProxy, TestApp, eventually};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn event(kind: &str, n: u64) -> NewEvent {
    NewEvent::new(kind, format!("event {n}"))
        .tenant(if n.is_multiple_of(2) {
            "acme"
        } else {
            "globex"
        })
        .connector("stripe", Some("charge"))
        .correlation(Some("req"), Some(TRACE))
        .data(json!({ "n": n }))
}

/// The newest event id, through the API.
async fn newest_id(app: &TestApp) -> i64 {
    let admin = app.admin_token().await;
    let page: Value = app
        .client
        .get(app.url("/v1/admin/events?limit=1"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"][0]["id"].as_i64().unwrap_or(0)
}

/// The `data.n` of every JSON line printed so far.
fn ns(out: &Captured) -> Vec<u64> {
    out.lines()
        .iter()
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
            v["data"]["n"].as_u64().unwrap()
        })
        .collect()
}

async fn events_list_filters_and_pages(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    for n in 0..6 {
        app.state.events.record(event(
            if n < 4 {
                "webhook.received"
            } else {
                "job.dead"
            },
            n,
        ));
    }
    app.state.events.flush().await;

    let listed = admin
        .run(&[
            "events",
            "list",
            "--kind",
            "webhook.*",
            "--tenant",
            "acme",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    let ns: Vec<u64> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["data"]["n"].as_u64().unwrap())
        .collect();
    assert_eq!(ns, [2, 0], "newest first, filtered");

    let all = admin
        .run(&[
            "events", "list", "--limit", "2", "--all", "--trace", TRACE, "-o", "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        6,
        "--all follows the cursor"
    );

    let table = admin
        .run(&["events", "list", "--kind", "job.dead", "-o", "table"])
        .await
        .ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{table:#?}");
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("KIND"),
        "{table:#?}"
    );
    assert!(
        lines[1].contains("job.dead") && lines[1].contains("4bf92f35"),
        "{table:#?}"
    );

    // Filters are checked before anything is sent.
    let bad = admin
        .run(&["events", "list", "--kind", "job.*.x"])
        .await
        .exits(Exit::Usage);
    assert!(bad.stderr.contains("--kind"), "{bad:#?}");
    admin
        .run(&["events", "list", "--trace", "xyz"])
        .await
        .exits(Exit::Usage);
    app.stop().await;
}

async fn events_tail_shows_events_live(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    admin.login(&app.admin_key()).await.ok();
    app.state.events.record(event("job.queued", 100));
    app.state.events.flush().await;
    let after = newest_id(&app).await.to_string();

    // JSON lines; --after-id makes the start deterministic, the first event proves the
    // connection, then each new event must show within a second.
    let args = [
        "events",
        "tail",
        "--kind",
        "webhook.*",
        "--after-id",
        &after,
        "-o",
        "json",
    ];
    let events = app.state.events.clone();
    let shown = admin
        .run_while(&args, |out, err| async move {
            events.record(event("webhook.received", 0));
            assert!(
                eventually(Duration::from_secs(5), || async { ns(&out) == [0] }).await,
                "the first event never showed: {} / {}",
                out.text(),
                err.text()
            );
            for n in 1..4 {
                events.record(event("job.dead", 1000 + n)); // filtered out
                let sent = Instant::now();
                events.record(event("webhook.processed", n));
                let arrived = eventually(Duration::from_secs(1), || async {
                    ns(&out).last() == Some(&n)
                })
                .await;
                assert!(
                    arrived,
                    "event {n} not shown within a second: {}",
                    out.text()
                );
                eprintln!("event {n} shown after {:?}", sent.elapsed());
            }
            out.text()
        })
        .await
        .expect("tail runs until stopped");
    assert_eq!(
        shown.lines().count(),
        4,
        "one line per event, filtered: {shown}"
    );

    // On a table, one line per event: time, kind, tenant, connector, short trace, message.
    let after = newest_id(&app).await.to_string();
    let args = [
        "events",
        "tail",
        "--tenant",
        "globex",
        "--after-id",
        &after,
        "-o",
        "table",
    ];
    let events = app.state.events.clone();
    let lines = admin
        .run_while(&args, |out, _| async move {
            events.record(event("job.retry_scheduled", 2)); // acme: filtered out
            events.record(event("job.retry_scheduled", 3));
            eventually(Duration::from_secs(5), || async { !out.lines().is_empty() }).await;
            out.lines()
        })
        .await
        .expect("tail runs until stopped");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    for part in [
        "job.retry_scheduled",
        "globex",
        "stripe",
        "4bf92f35",
        "event 3",
    ] {
        assert!(line.contains(part), "{part} missing from {line:?}");
    }
    assert!(!line.contains('\x1b'), "no colour off a terminal: {line:?}");
    app.stop().await;
}

/// The connection is cut while events keep coming: tail reconnects with Last-Event-ID and
/// prints every event once, in order.
async fn events_tail_resumes_after_a_dropped_connection(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    // Logged in through the proxy: a context's credentials only go to its own server.
    let proxy = TcpProxy::start(&app.addr.to_string()).await;
    let mut admin = Orchctl::new(&app, "admin");
    admin.server = format!("http://{}", proxy.addr);
    admin.login(&app.admin_key()).await.ok();
    let after = newest_id(&app).await.to_string();
    let args = [
        "events",
        "tail",
        "--kind",
        "test.*",
        "--after-id",
        &after,
        "-o",
        "json",
    ];
    let events = app.state.events.clone();
    let proxy = &proxy;
    let (out, err) = admin
        .run_while(&args, |out, err| async move {
            for n in 0..5 {
                events.record(event("test.tick", n));
            }
            assert!(
                eventually(Duration::from_secs(5), || async { ns(&out).len() == 5 }).await,
                "{}",
                err.text()
            );
            proxy.stop();
            for n in 5..10 {
                events.record(event("test.tick", n));
            }
            events.flush().await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            proxy.resume().await;
            for n in 10..15 {
                events.record(event("test.tick", n));
            }
            eventually(Duration::from_secs(10), || async { ns(&out).len() >= 15 }).await;
            // Nothing more is coming; a duplicate would show up now.
            tokio::time::sleep(Duration::from_millis(300)).await;
            (out.text(), err.text())
        })
        .await
        .expect("tail runs until stopped");
    let got: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["data"]["n"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(got, (0..15).collect::<Vec<_>>(), "stderr: {err}");
    assert!(err.contains("reconnecting"), "{err}");
    app.stop().await;
}

async fn events_tail_fails_fast_without_access(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let admin = Orchctl::new(&app, "admin");
    let out = admin
        .run(&["events", "tail"])
        .await
        .exits(Exit::NotAuthenticated);
    assert!(out.stderr.contains("login"), "{out:#?}");
    admin.login(&app.admin_key()).await.ok();
    admin
        .run(&["events", "tail", "--since", "10m", "--after-id", "3"])
        .await
        .exits(Exit::Usage);
    let stale = Orchctl {
        env: orchctl::Env {
            token: Some("not-a-token".into()),
            ..orchctl::Env::default()
        },
        ..Orchctl::new(&app, "admin")
    };
    stale
        .run(&["events", "tail"])
        .await
        .exits(Exit::NotAuthenticated);
    app.stop().await;
}

both_backends!(
    events_list_filters_and_pages,
    events_tail_shows_events_live,
    events_tail_resumes_after_a_dropped_connection,
    events_tail_fails_fast_without_access,
);

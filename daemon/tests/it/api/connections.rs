//! The HTTP server's guards against clients that hold connections (`http.*` settings): a
//! request head that never completes is cut off, a request that does not finish in time is
//! answered 503 `request_timeout` (event streams exempt), and no more than
//! `http.max_connections` connections are served at once. These are properties of the
//! server, not of storage, so they run on the embedded backend only.

use std::time::{Duration, Instant};

use orch_core::units::HumanDuration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::sse::SseStream;
use crate::helpers::{Kind, TestApp};

/// Reads what the server sends until it closes the connection; `None` if it is still open
/// after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut buf = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut buf)).await {
        Ok(_) => Some(String::from_utf8_lossy(&buf).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_that_never_completes_is_cut_off() {
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, |s, _| {
        s.http.header_read_timeout = HumanDuration(Duration::from_millis(300));
    })
    .await
    else {
        return;
    };
    let started = Instant::now();
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: orchd\r\nX-Slow: ")
        .await
        .unwrap();
    let closed = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(
        closed.is_some(),
        "a half-sent request head kept its connection open"
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(250),
        "cut off before the timeout: {elapsed:?}"
    );
    // A connection that says nothing at all is closed the same way.
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    assert!(
        read_until_closed(&mut silent, Duration::from_secs(5))
            .await
            .is_some(),
        "a silent connection was kept open"
    );
    // Ordinary requests are unaffected.
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

/// Sends the head of a POST that announces a body, then only part of it.
async fn start_slow_post(app: &TestApp, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: orchd\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\nX-Request-Id: slow-body-1\r\n\r\n{{\"api_key\": "
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// The status line and the body of a raw response.
async fn read_response(stream: &mut TcpStream, within: Duration) -> (String, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let n = match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(n)) => n,
            Ok(Err(_)) => 0,
            Err(_) => panic!(
                "no complete response within {within:?}: {:?}",
                String::from_utf8_lossy(&buf)
            ),
        };
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())
                        .flatten()
                })
                .unwrap_or(0);
            if body.len() >= length || n == 0 {
                return (head.to_owned(), body.to_owned());
            }
        } else if n == 0 {
            panic!("connection closed without a response: {text:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_does_not_finish_in_time_is_answered_request_timeout() {
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, |s, _| {
        s.http.request_timeout = HumanDuration(Duration::from_millis(400));
    })
    .await
    else {
        return;
    };
    // A body that trickles: the handler is still reading it when the deadline passes. The
    // same for /v1/execute, whose call has its own deadline but whose body does not.
    for path in ["/v1/auth/operator/token", "/v1/execute"] {
        let started = Instant::now();
        let mut slow = start_slow_post(&app, path).await;
        let (head, body) = read_response(&mut slow, Duration::from_secs(5)).await;
        assert!(head.starts_with("HTTP/1.1 503"), "{path}: {head}\n\n{body}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{path}: {head}"
        );
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["code"], "request_timeout", "{path}: {problem}");
        assert_eq!(problem["request_id"], "slow-body-1", "{problem}");
        assert!(
            started.elapsed() >= Duration::from_millis(350),
            "{path}: answered before the deadline"
        );
    }
    // Quick requests are unaffected.
    assert_eq!(app.get("/healthz").await.status(), 200);

    // An event stream outlives the request timeout.
    let admin = app.admin_token().await;
    let mut stream = SseStream::open(&app, "/v1/admin/events/stream", &admin, None).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    app.state.events.record(orchd::events::NewEvent::new(
        "test.tick",
        "after the request timeout",
    ));
    let mut got = None;
    while let Some(message) = stream.next(Duration::from_secs(5)).await {
        if message.event == "test.tick" {
            got = Some(message);
            break;
        }
    }
    assert!(got.is_some(), "the stream was cut by the request timeout");
    drop(stream);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_for_a_free_slot() {
    let Some(app) = TestApp::spawn_with(Kind::Sqlite, |s, _| {
        s.http.max_connections = 2;
    })
    .await
    else {
        return;
    };
    // Two connections that hold their slots (idle: they send nothing yet).
    let held_a = TcpStream::connect(app.addr).await.unwrap();
    let held_b = TcpStream::connect(app.addr).await.unwrap();
    // Let the server accept both.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let fresh = || {
        reqwest::Client::builder()
            .timeout(Duration::from_millis(800))
            .build()
            .unwrap()
    };
    let third = fresh().get(app.url("/healthz")).send().await;
    assert!(
        third.is_err(),
        "a third connection was served while two held the cap: {third:?}"
    );

    // One slot frees up: the next connection is served.
    drop(held_a);
    let mut served = false;
    for _ in 0..20 {
        if let Ok(res) = fresh().get(app.url("/healthz")).send().await {
            assert_eq!(res.status(), 200);
            served = true;
            break;
        }
    }
    assert!(served, "no connection was served after a slot freed up");
    drop(held_b);
    app.stop().await;
}

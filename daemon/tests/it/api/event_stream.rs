//! The SSE event streams: `GET /v1/admin/events/stream` and `GET /v1/events/stream`, read
//! with a real HTTP client. Postgres runs with Redis (distributed mode), SQLite embedded.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use orch_core::problem::Problem;
use orchd::events::NewEvent;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::sse::{SseStream, data, id};
use crate::helpers::{Kind, TestApp, redis_url, service_available};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const WAIT: Duration = Duration::from_secs(5);

/// Postgres with Redis (distributed mode), or embedded SQLite.
async fn spawn(kind: Kind) -> Option<TestApp> {
    if kind == Kind::Postgres && !service_available("Redis", &redis_url()) {
        return None;
    }
    TestApp::spawn_with(kind, |s, _| {
        if kind == Kind::Postgres {
            s.redis_url = Some(orchd::settings::ConnectionUrl::new(redis_url()));
        }
    })
    .await
}

fn tick(n: usize) -> NewEvent {
    NewEvent::new("test.tick", format!("tick {n}"))
        .tenant(if n.is_multiple_of(2) {
            "acme"
        } else {
            "globex"
        })
        .data(json!({ "n": n }))
}

/// Writes `count` events through the app's batched writer, one every `every`.
fn keep_writing(app: &TestApp, count: usize, every: Duration) -> tokio::task::JoinHandle<()> {
    let events = app.state.events.clone();
    tokio::spawn(async move {
        for n in 0..count {
            events.record(tick(n));
            tokio::time::sleep(every).await;
        }
    })
}

/// Disconnecting and reconnecting with `Last-Event-ID` while events keep flowing yields every
/// event exactly once, in order.
async fn reconnects_resume_without_gap_or_duplicate(kind: Kind) {
    let Some(app) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    const TOTAL: usize = 400;
    let writer = keep_writing(&app, TOTAL, Duration::from_millis(2));
    let mut ns = Vec::new();
    let mut ids = Vec::new();
    let mut last: Option<String> = None;
    let mut connections = 0;
    while ns.len() < TOTAL {
        connections += 1;
        assert!(connections < 50, "too many reconnects");
        // The first connection starts at the beginning of the log; later ones resume.
        let mut stream = match &last {
            None => SseStream::open(&app, "/v1/admin/events/stream?after_id=0", &admin, None).await,
            Some(last) => {
                SseStream::open(&app, "/v1/admin/events/stream", &admin, Some(last)).await
            }
        };
        // Read a few events, then drop the connection mid-stream.
        for _ in 0..60 {
            let Some(message) = stream.next(WAIT).await else {
                break;
            };
            assert_eq!(message.event, "test.tick");
            let body = data(&message);
            assert_eq!(body["id"].as_i64(), Some(id(&message)), "id: is the log id");
            ns.push(body["data"]["n"].as_u64().unwrap() as usize);
            ids.push(id(&message));
            if ns.len() == TOTAL {
                break;
            }
        }
        last = stream.last_id();
    }
    writer.await.unwrap();
    assert!(connections >= 5, "the test should reconnect while writing");
    assert_eq!(ns, (0..TOTAL).collect::<Vec<_>>(), "a gap or a duplicate");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids go up");
    app.stop().await;
}

/// Every filter returns exactly the matching events, and `Last-Event-ID` works with one.
async fn filters_return_only_matching_events(kind: Kind) {
    let Some(app) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let events = [
        NewEvent::new("webhook.received", "w1").tenant("acme"),
        NewEvent::new("job.dead", "j1")
            .tenant("globex")
            .connector("stripe", Some("charge")),
        NewEvent::new("job.dead_letter", "near miss for the exact kind").tenant("acme"),
        NewEvent::new("webhook.processed", "w2")
            .tenant("globex")
            .correlation(Some("r1"), Some(TRACE)),
        NewEvent::new("execute.succeeded", "e1")
            .tenant("acme")
            .connector("stripe", None)
            .correlation(Some("r2"), Some(TRACE)),
        NewEvent::new("webhooks.other", "not under webhook.").tenant("acme"),
    ];
    for e in &events {
        app.state.events.record(e.clone());
    }
    app.state.events.flush().await;
    let cases: &[(&str, &[&str])] = &[
        ("kind=webhook.*", &["w1", "w2"]),
        ("kind=webhook.", &["w1", "w2"]),
        ("kind=job.dead", &["j1"]),
        ("tenant=globex", &["j1", "w2"]),
        ("connector=stripe", &["j1", "e1"]),
        ("trace_id=4BF92F3577B34DA6A3CE929D0E0E4736", &["w2", "e1"]),
        ("tenant=acme&kind=webhook*", &["w1", "not under webhook."]),
        ("tenant=acme&connector=stripe&kind=execute.*", &["e1"]),
    ];
    for (query, want) in cases {
        let path = format!("/v1/admin/events/stream?after_id=0&{query}");
        let mut stream = SseStream::open(&app, &path, &admin, None).await;
        let got = stream.take(want.len(), WAIT).await;
        let messages: Vec<String> = got
            .iter()
            .map(|m| data(m)["message"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(messages, *want, "{query}");
        assert!(
            stream.next(Duration::from_millis(300)).await.is_none(),
            "{query}: an extra event"
        );
    }
    // Live events are filtered too, and a resume keeps the filter.
    let mut stream =
        SseStream::open(&app, "/v1/admin/events/stream?tenant=globex", &admin, None).await;
    for n in 0..6 {
        app.state.events.record(tick(n));
    }
    let got = stream.take(3, WAIT).await;
    assert!(got.iter().all(|m| data(m)["tenant"] == "globex"), "{got:?}");
    let resume = id(&got[0]).to_string();
    let mut resumed = SseStream::open(
        &app,
        "/v1/admin/events/stream?tenant=globex",
        &admin,
        Some(&resume),
    )
    .await;
    let again = resumed.take(2, WAIT).await;
    assert_eq!(
        again.iter().map(id).collect::<Vec<_>>(),
        got[1..].iter().map(id).collect::<Vec<_>>()
    );
    app.stop().await;
}

/// A stream opened without a resume id starts at "now": it first moves `Last-Event-ID` to the
/// newest id (no event), then shows new events only, each within a second.
async fn a_fresh_stream_shows_new_events_at_once(kind: Kind) {
    let Some(app) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    app.state
        .events
        .record(NewEvent::new("test.old", "before the stream"));
    app.state.events.flush().await;
    let newest: Value = app
        .client
        .get(app.url("/v1/admin/events?limit=1"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let newest = newest["items"][0]["id"].as_i64().unwrap();
    let mut stream = SseStream::open(&app, "/v1/admin/events/stream", &admin, None).await;
    assert!(
        stream.next(Duration::from_millis(300)).await.is_none(),
        "old events are not replayed"
    );
    assert_eq!(
        stream.last_id(),
        Some(newest.to_string()),
        "the start marker"
    );
    for n in 0..3 {
        let sent = Instant::now();
        app.state.events.record(tick(n));
        let message = stream
            .next(Duration::from_secs(1))
            .await
            .expect("the event within a second");
        assert_eq!(data(&message)["data"]["n"], n);
        assert!(id(&message) > newest);
        eprintln!("event {n} arrived after {:?}", sent.elapsed());
    }
    app.stop().await;
}

/// Tenant streams: own events only, scope and audience checks, a foreign tenant is 403.
async fn tenant_streams_show_only_their_own_events(kind: Kind) {
    let Some(app) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let acme = app.tenant_token("acme", &["events:read"]).await;
    let acme_exec = app.tenant_token("acme", &["execute"]).await;
    for n in 0..10 {
        app.state.events.record(tick(n));
    }
    app.state.events.flush().await;

    let mut stream = SseStream::open(&app, "/v1/events/stream?after_id=0", &acme, None).await;
    let got = stream.take(5, WAIT).await;
    assert!(got.iter().all(|m| data(m)["tenant"] == "acme"), "{got:?}");
    assert!(
        stream.next(Duration::from_millis(300)).await.is_none(),
        "another tenant's event"
    );
    // Its own tenant named explicitly is fine; filters still apply.
    let mut own = SseStream::open(
        &app,
        "/v1/events/stream?after_id=0&tenant=acme&kind=test.*",
        &acme,
        None,
    )
    .await;
    assert_eq!(own.take(5, WAIT).await.len(), 5);
    // Live events of another tenant never show up.
    app.state.events.record(tick(11));
    app.state.events.record(tick(12));
    let live = stream.next(WAIT).await.unwrap();
    assert_eq!(data(&live)["data"]["n"], 12);

    let refused = |res: Result<SseStream, reqwest::Response>| match res {
        Ok(_) => panic!("the stream was opened"),
        Err(res) => res,
    };
    let res = refused(
        SseStream::request(&app, "/v1/events/stream?tenant=globex", Some(&acme), None).await,
    );
    assert_eq!(res.status(), 403);
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.code, "forbidden");

    let res = refused(SseStream::request(&app, "/v1/events/stream", Some(&acme_exec), None).await);
    assert_eq!(res.status(), 403);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("events:read")
    );
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.code, "insufficient_scope");

    let res = refused(SseStream::request(&app, "/v1/events/stream", None, None).await);
    assert_eq!(res.status(), 401);
    let res = refused(SseStream::request(&app, "/v1/events/stream", Some(&admin), None).await);
    assert_eq!(res.status(), 401, "an operator token is not a tenant token");
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.code, "invalid_audience");
    let res = refused(SseStream::request(&app, "/v1/admin/events/stream", Some(&acme), None).await);
    assert_eq!(res.status(), 401, "a tenant token is not an operator token");
    let res = refused(SseStream::request(&app, "/v1/admin/events/stream", None, None).await);
    assert_eq!(res.status(), 401);
    app.stop().await;
}

/// Bad filter values and resume ids are 400 problems, on both streams and the list.
async fn bad_filters_are_400(kind: Kind) {
    let Some(app) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let acme = app.tenant_token("acme", &["events:read"]).await;
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("kind=job.*.x", None, "kind"),
        ("kind=", None, "kind"),
        ("after_id=-1", None, "after_id"),
        ("after_id=abc", None, "after_id"),
        ("tenant=Not%20A%20Slug", None, "tenant"),
        ("trace_id=xyz", None, "trace_id"),
        ("since=yesterday", None, "since"),
        ("unknown=1", None, "(query)"),
        ("", Some("abc"), "Last-Event-ID"),
        ("", Some("-2"), "Last-Event-ID"),
    ];
    for (query, last, field) in cases {
        for (path, token) in [
            ("/v1/admin/events/stream", &admin),
            ("/v1/events/stream", &acme),
        ] {
            let res = match SseStream::request(&app, &format!("{path}?{query}"), Some(token), *last)
                .await
            {
                Ok(_) => panic!("{path}?{query} was accepted"),
                Err(res) => res,
            };
            assert_eq!(res.status(), 400, "{path}?{query}");
            assert_eq!(res.headers()["content-type"], "application/problem+json");
            let p: Problem = res.json().await.unwrap();
            assert_eq!(p.code, "validation_failed", "{path}?{query}");
            if *field != "(query)" {
                assert_eq!(p.extensions["errors"][0]["field"], *field, "{path}?{query}");
            }
        }
    }
    let res = app
        .client
        .get(app.url("/v1/admin/events?kind=a.*b"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "the list checks filters too");
    app.stop().await;
}

/// A subscriber that does not read holds up neither ingestion nor other subscribers, and
/// still gets everything, in order, when it reads later.
async fn a_slow_subscriber_does_not_slow_ingestion(kind: Kind) {
    let Some(app) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let mut slow = SseStream::open(
        &app,
        "/v1/admin/events/stream?after_id=0&kind=test.*",
        &admin,
        None,
    )
    .await;
    let mut fast = SseStream::open(
        &app,
        "/v1/admin/events/stream?after_id=0&kind=test.*",
        &admin,
        None,
    )
    .await;
    const TOTAL: usize = 3000;
    let started = Instant::now();
    for n in 0..TOTAL {
        app.state.events.record(tick(n));
    }
    app.state.events.flush().await;
    let written = started.elapsed();
    assert_eq!(app.state.events.dropped(), 0);
    let got = fast.take(TOTAL, WAIT).await;
    assert_eq!(got.len(), TOTAL);
    eprintln!("{TOTAL} events written in {written:?}; the fast reader has them all");
    let got = slow.take(TOTAL, WAIT).await;
    let ns: Vec<usize> = got
        .iter()
        .map(|m| data(m)["data"]["n"].as_u64().unwrap() as usize)
        .collect();
    assert_eq!(ns, (0..TOTAL).collect::<Vec<_>>());
    app.stop().await;
}

/// Open streams end when the server shuts down, so they do not hold up the drain.
async fn streams_end_at_shutdown(kind: Kind) {
    let Some(app) = spawn(kind).await else {
        return;
    };
    let admin = app.admin_token().await;
    let mut stream = SseStream::open(&app, "/v1/admin/events/stream", &admin, None).await;
    let started = Instant::now();
    let stopping = tokio::spawn(app.stop());
    assert!(
        stream.ended_within(Duration::from_secs(4)).await,
        "the stream stayed open"
    );
    stopping.await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "shutdown waited {:?}",
        started.elapsed()
    );
}

/// Asks for a stream that must be refused with 429 `rate_limited`.
async fn assert_over_the_cap(app: &TestApp, path: &str, token: &str) {
    match SseStream::request(app, path, Some(token), None).await {
        Ok(_) => panic!("{path}: a stream over the cap was opened"),
        Err(res) => {
            assert_eq!(res.status(), 429, "{path}");
            assert!(res.headers().contains_key("retry-after"), "{path}");
            let p: Problem = res.json().await.unwrap();
            assert_eq!(p.code, "rate_limited", "{path}: {p:?}");
        }
    }
}

/// Each operator (admin stream) and each tenant (tenant stream) holds at most
/// `api.max_streams_per_caller` live streams; closing one frees its place, other callers
/// are not affected.
async fn streams_per_caller_are_capped(kind: Kind) {
    if kind == Kind::Postgres && !service_available("Redis", &redis_url()) {
        return;
    }
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.api.max_streams_per_caller = 2;
    })
    .await
    else {
        return;
    };
    let admin = app.admin_token().await;
    let support_key = app.create_operator("sam", "support").await;
    let support = app.operator_token(&support_key).await;
    let acme = app.tenant_token("acme", &["events:read"]).await;
    let acme_again = app.tenant_token("acme", &["events:read"]).await;
    let globex = app.tenant_token("globex", &["events:read"]).await;
    const ADMIN: &str = "/v1/admin/events/stream";
    const TENANT: &str = "/v1/events/stream";

    let first = SseStream::open(&app, ADMIN, &admin, None).await;
    let _second = SseStream::open(&app, ADMIN, &admin, None).await;
    assert_over_the_cap(&app, ADMIN, &admin).await;
    // Another operator has its own count.
    let _other = SseStream::open(&app, ADMIN, &support, None).await;

    // A tenant's streams count together, whichever of its tokens opened them.
    let _a1 = SseStream::open(&app, TENANT, &acme, None).await;
    let _a2 = SseStream::open(&app, TENANT, &acme_again, None).await;
    assert_over_the_cap(&app, TENANT, &acme).await;
    let _g = SseStream::open(&app, TENANT, &globex, None).await;

    // A client that goes away gives its place back.
    drop(first);
    let reopened = crate::helpers::eventually(WAIT, || async {
        SseStream::request(&app, ADMIN, Some(&admin), None)
            .await
            .is_ok()
    })
    .await;
    assert!(reopened, "closing a stream did not free its place");
    app.stop().await;
}

both_backends!(
    streams_per_caller_are_capped,
    reconnects_resume_without_gap_or_duplicate,
    filters_return_only_matching_events,
    a_fresh_stream_shows_new_events_at_once,
    tenant_streams_show_only_their_own_events,
    bad_filters_are_400,
    a_slow_subscriber_does_not_slow_ingestion,
    streams_end_at_shutdown,
);

/// Two nodes on one database and Redis: events written on either node, concurrently, reach a
/// stream on the other through the Redis announcement (well before the periodic re-read),
/// all of them, in id order, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_fan_out_through_redis() {
    if !service_available("Redis", &redis_url()) {
        return;
    }
    let Some(a) = spawn(Kind::Postgres).await else {
        return;
    };
    let (db, prefix, key_dir) = (a.db.url.clone(), a.redis_prefix.clone(), a.data_dir());
    let Some(b) = TestApp::spawn_with(Kind::Postgres, move |s, _| {
        s.database_url = Some(orchd::settings::ConnectionUrl::new(db.clone()));
        s.redis_url = Some(orchd::settings::ConnectionUrl::new(redis_url()));
        s.redis_prefix = prefix.clone();
        s.auth.signing_key_ref = Some(format!("file:{}", key_dir.join("signing.key").display()));
    })
    .await
    else {
        return;
    };
    let admin = a.admin_token().await;
    let mut on_b = SseStream::open(&b, "/v1/admin/events/stream?kind=test.*", &admin, None).await;
    // Latency: an event written on A shows on B within a second, every time.
    for n in 0..5 {
        let sent = Instant::now();
        a.state.events.record(tick(n));
        let message = on_b
            .next(Duration::from_secs(1))
            .await
            .expect("within a second on the other node");
        assert_eq!(data(&message)["data"]["n"], n);
        eprintln!("A → B after {:?}", sent.elapsed());
    }
    // Both nodes writing at once: B's stream sees every event once, ids rising.
    const EACH: usize = 300;
    let wa = keep_writing(&a, EACH, Duration::from_millis(1));
    let events_b = b.state.events.clone();
    let wb = tokio::spawn(async move {
        for n in 0..EACH {
            events_b.record(NewEvent::new("test.b", format!("b {n}")).data(json!({ "n": n })));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let got = on_b.take(2 * EACH, WAIT).await;
    wa.await.unwrap();
    wb.await.unwrap();
    let ids: Vec<i64> = got.iter().map(id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids go up");
    let from_a: Vec<u64> = got
        .iter()
        .filter(|m| m.event == "test.tick")
        .map(|m| data(m)["data"]["n"].as_u64().unwrap())
        .collect();
    let from_b: Vec<u64> = got
        .iter()
        .filter(|m| m.event == "test.b")
        .map(|m| data(m)["data"]["n"].as_u64().unwrap())
        .collect();
    assert_eq!(from_a, (0..EACH as u64).collect::<Vec<_>>());
    assert_eq!(from_b, (0..EACH as u64).collect::<Vec<_>>());
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len());
    b.stop().await;
    a.stop().await;
}

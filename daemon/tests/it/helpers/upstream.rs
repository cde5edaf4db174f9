//! Real local HTTP upstreams for connector calls: an axum app whose routes echo, fail on a
//! script, honour Retry-After, hang, or drip their body; and a listener that never accepts.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::json;

#[derive(Clone, Default)]
pub struct Upstream {
    pub addr: Option<SocketAddr>,
    /// Requests seen per route name.
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
    /// Status scripts: `/script/{name}` answers these in order, then 200.
    scripts: Arc<Mutex<HashMap<String, Vec<u16>>>>,
    /// Headers of the last request per route name.
    pub last_headers: Arc<Mutex<HashMap<String, HashMap<String, String>>>>,
    /// `/slow/{name}`: calls in flight now and at most, per name.
    inflight: Arc<Mutex<HashMap<String, (usize, usize)>>>,
    /// Every `Idempotency-Key` seen, per route name, in arrival order.
    pub keys: Arc<Mutex<HashMap<String, Vec<String>>>>,
    /// `/job`: every call as (`Orch-Job-Id`, `Orch-Job-Attempt`), in arrival order.
    pub job_calls: Arc<Mutex<Vec<(String, u32)>>>,
}

impl Upstream {
    pub async fn start() -> Self {
        let mut up = Upstream::default();
        let app = axum::Router::new()
            .route("/echo/{*rest}", any(echo))
            .route("/script/{name}", any(script))
            .route("/retry-after/{name}", any(retry_after))
            .route("/hang", any(hang))
            .route("/slow/{name}", any(slow))
            .route("/hang-once/{name}", any(hang_once))
            .route("/drip", get(drip))
            .route("/big/{n}", get(big))
            .route("/big-stream/{n}", get(big_stream))
            .route("/job", any(job))
            .with_state(up.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        up.addr = Some(listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        up
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr.expect("started"))
    }

    pub fn script(&self, name: &str, statuses: &[u16]) {
        self.scripts
            .lock()
            .unwrap()
            .insert(name.to_owned(), statuses.to_vec());
    }

    pub fn hits(&self, name: &str) -> usize {
        self.hits.lock().unwrap().get(name).copied().unwrap_or(0)
    }

    pub fn header(&self, route: &str, name: &str) -> Option<String> {
        self.last_headers
            .lock()
            .unwrap()
            .get(route)?
            .get(name)
            .cloned()
    }

    /// The most calls `/slow/{name}` had in flight at once.
    pub fn max_inflight(&self, name: &str) -> usize {
        self.inflight
            .lock()
            .unwrap()
            .get(name)
            .map_or(0, |(_, max)| *max)
    }

    pub fn keys(&self, route: &str) -> Vec<String> {
        self.keys
            .lock()
            .unwrap()
            .get(route)
            .cloned()
            .unwrap_or_default()
    }

    fn seen(&self, route: &str, headers: &HeaderMap) {
        if let Some(k) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
            self.keys
                .lock()
                .unwrap()
                .entry(route.to_owned())
                .or_default()
                .push(k.to_owned());
        }
        *self
            .hits
            .lock()
            .unwrap()
            .entry(route.to_owned())
            .or_default() += 1;
        let map = headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        self.last_headers
            .lock()
            .unwrap()
            .insert(route.to_owned(), map);
    }
}

async fn echo(
    State(up): State<Upstream>,
    uri: axum::http::Uri,
    method: axum::http::Method,
    headers: HeaderMap,
    body: String,
) -> Response {
    up.seen("echo", &headers);
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    (
        StatusCode::OK,
        axum::Json(json!({
            "method": method.as_str(),
            "path": uri.path(),
            "authorization": h("authorization"),
            "x_api_key": h("x-api-key"),
            "content_type": h("content-type"),
            "traceparent": h("traceparent"),
            "x_request_id": h("x-request-id"),
            "idempotency_key": h("idempotency-key"),
            "stripe_version": h("stripe-version"),
            "body": body,
        })),
    )
        .into_response()
}

async fn script(
    State(up): State<Upstream>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    up.seen(&name, &headers);
    let next = {
        let mut scripts = up.scripts.lock().unwrap();
        scripts
            .get_mut(&name)
            .and_then(|s| (!s.is_empty()).then(|| s.remove(0)))
    };
    let status = StatusCode::from_u16(next.unwrap_or(200)).unwrap();
    (
        status,
        axum::Json(json!({"script": name, "status": status.as_u16()})),
    )
        .into_response()
}

async fn retry_after(
    State(up): State<Upstream>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    up.seen(&name, &headers);
    let secs = name.trim_start_matches("wait").parse::<u64>().unwrap_or(1);
    if up.hits(&name) == 1 {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", secs.to_string())],
            "slow down",
        )
            .into_response()
    } else {
        (StatusCode::OK, "ok").into_response()
    }
}

async fn slow(
    State(up): State<Upstream>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    up.seen(&name, &headers);
    {
        let mut m = up.inflight.lock().unwrap();
        let e = m.entry(name.clone()).or_default();
        e.0 += 1;
        e.1 = e.1.max(e.0);
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    up.inflight.lock().unwrap().entry(name).or_default().0 -= 1;
    (StatusCode::OK, "done").into_response()
}

/// The first call hangs (as if the worker making it died mid-call); later calls answer 200.
async fn hang_once(
    State(up): State<Upstream>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    up.seen(&name, &headers);
    if up.hits(&name) == 1 {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    (StatusCode::OK, "done").into_response()
}

async fn hang(State(up): State<Upstream>, headers: HeaderMap) -> Response {
    up.seen("hang", &headers);
    tokio::time::sleep(Duration::from_secs(30)).await;
    StatusCode::OK.into_response()
}

async fn drip(State(up): State<Upstream>, headers: HeaderMap) -> Response {
    up.seen("drip", &headers);
    let stream = futures_util::stream::unfold(0u32, |n| async move {
        if n >= 100 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((
            Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b".")),
            n + 1,
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// `n` bytes with a Content-Length.
async fn big(State(up): State<Upstream>, Path(n): Path<usize>, headers: HeaderMap) -> Response {
    up.seen("big", &headers);
    Response::new(Body::from(vec![b'x'; n]))
}

/// `n` bytes in 1 KiB chunks, no Content-Length.
async fn big_stream(
    State(up): State<Upstream>,
    Path(n): Path<usize>,
    headers: HeaderMap,
) -> Response {
    up.seen("big-stream", &headers);
    let stream = futures_util::stream::unfold(n, |left| async move {
        if left == 0 {
            return None;
        }
        let take = left.min(1024);
        Some((
            Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; take])),
            left - take,
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// An address where connections are never accepted: a listener with a full backlog, so new
/// connection attempts hang (a connect timeout, not a refusal).
pub struct Blackhole {
    pub addr: SocketAddr,
    _listener: tokio::net::TcpListener,
    _queued: Vec<tokio::net::TcpStream>,
}

impl Blackhole {
    pub async fn start() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(0).unwrap();
        let addr = listener.local_addr().unwrap();
        let mut queued = Vec::new();
        // Fill the accept queue; later SYNs get no answer.
        for _ in 0..4 {
            match tokio::time::timeout(
                Duration::from_millis(200),
                tokio::net::TcpStream::connect(addr),
            )
            .await
            {
                Ok(Ok(s)) => queued.push(s),
                _ => break,
            }
        }
        Self {
            addr,
            _listener: listener,
            _queued: queued,
        }
    }
}

/// A job's call, as a scripted upstream of the worker tests: records (job id, attempt) from
/// the worker's `Orch-Job-*` headers, takes 20–60 ms, and answers by the body's `script`:
/// `ok` → 200, `reject` → 400, `flaky` → 503 on attempt 1 and 200 after.
async fn job(State(up): State<Upstream>, headers: HeaderMap, body: String) -> Response {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    let id = h("orch-job-id").to_owned();
    let attempt: u32 = h("orch-job-attempt").parse().unwrap_or(0);
    let wait = {
        let mut calls = up.job_calls.lock().unwrap();
        calls.push((id, attempt));
        20 + (calls.len() as u64 * 7919) % 41
    };
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let script = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["script"].as_str().map(str::to_owned))
        .unwrap_or_default();
    match (script.as_str(), attempt) {
        ("reject", _) => StatusCode::BAD_REQUEST,
        ("flaky", 1) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::OK,
    }
    .into_response()
}

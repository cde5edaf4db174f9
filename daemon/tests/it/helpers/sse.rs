//! Reading an SSE response body in tests, with the same parser `orchctl events tail` uses.

use std::collections::VecDeque;
use std::time::Duration;

use orch_core::api::sse::{SseMessage, SseParser};
use serde_json::Value;

use super::TestApp;

/// A client without a total timeout (a stream never "finishes").
pub fn streaming_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("http client")
}

/// An open event stream.
pub struct SseStream {
    res: reqwest::Response,
    parser: SseParser,
    ready: VecDeque<SseMessage>,
    ended: bool,
}

impl SseStream {
    /// Sends the request; answers that are not a 200 `text/event-stream` are handed back.
    pub async fn request(
        app: &TestApp,
        path: &str,
        token: Option<&str>,
        last_event_id: Option<&str>,
    ) -> Result<SseStream, reqwest::Response> {
        let mut req = streaming_client().get(app.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        Self::send(req).await
    }

    /// Sends a prepared request (other credentials, e.g. the console's cookie); answers
    /// that are not a 200 `text/event-stream` are handed back.
    pub async fn send(req: reqwest::RequestBuilder) -> Result<SseStream, reqwest::Response> {
        let res = req.send().await.expect("request reaches orchd");
        let is_stream = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if res.status() != 200 || !is_stream {
            return Err(res);
        }
        Ok(SseStream {
            res,
            parser: SseParser::new(),
            ready: VecDeque::new(),
            ended: false,
        })
    }

    /// Opens a stream that must be accepted.
    pub async fn open(
        app: &TestApp,
        path: &str,
        token: &str,
        last_event_id: Option<&str>,
    ) -> SseStream {
        match Self::request(app, path, Some(token), last_event_id).await {
            Ok(stream) => stream,
            Err(res) => panic!(
                "stream {path} refused: {} {}",
                res.status(),
                res.text().await.unwrap_or_default()
            ),
        }
    }

    /// The next event, or `None` if none comes within `within` (or the stream ended).
    pub async fn next(&mut self, within: Duration) -> Option<SseMessage> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(message) = self.ready.pop_front() {
                return Some(message);
            }
            if self.ended {
                return None;
            }
            match tokio::time::timeout_at(deadline, self.res.chunk()).await {
                Err(_) => return None,
                Ok(Ok(Some(bytes))) => self.ready.extend(self.parser.push(&bytes)),
                Ok(Ok(None) | Err(_)) => self.ended = true,
            }
        }
    }

    /// `n` events, each within `within` of the previous one (panics otherwise).
    pub async fn take(&mut self, n: usize, within: Duration) -> Vec<SseMessage> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.next(within).await {
                Some(message) => out.push(message),
                None => panic!("only {} of {n} events arrived", out.len()),
            }
        }
        out
    }

    /// Whether the server closed the stream (waits up to `within`).
    pub async fn ended_within(&mut self, within: Duration) -> bool {
        while self.next(within).await.is_some() {}
        self.ended
    }

    /// The last id the stream gave (also from an id-only message).
    pub fn last_id(&self) -> Option<String> {
        self.parser.last_id().map(str::to_owned)
    }
}

/// An event's `data:` as JSON.
pub fn data(message: &SseMessage) -> Value {
    serde_json::from_str(&message.data)
        .unwrap_or_else(|e| panic!("data is not JSON ({e}): {message:?}"))
}

/// An event's `id:` as a number.
pub fn id(message: &SseMessage) -> i64 {
    message
        .id
        .as_deref()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no numeric id: {message:?}"))
}

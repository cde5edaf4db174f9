//! The HTTP/1.1 server loop. `axum::serve` offers no header-read timeout and no connection
//! cap, so orchd drives hyper itself: each accepted connection is served by hyper's HTTP/1
//! connection with a header-read timeout (a client that sends half a request line and then
//! nothing is disconnected, and so is an idle keep-alive connection), at most
//! `max_connections` are served at once, and shutdown stops accepting, asks every
//! connection to finish its in-flight request and close, and waits for them.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// The connection guards of `http.*` settings.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

/// How long the loop pauses after an accept error that is not about one connection (out of
/// file descriptors, say), so it does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// Serves `router` on `listener` until `shutdown` resolves, then drains: no new
/// connections, in-flight requests finish, idle connections close. Returns when every
/// connection has closed. Dropping the returned future aborts the remaining connections
/// (they live in a `JoinSet` it owns), which is how the caller's grace period ends them.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (closing_tx, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        // A slot first, then accept: over the cap, new connections wait in the kernel's
        // listen backlog (and time out there on the client's side), costing orchd nothing.
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                // The semaphore is never closed; stop serving rather than spin if it were.
                Err(_) => break,
            },
        };
        let (stream, remote) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) if is_connection_error(&err) => continue,
                Err(err) => {
                    tracing::error!(error = %err, "accepting a connection failed; pausing");
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                    }
                }
            },
        };
        // Finished connections are collected here, so the set holds at most about
        // `max_connections` entries.
        while connections.try_join_next().is_some() {}
        connections.spawn(serve_connection(
            builder.clone(),
            router.clone(),
            stream,
            remote,
            permit,
            closing_rx.clone(),
        ));
    }
    drop(listener);
    let _ = closing_tx.send(true);
    while connections.join_next().await.is_some() {}
}

async fn serve_connection(
    builder: http1::Builder,
    router: Router,
    stream: TcpStream,
    remote: SocketAddr,
    _slot: OwnedSemaphorePermit,
    mut closing: watch::Receiver<bool>,
) {
    // Small responses (problem documents, SSE events) should not wait for Nagle.
    let _ = stream.set_nodelay(true);
    // What `into_make_service_with_connect_info` did: handlers and the request context read
    // the peer address from this extension.
    let service = router.map_request(move |mut req: axum::http::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(remote));
        req
    });
    let conn = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut conn = pin!(conn);
    let closing = async move {
        // Either value means stop: shutdown began, or the server loop is gone.
        let _ = closing.wait_for(|closing| *closing).await;
    };
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = closing => {
            // Finish the request in flight (if any), then close.
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(err) = result {
        // Timeouts and resets by clients are routine; they are not worth more than debug.
        tracing::debug!(peer = %remote, error = %err, "connection ended with an error");
    }
}

/// Accept errors that concern only the connection being accepted (it was reset before we
/// took it); the listener itself is fine.
fn is_connection_error(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

//! The test harness: fresh databases per test, the app spawned in-process on port 0,
//! a TCP proxy to simulate a dependency going away, and the `both_backends!` macro.

pub mod app;
pub mod db;
pub mod proxy;
pub mod sse;
pub mod tokens;
pub mod upstream;
pub mod webdriver;

pub use app::TestApp;
pub use db::{Kind, TestDb, test_audit_key};
pub use proxy::TcpProxy;

use std::net::ToSocketAddrs;
use std::time::Duration;

/// An HTTP client for tests. reqwest is built without a bundled TLS provider (orchd installs
/// ring's), so install it here too before building a client.
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client")
}

pub fn postgres_url() -> String {
    std::env::var("ORCH_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".to_owned())
}

pub fn redis_url() -> String {
    std::env::var("ORCH_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// `host:port` of a URL like `scheme://user@host:port/db`.
pub fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    hostport.to_owned()
}

/// Whether a server answers TCP at `url`. When it does not: panics under `CI`, else
/// prints why the test is skipped and returns false.
pub fn service_available(name: &str, url: &str) -> bool {
    let hp = host_port(url);
    let reachable = hp
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
        });
    if !reachable {
        if std::env::var_os("CI").is_some() {
            panic!("{name} is not reachable at {hp} and CI is set: start it (see .ci/run)");
        }
        eprintln!("SKIPPED: {name} is not reachable at {hp}; this test needs it (CI fails here)");
    }
    reachable
}

/// Polls `check` until it returns true or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Generates one `#[tokio::test]` per backend for each listed async fn taking a [`Kind`]:
/// `mod postgres { fn name }` and `mod sqlite { fn name }`, so test output names both.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Kind::Postgres).await;
                }
            )+
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Kind::Sqlite).await;
                }
            )+
        }
    };
}

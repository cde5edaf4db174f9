use std::time::Duration;

use serde_json::Value;

use super::{Orchd, orchd_command};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// Every line is one JSON object; every line emitted while serving the request — by the
/// middleware and by nested code — carries its request id and trace id.
#[tokio::test]
async fn json_log_lines_carry_request_id_and_trace_id() {
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = orchd_command(cwd.path());
    cmd.args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "debug");
    let mut orchd = Orchd::spawn(cmd);
    let addr = orchd.wait_listening(Duration::from_secs(20));
    let client = crate::helpers::http();
    for path in ["/readyz", "/v1/unknown"] {
        let res = client
            .get(format!("http://{addr}{path}"))
            .header("x-request-id", "abc123")
            .header("traceparent", format!("00-{TRACE_ID}-00f067aa0ba902b7-01"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["x-request-id"], "abc123");
    }
    orchd.sigterm();
    assert!(orchd.wait_exit(Duration::from_secs(15)).success());

    let lines = orchd.lines();
    let parsed: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(parsed.iter().all(Value::is_object));
    let in_request: Vec<&Value> = parsed.iter().filter(|v| v.get("span").is_some()).collect();
    for v in &in_request {
        assert_eq!(v["request_id"], "abc123", "{v}");
        assert_eq!(v["trace_id"], TRACE_ID, "{v}");
    }
    let targets: Vec<&str> = in_request
        .iter()
        .filter_map(|v| v["target"].as_str())
        .collect();
    assert!(
        targets.contains(&"orchd::readiness"),
        "nested code logged without the request's fields: {targets:?}"
    );
    assert!(targets.contains(&"orchd::http::context"), "{targets:?}");
    let completed = in_request
        .iter()
        .filter(|v| v["message"] == "request completed")
        .count();
    assert_eq!(completed, 2);
}

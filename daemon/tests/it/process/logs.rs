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

/// The reconciler logs `audit checkpoint count=… head=…` every `audit.checkpoint_interval`
/// (an anchor for an outside log store); start-up names the key's source and fingerprint,
/// and the key itself is never logged.
#[tokio::test]
async fn audit_checkpoints_are_logged_and_the_key_never_is() {
    let cwd = tempfile::tempdir().unwrap();
    let key = "audit-key-for-the-checkpoint-test-0123456789";
    std::fs::write(cwd.path().join("audit.key"), key).unwrap();
    std::fs::write(
        cwd.path().join("orchd.yaml"),
        format!(
            "audit:\n  hmac_key_ref: file:{}\n  checkpoint_interval: 1s\n",
            cwd.path().join("audit.key").display()
        ),
    )
    .unwrap();
    let mut cmd = orchd_command(cwd.path());
    cmd.args(["--config", "orchd.yaml", "serve", "--listen", "127.0.0.1:0"]);
    let mut orchd = Orchd::spawn(cmd);
    orchd.wait_listening(Duration::from_secs(20));
    let checkpoints = |lines: &[String]| -> Vec<Value> {
        lines
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["message"] == "audit checkpoint")
            .collect()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while checkpoints(&orchd.lines()).len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoints: {:?}",
            orchd.lines()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    orchd.sigterm();
    assert!(orchd.wait_exit(Duration::from_secs(15)).success());

    let lines = orchd.lines();
    let found = checkpoints(&lines);
    let last = found.last().unwrap();
    // The bootstrap admin's creation is the first row.
    assert_eq!(last["count"], 1, "{last}");
    assert!(
        last["head"].as_str().unwrap().starts_with("hmac1:"),
        "{last}"
    );
    assert_eq!(last["mac"].as_str().unwrap().len(), 64, "{last}");
    let announced = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["message"] == "audit log sealed with HMAC-SHA256")
        .expect("the key source is announced");
    assert_eq!(announced["source"], "audit.hmac_key_ref");
    assert_eq!(announced["key_id"], last["key_id"]);
    assert!(
        lines.iter().all(|l| !l.contains(key)),
        "the audit key was logged"
    );
}

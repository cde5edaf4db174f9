//! `GET /metrics`: Prometheus text with the names of API.md, histograms with buckets, queue
//! gauges from start-up, connector outcomes and timeouts by kind.

use std::collections::HashSet;

use serde_json::json;

use crate::helpers::upstream::Upstream;
use crate::helpers::{Kind, TestApp};

/// Checks the exposition format: every sample belongs to a metric with `# HELP` and `# TYPE`.
fn assert_well_formed(text: &str) {
    let mut typed = HashSet::new();
    let mut helped = HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            typed.insert(rest.split(' ').next().unwrap().to_owned());
        } else if let Some(rest) = line.strip_prefix("# HELP ") {
            helped.insert(rest.split(' ').next().unwrap().to_owned());
        } else if !line.is_empty() {
            let name = line.split(['{', ' ']).next().unwrap();
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .filter(|b| typed.contains(*b))
                .unwrap_or(name);
            assert!(typed.contains(base), "sample without # TYPE: {line}");
            assert!(helped.contains(base), "metric without # HELP: {line}");
            let value = line.rsplit(' ').next().unwrap();
            assert!(
                value.parse::<f64>().is_ok() || value == "+Inf",
                "bad value: {line}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_have_the_documented_names() {
    let up = Upstream::start().await;
    let Some(app) = TestApp::spawn(Kind::Sqlite).await else {
        return;
    };
    let doc = format!(
        "tenant: acme\npolicies:\n  p:\n    timeouts: {{ connect_ms: 300, read_ms: 300, total_ms: 2000 }}\n    retry: {{ max_attempts: 1 }}\nconnectors:\n  api:\n    base_url: {}\n    policy: p\n    operations:\n      ok: {{ method: GET, path: /echo/ok }}\n      hang: {{ method: GET, path: /hang }}\n",
        up.base_url()
    );
    app.activate_config("acme", &doc).await;
    let token = app.tenant_token("acme", &["execute"]).await;
    for op in ["ok", "hang"] {
        app.client
            .post(app.url("/v1/execute"))
            .bearer_auth(&token)
            .json(&json!({"connector": "api", "operation": op}))
            .send()
            .await
            .unwrap();
    }
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    assert_well_formed(&text);
    for needle in [
        "# TYPE orch_http_requests_total counter",
        "# TYPE orch_http_request_duration_seconds histogram",
        r#"orch_http_requests_total{route="/v1/execute",method="POST",status="200"}"#,
        "orch_http_request_duration_seconds_bucket{",
        r#"orch_connector_calls_total{tenant="acme",connector="api",outcome="success"} 1"#,
        r#"orch_connector_calls_total{tenant="acme",connector="api",outcome="timeout"} 1"#,
        r#"orch_connector_timeouts_total{tenant="acme",connector="api",kind="read"} 1"#,
        "orch_connector_call_duration_seconds_bucket{",
        r#"orch_queue_depth{queue="webhook"} 0"#,
        r#"orch_queue_depth{queue="low"} 0"#,
        r#"orch_dlq_depth{queue="critical"} 0"#,
        r#"orch_queue_oldest_age_seconds{queue="default"} 0"#,
    ] {
        assert!(text.contains(needle), "missing {needle} in:\n{text}");
    }
    // Route templates only: no raw ids in labels.
    assert!(!text.contains("/v1/admin/tenants/acme"), "{text}");
    app.stop().await;
}

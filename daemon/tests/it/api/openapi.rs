//! `GET /openapi.json`: served as generated, committed as `schemas/openapi.json` (drift:
//! `ORCH_BLESS=1 cargo nextest run -p orchd -E 'test(/openapi/)'` rewrites it), and every
//! operation it describes is really mounted (the unit tests in `http::openapi` check the
//! other direction against the route tables the router is built from).

use std::path::Path;

use orchd::http::openapi::{DOCUMENT_PATH, document_json};
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

const BLESS_COMMAND: &str = "ORCH_BLESS=1 cargo nextest run -p orchd -E 'test(/openapi/)'";

#[test]
fn committed_openapi_document_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(DOCUMENT_PATH);
    let fresh = document_json().unwrap();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed == fresh {
        return;
    }
    if std::env::var_os("ORCH_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, fresh).unwrap();
        eprintln!("blessed {DOCUMENT_PATH}");
        return;
    }
    panic!(
        "{DOCUMENT_PATH} differs from what the code generates: review, then run\n  {BLESS_COMMAND}"
    );
}

/// Every (method, path) of the document, path templates filled with `x`.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            out.push((method.to_uppercase(), concrete.clone()));
        }
    }
    out
}

async fn openapi_is_served_and_describes_only_mounted_routes(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let text = res.text().await.unwrap();
    assert_eq!(text, document_json().unwrap(), "served = generated");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let ops = operations(&doc);
    assert!(ops.len() > 50, "{}", ops.len());
    for (method, path) in ops {
        // Streams would stay open: the first bytes are enough to know the route exists.
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let res = app
            .client
            .request(method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if ct.starts_with("text/event-stream") {
            continue;
        }
        let body = res.text().await.unwrap_or_default();
        assert_ne!(status, 405, "{method} {path} is not mounted: {body}");
        assert!(
            !(status == 404 && body.contains("no route for")),
            "{method} {path} is not mounted: {body}"
        );
    }
    app.stop().await;
}

both_backends!(openapi_is_served_and_describes_only_mounted_routes);

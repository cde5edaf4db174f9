use orch_core::problem::Problem;

use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn problem(res: reqwest::Response) -> Problem {
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "errors are problem+json"
    );
    res.json().await.unwrap()
}

async fn unknown_route_is_a_404_problem(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app
        .client
        .get(app.url("/v1/nothing/here"))
        .header("x-request-id", "req-404")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let p = problem(res).await;
    assert_eq!(p.code, "not_found");
    assert_eq!(p.status, 404);
    assert_eq!(p.type_uri, "https://orch.dev/errors/not_found");
    assert_eq!(p.request_id.as_deref(), Some("req-404"));
    assert_eq!(p.trace_id.as_ref().map(String::len), Some(32));
    app.stop().await;
}

async fn wrong_method_is_a_405_problem(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let res = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(problem(res).await.code, "method_not_allowed");
    app.stop().await;
}

async fn oversized_body_is_a_413_problem(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let body = vec![b'x'; 1024 * 1024 + 1];
    let res = app
        .client
        .post(app.url("/v1/anything"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let p = problem(res).await;
    assert_eq!(p.code, "payload_too_large");
    assert_eq!(p.extensions["limit_bytes"], 1024 * 1024);
    app.stop().await;
}

async fn body_limit_follows_settings(kind: Kind) {
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.api.max_body_bytes = orch_core::units::ByteSize(16);
    })
    .await
    else {
        return;
    };
    let res = app
        .client
        .post(app.url("/v1/anything"))
        .body("x".repeat(17))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let res = app
        .client
        .post(app.url("/v1/anything"))
        .body("x".repeat(16))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "a body within the limit reaches routing");
    app.stop().await;
}

both_backends!(
    unknown_route_is_a_404_problem,
    wrong_method_is_a_405_problem,
    oversized_body_is_a_413_problem,
    body_limit_follows_settings,
);

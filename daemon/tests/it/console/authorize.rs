//! The building blocks later pages use, through a page mounted the way `console::router`
//! mounts its own: a button shown only when the role `can`, a POST through `ConsolePost`
//! that the server still refuses (403 page, denial audited `via: console`) when the role
//! lacks the admin route's permission, and the audit draft an allowed POST hands its service.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use maud::{Markup, html};
use orch_core::audit::AuditResult;
use orch_core::rbac::Permission;
use orchd::console::csrf::ConsolePost;
use orchd::console::error::ConsoleError;
use orchd::console::forms::post_form;
use orchd::console::layout::Nav;
use orchd::console::session::ConsoleOperator;
use orchd::http::AppState;
use serde::Deserialize;
use tower::ServiceExt as _;

use super::support::{Browser, SESSION_COOKIE, csrf_token};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn page(operator: ConsoleOperator) -> Markup {
    operator.page(
        Nav::Dlq,
        "Test",
        html! {
            @if operator.can(Permission::DlqReplay) {
                (post_form("/console/test", &operator.csrf_token(), "", html! {
                    input name="reason";
                    button #replay type="submit" { "Replay" }
                }))
            }
        },
    )
}

#[derive(Deserialize)]
struct Reason {
    reason: String,
}

async fn replay(
    State(state): State<AppState>,
    ConsolePost { operator, form }: ConsolePost<Reason>,
) -> Result<String, ConsoleError> {
    let authorized = operator.authorize(&state, "dlq.replay").await?;
    let draft = authorized.audit(&form.reason);
    Ok(serde_json::json!({
        "action": draft.action,
        "permission": draft.required_permission,
        "via": draft.via_channel(),
        "operator": draft.operator_name,
        "reason": draft.reason,
    })
    .to_string())
}

async fn send(app: &TestApp, req: Request<Body>) -> (StatusCode, String) {
    let pages = Router::new().route("/console/test", get(page).post(replay));
    let router = orchd::http::router(app.state.clone(), pages);
    let res = router.oneshot(req).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get_req(session: &str) -> Request<Body> {
    Request::get("/console/test")
        .header("cookie", format!("{SESSION_COOKIE}={session}"))
        .body(Body::empty())
        .unwrap()
}

fn post_req(app: &TestApp, session: &str, body: String) -> Request<Body> {
    Request::post("/console/test")
        .header("cookie", format!("{SESSION_COOKIE}={session}"))
        .header("origin", app.state.console_origin.to_string())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

async fn buttons_follow_the_role_and_the_server_enforces_it(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let readonly_key = app.create_operator("rita", "readonly").await;
    let mut readonly = Browser::new(&app);
    readonly.sign_in(&readonly_key).await;
    let mut admin = Browser::new(&app);
    admin.sign_in(&app.admin_key()).await;
    let readonly_session = readonly.session.clone().unwrap();
    let admin_session = admin.session.clone().unwrap();

    let (status, html) = send(&app, get_req(&readonly_session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("id=\"replay\""),
        "readonly sees no replay button"
    );
    let (_, admin_html) = send(&app, get_req(&admin_session)).await;
    assert!(admin_html.contains("id=\"replay\""), "{admin_html}");

    // The readonly operator posts anyway (a valid token from its own page): 403 page, audited.
    let token = csrf_token(&html);
    let (status, page) = send(
        &app,
        post_req(
            &app,
            &readonly_session,
            format!("_csrf={token}&reason=because"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("dlq.replay"), "{page}");
    let denied: Vec<_> = app
        .store
        .audit_chain(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "dlq.replay")
        .collect();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].result, AuditResult::Denied);
    assert_eq!(denied[0].operator_name, "rita");
    assert_eq!(denied[0].required_permission.as_deref(), Some("dlq.replay"));
    assert_eq!(denied[0].diff_json.as_ref().unwrap()["via"], "console");

    // The admin's POST gets the draft its service would write: the API's action, marked.
    let token = csrf_token(&admin_html);
    let (status, body) = send(
        &app,
        post_req(
            &app,
            &admin_session,
            format!("_csrf={token}&reason=ticket+42"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let draft: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        draft,
        serde_json::json!({
            "action": "dlq.replay",
            "permission": "dlq.replay",
            "via": "console",
            "operator": "admin",
            "reason": "ticket 42",
        })
    );
    app.stop().await;
}

both_backends!(buttons_follow_the_role_and_the_server_enforces_it);

//! Console sessions: the cookie, sign-in refusals and their budget, expiry, operators
//! disabled or keys rotated mid-session, sign-out, and that the cookie is worth nothing to
//! the JSON API.

use std::time::Duration;

use orch_core::audit::{AuditRecord, AuditResult};
use orch_core::units::HumanDuration;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::json;

use super::support::{Browser, SESSION_COOKIE, set_cookie};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn audit_rows(app: &TestApp, action: &str) -> Vec<AuditRecord> {
    app.store
        .audit_chain(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == action)
        .collect()
}

async fn admin_post(app: &TestApp, path: &str) -> reqwest::Response {
    let admin = app.admin_token().await;
    app.client
        .post(app.url(path))
        .bearer_auth(&admin)
        .json(&json!({"reason": "test"}))
        .send()
        .await
        .unwrap()
}

async fn operator_id(app: &TestApp, name: &str) -> String {
    let admin = app.admin_token().await;
    let list: serde_json::Value = app
        .client
        .get(app.url("/v1/admin/operators"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn sign_in_sets_a_host_cookie_and_is_audited(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut browser = Browser::new(&app);
    let res = browser.try_sign_in(&app.admin_key()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/console/events");
    let cookie = set_cookie(&res, SESSION_COOKIE).unwrap();
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    for wanted in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(attributes.contains(&wanted), "{cookie}");
    }
    assert!(!cookie.to_ascii_lowercase().contains("domain"), "{cookie}");
    let id = browser.session.clone().unwrap();
    assert_eq!(id.len(), 64, "256 random bits as hex");
    // The sign-in form's own cookie is cleared.
    assert!(
        set_cookie(&res, "__Host-orch_login")
            .unwrap()
            .contains("Max-Age=0")
    );

    let page = browser.page("/console/events").await;
    assert!(
        page.contains("admin") && page.contains(">admin<"),
        "name and role shown"
    );
    let rows = audit_rows(&app, "console.login").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].result, AuditResult::Ok);
    assert_eq!(rows[0].operator_name, "admin");
    assert_eq!(rows[0].target_type.as_deref(), Some("operator_api_key"));
    assert_eq!(rows[0].diff_json.as_ref().unwrap()["via"], "console");
    // The session id is nowhere in the database: only its hash.
    let dump = format!("{:?}", app.store.audit_chain(0, 10_000).await.unwrap());
    assert!(!dump.contains(&id));
    assert!(app.store.find_console_session(&id).await.unwrap().is_none());
    app.stop().await;
}

async fn bad_keys_are_refused_audited_and_throttled(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut browser = Browser::new(&app);
    let wrong = "orch_op_0123456789ab_0123456789abcdef0123456789abcdef01234567";
    let res = browser.try_sign_in(wrong).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&res, SESSION_COOKIE).is_none());
    let page = res.text().await.unwrap();
    assert!(page.contains("unknown, revoked"), "{page}");
    assert!(!page.contains(wrong), "the key is not echoed");
    let rows = audit_rows(&app, "console.login").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].result, AuditResult::Denied);
    let diff = rows[0].diff_json.as_ref().unwrap();
    assert_eq!(diff["after"]["key_lookup_id"], "0123456789ab");
    assert!(
        !diff.to_string().contains(wrong),
        "only the key id is recorded"
    );

    // The budget is the token endpoint's: 50 failures a minute per address, then 429
    // before any check — a right key included.
    for _ in 1..50 {
        assert_eq!(browser.try_sign_in("not-a-key").await.status(), 401);
    }
    let throttled = browser.try_sign_in(&app.admin_key()).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.headers().contains_key("retry-after"));
    assert!(browser.session.is_none());
    assert_eq!(
        audit_rows(&app, "console.login").await.len(),
        50,
        "throttled attempts write nothing"
    );
    app.stop().await;
}

async fn sessions_end_when_idle(kind: Kind) {
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.console.session_idle_timeout = HumanDuration(Duration::from_secs(2));
    })
    .await
    else {
        return;
    };
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    assert!(browser.signed_in().await);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let res = browser.get("/console/events?kind=job.dead").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[LOCATION],
        "/console/login?next=%2Fconsole%2Fevents%3Fkind%3Djob.dead",
        "back to the same page after signing in"
    );
    app.stop().await;
}

async fn sessions_end_at_their_max_age_however_active(kind: Kind) {
    let Some(app) = TestApp::spawn_with(kind, |s, _| {
        s.console.session_idle_timeout = HumanDuration(Duration::from_secs(2));
        s.console.session_max_age = HumanDuration(Duration::from_secs(3));
    })
    .await
    else {
        return;
    };
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(browser.signed_in().await, "active within both limits");
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(!browser.signed_in().await, "past the absolute limit");
    app.stop().await;
}

async fn disabling_the_operator_ends_its_session(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.create_operator("carol", "support").await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&key).await;
    assert!(browser.signed_in().await);
    let id = operator_id(&app, "carol").await;
    let res = admin_post(&app, &format!("/v1/admin/operators/{id}/disable")).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(!browser.signed_in().await, "at once, on the next request");
    app.stop().await;
}

async fn rotating_the_key_ends_its_session(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.create_operator("dave", "support").await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&key).await;
    let id = operator_id(&app, "dave").await;
    let res = admin_post(&app, &format!("/v1/admin/operators/{id}/keys")).await;
    assert_eq!(res.status(), 201);
    let new_key = res.json::<serde_json::Value>().await.unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!browser.signed_in().await, "the old key's session is over");
    // The new key signs in again.
    let mut again = Browser::new(&app);
    again.sign_in(&new_key).await;
    assert!(again.signed_in().await);
    app.stop().await;
}

async fn sign_out_revokes_the_session(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    let token = browser.token().await;
    let res = browser
        .post("/console/logout", &[("_csrf", &token)], &[], None)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/console/login");
    assert!(
        set_cookie(&res, SESSION_COOKIE)
            .unwrap()
            .contains("Max-Age=0")
    );
    // The old cookie, replayed, is refused: the row is revoked, not just the cookie cleared.
    assert!(!browser.signed_in().await);
    let rows = audit_rows(&app, "console.logout").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].operator_name, "admin");
    assert_eq!(rows[0].diff_json.as_ref().unwrap()["via"], "console");
    app.stop().await;
}

async fn the_cookie_alone_never_authenticates_the_api(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session.clone().unwrap());
    for path in [
        "/v1/admin/whoami",
        "/v1/admin/operators",
        "/v1/admin/events",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header(COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let res = app
        .client
        .post(app.url("/v1/admin/operators"))
        .header(COOKIE, &cookie)
        .header("origin", app.state.console_origin.to_string())
        .json(&json!({"name": "eve", "role": "admin", "reason": "cookie"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let stream = app
        .client
        .get(app.url("/v1/admin/events/stream"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

async fn pages_without_a_session_go_to_sign_in(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let browser = Browser::new(&app);
    let res = browser.get("/console").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/console/events");
    let res = browser.get("/console/events").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[LOCATION],
        "/console/login?next=%2Fconsole%2Fevents"
    );
    // A forged or unknown cookie is no session either.
    let mut forged = Browser::new(&app);
    forged.session = Some("0".repeat(64));
    assert!(!forged.signed_in().await);
    forged.session = Some("not-even-hex".into());
    assert!(!forged.signed_in().await);
    // With a session, the sign-in page moves straight on (to a console `next` only).
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    let res = browser
        .get("/console/login?next=/console/events?kind=job.dead")
        .await;
    assert_eq!(res.headers()[LOCATION], "/console/events?kind=job.dead");
    let res = browser
        .get("/console/login?next=https://evil.example/")
        .await;
    assert_eq!(res.headers()[LOCATION], "/console/events");
    app.stop().await;
}

both_backends!(
    sign_in_sets_a_host_cookie_and_is_audited,
    bad_keys_are_refused_audited_and_throttled,
    sessions_end_when_idle,
    sessions_end_at_their_max_age_however_active,
    disabling_the_operator_ends_its_session,
    rotating_the_key_ends_its_session,
    sign_out_revokes_the_session,
    the_cookie_alone_never_authenticates_the_api,
    pages_without_a_session_go_to_sign_in,
);

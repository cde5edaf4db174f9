//! Cross-site POSTs are refused before anything changes: a wrong `Origin`, a cross-site
//! `Sec-Fetch-Site`, a missing or wrong token — on sign-out (with a session) and on sign-in
//! (without one).

use reqwest::StatusCode;

use super::support::{Browser, LOGIN_COOKIE, SESSION_COOKIE, cookie_value, csrf_token, set_cookie};
use crate::both_backends;
use crate::helpers::{Kind, TestApp};

async fn logouts(app: &TestApp) -> usize {
    app.store
        .audit_chain(0, 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == "console.logout")
        .count()
}

async fn cross_site_posts_change_nothing(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.admin_key()).await;
    let token = browser.token().await;
    let mut other = Browser::new(&app);
    other.sign_in(&app.admin_key()).await;
    let others_token = other.token().await;
    assert_ne!(token, others_token, "tokens are per session");

    let mut evil = Browser::new(&app);
    evil.session = browser.session.clone();
    evil.origin = "https://evil.example".into();
    let cases: Vec<(&str, reqwest::Response)> = vec![
        (
            "wrong Origin",
            evil.post("/console/logout", &[("_csrf", &token)], &[], None)
                .await,
        ),
        (
            "Sec-Fetch-Site: cross-site",
            browser
                .post(
                    "/console/logout",
                    &[("_csrf", &token)],
                    &[("sec-fetch-site", "cross-site")],
                    None,
                )
                .await,
        ),
        (
            "Sec-Fetch-Site: same-site",
            browser
                .post(
                    "/console/logout",
                    &[("_csrf", &token)],
                    &[("sec-fetch-site", "same-site")],
                    None,
                )
                .await,
        ),
        (
            "missing token",
            browser.post("/console/logout", &[], &[], None).await,
        ),
        (
            "another session's token",
            browser
                .post("/console/logout", &[("_csrf", &others_token)], &[], None)
                .await,
        ),
        (
            "garbage token",
            browser
                .post("/console/logout", &[("_csrf", "00ff")], &[], None)
                .await,
        ),
    ];
    for (case, res) in cases {
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{case}");
        assert!(set_cookie(&res, SESSION_COOKIE).is_none(), "{case}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("did not come from the console"),
            "{case}: {page}"
        );
    }
    assert!(browser.signed_in().await, "still signed in");
    assert_eq!(logouts(&app).await, 0, "nothing was audited as done");

    // The same POST from the console itself works, with Fetch Metadata or Origin alone.
    let res = browser
        .post(
            "/console/logout",
            &[("_csrf", &token)],
            &[("sec-fetch-site", "same-origin")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!browser.signed_in().await);
    assert_eq!(logouts(&app).await, 1);
    app.stop().await;
}

async fn forged_sign_ins_are_refused(kind: Kind) {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let key = app.admin_key();
    let browser = Browser::new(&app);
    let form = browser.get("/console/login").await;
    let seed = cookie_value(&set_cookie(&form, LOGIN_COOKIE).unwrap());
    let token = csrf_token(&form.text().await.unwrap());
    let mut evil = Browser::new(&app);
    evil.origin = "https://evil.example".into();
    let other_seed = "ab".repeat(32);
    let cases = [
        (
            "wrong Origin",
            evil.post(
                "/console/login",
                &[("_csrf", &token), ("api_key", &key)],
                &[],
                Some((LOGIN_COOKIE, &seed)),
            )
            .await,
        ),
        (
            "no form cookie",
            browser
                .post(
                    "/console/login",
                    &[("_csrf", &token), ("api_key", &key)],
                    &[],
                    None,
                )
                .await,
        ),
        (
            "another form's cookie",
            browser
                .post(
                    "/console/login",
                    &[("_csrf", &token), ("api_key", &key)],
                    &[],
                    Some((LOGIN_COOKIE, &other_seed)),
                )
                .await,
        ),
        (
            "no token",
            browser
                .post(
                    "/console/login",
                    &[("api_key", &key)],
                    &[],
                    Some((LOGIN_COOKIE, &seed)),
                )
                .await,
        ),
    ];
    for (case, res) in cases {
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{case}");
        assert!(set_cookie(&res, SESSION_COOKIE).is_none(), "{case}");
    }
    let logins = app
        .store
        .audit_chain(0, 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == "console.login")
        .count();
    assert_eq!(logins, 0, "no sign-in was attempted");
    app.stop().await;
}

both_backends!(cross_site_posts_change_nothing, forged_sign_ins_are_refused);

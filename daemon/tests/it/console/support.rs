//! A browser, as far as the console's security needs one: it keeps the session cookie,
//! sends `Origin` like a browser posting a form, and never follows redirects (tests look
//! at them). Page tests of later console pages build on it.

use std::time::Duration;

use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};

use crate::helpers::TestApp;
use crate::helpers::sse::{SseStream, streaming_client};

pub const SESSION_COOKIE: &str = "__Host-orch_session";
pub const LOGIN_COOKIE: &str = "__Host-orch_login";

/// A client that shows redirects instead of following them.
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(Policy::none())
        .build()
        .expect("http client")
}

/// The `Set-Cookie` header of `res` for cookie `name`, whole (with its attributes).
pub fn set_cookie(res: &Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The value a `Set-Cookie` header sets.
pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}

/// The CSRF token in a page's first form (`name="_csrf" value="…"`).
pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no _csrf field in {html}"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// One browser profile against one app.
/// The text of the page's error notice (`p.notice.error`), if it has one.
pub fn error_notice(html: &str) -> Option<String> {
    let start = html.find("<p class=\"notice error\"")?;
    let rest = &html[start..];
    let text = &rest[rest.find('>')? + 1..rest.find("</p>")?];
    Some(text.to_owned())
}

/// The `href` of the page's "Older" link, unescaped.
pub fn older(html: &str) -> Option<String> {
    let start = html.find("id=\"older\"")?;
    let rest = &html[start..];
    let href = rest.split("href=\"").nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

/// `text` as maud escapes it into a page.
pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Where `needle` is in `html`; fails the test when it is not there (so an order check
/// cannot pass on a missing row).
pub fn position(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on the page: {html}"))
}

pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
    /// The session id, once signed in.
    pub session: Option<String>,
    /// The origin the browser's pages are at (the console's own, unless a test says otherwise).
    pub origin: String,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: client(),
            session: None,
            origin: app.state.console_origin.to_string(),
        }
    }

    fn cookie_header(&self, extra: Option<(&str, &str)>) -> Option<String> {
        let mut pairs: Vec<String> = Vec::new();
        if let Some(s) = &self.session {
            pairs.push(format!("{SESSION_COOKIE}={s}"));
        }
        if let Some((k, v)) = extra {
            pairs.push(format!("{k}={v}"));
        }
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    pub async fn get(&self, path: &str) -> Response {
        let mut req = self.client.get(self.app.url(path));
        if let Some(c) = self.cookie_header(None) {
            req = req.header(COOKIE, c);
        }
        req.send().await.expect("request reaches orchd")
    }

    /// GET that must answer 200 with HTML; returns the body.
    pub async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.text().await.unwrap()
    }

    /// A form POST as a browser sends it: `Origin` and the session cookie, `fields` urlencoded,
    /// plus `headers` (e.g. `Sec-Fetch-Site`) and an extra cookie.
    pub async fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
        extra_cookie: Option<(&str, &str)>,
    ) -> Response {
        let mut req = self
            .client
            .post(self.app.url(path))
            .header(ORIGIN, &self.origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(fields)
                    .finish(),
            );
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(c) = self.cookie_header(extra_cookie) {
            req = req.header(COOKIE, c);
        }
        req.send().await.expect("request reaches orchd")
    }

    /// Signs in with `api_key` through the form; returns the sign-in response (303 on
    /// success, which also keeps the session).
    pub async fn try_sign_in(&mut self, api_key: &str) -> Response {
        let form = self.get("/console/login").await;
        assert_eq!(form.status(), StatusCode::OK, "sign-in form");
        let seed = cookie_value(&set_cookie(&form, LOGIN_COOKIE).expect("sign-in cookie"));
        let token = csrf_token(&form.text().await.unwrap());
        let res = self
            .post(
                "/console/login",
                &[("_csrf", &token), ("api_key", api_key)],
                &[],
                Some((LOGIN_COOKIE, &seed)),
            )
            .await;
        if let Some(session) = set_cookie(&res, SESSION_COOKIE) {
            self.session = Some(cookie_value(&session)).filter(|v| !v.is_empty());
        }
        res
    }

    /// Signs in; panics unless it succeeds.
    pub async fn sign_in(&mut self, api_key: &str) {
        let res = self.try_sign_in(api_key).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in");
        assert!(self.session.is_some(), "no session cookie");
    }

    /// The CSRF token of a signed-in page (every page has the sign-out form).
    pub async fn token(&self) -> String {
        csrf_token(&self.page("/console/events").await)
    }

    /// Whether the session is still good: the events page answers 200 (not a redirect).
    pub async fn signed_in(&self) -> bool {
        self.get("/console/events").await.status() == StatusCode::OK
    }

    /// Opens the live tail by cookie.
    pub async fn stream(&self, query: &str) -> Result<SseStream, Response> {
        let mut req =
            streaming_client().get(self.app.url(&format!("/console/events/stream{query}")));
        if let Some(c) = self.cookie_header(None) {
            req = req.header(COOKIE, c);
        }
        SseStream::send(req).await
    }
}

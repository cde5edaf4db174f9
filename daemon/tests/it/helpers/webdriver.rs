//! A real browser for console tests: Debian's `chromium`, headless, driven over the W3C
//! WebDriver protocol through `chromedriver` — a handful of JSON calls over reqwest, so the
//! tests need no WebDriver crate. Each [`Chrome`] is its own `chromedriver` process and a
//! fresh profile; both go when it is dropped.
//!
//! Every page load and click can be checked for what the console must never do: a script
//! exception or a Content-Security-Policy violation ([`Chrome::assert_clean`], read from the
//! browser's log, which chromedriver collects with `goog:loggingPrefs`).
//!
//! Without `chromium`/`chromedriver` a test fails under `CI` (`.ci/run` installs both with
//! apt) and is skipped loudly elsewhere.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The key WebDriver names element references by.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebDriver's code for the Shift key.
const SHIFT: &str = "\u{E008}";

/// How long a `wait_*` waits by default.
pub const WAIT: Duration = Duration::from_secs(10);

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Element {
    fn reference(&self) -> Value {
        json!({ ELEMENT: self.0 })
    }
}

pub struct Chrome {
    http: reqwest::Client,
    /// `http://127.0.0.1:<port>/session/<id>`.
    session: String,
    driver: Child,
    _profile: tempfile::TempDir,
    /// Where [`Chrome::screenshot`] saves pictures.
    pub screenshots: PathBuf,
}

/// Whether the browser is installed; when not: panics under `CI`, else says the test is
/// skipped.
pub fn available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{CHROMIUM} or {CHROMEDRIVER} is missing and CI is set: \
                 apt-get install chromium chromium-driver (.ci/run does)"
            );
        }
        eprintln!("SKIPPED: {CHROMIUM} or {CHROMEDRIVER} is missing; this test needs them");
    }
    present
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Chrome {
    /// A new headless browser saving screenshots under `screenshots`; `None` when it is
    /// not installed (outside CI).
    pub async fn start(screenshots: &Path) -> Option<Self> {
        if !available() {
            return None;
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir");
        // The flags keep a sandboxed, offline machine quiet: no background fetches, no
        // first-run, no sync; --no-sandbox because tests may run as root.
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
            "unhandledPromptBehavior": "dismiss",
        }}});
        let answer: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("a JSON answer");
        let id = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {answer}"))
            .to_owned();
        std::fs::create_dir_all(screenshots).expect("screenshot dir");
        Some(Self {
            http,
            session: format!("{base}/session/{id}"),
            driver,
            _profile: profile,
            screenshots: screenshots.to_owned(),
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("chromedriver answers");
        let status = res.status();
        let answer: Value = res.json().await.expect("a JSON answer");
        assert!(status.is_success(), "WebDriver {path}: {status} {answer}");
        answer["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn current_url(&self) -> String {
        self.get("/url")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The elements matching a CSS selector now (maybe none).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await;
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT].as_str())
            .map(|id| Element(id.to_owned()))
            .collect()
    }

    /// The first element matching `css`, waiting for it up to [`WAIT`].
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for(css, WAIT).await
    }

    pub async fn wait_for(&self, css: &str, within: Duration) -> Element {
        let deadline = Instant::now() + within;
        loop {
            if let Some(first) = self.find_all(css).await.into_iter().next() {
                return first;
            }
            assert!(
                Instant::now() < deadline,
                "no {css:?} within {within:?} on {}",
                self.current_url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether any element matches `css` now.
    pub async fn exists(&self, css: &str) -> bool {
        !self.find_all(css).await.is_empty()
    }

    /// Waits until `script` (a function body returning a boolean) returns true.
    pub async fn wait_until(&self, what: &str, script: &str, within: Duration) -> Duration {
        let start = Instant::now();
        loop {
            if self.execute(script, json!([])).await == json!(true) {
                return start.elapsed();
            }
            assert!(start.elapsed() < within, "not within {within:?}: {what}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub async fn text(&self, element: &Element) -> String {
        self.get(&format!("/element/{}/text", element.0))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The text of the first element matching `css` (waiting for it).
    pub async fn text_of(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.text(&element).await
    }

    pub async fn is_selected(&self, element: &Element) -> bool {
        self.get(&format!("/element/{}/selected", element.0)).await == json!(true)
    }

    pub async fn click(&self, element: &Element) {
        self.post(&format!("/element/{}/click", element.0), json!({}))
            .await;
    }

    /// Clicks the first element matching `css` (waiting for it).
    pub async fn click_on(&self, css: &str) {
        let element = self.find(css).await;
        self.click(&element).await;
    }

    /// A click with Shift held, as a person extends a selection.
    pub async fn shift_click(&self, element: &Element) {
        let actions = json!({"actions": [
            {"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": SHIFT},
                {"type": "pause", "duration": 0},
                {"type": "pause", "duration": 0},
                {"type": "pause", "duration": 0},
                {"type": "keyUp", "value": SHIFT},
            ]},
            {"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pause", "duration": 0},
                {"type": "pointerMove", "duration": 0, "origin": element.reference(), "x": 0, "y": 0},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0},
                {"type": "pause", "duration": 0},
            ]},
        ]});
        self.post("/actions", actions).await;
        self.call(reqwest::Method::DELETE, "/actions", None).await;
    }

    /// Types `text` into an input (after clearing it).
    pub async fn type_into(&self, element: &Element, text: &str) {
        self.post(&format!("/element/{}/clear", element.0), json!({}))
            .await;
        self.post(
            &format!("/element/{}/value", element.0),
            json!({ "text": text }),
        )
        .await;
    }

    /// Types into the first element matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.type_into(&element, text).await;
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page and returns its
    /// value. WebDriver runs it outside the page's CSP, as a test tool, not as page script.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
            .await
    }

    /// Saves a PNG of the viewport as `<name>.png` under [`Chrome::screenshots`].
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.get("/screenshot").await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, bytes).expect("screenshot written");
        path
    }

    /// What the browser logged as an error since the last call: script exceptions, CSP
    /// violations (`source: security`), failed loads. The favicon the browser asks for on
    /// its own is not the console's.
    pub async fn problems(&self) -> Vec<String> {
        let log = self.post("/se/log", json!({"type": "browser"})).await;
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| {
                format!(
                    "[{}] {}",
                    entry["source"].as_str().unwrap_or("?"),
                    entry["message"].as_str().unwrap_or("?")
                )
            })
            .filter(|m| !m.contains("/favicon.ico"))
            .collect()
    }

    /// Fails the test on any script exception, CSP violation or failed load so far.
    pub async fn assert_clean(&self, what: &str) {
        let problems = self.problems().await;
        assert!(
            problems.is_empty(),
            "the browser logged errors on {what}:\n{}",
            problems.join("\n")
        );
    }

    /// Ends the browser session (also done, less politely, on drop).
    pub async fn quit(mut self) {
        let _ = self.http.delete(&self.session).send().await;
        let _ = self.driver.kill().await;
    }
}

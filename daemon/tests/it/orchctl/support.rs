//! Running `orchctl` commands in-process against a `TestApp`.

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use orchctl::{Env, Exit, Io};
use serde_json::Value;

use crate::helpers::TestApp;

/// What one command did.
#[derive(Debug)]
pub struct Output {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics unless the command succeeded.
    #[track_caller]
    pub fn ok(self) -> Output {
        assert_eq!(self.exit, Exit::Ok, "{self:#?}");
        self
    }

    /// Panics unless the command ended with `exit`.
    #[track_caller]
    pub fn exits(self, exit: Exit) -> Output {
        assert_eq!(self.exit, exit, "{self:#?}");
        self
    }

    /// stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// Everything the command printed.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// One operator's orchctl: its own contexts file (in the test's temp dir) and environment.
pub struct Orchctl {
    pub config: PathBuf,
    pub server: String,
    pub env: Env,
}

impl Orchctl {
    /// An orchctl whose contexts file is `<temp dir>/<name>/config.yaml` (not created yet).
    pub fn new(app: &TestApp, name: &str) -> Orchctl {
        Orchctl {
            config: app.db.dir.path().join(name).join("config.yaml"),
            server: app.url(""),
            env: Env::default(),
        }
    }

    /// Runs `orchctl --config FILE ARGS…` with nothing on stdin.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "").await
    }

    /// Runs `orchctl --config FILE ARGS…` with `stdin` as its standard input.
    pub async fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let config = self.config.to_str().unwrap();
        let argv = ["orchctl", "--config", config]
            .into_iter()
            .chain(args.iter().copied());
        let cli = match orchctl::parse(argv) {
            Ok(cli) => cli,
            Err(err) => {
                return Output {
                    exit: Exit::of_clap_error(&err),
                    stdout: String::new(),
                    stderr: err.render().to_string(),
                };
            }
        };
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let mut input = stdin.as_bytes();
        let mut io = Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdin: &mut input,
            is_terminal: false,
            stdout_is_terminal: false,
        };
        let exit = orchctl::execute(cli, &self.env, &mut io).await;
        Output {
            exit,
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }

    /// Runs a command that does not end by itself (`events tail`) next to `drive`, which
    /// sees its stdout and stderr as they are written. The command is dropped (as by Ctrl-C)
    /// when `drive` returns: `Ok` with what `drive` returned. If the command ends first,
    /// `Err` with its output.
    pub async fn run_while<T, F, Fut>(&self, args: &[&str], drive: F) -> Result<T, Output>
    where
        F: FnOnce(Captured, Captured) -> Fut,
        Fut: Future<Output = T>,
    {
        let config = self.config.to_str().unwrap();
        let argv = ["orchctl", "--config", config]
            .into_iter()
            .chain(args.iter().copied());
        let cli = orchctl::parse(argv).expect("valid arguments");
        let (out, err) = (Captured::default(), Captured::default());
        let (mut stdout, mut stderr) = (out.clone(), err.clone());
        let mut input: &[u8] = b"";
        let mut io = Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdin: &mut input,
            is_terminal: false,
            stdout_is_terminal: false,
        };
        let command = orchctl::execute(cli, &self.env, &mut io);
        let driver = drive(out.clone(), err.clone());
        tokio::select! {
            exit = command => Err(Output {
                exit,
                stdout: out.text(),
                stderr: err.text(),
            }),
            value = driver => Ok(value),
        }
    }

    /// `orchctl login --server URL --api-key-stdin` with `api_key` on stdin.
    pub async fn login(&self, api_key: &str) -> Output {
        self.run_with_stdin(
            &["login", "--server", &self.server, "--api-key-stdin"],
            &format!("{api_key}\n"),
        )
        .await
    }

    /// The contexts file as YAML.
    pub fn config_yaml(&self) -> Value {
        let text = std::fs::read_to_string(&self.config).unwrap();
        yaml_serde::from_str(&text).unwrap()
    }

    /// The contexts file's permission bits.
    pub fn config_mode(&self) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(&self.config)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }
}

/// A stream a running command writes to, readable while it runs.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The complete lines written so far.
    pub fn lines(&self) -> Vec<String> {
        let text = self.text();
        let complete = text.rsplit_once('\n').map_or("", |(done, _)| done);
        complete.lines().map(str::to_owned).collect()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The audit log as the bootstrap admin sees it (newest first), straight from the API.
pub async fn audit_rows(app: &TestApp) -> Vec<Value> {
    let token = app.admin_token().await;
    let res = app
        .client
        .get(app.url("/v1/admin/audit?limit=500"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

/// Panics if `secret` shows up in anything `outputs` printed.
#[track_caller]
pub fn assert_never_printed(secret: &str, outputs: &[&Output]) {
    assert!(
        secret.len() >= 16,
        "not a secret worth checking: {secret:?}"
    );
    for output in outputs {
        assert!(
            !output.all().contains(secret),
            "a secret was printed: {output:#?}"
        );
    }
}

/// One request a [`Recorder`] received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    pub body: String,
}

/// A stand-in for "some other server": records every request it receives and answers each
/// with `status` — a redirect to `location` + the request's path when `location` is set.
pub struct Recorder {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Recorded>>>,
}

#[derive(Clone)]
struct RecorderState {
    status: u16,
    location: Option<String>,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

impl Recorder {
    pub async fn start(status: u16, location: Option<&str>) -> Recorder {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = RecorderState {
            status,
            location: location.map(str::to_owned),
            seen: seen.clone(),
        };
        let app = axum::Router::new().fallback(record).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Recorder { url, seen }
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }
}

async fn record(
    axum::extract::State(state): axum::extract::State<RecorderState>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    state.seen.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: uri.path().to_owned(),
        authorization: headers
            .get(axum::http::header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("<not text>").to_owned()),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let status = axum::http::StatusCode::from_u16(state.status).unwrap();
    match &state.location {
        Some(location) => (
            status,
            [(
                axum::http::header::LOCATION,
                format!("{location}{}", uri.path()),
            )],
        )
            .into_response(),
        None => (status, axum::Json(serde_json::json!({}))).into_response(),
    }
}

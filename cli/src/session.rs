//! Everything a command needs besides its arguments ([`Ctx`]), and the credential resolution
//! that turns flags, environment and the contexts file into an authenticated [`Client`].
//!
//! Credentials, in this order:
//! 1. `ORCHCTL_TOKEN`: a ready operator token, used as is;
//! 2. `ORCHCTL_API_KEY`: exchanged for a token on each run, nothing saved;
//! 3. the context (`--context` / `ORCHCTL_CONTEXT` / `current_context`): its token while it
//!    has more than [`REFRESH_MARGIN`] left, else a new one exchanged for its stored API key
//!    and saved back.
//!
//! The server is `--server` / `ORCHCTL_SERVER` if given, else the context's.
//!
//! A context's credentials belong to its server: they are sent only when the server to talk
//! to is the context's own ([`same_server`]: scheme, host, port and path prefix). With
//! `--server` naming another server, nothing stored is sent — otherwise a mistyped or
//! hostile URL (a CI variable, a pasted command) would receive the operator's token, or its
//! API key on a refresh. Credentials given for the call (`ORCHCTL_TOKEN`, `ORCHCTL_API_KEY`)
//! go wherever the call goes, since whoever set them also chose the server.

use std::io::{Read, Write};
use std::path::PathBuf;

use dialoguer::{Input, Password};
use time::OffsetDateTime;

use crate::client::{Client, VerboseLog, same_server};
use crate::config::{self, ConfigFile, Context};
use crate::env::Env;
use crate::error::CliError;
use crate::global::GlobalArgs;
use crate::output::OutputFormat;

/// A saved token is replaced when it expires within this margin.
pub const REFRESH_MARGIN: time::Duration = time::Duration::seconds(60);

/// The streams a command runs with.
pub struct Io<'io> {
    /// Data: tables, JSON, YAML.
    pub stdout: &'io mut dyn Write,
    /// Diagnostics, notes, `-v` lines and errors.
    pub stderr: &'io mut dyn Write,
    /// Read only by `login --api-key-stdin` and by `-f -` (`config validate | apply | diff`).
    pub stdin: &'io mut dyn Read,
    /// Whether orchctl may prompt (stdin and stderr are a terminal). Without one, anything
    /// that would prompt is a usage error instead.
    pub is_terminal: bool,
    /// Whether stdout is a terminal: the default output format is a table there, JSON
    /// elsewhere.
    pub stdout_is_terminal: bool,
}

/// What every command runs with: the global flags, the environment, the streams.
pub struct Ctx<'a, 'io> {
    /// The whole command tree (`Cli::command`), for `completion`: handed in, so no command
    /// module depends on the tree that contains it.
    pub command_tree: fn() -> clap::Command,
    pub global: &'a GlobalArgs,
    pub env: &'a Env,
    pub io: &'a mut Io<'io>,
    pub log: VerboseLog,
}

/// An authenticated client and where its credentials came from.
#[derive(Debug)]
pub struct Session {
    pub client: Client,
    /// The context whose credentials are used, if they came from the contexts file.
    pub context: Option<String>,
}

impl Ctx<'_, '_> {
    /// The format to print data in: `--output`, else table on a terminal and JSON elsewhere.
    pub fn format(&self) -> OutputFormat {
        OutputFormat::resolve(self.global.output, self.io.stdout_is_terminal)
    }

    /// Whether orchctl may ask questions: on a terminal, and not with `--yes`.
    pub fn can_prompt(&self) -> bool {
        self.io.is_terminal && !self.global.yes
    }

    /// The contexts file's path.
    pub fn config_path(&self) -> Result<PathBuf, CliError> {
        config::resolve_path(self.global.config.as_deref(), self.env)
    }

    /// An unauthenticated client of `server`.
    pub fn client(&self, server: &str) -> Result<Client, CliError> {
        Ok(Client::new(server, self.log.clone())?)
    }

    /// The reason for a mutation: `--reason` if given (and not blank), else asked for on a
    /// terminal, else a usage error — before anything is sent.
    pub fn reason(&self, given: Option<&str>, action: &str) -> Result<String, CliError> {
        if let Some(reason) = given.map(str::trim).filter(|r| !r.is_empty()) {
            return Ok(reason.to_owned());
        }
        if !self.can_prompt() {
            return Err(CliError::Usage(format!(
                "{action} needs --reason \"…\" (the audit log records why); there is no \
                 terminal to ask on"
            )));
        }
        let reason: String = Input::new()
            .with_prompt(format!("Reason to {action}"))
            .validate_with(|input: &String| -> Result<(), &str> {
                if input.trim().chars().count() >= 3 {
                    Ok(())
                } else {
                    Err("say why in at least 3 characters")
                }
            })
            .interact_text()
            .map_err(CliError::prompt)?;
        Ok(reason.trim().to_owned())
    }

    /// Asks for a secret without echoing it.
    pub fn prompt_secret(&self, prompt: &str) -> Result<String, CliError> {
        Password::new()
            .with_prompt(prompt)
            .interact()
            .map_err(CliError::prompt)
    }

    /// Resolves credentials (see the module docs) into an authenticated client.
    pub async fn session(&mut self) -> Result<Session, CliError> {
        if let Some(token) = self.env.token.clone() {
            let server = self.server_without_context_credentials()?;
            let client = self.client(&server)?.with_token(token);
            return Ok(Session {
                client,
                context: None,
            });
        }
        if let Some(api_key) = self.env.api_key.clone() {
            let server = self.server_without_context_credentials()?;
            let client = self.client(&server)?;
            let token = client.operator_token(&api_key).await?;
            return Ok(Session {
                client: client.with_token(token.token),
                context: None,
            });
        }
        self.context_session().await
    }

    /// The server to talk to without the context's credentials (the webhook ingress takes
    /// none): `--server` / `ORCHCTL_SERVER`, else the selected context's.
    pub fn server(&self) -> Result<String, CliError> {
        self.server_without_context_credentials()
    }

    /// The server for credentials from the environment: the flag, else the context's.
    fn server_without_context_credentials(&self) -> Result<String, CliError> {
        if let Some(server) = &self.global.server {
            return Ok(server.clone());
        }
        let path = self.config_path()?;
        let file = config::load(&path)?;
        let context = self.selected_context_name(&file);
        match context.as_deref().and_then(|name| file.context(name)) {
            Some(context) => Ok(context.server.clone()),
            None => Err(CliError::Usage(
                "credentials come from the environment but no server is known: pass --server \
                 URL or set ORCHCTL_SERVER"
                    .into(),
            )),
        }
    }

    /// The context named by `--context` / `ORCHCTL_CONTEXT`, else the current one.
    pub fn selected_context_name(&self, file: &ConfigFile) -> Option<String> {
        self.global
            .context
            .clone()
            .or_else(|| file.current_context.clone())
    }

    async fn context_session(&mut self) -> Result<Session, CliError> {
        let path = self.config_path()?;
        let mut file = config::load(&path)?;
        let Some(name) = self.selected_context_name(&file) else {
            return Err(not_logged_in("no context is selected"));
        };
        let Some(context) = file.context(&name) else {
            return Err(not_logged_in(&format!(
                "there is no context named {name:?}"
            )));
        };
        if let Some(server) = &self.global.server
            && !same_server(server, &context.server)
        {
            return Err(foreign_server(&file, &name, &context.server, server));
        }
        let client = self.client(&context.server)?;
        let now = OffsetDateTime::now_utc();
        if let Some(token) = context.fresh_token(now, REFRESH_MARGIN) {
            let client = client.with_token(token.to_owned());
            return Ok(Session {
                client,
                context: Some(name),
            });
        }
        let Some(api_key) = context.api_key.clone() else {
            let why = if context.token.is_some() {
                format!("the token of context {name:?} has expired")
            } else {
                format!("context {name:?} has no credentials")
            };
            return Err(not_logged_in(&why));
        };
        let issued = client.operator_token(&api_key).await?;
        let token = issued.token.clone();
        if let Some(saved) = file.context_mut(&name) {
            saved.token = Some(issued.token);
            saved.expires_at = Some(issued.expires_at);
            saved.operator = Some(issued.operator.name);
        }
        config::save(&path, &file)?;
        Ok(Session {
            client: client.with_token(token),
            context: Some(name),
        })
    }

    /// Saves `context` (replacing one of the same name) and makes it current.
    pub fn save_context(&self, context: Context) -> Result<(), CliError> {
        let path = self.config_path()?;
        let mut file = config::load(&path)?;
        file.current_context = Some(context.name.clone());
        file.upsert(context);
        config::save(&path, &file)
    }
}

/// The refusal to send the credentials of context `name` (for `own`) to `server`, naming
/// the ways to authenticate there — including any context already saved for it.
fn foreign_server(file: &ConfigFile, name: &str, own: &str, server: &str) -> CliError {
    let shown = server.trim();
    let candidates: Vec<String> = file
        .contexts
        .iter()
        .filter(|c| c.name != name && same_server(&c.server, server))
        .map(|c| format!("--context {:?}", c.name))
        .collect();
    let saved = if candidates.is_empty() {
        String::new()
    } else {
        format!(" ({} is saved for that server)", candidates.join(" or "))
    };
    CliError::NotAuthenticated(format!(
        "{shown} (--server / ORCHCTL_SERVER) is not the server of context {name:?} ({own}), \
         and a context's credentials are only sent to its own server, so nothing was sent. \
         Use a context of {shown}{saved}, log in to it with `orchctl login --server {shown} \
         --context NAME`, or set ORCHCTL_TOKEN or ORCHCTL_API_KEY for this call"
    ))
}

fn not_logged_in(why: &str) -> CliError {
    CliError::NotAuthenticated(format!(
        "{why}; run `orchctl login --server URL` (or set ORCHCTL_TOKEN or ORCHCTL_API_KEY)"
    ))
}

/// Asks a yes/no question on the terminal; no is the default.
pub fn confirm(prompt: &str) -> Result<bool, CliError> {
    dialoguer::Confirm::new()
        .with_prompt(prompt)
        .default(false)
        .interact()
        .map_err(CliError::prompt)
}

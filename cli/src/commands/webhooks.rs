//! `orchctl webhooks sign | send`: sign an event payload as Stripe does (with
//! `orch_core::webhooks::stripe`, the code orchd verifies with) and print the
//! `Stripe-Signature` value, or sign and POST it to orchd's webhook ingress, like
//! `stripe trigger`. The payload is signed and sent byte for byte as read.

use std::io;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use orch_core::config::secret_ref::SecretRef;
use orch_core::tenant::TenantSlug;
use orch_core::webhooks::stripe;
use time::OffsetDateTime;

use crate::commands::args::parse_tenant;
use crate::error::CliError;
use crate::output;
use crate::output::OutputFormat;
use crate::session::Ctx;

/// Where `docker:NAME` secrets are mounted.
const DOCKER_SECRETS_DIR: &str = "/run/secrets";

/// Sign Stripe webhook payloads, and send them to orchd
#[derive(Debug, Args)]
pub struct WebhooksArgs {
    #[command(subcommand)]
    pub command: WebhooksCommand,
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Print the Stripe-Signature header value (t=…,v1=…) for a payload, alone on stdout
    Sign(SignArgs),
    /// Sign a payload and POST it to /webhooks/stripe[/TENANT], as Stripe would
    Send(SendArgs),
}

/// The signing secret and the payload, shared by `sign` and `send`.
#[derive(Debug, Args)]
pub struct SigningArgs {
    /// The signing secret (whsec_…) as a SecretRef: env:NAME, file:/path or docker:NAME
    #[arg(long, value_name = "REF", required_unless_present = "secret_stdin")]
    pub secret_ref: Option<String>,
    /// Read the signing secret from stdin (one trailing newline is trimmed)
    #[arg(long, conflicts_with = "secret_ref")]
    pub secret_stdin: bool,
    /// The event payload; its exact bytes are signed ('-' reads stdin)
    #[arg(short = 'f', long = "file", value_name = "EVENT.json")]
    pub file: PathBuf,
    /// Sign as of this unix time instead of now (to reproduce a signature)
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub timestamp: Option<i64>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub signing: SigningArgs,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The tenant whose endpoint receives it [default: the server's default tenant, POST /webhooks/stripe]
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: Option<TenantSlug>,
    #[command(flatten)]
    pub signing: SigningArgs,
}

pub async fn run(args: &WebhooksArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        WebhooksCommand::Sign(sign) => {
            let (header, _) = signed(&sign.signing, ctx)?;
            output::write_line(ctx.io.stdout, &header)
        }
        WebhooksCommand::Send(send) => send_event(send, ctx).await,
    }
}

async fn send_event(args: &SendArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let (header, body) = signed(&args.signing, ctx)?;
    let server = ctx.server()?;
    let client = ctx.client(&server)?;
    let path = match &args.tenant {
        Some(tenant) => format!("webhooks/stripe/{tenant}"),
        None => "webhooks/stripe".to_owned(),
    };
    let answer = client.post_webhook(&path, &header, body).await?;
    match ctx.format() {
        OutputFormat::Table => {
            let field = |name: &str| output::or_dash(answer.get(name).map(json_text));
            let table = output::fields([
                ("received", field("received")),
                ("duplicate", field("duplicate")),
                ("inbox_id", field("inbox_id")),
            ]);
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, &answer),
    }
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The header value and the payload bytes it signs.
fn signed(args: &SigningArgs, ctx: &mut Ctx<'_, '_>) -> Result<(String, Vec<u8>), CliError> {
    let from_stdin = args.file.as_os_str() == "-";
    if from_stdin && args.secret_stdin {
        return Err(CliError::Usage(
            "stdin cannot hold both the secret (--secret-stdin) and the payload (-f -)".into(),
        ));
    }
    let secret = match &args.secret_ref {
        Some(reference) if !args.secret_stdin => resolve(reference)?,
        _ => {
            let mut text = String::new();
            ctx.io
                .stdin
                .read_to_string(&mut text)
                .map_err(|source| CliError::Io {
                    context: "reading the signing secret from stdin",
                    source,
                })?;
            trim_one_newline(text)
        }
    };
    if secret.is_empty() {
        return Err(CliError::Usage("the signing secret is empty".into()));
    }
    let body = read_payload(&args.file, ctx)?;
    let timestamp = args
        .timestamp
        .unwrap_or_else(|| OffsetDateTime::now_utc().unix_timestamp());
    if timestamp < 0 {
        return Err(CliError::Usage("--timestamp must not be negative".into()));
    }
    Ok((stripe::sign(secret.as_bytes(), timestamp, &body), body))
}

fn read_payload(file: &Path, ctx: &mut Ctx<'_, '_>) -> Result<Vec<u8>, CliError> {
    let mut body = Vec::new();
    if file.as_os_str() == "-" {
        ctx.io
            .stdin
            .read_to_end(&mut body)
            .map_err(|source| CliError::Io {
                context: "reading the payload from stdin",
                source,
            })?;
        return Ok(body);
    }
    std::fs::read(file).map_err(|err| CliError::Io {
        context: "reading the payload",
        source: io::Error::new(err.kind(), format!("{}: {err}", file.display())),
    })
}

/// Resolves a SecretRef locally. Messages name the reference, never the value.
fn resolve(reference: &str) -> Result<String, CliError> {
    let parsed = SecretRef::parse(reference)
        .map_err(|e| CliError::Usage(format!("--secret-ref {reference:?}: {e}")))?;
    let unavailable = |why: String| CliError::Usage(format!("secret {reference}: {why}"));
    match parsed {
        SecretRef::Env(name) => std::env::var(&name)
            .map_err(|_| unavailable(format!("environment variable {name} is not set"))),
        SecretRef::File(path) => read_secret_file(Path::new(&path)).map_err(unavailable),
        SecretRef::Docker(name) => {
            read_secret_file(&Path::new(DOCKER_SECRETS_DIR).join(name)).map_err(unavailable)
        }
        SecretRef::Vault { .. } => Err(unavailable(
            "orchctl does not read Vault; pipe the secret in with --secret-stdin".into(),
        )),
    }
}

fn read_secret_file(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map(trim_one_newline)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Drops one trailing `\n` (or `\r\n`), as orchd does for file secrets.
fn trim_one_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_trimmed() {
        assert_eq!(trim_one_newline("whsec_x\n".into()), "whsec_x");
        assert_eq!(trim_one_newline("whsec_x\r\n".into()), "whsec_x");
        assert_eq!(trim_one_newline("whsec_x\n\n".into()), "whsec_x\n");
        assert_eq!(trim_one_newline("whsec_x".into()), "whsec_x");
    }

    #[test]
    fn secret_refs_resolve_locally_and_errors_name_only_the_ref() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "whsec_from_file\n").unwrap();
        let reference = format!("file:{}", path.display());
        assert_eq!(resolve(&reference).unwrap(), "whsec_from_file");
        let err = resolve("vault:kv/stripe#secret").unwrap_err();
        assert!(matches!(err, CliError::Usage(_)));
        assert!(resolve("env:ORCHCTL_TEST_SURELY_UNSET_VAR").is_err());
        assert!(resolve("nonsense").is_err());
    }
}

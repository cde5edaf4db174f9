//! `orchctl impersonate start | stop | list`: act as a tenant for a bounded time, with a
//! reason (`impersonate`: support and admin; listing needs only `read`).
//!
//! `start` prints the tenant token alone on stdout, so `TOKEN=$(orchctl impersonate start …)`
//! works, or with `--exec CMD ARGS…` runs the command with the token in `ORCH_TOKEN` and
//! ends with the command's exit status, never printing the token.

use std::ffi::OsString;
use std::process::ExitStatus;

use clap::{Args, Subcommand};
use orch_core::api::impersonations::{
    ImpersonationListQuery, ImpersonationView, MAX_IMPERSONATION_TTL_S, StartImpersonationRequest,
    StartedImpersonation,
};
use orch_core::api::list::Page;
use orch_core::rbac::Scope;
use orch_core::tenant::TenantSlug;
use orch_core::units::HumanDuration;
use uuid::Uuid;

use crate::commands::args::{TenantArg, help_of, parse_tenant, scope_parser};
use crate::commands::views::scopes_text;
use crate::error::CliError;
use crate::output::{self, OutputFormat};
use crate::session::Ctx;

/// The variable `--exec` hands the tenant token to the command in.
pub const TOKEN_ENV: &str = "ORCH_TOKEN";
/// The variable `--exec` hands the impersonation's id to the command in.
pub const ID_ENV: &str = "ORCH_IMPERSONATION_ID";

/// Impersonate a tenant for a while (a tenant token), stop and list impersonations
#[derive(Debug, Args)]
pub struct ImpersonateArgs {
    #[command(subcommand)]
    pub command: ImpersonateCommand,
}

#[derive(Debug, Subcommand)]
pub enum ImpersonateCommand {
    /// Start impersonating a tenant: print a tenant token, or run a command with it
    #[command(
        long_about = "Start impersonating a tenant: print a tenant token, or run a command with it.\n\n\
            Without --exec the token is printed alone on stdout (also on a pipe, so \
            TOKEN=$(orchctl impersonate start …) works); the impersonation's id and expiry go to \
            stderr. With -o json or -o yaml the whole object is printed instead.\n\n\
            With --exec CMD ARGS… the token is never printed: CMD runs with ORCH_TOKEN (the token) \
            and ORCH_IMPERSONATION_ID set, on orchctl's own stdin, stdout and stderr, and orchctl \
            ends with CMD's exit status (126 or 127 when it cannot be run, 128+N when signal N \
            ends it). The impersonation is not stopped when CMD ends; it expires after --ttl."
    )]
    Start(StartArgs),
    /// Stop an impersonation: its token is refused at once
    Stop(StopArgs),
    /// List impersonations, newest first
    List(ListArgs),
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
        TOKEN=$(orchctl impersonate start acme --reason \"ticket 123\" --scopes jobs:read)\n  \
        orchctl impersonate start acme --reason \"ticket 123\" --ttl 5m --exec ./check.sh -v")]
pub struct StartArgs {
    /// The tenant to act as
    #[arg(value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// How long the token lives: whole seconds up to 1h, e.g. 90s, 10m, 1h
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_ttl)]
    pub ttl: u64,
    /// The token's scopes, comma-separated [default: all of them]
    #[arg(
        long,
        value_name = "SCOPES",
        value_delimiter = ',',
        value_parser = scope_parser()
    )]
    pub scopes: Vec<Scope>,
    /// Run CMD ARGS… with the token in ORCH_TOKEN instead of printing it; everything after
    /// --exec belongs to the command, so it comes last
    #[arg(
        long,
        value_name = "CMD",
        num_args = 1..,
        allow_hyphen_values = true,
        value_parser = clap::value_parser!(OsString)
    )]
    pub exec: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct StopArgs {
    /// The impersonation's id (see `orchctl impersonate list`)
    pub id: Uuid,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
#[command(mut_args(help_of(&[("tenant", "Only impersonations of this tenant")])))]
pub struct ListArgs {
    #[command(flatten)]
    pub tenant: TenantArg,
    /// Only impersonations neither stopped nor expired
    #[arg(long)]
    pub active: bool,
}

/// A lifetime in whole seconds, 1 s to [`MAX_IMPERSONATION_TTL_S`].
fn parse_ttl(text: &str) -> Result<u64, String> {
    let duration = HumanDuration::parse(text)
        .map_err(|e| e.to_string())?
        .as_duration();
    if duration.is_zero() || duration.subsec_nanos() != 0 {
        return Err("expected whole seconds, at least 1s".to_owned());
    }
    let secs = duration.as_secs();
    if secs > MAX_IMPERSONATION_TTL_S {
        return Err(format!(
            "an impersonation lasts at most {} ({MAX_IMPERSONATION_TTL_S}s)",
            HumanDuration(std::time::Duration::from_secs(MAX_IMPERSONATION_TTL_S))
        ));
    }
    Ok(secs)
}

pub async fn run(args: &ImpersonateArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        ImpersonateCommand::Start(start_args) => start(start_args, ctx).await,
        ImpersonateCommand::Stop(stop) => {
            let reason = ctx.reason(stop.reason.as_deref(), "stop an impersonation")?;
            let session = ctx.session().await?;
            let stopped = session.client.stop_impersonation(stop.id, &reason).await?;
            match ctx.format() {
                OutputFormat::Table => {
                    output::write_line(
                        ctx.io.stdout,
                        &format!(
                            "Stopped impersonation {} of tenant {}.",
                            stopped.id, stopped.tenant
                        ),
                    )?;
                    output::write_table(ctx.io.stdout, &fields(&stopped))
                }
                format => output::write_data(ctx.io.stdout, format, &stopped),
            }
        }
        ImpersonateCommand::List(list) => {
            let query = ImpersonationListQuery {
                tenant: list.tenant.query(),
                // Sent only when asked for, as `active=true`.
                active: list.active.then_some(true),
                limit: None,
            };
            let session = ctx.session().await?;
            let page = session.client.list_impersonations(&query).await?;
            print_list(ctx, &page)
        }
    }
}

async fn start(args: &StartArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    // clap sees to it that --exec, when given, names a command.
    let command = args.exec.split_first();
    let reason = ctx.reason(args.reason.as_deref(), "impersonate a tenant")?;
    let session = ctx.session().await?;
    let request = StartImpersonationRequest {
        tenant: args.tenant.as_str().to_owned(),
        reason,
        ttl_s: Some(args.ttl),
        scopes: (!args.scopes.is_empty()).then(|| args.scopes.clone()),
    };
    let started = session.client.start_impersonation(&request).await?;
    let Some((program, program_args)) = command else {
        return print_started(ctx, &started);
    };
    output::write_line(
        ctx.io.stderr,
        &format!(
            "Impersonating tenant {} (scopes {}) as {} until {}; running {} with {TOKEN_ENV} \
             set. Stop it sooner with `orchctl impersonate stop {} --reason …`.",
            started.tenant,
            scopes_text(&started.scopes),
            started.id,
            output::time(started.expires_at),
            program.to_string_lossy(),
            started.id,
        ),
    )?;
    // What orchctl wrote comes before what the command writes.
    ctx.io.stdout.flush().map_err(CliError::stdout)?;
    let _ = ctx.io.stderr.flush();
    let code = run_command(program, program_args, &started).await?;
    if code == 0 {
        Ok(())
    } else {
        Err(CliError::CommandExited(code))
    }
}

/// Prints a started impersonation: the token alone on stdout (the id and expiry on
/// stderr), or the whole object when `-o json|yaml` was asked for explicitly.
fn print_started(ctx: &mut Ctx<'_, '_>, started: &StartedImpersonation) -> Result<(), CliError> {
    match ctx.global.output {
        Some(format @ (OutputFormat::Json | OutputFormat::Yaml)) => {
            output::write_data(ctx.io.stdout, format, started)
        }
        Some(OutputFormat::Table) | None => {
            output::write_line(ctx.io.stdout, &started.token)?;
            output::write_line(
                ctx.io.stderr,
                &format!(
                    "Impersonation {} of tenant {} (scopes {}) expires at {}; stop it sooner \
                     with `orchctl impersonate stop {} --reason …`.",
                    started.id,
                    started.tenant,
                    scopes_text(&started.scopes),
                    output::time(started.expires_at),
                    started.id,
                ),
            )
        }
    }
}

/// Runs `program` with the token in its environment, on orchctl's own stdio, and waits for
/// it. Returns its exit status as a process exit code.
async fn run_command(
    program: &OsString,
    args: &[OsString],
    started: &StartedImpersonation,
) -> Result<u8, CliError> {
    let name = program.to_string_lossy().into_owned();
    // Never print or Debug this `Command`: its Debug shows the environment, token included.
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .env(TOKEN_ENV, &started.token)
        .env(ID_ENV, started.id.to_string());
    let status = tokio::task::spawn_blocking(move || command.status())
        .await
        .map_err(|e| CliError::Unexpected(format!("waiting for {name} failed: {e}")))?
        .map_err(|source| CliError::Exec {
            program: program.to_string_lossy().into_owned(),
            source,
        })?;
    Ok(exit_code_of(status))
}

/// A child's exit status as shells report it: its code, or 128+N when signal N ended it.
fn exit_code_of(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(u8::MAX);
        }
    }
    1
}

/// Active, stopped (when) or expired.
fn status_text(view: &ImpersonationView) -> String {
    match view.stopped_at {
        Some(at) => format!("stopped {}", output::time(at)),
        None if view.active => "active".to_owned(),
        None => "expired".to_owned(),
    }
}

fn fields(view: &ImpersonationView) -> comfy_table::Table {
    output::fields([
        ("id", view.id.to_string()),
        ("tenant", view.tenant.clone()),
        ("operator", view.operator_id.to_string()),
        ("scopes", scopes_text(&view.scopes)),
        ("reason", view.reason.clone()),
        ("status", status_text(view)),
        ("created", output::time(view.created_at)),
        ("expires", output::time(view.expires_at)),
        ("stopped by", output::or_dash(view.stopped_by)),
        ("stop reason", output::or_dash(view.stop_reason.as_deref())),
    ])
}

fn print_list(ctx: &mut Ctx<'_, '_>, page: &Page<ImpersonationView>) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let mut table = output::table([
                "ID", "TENANT", "OPERATOR", "SCOPES", "STATUS", "CREATED", "EXPIRES", "REASON",
            ]);
            for view in &page.items {
                table.add_row(vec![
                    view.id.to_string(),
                    view.tenant.clone(),
                    view.operator_id.to_string(),
                    scopes_text(&view.scopes),
                    status_text(view),
                    output::time(view.created_at),
                    output::time(view.expires_at),
                    view.reason.clone(),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, page),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    fn start_args(args: &[&str]) -> Result<StartArgs, clap::Error> {
        let cli = Cli::try_parse_from(["orchctl", "impersonate", "start"].iter().chain(args))?;
        match cli.command {
            Command::Impersonate(ImpersonateArgs {
                command: ImpersonateCommand::Start(start),
            }) => Ok(start),
            other => panic!("not impersonate start: {other:?}"),
        }
    }

    #[test]
    fn ttl_is_whole_seconds_up_to_an_hour() {
        assert_eq!(parse_ttl("15m"), Ok(900));
        assert_eq!(parse_ttl("1h"), Ok(3600));
        assert_eq!(parse_ttl("90"), Ok(90));
        for bad in ["2h", "61m", "3601", "0s", "1500ms", "soon"] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
        let defaulted = start_args(&["acme", "--reason", "ticket"]).unwrap();
        assert_eq!(defaulted.ttl, 900);
        assert!(defaulted.scopes.is_empty() && defaulted.exec.is_empty());
        let err = start_args(&["acme", "--ttl", "2h"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }

    #[test]
    fn exec_takes_everything_after_it_flags_included() {
        let args = start_args(&[
            "acme",
            "--reason",
            "ticket 1",
            "--scopes",
            "jobs:read,events:read",
            "--exec",
            "sh",
            "-c",
            "echo $ORCH_TOKEN",
            "-v",
            "--reason",
            "x",
        ])
        .unwrap();
        assert_eq!(args.reason.as_deref(), Some("ticket 1"));
        assert_eq!(args.scopes, vec![Scope::JobsRead, Scope::EventsRead]);
        let exec: Vec<&str> = args.exec.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            exec,
            ["sh", "-c", "echo $ORCH_TOKEN", "-v", "--reason", "x"]
        );
        // --exec needs a command.
        assert!(start_args(&["acme", "--exec"]).is_err());
        // Unknown scopes are a usage error naming the scope.
        let err = start_args(&["acme", "--scopes", "execute,admin"]).unwrap_err();
        assert!(err.to_string().contains("admin"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn exit_codes_pass_through_and_signals_are_128_plus() {
        use std::os::unix::process::ExitStatusExt as _;
        assert_eq!(exit_code_of(ExitStatus::from_raw(0)), 0);
        assert_eq!(exit_code_of(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code_of(ExitStatus::from_raw(255 << 8)), 255);
        // Killed by SIGKILL (9).
        assert_eq!(exit_code_of(ExitStatus::from_raw(9)), 137);
    }
}

//! `orchctl inbox list | show | replay`: the webhook inbox — one row per provider event,
//! `received` until its job ends, then `processed` or `failed`. Reading needs `read`; the
//! payload (`show --payload`) needs a role that may read payload bodies (billing, support,
//! admin); `replay` needs `inbox.replay` and a reason.
//!
//! `show --payload` prints the body alone, byte for byte as the provider sent it (so
//! `orchctl inbox show ID --payload > event.json` gives back the exact file), unless
//! `--output json|yaml` asks for the API's object, which carries it as `payload`.

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};
use orch_core::api::inbox::{INBOX_STATUSES, InboxListQuery, InboxReplayRequest, InboxView};
use orch_core::api::list::Page;
use orch_core::tenant::TenantSlug;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::commands::args::{PageArgs, TimeRangeArgs, help_of, parse_tenant};
use crate::commands::views::print_page;
use crate::error::CliError;
use crate::output::{self, OutputFormat};
use crate::session::Ctx;

/// List, inspect and replay received webhooks
#[derive(Debug, Args)]
pub struct InboxArgs {
    #[command(subcommand)]
    pub command: InboxCommand,
}

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// List inbox rows, newest first
    List(ListArgs),
    /// Show one row with its jobs (and, with --payload, the body as received)
    Show(ShowArgs),
    /// Process a row again: a new webhook job, the row back to `received`
    Replay(ReplayArgs),
}

#[derive(Debug, Args)]
#[command(mut_args(help_of(&[
    (
        "since",
        "Only rows received at or after this time: \
         RFC 3339, or a duration ago such as 10m, 24h",
    ),
    (
        "until",
        "Only rows received before this time: \
         RFC 3339, or a duration ago such as 10m, 24h",
    ),
])))]
pub struct ListArgs {
    /// Only rows of this tenant
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: Option<TenantSlug>,
    /// Only rows of this provider, e.g. stripe
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,
    /// Only rows in this status
    #[arg(long, value_name = "STATUS", value_parser = PossibleValuesParser::new(INBOX_STATUSES))]
    pub status: Option<String>,
    /// Only events of this type, e.g. invoice.paid
    #[arg(long = "type", value_name = "TYPE")]
    pub event_type: Option<String>,
    #[command(flatten)]
    pub time: TimeRangeArgs,
    #[command(flatten)]
    pub page: PageArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The inbox row's id
    pub id: Uuid,
    /// Print the body exactly as received (needs billing, support or admin)
    #[arg(long)]
    pub payload: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The inbox row's id
    pub id: Uuid,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

pub async fn run(args: &InboxArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        InboxCommand::List(list) => {
            let (since, until) = list.time.to_rfc3339(OffsetDateTime::now_utc())?;
            let query = InboxListQuery {
                tenant: list.tenant.as_ref().map(|t| t.as_str().to_owned()),
                provider: list.provider.clone(),
                status: list.status.clone(),
                event_type: list.event_type.clone(),
                since,
                until,
                limit: list.page.limit,
                cursor: None,
            };
            let session = ctx.session().await?;
            let rows = list
                .page
                .collect(
                    ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
                    &query,
                    async |query| session.client.list_inbox(&query).await,
                )
                .await?;
            print_list(ctx, &rows)
        }
        InboxCommand::Show(show) => {
            let session = ctx.session().await?;
            let row = session.client.get_inbox(show.id, show.payload).await?;
            match (show.payload, ctx.global.output) {
                (true, None | Some(OutputFormat::Table)) => {
                    let body = row.payload.as_deref().unwrap_or_default();
                    ctx.io
                        .stdout
                        .write_all(body.as_bytes())
                        .and_then(|()| ctx.io.stdout.flush())
                        .map_err(|source| CliError::Io {
                            context: "writing the payload",
                            source,
                        })
                }
                _ => print_row(ctx, &row),
            }
        }
        InboxCommand::Replay(replay) => {
            let reason = ctx.reason(replay.reason.as_deref(), "replay a webhook")?;
            let session = ctx.session().await?;
            let answer = session
                .client
                .replay_inbox(replay.id, &InboxReplayRequest { reason })
                .await?;
            match ctx.format() {
                OutputFormat::Table => output::write_line(
                    ctx.io.stdout,
                    &format!(
                        "Replayed inbox row {} ({} {}): job {} queued.",
                        answer.inbox.id,
                        answer.inbox.event_type,
                        answer.inbox.event_id,
                        answer.job_id
                    ),
                ),
                format => output::write_data(ctx.io.stdout, format, &answer),
            }
        }
    }
}

fn print_list(ctx: &mut Ctx<'_, '_>, page: &Page<InboxView>) -> Result<(), CliError> {
    let header = [
        "ID", "TENANT", "PROVIDER", "EVENT", "TYPE", "STATUS", "JOBS", "RECEIVED",
    ];
    print_page(ctx, page, header, |row| {
        vec![
            row.id.to_string(),
            row.tenant.clone(),
            row.provider.clone(),
            row.event_id.clone(),
            row.event_type.clone(),
            row.status.clone(),
            row.job_ids.len().to_string(),
            output::time(row.received_at),
        ]
    })
}

fn print_row(ctx: &mut Ctx<'_, '_>, row: &InboxView) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let jobs: Vec<String> = row.job_ids.iter().map(Uuid::to_string).collect();
            let table = output::fields([
                ("id", row.id.to_string()),
                ("tenant", row.tenant.clone()),
                ("provider", row.provider.clone()),
                ("event id", row.event_id.clone()),
                ("type", row.event_type.clone()),
                ("status", row.status.clone()),
                ("received", output::time(row.received_at)),
                (
                    "processed",
                    output::or_dash(row.processed_at.map(output::time)),
                ),
                (
                    "jobs",
                    if jobs.is_empty() {
                        "-".to_owned()
                    } else {
                        jobs.join(", ")
                    },
                ),
                ("trace", output::or_dash(row.trace_id.as_deref())),
                ("payload", format!("{} bytes", row.payload_size)),
                ("note", output::or_dash(row.note.as_deref())),
                ("request headers", request_headers(row)),
            ]);
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, row),
    }
}

/// The kept request headers, one `name: value` per line (signature values arrive redacted).
fn request_headers(row: &InboxView) -> String {
    let lines: Vec<String> = row
        .request_headers
        .iter()
        .flatten()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    if lines.is_empty() {
        "-".to_owned()
    } else {
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["orchctl", "inbox"].iter().chain(args))
    }

    #[test]
    fn arguments_are_checked_before_anything_is_sent() {
        let cli = parse(&[
            "list",
            "--tenant",
            "acme",
            "--status",
            "failed",
            "--type",
            "invoice.paid",
        ])
        .unwrap();
        let Command::Inbox(InboxArgs {
            command: InboxCommand::List(list),
        }) = cli.command
        else {
            panic!("not inbox list");
        };
        assert_eq!(list.tenant.unwrap().as_str(), "acme");
        assert_eq!(list.status.as_deref(), Some("failed"));
        assert_eq!(list.event_type.as_deref(), Some("invoice.paid"));
        use clap::error::ErrorKind::{InvalidValue, MissingRequiredArgument, ValueValidation};
        for (bad, kind) in [
            (&["list", "--status", "lost"][..], InvalidValue),
            (&["list", "--tenant", "A/B"], ValueValidation),
            (&["show", "not-a-uuid"], ValueValidation),
            (&["replay"], MissingRequiredArgument),
        ] {
            assert_eq!(parse(bad).unwrap_err().kind(), kind, "{bad:?}");
        }
    }
}

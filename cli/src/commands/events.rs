//! `orchctl events list | tail`: the event log, paged (`GET /v1/admin/events`) and live
//! (`GET /v1/admin/events/stream`). `tail` prints one line per event as it happens; when the
//! connection drops it reconnects and resumes with `Last-Event-ID`, so nothing is missed or
//! shown twice. It runs until interrupted (or until stdout is closed).

use std::time::Duration;

use clap::{Args, Subcommand};
use orch_core::api::events::{EventFilter, EventListQuery, EventStreamQuery, EventView};
use orch_core::api::sse::SseMessage;
use time::OffsetDateTime;

use crate::client::ClientError;
use crate::commands::args::{PageArgs, TenantArg, TimeArg, help_of, parse_time_arg};
use crate::error::CliError;
use crate::output::{self, OutputFormat, color_enabled};
use crate::session::Ctx;

/// Longest wait between two reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Read the event log, or follow it live
#[derive(Debug, Args)]
pub struct EventsArgs {
    #[command(subcommand)]
    pub command: EventsCommand,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List events, newest first (oldest first after --after-id)
    List(ListArgs),
    /// Follow events as they happen, like `tail -f`; reconnects and resumes by itself
    Tail(TailArgs),
}

/// Which events: the filters shared by `list` and `tail`.
#[derive(Debug, Args)]
#[command(mut_args(help_of(&[("tenant", "Only events of this tenant")])))]
pub struct FilterArgs {
    #[command(flatten)]
    pub tenant: TenantArg,
    /// Only events of this connector
    #[arg(long, value_name = "CONNECTOR")]
    pub connector: Option<String>,
    /// Only events of this trace (a W3C trace id: 32 hex digits)
    #[arg(long = "trace", visible_alias = "trace-id", value_name = "ID")]
    pub trace: Option<String>,
    /// Only events of this kind: exact (job.dead) or a prefix ending in . or * (webhook.*)
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Only events at or after this time: RFC 3339, or a duration ago such as 10m, 24h, 7d
    #[arg(long, value_name = "TIME", value_parser = parse_time_arg)]
    pub since: Option<TimeArg>,
}

impl FilterArgs {
    /// The API's filter, checked with the server's own rules (a bad value is a usage error
    /// before anything is sent).
    fn to_filter(&self) -> Result<EventFilter, CliError> {
        EventFilter {
            tenant: self.tenant.query(),
            connector: self.connector.clone(),
            trace_id: self.trace.clone(),
            kind: self.kind.clone(),
        }
        .normalized()
        .map_err(|e| {
            let flag = if e.field == "trace_id" {
                "trace"
            } else {
                e.field.as_str()
            };
            CliError::Usage(format!("--{flag}: {}", e.message))
        })
    }

    /// `--since` as RFC 3339, a duration resolved against `now`.
    fn since(&self, now: OffsetDateTime) -> Result<Option<String>, CliError> {
        self.since.map(|t| t.to_rfc3339(now)).transpose()
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Only events after this event id, oldest first (to read on from an earlier list)
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(i64).range(0..))]
    pub after_id: Option<i64>,
    #[command(flatten)]
    pub page: PageArgs,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Start after this event id instead of now (the id of the last event you saw)
    #[arg(long, value_name = "ID", conflicts_with = "since", value_parser = clap::value_parser!(i64).range(0..))]
    pub after_id: Option<i64>,
}

pub async fn run(args: &EventsArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        EventsCommand::List(list) => list_events(list, ctx).await,
        EventsCommand::Tail(tail) => tail_events(tail, ctx).await,
    }
}

async fn list_events(args: &ListArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let filter = args.filter.to_filter()?;
    let query = EventListQuery {
        after_id: args.after_id,
        since: args.filter.since(OffsetDateTime::now_utc())?,
        limit: args.page.limit,
        ..EventListQuery::new(filter)
    };
    let session = ctx.session().await?;
    let page = args
        .page
        .collect(
            ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
            &query,
            async |query| session.client.list_events(&query).await,
        )
        .await?;
    match ctx.format() {
        OutputFormat::Table => {
            let mut table = output::table([
                "ID",
                "TIME",
                "KIND",
                "TENANT",
                "CONNECTOR",
                "TRACE",
                "MESSAGE",
            ]);
            for event in &page.items {
                table.add_row(vec![
                    event.id.to_string(),
                    output::time(event.ts),
                    event.kind.clone(),
                    output::or_dash(event.tenant.as_deref()),
                    output::or_dash(event.connector.as_deref()),
                    short_trace(event.trace_id.as_deref()),
                    event.message.clone(),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)?;
            if let Some(next) = &page.next_cursor {
                output::write_line(
                    ctx.io.stderr,
                    &format!("More events: pass --all, or --cursor {next} for the next page."),
                )?;
            }
            Ok(())
        }
        format => output::write_data(ctx.io.stdout, format, &page),
    }
}

async fn tail_events(args: &TailArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let filter = args.filter.to_filter()?;
    let query = EventStreamQuery {
        after_id: args.after_id,
        since: args.filter.since(OffsetDateTime::now_utc())?,
        ..EventStreamQuery::new(filter)
    };
    let format = ctx.format();
    let color = color_enabled(
        ctx.global.no_color,
        std::env::var_os("NO_COLOR").as_deref(),
        ctx.io.stdout_is_terminal,
    );
    let mut session = ctx.session().await?;
    let mut last_id: Option<String> = None;
    let mut connected = false;
    let mut token_refreshed = false;
    let mut failures: u32 = 0;
    loop {
        match session
            .client
            .open_event_stream(&query, last_id.as_deref())
            .await
        {
            Ok(mut stream) => {
                if connected {
                    note(ctx, "reconnected")?;
                }
                connected = true;
                token_refreshed = false;
                failures = 0;
                let why = loop {
                    match stream.next().await {
                        Ok(Some(message)) => print_event(ctx, format, color, &message)?,
                        Ok(None) => break "the server closed the stream".to_owned(),
                        Err(err) => break err.to_string(),
                    }
                };
                if let Some(id) = stream.last_id() {
                    last_id = Some(id.to_owned());
                }
                let resume = last_id
                    .as_deref()
                    .map(|id| format!(", resuming after event {id}"))
                    .unwrap_or_default();
                note(ctx, &format!("{why}; reconnecting{resume}"))?;
            }
            // A long tail outlives its operator token: get a fresh one, once.
            Err(ClientError::Status(response))
                if response.status == 401 && connected && !token_refreshed =>
            {
                session = ctx.session().await?;
                token_refreshed = true;
                continue;
            }
            // Once the stream has worked, an outage is waited out as `tail -f` would.
            Err(ClientError::Status(response)) if response.status >= 500 && connected => {
                note(
                    ctx,
                    &format!("the server answered {}; retrying", response.status),
                )?;
            }
            Err(ClientError::Unavailable(message)) if connected => {
                note(ctx, &format!("{message}; retrying"))?;
            }
            Err(err) => return Err(err.into()),
        }
        failures = failures.saturating_add(1);
        tokio::time::sleep(backoff(failures)).await;
    }
}

/// 0.5 s, 1 s, 2 s … up to [`MAX_BACKOFF`].
fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(8);
    (Duration::from_millis(500) * 2u32.pow(exp)).min(MAX_BACKOFF)
}

/// A diagnostic on stderr.
fn note(ctx: &mut Ctx<'_, '_>, text: &str) -> Result<(), CliError> {
    output::write_line(ctx.io.stderr, &format!("events tail: {text}"))
}

/// One event: a line for people, or one JSON object per line (or a YAML document).
fn print_event(
    ctx: &mut Ctx<'_, '_>,
    format: OutputFormat,
    color: bool,
    message: &SseMessage,
) -> Result<(), CliError> {
    let value: serde_json::Value = serde_json::from_str(&message.data).map_err(|e| {
        CliError::Unexpected(format!("the server sent an event that is not JSON: {e}"))
    })?;
    match format {
        OutputFormat::Json => output::write_line(ctx.io.stdout, &value.to_string()),
        OutputFormat::Yaml => {
            output::write_line(ctx.io.stdout, "---")?;
            output::write_data(ctx.io.stdout, OutputFormat::Yaml, &value)
        }
        OutputFormat::Table => {
            let event: EventView = serde_json::from_value(value).map_err(|e| {
                CliError::Unexpected(format!("the server sent an event orchctl cannot read: {e}"))
            })?;
            output::write_line(ctx.io.stdout, &event_line(&event, color))
        }
    }
    .and_then(|()| ctx.io.stdout.flush().map_err(CliError::stdout))
}

/// `time  kind  tenant  connector  trace  message`, the kind coloured by its outcome.
fn event_line(event: &EventView, color: bool) -> String {
    let kind = format!("{:<22}", event.kind);
    let kind = match kind_color(&event.kind).filter(|_| color) {
        Some(code) => format!("{code}{kind}{RESET}"),
        None => kind,
    };
    format!(
        "{}  {kind}  {:<12}  {:<12}  {:<8}  {}",
        output::time(event.ts),
        output::or_dash(event.tenant.as_deref()),
        output::or_dash(event.connector.as_deref()),
        short_trace(event.trace_id.as_deref()),
        event.message.replace(['\n', '\r'], " "),
    )
}

/// The first 8 digits of a trace id, enough to tell traces apart on screen.
fn short_trace(trace: Option<&str>) -> String {
    trace.map_or_else(|| "-".to_owned(), |t| t.chars().take(8).collect())
}

const RESET: &str = "\x1b[0m";

/// Red for failures, yellow for retries and half-way states, green for successes.
fn kind_color(kind: &str) -> Option<&'static str> {
    let outcome = kind.rsplit('.').next().unwrap_or(kind);
    match outcome {
        "failed" | "dead" | "rejected" | "opened" | "dropped" | "purged" => Some("\x1b[31m"),
        "retry_scheduled" | "half_open" | "duplicate" | "replayed" => Some("\x1b[33m"),
        "succeeded" | "processed" | "closed" | "received" => Some("\x1b[32m"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn view(kind: &str) -> EventView {
        EventView {
            id: 42,
            ts: OffsetDateTime::from_unix_timestamp(1_893_456_000).unwrap(),
            kind: kind.to_owned(),
            tenant: Some("acme".into()),
            connector: None,
            operation: None,
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            request_id: None,
            job_id: None,
            inbox_id: None,
            message: "two\nlines".into(),
            data: json!({}),
        }
    }

    #[test]
    fn lines_are_plain_without_colour_and_coloured_by_outcome_with_it() {
        let plain = event_line(&view("job.dead"), false);
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(
            plain.starts_with("2030-01-01T00:00:00Z  job.dead "),
            "{plain}"
        );
        assert!(
            plain.contains(" acme ") && plain.contains(" 4bf92f35 "),
            "{plain}"
        );
        assert!(plain.ends_with("two lines"), "{plain}");
        assert!(event_line(&view("job.dead"), true).contains("\x1b[31mjob.dead"));
        assert!(event_line(&view("job.succeeded"), true).contains("\x1b[32m"));
        assert!(event_line(&view("job.retry_scheduled"), true).contains("\x1b[33m"));
        assert!(!event_line(&view("config.created"), true).contains('\x1b'));
    }

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(4), Duration::from_secs(4));
        assert_eq!(backoff(40), MAX_BACKOFF);
    }
}

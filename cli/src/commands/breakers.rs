//! `orchctl breakers list | reset`: see the circuit breakers per tenant and connector, and
//! close one by hand once its upstream is healthy again (`breaker.reset`: support and admin;
//! listing needs only `read`).
//!
//! Each node keeps its own breakers: `list` shows those of the node that answers, and a
//! reset reaches every node.

use clap::{Args, Subcommand};
use orch_core::api::breakers::{BreakerListQuery, BreakerView, ResetBreakerRequest};
use orch_core::api::list::Page;
use orch_core::tenant::TenantSlug;

use crate::commands::args::{TenantArg, help_of, parse_tenant};
use crate::error::CliError;
use crate::output::{self, OutputFormat, color_enabled};
use crate::session::Ctx;

/// List circuit breakers and reset them
#[derive(Debug, Args)]
pub struct BreakersArgs {
    #[command(subcommand)]
    pub command: BreakersCommand,
}

#[derive(Debug, Subcommand)]
pub enum BreakersCommand {
    /// List circuit breakers as the answering node sees them
    List(ListArgs),
    /// Close a circuit breaker on every node, e.g. once its upstream is healthy again
    Reset(ResetArgs),
}

#[derive(Debug, Args)]
#[command(mut_args(help_of(&[("tenant", "Only breakers of this tenant")])))]
pub struct ListArgs {
    #[command(flatten)]
    pub tenant: TenantArg,
    /// Only breakers of this connector
    #[arg(long, value_name = "CONNECTOR", value_parser = parse_connector)]
    pub connector: Option<String>,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The tenant whose breaker to reset
    #[arg(value_parser = parse_tenant)]
    pub tenant: TenantSlug,
    /// The connector whose breaker to reset (its name in the tenant's config)
    #[arg(value_parser = parse_connector)]
    pub connector: String,
    /// Why, for the audit log (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// The longest connector name a tenant config accepts.
const MAX_CONNECTOR_NAME: usize = 64;

/// A connector name as tenant configs define them (1–64 letters, digits, '_' and '-'),
/// checked before anything is sent.
fn parse_connector(text: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && text.len() <= MAX_CONNECTOR_NAME
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if valid {
        Ok(text.to_owned())
    } else {
        Err("connector names are 1–64 characters of letters, digits, '_' and '-'".to_owned())
    }
}

pub async fn run(args: &BreakersArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        BreakersCommand::List(list) => {
            let query = BreakerListQuery {
                tenant: list.tenant.query(),
                connector: list.connector.clone(),
            };
            let session = ctx.session().await?;
            // One page: a node knows few breakers and the API never pages them.
            let page = session.client.list_breakers(&query).await?;
            print_list(ctx, &page)
        }
        BreakersCommand::Reset(reset) => {
            let reason = ctx.reason(reset.reason.as_deref(), "reset a circuit breaker")?;
            let session = ctx.session().await?;
            let request = ResetBreakerRequest {
                tenant: reset.tenant.as_str().to_owned(),
                connector: reset.connector.clone(),
                reason,
            };
            let page = session.client.reset_breaker(&request).await?;
            match ctx.format() {
                OutputFormat::Table => {
                    let name = format!("{}/{}", reset.tenant, reset.connector);
                    let line = match page.items.first() {
                        Some(breaker) => {
                            format!("Reset circuit breaker {name}: now {}.", breaker.state)
                        }
                        None => format!(
                            "Reset circuit breaker {name} on every node (the answering node \
                             has not called that connector yet)."
                        ),
                    };
                    output::write_line(ctx.io.stdout, &line)
                }
                format => output::write_data(ctx.io.stdout, format, &page),
            }
        }
    }
}

fn print_list(ctx: &mut Ctx<'_, '_>, page: &Page<BreakerView>) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let color = color_enabled(
                ctx.global.no_color,
                std::env::var_os("NO_COLOR").as_deref(),
                ctx.io.stdout_is_terminal,
            );
            output::write_line(ctx.io.stdout, &list_table(&page.items, color))
        }
        format => output::write_data(ctx.io.stdout, format, page),
    }
}

/// The header of the STATE column; no other header contains it.
const STATE_HEADER: &str = "STATE";

/// The breakers as a table, the state coloured when `color`.
fn list_table(breakers: &[BreakerView], color: bool) -> String {
    let mut table = output::table([
        "TENANT",
        "CONNECTOR",
        STATE_HEADER,
        "FAILURE RATE",
        "CALLS",
        "OPENED AT",
        "NEXT PROBE",
    ]);
    for breaker in breakers {
        table.add_row(vec![
            breaker.tenant.clone(),
            breaker.connector.clone(),
            breaker.state.clone(),
            percent(breaker.failure_rate),
            breaker.calls_in_window.to_string(),
            output::or_dash(breaker.opened_at.map(output::time)),
            output::or_dash(breaker.next_probe_at.map(output::time)),
        ]);
    }
    let text = table.trim_fmt();
    if color {
        color_states(&text, breakers)
    } else {
        text
    }
}

/// Colours each row's state in a rendered table. comfy-table (built without its styling
/// features) would count escape codes as text and misalign the columns, so the codes go in
/// after rendering, at the STATE column; a row whose cell is not where expected stays plain.
fn color_states(text: &str, breakers: &[BreakerView]) -> String {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return text.to_owned();
    };
    let Some(column) = header.find(STATE_HEADER) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len() + breakers.len() * 9);
    out.push_str(header);
    let mut rows = breakers.iter();
    for line in lines {
        out.push('\n');
        let state = rows.next().map(|b| b.state.as_str()).unwrap_or_default();
        let cell_end = column + state.len();
        let in_place = !state.is_empty()
            && line.get(column..cell_end) == Some(state)
            && line[cell_end..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace);
        match (in_place, state_color(state)) {
            (true, Some(code)) => {
                out.push_str(&line[..column]);
                out.push_str(code);
                out.push_str(state);
                out.push_str(RESET);
                out.push_str(&line[cell_end..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// Ends a coloured span.
const RESET: &str = "\x1b[0m";

/// The ANSI colour of a state: closed green, half-open yellow, open red.
fn state_color(state: &str) -> Option<&'static str> {
    match state {
        "closed" => Some("\x1b[32m"),
        "half_open" => Some("\x1b[33m"),
        "open" => Some("\x1b[31m"),
        _ => None,
    }
}

/// A failure rate (0.0–1.0) as a percentage: `100%`, `50%`, `33.3%`.
fn percent(rate: f64) -> String {
    let text = format!("{:.1}", rate * 100.0);
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;
    use time::OffsetDateTime;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["orchctl", "breakers"].iter().chain(args))
    }

    fn breaker(tenant: &str, connector: &str, state: &str, rate: f64) -> BreakerView {
        let opened = (state != "closed")
            .then(|| OffsetDateTime::from_unix_timestamp(1_893_456_000).unwrap());
        BreakerView {
            tenant: tenant.into(),
            connector: connector.into(),
            state: state.into(),
            failure_rate: rate,
            calls_in_window: 4,
            opened_at: opened,
            next_probe_at: opened.map(|at| at + time::Duration::seconds(60)),
        }
    }

    #[test]
    fn reset_takes_a_tenant_and_a_connector_checked_before_anything_is_sent() {
        let cli = parse(&["reset", "acme", "stripe-v2", "--reason", "upstream fixed"]).unwrap();
        let Command::Breakers(BreakersArgs {
            command: BreakersCommand::Reset(reset),
        }) = cli.command
        else {
            panic!("not breakers reset");
        };
        assert_eq!(reset.tenant.as_str(), "acme");
        assert_eq!(reset.connector, "stripe-v2");
        assert_eq!(reset.reason.as_deref(), Some("upstream fixed"));

        let err = parse(&["reset", "acme"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        let err = parse(&["reset", "Acme/../x", "stripe"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        for bad in ["", "a/b", "stripe?x=1", &"c".repeat(65)] {
            let err = parse(&["reset", "acme", bad]).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{bad:?}"
            );
        }
        let err = parse(&["list", "--connector", "a b"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(parse(&["list", "--tenant", "acme", "--connector", "brk"]).is_ok());
    }

    #[test]
    fn failure_rates_are_percentages() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
    }

    #[test]
    fn the_table_is_plain_without_colour() {
        let rows = [
            breaker("acme", "brk", "open", 1.0),
            breaker("acme", "pay", "closed", 0.25),
        ];
        let text = list_table(&rows, false);
        assert!(!text.contains('\x1b'), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("TENANT"), "{text}");
        let column = lines[0].find("STATE").unwrap();
        assert_eq!(lines[1].find("open"), Some(column), "{text}");
        assert!(lines[1].contains("100%"), "{text}");
        assert!(lines[1].contains("2030-01-01T00:00:00Z"), "{text}");
        assert!(lines[1].contains("2030-01-01T00:01:00Z"), "{text}");
        // A closed breaker has not opened: dashes.
        assert!(lines[2].contains("25%"), "{text}");
        let fields: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!(fields[fields.len() - 2..], ["-", "-"], "{text}");
    }

    #[test]
    fn colour_goes_on_the_state_and_keeps_the_columns_aligned() {
        // Names that are also states must not be coloured.
        let rows = [
            breaker("open", "closed", "open", 1.0),
            breaker("acme", "open", "half_open", 0.5),
            breaker("acme", "pay", "closed", 0.0),
        ];
        let plain = list_table(&rows, false);
        let colored = list_table(&rows, true);
        let expected = [
            ("open", "\x1b[31mopen\x1b[0m"),
            ("half_open", "\x1b[33mhalf_open\x1b[0m"),
            ("closed", "\x1b[32mclosed\x1b[0m"),
        ];
        let plain_lines: Vec<&str> = plain.lines().collect();
        let colored_lines: Vec<&str> = colored.lines().collect();
        assert_eq!(plain_lines.len(), colored_lines.len());
        assert_eq!(plain_lines[0], colored_lines[0]);
        let column = plain_lines[0].find("STATE").unwrap();
        for ((plain_line, colored_line), (state, painted)) in plain_lines[1..]
            .iter()
            .zip(&colored_lines[1..])
            .zip(expected)
        {
            // Exactly one coloured span, at the STATE column; removing it gives the plain row.
            assert_eq!(colored_line.matches('\x1b').count(), 2, "{colored}");
            assert_eq!(colored_line.find('\x1b'), Some(column), "{colored}");
            assert!(colored_line[column..].starts_with(painted), "{colored}");
            let stripped = colored_line.replacen(painted, state, 1);
            assert_eq!(&stripped, plain_line);
        }
    }

    #[test]
    fn an_unknown_state_stays_plain() {
        let rows = [breaker("acme", "brk", "melted", 1.0)];
        assert_eq!(list_table(&rows, true), list_table(&rows, false));
    }
}

//! `orchctl jobs get | list`: look at the jobs of any tenant (`read`).
//!
//! The job table and the one-job view are shared with `orchctl dlq`, whose rows are jobs too.

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};
use orch_core::api::jobs::{JobError, JobView};
use orch_core::api::list::{MAX_LIMIT, Page};
use orch_core::config::model::QUEUES;
use orch_core::tenant::TenantSlug;
use uuid::Uuid;

use crate::cli::OutputFormat;
use crate::client::{ClientError, JobListQuery};
use crate::commands::clients::parse_tenant;
use crate::error::CliError;
use crate::output;
use crate::session::Ctx;

/// Look at jobs of any tenant
#[derive(Debug, Args)]
pub struct JobsArgs {
    #[command(subcommand)]
    pub command: JobsCommand,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Show one job with its runs
    Get(GetArgs),
    /// List jobs, newest first
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The job's id
    pub id: Uuid,
}

pub use orch_core::api::jobs::JOB_STATUSES as STATUSES;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only jobs of this tenant
    #[arg(long, value_name = "TENANT", value_parser = parse_tenant)]
    pub tenant: Option<TenantSlug>,
    /// Only jobs on this queue
    #[arg(long, value_name = "QUEUE", value_parser = PossibleValuesParser::new(QUEUES))]
    pub queue: Option<String>,
    /// Only jobs with this status
    #[arg(long, value_name = "STATUS", value_parser = PossibleValuesParser::new(STATUSES))]
    pub status: Option<String>,
    /// Rows per page (1–500; the server's default is 50)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_LIMIT)))]
    pub limit: Option<u32>,
    /// Start at this page (the `next_cursor` of an earlier page)
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,
    /// Follow `next_cursor` through every page
    #[arg(long)]
    pub all: bool,
}

pub async fn run(args: &JobsArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        JobsCommand::Get(get) => {
            let session = ctx.session().await?;
            let job = session.client.get_job(get.id).await?;
            print_job(ctx, &job)
        }
        JobsCommand::List(list) => {
            let mut query = JobListQuery {
                tenant: list.tenant.clone(),
                queue: list.queue.clone(),
                status: list.status.clone(),
                limit: list.limit,
                cursor: list.cursor.clone(),
            };
            let session = ctx.session().await?;
            let jobs = collect_pages(
                list.all,
                list.cursor.clone(),
                ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
                |cursor| {
                    query.cursor = cursor;
                    let query = query.clone();
                    let client = &session.client;
                    async move { client.list_jobs(&query).await }
                },
            )
            .await?;
            print_list(ctx, &jobs)
        }
    }
}

/// Fetches the page at `first` and, when `all`, every page after it, following
/// `next_cursor`; the result keeps the last page's `next_cursor`. With `progress` (a
/// terminal) and `all`, counts the rows fetched so far on it.
pub async fn collect_pages<T, F, Fut>(
    all: bool,
    first: Option<String>,
    progress: Option<&mut dyn std::io::Write>,
    mut fetch: F,
) -> Result<Page<T>, CliError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ClientError>>,
{
    let mut rows = Page {
        items: Vec::new(),
        next_cursor: None,
    };
    let mut cursor = first;
    // Paging through everything can take a while: count the rows on a terminal.
    let mut counter = crate::progress::Counter::new(progress.filter(|_| all), "rows fetched:");
    loop {
        let page = fetch(cursor.clone()).await?;
        rows.items.extend(page.items);
        counter.set(rows.items.len());
        rows.next_cursor = page.next_cursor;
        match &rows.next_cursor {
            // A server that hands back the cursor it was given would loop forever.
            Some(next) if all && cursor.as_ref() != Some(next) => cursor = Some(next.clone()),
            _ => break,
        }
    }
    counter.finish();
    Ok(rows)
}

/// A page of jobs: a table (and a hint on stderr when there are more), or the API's page.
pub fn print_list(ctx: &mut Ctx<'_, '_>, page: &Page<JobView>) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let mut table = output::table([
                "ID",
                "TENANT",
                "QUEUE",
                "STATUS",
                "ATTEMPTS",
                "CONNECTOR",
                "LAST ERROR",
                "UPDATED",
            ]);
            for job in &page.items {
                table.add_row(vec![
                    job.id.to_string(),
                    job.tenant.clone(),
                    job.queue.clone(),
                    job.status.clone(),
                    format!("{}/{}", job.attempts, job.max_attempts),
                    operation(job),
                    output::or_dash(job.last_error.as_ref().map(error_text)),
                    output::time(job.updated_at),
                ]);
            }
            output::write_table(ctx.io.stdout, &table)?;
            if let Some(next) = &page.next_cursor {
                output::write_line(
                    ctx.io.stderr,
                    &format!("More rows: pass --all, or --cursor {next} for the next page."),
                )?;
            }
            Ok(())
        }
        format => output::write_data(ctx.io.stdout, format, page),
    }
}

/// One job: its fields and a table of its runs, or the API's object.
pub fn print_job(ctx: &mut Ctx<'_, '_>, job: &JobView) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let fields = output::fields([
                ("id", job.id.to_string()),
                ("tenant", job.tenant.clone()),
                ("queue", job.queue.clone()),
                ("kind", job.kind.clone()),
                ("status", job.status.clone()),
                ("attempts", format!("{}/{}", job.attempts, job.max_attempts)),
                ("connector", operation(job)),
                ("dedupe key", output::or_dash(job.dedupe_key.as_deref())),
                ("trace", output::or_dash(job.trace_id.as_deref())),
                ("created", output::time(job.created_at)),
                ("updated", output::time(job.updated_at)),
                ("run at", output::time(job.run_at)),
                (
                    "last error",
                    output::or_dash(job.last_error.as_ref().map(error_text)),
                ),
                (
                    "impersonated by",
                    output::or_dash(job.impersonated_by.map(|id| id.to_string())),
                ),
            ]);
            output::write_table(ctx.io.stdout, &fields)?;
            if job.runs.is_empty() {
                return output::write_line(ctx.io.stdout, "\nNo runs yet.");
            }
            output::write_line(ctx.io.stdout, "")?;
            let mut runs = output::table([
                "ATTEMPT", "WORKER", "STARTED", "DURATION", "OUTCOME", "ERROR",
            ]);
            for run in &job.runs {
                runs.add_row(vec![
                    run.attempt.to_string(),
                    run.worker.clone(),
                    output::time(run.started_at),
                    output::or_dash(run.duration_ms.map(|ms| format!("{ms} ms"))),
                    output::or_dash(run.outcome.as_deref()),
                    output::or_dash(run.error.as_ref().map(error_text)),
                ]);
            }
            output::write_table(ctx.io.stdout, &runs)
        }
        format => output::write_data(ctx.io.stdout, format, job),
    }
}

/// `connector/operation`, or `-` for a job that calls none (a webhook).
fn operation(job: &JobView) -> String {
    match (&job.connector, &job.operation) {
        (Some(connector), Some(operation)) => format!("{connector}/{operation}"),
        (Some(connector), None) => connector.clone(),
        (None, Some(operation)) => operation.clone(),
        (None, None) => "-".to_owned(),
    }
}

/// A failure in one cell: its code, the upstream status and the message, as far as known.
pub fn error_text(error: &JobError) -> String {
    let mut parts = Vec::new();
    if let Some(code) = &error.code {
        parts.push(code.clone());
    }
    if let Some(status) = error.upstream_status {
        parts.push(format!("HTTP {status}"));
    }
    if let Some(message) = error.message.as_deref().filter(|m| !m.is_empty()) {
        parts.push(message.to_owned());
    }
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["orchctl", "jobs"].iter().chain(args))
    }

    #[test]
    fn list_filters_are_checked_before_anything_is_sent() {
        let cli = parse(&[
            "list", "--tenant", "acme", "--queue", "low", "--status", "dead",
        ])
        .unwrap();
        let Command::Jobs(JobsArgs {
            command: JobsCommand::List(list),
        }) = cli.command
        else {
            panic!("not jobs list");
        };
        assert_eq!(list.tenant.unwrap().as_str(), "acme");
        assert_eq!(list.queue.as_deref(), Some("low"));
        assert_eq!(list.status.as_deref(), Some("dead"));
        use clap::error::ErrorKind::{InvalidValue, ValueValidation};
        for (bad, kind) in [
            (&["list", "--queue", "nope"][..], InvalidValue),
            (&["list", "--status", "gone"], InvalidValue),
            (&["list", "--tenant", "A/B"], ValueValidation),
            (&["list", "--limit", "0"], ValueValidation),
            (&["get", "not-a-uuid"], ValueValidation),
        ] {
            assert_eq!(parse(bad).unwrap_err().kind(), kind, "{bad:?}");
        }
        let err = parse(&["get"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn errors_show_what_is_known() {
        let error = JobError {
            code: Some("upstream_5xx".into()),
            message: Some("boom".into()),
            upstream_status: Some(500),
        };
        assert_eq!(error_text(&error), "upstream_5xx: HTTP 500: boom");
        let empty = JobError {
            code: None,
            message: Some(String::new()),
            upstream_status: None,
        };
        assert_eq!(error_text(&empty), "-");
    }
}

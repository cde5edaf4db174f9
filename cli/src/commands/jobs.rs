//! `orchctl jobs get | list`: look at the jobs of any tenant (`read`).
//!
//! The job table and the one-job view (`views`) are shared with `orchctl dlq`, whose rows are
//! jobs too.

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};
use orch_core::api::jobs::AdminJobListQuery;
use orch_core::config::model::QUEUES;
use orch_core::tenant::TenantSlug;
use uuid::Uuid;

use crate::commands::args::{PageArgs, parse_tenant};
use crate::commands::views::{print_job, print_jobs};
use crate::error::CliError;
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
    #[command(flatten)]
    pub page: PageArgs,
}

pub async fn run(args: &JobsArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    match &args.command {
        JobsCommand::Get(get) => {
            let session = ctx.session().await?;
            let job = session.client.get_job(get.id).await?;
            print_job(ctx, &job)
        }
        JobsCommand::List(list) => {
            let query = AdminJobListQuery {
                tenant: list.tenant.as_ref().map(|t| t.as_str().to_owned()),
                queue: list.queue.clone(),
                status: list.status.clone(),
                limit: list.page.limit,
                cursor: None,
            };
            let session = ctx.session().await?;
            let jobs = list
                .page
                .collect(
                    ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
                    &query,
                    async |query| session.client.list_jobs(&query).await,
                )
                .await?;
            print_jobs(ctx, &jobs)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;
    use orch_core::api::jobs::JobError;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;
    use crate::commands::views::error_text;

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

//! How API objects that more than one command shows are printed: a page of any list, jobs
//! (`jobs`, `dlq`), the
//! operator (`whoami`, `login`), scope lists (`clients`, `impersonate`).

use orch_core::api::auth::WhoAmI;
use orch_core::api::jobs::{JobError, JobView};
use orch_core::api::list::Page;
use orch_core::rbac::Scope;

use crate::error::CliError;
use crate::output::{self, OutputFormat};
use crate::session::Ctx;

/// A page of a list: a table of `header` and a row of `cells` per item (and a hint on stderr
/// when more pages follow), or the API's page as JSON/YAML.
pub fn print_page<T: serde::Serialize, const N: usize>(
    ctx: &mut Ctx<'_, '_>,
    page: &Page<T>,
    header: [&str; N],
    cells: impl Fn(&T) -> Vec<String>,
) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let mut table = output::table(header);
            for item in &page.items {
                table.add_row(cells(item));
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

/// A page of jobs.
pub fn print_jobs(ctx: &mut Ctx<'_, '_>, page: &Page<JobView>) -> Result<(), CliError> {
    let header = [
        "ID",
        "TENANT",
        "QUEUE",
        "STATUS",
        "ATTEMPTS",
        "CONNECTOR",
        "LAST ERROR",
        "UPDATED",
    ];
    print_page(ctx, page, header, |job| {
        vec![
            job.id.to_string(),
            job.tenant.clone(),
            job.queue.clone(),
            job.status.clone(),
            format!("{}/{}", job.attempts, job.max_attempts),
            operation(job),
            output::or_dash(job.last_error.as_ref().map(error_text)),
            output::time(job.updated_at),
        ]
    })
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

/// Prints `me`: the API object as JSON/YAML, or a field list naming the server and context.
pub fn print_whoami(
    ctx: &mut Ctx<'_, '_>,
    me: &WhoAmI,
    server: &str,
    context: Option<&str>,
) -> Result<(), CliError> {
    match ctx.format() {
        OutputFormat::Table => {
            let permissions: Vec<&str> = me.permissions.iter().map(|p| p.as_str()).collect();
            let table = output::fields([
                ("operator", me.operator.name.clone()),
                ("id", me.operator.id.to_string()),
                ("role", me.operator.role.to_string()),
                ("permissions", permissions.join(", ")),
                ("token expires", output::time(me.token_expires_at)),
                ("server", server.trim_end_matches('/').to_owned()),
                ("context", output::or_dash(context)),
            ]);
            output::write_table(ctx.io.stdout, &table)
        }
        format => output::write_data(ctx.io.stdout, format, me),
    }
}

/// Scopes as one cell: `execute,jobs:read`.
pub fn scopes_text(scopes: &[Scope]) -> String {
    let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    names.join(",")
}

//! `orchctl trace TRACE_ID`: everything recorded for one trace, as a tree — webhook
//! deliveries (inbox rows), the jobs they or the request made, each job's runs (its calls
//! upstream), then the trace's events in order. orchd assembles it
//! (`GET /v1/admin/traces/{trace_id}`, `read`); a trace longer than orchd shows is cut, and
//! the tree says so on stderr.

use clap::Args;
use orch_core::api::jobs::{JobView, RunView};
use orch_core::api::traces::{JobNode, TraceView};
use orch_core::trace::TraceId;

use crate::error::CliError;
use crate::output::{self, OutputFormat};
use crate::session::Ctx;

/// Show everything recorded for one trace: webhook → job → runs, and its events
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// The trace id: 32 hex digits, as in `X-Trace-Id` and every log line
    #[arg(value_name = "TRACE_ID", value_parser = parse_trace_id)]
    pub trace_id: String,
}

fn parse_trace_id(s: &str) -> Result<String, String> {
    TraceId::from_hex(&s.trim().to_ascii_lowercase())
        .map(|id| id.to_hex())
        .ok_or_else(|| "a trace id is 32 hex digits, not all zero".to_owned())
}

pub async fn run(args: &TraceArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let trace = session.client.get_trace(&args.trace_id).await?;
    match ctx.format() {
        OutputFormat::Table => {
            output::write_line(ctx.io.stdout, &render_tree(&trace))?;
            if trace.truncated {
                output::write_line(
                    ctx.io.stderr,
                    "The trace holds more than orchd shows at once: the oldest deliveries, \
                     jobs and events and the newest runs of each job are listed.",
                )?;
            }
            Ok(())
        }
        format => output::write_data(ctx.io.stdout, format, &trace),
    }
}

/// The tree: inbox rows with their jobs, jobs of no inbox row, then the events.
pub fn render_tree(t: &TraceView) -> String {
    let tree = t.tree();
    let mut lines = vec![format!("trace {}", t.trace_id)];
    let mut roots: Vec<Vec<String>> = Vec::new();
    for delivery in &tree.deliveries {
        let row = delivery.inbox;
        let mut node = vec![format!(
            "webhook {} {} {} · {} · {} · inbox {}",
            row.provider, row.event_id, row.event_type, row.tenant, row.status, row.id
        )];
        node.extend(children(delivery.jobs.iter().map(job_node).collect()));
        roots.push(node);
    }
    for job in &tree.jobs {
        roots.push(job_node(job));
    }
    let mut events = vec![format!("events ({})", t.events.len())];
    events.extend(children(
        t.events
            .iter()
            .map(|e| {
                let time =
                    e.ts.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default();
                vec![format!("{time} {} {}", e.kind, e.message)]
            })
            .collect(),
    ));
    roots.push(events);
    lines.extend(children(roots));
    lines.join("\n")
}

fn job_node(node: &JobNode<'_>) -> Vec<String> {
    let job: &JobView = node.job;
    let what = match (&job.connector, &job.operation) {
        (Some(c), Some(o)) => format!(" {c}.{o}"),
        _ => String::new(),
    };
    let mut node = vec![format!(
        "job {} {}{what} on {} · {} · {}/{} attempts",
        job.id, job.kind, job.queue, job.status, job.attempts, job.max_attempts
    )];
    node.extend(children(
        job.runs.iter().map(|r| vec![run_line(r)]).collect(),
    ));
    node
}

fn run_line(run: &RunView) -> String {
    let mut parts = vec![
        format!("run {}", run.attempt),
        run.outcome.clone().unwrap_or_else(|| "running".to_owned()),
    ];
    let status = run
        .upstream_status
        .or_else(|| run.error.as_ref().and_then(|e| e.upstream_status))
        .map(|s| format!("HTTP {s}"));
    let code = run.error.as_ref().and_then(|e| e.code.clone());
    let detail: Vec<String> = [status, code].into_iter().flatten().collect();
    if !detail.is_empty() {
        parts.push(detail.join(" "));
    }
    if let Some(ms) = run.duration_ms {
        parts.push(format!("{ms} ms"));
    }
    parts.push(format!("worker {}", run.worker));
    parts.join(" · ")
}

/// Indents child nodes under their parent with box-drawing branches.
fn children(nodes: Vec<Vec<String>>) -> Vec<String> {
    let count = nodes.len();
    let mut out = Vec::new();
    for (i, node) in nodes.into_iter().enumerate() {
        let last = i + 1 == count;
        for (j, line) in node.into_iter().enumerate() {
            let prefix = match (j, last) {
                (0, false) => "├─ ",
                (0, true) => "└─ ",
                (_, false) => "│  ",
                (_, true) => "   ",
            };
            out.push(format!("{prefix}{line}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_are_32_hex_digits() {
        assert_eq!(
            parse_trace_id("4BF92F3577B34DA6A3CE929D0E0E4736").unwrap(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert!(parse_trace_id("4bf92f35").is_err());
        assert!(parse_trace_id(&"0".repeat(32)).is_err());
        assert!(parse_trace_id(&"g".repeat(32)).is_err());
    }

    #[test]
    fn branches_nest() {
        let tree = children(vec![
            vec!["a".into(), "└─ a1".into()],
            vec!["b".into(), "├─ b1".into(), "└─ b2".into()],
        ]);
        assert_eq!(
            tree,
            vec!["├─ a", "│  └─ a1", "└─ b", "   ├─ b1", "   └─ b2"]
        );
    }
}

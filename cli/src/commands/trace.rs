//! `orchctl trace TRACE_ID`: everything recorded for one trace, as a tree — webhook
//! deliveries (inbox rows), the jobs they or the request made, each job's runs (its calls
//! upstream), then the trace's events in order. Built from the event log's `trace_id`
//! filter, then each inbox row and job read by id (`read`).

use clap::Args;
use orch_core::api::events::{EventListQuery, EventView};
use orch_core::api::inbox::InboxView;
use orch_core::api::jobs::{JobView, RunView};
use orch_core::api::list::MAX_LIMIT;
use serde::Serialize;
use uuid::Uuid;

use crate::commands::args::collect_pages;
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
    let id = s.trim().to_ascii_lowercase();
    if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && id != "0".repeat(32) {
        Ok(id)
    } else {
        Err("a trace id is 32 hex digits, not all zero".to_owned())
    }
}

/// The trace as `-o json|yaml` prints it.
#[derive(Debug, Serialize)]
pub struct TraceView {
    pub trace_id: String,
    pub inbox: Vec<InboxView>,
    pub jobs: Vec<JobView>,
    pub events: Vec<EventView>,
}

pub async fn run(args: &TraceArgs, ctx: &mut Ctx<'_, '_>) -> Result<(), CliError> {
    let session = ctx.session().await?;
    let query = EventListQuery {
        trace_id: Some(args.trace_id.clone()),
        limit: Some(MAX_LIMIT),
        ..EventListQuery::default()
    };
    let mut events = collect_pages(
        true,
        None,
        ctx.io.is_terminal.then_some(&mut *ctx.io.stderr),
        |cursor| {
            let query = EventListQuery {
                cursor,
                ..query.clone()
            };
            let client = session.client.clone();
            async move { client.list_events(&query).await }
        },
    )
    .await?
    .items;
    if events.is_empty() {
        return Err(CliError::NotFound(format!(
            "nothing is recorded for trace {}",
            args.trace_id
        )));
    }
    events.sort_by_key(|e| e.id);
    let mut inbox = Vec::new();
    for id in first_seen(events.iter().filter_map(|e| e.inbox_id)) {
        inbox.push(session.client.get_inbox(id, false).await?);
    }
    // Jobs named by events, and those of the inbox rows (a replay's job may have no event
    // of this trace yet).
    let job_ids = first_seen(
        events
            .iter()
            .filter_map(|e| e.job_id)
            .chain(inbox.iter().flat_map(|row| row.job_ids.iter().copied())),
    );
    let mut jobs = Vec::new();
    for id in job_ids {
        jobs.push(session.client.get_job(id).await?);
    }
    let trace = TraceView {
        trace_id: args.trace_id.clone(),
        inbox,
        jobs,
        events,
    };
    match ctx.format() {
        OutputFormat::Table => output::write_line(ctx.io.stdout, &render_tree(&trace)),
        format => output::write_data(ctx.io.stdout, format, &trace),
    }
}

/// The ids in the order they first appear, each once.
fn first_seen(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The tree: inbox rows with their jobs, jobs of no inbox row, then the events.
pub fn render_tree(t: &TraceView) -> String {
    let mut lines = vec![format!("trace {}", t.trace_id)];
    let linked: Vec<Uuid> = t.inbox.iter().flat_map(|r| r.job_ids.clone()).collect();
    let loose: Vec<&JobView> = t.jobs.iter().filter(|j| !linked.contains(&j.id)).collect();
    let mut roots: Vec<Vec<String>> = Vec::new();
    for row in &t.inbox {
        let mut node = vec![format!(
            "webhook {} {} {} · {} · {} · inbox {}",
            row.provider, row.event_id, row.event_type, row.tenant, row.status, row.id
        )];
        let jobs: Vec<&JobView> = t
            .jobs
            .iter()
            .filter(|j| row.job_ids.contains(&j.id))
            .collect();
        node.extend(children(jobs.iter().map(|j| job_node(j)).collect()));
        roots.push(node);
    }
    for job in loose {
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

fn job_node(job: &JobView) -> Vec<String> {
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
    if let Some(e) = &run.error {
        let status = e.upstream_status.map(|s| s.to_string());
        let detail: Vec<String> = [status, e.code.clone()].into_iter().flatten().collect();
        if !detail.is_empty() {
            parts.push(detail.join(" "));
        }
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

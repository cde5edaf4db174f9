//! `GET /console/jobs/{id}`: one job of any tenant, read through the service behind
//! `GET /v1/admin/jobs/{id}` (`state.jobs.get`), with its runs; and the runs table the
//! trace page shares with it ([`runs_table`]).
//!
//! A [`JobView`] carries no params or payload, so nothing here needs `payloads.read`; were
//! one added to the view, this page would have to gate it on `Permission::PayloadsRead`.

use super::error::ConsoleResult;
use super::layout::Nav;
use super::session::ConsoleOperator;
use super::view::{status_badge, trace_link, when};
use crate::http::{AppError, AppState};
use axum::extract::{Path, State};
use maud::{Markup, html};
use orch_core::api::jobs::{JobError, JobView, RunView};

/// `GET /console/jobs/{id}`: 404 for an unknown job (or an id that is not one).
pub async fn page(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    Path(id): Path<String>,
) -> ConsoleResult<Markup> {
    let job = state.jobs.get(None, &id).await.map_err(AppError::from)?;
    Ok(operator.page(Nav::None, &format!("Job {}", job.id), job_page(&job)))
}

fn job_page(job: &JobView) -> Markup {
    html! {
        h1 { "Job " code { (job.id) } }
        dl #job .facts {
            dt { "Tenant" } dd.tenant { (job.tenant) }
            dt { "Kind" } dd.kind { (job.kind) }
            dt { "Queue" } dd.queue { (job.queue) }
            dt { "Status" } dd.status { (status_badge(&job.status)) }
            dt { "Attempts" } dd.attempts { (job.attempts) " / " (job.max_attempts) }
            @if let Some(connector) = &job.connector {
                dt { "Operation" }
                dd.operation { (connector) @if let Some(op) = &job.operation { "." (op) } }
            }
            dt { "Created" } dd.created { (when(job.created_at)) }
            dt { "Updated" } dd.updated { (when(job.updated_at)) }
            dt { "Runs at" } dd.run-at { (when(job.run_at)) }
            @if job.status == "dead" {
                // The view has no separate death time: a dead job's last change is its death.
                dt { "Dead since" } dd.dead { (when(job.updated_at)) }
            }
            @if job.trace_id.is_some() {
                dt { "Trace" } dd.trace { (trace_link(job.trace_id.as_deref())) }
            }
            @if let Some(key) = &job.dedupe_key {
                dt { "Dedupe key" } dd.dedupe { code { (key) } }
            }
            @if let Some(error) = &job.last_error {
                dt { "Last error" } dd.error { (error_text(error)) }
            }
            @if let Some(by) = job.impersonated_by {
                dt { "Impersonated by" }
                dd.impersonation {
                    (by)
                    @if let Some(id) = job.impersonation_id { " (impersonation " (id) ")" }
                }
            }
        }
        h2 { "Runs" }
        (runs_table(&job.runs))
    }
}

/// A job's runs, oldest attempt first: one `tr.run` per attempt. Shared with the trace page.
pub fn runs_table(runs: &[RunView]) -> Markup {
    html! {
        @if runs.is_empty() {
            p.empty { "No runs yet." }
        } @else {
            table.runs {
                thead {
                    tr {
                        th { "Attempt" } th { "Outcome" } th { "Upstream status" }
                        th { "Duration ms" } th { "Started" } th { "Worker" } th { "Error" }
                    }
                }
                tbody {
                    @for run in runs {
                        tr.run data-attempt=(run.attempt) {
                            td.attempt { (run.attempt) }
                            td.outcome { (run.outcome.as_deref().unwrap_or("running")) }
                            td.upstream {
                                (run.upstream_status
                                    .or_else(|| run.error.as_ref().and_then(|e| e.upstream_status))
                                    .map_or_else(|| "-".to_owned(), |s| s.to_string()))
                            }
                            td.duration {
                                (run.duration_ms.map_or_else(|| "-".to_owned(), |d| d.to_string()))
                            }
                            td.started { (when(run.started_at)) }
                            td.worker { (run.worker) }
                            td.error {
                                @if let Some(error) = &run.error { (error_text(error)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `code: message`, either part alone when the other is missing.
fn error_text(error: &JobError) -> String {
    match (&error.code, &error.message) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(text), None) | (None, Some(text)) => text.clone(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;

    fn run(attempt: i32, error: Option<JobError>) -> RunView {
        RunView {
            attempt,
            worker: "w1".into(),
            started_at: OffsetDateTime::UNIX_EPOCH,
            finished_at: None,
            duration_ms: Some(12),
            outcome: Some("failed".into()),
            upstream_status: None,
            error,
        }
    }

    #[test]
    fn runs_show_their_attempt_status_and_escaped_error() {
        let error = JobError {
            code: Some("upstream_5xx".into()),
            message: Some("</script><img src=x onerror=alert(1)>".into()),
            upstream_status: Some(503),
        };
        let html = runs_table(&[run(1, Some(error)), run(2, None)]).into_string();
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("upstream_5xx: &lt;/script&gt;&lt;img"),
            "{html}"
        );
        assert!(html.contains("<td class=\"upstream\">503</td>"), "{html}");
        assert!(html.contains("<td class=\"duration\">12</td>"), "{html}");
        assert!(html.find("data-attempt=\"1\"") < html.find("data-attempt=\"2\""));
        assert!(runs_table(&[]).into_string().contains("No runs yet."));
    }
}

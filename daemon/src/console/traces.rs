//! `GET /console/traces/{trace_id}`: one trace's story, read by the service behind
//! `GET /v1/admin/traces/{trace_id}` (`state.traces.get`) and shown as its tree
//! (`TraceView::tree`): each delivery (`section.delivery`) → its jobs (`.job`) → their runs
//! (`table.runs tr.run`) and events (`.events li`); then the jobs of no delivery, then the
//! trace's other events. A bad id is a 400 page, an unknown trace a 404 page (the service's
//! errors, through `AppError`).

use axum::extract::{Path, State};
use maud::{Markup, html};
use orch_core::api::events::EventView;
use orch_core::api::inbox::InboxView;
use orch_core::api::traces::{DeliveryNode, JobNode, TraceView};

use super::error::ConsoleResult;
use super::events::event_row;
use super::jobs::runs_table;
use super::layout::Nav;
use super::session::ConsoleOperator;
use super::view::{status_badge, when};
use crate::http::{AppError, AppState};

/// `GET /console/traces/{trace_id}`.
pub async fn page(
    State(state): State<AppState>,
    operator: ConsoleOperator,
    Path(trace_id): Path<String>,
) -> ConsoleResult<Markup> {
    let view = state.traces.get(&trace_id).await.map_err(AppError::from)?;
    Ok(operator.page(
        Nav::None,
        &format!("Trace {}", view.trace_id),
        trace_page(&view),
    ))
}

fn trace_page(view: &TraceView) -> Markup {
    let tree = view.tree();
    html! {
        h1 { "Trace " code { (view.trace_id) } }
        p {
            a href={ "/console/events?trace_id=" (view.trace_id) } { "Tail this trace's events" }
        }
        @if view.truncated {
            p #truncated .notice.truncated role="status" {
                "This trace holds more than is shown: only its oldest events, deliveries and \
                 jobs, and each job's newest runs."
            }
        }
        @for delivery in &tree.deliveries {
            (delivery_section(delivery))
        }
        @if !tree.jobs.is_empty() {
            section.loose-jobs {
                h2 { "Jobs of no delivery" }
                @for job in &tree.jobs { (job_block(job)) }
            }
        }
        @if !tree.events.is_empty() {
            section.other-events {
                h2 { "Other events" }
                (events_list(&tree.events))
            }
        }
    }
}

fn delivery_section(node: &DeliveryNode<'_>) -> Markup {
    let row: &InboxView = node.inbox;
    html! {
        section.delivery data-id=(row.id) {
            h2 {
                "Delivery "
                a href={ "/console/inbox/" (row.id) } { (row.provider) " " (row.event_id) }
            }
            dl.facts {
                dt { "Provider" } dd.provider { (row.provider) }
                dt { "Type" } dd.type { (row.event_type) }
                dt { "Event id" } dd.event-id { code { (row.event_id) } }
                dt { "Tenant" } dd.tenant { (row.tenant) }
                dt { "Status" } dd.status { (status_badge(&row.status)) }
                dt { "Received" } dd.received { (when(row.received_at)) }
                @if let Some(note) = &row.note {
                    dt { "Note" } dd.note { (note) }
                }
            }
            @for job in &node.jobs { (job_block(job)) }
            @if node.jobs.is_empty() {
                p.empty { "No job of this delivery is in the view." }
            }
        }
    }
}

fn job_block(node: &JobNode<'_>) -> Markup {
    let job = node.job;
    html! {
        div.job data-id=(job.id) {
            h3 {
                "Job "
                a href={ "/console/jobs/" (job.id) } { code { (job.id) } }
            }
            p.facts {
                span.queue { "queue " (job.queue) } " · "
                span.status { (status_badge(&job.status)) } " · "
                span.attempts { "attempts " (job.attempts) " / " (job.max_attempts) }
                @if let Some(connector) = &job.connector {
                    " · " span.operation {
                        (connector) @if let Some(op) = &job.operation { "." (op) }
                    }
                }
            }
            (runs_table(&job.runs))
            @if !node.events.is_empty() {
                (events_list(&node.events))
            }
        }
    }
}

fn events_list(events: &[&EventView]) -> Markup {
    html! {
        ol.events {
            @for event in events { (event_row(event)) }
        }
    }
}

//! One trace's story (`GET /v1/admin/traces/{trace_id}`): the webhook deliveries (inbox
//! rows) of the trace, the jobs they or the request made with their runs, and the trace's
//! events in log order — read once by orchd, shown by `orchctl trace` and the console.
//!
//! A trace can be huge (one operator request that replays a whole DLQ), so the view is
//! bounded by the `MAX_TRACE_*` limits and says when it was cut ([`TraceView::truncated`]).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::events::EventView;
use crate::api::inbox::InboxView;
use crate::api::jobs::JobView;

/// Events shown of one trace (the oldest ones).
pub const MAX_TRACE_EVENTS: usize = 1_000;
/// Deliveries shown of one trace (the oldest ones).
pub const MAX_TRACE_DELIVERIES: usize = 100;
/// Jobs shown of one trace (the oldest ones).
pub const MAX_TRACE_JOBS: usize = 100;
/// Runs shown of one job (the newest ones).
pub const MAX_TRACE_RUNS_PER_JOB: usize = 50;

/// `GET /v1/admin/traces/{trace_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceView {
    /// 32 lower-case hex digits.
    pub trace_id: String,
    /// The deliveries of the trace, and those its events name, oldest first; no payloads.
    pub inbox: Vec<InboxView>,
    /// The jobs of the trace, those its events name and those of its deliveries (a replay's
    /// job belongs to another trace but to the same delivery), oldest first, with their runs.
    pub jobs: Vec<JobView>,
    /// The trace's events, in log order.
    pub events: Vec<EventView>,
    /// True when the trace holds more than the view shows: more than
    /// [`MAX_TRACE_EVENTS`] events, [`MAX_TRACE_DELIVERIES`] deliveries, [`MAX_TRACE_JOBS`]
    /// jobs or [`MAX_TRACE_RUNS_PER_JOB`] runs of a job.
    #[serde(default)]
    pub truncated: bool,
}

/// A trace as a page shows it: each delivery with its jobs, the jobs of no delivery, and
/// each job with its events. Borrowed from a [`TraceView`] ([`TraceView::tree`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TraceTree<'a> {
    pub deliveries: Vec<DeliveryNode<'a>>,
    /// Jobs of no delivery of the view (enqueued through the API, replayed from the DLQ).
    pub jobs: Vec<JobNode<'a>>,
    /// Events of no job of the view (a duplicate delivery, a refusal, a config change).
    pub events: Vec<&'a EventView>,
}

/// A delivery and the jobs that processed it, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryNode<'a> {
    pub inbox: &'a InboxView,
    pub jobs: Vec<JobNode<'a>>,
}

/// A job (its runs are [`JobView::runs`]) and its events of this trace, in log order.
#[derive(Debug, Clone, PartialEq)]
pub struct JobNode<'a> {
    pub job: &'a JobView,
    pub events: Vec<&'a EventView>,
}

impl TraceView {
    /// The view as a tree: delivery → jobs → (runs, events). A job hangs under the
    /// delivery whose `job_ids` name it; the others are [`TraceTree::jobs`].
    pub fn tree(&self) -> TraceTree<'_> {
        let node = |job| self.job_node(job);
        let deliveries = self
            .inbox
            .iter()
            .map(|row| DeliveryNode {
                inbox: row,
                jobs: self
                    .jobs
                    .iter()
                    .filter(|j| row.job_ids.contains(&j.id))
                    .map(node)
                    .collect(),
            })
            .collect();
        let of_a_delivery = |id: Uuid| self.inbox.iter().any(|r| r.job_ids.contains(&id));
        let jobs = self
            .jobs
            .iter()
            .filter(|j| !of_a_delivery(j.id))
            .map(node)
            .collect();
        let events = self
            .events
            .iter()
            .filter(|e| {
                e.job_id
                    .is_none_or(|id| !self.jobs.iter().any(|j| j.id == id))
            })
            .collect();
        TraceTree {
            deliveries,
            jobs,
            events,
        }
    }

    fn job_node<'a>(&'a self, job: &'a JobView) -> JobNode<'a> {
        JobNode {
            job,
            events: self.events_of_job(job.id).collect(),
        }
    }

    /// The events of this trace about one job, in log order.
    pub fn events_of_job(&self, job: Uuid) -> impl Iterator<Item = &EventView> {
        self.events.iter().filter(move |e| e.job_id == Some(job))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::OffsetDateTime;

    use super::*;

    fn job(id: Uuid) -> JobView {
        let at = OffsetDateTime::UNIX_EPOCH;
        JobView {
            id,
            tenant: "acme".into(),
            queue: "webhook".into(),
            kind: "webhook".into(),
            status: "succeeded".into(),
            attempts: 1,
            max_attempts: 5,
            created_at: at,
            updated_at: at,
            run_at: at,
            trace_id: None,
            connector: None,
            operation: None,
            dedupe_key: None,
            last_error: None,
            impersonated_by: None,
            impersonation_id: None,
            runs: Vec::new(),
        }
    }

    fn event(id: i64, job: Option<Uuid>) -> EventView {
        EventView {
            id,
            ts: OffsetDateTime::UNIX_EPOCH,
            kind: "job.succeeded".into(),
            tenant: None,
            connector: None,
            operation: None,
            trace_id: None,
            request_id: None,
            job_id: job,
            inbox_id: None,
            message: String::new(),
            data: json!({}),
        }
    }

    #[test]
    fn jobs_hang_under_their_delivery_and_events_under_their_job() {
        let (first, replay, loose) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let row = InboxView {
            id: Uuid::from_u128(9),
            tenant: "acme".into(),
            provider: "stripe".into(),
            event_id: "evt_1".into(),
            event_type: "invoice.paid".into(),
            status: "processed".into(),
            received_at: OffsetDateTime::UNIX_EPOCH,
            processed_at: None,
            job_ids: vec![first, replay],
            trace_id: None,
            payload_size: 2,
            note: None,
            request_headers: None,
            payload: None,
        };
        let view = TraceView {
            trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
            inbox: vec![row],
            jobs: vec![job(first), job(replay), job(loose)],
            events: vec![
                event(1, Some(first)),
                event(2, None),
                event(3, Some(loose)),
                event(4, Some(first)),
                event(5, Some(Uuid::from_u128(77))),
            ],
            truncated: false,
        };
        let tree = view.tree();
        assert_eq!(tree.deliveries.len(), 1);
        let under: Vec<Uuid> = tree.deliveries[0].jobs.iter().map(|n| n.job.id).collect();
        assert_eq!(under, vec![first, replay]);
        let ids = |events: &[&EventView]| events.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(&tree.deliveries[0].jobs[0].events), vec![1, 4]);
        assert!(tree.deliveries[0].jobs[1].events.is_empty());
        assert_eq!(tree.jobs.len(), 1);
        assert_eq!(tree.jobs[0].job.id, loose);
        assert_eq!(ids(&tree.jobs[0].events), vec![3]);
        // Events of no job, and of a job the view does not hold.
        assert_eq!(ids(&tree.events), vec![2, 5]);
    }

    #[test]
    fn truncated_defaults_to_false_on_the_wire() {
        let view: TraceView = serde_json::from_value(json!({
            "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
            "inbox": [], "jobs": [], "events": []
        }))
        .unwrap();
        assert!(!view.truncated);
    }
}

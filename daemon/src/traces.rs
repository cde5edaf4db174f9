//! One trace's story, read once for the admin API (`GET /v1/admin/traces/{trace_id}`),
//! `orchctl trace` and the console: the trace's events in log order, its deliveries (inbox
//! rows of the trace and those its events name), its jobs (of the trace, named by its
//! events, or of its deliveries — a replay's job carries the replaying request's trace) and
//! each job's newest runs.
//!
//! Every read is bounded (`orch_core::api::traces::MAX_TRACE_*`): a trace with more is cut
//! and marked `truncated`, so a huge trace costs a few bounded queries, never memory in
//! proportion to its size. The reads are separate statements, not one snapshot: a job may
//! show a newer state than the last event read of it, as with any live view.

use std::collections::BTreeMap;
use std::sync::Arc;

use orch_core::api::list::MAX_LIMIT;
use orch_core::api::traces::{
    MAX_TRACE_DELIVERIES, MAX_TRACE_EVENTS, MAX_TRACE_JOBS, MAX_TRACE_RUNS_PER_JOB, TraceView,
};
use orch_core::trace::TraceId;
use uuid::Uuid;

use crate::events::{EventQuery, EventRecord};
use crate::model::inbox::{InboxQuery, InboxRecord};
use crate::model::jobs::{JobQuery, JobRecord, RunRecord};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The id is not a W3C trace id (the message says what one is).
    #[error("must be a W3C trace id: 32 hex digits, not all zero")]
    InvalidId,
    /// Nothing (no event, delivery or job) is recorded for the trace.
    #[error("nothing is recorded for trace {0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads traces; cheap to clone.
#[derive(Clone)]
pub struct TraceService {
    store: Arc<dyn Store>,
}

/// What one bounded read found, and whether there was more.
struct Bounded<T> {
    items: Vec<T>,
    truncated: bool,
}

impl TraceService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// The trace `trace_id` (hex, any case). `InvalidId` for anything but a trace id,
    /// `NotFound` when nothing is recorded for it.
    pub async fn get(&self, trace_id: &str) -> Result<TraceView, TraceError> {
        let trace = TraceId::from_hex(&trace_id.to_ascii_lowercase())
            .ok_or(TraceError::InvalidId)?
            .to_hex();
        let events = self.events(&trace).await?;
        let inbox = self.deliveries(&trace, &events.items).await?;
        let jobs = self.jobs(&trace, &events.items, &inbox.items).await?;
        if events.items.is_empty() && inbox.items.is_empty() && jobs.items.is_empty() {
            return Err(TraceError::NotFound(trace));
        }
        let (runs, runs_cut) = self.runs(&jobs.items).await?;
        Ok(TraceView {
            truncated: events.truncated || inbox.truncated || jobs.truncated || runs_cut,
            trace_id: trace,
            inbox: inbox.items.iter().map(|r| r.view(None)).collect(),
            jobs: jobs
                .items
                .iter()
                .map(|j| j.view(runs.get(&j.id).map_or(&[], Vec::as_slice)))
                .collect(),
            events: events.items.iter().map(EventRecord::view).collect(),
        })
    }

    /// The trace's oldest events, in log order, page by page.
    async fn events(&self, trace: &str) -> Result<Bounded<EventRecord>, StoreError> {
        let mut items: Vec<EventRecord> = Vec::new();
        loop {
            // One more than shown, to know whether there is more.
            let wanted = (MAX_TRACE_EVENTS + 1 - items.len()).min(MAX_LIMIT as usize);
            let page = self
                .store
                .list_events(&EventQuery {
                    trace_id: Some(trace.to_owned()),
                    after_id: Some(items.last().map_or(0, |e| e.id)),
                    limit: u32::try_from(wanted).unwrap_or(MAX_LIMIT),
                    ..EventQuery::default()
                })
                .await?;
            let last_page = page.len() < wanted;
            items.extend(page);
            if last_page || items.len() > MAX_TRACE_EVENTS {
                break;
            }
        }
        Ok(cut(items, MAX_TRACE_EVENTS))
    }

    /// The deliveries of the trace and those its events name, oldest first.
    async fn deliveries(
        &self,
        trace: &str,
        events: &[EventRecord],
    ) -> Result<Bounded<InboxRecord>, StoreError> {
        let mut rows = self
            .store
            .list_inbox(&InboxQuery {
                trace_id: Some(trace.to_owned()),
                limit: limit_of(MAX_TRACE_DELIVERIES + 1),
                ..InboxQuery::default()
            })
            .await?;
        let named = missing(
            events.iter().filter_map(|e| e.event.inbox_id),
            rows.iter().map(|r| r.id),
            MAX_TRACE_DELIVERIES + 1,
        );
        if !named.is_empty() {
            rows.extend(
                self.store
                    .list_inbox(&InboxQuery {
                        limit: limit_of(named.len()),
                        ids: named,
                        ..InboxQuery::default()
                    })
                    .await?,
            );
        }
        rows.sort_by_key(|r| r.id);
        Ok(cut(rows, MAX_TRACE_DELIVERIES))
    }

    /// The jobs of the trace, those its events name and those of its deliveries, oldest
    /// first.
    async fn jobs(
        &self,
        trace: &str,
        events: &[EventRecord],
        deliveries: &[InboxRecord],
    ) -> Result<Bounded<JobRecord>, StoreError> {
        let mut jobs = self
            .store
            .list_jobs(&JobQuery {
                trace_id: Some(trace.to_owned()),
                limit: limit_of(MAX_TRACE_JOBS + 1),
                ..JobQuery::default()
            })
            .await?;
        let named = missing(
            events
                .iter()
                .filter_map(|e| e.event.job_id)
                .chain(deliveries.iter().flat_map(|r| r.job_ids.iter().copied())),
            jobs.iter().map(|j| j.id),
            MAX_TRACE_JOBS + 1,
        );
        if !named.is_empty() {
            jobs.extend(
                self.store
                    .list_jobs(&JobQuery {
                        limit: limit_of(named.len()),
                        ids: named,
                        ..JobQuery::default()
                    })
                    .await?,
            );
        }
        jobs.sort_by_key(|j| j.id);
        Ok(cut(jobs, MAX_TRACE_JOBS))
    }

    /// Each job's newest runs, by job; and whether a job had more.
    async fn runs(
        &self,
        jobs: &[JobRecord],
    ) -> Result<(BTreeMap<Uuid, Vec<RunRecord>>, bool), StoreError> {
        let ids: Vec<Uuid> = jobs.iter().map(|j| j.id).collect();
        let per_job = limit_of(MAX_TRACE_RUNS_PER_JOB + 1);
        let mut by_job: BTreeMap<Uuid, Vec<RunRecord>> = BTreeMap::new();
        for run in self.store.runs_of_jobs(&ids, per_job).await? {
            by_job.entry(run.job_id).or_default().push(run);
        }
        let mut truncated = false;
        for runs in by_job.values_mut() {
            if runs.len() > MAX_TRACE_RUNS_PER_JOB {
                // In attempt order: the oldest go.
                runs.drain(..runs.len() - MAX_TRACE_RUNS_PER_JOB);
                truncated = true;
            }
        }
        Ok((by_job, truncated))
    }
}

/// The first `max` of `items`, and whether there were more.
fn cut<T>(mut items: Vec<T>, max: usize) -> Bounded<T> {
    let truncated = items.len() > max;
    items.truncate(max);
    Bounded { items, truncated }
}

/// The ids of `named` not among `have`, each once, in order, at most `max`.
fn missing(
    named: impl Iterator<Item = Uuid>,
    have: impl Iterator<Item = Uuid>,
    max: usize,
) -> Vec<Uuid> {
    let have: std::collections::HashSet<Uuid> = have.collect();
    let mut out: Vec<Uuid> = Vec::new();
    for id in named {
        if out.len() == max {
            break;
        }
        if !have.contains(&id) && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// A row count as a store limit (every `MAX_TRACE_*` is far below `u32::MAX`).
fn limit_of(rows: usize) -> u32 {
    u32::try_from(rows).unwrap_or(MAX_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_ids_are_new_unique_ordered_and_bounded() {
        let id = Uuid::from_u128;
        let got = missing(
            [id(3), id(1), id(3), id(2), id(4), id(5)].into_iter(),
            [id(1)].into_iter(),
            3,
        );
        assert_eq!(got, vec![id(3), id(2), id(4)]);
        assert!(missing([id(1)].into_iter(), [id(1)].into_iter(), 3).is_empty());
    }

    #[test]
    fn cut_says_whether_anything_was_left_out() {
        let all = cut(vec![1, 2, 3], 3);
        assert_eq!((all.items, all.truncated), (vec![1, 2, 3], false));
        let some = cut(vec![1, 2, 3, 4], 3);
        assert_eq!((some.items, some.truncated), (vec![1, 2, 3], true));
    }
}

//! What dispatch is told about a job: its id, where and when it becomes claimable.

use time::OffsetDateTime;
use uuid::Uuid;

use super::jobs::JobRecord;

/// A job id to make claimable at `run_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchTicket {
    pub queue: String,
    pub tenant: String,
    pub id: Uuid,
    pub run_at: OffsetDateTime,
}

impl DispatchTicket {
    pub fn of(job: &JobRecord) -> Self {
        Self {
            queue: job.queue.clone(),
            tenant: job.tenant_id.clone(),
            id: job.id,
            run_at: job.run_at,
        }
    }
}

//! Live-job counts as the store reads them for quotas.

/// A tenant's live jobs of one kind, per queue, as one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveJobCounts {
    /// `(queue, live jobs)`; queues without any are absent.
    pub per_queue: Vec<(String, i64)>,
    /// Counter deltas not yet folded (always 0 on SQLite).
    pub pending_deltas: u64,
}

impl LiveJobCounts {
    pub fn total(&self) -> u64 {
        let sum: i64 = self.per_queue.iter().map(|(_, n)| *n).sum();
        u64::try_from(sum).unwrap_or(0)
    }

    pub fn queue(&self, queue: &str) -> u64 {
        self.per_queue
            .iter()
            .find(|(q, _)| q == queue)
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    }
}

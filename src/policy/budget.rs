//! A retry budget (Envoy's idea): retries may add at most a fraction of recent traffic, so a
//! struggling upstream is not buried under retry storms. Time is passed in.

use std::collections::VecDeque;
use std::time::Duration;

/// Retries allowed as a share of recent calls.
pub const BUDGET_RATIO: f64 = 0.2;
/// Retries always allowed in a window, so quiet connectors can still retry.
pub const MIN_RETRIES: usize = 3;

#[derive(Debug, Clone)]
pub struct RetryBudget {
    window: Duration,
    calls: VecDeque<Duration>,
    retries: VecDeque<Duration>,
}

impl RetryBudget {
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            calls: VecDeque::new(),
            retries: VecDeque::new(),
        }
    }

    fn prune(&mut self, now: Duration) {
        let horizon = now.saturating_sub(self.window);
        while self.calls.front().is_some_and(|t| *t < horizon) {
            self.calls.pop_front();
        }
        while self.retries.front().is_some_and(|t| *t < horizon) {
            self.retries.pop_front();
        }
    }

    /// Records a first attempt at `now` (time since any fixed origin).
    pub fn record_call(&mut self, now: Duration) {
        self.prune(now);
        self.calls.push_back(now);
    }

    /// Takes a retry from the budget if there is one.
    pub fn try_retry(&mut self, now: Duration) -> bool {
        self.prune(now);
        let allowed = MIN_RETRIES.max((self.calls.len() as f64 * BUDGET_RATIO) as usize);
        if self.retries.len() < allowed {
            self.retries.push_back(now);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_capped_at_a_fifth_of_traffic() {
        let mut b = RetryBudget::new(Duration::from_secs(10));
        let t = Duration::from_secs(100);
        for _ in 0..100 {
            b.record_call(t);
        }
        let granted = (0..100).filter(|_| b.try_retry(t)).count();
        assert_eq!(granted, 20);
        // The window moves on.
        let later = t + Duration::from_secs(11);
        assert!(b.try_retry(later));
    }

    #[test]
    fn quiet_connectors_still_get_a_few() {
        let mut b = RetryBudget::new(Duration::from_secs(10));
        let t = Duration::from_secs(1);
        b.record_call(t);
        assert_eq!((0..10).filter(|_| b.try_retry(t)).count(), MIN_RETRIES);
    }
}

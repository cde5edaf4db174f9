//! The circuit breaker state machine (per tenant + connector), with time passed in.
//!
//! closed → open when, within the window, at least `minimum_calls` were made and the failure
//! rate reached the threshold (slow calls count as failures when configured) → half-open after
//! `open_for`, letting at most `half_open_max_calls` probes through → closed when that many
//! probes succeed, open again on the first probe failure. A probe that never reports back
//! expires after `open_for`, counting as a failure, so the breaker never sticks half-open.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq)]
pub struct BreakerSettings {
    pub failure_rate_threshold: f64,
    pub minimum_calls: u32,
    pub window: Duration,
    pub open_for: Duration,
    pub half_open_max_calls: u32,
    /// Calls slower than this count as failures.
    pub slow_call: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    Closed,
    Open,
    HalfOpen,
}

impl BreakerState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::HalfOpen => "half_open",
        }
    }

    /// The `orch_circuit_breaker_state` gauge value: 0 closed, 1 open, 2 half-open.
    pub fn gauge(self) -> i64 {
        match self {
            Self::Closed => 0,
            Self::Open => 1,
            Self::HalfOpen => 2,
        }
    }
}

/// Permission to make one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    Normal,
    Probe,
}

/// A state change, to be announced (events, metrics, other nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Opened,
    HalfOpened,
    Closed,
}

#[derive(Debug, Clone)]
pub struct Breaker {
    settings: BreakerSettings,
    state: BreakerState,
    /// (time, failed) of recent calls while closed.
    window: VecDeque<(Duration, bool)>,
    opened_at: Option<Duration>,
    /// Start times of probes in flight while half-open.
    probes: Vec<Duration>,
    probe_successes: u32,
}

/// What the admin API shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerView {
    pub state: BreakerState,
    pub calls: usize,
    pub failure_rate: f64,
    pub opened_at: Option<Duration>,
    pub next_probe_at: Option<Duration>,
}

impl Breaker {
    pub fn new(settings: BreakerSettings) -> Self {
        Self {
            settings,
            state: BreakerState::Closed,
            window: VecDeque::new(),
            opened_at: None,
            probes: Vec::new(),
            probe_successes: 0,
        }
    }

    /// Applies new settings (a config change) without losing the state.
    pub fn update_settings(&mut self, settings: BreakerSettings) {
        self.settings = settings;
    }

    pub fn settings(&self) -> &BreakerSettings {
        &self.settings
    }

    fn prune(&mut self, now: Duration) {
        let horizon = now.saturating_sub(self.settings.window);
        while self.window.front().is_some_and(|(t, _)| *t < horizon) {
            self.window.pop_front();
        }
    }

    /// Moves open → half-open when its time is up, and expires forgotten probes.
    fn tick(&mut self, now: Duration) -> Option<Transition> {
        match self.state {
            BreakerState::Open => {
                let due = self.opened_at.map_or(now, |t| t + self.settings.open_for);
                if now >= due {
                    self.state = BreakerState::HalfOpen;
                    self.probes.clear();
                    self.probe_successes = 0;
                    return Some(Transition::HalfOpened);
                }
                None
            }
            BreakerState::HalfOpen => {
                let limit = self.settings.open_for;
                let expired = self
                    .probes
                    .iter()
                    .any(|start| now.saturating_sub(*start) >= limit);
                if expired {
                    self.open(now);
                    return Some(Transition::Opened);
                }
                None
            }
            BreakerState::Closed => None,
        }
    }

    fn open(&mut self, now: Duration) {
        self.state = BreakerState::Open;
        self.opened_at = Some(now);
        self.probes.clear();
        self.probe_successes = 0;
        // The window is kept, so the calls that tripped the breaker can still be seen; it
        // starts over when the breaker closes.
    }

    fn close(&mut self) {
        self.state = BreakerState::Closed;
        self.opened_at = None;
        self.probes.clear();
        self.probe_successes = 0;
        self.window.clear();
    }

    /// May a call go out now? `Err` carries how long until it might.
    pub fn acquire(&mut self, now: Duration) -> (Result<Permit, Duration>, Option<Transition>) {
        let transition = self.tick(now);
        let result = match self.state {
            BreakerState::Closed => Ok(Permit::Normal),
            BreakerState::Open => {
                let due = self.opened_at.map_or(now, |t| t + self.settings.open_for);
                Err(due.saturating_sub(now).max(Duration::from_secs(1)))
            }
            BreakerState::HalfOpen => {
                if self.probes.len() < self.settings.half_open_max_calls as usize {
                    self.probes.push(now);
                    Ok(Permit::Probe)
                } else {
                    Err(Duration::from_secs(1))
                }
            }
        };
        (result, transition)
    }

    /// Records how a permitted call went.
    pub fn record(
        &mut self,
        now: Duration,
        permit: Permit,
        failed: bool,
        took: Duration,
    ) -> Option<Transition> {
        let failed = failed || self.settings.slow_call.is_some_and(|slow| took > slow);
        match (self.state, permit) {
            (BreakerState::HalfOpen, Permit::Probe) => {
                if !self.probes.is_empty() {
                    self.probes.remove(0);
                }
                if failed {
                    self.open(now);
                    return Some(Transition::Opened);
                }
                self.probe_successes += 1;
                if self.probe_successes >= self.settings.half_open_max_calls {
                    self.close();
                    return Some(Transition::Closed);
                }
                None
            }
            (BreakerState::Closed, _) => {
                self.window.push_back((now, failed));
                self.prune(now);
                let calls = self.window.len();
                let failures = self.window.iter().filter(|(_, f)| *f).count();
                if calls >= self.settings.minimum_calls as usize
                    && failures as f64 / calls as f64 >= self.settings.failure_rate_threshold
                {
                    self.open(now);
                    return Some(Transition::Opened);
                }
                None
            }
            // A call that started before the breaker opened, or a stale probe.
            _ => None,
        }
    }

    /// Forces a state (an operator reset, or a transition heard from another node).
    pub fn force(&mut self, state: BreakerState, now: Duration) {
        match state {
            BreakerState::Closed => self.close(),
            BreakerState::Open => self.open(now),
            BreakerState::HalfOpen => {
                self.state = BreakerState::HalfOpen;
                self.probes.clear();
                self.probe_successes = 0;
            }
        }
    }

    pub fn view(&mut self, now: Duration) -> BreakerView {
        self.tick(now);
        self.prune(now);
        let calls = self.window.len();
        let failures = self.window.iter().filter(|(_, f)| *f).count();
        BreakerView {
            state: self.state,
            calls,
            failure_rate: if calls == 0 {
                0.0
            } else {
                failures as f64 / calls as f64
            },
            opened_at: self.opened_at,
            next_probe_at: (self.state == BreakerState::Open)
                .then(|| self.opened_at.map(|t| t + self.settings.open_for))
                .flatten(),
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> BreakerSettings {
        BreakerSettings {
            failure_rate_threshold: 0.5,
            minimum_calls: 4,
            window: Duration::from_secs(30),
            open_for: Duration::from_secs(10),
            half_open_max_calls: 2,
            slow_call: None,
        }
    }

    fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn opens_at_the_threshold_with_enough_calls() {
        let mut b = Breaker::new(settings());
        for (i, failed) in [true, false, true].into_iter().enumerate() {
            assert_eq!(b.acquire(s(i as u64)).0, Ok(Permit::Normal));
            assert_eq!(
                b.record(s(i as u64), Permit::Normal, failed, Duration::ZERO),
                None
            );
        }
        // 4th call: 3 of 4 failed → open.
        assert_eq!(
            b.record(s(3), Permit::Normal, true, Duration::ZERO),
            Some(Transition::Opened)
        );
        let (rejected, _) = b.acquire(s(4));
        assert_eq!(rejected, Err(s(9)));
    }

    #[test]
    fn half_open_probes_close_or_reopen() {
        let mut b = Breaker::new(settings());
        b.force(BreakerState::Open, s(0));
        let (p, t) = b.acquire(s(10));
        assert_eq!((p, t), (Ok(Permit::Probe), Some(Transition::HalfOpened)));
        assert_eq!(b.acquire(s(10)).0, Ok(Permit::Probe));
        assert!(b.acquire(s(10)).0.is_err(), "only two probes at a time");
        assert_eq!(b.record(s(11), Permit::Probe, false, Duration::ZERO), None);
        assert_eq!(
            b.record(s(11), Permit::Probe, false, Duration::ZERO),
            Some(Transition::Closed)
        );
        assert_eq!(b.state(), BreakerState::Closed);

        b.force(BreakerState::Open, s(20));
        assert_eq!(b.acquire(s(30)).0, Ok(Permit::Probe));
        assert_eq!(
            b.record(s(30), Permit::Probe, true, Duration::ZERO),
            Some(Transition::Opened)
        );
        assert!(b.acquire(s(31)).0.is_err());
    }

    #[test]
    fn forgotten_probes_do_not_stick_half_open() {
        let mut b = Breaker::new(settings());
        b.force(BreakerState::Open, s(0));
        assert_eq!(b.acquire(s(10)).0, Ok(Permit::Probe));
        assert_eq!(b.acquire(s(10)).0, Ok(Permit::Probe));
        // Neither probe reports back; after `open_for` they expire and the breaker reopens…
        let (_, t) = b.acquire(s(20));
        assert_eq!(t, Some(Transition::Opened));
        // …and later half-opens again.
        assert_eq!(b.acquire(s(30)).0, Ok(Permit::Probe));
    }

    #[test]
    fn slow_calls_count_as_failures_and_old_calls_leave_the_window() {
        let mut b = Breaker::new(BreakerSettings {
            slow_call: Some(Duration::from_millis(100)),
            ..settings()
        });
        for i in 0..3 {
            b.record(s(i), Permit::Normal, false, Duration::from_millis(500));
        }
        assert_eq!(b.view(s(3)).failure_rate, 1.0);
        // Outside the 30 s window they no longer count.
        assert_eq!(b.view(s(40)).calls, 0);
        assert_eq!(
            b.record(s(40), Permit::Normal, false, Duration::from_millis(500)),
            None
        );
    }
}

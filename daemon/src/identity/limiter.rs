//! A budget of failed credential checks (operator key → token, client credentials), kept in
//! process memory.
//!
//! - **Per client IP** (IPv6 grouped by /64, since one host commonly holds a whole /64):
//!   after `per_ip` failures within `window`, every exchange from that address is answered
//!   429 before any lookup or hashing — even one carrying a valid key for another id. A
//!   flood from one source stops costing anything once its budget is spent.
//! - **Per id** (operator key lookup id or `client_id`): guards only the expensive path, a
//!   row still holding a legacy Argon2 hash. A SHA-256 check costs nothing and 160-bit keys
//!   cannot be guessed, so limiting those ids would only let anyone who knows a (public)
//!   `client_id` lock its tenant out.
//!
//! An attempt counts as a failure from the moment it starts until it succeeds, so a burst of
//! concurrent attempts cannot all slip through before the first failure is recorded. Each
//! map holds at most `max_entries` windows; when full, expired windows go first, then the
//! oldest. Several nodes each keep their own budget: the point is to bound each node's work.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Limits of a [`CredentialLimiter`].
#[derive(Debug, Clone)]
pub struct LimiterConfig {
    pub window: Duration,
    /// Failures allowed per client address and window.
    pub per_ip: u32,
    /// Failed legacy (Argon2) checks allowed per id and window.
    pub per_id: u32,
    /// Most windows kept per map.
    pub max_entries: usize,
}

impl Default for LimiterConfig {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(60),
            per_ip: 50,
            per_id: 10,
            max_entries: 10_000,
        }
    }
}

/// Refused without doing the work: try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many failed attempts; retry in {} s", retry_after.as_secs())]
pub struct Throttled {
    pub retry_after: Duration,
}

/// Failure budgets per client address and per id, plus the one slot for legacy hashing.
#[derive(Debug)]
pub struct CredentialLimiter {
    config: LimiterConfig,
    by_ip: Mutex<Windows<IpAddr>>,
    by_id: Mutex<Windows<String>>,
    /// One legacy Argon2 check at a time per process: each needs ~19 MiB and a core.
    legacy: Semaphore,
}

impl Default for CredentialLimiter {
    fn default() -> Self {
        Self::new(LimiterConfig::default())
    }
}

impl CredentialLimiter {
    pub fn new(config: LimiterConfig) -> Self {
        Self {
            config,
            by_ip: Mutex::new(Windows::default()),
            by_id: Mutex::new(Windows::default()),
            legacy: Semaphore::new(1),
        }
    }

    /// Starts a credential check from `ip` (`None`: unknown peer, no per-IP budget).
    /// `Throttled` if the address has spent its budget; otherwise the attempt counts as a
    /// failure until [`Attempt::succeeded`].
    pub fn begin(&self, ip: Option<IpAddr>) -> Result<Attempt<'_>, Throttled> {
        let ip = ip.map(group);
        let ip_window = match ip {
            Some(ip) => Some(lock(&self.by_ip).take(
                ip,
                self.config.per_ip,
                &self.config,
                Instant::now(),
            )?),
            None => None,
        };
        Ok(Attempt {
            limiter: self,
            ip: ip.zip(ip_window),
            id: None,
        })
    }
}

/// One credential check in progress; dropping it without [`Attempt::succeeded`] leaves it
/// counted as a failure.
#[derive(Debug)]
pub struct Attempt<'a> {
    limiter: &'a CredentialLimiter,
    /// The address and the start of the window this attempt was counted in.
    ip: Option<(IpAddr, Instant)>,
    id: Option<(String, Instant)>,
}

impl Attempt<'_> {
    /// Before expensive (legacy) work on `id`: `Throttled` if the id has spent its budget,
    /// else the attempt is counted against the id too.
    pub fn expensive(&mut self, id: &str) -> Result<(), Throttled> {
        if self.id.is_some() {
            return Ok(());
        }
        let config = &self.limiter.config;
        let started =
            lock(&self.limiter.by_id).take(id.to_owned(), config.per_id, config, Instant::now())?;
        self.id = Some((id.to_owned(), started));
        Ok(())
    }

    /// Waits for the process-wide slot for legacy hashing.
    pub async fn legacy_slot(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed, so this only fails in theory; the caller then
        // hashes without the slot rather than refusing a valid key.
        self.limiter.legacy.acquire().await.ok()
    }

    /// The credential was good: this attempt no longer counts as a failure.
    pub fn succeeded(self) {
        if let Some((ip, started)) = &self.ip {
            lock(&self.limiter.by_ip).forgive(ip, *started);
        }
        if let Some((id, started)) = &self.id {
            lock(&self.limiter.by_id).forgive(id, *started);
        }
    }
}

/// A poisoned lock only means another thread panicked mid-update of plain counters: the
/// counts are still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// IPv4 as is (also when mapped into IPv6); IPv6 by its /64.
fn group(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

/// Fixed windows of failure counts per key, bounded in number.
#[derive(Debug)]
struct Windows<K> {
    map: HashMap<K, Window>,
}

impl<K> Default for Windows<K> {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Windows<K> {
    /// Counts one attempt for `key` unless it already has `limit` in the current window;
    /// returns the start of the window it was counted in.
    fn take(
        &mut self,
        key: K,
        limit: u32,
        config: &LimiterConfig,
        now: Instant,
    ) -> Result<Instant, Throttled> {
        if !self.map.contains_key(&key) && self.map.len() >= config.max_entries {
            self.make_room(config.window, now);
        }
        let w = self.map.entry(key).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(w.started) >= config.window {
            *w = Window {
                started: now,
                count: 0,
            };
        }
        if w.count >= limit {
            let left = config.window.saturating_sub(now.duration_since(w.started));
            // Whole seconds for `Retry-After`, never 0 (that would invite an instant retry).
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(Throttled {
                retry_after: Duration::from_secs(secs.max(1)),
            });
        }
        w.count += 1;
        Ok(w.started)
    }

    /// Takes back one count, if the window it was counted in is still the current one.
    fn forgive(&mut self, key: &K, started: Instant) {
        if let Some(w) = self.map.get_mut(key)
            && w.started == started
        {
            w.count = w.count.saturating_sub(1);
        }
    }

    /// Drops expired windows; if none had expired, the oldest one.
    fn make_room(&mut self, window: Duration, now: Instant) {
        let before = self.map.len();
        self.map
            .retain(|_, w| now.duration_since(w.started) < window);
        if self.map.len() < before {
            return;
        }
        let oldest = self
            .map
            .iter()
            .min_by_key(|(_, w)| w.started)
            .map(|(k, _)| k.clone());
        if let Some(k) = oldest {
            self.map.remove(&k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(per_ip: u32, per_id: u32, max_entries: usize) -> LimiterConfig {
        LimiterConfig {
            window: Duration::from_secs(60),
            per_ip,
            per_id,
            max_entries,
        }
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn an_address_is_refused_after_its_failures_until_the_window_ends() {
        let limiter = CredentialLimiter::new(config(3, 10, 100));
        for _ in 0..3 {
            drop(limiter.begin(ip("192.0.2.1")).unwrap());
        }
        let refused = limiter.begin(ip("192.0.2.1")).unwrap_err();
        assert!(refused.retry_after >= Duration::from_secs(1));
        assert!(refused.retry_after <= Duration::from_secs(60));
        // Other addresses and unknown peers are not affected.
        assert!(limiter.begin(ip("192.0.2.2")).is_ok());
        assert!(limiter.begin(None).is_ok());
    }

    #[test]
    fn successes_do_not_count() {
        let limiter = CredentialLimiter::new(config(2, 10, 100));
        for _ in 0..10 {
            limiter.begin(ip("192.0.2.1")).unwrap().succeeded();
        }
        assert!(limiter.begin(ip("192.0.2.1")).is_ok());
    }

    #[test]
    fn attempts_in_flight_count_until_they_succeed() {
        let limiter = CredentialLimiter::new(config(2, 10, 100));
        let a = limiter.begin(ip("192.0.2.1")).unwrap();
        let b = limiter.begin(ip("192.0.2.1")).unwrap();
        assert!(limiter.begin(ip("192.0.2.1")).is_err());
        a.succeeded();
        assert!(limiter.begin(ip("192.0.2.1")).is_ok());
        drop(b);
    }

    #[test]
    fn ipv6_is_grouped_by_64() {
        let limiter = CredentialLimiter::new(config(2, 10, 100));
        drop(limiter.begin(ip("2001:db8::1")).unwrap());
        drop(limiter.begin(ip("2001:db8::ffff:2")).unwrap());
        assert!(limiter.begin(ip("2001:db8::3")).is_err());
        assert!(limiter.begin(ip("2001:db8:0:1::1")).is_ok());
        // An IPv4-mapped address is its IPv4 address.
        drop(limiter.begin(ip("198.51.100.7")).unwrap());
        drop(limiter.begin(ip("198.51.100.7")).unwrap());
        assert!(limiter.begin(ip("::ffff:198.51.100.7")).is_err());
    }

    #[test]
    fn the_id_budget_guards_expensive_work_only() {
        let limiter = CredentialLimiter::new(config(100, 2, 100));
        for _ in 0..2 {
            let mut a = limiter.begin(None).unwrap();
            a.expensive("abc").unwrap();
        }
        let mut a = limiter.begin(None).unwrap();
        assert!(a.expensive("abc").is_err());
        assert!(a.expensive("other").is_ok());
    }

    #[test]
    fn windows_reset_and_maps_stay_bounded() {
        let cfg = config(1, 1, 3);
        let mut w: Windows<u32> = Windows::default();
        let t0 = Instant::now();
        w.take(1, 1, &cfg, t0).unwrap();
        assert!(w.take(1, 1, &cfg, t0 + Duration::from_secs(59)).is_err());
        assert!(w.take(1, 1, &cfg, t0 + Duration::from_secs(60)).is_ok());
        for k in 2..100 {
            let _ = w.take(k, 1, &cfg, t0 + Duration::from_secs(60 + u64::from(k)));
            assert!(w.map.len() <= 3);
        }
        // The newest keys survive; the oldest were evicted.
        assert!(w.map.contains_key(&99));
        assert!(!w.map.contains_key(&1));
    }

    #[test]
    fn retry_after_is_whole_seconds_left() {
        let cfg = config(1, 1, 10);
        let mut w: Windows<u32> = Windows::default();
        let t0 = Instant::now();
        w.take(7, 1, &cfg, t0).unwrap();
        let err = w
            .take(7, 1, &cfg, t0 + Duration::from_millis(59_500))
            .unwrap_err();
        assert_eq!(err.retry_after, Duration::from_secs(1));
        let err = w
            .take(7, 1, &cfg, t0 + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(err.retry_after, Duration::from_secs(40));
    }
}

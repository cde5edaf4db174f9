//! The token bucket used for rate limits, with time passed in (the in-process limiter; the
//! Redis limiter runs the same arithmetic in a Lua script on Redis's clock).

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct TokenBucket {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Duration,
}

/// The outcome of taking a token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    /// Whole tokens left.
    pub remaining: u64,
    /// When the next token will be there (zero if allowed).
    pub retry_after: Duration,
}

impl TokenBucket {
    pub fn new(per_second: f64, burst: u32, now: Duration) -> Self {
        Self {
            per_second,
            burst: f64::from(burst),
            tokens: f64::from(burst),
            last: now,
        }
    }

    /// Applies new limits (a config change), keeping the tokens it has (up to the new burst).
    pub fn update(&mut self, per_second: f64, burst: u32) {
        self.per_second = per_second;
        self.burst = f64::from(burst);
        self.tokens = self.tokens.min(self.burst);
    }

    pub fn take(&mut self, now: Duration) -> Decision {
        let elapsed = now.saturating_sub(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.last = now.max(self.last);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Decision {
                allowed: true,
                remaining: self.tokens as u64,
                retry_after: Duration::ZERO,
            }
        } else {
            let wait = (1.0 - self.tokens) / self.per_second;
            Decision {
                allowed: false,
                remaining: 0,
                retry_after: Duration::from_secs_f64(wait.max(0.001)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_rate() {
        let t0 = Duration::from_secs(100);
        let mut b = TokenBucket::new(10.0, 10, t0);
        let allowed = (0..100).filter(|_| b.take(t0).allowed).count();
        assert_eq!(allowed, 10);
        let denied = b.take(t0);
        assert!(!denied.allowed);
        assert!((denied.retry_after.as_secs_f64() - 0.1).abs() < 1e-9);
        // One second later, ten more.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!((0..100).filter(|_| b.take(t1).allowed).count(), 10);
    }
}

//! Exponential backoff with jitter (AWS architecture blog; Envoy's default shape).

use std::time::Duration;

use crate::config::model::Jitter;

/// The delay before retry number `retry` (1 = the first retry).
///
/// * `none`: `min(max, base·2^(retry-1))`
/// * `full`: uniform in `[0, that]`
/// * `equal`: half of it plus uniform in `[0, half]`
/// * `decorrelated`: uniform in `[base, min(max, previous·3)]`
///
/// `random` is a number in `[0, 1)` supplied by the caller.
pub fn delay(
    retry: u32,
    base: Duration,
    max: Duration,
    jitter: Jitter,
    previous: Duration,
    random: f64,
) -> Duration {
    let random = random.clamp(0.0, 1.0);
    let exp = retry.saturating_sub(1).min(30);
    let cap = base.saturating_mul(1u32 << exp).min(max);
    match jitter {
        Jitter::None => cap,
        Jitter::Full => cap.mul_f64(random),
        Jitter::Equal => cap / 2 + (cap / 2).mul_f64(random),
        Jitter::Decorrelated => {
            let upper = previous.max(base).saturating_mul(3).min(max).max(base);
            base + (upper - base).mul_f64(random)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(100);
    const MAX: Duration = Duration::from_millis(1000);

    #[test]
    fn none_is_capped_exponential() {
        let d: Vec<u128> = (1..=6)
            .map(|r| delay(r, BASE, MAX, Jitter::None, Duration::ZERO, 0.5).as_millis())
            .collect();
        assert_eq!(d, [100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn jitter_stays_within_its_bounds() {
        for i in 0..=100 {
            let r = f64::from(i) / 100.0;
            for retry in 1..=5 {
                let cap = delay(retry, BASE, MAX, Jitter::None, Duration::ZERO, r);
                let full = delay(retry, BASE, MAX, Jitter::Full, Duration::ZERO, r);
                assert!(full <= cap);
                let equal = delay(retry, BASE, MAX, Jitter::Equal, Duration::ZERO, r);
                assert!(equal >= cap / 2 && equal <= cap);
                let prev = Duration::from_millis(300);
                let dec = delay(retry, BASE, MAX, Jitter::Decorrelated, prev, r);
                assert!(dec >= BASE && dec <= Duration::from_millis(900));
            }
        }
    }

    #[test]
    fn huge_attempt_numbers_do_not_overflow() {
        assert_eq!(
            delay(u32::MAX, BASE, MAX, Jitter::None, Duration::ZERO, 0.0),
            MAX
        );
    }
}

//! Which failures are retried, and when a retry is safe.

use std::time::Duration;

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptFailure {
    /// The connection was never made: nothing reached the upstream.
    Connect,
    /// Timed out after the request may have been sent.
    Timeout,
    /// An HTTP response with this status.
    Status(u16),
}

/// Whether `failure` is one of the `retry_on` classes (`connect_error`, `timeout`, `5xx`, or
/// a status code such as `"429"`).
pub fn matches(retry_on: &[String], failure: AttemptFailure) -> bool {
    retry_on
        .iter()
        .any(|class| match (class.as_str(), failure) {
            ("connect_error", AttemptFailure::Connect) => true,
            ("timeout", AttemptFailure::Timeout) => true,
            ("5xx", AttemptFailure::Status(s)) => (500..600).contains(&s),
            (code, AttemptFailure::Status(s)) => code.parse::<u16>() == Ok(s),
            _ => false,
        })
}

/// Whether repeating the request cannot apply its side effect twice: a connect failure
/// never reached the upstream; otherwise the method must be idempotent or an idempotency
/// key must travel with the request. A 429 is a refusal, so it is safe too.
pub fn safe_to_retry(
    failure: AttemptFailure,
    idempotent_method: bool,
    idempotency_key_sent: bool,
) -> bool {
    match failure {
        AttemptFailure::Connect | AttemptFailure::Status(429) => true,
        AttemptFailure::Timeout | AttemptFailure::Status(_) => {
            idempotent_method || idempotency_key_sent
        }
    }
}

/// Parses `Retry-After`: delay-seconds or an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// given the current Unix time.
pub fn parse_retry_after(value: &str, now_unix: i64) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, format)
        .ok()?
        .assume_utc();
    let secs = at.unix_timestamp() - now_unix;
    Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn classes_match() {
        let r = classes(&["connect_error", "timeout", "429", "503"]);
        assert!(matches(&r, AttemptFailure::Connect));
        assert!(matches(&r, AttemptFailure::Timeout));
        assert!(matches(&r, AttemptFailure::Status(429)));
        assert!(matches(&r, AttemptFailure::Status(503)));
        assert!(!matches(&r, AttemptFailure::Status(500)));
        assert!(matches(&classes(&["5xx"]), AttemptFailure::Status(500)));
        assert!(!matches(&classes(&["5xx"]), AttemptFailure::Status(404)));
    }

    #[test]
    fn retrying_a_maybe_applied_post_needs_a_key() {
        assert!(safe_to_retry(AttemptFailure::Connect, false, false));
        assert!(!safe_to_retry(AttemptFailure::Timeout, false, false));
        assert!(safe_to_retry(AttemptFailure::Timeout, false, true));
        assert!(safe_to_retry(AttemptFailure::Status(503), true, false));
        assert!(!safe_to_retry(AttemptFailure::Status(503), false, false));
        assert!(safe_to_retry(AttemptFailure::Status(429), false, false));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("2", 0), Some(Duration::from_secs(2)));
        let now = 784_111_777 - 10; // 10 s before Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 100),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
    }
}

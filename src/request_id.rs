//! `X-Request-Id`: honoured when the caller sends a sane one, else generated.

/// Longest request id we accept from a caller.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Returns the caller's request id if it is sane: 1–128 printable ASCII characters
/// (space allowed inside, not at the ends). Anything else is replaced by a generated id,
/// so log lines can never be forged with control characters.
pub fn accept_request_id(candidate: &str) -> Option<&str> {
    let ok = !candidate.is_empty()
        && candidate.len() <= MAX_REQUEST_ID_LEN
        && candidate.trim() == candidate
        && candidate.bytes().all(|b| (0x20..=0x7e).contains(&b));
    ok.then_some(candidate)
}

/// A new request id: a UUIDv7, so ids sort by time in logs.
pub fn generate_request_id() -> String {
    crate::ids::new_id().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_sane_ids() {
        assert_eq!(accept_request_id("abc123"), Some("abc123"));
        assert_eq!(accept_request_id("a b"), Some("a b"));
        let max = "x".repeat(MAX_REQUEST_ID_LEN);
        assert_eq!(accept_request_id(&max), Some(max.as_str()));
    }

    #[test]
    fn rejects_insane_ids() {
        for bad in ["", " a", "a ", "a\nb", "a\u{7f}", "é"] {
            assert_eq!(accept_request_id(bad), None, "{bad:?}");
        }
        assert_eq!(accept_request_id(&"x".repeat(MAX_REQUEST_ID_LEN + 1)), None);
    }

    #[test]
    fn generated_ids_are_accepted() {
        let id = generate_request_id();
        assert_eq!(accept_request_id(&id), Some(id.as_str()));
    }
}

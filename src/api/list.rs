//! Paged lists: `?limit=` (default 50, max 500) and `?cursor=` →
//! `{"items": [...], "next_cursor": "..." | null}`.

use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

/// A page of a list endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Clamps a requested page size into `1..=MAX_LIMIT`, defaulting to `DEFAULT_LIMIT`.
pub fn effective_limit(requested: Option<u32>) -> u32 {
    requested.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clamped() {
        assert_eq!(effective_limit(None), 50);
        assert_eq!(effective_limit(Some(0)), 1);
        assert_eq!(effective_limit(Some(10_000)), 500);
        assert_eq!(effective_limit(Some(7)), 7);
    }
}

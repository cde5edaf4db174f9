//! Idempotency keys as the store claims, completes and reads them.

use time::OffsetDateTime;

/// A key being claimed.
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    pub tenant: String,
    pub endpoint: String,
    pub key: String,
    pub fingerprint: String,
    pub lease_expires_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub now: OffsetDateTime,
}

/// A response kept for replays.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// What the store knows about a key someone else claimed.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingKey {
    pub fingerprint: String,
    /// `None` while the first request is still in flight.
    pub response: Option<StoredResponse>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClaimOutcome {
    Claimed,
    Existing(ExistingKey),
}

//! Operator console sessions as stored: only the SHA-256 of the session id, never the id.

use time::OffsetDateTime;
use uuid::Uuid;

/// One console sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSessionRecord {
    /// Hex SHA-256 of the (domain-separated) session id the browser holds.
    pub id_hash: String,
    pub operator_id: Uuid,
    /// The API key the operator signed in with; rotating it away ends the session.
    pub key_id: Uuid,
    pub created_at: OffsetDateTime,
    /// Last request seen (the idle timeout counts from here); refreshed coarsely.
    pub last_seen_at: OffsetDateTime,
    /// The absolute end, whatever the activity.
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

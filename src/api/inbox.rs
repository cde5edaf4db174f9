//! The webhook ingress answer (`POST /webhooks/stripe[/{tenant}]`) and the inbox admin API
//! (`/v1/admin/inbox*`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::list::query_type;

/// The statuses of an inbox row: `received` until its job ends, then `processed` or
/// `failed` (its job is dead).
pub const INBOX_STATUSES: [&str; 3] = ["received", "processed", "failed"];

/// What the ingress answers once a delivery is committed (200), new or duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookReceipt {
    pub received: bool,
    /// True when this provider event id was already in the inbox: nothing new happens.
    pub duplicate: bool,
    /// The row that holds the event (the original row for a duplicate).
    pub inbox_id: Uuid,
}

/// One inbox row (`GET /v1/admin/inbox[/{id}]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxView {
    pub id: Uuid,
    pub tenant: String,
    pub provider: String,
    /// The provider's event id (`evt_…`).
    pub event_id: String,
    pub event_type: String,
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub processed_at: Option<OffsetDateTime>,
    /// Its webhook jobs, oldest first (a replay adds one).
    pub job_ids: Vec<Uuid>,
    pub trace_id: Option<String>,
    pub payload_size: i64,
    /// E.g. that no route matched the event type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The request headers kept of the delivery, by lower-case name: content type and
    /// length, user agent, and `stripe-signature` with every signature value redacted (only
    /// `t=` is kept). Absent for rows received before orchd kept them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<BTreeMap<String, String>>,
    /// With `?payload=true` only: the raw body as received, byte-identical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

/// `POST /v1/admin/inbox/{id}/replay`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InboxReplayRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
}

/// The answer to a replay: the row (status back to `received`) and the new job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxReplayResponse {
    pub inbox: InboxView,
    pub job_id: Uuid,
}

query_type! {
    paged
    /// `GET /v1/admin/inbox`: newest first.
    pub struct InboxListQuery {
        pub tenant: Option<String>,
        pub provider: Option<String>,
        /// One of [`INBOX_STATUSES`].
        #[cfg_attr(feature = "openapi", param(value_type = Option<crate::api::list::InboxStatusName>))]
        pub status: Option<String>,
        /// The provider's event type (`invoice.paid`).
        #[serde(rename = "type")]
        pub event_type: Option<String>,
        /// RFC 3339; received at or after.
        pub since: Option<String>,
        /// RFC 3339; received before.
        pub until: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::list::Cursor;
    use crate::api::list::tests::wire;

    #[test]
    fn inbox_list_query_round_trips() {
        assert_eq!(wire(&InboxListQuery::default()), "");
        let query = InboxListQuery {
            tenant: Some("acme".into()),
            provider: Some("stripe".into()),
            status: Some("failed".into()),
            event_type: Some("invoice.paid".into()),
            since: Some("2026-01-01T00:00:00Z".into()),
            until: Some("2026-02-01T00:00:00Z".into()),
            cursor: Some(Cursor::of(Uuid::nil())),
            limit: Some(500),
        };
        assert_eq!(
            wire(&query),
            "tenant=acme&provider=stripe&status=failed&type=invoice.paid\
             &since=2026-01-01T00:00:00Z&until=2026-02-01T00:00:00Z\
             &limit=500&cursor=00000000-0000-0000-0000-000000000000"
        );
    }
}

//! The dead-letter queue admin API (`/v1/admin/dlq*`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::list::query_type;

query_type! {
    /// Which dead jobs a bulk action applies to.
    pub struct DlqFilter {
        #[cfg_attr(feature = "openapi", param(value_type = Option<crate::api::list::QueueName>), schema(value_type = Option<crate::api::list::QueueName>))]
        pub queue: Option<String>,
        pub tenant: Option<String>,
        pub connector: Option<String>,
        pub error_code: Option<String>,
        /// RFC 3339; dead at or after.
        pub since: Option<String>,
        /// RFC 3339; dead before.
        pub until: Option<String>,
    }

    /// `GET /v1/admin/dlq`: the dead jobs a [`DlqFilter`] selects, newest first.
    pub struct DlqListQuery: DlqFilter + {} + paged;
}

/// `POST /v1/admin/dlq/replay` and `/purge`: by `ids` or by `filter` (exactly one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DlqActionRequest {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<Uuid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<DlqFilter>,
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub dry_run: bool,
    /// Act on at most this many of the selected jobs (`matched` counts those): lets a
    /// client work through a large selection in chunks and show progress.
    #[cfg_attr(feature = "openapi", schema(format = Int64, minimum = 0, maximum = 4294967295_u64))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DlqReplayResponse {
    pub matched: u64,
    pub replayed: u64,
    pub job_ids: Vec<Uuid>,
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DlqPurgeResponse {
    pub matched: u64,
    pub purged: u64,
    pub dry_run: bool,
}

/// `GET /v1/admin/dlq/stats`: one row per queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DlqQueueView {
    pub queue: String,
    pub depth: i64,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub oldest_dead_at: Option<OffsetDateTime>,
    /// Seconds since the oldest job died; 0 when empty.
    pub oldest_age_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DlqStatsResponse {
    pub queues: Vec<DlqQueueView>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::list::Cursor;
    use crate::api::list::tests::wire;

    #[test]
    fn dlq_list_query_round_trips() {
        assert_eq!(wire(&DlqListQuery::default()), "");
        let filter = DlqFilter {
            queue: Some("low".into()),
            tenant: Some("acme".into()),
            connector: Some("stripe".into()),
            error_code: Some("upstream_5xx".into()),
            since: Some("2026-01-01T00:00:00Z".into()),
            until: Some("2026-02-01T00:00:00Z".into()),
        };
        let query = DlqListQuery {
            cursor: Some(Cursor::from("c")),
            limit: Some(9),
            ..DlqListQuery::new(filter.clone())
        };
        assert_eq!(query.filter(), filter);
        assert_eq!(
            wire(&query),
            "queue=low&tenant=acme&connector=stripe&error_code=upstream_5xx\
             &since=2026-01-01T00:00:00Z&until=2026-02-01T00:00:00Z&limit=9&cursor=c"
        );
    }
}

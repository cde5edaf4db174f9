//! `/v1/jobs` and `/v1/admin/jobs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::list::query_type;

/// `POST /v1/jobs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnqueueJobRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::api::list::QueueName))]
    #[serde(default = "default_queue")]
    pub queue: String,
    pub connector: String,
    pub operation: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::api::execute::ParamValue>))]
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    #[serde(default)]
    pub payload: Option<Value>,
    /// Not before this time (default: now).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub run_at: Option<OffsetDateTime>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    #[serde(default)]
    pub max_attempts: Option<u32>,
    /// At most one live (queued or running) job of the tenant carries a given key.
    #[serde(default)]
    pub dedupe_key: Option<String>,
}

fn default_queue() -> String {
    "default".to_owned()
}

/// The answer to an enqueue (202 new, 200 when a dedupe key named a live job).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnqueuedJob {
    pub id: Uuid,
    pub status: String,
    pub queue: String,
    pub tenant: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub run_at: OffsetDateTime,
    pub trace_id: Option<String>,
}

/// The last failure of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub upstream_status: Option<u16>,
}

/// One attempt of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunView {
    pub attempt: i32,
    pub worker: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    pub duration_ms: Option<i64>,
    /// `succeeded`, `failed`, `timeout` or `crashed`.
    pub outcome: Option<String>,
    /// The upstream's HTTP status of this attempt, when it answered (also on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_status: Option<u16>,
    pub error: Option<JobError>,
}

/// The statuses a job can have.
pub const JOB_STATUSES: [&str; 6] = [
    "queued",
    "running",
    "succeeded",
    "dead",
    "cancelled",
    "purged",
];

/// `GET /v1/jobs/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: Uuid,
    pub tenant: String,
    pub queue: String,
    /// `execute` or `webhook`.
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub run_at: OffsetDateTime,
    pub trace_id: Option<String>,
    pub connector: Option<String>,
    pub operation: Option<String>,
    pub dedupe_key: Option<String>,
    pub last_error: Option<JobError>,
    pub impersonated_by: Option<Uuid>,
    pub impersonation_id: Option<Uuid>,
    pub runs: Vec<RunView>,
}

query_type! {
    paged
    /// `GET /v1/jobs` (the caller's tenant): newest first.
    pub struct JobListQuery {
        /// One of [`JOB_STATUSES`].
        #[cfg_attr(feature = "openapi", param(value_type = Option<crate::api::list::JobStatusName>))]
        pub status: Option<String>,
        #[cfg_attr(feature = "openapi", param(value_type = Option<crate::api::list::QueueName>), schema(value_type = Option<crate::api::list::QueueName>))]
        pub queue: Option<String>,
    }
}

query_type! {
    paged
    /// `GET /v1/admin/jobs`: any tenant, newest first.
    pub struct AdminJobListQuery {
        pub tenant: Option<String>,
        /// One of [`JOB_STATUSES`].
        #[cfg_attr(feature = "openapi", param(value_type = Option<crate::api::list::JobStatusName>))]
        pub status: Option<String>,
        #[cfg_attr(feature = "openapi", param(value_type = Option<crate::api::list::QueueName>), schema(value_type = Option<crate::api::list::QueueName>))]
        pub queue: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::list::Cursor;
    use crate::api::list::tests::wire;

    #[test]
    fn job_list_queries_round_trip() {
        assert_eq!(wire(&JobListQuery::default()), "");
        let query = JobListQuery {
            status: Some("queued".into()),
            queue: Some("default".into()),
            limit: Some(2),
            cursor: Some(Cursor::of(Uuid::nil())),
        };
        assert_eq!(
            wire(&query),
            "status=queued&queue=default&limit=2&cursor=00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(wire(&AdminJobListQuery::default()), "");
        let query = AdminJobListQuery {
            tenant: Some("acme".into()),
            queue: Some("low".into()),
            status: Some("dead".into()),
            cursor: Some(Cursor::from("c")),
            limit: Some(5),
        };
        assert_eq!(
            wire(&query),
            "tenant=acme&status=dead&queue=low&limit=5&cursor=c"
        );
    }
}

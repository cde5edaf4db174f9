//! Event log entries, as `GET /v1/admin/events` lists them and the streams send them, and
//! the filters both accept.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::list::query_type;
use crate::problem::FieldError;
use crate::tenant::TenantSlug;
use crate::trace::TraceId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    /// The event log id: a positive integer, increasing in the order readers can see events.
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub ts: OffsetDateTime,
    pub kind: String,
    pub tenant: Option<String>,
    pub connector: Option<String>,
    pub operation: Option<String>,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    pub job_id: Option<Uuid>,
    pub inbox_id: Option<Uuid>,
    pub message: String,
    pub data: Value,
}

/// Longest connector name or kind accepted in a filter.
const MAX_FILTER_CHARS: usize = 128;

impl EventFilter {
    /// The same filter, checked: a tenant slug, a connector name without control characters,
    /// a W3C trace id (hex, 32 digits; upper case is lowered), a kind of lower-case letters,
    /// digits, `_`, `-` and `.` with at most a trailing `*`. The error names the field.
    pub fn normalized(self) -> Result<Self, FieldError> {
        let invalid = |field: &str, message: &str| FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        };
        if let Some(tenant) = &self.tenant {
            TenantSlug::parse(tenant).map_err(|e| invalid("tenant", &e.to_string()))?;
        }
        if let Some(connector) = &self.connector
            && (connector.is_empty()
                || connector.chars().count() > MAX_FILTER_CHARS
                || connector.chars().any(char::is_control))
        {
            return Err(invalid(
                "connector",
                "must be a connector name (1–128 characters, no control characters)",
            ));
        }
        let trace_id = match self.trace_id {
            Some(trace) => {
                let lowered = trace.to_ascii_lowercase();
                if TraceId::from_hex(&lowered).is_none() {
                    return Err(invalid(
                        "trace_id",
                        "must be a W3C trace id: 32 hex digits, not all zero",
                    ));
                }
                Some(lowered)
            }
            None => None,
        };
        if let Some(kind) = &self.kind {
            check_kind(kind).map_err(|m| invalid("kind", m))?;
        }
        Ok(Self { trace_id, ..self })
    }
}

fn check_kind(kind: &str) -> Result<(), &'static str> {
    const RULE: &str =
        "must be an event kind (job.dead) or a prefix ending in `.` or `*` (webhook.*)";
    let body = kind.strip_suffix('*').unwrap_or(kind);
    let ok_char =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.');
    if kind.is_empty() || kind.len() > MAX_FILTER_CHARS || !body.chars().all(ok_char) {
        return Err(RULE);
    }
    Ok(())
}

query_type! {
    /// The filters of the event log and its streams (`tenant`, `connector`, `trace_id`, `kind`).
    pub struct EventFilter {
        #[cfg_attr(feature = "openapi", param(pattern = "^[a-z0-9][a-z0-9-]{0,62}$"))]
        pub tenant: Option<String>,
        #[cfg_attr(feature = "openapi", param(pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,128}$"))]
        pub connector: Option<String>,
        #[cfg_attr(feature = "openapi", param(pattern = "^(?!0{32}$)[0-9a-fA-F]{32}$"))]
        pub trace_id: Option<String>,
        /// An exact kind (`job.dead`), or a prefix ending in `.` or `*` (`webhook.*`,
        /// `webhook.`); `*` alone matches every kind.
        #[cfg_attr(feature = "openapi", param(pattern = "^(?=.{1,128}$)[a-z0-9_.-]*\\*?$"))]
        pub kind: Option<String>,
    }

    /// `GET /v1/admin/events`: newest first, or oldest first after `after_id`.
    pub struct EventListQuery: EventFilter + {
        /// Only events after this id, oldest first (for resuming).
        pub after_id: Option<i64>,
        /// RFC 3339: only events at or after this time.
        pub since: Option<String>,
    } + paged;

    /// `GET /v1/admin/events/stream` and `GET /v1/events/stream`.
    pub struct EventStreamQuery: EventFilter + {
        /// Resume after this event id (a `Last-Event-ID` header wins).
        pub after_id: Option<i64>,
        /// Without a resume id: start at the first event at or after this RFC 3339 time
        /// (instead of only new events).
        pub since: Option<String>,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::list::Cursor;

    fn kind(k: &str) -> Result<EventFilter, FieldError> {
        EventFilter {
            kind: Some(k.to_owned()),
            ..EventFilter::default()
        }
        .normalized()
    }

    #[test]
    fn kinds_are_exact_or_prefixes() {
        for ok in [
            "job.dead",
            "webhook.*",
            "webhook.",
            "*",
            "breaker.half_open",
            "a1-b",
        ] {
            assert!(kind(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "job.*.x",
            "Job.dead",
            "job dead",
            "**",
            "job.\n",
            &"a".repeat(129),
        ] {
            let err = kind(bad).unwrap_err();
            assert_eq!(err.field, "kind", "{bad}");
        }
    }

    #[test]
    fn tenants_connectors_and_traces_are_checked() {
        let f = |tenant: Option<&str>, connector: Option<&str>, trace: Option<&str>| {
            EventFilter {
                tenant: tenant.map(str::to_owned),
                connector: connector.map(str::to_owned),
                trace_id: trace.map(str::to_owned),
                kind: None,
            }
            .normalized()
        };
        assert!(f(Some("acme"), Some("stripe"), None).is_ok());
        assert_eq!(
            f(Some("Not A Slug"), None, None).unwrap_err().field,
            "tenant"
        );
        assert_eq!(f(None, Some(""), None).unwrap_err().field, "connector");
        assert_eq!(
            f(None, Some("a\u{7}"), None).unwrap_err().field,
            "connector"
        );
        assert_eq!(f(None, None, Some("xyz")).unwrap_err().field, "trace_id");
        assert_eq!(
            f(None, None, Some(&"0".repeat(32))).unwrap_err().field,
            "trace_id"
        );
        let upper = f(None, None, Some("4BF92F3577B34DA6A3CE929D0E0E4736")).unwrap();
        assert_eq!(
            upper.trace_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn event_queries_round_trip() {
        use crate::api::list::tests::wire;

        assert_eq!(wire(&EventListQuery::default()), "");
        let query = EventListQuery {
            tenant: Some("acme".into()),
            connector: Some("stripe".into()),
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            kind: Some("webhook.*".into()),
            since: Some("2026-01-01T00:00:00Z".into()),
            cursor: Some(Cursor::of(99)),
            after_id: Some(7),
            limit: Some(100),
        };
        assert_eq!(
            wire(&query),
            "tenant=acme&connector=stripe&trace_id=4bf92f3577b34da6a3ce929d0e0e4736\
             &kind=webhook.*&after_id=7&since=2026-01-01T00:00:00Z&limit=100&cursor=99"
        );
        assert_eq!(query.filter().kind.as_deref(), Some("webhook.*"));
        assert_eq!(wire(&EventStreamQuery::default()), "");
        let stream = EventStreamQuery {
            tenant: Some("acme".into()),
            connector: Some("stripe".into()),
            trace_id: None,
            kind: Some("job.dead".into()),
            since: Some("2026-01-01T00:00:00Z".into()),
            after_id: Some(12),
        };
        assert_eq!(
            wire(&stream),
            "tenant=acme&connector=stripe&kind=job.dead&after_id=12&since=2026-01-01T00:00:00Z"
        );
        assert_eq!(stream.filter().tenant.as_deref(), Some("acme"));
        assert_eq!(
            EventStreamQuery::new(stream.filter()).filter(),
            stream.filter()
        );
        assert_eq!(EventListQuery::new(query.filter()).filter(), query.filter());
    }
}

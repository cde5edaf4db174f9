//! `/v1/admin/breakers`.

use crate::api::list::query_type;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A circuit breaker as this node sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakerView {
    pub tenant: String,
    pub connector: String,
    /// `closed`, `open` or `half_open`.
    pub state: String,
    pub failure_rate: f64,
    pub calls_in_window: u64,
    #[serde(with = "time::serde::rfc3339::option")]
    pub opened_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_probe_at: Option<OffsetDateTime>,
}

/// `POST /v1/admin/breakers/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetBreakerRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9][a-z0-9-]{0,62}$"))]
    pub tenant: String,
    pub connector: String,
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
}

query_type! {
    /// `GET /v1/admin/breakers`.
    pub struct BreakerListQuery {
        pub tenant: Option<String>,
        pub connector: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::list::tests::wire;

    #[test]
    fn breaker_list_query_round_trips() {
        assert_eq!(wire(&BreakerListQuery::default()), "");
        let query = BreakerListQuery {
            tenant: Some("acme".into()),
            connector: Some("stripe".into()),
        };
        assert_eq!(wire(&query), "tenant=acme&connector=stripe");
    }
}

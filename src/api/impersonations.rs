//! `/v1/admin/impersonations`, and what a tenant token says about itself (`GET /v1/whoami`).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api::list::query_type;
use crate::rbac::Scope;

/// Default and longest impersonation lifetimes, in seconds.
pub const DEFAULT_IMPERSONATION_TTL_S: u64 = 900;
pub const MAX_IMPERSONATION_TTL_S: u64 = 3600;

/// `POST /v1/admin/impersonations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartImpersonationRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9][a-z0-9-]{0,62}$"))]
    pub tenant: String,
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub ttl_s: Option<u64>,
    /// Defaults to every tenant scope.
    #[serde(default)]
    pub scopes: Option<Vec<Scope>>,
}

/// The started impersonation and its tenant token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartedImpersonation {
    pub id: Uuid,
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub tenant: String,
    pub scopes: Vec<Scope>,
}

impl fmt::Debug for StartedImpersonation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartedImpersonation")
            .field("id", &self.id)
            .field("token", &"***")
            .field("expires_at", &self.expires_at)
            .field("tenant", &self.tenant)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// An impersonation as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpersonationView {
    pub id: Uuid,
    pub operator_id: Uuid,
    pub tenant: String,
    pub reason: String,
    pub scopes: Vec<Scope>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub stopped_at: Option<OffsetDateTime>,
    pub stopped_by: Option<Uuid>,
    pub stop_reason: Option<String>,
    /// Neither stopped nor expired.
    pub active: bool,
}

/// `GET /v1/whoami` (tenant token): who the token speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantWhoAmI {
    pub tenant: String,
    pub scopes: Vec<Scope>,
    pub issuer: String,
    pub subject: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub impersonated_by: Option<Uuid>,
    pub impersonation_id: Option<Uuid>,
}

query_type! {
    /// `GET /v1/admin/impersonations`: newest first, one page.
    pub struct ImpersonationListQuery {
        pub tenant: Option<String>,
        /// Only impersonations neither stopped nor expired.
        pub active: Option<bool>,
        pub limit: Option<u32>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::list::tests::wire;

    #[test]
    fn impersonation_list_query_round_trips() {
        assert_eq!(wire(&ImpersonationListQuery::default()), "");
        let query = ImpersonationListQuery {
            tenant: Some("acme".into()),
            active: Some(true),
            limit: Some(3),
        };
        assert_eq!(wire(&query), "tenant=acme&active=true&limit=3");
        let inactive = ImpersonationListQuery {
            active: Some(false),
            ..ImpersonationListQuery::default()
        };
        assert_eq!(wire(&inactive), "active=false");
    }
}

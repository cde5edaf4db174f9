//! `/v1/admin/operators`.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::rbac::Role;

/// `POST /v1/admin/operators`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateOperatorRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._@-]{1,64}$"))]
    pub name: String,
    pub role: Role,
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
}

/// Body of mutations that only need a reason (disable, rotate key, delete, stop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
}

/// An operator as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorView {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._@-]{1,64}$"))]
    pub name: String,
    pub role: Role,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
    pub created_by: Option<Uuid>,
}

/// An operator API key, shown once when created or rotated.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedOperatorKey {
    pub operator: OperatorView,
    pub key_id: Uuid,
    pub api_key: String,
}

impl fmt::Debug for IssuedOperatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedOperatorKey")
            .field("operator", &self.operator)
            .field("key_id", &self.key_id)
            .field("api_key", &"***")
            .finish()
    }
}

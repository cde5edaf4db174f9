//! `/v1/admin/tenants/{t}/clients`: client credentials for tenants without their own issuer.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::rbac::Scope;

/// `POST /v1/admin/tenants/{t}/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateClientRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub name: String,
    pub scopes: Vec<Scope>,
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
}

/// A tenant client as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientView {
    pub id: Uuid,
    pub tenant: String,
    pub name: String,
    pub client_id: String,
    pub scopes: Vec<Scope>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub created_by: Option<Uuid>,
}

/// A new client and its secret, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedClient {
    pub client: ClientView,
    pub client_secret: String,
}

impl fmt::Debug for IssuedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedClient")
            .field("client", &self.client)
            .field("client_secret", &"***")
            .finish()
    }
}

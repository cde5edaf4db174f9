//! `/v1/admin/tenants/{t}/config…`, `/v1/admin/config/validate`, `/v1/admin/tenants`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::config::ConfigIssue;
use crate::config::diff::ConfigDiff;

/// `POST /v1/admin/tenants/{t}/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplyConfigRequest {
    /// The document, YAML or JSON text.
    pub document: String,
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
    /// Also make the new version active (needs `config.activate`).
    #[serde(default)]
    pub activate: bool,
    /// Validate and diff against the active version; store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The answer to an apply: 201 when a version was created, 200 when the content equals the
/// newest version (or on a dry run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplyConfigResponse {
    /// The stored version (the existing one when nothing changed; the would-be number on a
    /// dry run).
    pub version: i32,
    pub checksum: String,
    /// Whether this version is active now.
    pub active: bool,
    pub created: bool,
    #[serde(default)]
    pub dry_run: bool,
    /// Against the version that was active before.
    pub diff: ConfigDiff,
    pub warnings: Vec<ConfigIssue>,
}

/// `POST /v1/admin/config/validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidateConfigRequest {
    pub document: String,
    /// Check the `tenant` key against this tenant.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9][a-z0-9-]{0,62}$"))]
    #[serde(default)]
    pub tenant: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidateConfigResponse {
    pub valid: bool,
    pub errors: Vec<ConfigIssue>,
    pub warnings: Vec<ConfigIssue>,
}

/// A stored version (with its document when asked for one version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigVersionView {
    pub tenant: String,
    pub version: i32,
    pub checksum: String,
    pub author: String,
    pub author_operator_id: Option<Uuid>,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whether it is the active version.
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_format: Option<String>,
    /// The canonical form (defaults filled in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
}

/// `GET /v1/admin/tenants/{t}/config`: the active version and what this node serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveConfigView {
    #[serde(flatten)]
    pub version: ConfigVersionView,
    pub pointer: ConfigPointerView,
    /// The version this node has loaded, if it loaded one.
    pub served_by_this_node: Option<ServedConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServedConfig {
    pub version: i32,
    pub generation: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub loaded_at: OffsetDateTime,
}

/// The pointer after a move, and in tenant listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigPointerView {
    pub tenant: String,
    pub active_version: i32,
    pub generation: i64,
    pub updated_by: String,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// `POST …/config/activate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivateConfigRequest {
    pub version: i32,
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
}

/// `POST …/config/rollback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollbackConfigRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S[\s\S]+\S"))]
    #[serde(default)]
    pub reason: String,
    /// Default: the version active before the current one.
    #[serde(default)]
    pub to_version: Option<i32>,
}

/// One move of the pointer, in `GET …/config/history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointerMoveView {
    pub id: Uuid,
    pub action: String,
    pub from_version: Option<i32>,
    pub to_version: i32,
    pub operator_id: Option<Uuid>,
    pub operator: String,
    pub reason: String,
    pub request_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// `GET …/config/diff?from=&to=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigDiffView {
    pub from: i32,
    pub to: i32,
    #[serde(flatten)]
    pub diff: ConfigDiff,
    /// The diff as lines of text, for people.
    pub text: String,
}

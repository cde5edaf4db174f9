//! What the store keeps about tenant config versions and the pointer.

use orch_core::config::OrchestratorConfig;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

/// One immutable version of a tenant's document.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigVersionRecord {
    pub id: Uuid,
    pub tenant_id: String,
    pub version: i32,
    /// The text as applied.
    pub document: String,
    pub document_format: String,
    /// The canonical form (defaults filled, keys sorted); what the checksum covers.
    pub canonical: Value,
    pub checksum: String,
    pub author_operator_id: Option<Uuid>,
    pub author: String,
    pub reason: String,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub created_at: OffsetDateTime,
}

/// The normalised rows of a version: one per policy, connector and SecretRef.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigProjection {
    pub policies: Vec<PolicyRow>,
    pub connectors: Vec<ConnectorRow>,
    pub secret_refs: Vec<SecretRefRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRow {
    pub name: String,
    pub spec: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorRow {
    pub name: String,
    pub base_url: String,
    pub auth_type: String,
    pub policy_name: Option<String>,
    pub spec: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecretRefRow {
    pub reference: String,
    pub scheme: String,
    pub used_by: String,
}

impl ConfigProjection {
    pub fn of(config: &OrchestratorConfig) -> Self {
        let policies = config
            .policies
            .iter()
            .map(|(name, p)| PolicyRow {
                name: name.clone(),
                spec: serde_json::to_value(p).unwrap_or(Value::Null),
            })
            .collect();
        let connectors = config
            .connectors
            .iter()
            .map(|(name, c)| ConnectorRow {
                name: name.clone(),
                base_url: c.base_url.clone(),
                auth_type: c.auth.kind().to_owned(),
                policy_name: c.policy.clone(),
                spec: serde_json::to_value(c).unwrap_or(Value::Null),
            })
            .collect();
        let secret_refs = config
            .secret_refs()
            .into_iter()
            .map(|(used_by, reference)| SecretRefRow {
                scheme: reference.split(':').next().unwrap_or_default().to_owned(),
                reference,
                used_by,
            })
            .collect();
        Self {
            policies,
            connectors,
            secret_refs,
        }
    }
}

/// Which version is active for a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPointer {
    pub tenant_id: String,
    pub config_version_id: Uuid,
    pub active_version: i32,
    /// Bumped on every move; nodes compare it to know their cache is stale.
    pub generation: i64,
    pub updated_by: String,
    pub reason: String,
    pub updated_at: OffsetDateTime,
}

/// One move of the pointer (activate or rollback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointerMove {
    pub id: Uuid,
    pub tenant_id: String,
    pub action: String,
    pub from_version: Option<i32>,
    pub to_version: i32,
    pub operator_id: Option<Uuid>,
    pub operator_name: String,
    pub reason: String,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub created_at: OffsetDateTime,
}

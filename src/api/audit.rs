//! `/v1/admin/audit`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::list::query_type;

/// `GET /v1/admin/audit/verify[?expect_head=<count>:<hash>]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerifyResponse {
    /// The chain verifies under this node's audit key, and the anchor (if given) holds.
    pub ok: bool,
    /// Rows checked (up to and including the first bad one).
    pub checked: u64,
    /// The first row that breaks the chain.
    pub first_bad_id: Option<Uuid>,
    /// Why `ok` is false, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The verified head: the anchor to record now and check later with `expect_head`.
    /// Absent when the chain is broken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<AuditHead>,
    /// Rows sealed with the unkeyed hash of earlier versions (all before the keyed ones).
    #[serde(default)]
    pub unkeyed_rows: u64,
    /// The result of the `expect_head` anchor, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<AnchorCheck>,
}

/// `GET /v1/admin/audit/head`: the newest row's position and seal, and a MAC of both under
/// the audit key, so an anchor written to an outside store can later be shown to be orchd's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditHead {
    /// Rows in the chain (the newest row's `seq`).
    pub count: u64,
    /// The newest row's seal (the genesis hash for an empty chain).
    pub hash: String,
    /// HMAC-SHA256 of (`count`, `hash`) under the audit key, hex.
    pub mac: String,
    /// The audit key's public fingerprint: nodes of one deployment show the same.
    pub key_id: String,
}

impl AuditHead {
    /// `<count>:<hash>`: what `orchctl audit verify --expect-head` takes.
    pub fn anchor(&self) -> String {
        format!("{}:{}", self.count, self.hash)
    }
}

/// How an `expect_head` anchor fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnchorCheck {
    pub count: u64,
    pub hash: String,
    /// The chain still holds the anchored row with that seal.
    pub matched: bool,
}

query_type! {
    paged
    /// `GET /v1/admin/audit`: newest first.
    pub struct AuditListQuery {
        /// The operator's name.
        pub operator: Option<String>,
        pub action: Option<String>,
        pub tenant: Option<String>,
        /// RFC 3339; at or after.
        pub since: Option<String>,
        /// RFC 3339; before.
        pub until: Option<String>,
        /// Only rows written by this request (its `x-request-id`): what one action wrote.
        pub request_id: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::list::Cursor;
    use crate::api::list::tests::wire;

    #[test]
    fn audit_list_query_round_trips() {
        assert_eq!(wire(&AuditListQuery::default()), "");
        let query = AuditListQuery {
            operator: Some("alice".into()),
            action: Some("operator.create".into()),
            tenant: Some("acme".into()),
            since: Some("2026-01-01T00:00:00Z".into()),
            until: Some("2026-02-01T00:00:00Z".into()),
            request_id: Some("req_01".into()),
            cursor: Some(Cursor::of(41)),
            limit: Some(10),
        };
        assert_eq!(
            wire(&query),
            "operator=alice&action=operator.create&tenant=acme&since=2026-01-01T00:00:00Z\
             &until=2026-02-01T00:00:00Z&request_id=req_01&limit=10&cursor=41"
        );
    }
}

//! The operator audit log's hash chain. Each row's hash covers its own content and the
//! previous row's hash, so altering, inserting or deleting a row breaks the chain from that
//! row on. Computing and checking it is pure; the store only serialises appends.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::canonical::{sha256_hex, to_canonical_string};

/// `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Outcome recorded for an operator action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditResult {
    /// The mutation happened.
    Ok,
    /// RBAC refused it.
    Denied,
    /// It was attempted and failed after authorisation.
    Failed,
}

impl AuditResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditResult::Ok => "ok",
            AuditResult::Denied => "denied",
            AuditResult::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ok" => Some(Self::Ok),
            "denied" => Some(Self::Denied),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// What a caller knows about an action; the store seals it into a row.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditDraft {
    pub operator_id: Option<Uuid>,
    pub operator_name: String,
    pub operator_role: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub tenant_id: Option<String>,
    pub reason: String,
    /// `{"before": …, "after": …}` (either side may be null).
    pub diff: Option<Value>,
    pub result: AuditResult,
    pub required_permission: Option<String>,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub impersonation_id: Option<Uuid>,
}

/// One row of the audit log, as stored and as served by `GET /v1/admin/audit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: Uuid,
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub ts: OffsetDateTime,
    pub operator_id: Option<Uuid>,
    pub operator_name: String,
    pub operator_role: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub tenant_id: Option<String>,
    pub reason: String,
    pub diff_json: Option<Value>,
    pub result: AuditResult,
    pub required_permission: Option<String>,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub impersonation_id: Option<Uuid>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditDraft {
    /// A successful action by `operator_name` (role as text, so `system` can act too).
    pub fn new(operator_name: &str, operator_role: &str, action: &str, reason: &str) -> Self {
        Self {
            operator_id: None,
            operator_name: operator_name.to_owned(),
            operator_role: operator_role.to_owned(),
            action: action.to_owned(),
            target_type: None,
            target_id: None,
            tenant_id: None,
            reason: reason.to_owned(),
            diff: None,
            result: AuditResult::Ok,
            required_permission: None,
            request_id: None,
            trace_id: None,
            impersonation_id: None,
        }
    }

    pub fn operator(mut self, id: Uuid) -> Self {
        self.operator_id = Some(id);
        self
    }

    pub fn target(mut self, kind: &str, id: impl ToString) -> Self {
        self.target_type = Some(kind.to_owned());
        self.target_id = Some(id.to_string());
        self
    }

    pub fn tenant(mut self, tenant: &str) -> Self {
        self.tenant_id = Some(tenant.to_owned());
        self
    }

    /// Records the change as `{"before": …, "after": …}`.
    pub fn diff(mut self, before: Value, after: Value) -> Self {
        self.diff = Some(json!({ "before": before, "after": after }));
        self
    }

    pub fn result(mut self, result: AuditResult) -> Self {
        self.result = result;
        self
    }

    pub fn permission(mut self, permission: &str) -> Self {
        self.required_permission = Some(permission.to_owned());
        self
    }

    pub fn correlation(mut self, request_id: Option<String>, trace_id: Option<String>) -> Self {
        self.request_id = request_id;
        self.trace_id = trace_id;
        self
    }

    pub fn impersonation(mut self, id: Option<Uuid>) -> Self {
        self.impersonation_id = id;
        self
    }

    /// Turns the draft into row `seq` following `prev_hash`. `ts` is truncated to
    /// microseconds, the precision both backends store.
    pub fn seal(self, id: Uuid, seq: i64, ts: OffsetDateTime, prev_hash: &str) -> AuditRecord {
        let ts = truncate_to_micros(ts);
        let mut record = AuditRecord {
            id,
            seq,
            ts,
            operator_id: self.operator_id,
            operator_name: self.operator_name,
            operator_role: self.operator_role,
            action: self.action,
            target_type: self.target_type,
            target_id: self.target_id,
            tenant_id: self.tenant_id,
            reason: self.reason,
            diff_json: self.diff,
            result: self.result,
            required_permission: self.required_permission,
            request_id: self.request_id,
            trace_id: self.trace_id,
            impersonation_id: self.impersonation_id,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        record.hash = record.compute_hash();
        record
    }
}

impl AuditRecord {
    /// The hash this row should carry given its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let ts_us = self.ts.unix_timestamp_nanos() / 1000;
        let content = json!({
            "seq": self.seq,
            "id": self.id.to_string(),
            "ts_us": ts_us.to_string(),
            "operator_id": self.operator_id.map(|u| u.to_string()),
            "operator_name": self.operator_name,
            "operator_role": self.operator_role,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "tenant_id": self.tenant_id,
            "reason": self.reason,
            "diff": self.diff_json,
            "result": self.result.as_str(),
            "required_permission": self.required_permission,
            "request_id": self.request_id,
            "trace_id": self.trace_id,
            "impersonation_id": self.impersonation_id.map(|u| u.to_string()),
        });
        let mut input = String::with_capacity(256);
        input.push_str(&self.prev_hash);
        input.push('\n');
        input.push_str(&to_canonical_string(&content));
        sha256_hex(input.as_bytes())
    }
}

/// Checks rows in `seq` order, continuing from a previous page (`expected_prev`,
/// `expected_seq`). Returns the id of the first bad row, if any.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
    checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS_HASH.to_owned(),
            next_seq: 1,
            checked: 0,
        }
    }
}

impl ChainVerifier {
    /// Feeds the next row; `Err(id)` names the first row that breaks the chain (a gap in
    /// `seq`, a `prev_hash` that is not the previous row's hash, or a wrong hash).
    pub fn check(&mut self, row: &AuditRecord) -> Result<(), Uuid> {
        self.checked += 1;
        if row.seq != self.next_seq
            || row.prev_hash != self.prev_hash
            || row.hash != row.compute_hash()
        {
            return Err(row.id);
        }
        self.prev_hash.clone_from(&row.hash);
        self.next_seq += 1;
        Ok(())
    }

    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// The `seq` the next row must have.
    pub fn next_seq(&self) -> i64 {
        self.next_seq
    }
}

fn truncate_to_micros(ts: OffsetDateTime) -> OffsetDateTime {
    let nanos = ts.nanosecond();
    ts.replace_nanosecond(nanos - nanos % 1000).unwrap_or(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(action: &str) -> AuditDraft {
        AuditDraft {
            operator_id: Some(Uuid::now_v7()),
            operator_name: "alice".into(),
            operator_role: "admin".into(),
            action: action.into(),
            target_type: Some("operator".into()),
            target_id: Some("x".into()),
            tenant_id: None,
            reason: "because".into(),
            diff: Some(json!({"before": null, "after": {"role": "support", "name": "bob"}})),
            result: AuditResult::Ok,
            required_permission: Some("operators.manage".into()),
            request_id: Some("r1".into()),
            trace_id: None,
            impersonation_id: None,
        }
    }

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (0..n)
            .map(|i| {
                let r = draft(&format!("a{i}")).seal(
                    Uuid::now_v7(),
                    i as i64 + 1,
                    OffsetDateTime::now_utc(),
                    &prev,
                );
                prev.clone_from(&r.hash);
                r
            })
            .collect()
    }

    fn verify(rows: &[AuditRecord]) -> Result<(), Uuid> {
        let mut v = ChainVerifier::default();
        rows.iter().try_for_each(|r| v.check(r))
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
    }

    #[test]
    fn any_change_is_detected_at_that_row() {
        let rows = chain(5);
        let mut altered = rows.clone();
        altered[2].reason = "edited".into();
        assert_eq!(verify(&altered), Err(rows[2].id));

        let mut deleted = rows.clone();
        deleted.remove(1);
        assert_eq!(verify(&deleted), Err(rows[2].id));

        let mut reordered_diff = rows.clone();
        reordered_diff[3].diff_json =
            Some(json!({"after": {"name": "bob", "role": "support"}, "before": null}));
        assert_eq!(verify(&reordered_diff), Ok(()), "key order is not content");

        let mut rehashed = rows.clone();
        rehashed[1].reason = "forged".into();
        rehashed[1].hash = rehashed[1].compute_hash();
        assert_eq!(
            verify(&rehashed),
            Err(rows[2].id),
            "the next row still points at the old hash"
        );
    }

    #[test]
    fn hashes_survive_a_json_round_trip() {
        let rows = chain(2);
        let text = serde_json::to_string(&rows).unwrap();
        let back: Vec<AuditRecord> = serde_json::from_str(&text).unwrap();
        assert_eq!(verify(&back), Ok(()));
    }
}

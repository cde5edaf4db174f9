//! The operator audit log's hash chain. Each row's seal covers its own content and the
//! previous row's seal, so altering, inserting or deleting a row breaks the chain from that
//! row on. Computing and checking it is pure; the store only serialises appends.
//!
//! Seals are keyed: `hmac1:` + HMAC-SHA256 under an [`AuditKey`] that orchd holds outside the
//! database. An unkeyed hash (what rows were sealed with before) can be recomputed by anyone
//! who can write the database, so an edited row could simply be rehashed to the end of the
//! chain; a keyed seal cannot be forged without the key. Rows sealed the old way (64 hex
//! digits of SHA-256, "v0") still verify, but only as a prefix of the chain: once a keyed row
//! has been seen, an unkeyed one is a forgery (a downgrade), and the first keyed row's seal
//! covers the last unkeyed hash, so the old prefix cannot be rewritten either.
//!
//! What a valid chain cannot show is that rows were cut off its end. That is what the head
//! anchor is for: [`AuditAnchor`] (`<count>:<hash>`, recorded elsewhere — a checkpoint log
//! line, an operator's note) is checked by [`ChainVerifier::check_anchor`].

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::canonical::{sha256_hex, to_canonical_string};

type HmacSha256 = Hmac<Sha256>;

/// `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Prefix of a keyed seal: `hmac1:` and 64 lowercase hex digits of HMAC-SHA256.
pub const KEYED_SEAL_PREFIX: &str = "hmac1:";

/// Shortest audit key accepted, in bytes.
pub const MIN_KEY_LEN: usize = 32;

/// Domain labels: one per use of the key, so a MAC made for one purpose never passes as
/// another (a row seal is never a head MAC, nor a key id).
const ROW_LABEL: &str = "orch-audit-row-v1";
const HEAD_LABEL: &str = "orch-audit-head-v1";
const KEY_ID_LABEL: &str = "orch-audit-key-id-v1";

/// The key audit rows are sealed with. Held by orchd outside the database; `Debug` hides
/// it and there is no `Display` or `Serialize`.
#[derive(Clone)]
pub struct AuditKey(Arc<[u8]>);

/// Why a key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditKeyError {
    #[error("an audit key must be at least {MIN_KEY_LEN} bytes")]
    TooShort,
}

impl AuditKey {
    /// A key from its bytes (a SecretRef's value); at least [`MIN_KEY_LEN`] bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, AuditKeyError> {
        if bytes.len() < MIN_KEY_LEN {
            return Err(AuditKeyError::TooShort);
        }
        Ok(Self(Arc::from(bytes)))
    }

    /// A key derived from other key material under `label`: HMAC-SHA256(master, label), the
    /// HKDF-Expand step with one block. Used to take the audit key from orchd's token
    /// signing key: the label keeps the two apart (neither is usable as the other).
    pub fn derive(master: &[u8], label: &str) -> Result<Self, AuditKeyError> {
        if master.len() < MIN_KEY_LEN {
            return Err(AuditKeyError::TooShort);
        }
        let derived = mac_with(master, label, &[]).finalize().into_bytes();
        Ok(Self(Arc::from(&derived[..])))
    }

    /// A short public fingerprint (16 hex digits) to tell keys apart in logs and the head,
    /// e.g. two nodes sealing with different keys. A MAC of a fixed label: it says nothing
    /// about the key.
    pub fn id(&self) -> String {
        let mut id = hex::encode(self.mac(KEY_ID_LABEL, &[]).finalize().into_bytes());
        id.truncate(16);
        id
    }

    /// The MAC of `parts` under `label`, each part length-prefixed so no two different
    /// lists of parts give the same input.
    fn mac(&self, label: &str, parts: &[&[u8]]) -> HmacSha256 {
        mac_with(&self.0, label, parts)
    }

    /// `MAC(count, hash)` of a chain head, as hex: lets an anchor recorded elsewhere be
    /// shown to come from orchd.
    pub fn head_mac(&self, count: u64, hash: &str) -> String {
        let count = count.to_string();
        hex::encode(
            self.mac(HEAD_LABEL, &[count.as_bytes(), hash.as_bytes()])
                .finalize()
                .into_bytes(),
        )
    }

    /// Whether `mac` is the head MAC of (`count`, `hash`); constant-time.
    pub fn verify_head_mac(&self, count: u64, hash: &str, mac: &str) -> bool {
        let Ok(bytes) = hex::decode(mac) else {
            return false;
        };
        let count = count.to_string();
        self.mac(HEAD_LABEL, &[count.as_bytes(), hash.as_bytes()])
            .verify_slice(&bytes)
            .is_ok()
    }
}

fn mac_with(key: &[u8], label: &str, parts: &[&[u8]]) -> HmacSha256 {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(label.as_bytes());
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey(***)")
    }
}

/// How a row's `hash` was made, told by its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealVersion {
    /// v0: SHA-256 of the content, no key (rows written before keyed seals).
    Unkeyed,
    /// `hmac1:`: HMAC-SHA256 under the audit key.
    Hmac1,
}

impl SealVersion {
    /// The version of a stored seal; `None` for anything else (a forged or corrupt value).
    pub fn of(hash: &str) -> Option<Self> {
        let is_hex = |s: &str| {
            s.len() == 64
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        match hash.strip_prefix(KEYED_SEAL_PREFIX) {
            Some(mac) if is_hex(mac) => Some(Self::Hmac1),
            Some(_) => None,
            None if is_hex(hash) => Some(Self::Unkeyed),
            None => None,
        }
    }
}

/// Outcome recorded for an operator action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The member of an audit row's diff that names the channel of the action ([`AuditDraft::via`]).
pub const VIA_KEY: &str = "via";

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
    /// `{"before": …, "after": …}` (either side may be null), and `"via"` when the action
    /// came through another channel than the API (see [`AuditDraft::via`]).
    pub diff: Option<Value>,
    pub result: AuditResult,
    pub required_permission: Option<String>,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub impersonation_id: Option<Uuid>,
}

/// One row of the audit log, as stored and as served by `GET /v1/admin/audit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

    /// Records the change as `{"before": …, "after": …}` (keeping a [`AuditDraft::via`]).
    pub fn diff(mut self, before: Value, after: Value) -> Self {
        let via = self.via_channel().map(str::to_owned);
        self.diff = Some(json!({ "before": before, "after": after }));
        match via {
            Some(channel) => self.via(&channel),
            None => self,
        }
    }

    /// Marks the action as taken through `channel` (`"console"` for the web console): the
    /// diff object gets `"via": channel`, which a later [`AuditDraft::diff`] keeps. Rows
    /// without it came through the API (`orchctl` included). The one place a row says where
    /// the action came from, so the same service writes the same row from either side.
    pub fn via(mut self, channel: &str) -> Self {
        let mut object = match self.diff.take() {
            Some(Value::Object(object)) => object,
            Some(other) => serde_json::Map::from_iter([("value".to_owned(), other)]),
            None => serde_json::Map::new(),
        };
        object.insert(VIA_KEY.to_owned(), Value::String(channel.to_owned()));
        self.diff = Some(Value::Object(object));
        self
    }

    /// The channel recorded by [`AuditDraft::via`], if any.
    pub fn via_channel(&self) -> Option<&str> {
        self.diff.as_ref()?.get(VIA_KEY)?.as_str()
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

    /// Turns the draft into row `seq` following `prev_hash`, sealed under `key`. `ts` is
    /// truncated to microseconds, the precision both backends store.
    pub fn seal(
        self,
        key: &AuditKey,
        id: Uuid,
        seq: i64,
        ts: OffsetDateTime,
        prev_hash: &str,
    ) -> AuditRecord {
        let mut record = self.into_record(id, seq, ts, prev_hash);
        record.hash = record.keyed_seal(key);
        record
    }

    /// Like [`AuditDraft::seal`] but with the unkeyed v0 hash rows had before keyed seals:
    /// only to reproduce such rows (tests, tooling), never to append.
    pub fn seal_unkeyed(
        self,
        id: Uuid,
        seq: i64,
        ts: OffsetDateTime,
        prev_hash: &str,
    ) -> AuditRecord {
        let mut record = self.into_record(id, seq, ts, prev_hash);
        record.hash = record.unkeyed_hash();
        record
    }

    fn into_record(self, id: Uuid, seq: i64, ts: OffsetDateTime, prev_hash: &str) -> AuditRecord {
        let ts = truncate_to_micros(ts);
        AuditRecord {
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
        }
    }
}

impl AuditRecord {
    /// The channel the action came through ([`AuditDraft::via`]): `console`, or `api` when
    /// the row names none (the API marks nothing).
    pub fn via_channel(&self) -> &str {
        self.diff_json
            .as_ref()
            .and_then(|d| d.get(VIA_KEY))
            .and_then(Value::as_str)
            .unwrap_or("api")
    }

    /// The keyed seal this row should carry under `key`, given its content and `prev_hash`.
    pub fn keyed_seal(&self, key: &AuditKey) -> String {
        let content = self.canonical_content();
        let mac = key.mac(ROW_LABEL, &[self.prev_hash.as_bytes(), content.as_bytes()]);
        format!(
            "{KEYED_SEAL_PREFIX}{}",
            hex::encode(mac.finalize().into_bytes())
        )
    }

    /// Whether the row's `hash` is its seal: a keyed one under `key` (constant-time), or the
    /// unkeyed v0 hash. `false` for a seal of neither form.
    pub fn seal_matches(&self, key: &AuditKey) -> bool {
        match SealVersion::of(&self.hash) {
            Some(SealVersion::Hmac1) => {
                let Some(Ok(given)) = self.hash.strip_prefix(KEYED_SEAL_PREFIX).map(hex::decode)
                else {
                    return false;
                };
                let content = self.canonical_content();
                key.mac(ROW_LABEL, &[self.prev_hash.as_bytes(), content.as_bytes()])
                    .verify_slice(&given)
                    .is_ok()
            }
            Some(SealVersion::Unkeyed) => self.hash == self.unkeyed_hash(),
            None => false,
        }
    }

    /// The v0 seal: SHA-256 of `prev_hash` and the content, no key. Anyone can compute it,
    /// which is why new rows are keyed.
    pub fn unkeyed_hash(&self) -> String {
        let mut input = String::with_capacity(256);
        input.push_str(&self.prev_hash);
        input.push('\n');
        input.push_str(&self.canonical_content());
        sha256_hex(input.as_bytes())
    }

    /// The sealed content in canonical JSON (key order and whitespace do not matter).
    fn canonical_content(&self) -> String {
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
        to_canonical_string(&content)
    }
}

/// A chain position recorded outside the database: the number of rows and the seal of the
/// last of them (`<count>:<hash>`; a keyed hash has its own `hmac1:` prefix). A chain that
/// no longer holds this row — shorter, or another seal at that position — was cut or
/// rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    pub count: u64,
    pub hash: String,
}

impl AuditAnchor {
    /// Parses `<count>:<hash>`, e.g. `42:hmac1:3f…`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (count, hash) = text
            .trim()
            .split_once(':')
            .ok_or_else(|| "expected <count>:<hash>, e.g. 42:hmac1:3f2a…".to_owned())?;
        let count: u64 = count
            .parse()
            .map_err(|_| format!("{count:?} is not a row count"))?;
        if count == 0 {
            if hash != GENESIS_HASH {
                return Err(format!("an empty chain's head is {GENESIS_HASH}"));
            }
        } else if SealVersion::of(hash).is_none() {
            return Err("the hash is not an audit seal (hmac1:<64 hex> or 64 hex)".to_owned());
        }
        Ok(Self {
            count,
            hash: hash.to_owned(),
        })
    }
}

impl fmt::Display for AuditAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.count, self.hash)
    }
}

/// Why a row breaks the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// Its `seq` is not the next one: rows are missing or inserted before it.
    Gap,
    /// Its `prev_hash` is not the previous row's seal.
    PrevHash,
    /// Its seal does not match its content (edited, forged, or sealed under another key).
    Seal,
    /// An unkeyed seal after keyed ones: keyed sealing never goes back, so this row was
    /// rewritten by someone without the key.
    Downgrade,
}

impl BreakReason {
    pub fn describe(self) -> &'static str {
        match self {
            BreakReason::Gap => {
                "its position (seq) is not the next one: rows are missing before it"
            }
            BreakReason::PrevHash => "it does not follow the previous row's seal",
            BreakReason::Seal => {
                "its seal does not match its content under this node's audit key (edited, \
                 forged, or sealed with another key)"
            }
            BreakReason::Downgrade => {
                "it carries an unkeyed hash after keyed rows (rewritten without the key)"
            }
        }
    }
}

/// The first row that breaks the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: Uuid,
    pub seq: i64,
    pub reason: BreakReason,
}

/// Why an anchor does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorMismatch {
    /// The chain ends before the anchored row: rows were deleted from its end.
    Truncated { rows: u64 },
    /// The row at the anchored position has another seal: the chain was rewritten.
    Differs { found: String },
}

/// Checks rows in `seq` order under one key, continuing across pages. Remembers what an
/// anchor needs: the seal at each position is seen once, in order.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    key: AuditKey,
    prev_hash: String,
    next_seq: i64,
    checked: u64,
    unkeyed: u64,
    keyed_seen: bool,
    anchor: Option<AuditAnchor>,
    anchor_seen: Option<String>,
}

impl ChainVerifier {
    /// A verifier of a whole chain, from its first row, under `key`.
    pub fn new(key: AuditKey) -> Self {
        Self {
            key,
            prev_hash: GENESIS_HASH.to_owned(),
            next_seq: 1,
            checked: 0,
            unkeyed: 0,
            keyed_seen: false,
            anchor: None,
            anchor_seen: None,
        }
    }

    /// A verifier that continues after a position already checked (a checkpoint): the next
    /// row must be `after.count + 1` and follow `after.hash`.
    pub fn resume(key: AuditKey, after: &AuditAnchor) -> Self {
        let mut verifier = Self::new(key);
        verifier.prev_hash.clone_from(&after.hash);
        verifier.next_seq = i64::try_from(after.count)
            .unwrap_or(i64::MAX)
            .saturating_add(1);
        verifier.keyed_seen = SealVersion::of(&after.hash) == Some(SealVersion::Hmac1);
        verifier
    }

    /// Also checks `anchor` while walking the chain (see [`ChainVerifier::check_anchor`]).
    pub fn expecting(mut self, anchor: AuditAnchor) -> Self {
        if anchor.count == 0 {
            self.anchor_seen = Some(GENESIS_HASH.to_owned());
        }
        self.anchor = Some(anchor);
        self
    }

    /// Feeds the next row; names the first row that breaks the chain (a gap in `seq`, a
    /// `prev_hash` that is not the previous row's seal, a seal that does not match, or an
    /// unkeyed seal after keyed ones).
    pub fn check(&mut self, row: &AuditRecord) -> Result<(), ChainBreak> {
        self.checked += 1;
        let broken = |reason| ChainBreak {
            id: row.id,
            seq: row.seq,
            reason,
        };
        if row.seq != self.next_seq {
            return Err(broken(BreakReason::Gap));
        }
        if row.prev_hash != self.prev_hash {
            return Err(broken(BreakReason::PrevHash));
        }
        match SealVersion::of(&row.hash) {
            Some(SealVersion::Unkeyed) if self.keyed_seen => {
                return Err(broken(BreakReason::Downgrade));
            }
            Some(SealVersion::Unkeyed) => self.unkeyed += 1,
            Some(SealVersion::Hmac1) => self.keyed_seen = true,
            None => return Err(broken(BreakReason::Seal)),
        }
        if !row.seal_matches(&self.key) {
            return Err(broken(BreakReason::Seal));
        }
        if let Some(anchor) = &self.anchor
            && u64::try_from(row.seq).ok() == Some(anchor.count)
        {
            self.anchor_seen = Some(row.hash.clone());
        }
        self.prev_hash.clone_from(&row.hash);
        self.next_seq += 1;
        Ok(())
    }

    /// Once every row has been fed: whether the anchor given to
    /// [`ChainVerifier::expecting`] holds (`Ok` without one).
    pub fn check_anchor(&self) -> Result<(), AnchorMismatch> {
        let Some(anchor) = &self.anchor else {
            return Ok(());
        };
        match &self.anchor_seen {
            None => Err(AnchorMismatch::Truncated { rows: self.count() }),
            Some(found) if *found != anchor.hash => Err(AnchorMismatch::Differs {
                found: found.clone(),
            }),
            Some(_) => Ok(()),
        }
    }

    /// Rows fed so far (the bad one included).
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// Rows that carry the unkeyed v0 hash (all before the first keyed one).
    pub fn unkeyed(&self) -> u64 {
        self.unkeyed
    }

    /// The `seq` the next row must have.
    pub fn next_seq(&self) -> i64 {
        self.next_seq
    }

    /// The number of rows in the chain verified so far.
    pub fn count(&self) -> u64 {
        u64::try_from(self.next_seq - 1).unwrap_or(0)
    }

    /// The verified head so far: the row count and the last seal (the genesis hash when
    /// there is no row).
    pub fn head(&self) -> AuditAnchor {
        AuditAnchor {
            count: self.count(),
            hash: self.prev_hash.clone(),
        }
    }
}

fn truncate_to_micros(ts: OffsetDateTime) -> OffsetDateTime {
    let nanos = ts.nanosecond();
    ts.replace_nanosecond(nanos - nanos % 1000).unwrap_or(ts)
}

#[cfg(test)]
mod via_tests {
    use super::*;

    #[test]
    fn via_survives_a_later_diff_and_keeps_an_earlier_one() {
        let draft = AuditDraft::new("alice", "admin", "dlq.replay", "r").via("console");
        assert_eq!(draft.via_channel(), Some("console"));
        assert_eq!(draft.diff, Some(json!({"via": "console"})));
        let draft = draft.diff(json!({"n": 1}), json!({"n": 2}));
        assert_eq!(
            draft.diff,
            Some(json!({"before": {"n": 1}, "after": {"n": 2}, "via": "console"}))
        );
        let plain = AuditDraft::new("alice", "admin", "dlq.replay", "r").diff(json!(1), json!(2));
        assert_eq!(plain.via_channel(), None);
        assert_eq!(
            plain.via("console").diff,
            Some(json!({"before": 1, "after": 2, "via": "console"}))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> AuditKey {
        AuditKey::new(&[byte; 32]).unwrap()
    }

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

    /// `unkeyed` rows sealed the v0 way, then `keyed` rows under `k`.
    fn chain_with(k: &AuditKey, unkeyed: usize, keyed: usize) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (0..unkeyed + keyed)
            .map(|i| {
                let d = draft(&format!("a{i}"));
                let (id, seq, ts) = (Uuid::now_v7(), i as i64 + 1, OffsetDateTime::now_utc());
                let r = if i < unkeyed {
                    d.seal_unkeyed(id, seq, ts, &prev)
                } else {
                    d.seal(k, id, seq, ts, &prev)
                };
                prev.clone_from(&r.hash);
                r
            })
            .collect()
    }

    fn chain(n: usize) -> Vec<AuditRecord> {
        chain_with(&key(1), 0, n)
    }

    fn verify_with(k: &AuditKey, rows: &[AuditRecord]) -> Result<(), ChainBreak> {
        let mut v = ChainVerifier::new(k.clone());
        rows.iter().try_for_each(|r| v.check(r))
    }

    fn verify(rows: &[AuditRecord]) -> Result<(), ChainBreak> {
        verify_with(&key(1), rows)
    }

    fn bad_at(rows: &[AuditRecord]) -> Option<Uuid> {
        verify(rows).err().map(|b| b.id)
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
        assert!(chain(1)[0].hash.starts_with(KEYED_SEAL_PREFIX));
    }

    #[test]
    fn any_change_is_detected_at_that_row() {
        let rows = chain(5);
        let mut altered = rows.clone();
        altered[2].reason = "edited".into();
        assert_eq!(bad_at(&altered), Some(rows[2].id));

        let mut deleted = rows.clone();
        deleted.remove(1);
        assert_eq!(bad_at(&deleted), Some(rows[2].id));

        let mut reordered_diff = rows.clone();
        reordered_diff[3].diff_json =
            Some(json!({"after": {"name": "bob", "role": "support"}, "before": null}));
        assert_eq!(verify(&reordered_diff), Ok(()), "key order is not content");
    }

    /// Whoever can write the database can recompute an unkeyed hash, but not a keyed seal.
    #[test]
    fn an_edit_rehashed_to_the_end_without_the_key_is_caught() {
        let rows = chain(4);
        // Rehash from the edited row on, the v0 way.
        let mut unkeyed = rows.clone();
        unkeyed[1].reason = "forged".into();
        for i in 1..unkeyed.len() {
            unkeyed[i].prev_hash = unkeyed[i - 1].hash.clone();
            unkeyed[i].hash = unkeyed[i].unkeyed_hash();
        }
        let broken = verify(&unkeyed).unwrap_err();
        assert_eq!(broken.id, rows[1].id);
        assert_eq!(broken.reason, BreakReason::Downgrade);
        // Or dressed up as a keyed seal, under a key of the forger's choosing.
        let mut forged = rows.clone();
        forged[1].reason = "forged".into();
        for i in 1..forged.len() {
            forged[i].prev_hash = forged[i - 1].hash.clone();
            forged[i].hash = forged[i].keyed_seal(&key(9));
        }
        let broken = verify(&forged).unwrap_err();
        assert_eq!((broken.id, broken.reason), (rows[1].id, BreakReason::Seal));
    }

    #[test]
    fn a_chain_sealed_with_one_key_fails_under_another() {
        let rows = chain_with(&key(1), 0, 3);
        assert_eq!(verify_with(&key(1), &rows), Ok(()));
        let broken = verify_with(&key(2), &rows).unwrap_err();
        assert_eq!((broken.id, broken.reason), (rows[0].id, BreakReason::Seal));
        assert_ne!(key(1).id(), key(2).id());
        assert_eq!(key(1).id().len(), 16);
    }

    #[test]
    fn unkeyed_rows_verify_only_before_keyed_ones() {
        let rows = chain_with(&key(1), 3, 2);
        let mut v = ChainVerifier::new(key(1));
        for row in &rows {
            v.check(row).unwrap();
        }
        assert_eq!(v.unkeyed(), 3);
        // The first keyed row covers the last unkeyed hash: the old prefix is pinned.
        let mut rewritten = rows.clone();
        rewritten[0].reason = "forged".into();
        for i in 0..3 {
            if i > 0 {
                rewritten[i].prev_hash = rewritten[i - 1].hash.clone();
            }
            rewritten[i].hash = rewritten[i].unkeyed_hash();
        }
        rewritten[3].prev_hash = rewritten[2].hash.clone();
        assert_eq!(bad_at(&rewritten), Some(rows[3].id));
        // Garbage seals are not a third format.
        let mut garbage = rows.clone();
        garbage[4].hash = "hmac1:xyz".into();
        assert_eq!(bad_at(&garbage), Some(rows[4].id));
    }

    #[test]
    fn anchors_catch_a_cut_or_rewritten_tail() {
        let rows = chain(5);
        let anchor = AuditAnchor {
            count: 4,
            hash: rows[3].hash.clone(),
        };
        let run = |rows: &[AuditRecord], anchor: &AuditAnchor| {
            let mut v = ChainVerifier::new(key(1)).expecting(anchor.clone());
            rows.iter().try_for_each(|r| v.check(r)).unwrap();
            v.check_anchor()
        };
        assert_eq!(run(&rows, &anchor), Ok(()));
        assert_eq!(
            run(&rows[..3], &anchor),
            Err(AnchorMismatch::Truncated { rows: 3 })
        );
        let other = chain(5);
        assert!(matches!(
            run(&other, &anchor),
            Err(AnchorMismatch::Differs { .. })
        ));
        let empty = AuditAnchor::parse(&format!("0:{GENESIS_HASH}")).unwrap();
        assert_eq!(run(&[], &empty), Ok(()));
    }

    #[test]
    fn anchors_parse_and_print() {
        let rows = chain(2);
        let text = format!("2:{}", rows[1].hash);
        let anchor = AuditAnchor::parse(&text).unwrap();
        assert_eq!(anchor.count, 2);
        assert_eq!(anchor.to_string(), text);
        let v0 = AuditAnchor::parse(&format!("7:{}", "a".repeat(64))).unwrap();
        assert_eq!(v0.hash, "a".repeat(64));
        for bad in ["", "12", "x:hmac1:00", "3:nothex", "0:hmac1:00", "-1:abc"] {
            assert!(AuditAnchor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_resumed_verifier_continues_after_a_checkpoint() {
        let rows = chain(6);
        let mut v = ChainVerifier::resume(
            key(1),
            &AuditAnchor {
                count: 3,
                hash: rows[2].hash.clone(),
            },
        );
        for row in &rows[3..] {
            v.check(row).unwrap();
        }
        assert_eq!(v.head().count, 6);
        assert_eq!(v.head().hash, rows[5].hash);
    }

    #[test]
    fn head_macs_verify_under_their_key_only() {
        let mac = key(1).head_mac(5, "hmac1:ab");
        assert!(key(1).verify_head_mac(5, "hmac1:ab", &mac));
        assert!(!key(1).verify_head_mac(6, "hmac1:ab", &mac));
        assert!(!key(2).verify_head_mac(5, "hmac1:ab", &mac));
        assert!(!key(1).verify_head_mac(5, "hmac1:ab", "zz"));
    }

    #[test]
    fn keys_are_long_hidden_and_derived_apart() {
        assert_eq!(
            AuditKey::new(b"short").unwrap_err(),
            AuditKeyError::TooShort
        );
        let shown = format!(
            "{:?}",
            AuditKey::new(b"super-secret-audit-key-0123456789").unwrap()
        );
        assert_eq!(shown, "AuditKey(***)");
        let master = [7u8; 32];
        let a = AuditKey::derive(&master, "one").unwrap();
        let b = AuditKey::derive(&master, "two").unwrap();
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id(), AuditKey::derive(&master, "one").unwrap().id());
    }

    #[test]
    fn hashes_survive_a_json_round_trip() {
        let rows = chain(2);
        let text = serde_json::to_string(&rows).unwrap();
        let back: Vec<AuditRecord> = serde_json::from_str(&text).unwrap();
        assert_eq!(verify(&back), Ok(()));
    }
}

//! Reading, verifying and anchoring the operator audit log. Rows are appended by the store
//! inside the transaction of each mutation (or alone, for denied attempts), sealed with the
//! audit key (`orch_core::audit`).
//!
//! The key: `audit.hmac_key_ref` if set; else derived from orchd's token signing key under
//! [`DERIVATION_LABEL`]. Nodes of one deployment must already share the signing key (a token
//! issued by one is checked by all), so the derived key is the same on every node without a
//! second secret to distribute; the label keeps the two keys apart. The key never reaches
//! the database, a log line or `Debug`; only its public fingerprint (`key_id`) is shown.
//!
//! Anchors: [`AuditService::head`] is the newest row's position and seal, with a MAC under
//! the key; [`AuditService::verify`] can check an anchor recorded earlier, which is how a
//! cut-off tail is found; and the reconciler logs a checkpoint line every
//! `audit.checkpoint_interval` ([`AuditService::spawn_checkpoints`]) so an outside log store
//! holds anchors nobody with only database access can rewrite.

use std::sync::Arc;
use std::time::Duration;

use orch_core::api::audit::{AnchorCheck, AuditHead, AuditListQuery, AuditVerifyResponse};
use orch_core::api::list::{self, Cursor, InvalidParam, Page, effective_limit};
use orch_core::audit::{
    AnchorMismatch, AuditAnchor, AuditDraft, AuditKey, AuditRecord, AuditResult, ChainBreak,
    ChainVerifier, GENESIS_HASH,
};
use orch_core::rbac::Permission;

use super::IdentityError;
use super::operators::OperatorRecord;
use super::signing;
pub use crate::model::identity::AuditQuery;
use crate::secrets;
use crate::settings::Settings;
use crate::store::{Store, StoreError};

/// Rows read per round trip while verifying.
const VERIFY_PAGE: u32 = 500;

/// The label the audit key is derived from the signing key under. Changing it changes the
/// key, and rows sealed before would no longer verify: never change it.
pub const DERIVATION_LABEL: &str = "orch audit hmac key v1";

/// Where the audit key came from (logged at start-up; never the key itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKeySource {
    /// `audit.hmac_key_ref`.
    Setting,
    /// Derived from the key of `auth.signing_key_ref`.
    SigningKeyRef,
    /// Derived from the signing key generated in `data_dir` (this node's own).
    GeneratedSigningKey,
}

impl AuditKeySource {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKeySource::Setting => "audit.hmac_key_ref",
            AuditKeySource::SigningKeyRef => "derived from auth.signing_key_ref",
            AuditKeySource::GeneratedSigningKey => "derived from the generated signing key",
        }
    }
}

/// The audit key of `settings` (see the module docs).
pub fn load_key(settings: &Settings) -> Result<(AuditKey, AuditKeySource), IdentityError> {
    if let Some(reference) = &settings.audit.hmac_key_ref {
        let secret = secrets::resolve(reference)?;
        let key = AuditKey::new(secret.expose().as_bytes()).map_err(|e| {
            IdentityError::AuditKey(format!("audit.hmac_key_ref {reference:?}: {e}"))
        })?;
        return Ok((key, AuditKeySource::Setting));
    }
    let secret = signing::load_secret(settings)?;
    let key = AuditKey::derive(secret.expose().as_bytes(), DERIVATION_LABEL)
        .map_err(|e| IdentityError::AuditKey(format!("from the signing key: {e}")))?;
    let source = if settings.auth.signing_key_ref.is_some() {
        AuditKeySource::SigningKeyRef
    } else {
        AuditKeySource::GeneratedSigningKey
    };
    Ok((key, source))
}

/// Logs which key seals the audit log (its fingerprint, never the key), and warns when the
/// nodes of a distributed deployment may each hold another one.
pub fn announce_key(key: &AuditKey, source: AuditKeySource, distributed: bool) {
    tracing::info!(key_id = %key.id(), source = source.as_str(), "audit log sealed with HMAC-SHA256");
    if distributed && source == AuditKeySource::GeneratedSigningKey {
        tracing::warn!(
            key_id = %key.id(),
            "distributed mode, but the audit key is derived from this node's generated signing \
             key: set audit.hmac_key_ref (or auth.signing_key_ref) to the same secret on every \
             node, or rows other nodes seal will not verify here"
        );
    }
}

/// Logs and audits (as denied, with the permission it lacked) an operator's call its role
/// does not allow. A failure to audit is only logged: the caller answers 403 either way,
/// and a denial changed nothing that the log must vouch for.
pub async fn record_denial(
    store: &dyn Store,
    operator: &OperatorRecord,
    required: Permission,
    draft: AuditDraft,
) {
    tracing::warn!(
        role = %operator.role,
        required_permission = %required,
        action = %draft.action,
        "operator denied"
    );
    let denied = draft
        .permission(required.as_str())
        .result(AuditResult::Denied);
    if let Err(err) = store.append_audit(denied).await {
        tracing::error!(error = %err, "could not record a denied operator call in the audit log");
    }
}

#[derive(Clone)]
pub struct AuditService {
    store: Arc<dyn Store>,
    key: AuditKey,
}

impl AuditService {
    pub fn new(store: Arc<dyn Store>, key: AuditKey) -> Self {
        Self { store, key }
    }

    pub async fn list(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        self.store.list_audit(query).await
    }

    /// Logs and audits an operator's call its role does not allow (`draft`: the call's
    /// attributed audit draft); see [`record_denial`].
    pub async fn record_denial(
        &self,
        operator: &OperatorRecord,
        required: Permission,
        draft: AuditDraft,
    ) {
        record_denial(&*self.store, operator, required, draft).await;
    }

    /// A page of the log, newest first, as `GET /v1/admin/audit` reads `params` (a bad
    /// time or cursor is [`IdentityError::Invalid`]).
    pub async fn page(&self, params: &AuditListQuery) -> Result<Page<AuditRecord>, IdentityError> {
        let limit = effective_limit(params.limit);
        let before_seq = params
            .cursor
            .as_ref()
            .map(|c| {
                c.parse::<i64>().map_err(|e| InvalidParam {
                    field: "cursor",
                    message: e.to_string(),
                })
            })
            .transpose()?;
        let query = AuditQuery {
            before_seq,
            since: list::parse_time("since", params.since.as_deref())?,
            until: list::parse_time("until", params.until.as_deref())?,
            operator: params.operator.clone(),
            action: params.action.clone(),
            tenant: params.tenant.clone(),
            request_id: params.request_id.clone(),
            limit,
        };
        let rows = self.store.list_audit(&query).await?;
        Ok(Page::from_rows(rows, limit, |r| Cursor::of(r.seq)))
    }

    /// Appends a row on its own (denied attempts; actions with no other write).
    pub async fn append(&self, draft: AuditDraft) -> Result<AuditRecord, StoreError> {
        self.store.append_audit(draft).await
    }

    /// The newest row's position and seal, as stored (not verified), with its MAC.
    pub async fn head(&self) -> Result<AuditHead, StoreError> {
        let newest = self
            .store
            .list_audit(&AuditQuery {
                limit: 1,
                ..AuditQuery::default()
            })
            .await?;
        let anchor = match newest.first() {
            Some(row) => AuditAnchor {
                count: u64::try_from(row.seq)
                    .map_err(|_| StoreError::Corrupt(format!("audit seq {}", row.seq)))?,
                hash: row.hash.clone(),
            },
            None => AuditAnchor {
                count: 0,
                hash: GENESIS_HASH.to_owned(),
            },
        };
        Ok(self.signed_head(&anchor))
    }

    fn signed_head(&self, anchor: &AuditAnchor) -> AuditHead {
        AuditHead {
            count: anchor.count,
            hash: anchor.hash.clone(),
            mac: self.key.head_mac(anchor.count, &anchor.hash),
            key_id: self.key.id(),
        }
    }

    /// Recomputes the whole chain under the audit key, page by page; reports the first row
    /// that breaks it, and whether `expect` (an anchor recorded earlier) still holds.
    pub async fn verify(
        &self,
        expect: Option<&AuditAnchor>,
    ) -> Result<AuditVerifyResponse, StoreError> {
        let mut verifier = ChainVerifier::new(self.key.clone());
        if let Some(anchor) = expect {
            verifier = verifier.expecting(anchor.clone());
        }
        if let Err(broken) = self.walk(&mut verifier, 0).await? {
            return Ok(AuditVerifyResponse {
                ok: false,
                checked: verifier.checked(),
                first_bad_id: Some(broken.id),
                problem: Some(describe_break(&broken)),
                head: None,
                unkeyed_rows: verifier.unkeyed(),
                anchor: None,
            });
        }
        let anchor_result = verifier.check_anchor();
        let problem = match (&anchor_result, expect) {
            (Err(mismatch), Some(anchor)) => Some(describe_mismatch(mismatch, anchor)),
            _ => None,
        };
        Ok(AuditVerifyResponse {
            ok: anchor_result.is_ok(),
            checked: verifier.checked(),
            first_bad_id: None,
            problem,
            head: Some(self.signed_head(&verifier.head())),
            unkeyed_rows: verifier.unkeyed(),
            anchor: expect.map(|anchor| AnchorCheck {
                count: anchor.count,
                hash: anchor.hash.clone(),
                matched: anchor_result.is_ok(),
            }),
        })
    }

    /// Feeds every row after `after_seq` to `verifier`, page by page.
    async fn walk(
        &self,
        verifier: &mut ChainVerifier,
        mut after_seq: i64,
    ) -> Result<Result<(), ChainBreak>, StoreError> {
        loop {
            let page = self.store.audit_chain(after_seq, VERIFY_PAGE).await?;
            for row in &page {
                if let Err(broken) = verifier.check(row) {
                    return Ok(Err(broken));
                }
            }
            match page.last() {
                Some(last) if page.len() == VERIFY_PAGE as usize => after_seq = last.seq,
                _ => return Ok(Ok(())),
            }
        }
    }

    /// One checkpoint: checks the chain (all of it the first time, then what was appended
    /// since the previous checkpoint, which must still be there unchanged) and returns the
    /// new head to log. `Err` in words when the chain is broken or was cut.
    pub async fn checkpoint(
        &self,
        previous: Option<&AuditAnchor>,
    ) -> Result<Result<AuditHead, String>, StoreError> {
        let Some(previous) = previous else {
            let report = self.verify(None).await?;
            return Ok(match (report.head, report.problem) {
                (Some(head), None) => Ok(head),
                (_, problem) => Err(problem.unwrap_or_else(|| "the chain is broken".to_owned())),
            });
        };
        if previous.count > 0 {
            let at = i64::try_from(previous.count - 1).unwrap_or(i64::MAX);
            let still = self.store.audit_chain(at, 1).await?;
            let found = still
                .first()
                .filter(|row| u64::try_from(row.seq).ok() == Some(previous.count));
            let mismatch = match found {
                None => Some(AnchorMismatch::Truncated {
                    rows: self.head().await?.count,
                }),
                Some(row) if row.hash != previous.hash => Some(AnchorMismatch::Differs {
                    found: row.hash.clone(),
                }),
                Some(_) => None,
            };
            if let Some(mismatch) = mismatch {
                return Ok(Err(describe_mismatch(&mismatch, previous)));
            }
        }
        let mut verifier = ChainVerifier::resume(self.key.clone(), previous);
        let after = i64::try_from(previous.count).unwrap_or(i64::MAX);
        if let Err(broken) = self.walk(&mut verifier, after).await? {
            return Ok(Err(describe_break(&broken)));
        }
        Ok(Ok(self.signed_head(&verifier.head())))
    }

    /// Logs `audit checkpoint count=… head=… mac=…` every `interval` (the first at once), so
    /// an outside log store holds anchors; a broken or cut chain is logged as an error each
    /// time until it is looked at.
    pub fn spawn_checkpoints(
        self,
        interval: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last: Option<AuditAnchor> = None;
            loop {
                tokio::select! {
                    _ = stop.changed() => return,
                    _ = tick.tick() => {}
                }
                match self.checkpoint(last.as_ref()).await {
                    Ok(Ok(head)) => {
                        tracing::info!(
                            count = head.count,
                            head = %head.hash,
                            mac = %head.mac,
                            key_id = %head.key_id,
                            "audit checkpoint"
                        );
                        last = Some(AuditAnchor {
                            count: head.count,
                            hash: head.hash,
                        });
                    }
                    Ok(Err(problem)) => {
                        tracing::error!(problem = %problem, "audit chain does not verify");
                    }
                    Err(err) => tracing::warn!(error = %err, "audit checkpoint failed"),
                }
            }
        })
    }
}

fn describe_break(broken: &ChainBreak) -> String {
    format!(
        "row {} ({}) breaks the chain: {}",
        broken.seq,
        broken.id,
        broken.reason.describe()
    )
}

fn describe_mismatch(mismatch: &AnchorMismatch, anchor: &AuditAnchor) -> String {
    match mismatch {
        AnchorMismatch::Truncated { rows } => format!(
            "the chain has {rows} rows but the anchor {anchor} expects at least {}: rows were \
             deleted from its end",
            anchor.count
        ),
        AnchorMismatch::Differs { found } => format!(
            "row {} is sealed {found}, not {} as anchored: the chain was rewritten at or before \
             that row",
            anchor.count, anchor.hash
        ),
    }
}

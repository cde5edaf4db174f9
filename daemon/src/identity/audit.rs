//! Reading and verifying the operator audit log. Rows are appended by the store inside the
//! transaction of each mutation (or alone, for denied attempts).

use std::sync::Arc;

use orch_core::api::audit::AuditVerifyResponse;
use orch_core::audit::{AuditDraft, AuditRecord, ChainVerifier};
use time::OffsetDateTime;

use crate::store::{Store, StoreError};

/// Filters of `GET /v1/admin/audit` (newest first).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// An operator id or name.
    pub operator: Option<String>,
    pub action: Option<String>,
    pub tenant: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Only rows older than this chain position (the page cursor).
    pub before_seq: Option<i64>,
    pub limit: u32,
}

/// Rows read per round trip while verifying.
const VERIFY_PAGE: u32 = 500;

#[derive(Clone)]
pub struct AuditService {
    store: Arc<dyn Store>,
}

impl AuditService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    pub async fn list(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        self.store.list_audit(query).await
    }

    /// Appends a row on its own (denied attempts; actions with no other write).
    pub async fn append(&self, draft: AuditDraft) -> Result<AuditRecord, StoreError> {
        self.store.append_audit(draft).await
    }

    /// Recomputes the whole chain, page by page; reports the first row that breaks it.
    pub async fn verify(&self) -> Result<AuditVerifyResponse, StoreError> {
        let mut verifier = ChainVerifier::default();
        let mut after = 0;
        loop {
            let page = self.store.audit_chain(after, VERIFY_PAGE).await?;
            for row in &page {
                if let Err(bad) = verifier.check(row) {
                    return Ok(AuditVerifyResponse {
                        ok: false,
                        checked: verifier.checked(),
                        first_bad_id: Some(bad),
                    });
                }
            }
            match page.last() {
                Some(last) if page.len() == VERIFY_PAGE as usize => after = last.seq,
                _ => break,
            }
        }
        Ok(AuditVerifyResponse {
            ok: true,
            checked: verifier.checked(),
            first_bad_id: None,
        })
    }
}

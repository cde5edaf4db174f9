//! An operator's reset of a circuit breaker, audited.
//!
//! Breaker state lives in each node's memory and travels over Redis pub/sub: no transaction
//! spans it and the audit log. So the audit row comes first — if it cannot be written,
//! nothing is reset — and the reset, which cannot fail on this node, follows. If the other
//! nodes cannot be told, a second row (result `failed`) records that the reset reached this
//! node only, and the caller learns it should retry (a reset repeats harmlessly).

use orch_core::audit::{AuditDraft, AuditResult};
use serde_json::json;

use super::breakers::BreakerRegistry;
use crate::identity::audit::AuditService;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// The audit row could not be written, so nothing was reset.
    #[error(transparent)]
    Audit(#[from] StoreError),
    #[error(
        "the breaker was closed on this node, but the other nodes could not be told \
         (shared state is unavailable); retry the reset"
    )]
    ThisNodeOnly,
}

/// Closes the breaker of `tenant`'s `connector` on every node; `draft` is the operator's
/// audit row (the state before and after are added here).
pub async fn reset_audited(
    breakers: &BreakerRegistry,
    audit: &AuditService,
    tenant: &str,
    connector: &str,
    draft: AuditDraft,
) -> Result<(), ResetError> {
    let before = breakers
        .list(Some(tenant), Some(connector))
        .first()
        .map(|b| b.view.state.as_str().to_owned());
    audit
        .append(
            draft
                .clone()
                .diff(json!({"state": before}), json!({"state": "closed"})),
        )
        .await?;
    if let Err(err) = breakers.reset(tenant, connector).await {
        tracing::error!(tenant = %tenant, connector = %connector, error = %err, "circuit breaker reset on this node only; other nodes were not told");
        let failed = draft
            .diff(
                json!({"state": before}),
                json!({"state": "closed", "nodes": "this node only"}),
            )
            .result(AuditResult::Failed);
        if let Err(err) = audit.append(failed).await {
            tracing::error!(error = %err, "could not record the partial breaker reset in the audit log");
        }
        return Err(ResetError::ThisNodeOnly);
    }
    tracing::warn!(tenant = %tenant, connector = %connector, "circuit breaker reset by an operator");
    Ok(())
}

//! The operator side of the inbox: list rows, show one (with its raw body for roles that may
//! read payloads), and replay one: a new `webhook` job, the row back to `received`, and the
//! audit row, in one store transaction.
//!
//! The admin API and the console are thin callers of the same functions here: the list
//! filters ([`InboxService::query`]), the payload gate ([`InboxService::require_payloads`],
//! [`may_read_payloads`]) and the replay rule ([`InboxService::replay_by`], [`may_replay`]),
//! so both write the same audit rows (a denial included); only the draft's `via` differs.

use std::sync::Arc;

use orch_core::api::inbox::{INBOX_STATUSES, InboxListQuery, InboxReplayResponse, InboxView};
use orch_core::api::list::{self, Cursor, Page, effective_limit};
use orch_core::audit::AuditDraft;
use orch_core::rbac::{Permission, Role};
use orch_core::trace::TraceContext;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::ingress::WEBHOOK_MAX_ATTEMPTS;
use super::{InboxQuery, InboxRecord, STRIPE, webhook_job};
use crate::dispatch::{DispatchTicket, Dispatcher};
use crate::events::{EventWriter, NewEvent};
use crate::identity::audit::record_denial;
use crate::identity::operators::OperatorRecord;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("no inbox row {0}")]
    NotFound(Uuid),
    #[error("inbox row {0} still has a queued or running job; replay it when that ends")]
    Busy(Uuid),
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The role lacks `permission` for this row (the denial is audited).
    #[error("role {role} lacks permission {permission}")]
    Forbidden { role: Role, permission: Permission },
    #[error(transparent)]
    Store(StoreError),
}

impl From<list::InvalidParam> for InboxError {
    fn from(e: list::InvalidParam) -> Self {
        Self::Invalid {
            field: e.field,
            message: e.message,
        }
    }
}

impl InboxError {
    fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// Whether `role` may read raw payloads (`payloads.read`): the API refuses `?payload=true`
/// without it, the console leaves the payload out of the page.
pub fn may_read_payloads(role: Role) -> bool {
    role.allows(Permission::PayloadsRead)
}

/// Whether `role` may replay a row of `provider`: `inbox.replay`, and billing operators
/// the Stripe inbox only.
pub fn may_replay(role: Role, provider: &str) -> bool {
    role.allows(Permission::InboxReplay) && (role != Role::Billing || provider == STRIPE)
}

impl From<StoreError> for InboxError {
    fn from(err: StoreError) -> Self {
        InboxError::Store(err)
    }
}

/// Who replays, and why (for the rule, the audit row and the event).
pub struct ReplayBy<'a> {
    /// Their role decides which rows they may replay.
    pub operator: &'a OperatorRecord,
    /// The call's attributed draft (action `inbox.replay`, the reason; the console's marked
    /// `via: console`); the service adds the target, tenant and diff.
    pub audit: AuditDraft,
    /// Already checked by the caller (`http::extract::require_reason`).
    pub reason: &'a str,
    pub request_id: &'a str,
    pub trace: &'a TraceContext,
}

#[derive(Clone)]
pub struct InboxService {
    store: Arc<dyn Store>,
    events: EventWriter,
    dispatch: Dispatcher,
}

impl InboxService {
    pub fn new(store: Arc<dyn Store>, events: EventWriter, dispatch: Dispatcher) -> Self {
        Self {
            store,
            events,
            dispatch,
        }
    }

    /// The store query for the list filters as the API and the console take them (an
    /// empty text is a filter like any other: callers drop blank form fields).
    pub fn query(p: &InboxListQuery) -> Result<InboxQuery, InboxError> {
        if let Some(s) = p.status.as_deref().filter(|s| !INBOX_STATUSES.contains(s)) {
            return Err(InboxError::invalid(
                "status",
                format!("{s:?} is not one of {}", INBOX_STATUSES.join(", ")),
            ));
        }
        let before = p
            .cursor
            .as_ref()
            .map(|c| c.parse::<Uuid>())
            .transpose()
            .map_err(|e| InboxError::invalid("cursor", e.to_string()))?;
        Ok(InboxQuery {
            tenant: p.tenant.clone(),
            provider: p.provider.clone(),
            status: p.status.clone(),
            event_type: p.event_type.clone(),
            since: list::parse_time("since", p.since.as_deref())?,
            until: list::parse_time("until", p.until.as_deref())?,
            before,
            limit: effective_limit(p.limit),
            ..InboxQuery::default()
        })
    }

    /// A page of rows, newest first, with the cursor of the next page.
    pub async fn list(&self, query: &InboxQuery) -> Result<Page<InboxView>, InboxError> {
        let rows = self.store.list_inbox(query).await?;
        Ok(Page::from_rows(rows, query.limit, |r| Cursor::of(r.id)).map(|r| r.view(None)))
    }

    pub async fn get(&self, id: Uuid) -> Result<InboxRecord, InboxError> {
        self.store
            .get_inbox(id)
            .await?
            .ok_or(InboxError::NotFound(id))
    }

    /// The row, with its raw body as received when `with_payload` (byte-identical: bodies
    /// are accepted only as JSON, so they are UTF-8).
    pub async fn show(&self, id: Uuid, with_payload: bool) -> Result<InboxView, InboxError> {
        let row = self.get(id).await?;
        let payload = if with_payload {
            let bytes = self
                .store
                .inbox_payload(id)
                .await?
                .ok_or(InboxError::NotFound(id))?;
            Some(String::from_utf8(bytes).map_err(|_| {
                InboxError::Store(StoreError::Corrupt(format!(
                    "inbox {id}: the payload is not UTF-8"
                )))
            })?)
        } else {
            None
        };
        Ok(row.view(payload))
    }

    /// The payload gate: `by` may read payloads, or the refusal is audited as denied (from
    /// `audit`, the call's attributed draft, on inbox row `target`) and the answer is
    /// [`InboxError::Forbidden`].
    pub async fn require_payloads(
        &self,
        by: &OperatorRecord,
        audit: AuditDraft,
        target: &str,
    ) -> Result<(), InboxError> {
        if may_read_payloads(by.role) {
            return Ok(());
        }
        Err(self.deny(by, Permission::PayloadsRead, audit, target).await)
    }

    /// Replays row `id` for `by` if their role may ([`may_replay`]; a refusal is audited as
    /// denied), with the audit row of `by.audit`: target the row, its tenant, the diff.
    pub async fn replay_by(
        &self,
        id: Uuid,
        by: ReplayBy<'_>,
    ) -> Result<InboxReplayResponse, InboxError> {
        let row = self.get(id).await?;
        if !may_replay(by.operator.role, &row.provider) {
            return Err(self
                .deny(
                    by.operator,
                    Permission::InboxReplay,
                    by.audit,
                    &id.to_string(),
                )
                .await);
        }
        let audit = by
            .audit
            .target("inbox", row.id)
            .tenant(&row.tenant_id)
            .diff(
                json!({"status": row.status, "job_ids": row.job_ids}),
                json!({"status": "received"}),
            );
        self.replay(&row, ReplayBy { audit, ..by }).await
    }

    /// Audits a refusal (`permission` lacking for row `target`, see [`record_denial`]) and
    /// answers it.
    async fn deny(
        &self,
        by: &OperatorRecord,
        permission: Permission,
        audit: AuditDraft,
        target: &str,
    ) -> InboxError {
        record_denial(&*self.store, by, permission, audit.target("inbox", target)).await;
        InboxError::Forbidden {
            role: by.role,
            permission,
        }
    }

    /// Puts the row back to `received` with a new job (audited in the same transaction),
    /// then hands the job to dispatch.
    async fn replay(
        &self,
        row: &InboxRecord,
        by: ReplayBy<'_>,
    ) -> Result<InboxReplayResponse, InboxError> {
        let now = OffsetDateTime::now_utc();
        let job = webhook_job(
            row,
            WEBHOOK_MAX_ATTEMPTS,
            serde_json::to_value(by.trace.to_carrier()).ok(),
            now,
        );
        let (row, job) = self
            .store
            .replay_inbox(&job, by.audit)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => InboxError::NotFound(row.id),
                StoreError::Conflict(_) => InboxError::Busy(row.id),
                other => InboxError::Store(other),
            })?;
        self.dispatch
            .push_committed(&[DispatchTicket::of(&job)])
            .await;
        let operator = by.operator.name.as_str();
        tracing::warn!(inbox_id = %row.id, job_id = %job.id, operator, "inbox row replayed");
        self.events.record(
            NewEvent::new("webhook.replayed", format!("replayed by {operator}"))
                .tenant(&row.tenant_id)
                .correlation(Some(by.request_id), Some(&by.trace.trace_id.to_hex()))
                .job(job.id)
                .inbox(row.id)
                .data(serde_json::json!({
                    "provider": row.provider,
                    "event_id": row.event_id,
                    "event_type": row.event_type,
                    "operator": operator,
                    "reason": by.reason,
                })),
        );
        Ok(InboxReplayResponse {
            inbox: row.view(None),
            job_id: job.id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_replays_the_stripe_inbox_only() {
        assert!(may_replay(Role::Billing, STRIPE));
        assert!(!may_replay(Role::Billing, "github"));
        assert!(may_replay(Role::Support, "github") && may_replay(Role::Admin, "github"));
        assert!(!may_replay(Role::Readonly, STRIPE));
        assert!(!may_read_payloads(Role::Readonly) && may_read_payloads(Role::Billing));
    }

    #[test]
    fn list_filters_are_checked_once_for_both_callers() {
        let ok = InboxService::query(&InboxListQuery {
            status: Some("failed".into()),
            since: Some("2026-01-01T00:00:00Z".into()),
            limit: Some(10_000),
            ..InboxListQuery::default()
        })
        .unwrap();
        assert_eq!(ok.status.as_deref(), Some("failed"));
        assert!(ok.since.is_some() && ok.limit == orch_core::api::list::MAX_LIMIT);
        for (bad, field) in [
            (
                InboxListQuery {
                    status: Some("lost".into()),
                    ..InboxListQuery::default()
                },
                "status",
            ),
            (
                InboxListQuery {
                    until: Some("tomorrow".into()),
                    ..InboxListQuery::default()
                },
                "until",
            ),
            (
                InboxListQuery {
                    cursor: Some(Cursor::from("nope")),
                    ..InboxListQuery::default()
                },
                "cursor",
            ),
        ] {
            match InboxService::query(&bad) {
                Err(InboxError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}

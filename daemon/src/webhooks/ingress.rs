//! Receiving a Stripe delivery: the tenant's active config → its signing secrets (SecretRefs,
//! resolved, never logged) → `Stripe-Signature` over the raw bytes → the event's `id` and
//! `type` → the tenant's webhook quota (`crate::quotas`; refused → 429, nothing stored) → one
//! store transaction (inbox row + body + `webhook` job) → dispatch. Every
//! outcome is counted in `orch_webhooks_total{provider,tenant,outcome}` and recorded as a
//! `webhook.*` event (never with the payload). The caller answers 2xx only for `Ok`, which
//! comes after the commit. The row keeps a few of the request's headers for operators
//! ([`kept_headers`]): an allow-list, with the signature values redacted.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use orch_core::api::inbox::WebhookReceipt;
use orch_core::problem::ErrorCode;
use orch_core::trace::TraceContext;
use orch_core::webhooks::stripe::{self, SignatureError};
use serde::Deserialize;
use sha2::Digest;
use time::OffsetDateTime;

use super::{InboxRecord, NewDelivery, Received, STRIPE, webhook_job};
use crate::dispatch::{DispatchTicket, Dispatcher};
use crate::events::{EventWriter, NewEvent};
use crate::quotas::{QuotaError, QuotaService};
use crate::secrets::{SecretError, SecretResolver, SecretValue};
use crate::store::{Store, StoreError};
use crate::tenant_config::active::ActiveConfigs;

/// Attempts of a webhook job before it goes to the `webhook` DLQ.
pub const WEBHOOK_MAX_ATTEMPTS: i32 = 5;
/// Longest accepted event id and type.
const MAX_EVENT_FIELD: usize = 255;
/// The request headers an inbox row keeps (lower-case names): enough to tell who sent a
/// delivery, what and how big, and when and with which schemes it was signed — never a
/// credential. Everything else (cookies, `Authorization`, proxies' headers) is dropped.
const KEPT_HEADERS: [&str; 4] = [
    "content-type",
    "content-length",
    "user-agent",
    "stripe-signature",
];
/// Longest header value kept (a user agent can be anything the sender likes).
const MAX_KEPT_HEADER_CHARS: usize = 256;
/// The `tenant` metric label of deliveries for tenants orchd does not serve (bounded, so
/// guessed tenant names cannot grow the label set).
const UNKNOWN_TENANT_LABEL: &str = "_unknown";

/// Why a delivery was not accepted. Each maps to one API error code.
#[derive(Debug, thiserror::Error)]
pub enum IngressError {
    #[error("no tenant {0:?} is served here")]
    UnknownTenant(String),
    #[error("tenant {0:?} has no Stripe webhook configured")]
    NotConfigured(String),
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("invalid payload: {0}")]
    InvalidPayload(String),
    #[error("the body exceeds the webhook limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// No signing secret resolved, so nothing can be verified (names the refs, never values).
    #[error("no signing secret resolved: {0}")]
    SecretUnavailable(SecretError),
    #[error("storage unavailable: {0}")]
    Storage(StoreError),
    /// The tenant's webhook allowance is used up: nothing was stored, Stripe retries later.
    /// (Never `QuotaError::Storage`: that is [`IngressError::Storage`].)
    #[error("quota exceeded: {0}")]
    Quota(QuotaError),
}

impl IngressError {
    pub fn code(&self) -> ErrorCode {
        match self {
            IngressError::UnknownTenant(_) | IngressError::NotConfigured(_) => {
                ErrorCode::UnknownTenant
            }
            IngressError::Signature(e) => e.code(),
            IngressError::InvalidPayload(_) => ErrorCode::InvalidPayload,
            IngressError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
            IngressError::SecretUnavailable(_) => ErrorCode::SecretUnavailable,
            IngressError::Storage(_) => ErrorCode::StorageUnavailable,
            IngressError::Quota(_) => ErrorCode::QuotaExceeded,
        }
    }

    /// The `outcome` label of `orch_webhooks_total`.
    fn outcome(&self) -> &'static str {
        match self {
            IngressError::UnknownTenant(_) => "unknown_tenant",
            IngressError::NotConfigured(_) => "not_configured",
            IngressError::Signature(e) => e.code().as_str(),
            IngressError::InvalidPayload(_) => "invalid_payload",
            IngressError::TooLarge { .. } => "payload_too_large",
            IngressError::SecretUnavailable(_) => "secret_unavailable",
            IngressError::Storage(_) => "storage_unavailable",
            IngressError::Quota(_) => "quota_exceeded",
        }
    }
}

/// What a delivery came to, with the `tenant` metric label to count it under.
type Attempted = Result<(WebhookReceipt, String, Received), (IngressError, String)>;

/// One delivery as received.
pub struct Delivery<'a> {
    /// The tenant named by the path (or the default tenant).
    pub tenant: &'a str,
    /// The `Stripe-Signature` header, if sent.
    pub signature: Option<&'a str>,
    /// Every request header that is text, in the order received (the row keeps only
    /// [`kept_headers`] of them).
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body, exactly as received.
    pub body: &'a [u8],
    pub request_id: &'a str,
    pub trace: &'a TraceContext,
}

/// The webhook ingress service; cheap to clone.
#[derive(Clone)]
pub struct Ingress {
    store: Arc<dyn Store>,
    configs: ActiveConfigs,
    secrets: Arc<SecretResolver>,
    events: EventWriter,
    dispatch: Dispatcher,
    inline_max: usize,
    quotas: QuotaService,
}

/// The two fields orchd needs of a Stripe event; everything else is kept as received.
#[derive(Deserialize)]
struct EventHead {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

impl Ingress {
    pub fn new(
        store: Arc<dyn Store>,
        configs: ActiveConfigs,
        secrets: Arc<SecretResolver>,
        events: EventWriter,
        dispatch: Dispatcher,
        inline_max: usize,
        quotas: QuotaService,
    ) -> Self {
        Self {
            store,
            configs,
            secrets,
            events,
            dispatch,
            inline_max,
            quotas,
        }
    }

    /// Verifies and stores a Stripe delivery; `Ok` only once the inbox row is committed.
    pub async fn receive_stripe(
        &self,
        delivery: &Delivery<'_>,
    ) -> Result<WebhookReceipt, IngressError> {
        let result = self.try_receive(delivery).await;
        match &result {
            Ok((receipt, label, received)) => self.accepted(delivery, receipt, label, received),
            Err((error, label)) => self.rejected(delivery, label, error),
        }
        result.map(|(receipt, ..)| receipt).map_err(|(e, _)| e)
    }

    /// Records a delivery refused before it reached [`Ingress::receive_stripe`] (its body
    /// was over the limit or could not be read).
    pub fn refuse(&self, delivery: &Delivery<'_>, error: &IngressError) {
        let label = if self.configs.cached(delivery.tenant).is_some() {
            delivery.tenant.to_owned()
        } else {
            UNKNOWN_TENANT_LABEL.to_owned()
        };
        self.rejected(delivery, &label, error);
    }

    async fn try_receive(&self, d: &Delivery<'_>) -> Attempted {
        let unknown = || UNKNOWN_TENANT_LABEL.to_owned();
        let active = match self.configs.get(d.tenant).await {
            Ok(Some(active)) => active,
            Ok(None) => return Err((IngressError::UnknownTenant(d.tenant.to_owned()), unknown())),
            Err(e) => return Err((IngressError::Storage(e), unknown())),
        };
        let label = d.tenant.to_owned();
        let fail = |e: IngressError| (e, label.clone());
        let Some(config) = active
            .config
            .webhooks
            .as_ref()
            .and_then(|w| w.stripe.as_ref())
        else {
            return Err(fail(IngressError::NotConfigured(d.tenant.to_owned())));
        };
        let secrets = self
            .signing_secrets(d.tenant, &config.signing_secrets)
            .await
            .map_err(|e| fail(IngressError::SecretUnavailable(e)))?;
        let now = OffsetDateTime::now_utc();
        let verified = stripe::verify(
            d.signature,
            d.body,
            &secrets,
            now,
            Duration::from_secs(config.tolerance_s),
        )
        .map_err(|e| fail(e.into()))?;
        let head = event_head(d.body).map_err(fail)?;
        // Only after the signature: unsigned junk must not use up the tenant's allowance.
        // Before the store: a refused delivery leaves no inbox row and no job (a Stripe
        // retry of an event already stored is refused too while the tenant is over; it is
        // answered as a duplicate once there is room again).
        self.quotas.admit_webhook(d.tenant).await.map_err(|e| {
            fail(match e {
                // Any storage failure is 503, wherever it happened.
                QuotaError::Storage(s) => IngressError::Storage(s),
                refused => IngressError::Quota(refused),
            })
        })?;
        let now = now
            .replace_nanosecond(now.nanosecond() / 1000 * 1000)
            .unwrap_or(now);
        let record = InboxRecord {
            id: orch_core::ids::new_id(),
            provider: STRIPE.to_owned(),
            tenant_id: d.tenant.to_owned(),
            event_id: head.id,
            event_type: head.kind,
            status: "received".to_owned(),
            payload_ref: None,
            payload_size: i64::try_from(d.body.len()).unwrap_or(i64::MAX),
            payload_sha256: hex::encode(sha2::Sha256::digest(d.body)),
            signature_timestamp: Some(verified.timestamp),
            note: None,
            trace_id: Some(d.trace.trace_id.to_hex()),
            request_id: Some(d.request_id.to_owned()),
            request_headers: Some(kept_headers(d.headers)),
            received_at: now,
            processed_at: None,
            updated_at: now,
            job_ids: Vec::new(),
        };
        let job = webhook_job(
            &record,
            WEBHOOK_MAX_ATTEMPTS,
            serde_json::to_value(d.trace.to_carrier()).ok(),
            now,
        );
        let received = self
            .store
            .receive_delivery(&NewDelivery {
                record,
                payload: d.body.to_vec(),
                inline_max: self.inline_max,
                job,
            })
            .await
            .map_err(|e| fail(IngressError::Storage(e)))?;
        if let Some(job) = &received.job {
            // Committed: now (and only now) the job may be found by workers.
            self.dispatch
                .push_committed(&[DispatchTicket::of(job)])
                .await;
        }
        let receipt = WebhookReceipt {
            received: true,
            duplicate: received.duplicate(),
            inbox_id: received.record.id,
        };
        Ok((receipt, label, received))
    }

    /// Every configured secret that resolves; an error only when none does.
    async fn signing_secrets(
        &self,
        tenant: &str,
        refs: &[String],
    ) -> Result<Vec<Vec<u8>>, SecretError> {
        let mut values = Vec::with_capacity(refs.len());
        let mut first_error = None;
        for reference in refs {
            match self.secrets.resolve_for_tenant(tenant, reference).await {
                // An empty secret would let anyone sign: it counts as unresolved.
                Ok(value) if value.expose().is_empty() => {
                    tracing::warn!(reference, "a webhook signing secret is empty");
                    first_error.get_or_insert(SecretError::Unavailable {
                        reference: reference.clone(),
                        message: "the secret is empty".to_owned(),
                    });
                }
                Ok(value) => values.push(bytes(&value)),
                Err(err) => {
                    tracing::warn!(error = %err, "a webhook signing secret did not resolve");
                    first_error.get_or_insert(err);
                }
            }
        }
        match first_error {
            Some(err) if values.is_empty() => Err(err),
            _ => Ok(values),
        }
    }

    fn accepted(
        &self,
        d: &Delivery<'_>,
        receipt: &WebhookReceipt,
        label: &str,
        received: &Received,
    ) {
        let r = &received.record;
        let outcome = if receipt.duplicate {
            "duplicate"
        } else {
            "accepted"
        };
        metrics::counter!("orch_webhooks_total", "provider" => STRIPE, "tenant" => label.to_owned(), "outcome" => outcome)
            .increment(1);
        let mut event = match &received.job {
            Some(job) => {
                tracing::info!(inbox_id = %r.id, job_id = %job.id, event_id = %r.event_id, event_type = %r.event_type, "webhook received");
                NewEvent::new(
                    "webhook.received",
                    format!("{} {}", r.event_type, r.event_id),
                )
                .job(job.id)
            }
            None => {
                tracing::info!(inbox_id = %r.id, event_id = %r.event_id, "webhook duplicate; nothing new to do");
                NewEvent::new(
                    "webhook.duplicate",
                    format!("{} {} again", r.event_type, r.event_id),
                )
            }
        };
        event = event
            .tenant(&r.tenant_id)
            .correlation(Some(d.request_id), Some(&d.trace.trace_id.to_hex()))
            .inbox(r.id)
            .data(serde_json::json!({
                "provider": STRIPE,
                "event_id": r.event_id,
                "event_type": r.event_type,
                "payload_size": d.body.len(),
                "duplicate": receipt.duplicate,
            }));
        self.events.record(event);
    }

    fn rejected(&self, d: &Delivery<'_>, label: &str, error: &IngressError) {
        metrics::counter!("orch_webhooks_total", "provider" => STRIPE, "tenant" => label.to_owned(), "outcome" => error.outcome())
            .increment(1);
        tracing::warn!(code = error.code().as_str(), error = %error, "webhook refused");
        let mut event = NewEvent::new("webhook.rejected", error.to_string())
            .correlation(Some(d.request_id), Some(&d.trace.trace_id.to_hex()))
            .data(serde_json::json!({
                "provider": STRIPE,
                "code": error.code().as_str(),
                "outcome": error.outcome(),
                "payload_size": d.body.len(),
            }));
        // Only tenants orchd serves are named on events (a tenant stream shows its own).
        if label != UNKNOWN_TENANT_LABEL {
            event = event.tenant(d.tenant);
        }
        self.events.record(event);
    }
}

/// The headers of [`KEPT_HEADERS`] that were sent (the first of a repeated one), by
/// lower-case name, values cut to [`MAX_KEPT_HEADER_CHARS`]; `stripe-signature` with every
/// signature value redacted ([`stripe::redact_header`]).
pub fn kept_headers(sent: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut kept = BTreeMap::new();
    for (name, value) in sent {
        let name = name.to_ascii_lowercase();
        if !KEPT_HEADERS.contains(&name.as_str()) || kept.contains_key(&name) {
            continue;
        }
        let value = if name == "stripe-signature" {
            stripe::redact_header(value)
        } else {
            value
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_KEPT_HEADER_CHARS)
                .collect()
        };
        kept.insert(name, value);
    }
    kept
}

fn bytes(value: &SecretValue) -> Vec<u8> {
    value.expose().as_bytes().to_vec()
}

/// The event's `id` and `type`: the body must be a JSON object with both as non-empty
/// strings of at most 255 characters.
fn event_head(body: &[u8]) -> Result<EventHead, IngressError> {
    let invalid = |m: &str| IngressError::InvalidPayload(m.to_owned());
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(invalid("the body is not a JSON object"));
    }
    let head: EventHead = serde_json::from_slice(body).map_err(|e| {
        IngressError::InvalidPayload(format!(
            "not a Stripe event (needs string id and type): {e}"
        ))
    })?;
    for (name, value) in [("id", &head.id), ("type", &head.kind)] {
        if value.is_empty() || value.len() > MAX_EVENT_FIELD {
            return Err(IngressError::InvalidPayload(format!(
                "the event {name} must be 1–{MAX_EVENT_FIELD} characters"
            )));
        }
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_heads_need_an_object_with_id_and_type() {
        let head =
            event_head(br#" {"id":"evt_1","type":"invoice.paid","data":{"x":[1]}}"#).unwrap();
        assert_eq!(
            (head.id.as_str(), head.kind.as_str()),
            ("evt_1", "invoice.paid")
        );
        for bad in [
            &b"[\"evt_1\",\"invoice.paid\"]"[..],
            b"{\"id\":\"evt_1\"}",
            b"{\"id\":1,\"type\":\"x\"}",
            b"{\"id\":\"\",\"type\":\"x\"}",
            b"{\"id\":\"evt\",\"type\":\"x\"",
            b"not json",
            b"",
        ] {
            assert!(
                matches!(event_head(bad), Err(IngressError::InvalidPayload(_))),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let long = format!(r#"{{"id":"{}","type":"x"}}"#, "e".repeat(256));
        assert!(event_head(long.as_bytes()).is_err());
    }

    #[test]
    fn only_allow_listed_headers_are_kept_and_signatures_are_redacted() {
        let signature = format!("t=1492774577,v1={},v0={}", "a1".repeat(32), "b2".repeat(32));
        let long_agent = "x".repeat(1000);
        let sent = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("stripe-signature", signature.as_str()),
            ("Stripe-Signature", "t=1,v1=second"),
            ("user-agent", long_agent.as_str()),
            ("authorization", "Bearer secret-token"),
            ("cookie", "session=secret"),
            ("x-forwarded-for", "10.0.0.1"),
            ("content-length", "42"),
        ];
        let kept = kept_headers(&sent);
        assert_eq!(
            kept.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "content-length",
                "content-type",
                "stripe-signature",
                "user-agent"
            ]
        );
        assert_eq!(
            kept["stripe-signature"],
            "t=1492774577,v1=[redacted],v0=[redacted]"
        );
        assert_eq!(kept["content-type"], "application/json; charset=utf-8");
        assert_eq!(kept["user-agent"].len(), MAX_KEPT_HEADER_CHARS);
        let text = format!("{kept:?}");
        for secret in ["a1a1", "b2b2", "second", "secret", "10.0.0.1"] {
            assert!(!text.contains(secret), "{secret} kept: {text}");
        }
        assert!(kept_headers(&[]).is_empty());
    }

    #[test]
    fn errors_map_to_the_documented_codes() {
        assert_eq!(
            IngressError::UnknownTenant("x".into()).code(),
            ErrorCode::UnknownTenant
        );
        assert_eq!(
            IngressError::NotConfigured("x".into()).code(),
            ErrorCode::UnknownTenant
        );
        assert_eq!(
            IngressError::Signature(SignatureError::NoMatch).code(),
            ErrorCode::InvalidSignature
        );
        assert_eq!(
            IngressError::Storage(StoreError::Unavailable("x".into()))
                .code()
                .status(),
            503
        );
    }
}

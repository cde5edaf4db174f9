//! `Idempotency-Key` for tenant endpoints: durable in the database, scoped by tenant and
//! endpoint. The first request claims the key with an in-flight lease that outlives its
//! deadline; a repeat with the same body gets the stored response (`Idempotency-Replayed:
//! true`), with another body 422, while the first is still running 409. Outcomes where
//! nothing was sent upstream release the key.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

pub use crate::model::idempotency::{ClaimOutcome, ExistingKey, IdempotencyClaim, StoredResponse};
use crate::store::{Store, StoreError};

/// What the handler should do with a request carrying a key.
#[derive(Debug)]
pub enum Begin {
    /// Run it; then `complete` or `release`.
    Proceed(Guard),
    Replay(StoredResponse),
    InUse,
    Reused,
}

#[derive(Clone)]
pub struct IdempotencyService {
    store: Arc<dyn Store>,
    ttl: Duration,
}

/// The claim of a running request.
#[derive(Debug)]
pub struct Guard {
    tenant: String,
    endpoint: String,
    key: String,
}

impl IdempotencyService {
    pub fn new(store: Arc<dyn Store>, ttl: Duration) -> Self {
        Self { store, ttl }
    }

    /// Claims `key` for a request with this `fingerprint`. The lease lasts `deadline` plus a
    /// margin, so it outlives the call.
    pub async fn begin(
        &self,
        tenant: &str,
        endpoint: &str,
        key: &str,
        body: &Value,
        deadline: Duration,
        correlation: (Option<String>, Option<String>),
    ) -> Result<Begin, StoreError> {
        let fingerprint = orch_core::canonical::canonical_sha256(body);
        let now = OffsetDateTime::now_utc();
        let claim = IdempotencyClaim {
            tenant: tenant.to_owned(),
            endpoint: endpoint.to_owned(),
            key: key.to_owned(),
            fingerprint: fingerprint.clone(),
            lease_expires_at: now + deadline + Duration::from_secs(30),
            expires_at: now + self.ttl,
            request_id: correlation.0,
            trace_id: correlation.1,
            now,
        };
        // A claim can race with a release between its two steps; look again.
        let mut outcome = self.store.claim_idempotency_key(&claim).await;
        for _ in 0..2 {
            if !matches!(outcome, Err(StoreError::Conflict(_))) {
                break;
            }
            outcome = self.store.claim_idempotency_key(&claim).await;
        }
        Ok(match outcome? {
            ClaimOutcome::Claimed => Begin::Proceed(Guard {
                tenant: tenant.to_owned(),
                endpoint: endpoint.to_owned(),
                key: key.to_owned(),
            }),
            ClaimOutcome::Existing(existing) if existing.fingerprint != fingerprint => {
                Begin::Reused
            }
            ClaimOutcome::Existing(ExistingKey {
                response: Some(r), ..
            }) => Begin::Replay(r),
            ClaimOutcome::Existing(_) => Begin::InUse,
        })
    }

    /// Stores the outcome for replays.
    pub async fn complete(
        &self,
        guard: Guard,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        self.store
            .complete_idempotency_key(&guard.tenant, &guard.endpoint, &guard.key, response)
            .await
    }

    /// Frees the key: nothing reached the upstream, so the request may be sent again.
    pub async fn release(&self, guard: Guard) -> Result<(), StoreError> {
        self.store
            .release_idempotency_key(&guard.tenant, &guard.endpoint, &guard.key)
            .await
    }

    /// Deletes expired keys; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        self.store
            .purge_expired_idempotency_keys(OffsetDateTime::now_utc())
            .await
    }
}

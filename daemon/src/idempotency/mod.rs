//! `Idempotency-Key` for tenant endpoints: durable in the database, scoped by tenant and
//! endpoint. The first request claims the key with an in-flight lease that outlives its
//! deadline; a repeat with the same body gets the stored response (`Idempotency-Replayed:
//! true`), with another body 422, while the first is still running 409. Outcomes where
//! nothing was sent upstream release the key.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

use crate::events::origin::Origin;
pub use crate::model::idempotency::{ClaimOutcome, ExistingKey, IdempotencyClaim, StoredResponse};
use crate::store::{Store, StoreError};

/// Why a request carrying a key may not run now.
#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    #[error("a request with this Idempotency-Key is still in flight")]
    InUse,
    #[error("this Idempotency-Key was used with another request body")]
    Reused,
    /// The body could not be turned into JSON to hash (never for the API's own types).
    #[error("request body for the idempotency fingerprint: {0}")]
    Fingerprint(serde_json::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a request that may carry an `Idempotency-Key` runs: the scope keys live in and
/// what is kept with a claim.
#[derive(Debug, Clone, Copy)]
pub struct KeyScope<'a> {
    pub tenant: &'a str,
    /// The endpoint keys are scoped by (`POST /v1/jobs`).
    pub endpoint: &'static str,
    /// How long the request may run; the lease outlives it.
    pub deadline: Duration,
    pub origin: Origin<'a>,
}

/// What `begin` came to.
#[derive(Debug)]
pub enum Begun {
    /// Run the request; then `complete` or `release` the guard (`None`: no key was sent).
    Run(Option<Guard>),
    /// An earlier request with the same key and body: answer with its stored response.
    Replay(StoredResponse),
}

/// What a service call under an optional key came to: its fresh result, with the claim to
/// complete once the response is rendered (`None`: no key, or nothing to keep), or the
/// stored response of the earlier request.
#[derive(Debug)]
pub enum Keyed<T> {
    Fresh { value: T, pending: Option<Guard> },
    Replay(StoredResponse),
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

    /// Starts a request under its optional key: without one it just runs; with one the key
    /// is claimed, another request holding it (409) or a different body under it (422) is an
    /// error, and a finished earlier request is replayed. The body is serialised only when
    /// keyed (its canonical hash tells a repeat from a reuse). The lease lasts the deadline
    /// plus a margin, so it outlives the call.
    pub async fn begin<B: Serialize>(
        &self,
        key: Option<&str>,
        scope: KeyScope<'_>,
        body: &B,
    ) -> Result<Begun, IdempotencyError> {
        let Some(key) = key else {
            return Ok(Begun::Run(None));
        };
        let body = serde_json::to_value(body).map_err(IdempotencyError::Fingerprint)?;
        let fingerprint = orch_core::canonical::canonical_sha256(&body);
        let now = OffsetDateTime::now_utc();
        let claim = IdempotencyClaim {
            tenant: scope.tenant.to_owned(),
            endpoint: scope.endpoint.to_owned(),
            key: key.to_owned(),
            fingerprint: fingerprint.clone(),
            lease_expires_at: now + scope.deadline + Duration::from_secs(30),
            expires_at: now + self.ttl,
            request_id: Some(scope.origin.request_id.to_owned()),
            trace_id: Some(scope.origin.trace.trace_id.to_hex()),
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
        match outcome? {
            ClaimOutcome::Claimed => Ok(Begun::Run(Some(Guard {
                tenant: claim.tenant,
                endpoint: claim.endpoint,
                key: claim.key,
            }))),
            ClaimOutcome::Existing(existing) if existing.fingerprint != fingerprint => {
                Err(IdempotencyError::Reused)
            }
            ClaimOutcome::Existing(ExistingKey {
                response: Some(r), ..
            }) => Ok(Begun::Replay(r)),
            ClaimOutcome::Existing(_) => Err(IdempotencyError::InUse),
        }
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

    /// Frees the key of a request that failed before anything happened; a failure to free
    /// it is only logged (the lease runs out), so the request's own error is what the caller
    /// learns.
    pub async fn release_quietly(&self, guard: Option<Guard>) {
        if let Some(guard) = guard
            && let Err(err) = self.release(guard).await
        {
            tracing::warn!(error = %err, "could not release an idempotency key");
        }
    }

    /// Deletes expired keys; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        self.store
            .purge_expired_idempotency_keys(OffsetDateTime::now_utc())
            .await
    }
}

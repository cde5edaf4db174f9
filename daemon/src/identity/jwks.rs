//! The key set of one `jwks_url` issuer: fetched over https, cached until its
//! `Cache-Control: max-age` (clamped) runs out, refetched early — rate-limited — when a token
//! names a `kid` the set does not have.
//!
//! Verifiers never wait on the network for keys they already have: the current set is an
//! immutable snapshot behind a `std::sync::RwLock<Arc<_>>` that is only swapped, never
//! mutated, and the lock is held just long enough to clone the `Arc`. Fetching is single
//! flight (a `tokio::sync::Mutex` that only fetchers and tasks waiting for *new* keys take),
//! so a flood of tokens with random `kid`s costs at most one fetch per `refetch_interval`
//! and slows no one holding a good token.
//!
//! Only asymmetric keys are used (RSA, EC P-256, OKP Ed25519) and only for the issuer's
//! configured algorithms: a symmetric `oct` key in a public document would let anyone who
//! can read the document mint tokens, so it is ignored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as StdMutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

use crate::settings::JwksSettings;

/// A key set response larger than this is refused: real sets are a few keys and a few KiB.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;
/// A key set with more keys than this is refused: each key costs parsing and memory, and no
/// issuer rotates through that many at once.
pub const MAX_JWKS_KEYS: usize = 64;

/// Why a fetch produced no key set. Messages name the URL at most (settings refuse URLs
/// with credentials), never key material.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("request failed: {0}")]
    Http(String),
    /// Any non-2xx answer, including a redirect (redirects are never followed).
    #[error("answered HTTP {0}")]
    Status(u16),
    #[error("response is larger than {MAX_JWKS_BYTES} bytes")]
    TooLarge,
    #[error("response is not a JWK set: {0}")]
    Malformed(String),
    #[error("the set has {0} keys, more than the {MAX_JWKS_KEYS} accepted")]
    TooManyKeys(usize),
}

/// Why no key was returned for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMiss {
    /// The current set has no usable key with this `kid` for this algorithm.
    UnknownKid,
    /// There is no usable set: never fetched successfully, or expired and the refetch failed
    /// for longer than `stale_if_error`.
    Unavailable,
}

/// The cache timing of `auth.jwks`.
#[derive(Debug, Clone, Copy)]
pub struct JwksPolicy {
    pub default_ttl: Duration,
    pub min_ttl: Duration,
    pub max_ttl: Duration,
    pub refetch_interval: Duration,
    pub stale_if_error: Duration,
}

impl From<&JwksSettings> for JwksPolicy {
    fn from(s: &JwksSettings) -> Self {
        Self {
            default_ttl: s.default_ttl.as_duration(),
            min_ttl: s.min_ttl.as_duration(),
            max_ttl: s.max_ttl.as_duration(),
            refetch_interval: s.refetch_interval.as_duration(),
            stale_if_error: s.stale_if_error.as_duration(),
        }
    }
}

type KeysByKid = HashMap<String, Vec<(Algorithm, Arc<DecodingKey>)>>;

/// One fetched (or failed) state of the set; replaced as a whole, never mutated.
struct Snapshot {
    /// Bumped on every fetch attempt, so a task that waited for a fetch knows one finished.
    generation: u64,
    keys: Arc<KeysByKid>,
    /// Fresh until then; `None` until the first successful fetch.
    expires_at: Option<Instant>,
    /// After an expiry whose refetch failed, the old keys still verify until then.
    usable_until: Option<Instant>,
    /// After a failed fetch, an expired set is not refetched again before then.
    retry_at: Option<Instant>,
}

impl Snapshot {
    fn is_fresh(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|at| now < at)
    }

    fn lookup(&self, kid: &str, alg: Algorithm, now: Instant) -> Result<Arc<DecodingKey>, KeyMiss> {
        let usable = self.is_fresh(now) || self.usable_until.is_some_and(|at| now < at);
        if !usable {
            return Err(KeyMiss::Unavailable);
        }
        self.keys
            .get(kid)
            .and_then(|keys| keys.iter().find(|(a, _)| *a == alg))
            .map(|(_, key)| key.clone())
            .ok_or(KeyMiss::UnknownKid)
    }
}

/// The cached key set of one issuer.
pub struct JwksCache {
    url: String,
    /// The issuer's configured asymmetric algorithms; a key is only ever used for these.
    algorithms: Vec<Algorithm>,
    policy: JwksPolicy,
    http: reqwest::Client,
    current: RwLock<Arc<Snapshot>>,
    /// Single flight: held by the one task fetching, and by tasks waiting for its result.
    fetching: tokio::sync::Mutex<()>,
    /// Whether a fetch is running now (tasks with an unknown `kid` wait for it rather than
    /// fail while the new key may be arriving).
    in_flight: AtomicBool,
    /// When the latest fetch started: an unknown `kid` refetches only `refetch_interval`
    /// after it.
    last_attempt: StdMutex<Option<Instant>>,
}

/// Clears `in_flight` even when the fetching request is cancelled mid-fetch.
struct InFlight<'a>(&'a AtomicBool);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl JwksCache {
    /// `http` must not follow redirects and must carry the fetch timeout (the verifier
    /// builds it from `auth.jwks`).
    pub fn new(
        url: String,
        algorithms: Vec<Algorithm>,
        policy: JwksPolicy,
        http: reqwest::Client,
    ) -> Self {
        Self {
            url,
            algorithms,
            policy,
            http,
            current: RwLock::new(Arc::new(Snapshot {
                generation: 0,
                keys: Arc::new(HashMap::new()),
                expires_at: None,
                usable_until: None,
                retry_at: None,
            })),
            fetching: tokio::sync::Mutex::new(()),
            in_flight: AtomicBool::new(false),
            last_attempt: StdMutex::new(None),
        }
    }

    /// The key with `kid` for `alg`. Waits for the network only when this token needs keys
    /// the cache does not hold: the set expired (or was never fetched), or the `kid` is
    /// unknown and a refetch is allowed or already running.
    pub async fn key(&self, kid: &str, alg: Algorithm) -> Result<Arc<DecodingKey>, KeyMiss> {
        let snap = self.snapshot();
        let now = Instant::now();
        if snap.is_fresh(now) {
            let miss = match snap.lookup(kid, alg, now) {
                Ok(key) => return Ok(key),
                Err(miss) => miss,
            };
            if self.in_flight.load(Ordering::Acquire) {
                let latest = self.wait_for_fetch().await;
                return latest.lookup(kid, alg, Instant::now());
            }
            if self.claim_refetch(now) {
                let latest = self.refresh(snap.generation).await;
                return latest.lookup(kid, alg, Instant::now());
            }
            // Rate-limited: fail fast, unless a fetch finished since the snapshot was read.
            let latest = self.snapshot();
            if latest.generation != snap.generation {
                return latest.lookup(kid, alg, now);
            }
            return Err(miss);
        }
        // Expired or never fetched: everyone needs the new set, one task fetches it. After
        // a failed fetch the stale keys (if still within `stale_if_error`) serve until the
        // retry is due.
        if snap.retry_at.is_none_or(|at| now >= at) {
            let latest = self.refresh(snap.generation).await;
            return latest.lookup(kid, alg, Instant::now());
        }
        snap.lookup(kid, alg, now)
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock still holds a whole snapshot (writers only swap an `Arc`).
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let snapshot = Arc::new(snapshot);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = snapshot.clone();
        snapshot
    }

    /// Takes the right to refetch for an unknown `kid` if the last fetch started at least
    /// `refetch_interval` ago.
    fn claim_refetch(&self, now: Instant) -> bool {
        let mut last = self
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let allowed =
            last.is_none_or(|at| now.saturating_duration_since(at) >= self.policy.refetch_interval);
        if allowed {
            *last = Some(now);
        }
        allowed
    }

    /// Waits for the running fetch (if any) and returns the set as it is then, never
    /// fetching itself.
    async fn wait_for_fetch(&self) -> Arc<Snapshot> {
        let _turn = self.fetching.lock().await;
        self.snapshot()
    }

    /// Fetches the set unless another task did while this one waited its turn.
    async fn refresh(&self, seen: u64) -> Arc<Snapshot> {
        let _turn = self.fetching.lock().await;
        let before = self.snapshot();
        if before.generation != seen {
            return before;
        }
        self.in_flight.store(true, Ordering::Release);
        let _in_flight = InFlight(&self.in_flight);
        let started = Instant::now();
        *self
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(started);
        let next = match self.fetch().await {
            Ok((keys, ttl)) => {
                tracing::debug!(
                    jwks_url = %self.url,
                    kids = keys.len(),
                    ttl_s = ttl.as_secs(),
                    "JWKS fetched"
                );
                // Settings bound both durations; saturate anyway rather than panic.
                let expires_at = started.checked_add(ttl).unwrap_or(started);
                Snapshot {
                    generation: before.generation + 1,
                    keys: Arc::new(keys),
                    expires_at: Some(expires_at),
                    usable_until: Some(
                        expires_at
                            .checked_add(self.policy.stale_if_error)
                            .unwrap_or(expires_at),
                    ),
                    retry_at: None,
                }
            }
            Err(err) => {
                tracing::warn!(
                    jwks_url = %self.url,
                    error = %err,
                    retry_in_s = self.policy.refetch_interval.as_secs(),
                    "JWKS fetch failed; keeping the previous keys within stale_if_error"
                );
                Snapshot {
                    generation: before.generation + 1,
                    keys: before.keys.clone(),
                    expires_at: before.expires_at,
                    usable_until: before.usable_until,
                    retry_at: Some(
                        Instant::now()
                            .checked_add(self.policy.refetch_interval)
                            .unwrap_or_else(Instant::now),
                    ),
                }
            }
        };
        self.store(next)
    }

    async fn fetch(&self) -> Result<(KeysByKid, Duration), JwksError> {
        let mut response = self
            .http
            .get(&self.url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| JwksError::Http(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(JwksError::Status(status.as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_JWKS_BYTES as u64)
        {
            return Err(JwksError::TooLarge);
        }
        let cache_control: Vec<String> = response
            .headers()
            .get_all(reqwest::header::CACHE_CONTROL)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        // Read chunk by chunk so a server that lies about (or omits) its length cannot
        // make us buffer more than the limit.
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| JwksError::Http(e.to_string()))?
        {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(JwksError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let keys = parse_key_set(&body, &self.algorithms, &self.url)?;
        Ok((keys, cache_ttl(&cache_control, &self.policy)))
    }
}

/// How long a fetched set stays fresh: `max-age` of `Cache-Control` (`no-cache`/`no-store`
/// mean as short as allowed), else `default_ttl`, clamped to `min_ttl ..= max_ttl`.
pub fn cache_ttl(cache_control: &[String], policy: &JwksPolicy) -> Duration {
    let mut ttl = None;
    for directive in cache_control.iter().flat_map(|v| v.split(',')) {
        let directive = directive.trim().to_ascii_lowercase();
        if directive == "no-cache" || directive == "no-store" {
            ttl = Some(Duration::ZERO);
            break;
        }
        if let Some(secs) = directive.strip_prefix("max-age=")
            && let Ok(secs) = secs.trim_matches('"').parse::<u64>()
        {
            ttl = Some(Duration::from_secs(secs));
        }
    }
    // max-then-min rather than `clamp`, which panics if the bounds were ever inverted.
    ttl.unwrap_or(policy.default_ttl)
        .max(policy.min_ttl)
        .min(policy.max_ttl)
}

#[derive(Deserialize)]
struct RawKeySet {
    keys: Vec<serde_json::Value>,
}

/// The usable keys of a JWK set, by `kid`, each paired with the configured algorithms it
/// fits. Keys without a `kid`, for encryption, symmetric (`oct`) or of an unsupported type
/// are skipped — one odd key does not make the whole set unusable.
pub fn parse_key_set(
    body: &[u8],
    algorithms: &[Algorithm],
    url: &str,
) -> Result<KeysByKid, JwksError> {
    let raw: RawKeySet =
        serde_json::from_slice(body).map_err(|e| JwksError::Malformed(e.to_string()))?;
    if raw.keys.len() > MAX_JWKS_KEYS {
        return Err(JwksError::TooManyKeys(raw.keys.len()));
    }
    let mut keys: KeysByKid = HashMap::new();
    let mut skipped = 0usize;
    for value in raw.keys {
        let Ok(jwk) = serde_json::from_value::<Jwk>(value) else {
            skipped += 1;
            continue;
        };
        let Some(kid) = jwk.common.key_id.clone() else {
            skipped += 1;
            continue;
        };
        if jwk
            .common
            .public_key_use
            .as_ref()
            .is_some_and(|u| *u != PublicKeyUse::Signature)
        {
            skipped += 1;
            continue;
        }
        let fitting: Vec<Algorithm> = algorithms
            .iter()
            .copied()
            .filter(|alg| fits(&jwk, *alg))
            .collect();
        if fitting.is_empty() {
            skipped += 1;
            continue;
        }
        let key = match DecodingKey::from_jwk(&jwk) {
            Ok(key) => Arc::new(key),
            Err(e) => {
                tracing::warn!(jwks_url = url, kid, error = %e, "unusable JWK skipped");
                skipped += 1;
                continue;
            }
        };
        let entry = keys.entry(kid).or_default();
        for alg in fitting {
            // The first key published under a kid wins for an algorithm.
            if !entry.iter().any(|(a, _)| *a == alg) {
                entry.push((alg, key.clone()));
            }
        }
    }
    if skipped > 0 {
        tracing::debug!(
            jwks_url = url,
            skipped,
            "JWKS keys skipped (no kid, not for signatures, symmetric, or no configured algorithm fits)"
        );
    }
    Ok(keys)
}

/// Whether `jwk` may verify `alg`: the key family and curve must be the algorithm's, and a
/// declared `alg` must agree. Symmetric (`oct`) keys fit nothing.
fn fits(jwk: &Jwk, alg: Algorithm) -> bool {
    let declared = match alg {
        Algorithm::RS256 => KeyAlgorithm::RS256,
        Algorithm::ES256 => KeyAlgorithm::ES256,
        Algorithm::EdDSA => KeyAlgorithm::EdDSA,
        _ => return false,
    };
    if jwk
        .common
        .key_algorithm
        .is_some_and(|declared_by_key| declared_by_key != declared)
    {
        return false;
    }
    match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(p), Algorithm::ES256) => p.curve == EllipticCurve::P256,
        (AlgorithmParameters::OctetKeyPair(p), Algorithm::EdDSA) => {
            p.curve == EllipticCurve::Ed25519
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> JwksPolicy {
        JwksPolicy {
            default_ttl: Duration::from_secs(300),
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(86_400),
            refetch_interval: Duration::from_secs(30),
            stale_if_error: Duration::from_secs(900),
        }
    }

    fn ttl(values: &[&str]) -> u64 {
        let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        cache_ttl(&values, &policy()).as_secs()
    }

    #[test]
    fn max_age_decides_the_ttl_within_the_clamp() {
        assert_eq!(ttl(&[]), 300, "no header: the default");
        assert_eq!(ttl(&["public, max-age=3600"]), 3600);
        assert_eq!(ttl(&["Max-Age=120, must-revalidate"]), 120);
        assert_eq!(ttl(&["max-age=1"]), 60, "clamped up");
        assert_eq!(ttl(&["max-age=99999999"]), 86_400, "clamped down");
        assert_eq!(ttl(&["no-store"]), 60, "as short as allowed");
        assert_eq!(ttl(&["max-age=soon"]), 300, "unparsable: the default");
        assert_eq!(ttl(&["public", "max-age=600"]), 600, "several header lines");
    }

    const EC_JWK: &str = r#"{"kty":"EC","crv":"P-256","kid":"ec-1","use":"sig",
        "x":"ujbk4Vzo2nSqXXPRs3DjS_e_OehPt2otbA-1WYNNhWE",
        "y":"w9TC5nqKEf9t2jP2lWpaGbJC2vZOjtpkJmJDywYmSlY"}"#;

    fn set(keys: &[&str]) -> Vec<u8> {
        format!(r#"{{"keys":[{}]}}"#, keys.join(",")).into_bytes()
    }

    #[test]
    fn only_asymmetric_keys_for_configured_algorithms_are_kept() {
        let oct =
            r#"{"kty":"oct","kid":"shared","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}"#;
        let enc = EC_JWK
            .replace(r#""use":"sig""#, r#""use":"enc""#)
            .replace("ec-1", "ec-enc");
        let wrong_alg = EC_JWK
            .replace(r#""use":"sig""#, r#""alg":"ES384""#)
            .replace("ec-1", "ec-384");
        let no_kid = EC_JWK.replace(r#""kid":"ec-1","#, "");
        let odd = r#"{"kty":"XYZ","kid":"odd"}"#;
        let body = set(&[EC_JWK, oct, &enc, &wrong_alg, &no_kid, odd]);
        let keys = parse_key_set(
            &body,
            &[Algorithm::ES256, Algorithm::HS256, Algorithm::RS256],
            "test",
        )
        .unwrap();
        assert_eq!(keys.len(), 1, "{:?}", keys.keys().collect::<Vec<_>>());
        let ec = &keys["ec-1"];
        assert_eq!(ec.len(), 1);
        assert_eq!(ec[0].0, Algorithm::ES256);
        // An EC key is never offered for an algorithm the issuer did not configure.
        assert!(
            parse_key_set(&set(&[EC_JWK]), &[Algorithm::RS256], "test")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn oversized_sets_are_refused() {
        let many: Vec<&str> = std::iter::repeat_n(EC_JWK, MAX_JWKS_KEYS + 1).collect();
        assert!(matches!(
            parse_key_set(&set(&many), &[Algorithm::ES256], "test"),
            Err(JwksError::TooManyKeys(_))
        ));
        assert!(matches!(
            parse_key_set(b"<html>", &[Algorithm::ES256], "test"),
            Err(JwksError::Malformed(_))
        ));
    }
}

//! Operator console sessions: an operator signs in with an API key (the same check as the
//! token exchange, under the same failure budget) and gets an opaque random session id,
//! which the browser keeps in a cookie. Only a domain-separated SHA-256 of the id is stored.
//!
//! A session is valid while it is unrevoked, used within the idle timeout, younger than the
//! absolute maximum age, and its operator is enabled with the sign-in key unrevoked. The last
//! two are read in the same lookup as the session (`ConsoleSessionStore`), so disabling the
//! operator or rotating its key ends every session of it on the next request. The session id
//! also keys the console's CSRF token ([`SessionId::csrf_token`]).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use orch_core::audit::AuditDraft;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::IdentityError;
use super::operators::{OperatorAuthError, OperatorService};
pub use crate::model::console_sessions::ConsoleSessionRecord;
use crate::model::identity::{ApiKeyRecord, OperatorRecord};
use crate::store::{Store, StoreError};

/// Random bytes in a session id (256 bits).
const ID_BYTES: usize = 32;
/// Domain separation: the stored hash of a session id is no other digest orchd makes.
const HASH_DOMAIN: &[u8] = b"orch-console-session-v1:";
/// The label the CSRF token is the HMAC of, under the session id.
const CSRF_LABEL: &[u8] = b"orch-console-csrf-v1";
/// `last_seen_at` is written at most this often per session (or a quarter of the idle
/// timeout, if shorter): a page load and its stream must not each cost a write. The idle
/// timeout is exact to within this.
pub const TOUCH_EVERY: Duration = Duration::from_secs(30);

/// The session id the browser holds: 64 lower-case hex digits. Secret: never logged, never
/// in `Debug`, never stored (only [`SessionId::hash`]).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionId(String);

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId(…)")
    }
}

impl SessionId {
    /// A new random id (also the seed of the sign-in form's token, before there is a session).
    pub fn generate() -> Result<Self, IdentityError> {
        let mut bytes = [0u8; ID_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| IdentityError::Hash(e.to_string()))?;
        Ok(Self(hex::encode(bytes)))
    }

    /// A presented id, if it has the shape of one (anything else cannot be a session and is
    /// not looked up).
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == ID_BYTES * 2
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(text.to_owned()))
    }

    /// The value for the cookie.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database stores and looks sessions up by.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(HASH_DOMAIN);
        h.update(self.0.as_bytes());
        hex::encode(h.finalize())
    }

    fn csrf_mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_bytes()) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        mac.update(CSRF_LABEL);
        mac
    }

    /// The synchronizer token of this session's forms: HMAC-SHA256 keyed by the session id,
    /// so it cannot be made without the (HttpOnly) cookie, needs no storage, and dies with
    /// the session.
    pub fn csrf_token(&self) -> String {
        hex::encode(self.csrf_mac().finalize().into_bytes())
    }

    /// Whether `presented` is this session's token, compared in constant time.
    pub fn verify_csrf(&self, presented: &str) -> bool {
        hex::decode(presented).is_ok_and(|bytes| self.csrf_mac().verify_slice(&bytes).is_ok())
    }
}

/// A valid session and who it belongs to.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    pub operator: OperatorRecord,
    /// The API key the operator signed in with.
    pub key_id: Uuid,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    id_hash: String,
}

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The key is malformed, unknown, revoked, or its operator disabled. `key_id` is the
    /// public id part of a well-formed key (for the audit row), never the key.
    #[error("the API key is unknown, revoked, or its operator is disabled")]
    Refused { key_id: Option<String> },
    #[error(transparent)]
    Throttled(#[from] super::limiter::Throttled),
    #[error(transparent)]
    Identity(#[from] IdentityError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> Self {
        Self::Identity(IdentityError::Store(e))
    }
}

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle_timeout: Duration,
    pub max_age: Duration,
}

/// Console sign-in, session lookup and sign-out; cheap to clone.
#[derive(Clone)]
pub struct ConsoleSessionService {
    store: Arc<dyn Store>,
    operators: OperatorService,
    limits: SessionLimits,
}

impl ConsoleSessionService {
    pub fn new(store: Arc<dyn Store>, operators: OperatorService, limits: SessionLimits) -> Self {
        Self {
            store,
            operators,
            limits,
        }
    }

    pub fn limits(&self) -> SessionLimits {
        self.limits
    }

    /// Checks `api_key` (within `client_ip`'s failure budget) and opens a session; the audit
    /// row `audit(operator, key)` is written with it, in one transaction.
    pub async fn sign_in(
        &self,
        api_key: &str,
        client_ip: Option<IpAddr>,
        audit: impl FnOnce(&OperatorRecord, &ApiKeyRecord) -> AuditDraft,
    ) -> Result<(SessionId, ConsoleSession), SignInError> {
        let (key, operator) = match self.operators.verify_key(api_key, client_ip).await {
            Ok(found) => found,
            Err(OperatorAuthError::BadKey | OperatorAuthError::Inactive) => {
                let key_id =
                    super::api_keys::lookup_id(super::api_keys::OPERATOR_KEY_PREFIX, api_key)
                        .map(str::to_owned);
                return Err(SignInError::Refused { key_id });
            }
            Err(OperatorAuthError::Throttled(t)) => return Err(t.into()),
            Err(OperatorAuthError::Identity(e)) => return Err(e.into()),
            Err(OperatorAuthError::Token(e)) => {
                return Err(IdentityError::Token(e.to_string()).into());
            }
        };
        let id = SessionId::generate()?;
        let now = OffsetDateTime::now_utc();
        let record = ConsoleSessionRecord {
            id_hash: id.hash(),
            operator_id: operator.id,
            key_id: key.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.limits.max_age,
            revoked_at: None,
        };
        let draft = audit(&operator, &key);
        self.store.create_console_session(&record, draft).await?;
        Ok((
            id,
            ConsoleSession {
                operator,
                key_id: key.id,
                created_at: record.created_at,
                expires_at: record.expires_at,
                id_hash: record.id_hash,
            },
        ))
    }

    /// The session `id` names, if it is still valid at `now` (see the module docs); a valid
    /// one's `last_seen_at` moves to `now` (at most every [`TOUCH_EVERY`]).
    pub async fn resolve(
        &self,
        id: &SessionId,
        now: OffsetDateTime,
    ) -> Result<Option<ConsoleSession>, IdentityError> {
        let id_hash = id.hash();
        let Some((record, operator)) = self.store.find_console_session(&id_hash).await? else {
            return Ok(None);
        };
        if !self.limits.admits(&record, now) {
            return Ok(None);
        }
        if now - record.last_seen_at >= TOUCH_EVERY.min(self.limits.idle_timeout / 4) {
            self.store.touch_console_session(&id_hash, now).await?;
        }
        Ok(Some(ConsoleSession {
            operator,
            key_id: record.key_id,
            created_at: record.created_at,
            expires_at: record.expires_at,
            id_hash,
        }))
    }

    /// Ends a session, with its audit row. Ending one that is already gone is not an error.
    pub async fn sign_out(
        &self,
        session: &ConsoleSession,
        audit: AuditDraft,
    ) -> Result<(), IdentityError> {
        match self
            .store
            .revoke_console_session(&session.id_hash, OffsetDateTime::now_utc(), audit)
            .await
        {
            Ok(_) | Err(StoreError::NotFound) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes sessions that ended (revoked, idle, past their age); how many.
    pub async fn purge_ended(&self, now: OffsetDateTime) -> Result<u64, IdentityError> {
        Ok(self
            .store
            .delete_ended_console_sessions(now, now - self.limits.idle_timeout)
            .await?)
    }
}

impl ConsoleSessionService {
    /// Deletes ended sessions every `every` until `stop` (the table would otherwise keep a
    /// row per sign-in forever).
    pub fn spawn_purge(
        self,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tokio::select! {
                    _ = stop.changed() => return,
                    _ = tick.tick() => match self.purge_ended(OffsetDateTime::now_utc()).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(deleted = n, "ended console sessions deleted"),
                        Err(err) => tracing::warn!(error = %err, "deleting ended console sessions failed"),
                    },
                }
            }
        })
    }
}

impl SessionLimits {
    /// Whether a session row is still within both timeouts at `now`.
    pub fn admits(&self, record: &ConsoleSessionRecord, now: OffsetDateTime) -> bool {
        record.revoked_at.is_none()
            && now < record.expires_at
            && now - record.last_seen_at < self.idle_timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(created: OffsetDateTime, last_seen: OffsetDateTime) -> ConsoleSessionRecord {
        ConsoleSessionRecord {
            id_hash: "h".into(),
            operator_id: Uuid::nil(),
            key_id: Uuid::nil(),
            created_at: created,
            last_seen_at: last_seen,
            expires_at: created + Duration::from_secs(3600),
            revoked_at: None,
        }
    }

    #[test]
    fn ids_are_random_hex_and_never_shown() {
        let a = SessionId::generate().unwrap();
        let b = SessionId::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(SessionId::parse(a.expose()), Some(a.clone()));
        assert!(!format!("{a:?}").contains(a.expose()));
        assert!(!a.hash().contains(a.expose()));
        assert_eq!(a.hash().len(), 64);
        for bad in ["", "abc", &"A".repeat(64), &"g".repeat(64), &"a".repeat(65)] {
            assert_eq!(SessionId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        let a = SessionId::generate().unwrap();
        let b = SessionId::generate().unwrap();
        let token = a.csrf_token();
        assert!(a.verify_csrf(&token));
        assert!(!b.verify_csrf(&token));
        assert!(!a.verify_csrf(""));
        assert!(!a.verify_csrf("zz"));
        assert!(!a.verify_csrf(&token[..62]));
        assert_ne!(token, a.hash(), "the token is not the stored hash");
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let limits = SessionLimits {
            idle_timeout: Duration::from_secs(60),
            max_age: Duration::from_secs(3600),
        };
        let t0 = OffsetDateTime::now_utc();
        let r = record(t0, t0);
        assert!(limits.admits(&r, t0 + Duration::from_secs(59)));
        assert!(!limits.admits(&r, t0 + Duration::from_secs(60)));
        let active = record(t0, t0 + Duration::from_secs(3590));
        assert!(limits.admits(&active, t0 + Duration::from_secs(3599)));
        assert!(!limits.admits(&active, t0 + Duration::from_secs(3600)));
        let mut revoked = record(t0, t0);
        revoked.revoked_at = Some(t0);
        assert!(!limits.admits(&revoked, t0));
    }
}

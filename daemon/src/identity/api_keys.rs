//! Operator API keys and client secrets: `<prefix><12 hex id>_<40 hex secret>`. Only a hash
//! of the whole key is stored, found again through the public id part; the key is shown once.
//!
//! The secret part is 160 random bits, so a fast hash is as safe as a slow one (nobody can
//! guess through 2^160) and costs nothing to check: `sha256$<hex of SHA-256(domain ‖ key)>`.
//! A slow password hash would only hand unauthenticated callers a lever on CPU and memory.
//! Rows written by earlier versions hold Argon2id hashes; see [`check`] for how they are
//! still honoured and replaced.

use sha2::{Digest, Sha256};

use super::IdentityError;
use super::limiter::{Attempt, Throttled};

pub const OPERATOR_KEY_PREFIX: &str = "orch_op_";

/// Marks the hash format, so a future format can sit beside it.
const SHA256_SCHEME: &str = "sha256$";
/// Domain separation: a digest of a key is never the digest of anything else orchd hashes.
const DOMAIN: &[u8] = b"orch-key-v1:";

/// A freshly generated key: the full text (show once) and what is stored.
pub struct GeneratedKey {
    pub plaintext: String,
    pub lookup_id: String,
    pub hash: String,
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("lookup_id", &self.lookup_id)
            .finish_non_exhaustive()
    }
}

/// Generates a key with the given text prefix (`orch_op_`, `orch_cs_`).
pub fn generate(prefix: &str) -> Result<GeneratedKey, IdentityError> {
    let mut id = [0u8; 6];
    let mut secret = [0u8; 20];
    getrandom::fill(&mut id).map_err(|e| IdentityError::Hash(e.to_string()))?;
    getrandom::fill(&mut secret).map_err(|e| IdentityError::Hash(e.to_string()))?;
    let lookup_id = hex::encode(id);
    let plaintext = format!("{prefix}{lookup_id}_{}", hex::encode(secret));
    let hash = hash(&plaintext);
    Ok(GeneratedKey {
        plaintext,
        lookup_id,
        hash,
    })
}

/// The public id part of a key, if it has the expected shape.
pub fn lookup_id<'a>(prefix: &str, key: &'a str) -> Option<&'a str> {
    let rest = key.strip_prefix(prefix)?;
    let (id, secret) = rest.split_once('_')?;
    let hex_of = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex_of(id, 12) && hex_of(secret, 40)).then_some(id)
}

/// What is stored for a key: `sha256$<64 hex>`.
pub fn hash(plaintext: &str) -> String {
    format!("{SHA256_SCHEME}{}", hex::encode(digest(plaintext)))
}

fn digest(plaintext: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(plaintext.as_bytes());
    h.finalize().into()
}

/// Checks a presented key against a `sha256$` hash, in constant time. Anything else stored
/// (a legacy Argon2 hash, garbage) does not match here.
pub fn verify(plaintext: &str, stored: &str) -> bool {
    let Some(expected) = stored
        .strip_prefix(SHA256_SCHEME)
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    constant_time_eq(&digest(plaintext), &expected)
}

/// Whether `stored` is an Argon2 hash written by an earlier version.
pub fn is_legacy(stored: &str) -> bool {
    stored.starts_with("$argon2")
}

/// Equal length and equal bytes, taking the same time wherever the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the optimiser from turning the fold into an early-exit comparison.
    std::hint::black_box(diff) == 0
}

/// The outcome of [`check`].
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    /// The key matches. `rehashed` is set when the row held a legacy hash: the caller
    /// stores it in place of the old one.
    Match {
        rehashed: Option<String>,
    },
    Mismatch,
}

/// Checks a presented key against the hash stored for `id` (the key's lookup id or the
/// client id), within `attempt`.
///
/// Argon2 is kept only to verify legacy rows: refusing them would lock out every operator
/// and tenant client created before the switch, and a successful check replaces the hash,
/// so each legacy row costs Argon2 until its first use. That work only happens when the row
/// found really holds an Argon2 hash, after the id's own failure budget is checked, one at
/// a time across the process, off the async workers.
pub async fn check(
    attempt: &mut Attempt<'_>,
    id: &str,
    presented: &str,
    stored: &str,
) -> Result<Checked, Throttled> {
    if !is_legacy(stored) {
        return Ok(if verify(presented, stored) {
            Checked::Match { rehashed: None }
        } else {
            Checked::Mismatch
        });
    }
    attempt.expensive(id)?;
    let _slot = attempt.legacy_slot().await;
    let (key, old) = (presented.to_owned(), stored.to_owned());
    let matches = tokio::task::spawn_blocking(move || verify_argon2(&key, &old))
        .await
        .unwrap_or(false);
    Ok(if matches {
        Checked::Match {
            rehashed: Some(hash(presented)),
        }
    } else {
        Checked::Mismatch
    })
}

/// Argon2id verification of a legacy hash (slow on purpose: blocking).
fn verify_argon2(plaintext: &str, stored: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(stored)
        .map(|parsed| {
            argon2::Argon2::default()
                .verify_password(plaintext.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::limiter::CredentialLimiter;

    #[test]
    fn generated_keys_verify_and_parse() {
        let k = generate(OPERATOR_KEY_PREFIX).unwrap();
        assert_eq!(
            lookup_id(OPERATOR_KEY_PREFIX, &k.plaintext),
            Some(k.lookup_id.as_str())
        );
        assert!(verify(&k.plaintext, &k.hash));
        assert!(!verify(&format!("{}x", k.plaintext), &k.hash));
        assert!(!k.hash.contains(&k.plaintext));
        assert!(!format!("{k:?}").contains(&k.plaintext));
    }

    #[test]
    fn hashes_are_domain_separated_sha256() {
        let key = "orch_op_0123456789ab_0123456789abcdef0123456789abcdef01234567";
        let stored = hash(key);
        let hex = stored.strip_prefix("sha256$").unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        // Not the bare SHA-256 of the key: the domain prefix is part of the input.
        assert_ne!(hex, orch_core::canonical::sha256_hex(key.as_bytes()));
        assert_eq!(
            hex,
            orch_core::canonical::sha256_hex(format!("orch-key-v1:{key}").as_bytes())
        );
        assert!(!is_legacy(&stored));
    }

    #[test]
    fn only_sha256_hashes_verify_synchronously() {
        let key = "orch_op_0123456789ab_0123456789abcdef0123456789abcdef01234567";
        for stored in [
            "",
            "sha256$",
            "sha256$zz",
            "sha256$00",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
        ] {
            assert!(!verify(key, stored), "{stored}");
        }
        assert!(is_legacy("$argon2id$v=19$m=19456,t=2,p=1$x$y"));
    }

    #[test]
    fn constant_time_eq_compares_whole_slices() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    fn argon2_hash(plaintext: &str) -> String {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        argon2::Argon2::default()
            .hash_password(plaintext.as_bytes(), &salt)
            .unwrap()
            .to_string()
    }

    #[tokio::test]
    async fn legacy_hashes_verify_once_and_are_rehashed() {
        let key = "orch_op_0123456789ab_0123456789abcdef0123456789abcdef01234567";
        let legacy = argon2_hash(key);
        let limiter = CredentialLimiter::default();
        let mut attempt = limiter.begin(None).unwrap();
        let checked = check(&mut attempt, "0123456789ab", key, &legacy)
            .await
            .unwrap();
        assert_eq!(
            checked,
            Checked::Match {
                rehashed: Some(hash(key))
            }
        );
        attempt.succeeded();
        let mut attempt = limiter.begin(None).unwrap();
        assert_eq!(
            check(&mut attempt, "0123456789ab", "orch_op_wrong", &legacy)
                .await
                .unwrap(),
            Checked::Mismatch
        );
    }

    #[tokio::test]
    async fn sha256_rows_never_touch_the_legacy_budget() {
        let key = "orch_op_0123456789ab_0123456789abcdef0123456789abcdef01234567";
        let stored = hash(key);
        let limiter = CredentialLimiter::default();
        // Far more wrong keys for one id than its budget allows: none is throttled, since
        // none costs Argon2 (the per-IP budget is not consulted without an IP).
        for _ in 0..200 {
            let mut attempt = limiter.begin(None).unwrap();
            assert_eq!(
                check(&mut attempt, "0123456789ab", "orch_op_wrong", &stored)
                    .await
                    .unwrap(),
                Checked::Mismatch
            );
        }
        let mut attempt = limiter.begin(None).unwrap();
        assert_eq!(
            check(&mut attempt, "0123456789ab", key, &stored)
                .await
                .unwrap(),
            Checked::Match { rehashed: None }
        );
    }

    #[test]
    fn malformed_keys_have_no_id() {
        for bad in [
            "",
            "orch_op_",
            "orch_op_abc_def",
            "xorch_op_0123456789ab_0123456789012345678901234567890123456789",
        ] {
            assert_eq!(lookup_id(OPERATOR_KEY_PREFIX, bad), None, "{bad}");
        }
    }
}

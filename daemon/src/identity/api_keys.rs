//! Operator API keys: `orch_op_<12 hex id>_<40 hex secret>`. Only an Argon2id hash of the
//! whole key is stored, found again through the public id part; the key is shown once.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::IdentityError;

pub const OPERATOR_KEY_PREFIX: &str = "orch_op_";

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
    let hash = hash(&plaintext)?;
    Ok(GeneratedKey {
        plaintext,
        lookup_id,
        hash,
    })
}

/// `generate` off the async workers (Argon2 is deliberately slow).
pub async fn generate_blocking(prefix: &'static str) -> Result<GeneratedKey, IdentityError> {
    tokio::task::spawn_blocking(move || generate(prefix))
        .await
        .map_err(|e| IdentityError::Hash(e.to_string()))?
}

/// The public id part of a key, if it has the expected shape.
pub fn lookup_id<'a>(prefix: &str, key: &'a str) -> Option<&'a str> {
    let rest = key.strip_prefix(prefix)?;
    let (id, secret) = rest.split_once('_')?;
    let hex_of = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex_of(id, 12) && hex_of(secret, 40)).then_some(id)
}

pub fn hash(plaintext: &str) -> Result<String, IdentityError> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| IdentityError::Hash(e.to_string()))?;
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| IdentityError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(plaintext.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| IdentityError::Hash(e.to_string()))
}

/// Spends the same effort as a real check, for a credential whose id matched nothing, so
/// response times do not tell which ids exist.
pub fn verify_nothing(plaintext: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(hash) = DUMMY.get_or_init(|| hash("orch-dummy-credential-for-timing").ok()) {
        let _ = verify(plaintext, hash);
    }
}

/// Constant-time check of a presented key against a stored hash.
pub fn verify(plaintext: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(plaintext.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

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

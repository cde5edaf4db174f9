//! orchd's own token signing key (HS256). It signs operator, client-credential and
//! impersonation tokens. Nodes share it through `auth.signing_key_ref`; without one, a key
//! is generated in `data_dir` (mode 0600) on first start. Tokens carry the key's fingerprint
//! as `kid`, so a node with another key can say so instead of failing vaguely.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::Serialize;

use super::IdentityError;
use crate::secrets::{self, SecretValue};
use crate::settings::Settings;

/// File name of the generated key under `data_dir`.
pub const GENERATED_KEY_FILE: &str = "signing.key";
/// Shortest key accepted from a ref, in bytes.
const MIN_KEY_LEN: usize = 32;

pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// The key named by `auth.signing_key_ref`, or the generated one in `data_dir`.
    pub fn load(settings: &Settings) -> Result<Self, IdentityError> {
        Self::from_secret(&load_secret(settings)?)
    }

    pub fn from_secret(secret: &SecretValue) -> Result<Self, IdentityError> {
        let bytes = secret.expose().as_bytes();
        if bytes.len() < MIN_KEY_LEN {
            return Err(IdentityError::SigningKey(format!(
                "the key must be at least {MIN_KEY_LEN} bytes"
            )));
        }
        Ok(Self {
            kid: orch_core::canonical::sha256_hex(bytes)[..16].to_owned(),
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
        })
    }

    /// The key's fingerprint, carried as `kid` in every token it signs.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, IdentityError> {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| IdentityError::Token(e.to_string()))
    }

    pub fn decoding_key(&self) -> &DecodingKey {
        &self.decoding
    }
}

/// The signing key's material: `auth.signing_key_ref` resolved, or the generated key in
/// `data_dir` (created on first use). The audit key is derived from it when
/// `audit.hmac_key_ref` is unset.
pub fn load_secret(settings: &Settings) -> Result<SecretValue, IdentityError> {
    match &settings.auth.signing_key_ref {
        Some(reference) => Ok(secrets::resolve(reference)?),
        None => load_or_generate(&settings.data_dir.join(GENERATED_KEY_FILE)),
    }
}

fn load_or_generate(path: &Path) -> Result<SecretValue, IdentityError> {
    let fail = |what: &str, e: std::io::Error| {
        IdentityError::SigningKey(format!("{what} {}: {e}", path.display()))
    };
    match std::fs::read_to_string(path) {
        Ok(text) => return Ok(SecretValue::new(text.trim_end())),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail("cannot read", e)),
        Err(_) => {}
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail("cannot create the directory of", e))?;
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw)
        .map_err(|e| IdentityError::SigningKey(format!("no randomness: {e}")))?;
    let key = hex::encode(raw);
    match write_private(path, key.as_bytes()) {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a token signing key");
            Ok(SecretValue::new(key))
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read_to_string(path)
            .map(|text| SecretValue::new(text.trim_end()))
            .map_err(|e| fail("cannot read", e)),
        Err(e) => Err(fail("cannot write", e)),
    }
}

/// Creates `path` with mode 0600 (never replacing an existing file) and writes `content`.
pub fn write_private(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content)?;
    file.sync_all()
}

/// Path of the generated key for `settings`.
pub fn generated_key_path(settings: &Settings) -> PathBuf {
    settings.data_dir.join(GENERATED_KEY_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_with_mode_0600_and_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().join("data"),
            ..Settings::default()
        };
        let a = SigningKey::load(&settings).unwrap();
        let b = SigningKey::load(&settings).unwrap();
        assert_eq!(a.kid(), b.kid());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(generated_key_path(&settings))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(SigningKey::from_secret(&SecretValue::new("short")).is_err());
    }
}

//! SecretRef resolution (`CONFIG.md`): `env:NAME`, `file:/abs/path`, `docker:NAME`,
//! `vault:MOUNT/PATH#FIELD`. Values are wrapped in [`SecretValue`], which never prints or serialises its content;
//! errors name the reference, never a value.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use orch_core::config::secret_ref::SecretRef;
use tokio::sync::Mutex;

use crate::settings::SecretSettings;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("secret ref {reference:?} is malformed: {message}")]
    Malformed { reference: String, message: String },
    #[error("secret ref {reference:?} did not resolve: {message}")]
    Unavailable { reference: String, message: String },
}

/// A resolved secret. `Debug` shows `***`; there is no `Display` or `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that must use it (signing, comparing, sending).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

/// Where `docker:` refs are mounted by default.
pub const DOCKER_SECRETS_DIR: &str = "/run/secrets";

/// Resolves an `env:`, `file:` or `docker:` ref now (start-up settings such as the signing
/// key and issuer secrets). `vault:` refs need the [`SecretResolver`].
pub fn resolve(reference: &str) -> Result<SecretValue, SecretError> {
    resolve_local(reference, Path::new(DOCKER_SECRETS_DIR))
}

fn malformed(reference: &str, message: String) -> SecretError {
    SecretError::Malformed {
        reference: reference.to_owned(),
        message,
    }
}

fn unavailable(reference: &str, message: String) -> SecretError {
    SecretError::Unavailable {
        reference: reference.to_owned(),
        message,
    }
}

fn resolve_local(reference: &str, docker_dir: &Path) -> Result<SecretValue, SecretError> {
    match SecretRef::parse(reference).map_err(|m| malformed(reference, m))? {
        SecretRef::Env(name) => std::env::var(&name)
            .map(SecretValue)
            .map_err(|_| unavailable(reference, format!("environment variable {name} is not set"))),
        SecretRef::File(path) => read_trimmed(reference, Path::new(&path)),
        SecretRef::Docker(name) => read_trimmed(reference, &docker_dir.join(name)),
        SecretRef::Vault { .. } => Err(unavailable(
            reference,
            "vault: refs are resolved at call time, not for daemon settings".to_owned(),
        )),
    }
}

fn read_trimmed(reference: &str, path: &Path) -> Result<SecretValue, SecretError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        unavailable(
            reference,
            format!("cannot read {}: {}", path.display(), e.kind()),
        )
    })?;
    let trimmed = text.strip_suffix('\n').unwrap_or(&text);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(SecretValue(trimmed.to_owned()))
}

/// Resolves SecretRefs at call time, caching values for a short TTL. `vault:` refs read
/// HashiCorp Vault KV v2 (`GET {addr}/v1/{mount}/data/{path}`, header `X-Vault-Token`).
pub struct SecretResolver {
    docker_dir: PathBuf,
    vault_addr: Option<String>,
    vault_token_ref: Option<String>,
    ttl: Duration,
    http: reqwest::Client,
    cache: Mutex<HashMap<String, (Instant, SecretValue)>>,
}

impl SecretResolver {
    pub fn new(settings: &SecretSettings) -> Self {
        crate::startup::install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self {
            docker_dir: settings.docker_dir.clone(),
            vault_addr: settings.vault_addr.clone(),
            vault_token_ref: settings.vault_token_ref.clone(),
            ttl: settings.cache_ttl.as_duration(),
            http,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `reference`, from the cache while fresh.
    pub async fn resolve(&self, reference: &str) -> Result<SecretValue, SecretError> {
        if let Some((at, value)) = self.cache.lock().await.get(reference)
            && at.elapsed() < self.ttl
        {
            return Ok(value.clone());
        }
        let value = match SecretRef::parse(reference).map_err(|m| malformed(reference, m))? {
            SecretRef::Vault { mount, path, field } => {
                self.vault(reference, &mount, &path, &field).await?
            }
            _ => resolve_local(reference, &self.docker_dir)?,
        };
        self.cache
            .lock()
            .await
            .insert(reference.to_owned(), (Instant::now(), value.clone()));
        Ok(value)
    }

    /// Forgets cached values (e.g. after a secret was rotated).
    pub async fn clear(&self) {
        self.cache.lock().await.clear();
    }

    async fn vault(
        &self,
        reference: &str,
        mount: &str,
        path: &str,
        field: &str,
    ) -> Result<SecretValue, SecretError> {
        let addr = self
            .vault_addr
            .as_deref()
            .ok_or_else(|| unavailable(reference, "VAULT_ADDR is not set".to_owned()))?;
        let token_ref = self
            .vault_token_ref
            .as_deref()
            .ok_or_else(|| unavailable(reference, "VAULT_TOKEN is not set".to_owned()))?;
        let token = resolve_local(token_ref, &self.docker_dir)
            .map_err(|_| unavailable(reference, "the Vault token did not resolve".to_owned()))?;
        let url = format!("{}/v1/{mount}/data/{path}", addr.trim_end_matches('/'));
        let mut token_header =
            reqwest::header::HeaderValue::from_str(token.expose()).map_err(|_| {
                unavailable(
                    reference,
                    "the Vault token is not a valid header value".to_owned(),
                )
            })?;
        token_header.set_sensitive(true);
        let response = self
            .http
            .get(&url)
            .header("X-Vault-Token", token_header)
            .send()
            .await
            .map_err(|e| {
                unavailable(reference, format!("Vault unreachable: {}", e.without_url()))
            })?;
        let status = response.status();
        if !status.is_success() {
            return Err(unavailable(reference, format!("Vault answered {status}")));
        }
        let body: serde_json::Value = response.json().await.map_err(|_| {
            unavailable(
                reference,
                "Vault answered with something other than KV v2 JSON".to_owned(),
            )
        })?;
        match body.pointer("/data/data").and_then(|d| d.get(field)) {
            Some(serde_json::Value::String(s)) => Ok(SecretValue(s.clone())),
            Some(other) if !other.is_null() => Ok(SecretValue(other.to_string())),
            _ => Err(unavailable(
                reference,
                format!("the secret has no field {field:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_refs_trim_one_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        std::fs::write(&path, "s3cret\n\n").unwrap();
        let v = resolve(&format!("file:{}", path.display())).unwrap();
        assert_eq!(v.expose(), "s3cret\n");
    }

    #[test]
    fn errors_name_the_ref_not_the_value() {
        let err = resolve("env:ORCH_TEST_SURELY_UNSET_VAR").unwrap_err();
        assert!(err.to_string().contains("env:ORCH_TEST_SURELY_UNSET_VAR"));
        assert!(matches!(
            resolve("file:relative"),
            Err(SecretError::Malformed { .. })
        ));
        assert!(matches!(
            resolve("nope"),
            Err(SecretError::Malformed { .. })
        ));
    }

    #[test]
    fn debug_hides_the_value() {
        assert_eq!(
            format!("{:?}", SecretValue::new("s3cret")),
            "SecretValue(***)"
        );
    }
}

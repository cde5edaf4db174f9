//! SecretRef resolution (`CONFIG.md`): `env:NAME`, `file:/abs/path`, `docker:NAME`,
//! `vault:MOUNT/PATH#FIELD`. Values are wrapped in [`SecretValue`], which never prints or serialises its content;
//! errors name the reference, never a value.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use orch_core::config::secret_ref::{RefPattern, SecretRef};
use tokio::sync::Mutex;

use crate::settings::{SecretSettings, Settings};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("secret ref {reference:?} is malformed: {message}")]
    Malformed { reference: String, message: String },
    #[error("secret ref {reference:?} did not resolve: {message}")]
    Unavailable { reference: String, message: String },
    /// The daemon's allow-list (`secrets.allowed_refs`) does not let this tenant name it.
    #[error("secret ref {reference:?} is not allowed: {message}")]
    NotAllowed { reference: String, message: String },
}

impl SecretError {
    pub fn reference(&self) -> &str {
        match self {
            Self::Malformed { reference, .. }
            | Self::Unavailable { reference, .. }
            | Self::NotAllowed { reference, .. } => reference,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Self::Malformed { message, .. }
            | Self::Unavailable { message, .. }
            | Self::NotAllowed { message, .. } => message,
        }
    }
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

pub use crate::settings::{DEFAULT_ALLOWED_REFS, DOCKER_SECRETS_DIR};

/// Files larger than this are refused when no setting says otherwise (daemon settings).
const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024;

/// Environment variables that configure orchd itself: no tenant may name them.
fn is_daemon_env(name: &str) -> bool {
    name.starts_with("ORCHD_") || name.starts_with("VAULT_")
}

fn for_tenant(pattern: &str, tenant: &str) -> String {
    RefPattern::for_tenant(pattern, tenant)
}

/// Which SecretRefs a tenant config may name: `secrets.allowed_refs` (global under `"*"`, or
/// per tenant; by default each tenant its own names). Whatever the patterns say, orchd's own secrets are never allowed: the
/// signing key, audit key and Vault token refs (and the files they name), everything under `data_dir`,
/// and `ORCHD_*`/`VAULT_*` environment variables.
#[derive(Debug, Clone)]
pub struct SecretPolicy {
    /// Patterns with `{tenant}`/`{TENANT}` still in them (checked at start-up).
    global: Vec<String>,
    per_tenant: BTreeMap<String, Vec<String>>,
    docker_dir: PathBuf,
    guarded_refs: Vec<String>,
    /// Directories and files no tenant secret may be read from, as configured and (where
    /// they exist) with symlinks resolved.
    guarded_dirs: Vec<PathBuf>,
    guarded_files: Vec<PathBuf>,
}

impl SecretPolicy {
    /// The allow-list of `settings` alone (nothing of the daemon's own guarded).
    pub fn from_secret_settings(settings: &SecretSettings) -> Self {
        let mut global = Vec::new();
        let mut per_tenant = BTreeMap::new();
        for (tenant, patterns) in &settings.allowed_refs {
            let patterns = patterns.iter().map(|p| p.to_owned());
            if tenant == "*" {
                global.extend(patterns);
            } else {
                per_tenant.insert(tenant.clone(), patterns.collect());
            }
        }
        Self {
            global,
            per_tenant,
            docker_dir: settings.docker_dir.clone(),
            guarded_refs: Vec::new(),
            guarded_dirs: Vec::new(),
            guarded_files: Vec::new(),
        }
    }

    /// The daemon's policy: the allow-list plus orchd's own secrets guarded.
    pub fn new(settings: &Settings) -> Self {
        let mut policy = Self::from_secret_settings(&settings.secrets);
        policy.guard_dir(&settings.data_dir);
        let own_refs = [
            settings.auth.signing_key_ref.as_deref(),
            settings.secrets.vault_token_ref.as_deref(),
            settings.audit.hmac_key_ref.as_deref(),
        ];
        for reference in own_refs.into_iter().flatten() {
            policy.guard_ref(reference);
        }
        policy
    }

    /// Never lets a tenant name `reference` (or the file it names).
    pub fn guard_ref(&mut self, reference: &str) {
        self.guarded_refs.push(reference.to_owned());
        if let Some(path) = SecretRef::parse(reference)
            .ok()
            .and_then(|r| self.file_of(&r))
        {
            if let Ok(real) = std::fs::canonicalize(&path) {
                self.guarded_files.push(real);
            }
            self.guarded_files.push(path);
        }
    }

    fn guard_dir(&mut self, dir: &Path) {
        let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
        if let Ok(real) = std::fs::canonicalize(&absolute) {
            self.guarded_dirs.push(real);
        }
        self.guarded_dirs.push(absolute);
    }

    /// The file a `file:` or `docker:` ref reads.
    fn file_of(&self, reference: &SecretRef) -> Option<PathBuf> {
        match reference {
            SecretRef::File(path) => Some(PathBuf::from(path)),
            SecretRef::Docker(name) => Some(self.docker_dir.join(name)),
            _ => None,
        }
    }

    /// Whether `tenant`'s config may name `reference`; the message says why not.
    pub fn check(&self, tenant: &str, reference: &str) -> Result<(), SecretError> {
        let parsed = SecretRef::parse(reference).map_err(|m| malformed(reference, m))?;
        let refuse = |message: String| {
            Err(SecretError::NotAllowed {
                reference: reference.to_owned(),
                message,
            })
        };
        if self.guarded_refs.iter().any(|g| g == reference) {
            return refuse("it is one of orchd's own secrets".to_owned());
        }
        if let SecretRef::Env(name) = &parsed
            && is_daemon_env(name)
        {
            return refuse("ORCHD_* and VAULT_* variables configure orchd itself".to_owned());
        }
        if let Some(path) = self.file_of(&parsed)
            && self.is_guarded_path(&path)
        {
            return refuse("it names orchd's own files (data_dir or a key)".to_owned());
        }
        let tenant_patterns = self.per_tenant.get(tenant).map_or(&[][..], Vec::as_slice);
        let allowed: Vec<String> = self
            .global
            .iter()
            .chain(tenant_patterns)
            .map(|p| for_tenant(p, tenant))
            .collect();
        if allowed
            .iter()
            .filter_map(|p| RefPattern::parse(p).ok())
            .any(|p| p.matches(reference))
        {
            return Ok(());
        }
        refuse(format!(
            "secrets.allowed_refs does not allow it for tenant {tenant:?} (allowed: {})",
            if allowed.is_empty() {
                "nothing".to_owned()
            } else {
                allowed.join(", ")
            }
        ))
    }

    fn is_guarded_path(&self, path: &Path) -> bool {
        self.guarded_files.iter().any(|f| f == path)
            || self.guarded_dirs.iter().any(|d| path.starts_with(d))
    }
}

/// Resolves an `env:`, `file:` or `docker:` ref now (start-up settings such as the signing
/// key and issuer secrets). `vault:` refs need the [`SecretResolver`].
pub fn resolve(reference: &str) -> Result<SecretValue, SecretError> {
    resolve_local(
        reference,
        Path::new(DOCKER_SECRETS_DIR),
        DEFAULT_MAX_FILE_BYTES,
        None,
    )
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

/// Blocking: may read a file. `guard` re-checks the file's real path (symlinks resolved).
fn resolve_local(
    reference: &str,
    docker_dir: &Path,
    max_bytes: u64,
    guard: Option<&SecretPolicy>,
) -> Result<SecretValue, SecretError> {
    let path = match SecretRef::parse(reference).map_err(|m| malformed(reference, m))? {
        SecretRef::Env(name) => {
            return std::env::var(&name).map(SecretValue).map_err(|_| {
                unavailable(reference, format!("environment variable {name} is not set"))
            });
        }
        SecretRef::File(path) => PathBuf::from(path),
        SecretRef::Docker(name) => docker_dir.join(name),
        SecretRef::Vault { .. } => {
            return Err(unavailable(
                reference,
                "vault: refs are resolved at call time, not for daemon settings".to_owned(),
            ));
        }
    };
    read_secret_file(reference, &path, max_bytes, guard)
}

/// Reads a regular file of at most `max_bytes` (never `/dev/zero`, a FIFO or a directory)
/// and trims one trailing newline.
fn read_secret_file(
    reference: &str,
    path: &Path,
    max_bytes: u64,
    guard: Option<&SecretPolicy>,
) -> Result<SecretValue, SecretError> {
    let cannot = |e: std::io::Error| {
        unavailable(
            reference,
            format!("cannot read {}: {}", path.display(), e.kind()),
        )
    };
    let real = std::fs::canonicalize(path).map_err(cannot)?;
    if let Some(policy) = guard
        && policy.is_guarded_path(&real)
    {
        return Err(SecretError::NotAllowed {
            reference: reference.to_owned(),
            message: "it leads to orchd's own files (data_dir or a key)".to_owned(),
        });
    }
    let file = std::fs::File::open(&real).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(unavailable(
            reference,
            format!("{} is not a regular file", path.display()),
        ));
    }
    if meta.len() > max_bytes {
        return Err(unavailable(
            reference,
            format!("{} is larger than {max_bytes} bytes", path.display()),
        ));
    }
    let mut bytes = Vec::new();
    // The size may change after the check: never read past the cap.
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max_bytes {
        return Err(unavailable(
            reference,
            format!("{} is larger than {max_bytes} bytes", path.display()),
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| unavailable(reference, format!("{} is not UTF-8", path.display())))?;
    let trimmed = text.strip_suffix('\n').unwrap_or(&text);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(SecretValue(trimmed.to_owned()))
}

/// Resolves SecretRefs at call time, caching values for a short TTL. `vault:` refs read
/// HashiCorp Vault KV v2 (`GET {addr}/v1/{mount}/data/{path}`, header `X-Vault-Token`).
/// Files are read off the async workers.
pub struct SecretResolver {
    docker_dir: PathBuf,
    vault_addr: Option<String>,
    vault_token_ref: Option<String>,
    ttl: Duration,
    max_file_bytes: u64,
    policy: std::sync::Arc<SecretPolicy>,
    http: reqwest::Client,
    cache: Mutex<HashMap<String, (Instant, SecretValue)>>,
}

impl SecretResolver {
    /// A resolver whose tenant policy is the allow-list of `settings` alone; the daemon
    /// adds its own guarded secrets with [`SecretResolver::with_policy`].
    pub fn new(settings: &SecretSettings) -> Self {
        crate::tls::install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            docker_dir: settings.docker_dir.clone(),
            vault_addr: settings.vault_addr.clone(),
            vault_token_ref: settings.vault_token_ref.clone(),
            ttl: settings.cache_ttl.as_duration(),
            max_file_bytes: settings.max_file_bytes.bytes(),
            policy: std::sync::Arc::new(SecretPolicy::from_secret_settings(settings)),
            http,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn with_policy(mut self, policy: SecretPolicy) -> Self {
        self.policy = std::sync::Arc::new(policy);
        self
    }

    pub fn policy(&self) -> &SecretPolicy {
        &self.policy
    }

    /// A secret a tenant config names: refused unless the allow-list lets `tenant` name it.
    pub async fn resolve_for_tenant(
        &self,
        tenant: &str,
        reference: &str,
    ) -> Result<SecretValue, SecretError> {
        self.policy.check(tenant, reference)?;
        self.resolve_checked(reference, true).await
    }

    /// One of the daemon's own secrets (from its settings), not subject to the allow-list.
    pub async fn resolve(&self, reference: &str) -> Result<SecretValue, SecretError> {
        self.resolve_checked(reference, false).await
    }

    async fn resolve_checked(
        &self,
        reference: &str,
        for_tenant: bool,
    ) -> Result<SecretValue, SecretError> {
        if let Some((at, value)) = self.cache.lock().await.get(reference)
            && at.elapsed() < self.ttl
        {
            return Ok(value.clone());
        }
        let value = match SecretRef::parse(reference).map_err(|m| malformed(reference, m))? {
            SecretRef::Vault { mount, path, field } => {
                self.vault(reference, &mount, &path, &field).await?
            }
            _ => {
                let (reference_owned, docker_dir, max) = (
                    reference.to_owned(),
                    self.docker_dir.clone(),
                    self.max_file_bytes,
                );
                let policy = for_tenant.then(|| self.policy.clone());
                tokio::task::spawn_blocking(move || {
                    resolve_local(&reference_owned, &docker_dir, max, policy.as_deref())
                })
                .await
                .map_err(|_| unavailable(reference, "the read was cancelled".to_owned()))??
            }
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
        let token = resolve_local(token_ref, &self.docker_dir, self.max_file_bytes, None)
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
        if response
            .content_length()
            .is_some_and(|n| n > self.max_file_bytes)
        {
            return Err(unavailable(reference, "Vault answered too much".to_owned()));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|_| unavailable(reference, "Vault's answer was cut short".to_owned()))?;
        if bytes.len() as u64 > self.max_file_bytes {
            return Err(unavailable(reference, "Vault answered too much".to_owned()));
        }
        let body: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| {
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
    fn only_small_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 70 * 1024]).unwrap();
        let err = resolve(&format!("file:{}", big.display())).unwrap_err();
        assert!(err.to_string().contains("larger than"), "{err}");
        // A device that never ends is not read at all.
        let err = resolve("file:/dev/zero").unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let err = resolve(&format!("file:{}", dir.path().display())).unwrap_err();
        assert!(matches!(err, SecretError::Unavailable { .. }), "{err}");
    }

    fn policy_with(f: impl FnOnce(&mut Settings)) -> SecretPolicy {
        let mut settings = Settings {
            data_dir: PathBuf::from("/var/lib/orchd"),
            ..Settings::default()
        };
        settings.auth.signing_key_ref = Some("file:/run/secrets/orchd_signing".to_owned());
        settings.audit.hmac_key_ref = Some("env:ORCH_ACME_AUDIT".to_owned());
        f(&mut settings);
        SecretPolicy::new(&settings)
    }

    #[test]
    fn the_default_allow_list() {
        let p = policy_with(|_| {});
        assert!(p.check("acme", "env:ORCH_ACME_KEY").is_ok());
        assert!(p.check("acme-eu", "env:ORCH_ACME_EU_KEY").is_ok());
        assert!(p.check("acme", "file:/run/secrets/acme_whsec").is_ok());
        assert!(p.check("acme", "docker:acme_whsec").is_ok());
        assert!(p.check("acme", "vault:secret/acme/billing#k").is_ok());
        for refused in [
            "env:ACME_KEY",
            "env:PATH",
            // another tenant's names
            "env:ORCH_GLOBEX_KEY",
            "file:/run/secrets/globex_whsec",
            "docker:globex_whsec",
            "vault:secret/globex/billing#k",
            "file:/etc/passwd",
            "vault:secret/acme#k",
            // orchd's own key, by its ref and by the same file through docker:
            "file:/run/secrets/orchd_signing",
            "docker:orchd_signing",
            // the audit key, even where acme's own pattern would allow the name
            "env:ORCH_ACME_AUDIT",
        ] {
            let err = p.check("acme", refused).unwrap_err();
            assert!(matches!(err, SecretError::NotAllowed { .. }), "{refused}");
        }
    }

    #[test]
    fn patterns_per_tenant_and_guards_that_no_pattern_lifts() {
        let p = policy_with(|s| {
            s.secrets.allowed_refs.insert(
                "acme".into(),
                vec!["env:ACME_*".into(), "vault:secret/acme/*".into()],
            );
            s.secrets
                .allowed_refs
                .insert("*".into(), vec!["env:*".into(), "file:/*".into()]);
            s.secrets.allowed_refs.insert(
                "globex".into(),
                vec!["vault:kv/{tenant}/*".into(), "env:X_{TENANT}".into()],
            );
        });
        assert!(p.check("acme", "env:ACME_KEY").is_ok());
        assert!(p.check("acme", "vault:secret/acme/billing#k").is_ok());
        assert!(p.check("globex", "vault:secret/acme/billing#k").is_err());
        assert!(p.check("globex", "env:GLOBEX_KEY").is_ok());
        assert!(p.check("globex", "vault:kv/globex/a#k").is_ok());
        assert!(p.check("acme", "vault:kv/acme/a#k").is_err());
        for never in [
            "env:ORCHD_DATABASE_URL",
            "env:VAULT_TOKEN",
            "file:/var/lib/orchd/signing.key",
            "file:/var/lib/orchd/orchd.db",
            "file:/run/secrets/orchd_signing",
        ] {
            assert!(p.check("acme", never).is_err(), "{never}");
        }
    }

    #[test]
    fn a_symlink_into_data_dir_is_refused_when_read() {
        let data = tempfile::tempdir().unwrap();
        let allowed = tempfile::tempdir().unwrap();
        std::fs::write(data.path().join("signing.key"), "k").unwrap();
        let link = allowed.path().join("innocent");
        std::os::unix::fs::symlink(data.path().join("signing.key"), &link).unwrap();
        let settings = Settings {
            data_dir: data.path().to_owned(),
            ..Settings::default()
        };
        let policy = SecretPolicy::new(&settings);
        let reference = format!("file:{}", link.display());
        let err =
            resolve_local(&reference, Path::new("/nonexistent"), 1024, Some(&policy)).unwrap_err();
        assert!(matches!(err, SecretError::NotAllowed { .. }), "{err}");
    }

    #[test]
    fn debug_hides_the_value() {
        assert_eq!(
            format!("{:?}", SecretValue::new("s3cret")),
            "SecretValue(***)"
        );
    }
}

//! Applying, activating and rolling back tenant config versions. Versions are immutable;
//! activate and rollback only move the pointer. Every change is audited in its transaction
//! and announced to every node.

use std::sync::Arc;

use orch_core::audit::AuditDraft;
use orch_core::config::diff::{ConfigDiff, diff};
use orch_core::config::{ConfigIssue, OrchestratorConfig, ValidDocument, validate};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::active::ActiveConfigs;
use super::notify::ConfigNotifier;
use super::records::{ConfigPointer, ConfigProjection, ConfigVersionRecord, PointerMove};
use crate::secrets::{SecretError, SecretResolver};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the document is invalid")]
    Invalid(Vec<ConfigIssue>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The outcome of `apply`.
#[derive(Debug, Clone)]
pub struct Applied {
    pub version: ConfigVersionRecord,
    /// False when the content equals the newest version (nothing stored).
    pub created: bool,
    /// Whether this version is the active one now.
    pub active: bool,
    /// Against the version that was active before (everything added if none was).
    pub diff: ConfigDiff,
    pub warnings: Vec<ConfigIssue>,
}

/// What `apply` would do (a dry run): nothing is stored.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The version the document would be: the newest one if the content equals it, else the
    /// next number.
    pub version: i32,
    pub checksum: String,
    /// Against the active version.
    pub diff: ConfigDiff,
    pub warnings: Vec<ConfigIssue>,
}

#[derive(Clone)]
pub struct ConfigService {
    store: Arc<dyn Store>,
    secrets: Arc<SecretResolver>,
    active: ActiveConfigs,
    notifier: ConfigNotifier,
}

/// How many times `apply` retries when another apply took the next version number.
const APPLY_ATTEMPTS: usize = 3;

impl ConfigService {
    pub fn new(
        store: Arc<dyn Store>,
        secrets: Arc<SecretResolver>,
        active: ActiveConfigs,
        notifier: ConfigNotifier,
    ) -> Self {
        Self {
            store,
            secrets,
            active,
            notifier,
        }
    }

    pub fn active_configs(&self) -> &ActiveConfigs {
        &self.active
    }

    /// Validates a document: syntax, structure and the SecretRef allow-list for `tenant`.
    /// Never resolves a secret or reads anything of the host's (readonly operators call it).
    pub fn validate(
        &self,
        text: &str,
        tenant: Option<&str>,
    ) -> Result<ValidDocument, Vec<ConfigIssue>> {
        let doc = validate(text, tenant)?;
        if let Some(tenant) = tenant {
            self.check_allowed(tenant, &doc.config)?;
        }
        Ok(doc)
    }

    /// What `apply` checks before storing (dry runs too): `validate`, then every SecretRef
    /// is resolved — one that does not resolve now is a warning (it may be provisioned
    /// later), one that resolves to nothing is an error.
    pub async fn check(&self, text: &str, tenant: &str) -> Result<ValidDocument, Vec<ConfigIssue>> {
        let mut doc = self.validate(text, Some(tenant))?;
        let mut errors = Vec::new();
        for (path, reference) in doc.config.secret_refs() {
            match self.secrets.resolve_for_tenant(tenant, &reference).await {
                Ok(value) if value.expose().is_empty() => errors.push(issue(
                    path,
                    format!("SecretRef {reference:?} resolves to an empty value"),
                )),
                Ok(_) => {}
                Err(err @ SecretError::NotAllowed { .. }) => {
                    errors.push(issue(path, err.to_string()))
                }
                Err(err) => doc.warnings.push(issue(
                    path,
                    format!(
                        "SecretRef {reference:?} does not resolve on this node now: {}",
                        err.message()
                    ),
                )),
            }
        }
        if errors.is_empty() {
            Ok(doc)
        } else {
            Err(errors)
        }
    }

    /// Every SecretRef of `config` must be one the daemon lets `tenant` name.
    fn check_allowed(
        &self,
        tenant: &str,
        config: &OrchestratorConfig,
    ) -> Result<(), Vec<ConfigIssue>> {
        let errors: Vec<ConfigIssue> = config
            .secret_refs()
            .into_iter()
            .filter_map(|(path, reference)| {
                let err = self.secrets.policy().check(tenant, &reference).err()?;
                Some(issue(path, err.to_string()))
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Stores the document as a new version (unless it equals the newest one), optionally
    /// activating it in the same transaction. `audit` carries the actor, reason and
    /// correlation.
    pub async fn apply(
        &self,
        tenant: &str,
        text: &str,
        activate: bool,
        audit: AuditDraft,
    ) -> Result<Applied, ConfigError> {
        let doc = self
            .check(text, tenant)
            .await
            .map_err(ConfigError::Invalid)?;
        let canonical = doc.config.canonical();
        let checksum = doc.config.checksum();
        for _ in 0..APPLY_ATTEMPTS {
            let latest = self.store.latest_config_version(tenant).await?;
            let pointer = self.store.get_config_pointer(tenant).await?;
            let active_canonical = self.active_canonical(tenant, pointer.as_ref()).await?;
            if let Some(latest) = latest.as_ref().filter(|l| l.checksum == checksum) {
                let mut active = pointer
                    .as_ref()
                    .is_some_and(|p| p.active_version == latest.version);
                if activate && !active {
                    self.activate(tenant, latest.version, audit.clone()).await?;
                    active = true;
                }
                return Ok(Applied {
                    version: latest.clone(),
                    created: false,
                    active,
                    diff: diff(&active_canonical, &canonical),
                    warnings: doc.warnings,
                });
            }
            let change = diff(&active_canonical, &canonical);
            let record = ConfigVersionRecord {
                id: orch_core::ids::new_id(),
                tenant_id: tenant.to_owned(),
                version: latest.as_ref().map_or(1, |l| l.version + 1),
                document: text.to_owned(),
                document_format: doc.format.as_str().to_owned(),
                canonical: canonical.clone(),
                checksum: checksum.clone(),
                author_operator_id: audit.operator_id,
                author: audit.operator_name.clone(),
                reason: audit.reason.clone(),
                request_id: audit.request_id.clone(),
                trace_id: audit.trace_id.clone(),
                created_at: OffsetDateTime::now_utc(),
            };
            let mv = activate.then(|| {
                self.pointer_move(
                    tenant,
                    "activate",
                    pointer.as_ref().map(|p| p.active_version),
                    record.version,
                    &audit,
                )
            });
            let draft = audit
                .clone()
                .tenant(tenant)
                .target("config_version", format!("{tenant}/v{}", record.version))
                .diff(
                    json!({"active_version": pointer.as_ref().map(|p| p.active_version)}),
                    json!({"version": record.version, "checksum": checksum, "activated": activate, "changes": change.changes}),
                );
            match self
                .store
                .create_config_version(
                    &record,
                    &ConfigProjection::of(&doc.config),
                    mv.as_ref(),
                    draft,
                )
                .await
            {
                Ok(new_pointer) => {
                    if new_pointer.is_some() {
                        self.moved(tenant).await;
                    }
                    return Ok(Applied {
                        version: record,
                        created: true,
                        active: new_pointer.is_some(),
                        diff: change,
                        warnings: doc.warnings,
                    });
                }
                // Another apply took this version number; look again.
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ConfigError::Conflict(
            "concurrent applies kept taking the next version number; retry".into(),
        ))
    }

    /// Makes `version` the active one.
    pub async fn activate(
        &self,
        tenant: &str,
        version: i32,
        audit: AuditDraft,
    ) -> Result<ConfigPointer, ConfigError> {
        self.move_pointer(tenant, "activate", version, audit).await
    }

    /// Moves the pointer back: to `to` if given, else to the version that was active before
    /// the current one.
    pub async fn rollback(
        &self,
        tenant: &str,
        to: Option<i32>,
        audit: AuditDraft,
    ) -> Result<ConfigPointer, ConfigError> {
        let pointer = self
            .store
            .get_config_pointer(tenant)
            .await?
            .ok_or_else(|| {
                ConfigError::NotFound(format!("tenant {tenant:?} has no active config"))
            })?;
        let target = match to {
            Some(v) => v,
            None => {
                let history = self.store.config_pointer_history(tenant, 500).await?;
                history
                    .iter()
                    .find(|m| m.to_version == pointer.active_version)
                    .and_then(|m| m.from_version)
                    .ok_or_else(|| {
                        ConfigError::Conflict(format!(
                            "version {} is the first one activated; name a version to roll back to",
                            pointer.active_version
                        ))
                    })?
            }
        };
        if target == pointer.active_version {
            return Err(ConfigError::Conflict(format!(
                "version {target} is already active"
            )));
        }
        self.move_pointer(tenant, "rollback", target, audit).await
    }

    async fn move_pointer(
        &self,
        tenant: &str,
        action: &str,
        to: i32,
        audit: AuditDraft,
    ) -> Result<ConfigPointer, ConfigError> {
        let target = self
            .store
            .get_config_version(tenant, to)
            .await?
            .ok_or_else(|| {
                ConfigError::NotFound(format!("tenant {tenant:?} has no config version {to}"))
            })?;
        // A version stored before the allow-list was tightened does not come back into use.
        let config: OrchestratorConfig = serde_json::from_value(target.canonical.clone())
            .map_err(|e| ConfigError::Conflict(format!("version {to} cannot be read back: {e}")))?;
        self.check_allowed(tenant, &config)
            .map_err(ConfigError::Invalid)?;
        let pointer = self.store.get_config_pointer(tenant).await?;
        let from = pointer.as_ref().map(|p| p.active_version);
        let before = self.active_canonical(tenant, pointer.as_ref()).await?;
        let change = diff(&before, &target.canonical);
        let mv = self.pointer_move(tenant, action, from, to, &audit);
        let draft = audit.tenant(tenant).target("config_pointer", tenant).diff(
            json!({"active_version": from}),
            json!({"active_version": to, "changes": change.changes}),
        );
        let moved = self
            .store
            .move_config_pointer(&mv, draft)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => ConfigError::Conflict(m),
                StoreError::NotFound => {
                    ConfigError::NotFound(format!("tenant {tenant:?} has no config version {to}"))
                }
                other => other.into(),
            })?;
        self.moved(tenant).await;
        Ok(moved)
    }

    fn pointer_move(
        &self,
        tenant: &str,
        action: &str,
        from: Option<i32>,
        to: i32,
        audit: &AuditDraft,
    ) -> PointerMove {
        PointerMove {
            id: orch_core::ids::new_id(),
            tenant_id: tenant.to_owned(),
            action: action.to_owned(),
            from_version: from,
            to_version: to,
            operator_id: audit.operator_id,
            operator_name: audit.operator_name.clone(),
            reason: audit.reason.clone(),
            request_id: audit.request_id.clone(),
            trace_id: audit.trace_id.clone(),
            created_at: OffsetDateTime::now_utc(),
        }
    }

    /// This node reloads at once; the others hear about it.
    async fn moved(&self, tenant: &str) {
        if let Err(err) = self.active.reload(tenant).await {
            tracing::warn!(error = %err, tenant, "reloading the activated config failed");
        }
        self.notifier.announce(tenant).await;
    }

    async fn active_canonical(
        &self,
        tenant: &str,
        pointer: Option<&ConfigPointer>,
    ) -> Result<Value, ConfigError> {
        match pointer {
            Some(p) => Ok(self
                .store
                .get_config_version(tenant, p.active_version)
                .await?
                .map_or(Value::Null, |v| v.canonical)),
            None => Ok(Value::Null),
        }
    }

    pub async fn pointer(&self, tenant: &str) -> Result<Option<ConfigPointer>, StoreError> {
        self.store.get_config_pointer(tenant).await
    }

    pub async fn pointers(&self) -> Result<Vec<ConfigPointer>, StoreError> {
        self.store.list_config_pointers().await
    }

    pub async fn version(
        &self,
        tenant: &str,
        version: i32,
    ) -> Result<Option<ConfigVersionRecord>, StoreError> {
        self.store.get_config_version(tenant, version).await
    }

    pub async fn versions(
        &self,
        tenant: &str,
        before: Option<i32>,
        limit: u32,
    ) -> Result<Vec<ConfigVersionRecord>, StoreError> {
        self.store.list_config_versions(tenant, before, limit).await
    }

    pub async fn history(&self, tenant: &str, limit: u32) -> Result<Vec<PointerMove>, StoreError> {
        self.store.config_pointer_history(tenant, limit).await
    }

    /// The diff between two stored versions.
    pub async fn diff(&self, tenant: &str, from: i32, to: i32) -> Result<ConfigDiff, ConfigError> {
        let get = |v| async move {
            self.store
                .get_config_version(tenant, v)
                .await?
                .ok_or_else(|| {
                    ConfigError::NotFound(format!("tenant {tenant:?} has no config version {v}"))
                })
        };
        let a = get(from).await?;
        let b = get(to).await?;
        Ok(diff(&a.canonical, &b.canonical))
    }

    /// Checks the document as `apply` would and says what it would come to.
    pub async fn preview(&self, tenant: &str, text: &str) -> Result<Preview, ConfigError> {
        let doc = self
            .check(text, tenant)
            .await
            .map_err(ConfigError::Invalid)?;
        let diff = self.diff_against_active(tenant, &doc.config).await?;
        // Content equal to the newest version would not create one: report that version.
        let newest = self.versions(tenant, None, 1).await?;
        let checksum = doc.config.checksum();
        let version = match newest.first() {
            Some(v) if v.checksum == checksum => v.version,
            Some(v) => v.version + 1,
            None => 1,
        };
        Ok(Preview {
            version,
            checksum,
            diff,
            warnings: doc.warnings,
        })
    }

    /// The diff between the active version and a document (for dry runs).
    pub async fn diff_against_active(
        &self,
        tenant: &str,
        config: &OrchestratorConfig,
    ) -> Result<ConfigDiff, ConfigError> {
        let pointer = self.store.get_config_pointer(tenant).await?;
        let before = self.active_canonical(tenant, pointer.as_ref()).await?;
        Ok(diff(&before, &config.canonical()))
    }
}

fn issue(path: String, message: String) -> ConfigIssue {
    ConfigIssue {
        path,
        line: 0,
        column: 0,
        message,
    }
}

//! The first admin. On a fresh database `orchd serve` creates operator `admin` and writes its
//! API key to `{data_dir}/bootstrap-admin.key` (mode 0600), saying so once in the log — never
//! the key. `orchd bootstrap-admin --name NAME` does the same on purpose and prints the key.

use std::path::{Path, PathBuf};

use orch_core::api::operators::IssuedOperatorKey;
use orch_core::audit::AuditDraft;
use orch_core::rbac::Role;

use super::IdentityError;
use super::operators::OperatorService;
use super::signing::write_private;
use crate::store::StoreError;

pub const BOOTSTRAP_KEY_FILE: &str = "bootstrap-admin.key";
pub const BOOTSTRAP_ADMIN_NAME: &str = "admin";

/// Creates `admin` if there are no operators yet; returns where its key was written.
pub async fn ensure_first_admin(
    operators: &OperatorService,
    data_dir: &Path,
) -> Result<Option<PathBuf>, IdentityError> {
    if operators.count().await? > 0 {
        return Ok(None);
    }
    let issued = match create_admin(
        operators,
        BOOTSTRAP_ADMIN_NAME,
        "bootstrap admin on first start",
    )
    .await
    {
        Ok(issued) => issued,
        // Another node bootstrapped at the same moment.
        Err(IdentityError::Store(StoreError::Conflict(_))) => return Ok(None),
        Err(e) => return Err(e),
    };
    let path = data_dir.join(BOOTSTRAP_KEY_FILE);
    write_key_file(&path, &issued.api_key)
        .map_err(|e| IdentityError::SigningKey(format!("cannot write {}: {e}", path.display())))?;
    tracing::warn!(
        operator = %issued.operator.name,
        key_file = %path.display(),
        "created the bootstrap admin operator; its API key is in the key file (log in with orchctl login, then delete the file)"
    );
    Ok(Some(path))
}

/// Creates an admin operator named `name` (audited as a system action).
pub async fn create_admin(
    operators: &OperatorService,
    name: &str,
    reason: &str,
) -> Result<IssuedOperatorKey, IdentityError> {
    operators
        .create(name, Role::Admin, None, |op| {
            AuditDraft::new("system", "system", "operators.bootstrap", reason)
                .target("operator", op.id)
                .diff(
                    serde_json::Value::Null,
                    serde_json::json!({"name": op.name, "role": op.role}),
                )
        })
        .await
}

/// Writes the key with mode 0600, replacing a stale file from an earlier database.
fn write_key_file(path: &Path, key: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("key.tmp");
    let _ = std::fs::remove_file(&tmp);
    write_private(&tmp, format!("{key}\n").as_bytes())?;
    std::fs::rename(&tmp, path)
}

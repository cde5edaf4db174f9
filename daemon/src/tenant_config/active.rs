//! The active config of each tenant, as this node serves it: loaded on first use, replaced
//! (never mutated) when the pointer moves, so a call that took an `Arc<ActiveConfig>` finishes
//! on the version it started with.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use orch_core::config::OrchestratorConfig;
use time::OffsetDateTime;

use crate::store::{Store, StoreError};

#[derive(Debug)]
pub struct ActiveConfig {
    pub tenant: String,
    pub version: i32,
    pub generation: i64,
    pub checksum: String,
    pub config: OrchestratorConfig,
    pub loaded_at: OffsetDateTime,
}

#[derive(Clone)]
pub struct ActiveConfigs {
    store: Arc<dyn Store>,
    cache: Arc<RwLock<HashMap<String, Arc<ActiveConfig>>>>,
}

impl ActiveConfigs {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            cache: Arc::new(RwLock::new(HashMap::new())),
        }
    }

    /// What this node has loaded for `tenant`, without touching storage.
    pub fn cached(&self, tenant: &str) -> Option<Arc<ActiveConfig>> {
        self.cache.read().ok()?.get(tenant).cloned()
    }

    /// The tenant's active config, loading it on first use. `None` if nothing is active.
    pub async fn get(&self, tenant: &str) -> Result<Option<Arc<ActiveConfig>>, StoreError> {
        if let Some(active) = self.cached(tenant) {
            return Ok(Some(active));
        }
        self.reload(tenant).await
    }

    /// Re-reads the tenant's pointer and replaces the cached copy if it moved.
    pub async fn reload(&self, tenant: &str) -> Result<Option<Arc<ActiveConfig>>, StoreError> {
        let Some(pointer) = self.store.get_config_pointer(tenant).await? else {
            self.remove(tenant);
            return Ok(None);
        };
        if let Some(current) = self.cached(tenant)
            && current.generation == pointer.generation
        {
            return Ok(Some(current));
        }
        let version = self
            .store
            .get_config_version(tenant, pointer.active_version)
            .await?
            .ok_or(StoreError::NotFound)?;
        let config: OrchestratorConfig =
            serde_json::from_value(version.canonical).map_err(|e| {
                StoreError::Corrupt(format!("config {tenant} v{}: {e}", version.version))
            })?;
        let active = Arc::new(ActiveConfig {
            tenant: tenant.to_owned(),
            version: version.version,
            generation: pointer.generation,
            checksum: version.checksum,
            config,
            loaded_at: OffsetDateTime::now_utc(),
        });
        if let Ok(mut cache) = self.cache.write() {
            // Never replace a newer copy with an older one (two reloads racing).
            let newer_cached = cache
                .get(tenant)
                .is_some_and(|c| c.generation > active.generation);
            if !newer_cached {
                cache.insert(tenant.to_owned(), active.clone());
                tracing::info!(tenant, version = active.version, "serving config version");
            }
        }
        Ok(Some(active))
    }

    /// Compares every cached tenant with its pointer and reloads the ones that moved (the
    /// safety net behind change notifications).
    pub async fn recheck(&self) -> Result<(), StoreError> {
        let pointers = self.store.list_config_pointers().await?;
        let stale: Vec<String> = {
            let Ok(cache) = self.cache.read() else {
                return Ok(());
            };
            cache
                .values()
                .filter(|c| {
                    pointers
                        .iter()
                        .find(|p| p.tenant_id == c.tenant)
                        .is_none_or(|p| p.generation != c.generation)
                })
                .map(|c| c.tenant.clone())
                .collect()
        };
        for tenant in stale {
            self.reload(&tenant).await?;
        }
        Ok(())
    }

    fn remove(&self, tenant: &str) {
        if let Ok(mut cache) = self.cache.write() {
            cache.remove(tenant);
        }
    }
}

//! The per tenant+connector cap on in-flight calls (`max_concurrency`), per node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A cap and the semaphore enforcing it.
type Slots = (u32, Arc<Semaphore>);

/// Every slot of the cap is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtCapacity;

#[derive(Clone, Default)]
pub struct ConcurrencyLimits {
    inner: Arc<Mutex<HashMap<(String, String), Slots>>>,
}

impl ConcurrencyLimits {
    /// A slot if fewer than `max` calls are in flight (`None` when `max == 0`: no cap).
    pub fn try_acquire(
        &self,
        tenant: &str,
        connector: &str,
        max: u32,
    ) -> Result<Option<OwnedSemaphorePermit>, AtCapacity> {
        if max == 0 {
            return Ok(None);
        }
        let semaphore = {
            let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            let entry = map
                .entry((tenant.to_owned(), connector.to_owned()))
                .or_insert_with(|| (max, Arc::new(Semaphore::new(max as usize))));
            if entry.0 != max {
                // The cap changed with the config: start a fresh pool of that size.
                *entry = (max, Arc::new(Semaphore::new(max as usize)));
            }
            entry.1.clone()
        };
        semaphore
            .try_acquire_owned()
            .map(Some)
            .map_err(|_| AtCapacity)
    }
}

//! Reading the event log in pages (the live streams are [`super::follow`]).

use std::sync::Arc;

use orch_core::api::events::EventView;
use orch_core::api::list::Page;

use super::EventQuery;
use crate::store::{Store, StoreError};

/// The event log's read side; cheap to clone.
#[derive(Clone)]
pub struct EventLog {
    store: Arc<dyn Store>,
}

impl EventLog {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// A page of events. Newest-first pages continue below the last id; resumes
    /// (`after_id`) have no cursor, the caller resumes after the last id instead.
    pub async fn list(&self, query: &EventQuery) -> Result<Page<EventView>, StoreError> {
        let items: Vec<EventView> = self
            .store
            .list_events(query)
            .await?
            .iter()
            .map(|e| e.view())
            .collect();
        let next_cursor = (query.after_id.is_none() && items.len() == query.limit as usize)
            .then(|| items.last().map(|e| e.id.to_string()))
            .flatten();
        Ok(Page { items, next_cursor })
    }
}

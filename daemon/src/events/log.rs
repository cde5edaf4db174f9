//! Reading the event log in pages (the live streams are [`super::follow`]).

use std::sync::Arc;

use orch_core::api::events::EventView;
use orch_core::api::list::{Cursor, Page};

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

    /// The newest event id (0 for an empty log): where a live view that shows a page first
    /// resumes, so nothing between the page and the stream is missed.
    pub async fn newest_id(&self) -> Result<i64, StoreError> {
        super::feed::newest_id(self.store.as_ref()).await
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
        let mut page = Page::from_rows(items, query.limit, |e| Cursor::of(e.id));
        if query.after_id.is_some() {
            page.next_cursor = None;
        }
        Ok(page)
    }
}

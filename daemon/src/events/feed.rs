//! Live fan-out of the event log. The log is the truth; what travels is only "the log now
//! reaches id N". Each node keeps that number in a `watch` channel (one value, never queued,
//! so no subscriber can lag behind or slow the writer). It rises when this node's writer
//! commits a batch, when another node announces its batch over Redis pub/sub (distributed
//! mode), and on a periodic read of the newest id (the safety net for a lost message, or
//! events written by another process). Streams wake on a rise and read the log themselves.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::EventQuery;
use crate::redis::RedisClient;
use crate::store::{Store, StoreError};

/// The pub/sub channel suffix (under the deployment's Redis prefix).
const CHANNEL: &str = "events:appended";

/// This node's view of how far the event log reaches; cheap to clone.
#[derive(Clone)]
pub struct EventFeed {
    latest: Arc<watch::Sender<i64>>,
    /// Turns true when the server starts shutting down: open streams end so the graceful
    /// shutdown does not wait for them.
    closing: Arc<watch::Sender<bool>>,
    redis: Option<(RedisClient, String)>,
}

impl EventFeed {
    pub fn new(redis: Option<&RedisClient>) -> Self {
        Self {
            latest: Arc::new(watch::channel(0).0),
            closing: Arc::new(watch::channel(false).0),
            redis: redis.map(|r| (r.clone(), r.key(CHANNEL))),
        }
    }

    /// Records that ids up to `max_id` are committed and visible. Never waits.
    pub fn advance(&self, max_id: i64) {
        self.latest.send_if_modified(|latest| {
            let rises = max_id > *latest;
            if rises {
                *latest = max_id;
            }
            rises
        });
    }

    /// The highest id known to be committed.
    pub fn latest(&self) -> i64 {
        *self.latest.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }

    /// Ends every open stream (at the start of a graceful shutdown).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Reads the newest id from the log and advances to it.
    pub async fn refresh(&self, store: &dyn Store) -> Result<i64, StoreError> {
        let newest = newest_id(store).await?;
        self.advance(newest);
        Ok(self.latest())
    }

    /// Starts the background tasks: the Redis publisher and listener (distributed mode) and
    /// the periodic re-read. All end when `stop` turns true.
    pub fn spawn(
        &self,
        store: Arc<dyn Store>,
        reread_every: Duration,
        stop: watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        let mut tasks = vec![tokio::spawn(reread_loop(
            self.clone(),
            store.clone(),
            reread_every,
            stop.clone(),
        ))];
        if let Some((redis, channel)) = &self.redis {
            tasks.push(tokio::spawn(publish_loop(
                self.clone(),
                redis.clone(),
                channel.clone(),
                stop.clone(),
            )));
            tasks.push(tokio::spawn(listen_loop(
                self.clone(),
                store,
                redis.clone(),
                channel.clone(),
                stop,
            )));
        }
        tasks
    }
}

/// The newest id in the log (0 when it is empty).
pub async fn newest_id(store: &dyn Store) -> Result<i64, StoreError> {
    let newest = store
        .list_events(&EventQuery {
            limit: 1,
            ..Default::default()
        })
        .await?;
    Ok(newest.first().map_or(0, |e| e.id))
}

/// Announces this node's rises to the other nodes. It follows the watch, so a burst of
/// batches is one message, and a slow or absent Redis never holds up the event writer.
async fn publish_loop(
    feed: EventFeed,
    redis: RedisClient,
    channel: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut latest = feed.subscribe();
    let mut announced = *latest.borrow_and_update();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            changed = latest.changed() => if changed.is_err() { return },
        }
        let now = *latest.borrow_and_update();
        if now <= announced {
            continue;
        }
        match redis.publish(&channel, &now.to_string()).await {
            Ok(()) => announced = now,
            // Other nodes catch up at their next re-read.
            Err(err) => tracing::debug!(error = %err, "could not announce new events"),
        }
    }
}

/// Follows other nodes' announcements.
async fn listen_loop(
    feed: EventFeed,
    store: Arc<dyn Store>,
    redis: RedisClient,
    channel: String,
    stop: watch::Receiver<bool>,
) {
    redis
        .follow(
            "event announcements",
            &channel,
            stop,
            // Announcements may have been missed while (re)connecting.
            || async {
                if let Err(err) = feed.refresh(store.as_ref()).await {
                    tracing::debug!(error = %err, "event log re-read failed");
                }
            },
            |text| {
                match text.parse::<i64>() {
                    Ok(id) => feed.advance(id),
                    Err(_) => tracing::debug!("ignored a malformed event announcement"),
                }
                async {}
            },
        )
        .await;
}

/// The safety net: reads the newest id every `every`.
async fn reread_loop(
    feed: EventFeed,
    store: Arc<dyn Store>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tick.tick() => {
                if let Err(err) = feed.refresh(store.as_ref()).await {
                    tracing::debug!(error = %err, "event log re-read failed");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_only_rises() {
        let feed = EventFeed::new(None);
        let mut rx = feed.subscribe();
        feed.advance(5);
        assert!(rx.has_changed().unwrap());
        assert_eq!(*rx.borrow_and_update(), 5);
        feed.advance(3);
        feed.advance(5);
        assert!(!rx.has_changed().unwrap(), "a lower or equal id is no news");
        assert_eq!(feed.latest(), 5);
        feed.advance(9);
        assert_eq!(*rx.borrow_and_update(), 9);
    }
}

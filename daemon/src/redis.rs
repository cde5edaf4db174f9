//! The Redis connection (distributed mode): one auto-reconnecting multiplexed connection,
//! and the key prefix every key of this deployment carries.

use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::watch;

use crate::model::connection_url::ConnectionUrl;

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("invalid redis_url {url}: {message}")]
    InvalidUrl { url: String, message: String },
    #[error("redis unavailable: {0}")]
    Unavailable(String),
}

/// A shared handle; clones share the connection.
#[derive(Clone)]
pub struct RedisClient {
    client: redis::Client,
    manager: ConnectionManager,
    prefix: String,
}

impl RedisClient {
    /// Prepares the connection without connecting: it is established on first use and
    /// re-established after Redis restarts, so orchd starts (and reports not ready) while
    /// Redis is down.
    pub fn new(url: &ConnectionUrl, prefix: &str) -> Result<Self, RedisError> {
        let invalid = |e: redis::RedisError| RedisError::InvalidUrl {
            url: url.redacted(),
            message: e.to_string(),
        };
        let client = redis::Client::open(url.expose()).map_err(invalid)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let manager =
            ConnectionManager::new_lazy_with_config(client.clone(), config).map_err(invalid)?;
        Ok(Self {
            client,
            manager,
            prefix: prefix.to_owned(),
        })
    }

    /// `PING`.
    pub async fn ping(&self) -> Result<(), RedisError> {
        let mut conn = self.manager.clone();
        let pong: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| RedisError::Unavailable(e.to_string()))?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(RedisError::Unavailable(format!(
                "unexpected PING reply {pong:?}"
            )))
        }
    }

    /// A key in this deployment's namespace: `{prefix}{suffix}`.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A dedicated pub/sub connection (subscriptions cannot share the multiplexed one).
    pub async fn pubsub(&self) -> Result<redis::aio::PubSub, RedisError> {
        self.client
            .get_async_pubsub()
            .await
            .map_err(|e| RedisError::Unavailable(e.to_string()))
    }

    /// Publishes `message` on `channel` (already prefixed by the caller).
    pub async fn publish(&self, channel: &str, message: &str) -> Result<(), RedisError> {
        let mut conn = self.manager.clone();
        redis::cmd("PUBLISH")
            .arg(channel)
            .arg(message)
            .query_async::<i64>(&mut conn)
            .await
            .map(drop)
            .map_err(|e| RedisError::Unavailable(e.to_string()))
    }

    /// Follows `channel` until `stop`: subscribes on a dedicated connection, runs
    /// `on_subscribed` after every (re)subscription — messages published while it was not
    /// subscribed are lost, so callers re-read their source of truth there — and
    /// `on_message` with each text payload; resubscribes a second after a dropped
    /// connection. `what` names the subscription in logs.
    pub async fn follow<S, SF, M, MF>(
        &self,
        what: &str,
        channel: &str,
        mut stop: watch::Receiver<bool>,
        mut on_subscribed: S,
        mut on_message: M,
    ) where
        S: FnMut() -> SF,
        SF: Future<Output = ()>,
        M: FnMut(String) -> MF,
        MF: Future<Output = ()>,
    {
        loop {
            let subscribed = async {
                let mut pubsub = self.pubsub().await?;
                pubsub
                    .subscribe(channel)
                    .await
                    .map_err(|e| RedisError::Unavailable(e.to_string()))?;
                Ok::<_, RedisError>(pubsub)
            };
            let pubsub = tokio::select! {
                _ = stop.changed() => return,
                p = subscribed => p,
            };
            match pubsub {
                Ok(pubsub) => {
                    on_subscribed().await;
                    let mut messages = pubsub.into_on_message();
                    loop {
                        tokio::select! {
                            _ = stop.changed() => return,
                            msg = messages.next() => match msg {
                                Some(msg) => match msg.get_payload::<String>() {
                                    Ok(text) => on_message(text).await,
                                    Err(_) => tracing::debug!(what, "ignored a message that is not text"),
                                },
                                None => break,
                            },
                        }
                    }
                    tracing::warn!(what, "subscription dropped; reconnecting");
                }
                Err(err) => tracing::warn!(what, error = %err, "cannot subscribe; retrying"),
            }
            tokio::select! {
                _ = stop.changed() => return,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    /// The shared connection (clone it per use).
    pub fn connection(&self) -> ConnectionManager {
        self.manager.clone()
    }
}

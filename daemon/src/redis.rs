//! The Redis connection (distributed mode): one auto-reconnecting multiplexed connection,
//! and the key prefix every key of this deployment carries.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::settings::ConnectionUrl;

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

    /// The shared connection (clone it per use).
    pub fn connection(&self) -> ConnectionManager {
        self.manager.clone()
    }
}

//! Telling every node that a tenant's pointer moved, so each replaces its copy within a
//! second: Redis pub/sub in distributed mode, an in-process channel in embedded mode. A
//! periodic recheck of all pointers covers missed messages (e.g. while Redis was away).

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use super::active::ActiveConfigs;
use crate::redis::RedisClient;

/// Publishes pointer moves.
#[derive(Clone)]
pub enum ConfigNotifier {
    Local(broadcast::Sender<String>),
    Redis {
        redis: Box<RedisClient>,
        channel: String,
    },
}

impl ConfigNotifier {
    pub fn new(redis: Option<&RedisClient>) -> Self {
        match redis {
            Some(r) => Self::Redis {
                channel: r.key("config:changed"),
                redis: Box::new(r.clone()),
            },
            None => Self::Local(broadcast::channel(256).0),
        }
    }

    /// Announces that `tenant`'s pointer moved. Failure only delays other nodes until their
    /// next recheck, so it is logged, not returned.
    pub async fn announce(&self, tenant: &str) {
        match self {
            Self::Local(tx) => {
                let _ = tx.send(tenant.to_owned());
            }
            Self::Redis { redis, channel } => {
                if let Err(err) = redis.publish(channel, tenant).await {
                    tracing::warn!(error = %err, tenant, "could not announce a config change; other nodes catch up at their next recheck");
                }
            }
        }
    }

    /// Starts the listener and the periodic recheck; both end when `stop` turns true.
    pub fn spawn_listeners(
        &self,
        active: ActiveConfigs,
        recheck_every: Duration,
        stop: watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        let listener = match self.clone() {
            Self::Local(tx) => {
                tokio::spawn(listen_local(tx.subscribe(), active.clone(), stop.clone()))
            }
            Self::Redis { redis, channel } => {
                tokio::spawn(listen_redis(*redis, channel, active.clone(), stop.clone()))
            }
        };
        let recheck = tokio::spawn(recheck_loop(active, recheck_every, stop));
        vec![listener, recheck]
    }
}

async fn reload(active: &ActiveConfigs, tenant: &str) {
    if let Err(err) = active.reload(tenant).await {
        tracing::warn!(error = %err, tenant, "config reload failed; will retry at the next recheck");
    }
}

async fn listen_local(
    mut rx: broadcast::Receiver<String>,
    active: ActiveConfigs,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            msg = rx.recv() => match msg {
                Ok(tenant) => reload(&active, &tenant).await,
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let _ = active.recheck().await;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

async fn listen_redis(
    redis: RedisClient,
    channel: String,
    active: ActiveConfigs,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let subscribed = async {
            let mut pubsub = redis.pubsub().await?;
            pubsub
                .subscribe(&channel)
                .await
                .map_err(|e| crate::redis::RedisError::Unavailable(e.to_string()))?;
            Ok::<_, crate::redis::RedisError>(pubsub)
        };
        let pubsub = tokio::select! {
            _ = stop.changed() => return,
            p = subscribed => p,
        };
        match pubsub {
            Ok(pubsub) => {
                // Messages may have been missed while (re)connecting.
                let _ = active.recheck().await;
                let mut messages = pubsub.into_on_message();
                loop {
                    tokio::select! {
                        _ = stop.changed() => return,
                        msg = messages.next() => match msg {
                            Some(msg) => {
                                if let Ok(tenant) = msg.get_payload::<String>() {
                                    reload(&active, &tenant).await;
                                }
                            }
                            None => break,
                        },
                    }
                }
                tracing::warn!("config change subscription dropped; reconnecting");
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot subscribe to config changes; retrying")
            }
        }
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

async fn recheck_loop(active: ActiveConfigs, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tick.tick() => {
                if let Err(err) = active.recheck().await {
                    tracing::debug!(error = %err, "config recheck failed");
                }
            }
        }
    }
}

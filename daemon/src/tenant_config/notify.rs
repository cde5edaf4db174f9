//! Telling every node that a tenant's pointer moved, so each replaces its copy within a
//! second: Redis pub/sub in distributed mode, an in-process channel in embedded mode. A
//! periodic recheck of all pointers covers missed messages (e.g. while Redis was away).

use std::time::Duration;

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
    stop: watch::Receiver<bool>,
) {
    redis
        .follow(
            "config changes",
            &channel,
            stop,
            // Messages may have been missed while (re)connecting.
            || async {
                let _ = active.recheck().await;
            },
            |tenant| {
                let active = active.clone();
                async move { reload(&active, &tenant).await }
            },
        )
        .await;
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

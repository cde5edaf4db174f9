//! Circuit breakers per tenant + connector. Each node keeps its own state machines; state
//! changes (open, closed) are published so that an open breaker on one node opens on all
//! within a second — transitions travel, individual calls do not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use orch_core::config::model::CircuitBreaker as BreakerConfig;
use orch_core::policy::breaker::{
    Breaker, BreakerSettings, BreakerState, BreakerView, Permit, Transition,
};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::events::{EventWriter, NewEvent};
use crate::redis::{RedisClient, RedisError};

type Key = (String, String);

/// One breaker as the admin API shows it.
#[derive(Debug, Clone)]
pub struct BreakerStatus {
    pub tenant: String,
    pub connector: String,
    pub view: BreakerView,
    /// `view`'s times are relative to this instant.
    pub epoch: Instant,
}

#[derive(Serialize, Deserialize)]
struct TransitionMessage {
    node: Uuid,
    tenant: String,
    connector: String,
    state: BreakerState,
}

#[derive(Clone)]
pub struct BreakerRegistry {
    inner: Arc<Mutex<HashMap<Key, Breaker>>>,
    epoch: Instant,
    node: Uuid,
    redis: Option<(RedisClient, String)>,
    events: Option<EventWriter>,
}

fn gauge(tenant: &str, connector: &str, state: BreakerState) {
    metrics::gauge!("orch_circuit_breaker_state", "tenant" => tenant.to_owned(), "connector" => connector.to_owned())
        .set(state.gauge() as f64);
}

pub fn settings_of(cfg: &BreakerConfig) -> BreakerSettings {
    BreakerSettings {
        failure_rate_threshold: cfg.failure_rate_threshold,
        minimum_calls: cfg.minimum_calls,
        window: Duration::from_secs(u64::from(cfg.window_s)),
        open_for: Duration::from_secs(u64::from(cfg.open_s)),
        half_open_max_calls: cfg.half_open_max_calls,
        slow_call: (cfg.slow_call_ms > 0).then(|| Duration::from_millis(cfg.slow_call_ms)),
    }
}

impl BreakerRegistry {
    pub fn new(redis: Option<&RedisClient>, events: Option<EventWriter>) -> Self {
        Self {
            events,
            inner: Arc::new(Mutex::new(HashMap::new())),
            epoch: Instant::now(),
            node: Uuid::new_v4(),
            redis: redis.map(|r| (r.clone(), r.key("breakers"))),
        }
    }

    fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    fn with<T>(
        &self,
        tenant: &str,
        connector: &str,
        settings: &BreakerSettings,
        f: impl FnOnce(&mut Breaker) -> T,
    ) -> T {
        let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let breaker = map
            .entry((tenant.to_owned(), connector.to_owned()))
            .or_insert_with(|| Breaker::new(settings.clone()));
        if breaker.settings() != settings {
            breaker.update_settings(settings.clone());
        }
        f(breaker)
    }

    /// May a call go out? `Err(retry_after)` when the breaker is open.
    pub async fn acquire(
        &self,
        tenant: &str,
        connector: &str,
        settings: &BreakerSettings,
    ) -> Result<Permit, Duration> {
        let now = self.now();
        let (result, transition) = self.with(tenant, connector, settings, |b| b.acquire(now));
        if let Some(t) = transition {
            self.announce(tenant, connector, t).await;
        }
        result
    }

    pub async fn record(
        &self,
        tenant: &str,
        connector: &str,
        settings: &BreakerSettings,
        permit: Permit,
        failed: bool,
        took: Duration,
    ) {
        let now = self.now();
        let transition = self.with(tenant, connector, settings, |b| {
            b.record(now, permit, failed, took)
        });
        if let Some(t) = transition {
            self.announce(tenant, connector, t).await;
        }
    }

    /// Closes a breaker (operator reset) here and on every node. Returns the state before,
    /// or `None` if this node has no such breaker. The reset on this node always happens;
    /// `Err` means the other nodes could not be told (Redis unavailable) and keep their
    /// state until their own breakers close.
    pub async fn reset(
        &self,
        tenant: &str,
        connector: &str,
    ) -> Result<Option<BreakerState>, RedisError> {
        let now = self.now();
        let before = {
            let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            map.get_mut(&(tenant.to_owned(), connector.to_owned()))
                .map(|b| {
                    let before = b.state();
                    b.force(BreakerState::Closed, now);
                    before
                })
        };
        gauge(tenant, connector, BreakerState::Closed);
        self.try_publish(tenant, connector, BreakerState::Closed)
            .await?;
        Ok(before)
    }

    pub fn list(&self, tenant: Option<&str>, connector: Option<&str>) -> Vec<BreakerStatus> {
        let now = self.now();
        let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out: Vec<BreakerStatus> = map
            .iter_mut()
            .filter(|((t, c), _)| tenant.is_none_or(|x| x == t) && connector.is_none_or(|x| x == c))
            .map(|((t, c), b)| BreakerStatus {
                tenant: t.clone(),
                connector: c.clone(),
                view: b.view(now),
                epoch: self.epoch,
            })
            .collect();
        out.sort_by(|a, b| (&a.tenant, &a.connector).cmp(&(&b.tenant, &b.connector)));
        out
    }

    async fn announce(&self, tenant: &str, connector: &str, transition: Transition) {
        let state = match transition {
            Transition::Opened => BreakerState::Open,
            Transition::HalfOpened => BreakerState::HalfOpen,
            Transition::Closed => BreakerState::Closed,
        };
        gauge(tenant, connector, state);
        if let Some(events) = &self.events {
            let kind = match transition {
                Transition::Opened => "breaker.opened",
                Transition::HalfOpened => "breaker.half_open",
                Transition::Closed => "breaker.closed",
            };
            events.record(
                NewEvent::new(kind, format!("circuit breaker {}", state.as_str()))
                    .tenant(tenant)
                    .connector(connector, None)
                    .data(serde_json::json!({"state": state.as_str()})),
            );
        }
        match transition {
            Transition::Opened => {
                tracing::warn!(tenant, connector, "circuit breaker opened");
                self.publish(tenant, connector, BreakerState::Open).await;
            }
            Transition::HalfOpened => {
                tracing::info!(tenant, connector, "circuit breaker half-open")
            }
            Transition::Closed => {
                tracing::info!(tenant, connector, "circuit breaker closed");
                self.publish(tenant, connector, BreakerState::Closed).await;
            }
        }
    }

    /// Shares a transition; a failure is only logged (each node's breaker still works).
    async fn publish(&self, tenant: &str, connector: &str, state: BreakerState) {
        if let Err(err) = self.try_publish(tenant, connector, state).await {
            tracing::warn!(error = %err, "could not share a breaker transition");
        }
    }

    /// Shares a transition with the other nodes (nothing to do without Redis).
    async fn try_publish(
        &self,
        tenant: &str,
        connector: &str,
        state: BreakerState,
    ) -> Result<(), RedisError> {
        let Some((redis, channel)) = &self.redis else {
            return Ok(());
        };
        let message = TransitionMessage {
            node: self.node,
            tenant: tenant.to_owned(),
            connector: connector.to_owned(),
            state,
        };
        // Plain strings and an enum: serialising cannot fail in practice.
        let text = serde_json::to_string(&message)
            .map_err(|e| RedisError::Unavailable(format!("encoding a transition: {e}")))?;
        redis.publish(channel, &text).await
    }

    /// Applies transitions other nodes publish (distributed mode only).
    pub fn spawn_listener(&self, stop: watch::Receiver<bool>) -> Option<JoinHandle<()>> {
        let (redis, channel) = self.redis.clone()?;
        let registry = self.clone();
        Some(tokio::spawn(async move {
            redis
                .follow(
                    "breaker transitions",
                    &channel,
                    stop,
                    || async {},
                    |text| {
                        registry.apply_remote(&text);
                        async {}
                    },
                )
                .await;
        }))
    }

    fn apply_remote(&self, text: &str) {
        let Ok(msg) = serde_json::from_str::<TransitionMessage>(text) else {
            return;
        };
        if msg.node == self.node {
            return;
        }
        let now = self.now();
        let mut map = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(b) = map.get_mut(&(msg.tenant.clone(), msg.connector.clone())) {
            if b.state() != msg.state {
                b.force(msg.state, now);
                gauge(&msg.tenant, &msg.connector, msg.state);
                tracing::info!(tenant = %msg.tenant, connector = %msg.connector, state = msg.state.as_str(), "breaker state from another node");
            }
        } else if msg.state == BreakerState::Open {
            // Not called from this node yet: remember it open with default settings until the
            // first call brings the real ones.
            let mut b = Breaker::new(BreakerSettings {
                failure_rate_threshold: 0.5,
                minimum_calls: 20,
                window: Duration::from_secs(30),
                open_for: Duration::from_secs(30),
                half_open_max_calls: 3,
                slow_call: None,
            });
            b.force(BreakerState::Open, now);
            gauge(&msg.tenant, &msg.connector, BreakerState::Open);
            map.insert((msg.tenant, msg.connector), b);
        }
    }
}

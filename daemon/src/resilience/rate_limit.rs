//! Token-bucket rate limits per tenant (or tenant + connector). Distributed: one Lua script
//! per decision, atomic, on Redis's `TIME`, so every node shares one bucket and one clock.
//! Embedded: the same arithmetic in process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use orch_core::policy::token_bucket::TokenBucket;

use crate::redis::RedisClient;

/// The outcome of asking for a token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateDecision {
    pub allowed: bool,
    pub remaining: u64,
    pub retry_after: Duration,
}

const SCRIPT: &str = r"
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) / 1000 * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, math.floor(tokens), wait}
";

#[derive(Clone)]
pub enum RateLimiter {
    Local {
        buckets: Arc<Mutex<HashMap<String, TokenBucket>>>,
        epoch: Instant,
    },
    Redis {
        redis: Box<RedisClient>,
        script: Arc<redis::Script>,
    },
}

impl RateLimiter {
    pub fn new(redis: Option<&RedisClient>) -> Self {
        match redis {
            Some(r) => Self::Redis {
                redis: Box::new(r.clone()),
                script: Arc::new(redis::Script::new(SCRIPT)),
            },
            None => Self::Local {
                buckets: Arc::new(Mutex::new(HashMap::new())),
                epoch: Instant::now(),
            },
        }
    }

    /// Takes a token from bucket `key`. If Redis cannot answer, the call is let through (a
    /// limiter outage must not become an outage of every tenant) and the error is logged.
    pub async fn take(&self, key: &str, per_second: f64, burst: u32) -> RateDecision {
        match self {
            Self::Local { buckets, epoch } => {
                let now = epoch.elapsed();
                let mut map = buckets.lock().unwrap_or_else(PoisonError::into_inner);
                let bucket = map
                    .entry(key.to_owned())
                    .or_insert_with(|| TokenBucket::new(per_second, burst, now));
                bucket.update(per_second, burst);
                let d = bucket.take(now);
                RateDecision {
                    allowed: d.allowed,
                    remaining: d.remaining,
                    retry_after: d.retry_after,
                }
            }
            Self::Redis { redis, script } => {
                let mut conn = redis.connection();
                let result: Result<(i64, i64, i64), _> = script
                    .key(redis.key(&format!("rl:{key}")))
                    .arg(per_second)
                    .arg(burst)
                    .invoke_async(&mut conn)
                    .await;
                match result {
                    Ok((allowed, remaining, wait_ms)) => RateDecision {
                        allowed: allowed == 1,
                        remaining: u64::try_from(remaining).unwrap_or(0),
                        retry_after: Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)),
                    },
                    Err(err) => {
                        tracing::warn!(error = %err, "rate limiter unavailable; letting the call through");
                        RateDecision {
                            allowed: true,
                            remaining: 0,
                            retry_after: Duration::ZERO,
                        }
                    }
                }
            }
        }
    }
}

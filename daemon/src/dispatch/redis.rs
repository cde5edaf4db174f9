//! Redis dispatch (distributed mode). Per queue: a sorted set of job ids per tenant scored
//! by due time (`{p}dispatch:{queue}:t:{tenant}`), a sorted set of tenants scored by when
//! they were last served (`…:tenants`) and the serve counter (`…:ticket`). Each push and
//! each take is one atomic script; a due push publishes on `{p}dispatch:wake` so idle
//! workers on every node look at once.

use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use super::{Dispatch, DispatchError, DispatchTicket, PushMode, score};
use crate::redis::RedisClient;

/// ARGV: prefix, mode (`replace` | `nx`), now, then (queue, tenant, id, due) per ticket.
const PUSH: &str = r"
local p, mode, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local due = false
for i = 4, #ARGV, 4 do
  local q, t, id, at = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local base = p .. 'dispatch:' .. q
  if mode == 'nx' then
    redis.call('ZADD', base .. ':t:' .. t, 'NX', at, id)
  else
    redis.call('ZADD', base .. ':t:' .. t, at, id)
  end
  local ticket = tonumber(redis.call('GET', base .. ':ticket') or '0')
  redis.call('ZADD', base .. ':tenants', 'NX', ticket, t)
  if at <= now then due = true end
end
if due then redis.call('PUBLISH', p .. 'dispatch:wake', '1') end
return 1
";

/// ARGV: prefix, now, then (queue, n) per ask. Returns queue, id, queue, id, …
const TAKE: &str = r"
local p, now = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 2 do
  local q, left = ARGV[i], tonumber(ARGV[i + 1])
  local base = p .. 'dispatch:' .. q
  local active = redis.call('ZRANGE', base .. ':tenants', 0, -1)
  while left > 0 and #active > 0 do
    local per = math.max(1, math.floor(left / #active))
    local still = {}
    for _, t in ipairs(active) do
      if left <= 0 then break end
      local key = base .. ':t:' .. t
      local ids = redis.call('ZRANGEBYSCORE', key, '-inf', now, 'LIMIT', 0, math.min(per, left))
      if #ids == 0 then
        if redis.call('EXISTS', key) == 0 then redis.call('ZREM', base .. ':tenants', t) end
      else
        redis.call('ZREM', key, unpack(ids))
        left = left - #ids
        redis.call('ZADD', base .. ':tenants', redis.call('INCR', base .. ':ticket'), t)
        if #ids == per then still[#still + 1] = t end
        for _, id in ipairs(ids) do
          out[#out + 1] = q
          out[#out + 1] = id
        end
      end
    end
    active = still
  end
end
return out
";

/// How many tickets one push script carries (bounded script arguments).
const PUSH_CHUNK: usize = 500;

pub struct RedisDispatch {
    redis: RedisClient,
    push: Arc<redis::Script>,
    take: Arc<redis::Script>,
}

impl RedisDispatch {
    pub fn new(redis: RedisClient) -> Self {
        Self {
            redis,
            push: Arc::new(redis::Script::new(PUSH)),
            take: Arc::new(redis::Script::new(TAKE)),
        }
    }
}

fn unavailable(e: redis::RedisError) -> DispatchError {
    DispatchError::Unavailable(e.to_string())
}

#[async_trait]
impl Dispatch for RedisDispatch {
    async fn push(
        &self,
        tickets: &[DispatchTicket],
        mode: PushMode,
        now: OffsetDateTime,
    ) -> Result<(), DispatchError> {
        let mut conn = self.redis.connection();
        for chunk in tickets.chunks(PUSH_CHUNK) {
            let mut call = self.push.prepare_invoke();
            call.arg(self.redis.prefix())
                .arg(match mode {
                    PushMode::Replace => "replace",
                    PushMode::IfAbsent => "nx",
                })
                .arg(score(now));
            for t in chunk {
                call.arg(&t.queue)
                    .arg(&t.tenant)
                    .arg(t.id.to_string())
                    .arg(score(t.run_at));
            }
            call.invoke_async::<i64>(&mut conn)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn take(
        &self,
        asks: &[(&str, u32)],
        now: OffsetDateTime,
    ) -> Result<Vec<(String, Uuid)>, DispatchError> {
        let mut call = self.take.prepare_invoke();
        call.arg(self.redis.prefix()).arg(score(now));
        for (queue, n) in asks {
            call.arg(*queue).arg(*n);
        }
        let mut conn = self.redis.connection();
        let flat: Vec<String> = call.invoke_async(&mut conn).await.map_err(unavailable)?;
        let mut out = Vec::with_capacity(flat.len() / 2);
        for pair in flat.chunks_exact(2) {
            // Only orchd writes these keys; anything else is skipped, not trusted.
            match Uuid::parse_str(&pair[1]) {
                Ok(id) => out.push((pair[0].clone(), id)),
                Err(_) => tracing::warn!(member = %pair[1], "ignoring a malformed dispatch entry"),
            }
        }
        Ok(out)
    }

    async fn claim_rebuild(&self) -> Result<bool, DispatchError> {
        let mut conn = self.redis.connection();
        let set: Option<String> = redis::cmd("SET")
            .arg(self.redis.key("dispatch:built"))
            .arg("1")
            .arg("NX")
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(set.is_some())
    }

    async fn follow_remote_pushes(&self, wake: Arc<Notify>, stop: watch::Receiver<bool>) {
        let channel = self.redis.key("dispatch:wake");
        self.redis
            .follow(
                "dispatch wake-ups",
                &channel,
                stop,
                // Pushes missed while unsubscribed are picked up by the workers' polling.
                || async {},
                |_| {
                    wake.notify_one();
                    async {}
                },
            )
            .await;
    }
}

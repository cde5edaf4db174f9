//! Per-tenant+connector protection around connector calls: circuit breakers (transitions
//! shared between nodes through Redis), rate limits (a Redis Lua token bucket on Redis's
//! clock, or in-process), and the concurrency cap.

pub mod breakers;
pub mod concurrency;
pub mod rate_limit;
pub mod reset;

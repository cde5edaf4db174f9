//! Policy math, without I/O or clocks: backoff delays with jitter, which failures are
//! retried (and whether retrying is safe), `Retry-After`. The daemon's executor feeds these
//! functions the time and the randomness.

pub mod backoff;
pub mod breaker;
pub mod budget;
pub mod retry;
pub mod token_bucket;

//! Webhook provider rules that server and CLI must agree on: how a delivery is signed and
//! verified. Time is passed in; nothing here reads a clock.

pub mod stripe;

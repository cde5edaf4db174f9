//! W3C Trace Context (`traceparent` / `tracestate`): parsing, generation, formatting.
//!
//! orchd honours an incoming `traceparent` (same trace id, the caller's span as parent) and
//! otherwise starts a new trace. The trace id is put on every log line, event, job and error
//! body; a queued job stores the carrier so a worker continues the same trace later.

use std::collections::HashMap;
use std::fmt;

/// Header names of the W3C Trace Context.
pub const TRACEPARENT: &str = "traceparent";
pub const TRACESTATE: &str = "tracestate";

/// Longest `tracestate` we carry (W3C: 32 list members; 512 chars is the propagation floor).
const MAX_TRACESTATE_LEN: usize = 512;

/// A 16-byte trace id, never all zeros.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceId([u8; 16]);

/// An 8-byte span id, never all zeros.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpanId([u8; 8]);

impl TraceId {
    pub fn random() -> Self {
        loop {
            let mut bytes = [0u8; 16];
            fill_random(&mut bytes);
            if bytes != [0; 16] {
                return Self(bytes);
            }
        }
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes: [u8; 16] = decode_lower_hex(s)?;
        (bytes != [0; 16]).then_some(Self(bytes))
    }

    pub fn to_hex(&self) -> String {
        encode_hex(&self.0)
    }
}

impl SpanId {
    pub fn random() -> Self {
        loop {
            let mut bytes = [0u8; 8];
            fill_random(&mut bytes);
            if bytes != [0; 8] {
                return Self(bytes);
            }
        }
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes: [u8; 8] = decode_lower_hex(s)?;
        (bytes != [0; 8]).then_some(Self(bytes))
    }

    pub fn to_hex(&self) -> String {
        encode_hex(&self.0)
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}

/// The trace position of one unit of work (a request, a job attempt): which trace it belongs
/// to, its own span id, and the parent span it continues (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub parent_span_id: Option<SpanId>,
    pub sampled: bool,
    pub tracestate: Option<String>,
}

impl TraceContext {
    /// A new root: a fresh trace, sampled.
    pub fn new_root() -> Self {
        Self {
            trace_id: TraceId::random(),
            span_id: SpanId::random(),
            parent_span_id: None,
            sampled: true,
            tracestate: None,
        }
    }

    /// Continues the caller's trace if `traceparent` is valid, else starts a new one.
    /// An invalid `traceparent` also discards `tracestate` (W3C §3.3).
    pub fn from_headers(traceparent: Option<&str>, tracestate: Option<&str>) -> Self {
        match traceparent.and_then(TraceParent::parse) {
            Some(parent) => Self {
                trace_id: parent.trace_id,
                span_id: SpanId::random(),
                parent_span_id: Some(parent.parent_id),
                sampled: parent.sampled(),
                tracestate: tracestate
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && s.len() <= MAX_TRACESTATE_LEN)
                    .map(str::to_owned),
            },
            None => Self::new_root(),
        }
    }

    /// The `traceparent` naming this unit of work as the parent of what it calls.
    pub fn traceparent(&self) -> String {
        TraceParent {
            trace_id: self.trace_id,
            parent_id: self.span_id,
            flags: u8::from(self.sampled),
        }
        .to_header()
    }

    /// The carrier stored with queued work, so a worker continues the same trace.
    pub fn to_carrier(&self) -> HashMap<String, String> {
        let mut carrier = HashMap::from([(TRACEPARENT.to_owned(), self.traceparent())]);
        if let Some(state) = &self.tracestate {
            carrier.insert(TRACESTATE.to_owned(), state.clone());
        }
        carrier
    }

    /// Continues the trace stored in a carrier (a child of the span that stored it).
    pub fn from_carrier(carrier: &HashMap<String, String>) -> Self {
        Self::from_headers(
            carrier.get(TRACEPARENT).map(String::as_str),
            carrier.get(TRACESTATE).map(String::as_str),
        )
    }
}

/// A parsed `traceparent` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    pub trace_id: TraceId,
    pub parent_id: SpanId,
    pub flags: u8,
}

impl TraceParent {
    /// Parses a `traceparent` per W3C Trace Context level 1: lowercase hex only; version
    /// `ff` is invalid; version `00` has exactly four fields; a higher version may carry more
    /// fields after a `-`, which are ignored.
    pub fn parse(header: &str) -> Option<Self> {
        let header = header.trim();
        let version = header.get(0..2)?;
        let version_byte: [u8; 1] = decode_lower_hex(version)?;
        if version_byte[0] == 0xff {
            return None;
        }
        if version_byte[0] == 0 && header.len() != 55 {
            return None;
        }
        if header.len() < 55 || (header.len() > 55 && header.as_bytes().get(55) != Some(&b'-')) {
            return None;
        }
        let bytes = header.as_bytes();
        if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
            return None;
        }
        let trace_id = TraceId::from_hex(header.get(3..35)?)?;
        let parent_id = SpanId::from_hex(header.get(36..52)?)?;
        let flags: [u8; 1] = decode_lower_hex(header.get(53..55)?)?;
        Some(Self {
            trace_id,
            parent_id,
            flags: flags[0],
        })
    }

    pub fn sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    pub fn to_header(&self) -> String {
        format!("00-{}-{}-{:02x}", self.trace_id, self.parent_id, self.flags)
    }
}

fn fill_random(buf: &mut [u8]) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // getrandom fails only where the OS has no entropy source. Ids must still be unique
    // there, so fall back to clock nanos mixed with a process-wide counter.
    if getrandom::fill(buf).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mixed = nanos ^ (u128::from(COUNTER.fetch_add(1, Ordering::Relaxed)) << 64);
        for (dst, src) in buf.iter_mut().zip(mixed.to_le_bytes().iter().cycle()) {
            *dst = *src;
        }
    }
}

fn encode_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

fn decode_lower_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    let s = s.as_bytes();
    if s.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in s.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn parses_the_w3c_example() {
        let tp = TraceParent::parse(VALID).unwrap();
        assert_eq!(tp.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(tp.parent_id.to_hex(), "00f067aa0ba902b7");
        assert!(tp.sampled());
        assert_eq!(tp.to_header(), VALID);
    }

    #[test]
    fn rejects_malformed_traceparents() {
        let bad = [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        ];
        for b in bad {
            assert_eq!(TraceParent::parse(b), None, "{b}");
        }
    }

    #[test]
    fn accepts_future_versions_with_extra_fields() {
        let future = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future";
        let tp = TraceParent::parse(future).unwrap();
        assert_eq!(tp.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    #[test]
    fn continues_an_incoming_trace() {
        let ctx = TraceContext::from_headers(Some(VALID), Some("vendor=1"));
        assert_eq!(ctx.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(ctx.parent_span_id.unwrap().to_hex(), "00f067aa0ba902b7");
        assert_ne!(ctx.span_id.to_hex(), "00f067aa0ba902b7");
        assert_eq!(ctx.tracestate.as_deref(), Some("vendor=1"));
    }

    #[test]
    fn starts_a_new_trace_on_garbage_and_drops_tracestate() {
        let ctx = TraceContext::from_headers(Some("garbage"), Some("vendor=1"));
        assert_eq!(ctx.parent_span_id, None);
        assert_eq!(ctx.tracestate, None);
        assert_eq!(ctx.trace_id.to_hex().len(), 32);
    }

    #[test]
    fn carrier_round_trip_keeps_the_trace() {
        let ctx = TraceContext::from_headers(Some(VALID), None);
        let next = TraceContext::from_carrier(&ctx.to_carrier());
        assert_eq!(next.trace_id, ctx.trace_id);
        assert_eq!(next.parent_span_id, Some(ctx.span_id));
    }
}

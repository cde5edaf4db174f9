//! Human-friendly units used in settings and config: byte sizes (`5 MiB`) and durations
//! (`24h`, `1h30m`, `500ms`). Both also accept a bare integer (bytes, seconds).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    #[error(
        "invalid size {0:?}: expected a number of bytes or e.g. \"64 KiB\", \"5 MiB\", \"1 GB\""
    )]
    Size(String),
    #[error(
        "invalid duration {0:?}: expected seconds or e.g. \"500ms\", \"30s\", \"15m\", \"24h\", \"1h30m\", \"7d\""
    )]
    Duration(String),
}

/// A size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub const fn kib(n: u64) -> Self {
        Self(n * 1024)
    }

    pub const fn mib(n: u64) -> Self {
        Self(n * 1024 * 1024)
    }

    pub fn bytes(self) -> u64 {
        self.0
    }

    /// The size as `usize`, saturating on 32-bit targets.
    pub fn as_usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }

    pub fn parse(s: &str) -> Result<Self, UnitError> {
        let err = || UnitError::Size(s.to_owned());
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        let n: u64 = digits.parse().map_err(|_| err())?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" | "k" => 1000,
            "kib" => 1024,
            "mb" | "m" => 1000 * 1000,
            "mib" => 1024 * 1024,
            "gb" | "g" => 1000 * 1000 * 1000,
            "gib" => 1024 * 1024 * 1024,
            _ => return Err(err()),
        };
        n.checked_mul(mult).map(Self).ok_or_else(err)
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
        for (size, name) in UNITS {
            if self.0 >= size && self.0.is_multiple_of(size) {
                return write!(f, "{} {name}", self.0 / size);
            }
        }
        write!(f, "{} B", self.0)
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumberOrString::deserialize(d)? {
            NumberOrString::Number(n) => Ok(Self(n)),
            NumberOrString::String(s) => Self::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

/// A duration written for humans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    pub fn parse(s: &str) -> Result<Self, UnitError> {
        let err = || UnitError::Duration(s.to_owned());
        let t = s.trim();
        if t.is_empty() {
            return Err(err());
        }
        if let Ok(secs) = t.parse::<u64>() {
            return Ok(Self(Duration::from_secs(secs)));
        }
        let mut total = Duration::ZERO;
        let mut rest = t;
        while !rest.is_empty() {
            let digits_end = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
            let n: u64 = rest[..digits_end].parse().map_err(|_| err())?;
            rest = &rest[digits_end..];
            let unit_end = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let part = match &rest[..unit_end] {
                "ms" => Duration::from_millis(n),
                "s" => Duration::from_secs(n),
                "m" => Duration::from_secs(n.checked_mul(60).ok_or_else(err)?),
                "h" => Duration::from_secs(n.checked_mul(3600).ok_or_else(err)?),
                "d" => Duration::from_secs(n.checked_mul(86_400).ok_or_else(err)?),
                _ => return Err(err()),
            };
            total = total.checked_add(part).ok_or_else(err)?;
            rest = &rest[unit_end..];
        }
        Ok(Self(total))
    }

    pub fn as_duration(self) -> Duration {
        self.0
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_millis() != 0 || d.is_zero() {
            return write!(f, "{}ms", d.as_millis());
        }
        let mut secs = d.as_secs();
        for (size, unit) in [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")] {
            if secs >= size {
                write!(f, "{}{unit}", secs / size)?;
                secs %= size;
            }
        }
        Ok(())
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumberOrString::deserialize(d)? {
            NumberOrString::Number(n) => Ok(Self(Duration::from_secs(n))),
            NumberOrString::String(s) => Self::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged, expecting = "a number or a string with a unit")]
enum NumberOrString {
    Number(u64),
    String(String),
}

/// Microseconds since the Unix epoch (saturating): the precision orch stores times at, and
/// the score of dispatch entries.
pub fn unix_micros(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes() {
        assert_eq!(ByteSize::parse("5 MiB").unwrap(), ByteSize::mib(5));
        assert_eq!(ByteSize::parse("64KiB").unwrap(), ByteSize::kib(64));
        assert_eq!(ByteSize::parse("1048576").unwrap(), ByteSize::mib(1));
        assert_eq!(ByteSize::parse("2 kb").unwrap(), ByteSize(2000));
        for bad in ["", "MiB", "5 parsecs", "-1", "99999999999999999999 GiB"] {
            assert!(ByteSize::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_sizes() {
        assert_eq!(ByteSize::mib(5).to_string(), "5 MiB");
        assert_eq!(ByteSize(1000).to_string(), "1000 B");
    }

    #[test]
    fn parses_durations() {
        let secs = |s| Duration::from_secs(s);
        assert_eq!(HumanDuration::parse("24h").unwrap().0, secs(86_400));
        assert_eq!(HumanDuration::parse("1h30m").unwrap().0, secs(5400));
        assert_eq!(HumanDuration::parse("90").unwrap().0, secs(90));
        assert_eq!(
            HumanDuration::parse("500ms").unwrap().0,
            Duration::from_millis(500)
        );
        assert_eq!(HumanDuration::parse("7d").unwrap().0, secs(7 * 86_400));
        for bad in ["", "h", "5x", "1.5h", "-3s", "10 s"] {
            assert!(HumanDuration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_round_trip_through_display() {
        for s in ["2h", "1h30m", "500ms", "45s", "1d2h"] {
            assert_eq!(HumanDuration::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn deserializes_numbers_and_strings() {
        let v: ByteSize = serde_json::from_str("\"64 KiB\"").unwrap();
        assert_eq!(v, ByteSize::kib(64));
        let v: ByteSize = serde_json::from_str("1024").unwrap();
        assert_eq!(v, ByteSize::kib(1));
        let d: HumanDuration = serde_json::from_str("\"15m\"").unwrap();
        assert_eq!(d.0, Duration::from_secs(900));
    }
}

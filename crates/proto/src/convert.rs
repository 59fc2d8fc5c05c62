//! Conversions between protobuf well-known types and std types.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prost_types::Timestamp;

/// Converts a `SystemTime` to a protobuf `Timestamp`.
pub fn timestamp(time: SystemTime) -> Timestamp {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    Timestamp {
        seconds: since_epoch.as_secs() as i64,
        nanos: since_epoch.subsec_nanos() as i32,
    }
}

/// Converts a protobuf `Timestamp` to a `SystemTime`; `None` for values
/// before 1970 or with out-of-range nanos.
pub fn system_time(ts: &Timestamp) -> Option<SystemTime> {
    if ts.seconds < 0 || !(0..1_000_000_000).contains(&ts.nanos) {
        return None;
    }
    UNIX_EPOCH.checked_add(Duration::new(ts.seconds as u64, ts.nanos as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trips() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789);
        assert_eq!(system_time(&timestamp(t)), Some(t));
    }

    #[test]
    fn rejects_out_of_range_timestamps() {
        assert_eq!(
            system_time(&Timestamp {
                seconds: -1,
                nanos: 0
            }),
            None
        );
        assert_eq!(
            system_time(&Timestamp {
                seconds: 1,
                nanos: 1_000_000_000
            }),
            None
        );
    }
}

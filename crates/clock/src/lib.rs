//! The wall clock modstream reads.
//!
//! Everything that compares event times with "now" (validation of future
//! timestamps, reply deadlines, escalation deadlines) takes a [`Clock`] rather
//! than calling `SystemTime::now()`, so tests drive time by hand instead of
//! sleeping.
//!
//! - [`SystemClock`]: the real clock.
//! - `ManualClock` (feature `manual`): a clock a test sets and advances.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::SystemTime;

/// A source of the current wall-clock time.
pub trait Clock: Send + Sync + Debug + 'static {
    fn now(&self) -> SystemTime;
}

/// A shared clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The real clock as a [`SharedClock`].
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

#[cfg(feature = "manual")]
mod manual {
    use std::sync::Mutex;
    use std::time::{Duration, SystemTime};

    use super::Clock;

    /// A clock that only moves when told to.
    #[derive(Debug)]
    pub struct ManualClock {
        now: Mutex<SystemTime>,
    }

    impl ManualClock {
        pub fn new(start: SystemTime) -> Self {
            Self {
                now: Mutex::new(start),
            }
        }

        pub fn advance(&self, by: Duration) {
            let mut now = self.now.lock().expect("clock lock poisoned");
            *now += by;
        }

        pub fn set(&self, to: SystemTime) {
            *self.now.lock().expect("clock lock poisoned") = to;
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> SystemTime {
            *self.now.lock().expect("clock lock poisoned")
        }
    }
}

#[cfg(feature = "manual")]
pub use manual::ManualClock;

#[cfg(all(test, feature = "manual"))]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(30));
        assert_eq!(clock.now(), start + Duration::from_secs(30));
    }
}

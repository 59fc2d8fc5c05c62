//! Overload protection for ingest: how many publish calls may be in
//! progress (over all forums, and per forum) and how fast each forum may
//! publish (a token bucket). Past a limit a call is refused at once with
//! RESOURCE_EXHAUSTED and a message naming the limit, so a flood costs the
//! gateway a refusal, not a queue that grows without bound. Nothing refused
//! was acknowledged, so the platform retries it later with backoff.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use modstream_clock::SharedClock;
use modstream_config::GatewayConfig;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ItemError;

pub struct Limits {
    all_calls: Arc<Semaphore>,
    max_calls: usize,
    forum_calls: usize,
    /// Sustained events per second per forum; 0: no rate limit.
    rate: f64,
    burst: f64,
    forums: Mutex<HashMap<String, ForumLimits>>,
    clock: SharedClock,
}

struct ForumLimits {
    calls: Arc<Semaphore>,
    tokens: f64,
    refilled: SystemTime,
}

/// Held for the length of a call: releases its places when dropped.
#[derive(Debug)]
pub struct Permit {
    _call: OwnedSemaphorePermit,
}

impl Limits {
    pub fn new(config: &GatewayConfig, clock: SharedClock) -> Self {
        Self {
            all_calls: Arc::new(Semaphore::new(config.max_calls_in_flight)),
            max_calls: config.max_calls_in_flight,
            forum_calls: config.forum_calls_in_flight,
            rate: f64::from(config.forum_events_per_second),
            burst: f64::from(config.forum_burst_events),
            forums: Mutex::new(HashMap::new()),
            clock,
        }
    }

    /// A place among all calls in progress, taken before anything else.
    pub fn admit_call(&self) -> Result<Permit, ItemError> {
        match self.all_calls.clone().try_acquire_owned() {
            Ok(permit) => Ok(Permit { _call: permit }),
            Err(_) => Err(ItemError::ResourceExhausted(format!(
                "the gateway is at its limit of {} calls in progress; retry with backoff",
                self.max_calls
            ))),
        }
    }

    /// A place among `forum`'s calls in progress, and `events` events of its
    /// rate. Refused calls take nothing from the rate.
    pub fn admit_forum(&self, forum: &str, events: usize) -> Result<Permit, ItemError> {
        let now = self.clock.now();
        let mut forums = self.forums.lock().expect("limits lock");
        let limits = forums
            .entry(forum.to_owned())
            .or_insert_with(|| ForumLimits {
                calls: Arc::new(Semaphore::new(self.forum_calls)),
                tokens: self.burst,
                refilled: now,
            });
        let Ok(permit) = limits.calls.clone().try_acquire_owned() else {
            return Err(ItemError::ResourceExhausted(format!(
                "forum {forum:?} is at its limit of {} calls in progress; retry with backoff",
                self.forum_calls
            )));
        };
        if self.rate > 0.0 {
            let elapsed = now
                .duration_since(limits.refilled)
                .unwrap_or_default()
                .as_secs_f64();
            limits.tokens = (limits.tokens + elapsed * self.rate).min(self.burst);
            limits.refilled = now;
            let wanted = events as f64;
            if limits.tokens < wanted {
                let wait_ms = ((wanted - limits.tokens) / self.rate * 1000.0).ceil();
                return Err(ItemError::ResourceExhausted(format!(
                    "forum {forum:?} is over its rate limit of {} events/s (burst {}); retry in {wait_ms} ms or later",
                    self.rate, self.burst
                )));
            }
            limits.tokens -= wanted;
        }
        Ok(Permit { _call: permit })
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use modstream_clock::ManualClock;

    use super::*;

    fn limits(clock: Arc<ManualClock>) -> Limits {
        let config = GatewayConfig {
            max_calls_in_flight: 3,
            forum_calls_in_flight: 2,
            forum_events_per_second: 10,
            forum_burst_events: 20,
            ..GatewayConfig::default()
        };
        Limits::new(&config, clock)
    }

    fn exhausted(result: Result<Permit, ItemError>) -> String {
        match result {
            Err(ItemError::ResourceExhausted(message)) => message,
            other => panic!("expected RESOURCE_EXHAUSTED, got {other:?}"),
        }
    }

    #[test]
    fn calls_in_progress_are_capped_overall_and_per_forum() {
        let l = limits(Arc::new(ManualClock::new(UNIX_EPOCH)));
        let a = l.admit_call().unwrap();
        let b = l.admit_call().unwrap();
        let c = l.admit_call().unwrap();
        assert!(exhausted(l.admit_call()).contains("3 calls in progress"));
        drop(c);
        let _c = l.admit_call().unwrap();
        drop((a, b));

        let x1 = l.admit_forum("x", 1).unwrap();
        let _x2 = l.admit_forum("x", 1).unwrap();
        assert!(exhausted(l.admit_forum("x", 1)).contains("forum \"x\""));
        let _y = l
            .admit_forum("y", 1)
            .expect("another forum has its own places");
        drop(x1);
        l.admit_forum("x", 1).expect("a place came free");
    }

    #[test]
    fn each_forum_has_a_burst_then_its_sustained_rate() {
        let clock = Arc::new(ManualClock::new(UNIX_EPOCH));
        let l = limits(clock.clone());
        l.admit_forum("x", 15).unwrap();
        let message = exhausted(l.admit_forum("x", 10));
        assert!(message.contains("10 events/s"), "{message}");
        assert!(message.contains("retry in 500 ms"), "{message}");
        l.admit_forum("y", 20).expect("the rate is per forum");
        clock.advance(Duration::from_millis(500));
        l.admit_forum("x", 10).expect("refilled at 10/s");
        clock.advance(Duration::from_secs(3600));
        l.admit_forum("x", 20).expect("refilled to the burst");
        exhausted(l.admit_forum("x", 1));
    }
}

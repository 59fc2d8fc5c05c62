//! The service's OpenTelemetry metrics, labelled by forum and severity only
//! (never a post, member or moderator id):
//!
//! - `modstream_safeguarding_escalations_opened_total` (counter);
//! - `modstream_safeguarding_escalations_acknowledged_total` (counter);
//! - `modstream_safeguarding_escalations_reescalated_total` (counter);
//! - `modstream_safeguarding_escalations_uncovered_total` (counter): times
//!   nobody at all could be told about an escalation;
//! - `modstream_safeguarding_time_to_acknowledge_seconds` (histogram).
//!
//! Gauges read from the desk when collected ([`Gauges`]):
//! - `modstream_safeguarding_open_escalations` (forum, severity, state);
//! - `modstream_safeguarding_overdue_escalations` (forum, severity): not
//!   acknowledged and past their first acknowledgement deadline;
//! - `modstream_safeguarding_uncovered_escalations` (forum): not acknowledged
//!   and with nobody holding them;
//! - `modstream_safeguarding_next_cover_gap_seconds` (forum): time until the
//!   next gap in cover within 24 hours (0: nobody on now); absent when
//!   covered throughout.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, ObservableGauge};

use crate::desk::{Desk, ForumStatus};

pub struct Metrics {
    opened: Counter<u64>,
    acknowledged: Counter<u64>,
    reescalated: Counter<u64>,
    uncovered: Counter<u64>,
    time_to_ack: Histogram<f64>,
}

/// Seconds: from "within a minute" to "far too long".
const ACK_BUCKETS: [f64; 10] = [
    10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 86400.0,
];

impl Metrics {
    pub fn new() -> Self {
        let meter = opentelemetry::global::meter("modstream-safeguarding");
        let counter = |name: &'static str, description: &'static str| {
            meter
                .u64_counter(name)
                .with_description(description)
                .build()
        };
        Self {
            opened: counter(
                "modstream_safeguarding_escalations_opened_total",
                "Escalations opened",
            ),
            acknowledged: counter(
                "modstream_safeguarding_escalations_acknowledged_total",
                "Escalations a moderator acknowledged",
            ),
            reescalated: counter(
                "modstream_safeguarding_escalations_reescalated_total",
                "Escalations moved up the chain because nobody acknowledged in time",
            ),
            uncovered: counter(
                "modstream_safeguarding_escalations_uncovered_total",
                "Times nobody at all could be told about an escalation",
            ),
            time_to_ack: meter
                .f64_histogram("modstream_safeguarding_time_to_acknowledge_seconds")
                .with_description("From an escalation opening to a moderator acknowledging it")
                .with_unit("s")
                .with_boundaries(ACK_BUCKETS.to_vec())
                .build(),
        }
    }

    fn labels(forum: &str, severity: &str) -> [KeyValue; 2] {
        [
            KeyValue::new("forum", forum.to_owned()),
            KeyValue::new("severity", severity.to_owned()),
        ]
    }

    pub fn opened(&self, forum: &str, severity: &str) {
        self.opened.add(1, &Self::labels(forum, severity));
    }

    pub fn reescalated(&self, forum: &str, severity: &str) {
        self.reescalated.add(1, &Self::labels(forum, severity));
    }

    pub fn uncovered(&self, forum: &str, severity: &str) {
        tracing::warn!(forum_id = %forum, severity, "an escalation nobody can receive");
        self.uncovered.add(1, &Self::labels(forum, severity));
    }

    pub fn acknowledged(&self, forum: &str, severity: &str, waited_ms: i64) {
        let labels = Self::labels(forum, severity);
        self.acknowledged.add(1, &labels);
        self.time_to_ack.record(waited_ms as f64 / 1000.0, &labels);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The desk's gauges; they are observed while this is held.
pub struct Gauges {
    _instruments: Vec<ObservableGauge<u64>>,
}

/// One reading of the desk, and when it was taken.
type Reading = (Instant, Vec<ForumStatus>);

/// How long one reading of the desk serves every gauge of a collection.
const STATUS_FRESH_FOR: Duration = Duration::from_millis(500);

/// Registers the gauges, reading `desk` when collected (weakly: the gauges
/// never keep a stopped desk alive).
pub fn observe(desk: Weak<Desk>) -> Gauges {
    let meter = opentelemetry::global::meter("modstream-safeguarding");
    // The four gauges are collected together; read the desk once for them.
    let cache: Arc<Mutex<Option<Reading>>> = Arc::default();
    let status = move || -> Vec<ForumStatus> {
        let mut cached = cache.lock().expect("status cache lock");
        if let Some((at, status)) = cached.as_ref()
            && at.elapsed() < STATUS_FRESH_FOR
        {
            return status.clone();
        }
        let Some(desk) = desk.upgrade() else {
            return Vec::new();
        };
        match desk.status() {
            Ok(status) => {
                *cached = Some((Instant::now(), status.clone()));
                status
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the desk for metrics");
                Vec::new()
            }
        }
    };
    let status = Arc::new(status);
    let forum = |s: &ForumStatus| KeyValue::new("forum", s.forum_id.clone());

    let open = {
        let status = status.clone();
        meter
            .u64_observable_gauge("modstream_safeguarding_open_escalations")
            .with_description("Escalations not resolved yet, by severity and state")
            .with_callback(move |observer| {
                for s in status().iter() {
                    for ((severity, state), count) in &s.open {
                        observer.observe(
                            *count,
                            &[
                                forum(s),
                                KeyValue::new("severity", *severity),
                                KeyValue::new("state", *state),
                            ],
                        );
                    }
                }
            })
            .build()
    };
    let overdue = {
        let status = status.clone();
        meter
            .u64_observable_gauge("modstream_safeguarding_overdue_escalations")
            .with_description(
                "Escalations nobody acknowledged within the forum's acknowledgement deadline",
            )
            .with_callback(move |observer| {
                for s in status().iter() {
                    for severity in ["high", "crisis"] {
                        let count = s.overdue.get(severity).copied().unwrap_or(0);
                        observer.observe(count, &[forum(s), KeyValue::new("severity", severity)]);
                    }
                }
            })
            .build()
    };
    let uncovered = {
        let status = status.clone();
        meter
            .u64_observable_gauge("modstream_safeguarding_uncovered_escalations")
            .with_description("Unacknowledged escalations nobody is holding")
            .with_callback(move |observer| {
                for s in status().iter() {
                    observer.observe(s.uncovered, &[forum(s)]);
                }
            })
            .build()
    };
    let next_gap = meter
        .u64_observable_gauge("modstream_safeguarding_next_cover_gap_seconds")
        .with_description("Seconds until the next gap in moderator cover within 24 hours")
        .with_unit("s")
        .with_callback(move |observer| {
            for s in status().iter() {
                if let Some(gap) = s.next_gap {
                    observer.observe(gap.as_secs(), &[forum(s)]);
                }
            }
        })
        .build();
    Gauges {
        _instruments: vec![open, overdue, uncovered, next_gap],
    }
}

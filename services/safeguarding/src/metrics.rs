//! The service's OpenTelemetry metrics, labelled by forum and severity only
//! (never a post, member or moderator id):
//!
//! - `modstream_safeguarding_escalations_opened_total` (counter);
//! - `modstream_safeguarding_escalations_acknowledged_total` (counter);
//! - `modstream_safeguarding_escalations_reescalated_total` (counter);
//! - `modstream_safeguarding_escalations_uncovered_total` (counter): times
//!   nobody at all could be told about an escalation;
//! - `modstream_safeguarding_time_to_acknowledge_seconds` (histogram).

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram};

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

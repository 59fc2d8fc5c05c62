//! The gateway's OpenTelemetry metrics. Labels are forum, kind and code only:
//! never a member, post or thread id.
//!
//! - `modstream_gateway_events_total` (counter; forum, kind, code): every
//!   event a platform sent, with its outcome: `ok` or the gRPC code it was
//!   refused with (`invalid_argument`, `unauthenticated`, `unavailable`, ...);
//! - `modstream_gateway_ack_seconds` (histogram; forum): from a publish call
//!   arriving to its answer, which comes only after the bus confirmed the
//!   write (the durable acknowledgement).

use std::time::Duration;

use modstream_proto::v1::{IngestEvent, ingest_event::Kind};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram};
use tonic::Code;

pub struct Metrics {
    events: Counter<u64>,
    ack: Histogram<f64>,
}

/// Seconds: a millisecond to the bus's delivery timeout.
const ACK_BUCKETS: [f64; 14] = [
    0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The forum label of a call whose key matched no forum.
pub const UNKNOWN_FORUM: &str = "unknown";

impl Metrics {
    pub fn new() -> Self {
        let meter = opentelemetry::global::meter("modstream-gateway");
        Self {
            events: meter
                .u64_counter("modstream_gateway_events_total")
                .with_description("Events platforms sent, by outcome (ok or the gRPC code)")
                .build(),
            ack: meter
                .f64_histogram("modstream_gateway_ack_seconds")
                .with_description("From a publish call arriving to its durable acknowledgement")
                .with_unit("s")
                .with_boundaries(ACK_BUCKETS.to_vec())
                .build(),
        }
    }

    /// One event of `kind` for `forum` ended with `code`.
    pub fn event(&self, forum: &str, kind: &'static str, code: Code) {
        self.events.add(
            1,
            &[
                KeyValue::new("forum", forum.to_owned()),
                KeyValue::new("kind", kind),
                KeyValue::new("code", code_name(code)),
            ],
        );
    }

    /// A publish call for `forum` was answered after `took`.
    pub fn answered(&self, forum: &str, took: Duration) {
        self.ack.record(
            took.as_secs_f64(),
            &[KeyValue::new("forum", forum.to_owned())],
        );
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The kind of event an item carries, for the `kind` label.
pub fn kind_name(item: &IngestEvent) -> &'static str {
    match item.kind {
        Some(Kind::Post(_)) => "post",
        Some(Kind::Reply(_)) => "reply",
        Some(Kind::Edit(_)) => "edit",
        Some(Kind::ModerationAction(_)) => "moderation_action",
        Some(Kind::MemberReport(_)) => "member_report",
        Some(Kind::Erasure(_)) => "erasure",
        None => "none",
    }
}

/// `ok`, or a gRPC code in snake case as Prometheus labels are written.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "ok",
        Code::Cancelled => "cancelled",
        Code::Unknown => "unknown",
        Code::InvalidArgument => "invalid_argument",
        Code::DeadlineExceeded => "deadline_exceeded",
        Code::NotFound => "not_found",
        Code::AlreadyExists => "already_exists",
        Code::PermissionDenied => "permission_denied",
        Code::ResourceExhausted => "resource_exhausted",
        Code::FailedPrecondition => "failed_precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out_of_range",
        Code::Unimplemented => "unimplemented",
        Code::Internal => "internal",
        Code::Unavailable => "unavailable",
        Code::DataLoss => "data_loss",
        Code::Unauthenticated => "unauthenticated",
    }
}

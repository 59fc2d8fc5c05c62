//! The service's OpenTelemetry metrics. Labels are forum, board, level and
//! state only: never a post or member id (low cardinality, and nothing that
//! identifies anyone).
//!
//! - `modstream_responsiveness_ttfr_seconds` (histogram; forum, board,
//!   replier = peer|staff): time to first reply, recorded when a post gets
//!   its first reply;
//! - `modstream_responsiveness_unanswered_posts` (gauge; forum): posts
//!   waiting for a first reply now;
//! - `modstream_responsiveness_oldest_unanswered_seconds` (gauge; forum):
//!   how long the longest-waiting of them has waited (absent when none);
//! - `modstream_responsiveness_alerts_total` (counter; forum, level, state):
//!   unanswered-post alerts raised and resolved.

use std::sync::Arc;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter, ObservableGauge};

use modstream_clock::SharedClock;

use crate::store::Store;

pub struct Metrics {
    ttfr: Histogram<f64>,
    alerts: Counter<u64>,
    _unanswered: ObservableGauge<u64>,
    _oldest: ObservableGauge<f64>,
}

/// Bucket bounds for time to first reply, in seconds: minutes to a day.
const TTFR_BUCKETS: [f64; 12] = [
    60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 43200.0, 86400.0, 172800.0,
];

impl Metrics {
    /// Instruments on `meter`; the unanswered gauges read `store` for each
    /// forum in `forums` when collected.
    pub fn new(meter: &Meter, store: Arc<Store>, forums: Vec<String>, clock: SharedClock) -> Self {
        let ttfr = meter
            .f64_histogram("modstream_responsiveness_ttfr_seconds")
            .with_description("Time from a post becoming visible to its first reply")
            .with_unit("s")
            .with_boundaries(TTFR_BUCKETS.to_vec())
            .build();
        let alerts = meter
            .u64_counter("modstream_responsiveness_alerts_total")
            .with_description("Unanswered-post alerts raised and resolved")
            .build();
        let oldest = {
            let store = store.clone();
            let forums = forums.clone();
            meter
                .f64_observable_gauge("modstream_responsiveness_oldest_unanswered_seconds")
                .with_description("How long the longest-waiting unanswered post has waited")
                .with_unit("s")
                .with_callback(move |observer| {
                    let now = clock
                        .now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_millis() as i64);
                    for forum in &forums {
                        match store.oldest_unanswered(forum) {
                            Ok(Some(visible)) => observer.observe(
                                (now - visible).max(0) as f64 / 1000.0,
                                &[KeyValue::new("forum", forum.clone())],
                            ),
                            Ok(None) => {}
                            Err(err) => {
                                tracing::warn!(error = %err, "cannot read unanswered posts")
                            }
                        }
                    }
                })
                .build()
        };
        let unanswered = meter
            .u64_observable_gauge("modstream_responsiveness_unanswered_posts")
            .with_description("Visible posts waiting for their first reply")
            .with_callback(move |observer| {
                for forum in &forums {
                    match store.unanswered_count(forum) {
                        Ok(count) => {
                            observer.observe(count, &[KeyValue::new("forum", forum.clone())])
                        }
                        Err(err) => tracing::warn!(error = %err, "cannot count unanswered posts"),
                    }
                }
            })
            .build();
        Self {
            ttfr,
            alerts,
            _unanswered: unanswered,
            _oldest: oldest,
        }
    }

    /// A post of `forum`/`board` got its first reply after `ttfr_ms`.
    pub fn first_reply(&self, forum: &str, board: &str, ttfr_ms: i64, by_peer: bool) {
        let replier = if by_peer { "peer" } else { "staff" };
        self.ttfr.record(
            ttfr_ms.max(0) as f64 / 1000.0,
            &[
                KeyValue::new("forum", forum.to_owned()),
                KeyValue::new("board", board.to_owned()),
                KeyValue::new("replier", replier),
            ],
        );
    }

    /// An alert of `forum` at `level` changed to `state`.
    pub fn alert(&self, forum: &str, level: &'static str, state: &'static str) {
        self.alerts.add(
            1,
            &[
                KeyValue::new("forum", forum.to_owned()),
                KeyValue::new("level", level),
                KeyValue::new("state", state),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
    use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

    use super::*;

    #[test]
    fn instruments_record_with_low_cardinality_labels() {
        let exporter = InMemoryMetricExporter::default();
        let provider = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(sled::open(dir.path()).unwrap()).unwrap());
        let metrics = Metrics::new(
            &provider.meter("test"),
            store,
            vec!["f".into()],
            modstream_clock::system(),
        );
        metrics.first_reply("f", "b", 90_000, true);
        metrics.alert("f", "nudge", "raised");
        provider.force_flush().unwrap();

        let exported = exporter.get_finished_metrics().unwrap();
        let all: Vec<_> = exported
            .iter()
            .flat_map(|r| r.scope_metrics())
            .flat_map(|s| s.metrics())
            .collect();
        let find = |name: &str| {
            *all.iter()
                .find(|m| m.name() == name)
                .unwrap_or_else(|| panic!("{name} missing"))
        };

        let AggregatedMetrics::F64(MetricData::Histogram(ttfr)) =
            find("modstream_responsiveness_ttfr_seconds").data()
        else {
            panic!("ttfr is a histogram")
        };
        let point = ttfr.data_points().next().unwrap();
        assert_eq!((point.count(), point.sum()), (1, 90.0));
        let labels: Vec<String> = point.attributes().map(|kv| kv.key.to_string()).collect();
        assert_eq!(labels.len(), 3, "{labels:?}");
        assert!(
            labels
                .iter()
                .all(|l| ["forum", "board", "replier"].contains(&l.as_str())),
            "{labels:?}"
        );

        let AggregatedMetrics::U64(MetricData::Sum(alerts)) =
            find("modstream_responsiveness_alerts_total").data()
        else {
            panic!("alerts is a counter")
        };
        assert_eq!(alerts.data_points().next().unwrap().value(), 1);

        let AggregatedMetrics::U64(MetricData::Gauge(unanswered)) =
            find("modstream_responsiveness_unanswered_posts").data()
        else {
            panic!("unanswered is a gauge")
        };
        assert_eq!(unanswered.data_points().next().unwrap().value(), 0);
    }
}

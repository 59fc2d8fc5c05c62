//! OpenTelemetry metrics in the Prometheus text exposition format (0.0.4).
//!
//! Instrument names are already Prometheus names (`modstream_..._total`,
//! `..._seconds`), so they are written as they are: the names in the alert
//! rules and Grafana dashboards are the names in the code.

use std::fmt::Write as _;

use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, Metric, MetricData, ResourceMetrics};

/// Renders every metric in `metrics`.
pub fn render(metrics: &ResourceMetrics) -> String {
    let mut out = String::new();
    for scope in metrics.scope_metrics() {
        for metric in scope.metrics() {
            match metric.data() {
                AggregatedMetrics::F64(data) => write_metric(&mut out, metric, data),
                AggregatedMetrics::U64(data) => write_metric(&mut out, metric, data),
                AggregatedMetrics::I64(data) => write_metric(&mut out, metric, data),
            }
        }
    }
    out
}

/// A number as Prometheus writes it.
trait Sample: Copy {
    fn text(self) -> String;
}

impl Sample for f64 {
    fn text(self) -> String {
        if self.is_nan() {
            "NaN".into()
        } else if self.is_infinite() {
            if self > 0.0 { "+Inf" } else { "-Inf" }.into()
        } else {
            self.to_string()
        }
    }
}

impl Sample for u64 {
    fn text(self) -> String {
        self.to_string()
    }
}

impl Sample for i64 {
    fn text(self) -> String {
        self.to_string()
    }
}

fn write_metric<T: Sample>(out: &mut String, metric: &Metric, data: &MetricData<T>) {
    let name = metric.name();
    let kind = match data {
        MetricData::Gauge(_) => "gauge",
        MetricData::Sum(sum) if sum.is_monotonic() => "counter",
        MetricData::Sum(_) => "gauge",
        MetricData::Histogram(_) => "histogram",
        // Not used by modstream; skipped rather than written wrongly.
        MetricData::ExponentialHistogram(_) => return,
    };
    let _ = writeln!(out, "# HELP {name} {}", escape_help(metric.description()));
    let _ = writeln!(out, "# TYPE {name} {kind}");
    match data {
        MetricData::Gauge(gauge) => {
            for point in gauge.data_points() {
                sample(out, name, point.attributes(), None, &point.value().text());
            }
        }
        MetricData::Sum(sum) => {
            for point in sum.data_points() {
                sample(out, name, point.attributes(), None, &point.value().text());
            }
        }
        MetricData::Histogram(histogram) => {
            for point in histogram.data_points() {
                // OpenTelemetry counts per bucket; Prometheus buckets are
                // cumulative ("at most le").
                let mut cumulative = 0u64;
                for (bound, count) in point.bounds().zip(point.bucket_counts()) {
                    cumulative += count;
                    sample(
                        out,
                        &format!("{name}_bucket"),
                        point.attributes(),
                        Some(&bound.text()),
                        &cumulative.to_string(),
                    );
                }
                sample(
                    out,
                    &format!("{name}_bucket"),
                    point.attributes(),
                    Some("+Inf"),
                    &point.count().to_string(),
                );
                sample(
                    out,
                    &format!("{name}_sum"),
                    point.attributes(),
                    None,
                    &point.sum().text(),
                );
                sample(
                    out,
                    &format!("{name}_count"),
                    point.attributes(),
                    None,
                    &point.count().to_string(),
                );
            }
        }
        MetricData::ExponentialHistogram(_) => {}
    }
}

fn sample<'a>(
    out: &mut String,
    name: &str,
    labels: impl Iterator<Item = &'a KeyValue>,
    le: Option<&str>,
    value: &str,
) {
    let mut pairs: Vec<(String, String)> = labels
        .map(|kv| (label_name(kv.key.as_str()), kv.value.to_string()))
        .collect();
    // A stable order, so one series always reads the same.
    pairs.sort();
    if let Some(le) = le {
        pairs.push(("le".into(), le.into()));
    }
    out.push_str(name);
    if !pairs.is_empty() {
        out.push('{');
        for (i, (key, value)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{key}=\"{}\"", escape_value(value));
        }
        out.push('}');
    }
    out.push(' ');
    out.push_str(value);
    out.push('\n');
}

/// Label names may hold only `[a-zA-Z0-9_]`.
fn label_name(key: &str) -> String {
    key.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn escape_value(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

fn escape_help(help: &str) -> String {
    help.replace('\\', r"\\").replace('\n', r"\n")
}

#[cfg(test)]
mod tests {
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::SdkMeterProvider;

    use super::*;
    use crate::metrics::SharedReader;

    #[test]
    fn counters_gauges_and_histograms_render_as_prometheus_text() {
        let reader = SharedReader::default();
        let provider = SdkMeterProvider::builder()
            .with_reader(reader.clone())
            .build();
        let meter = provider.meter("test");
        let counter = meter
            .u64_counter("things_total")
            .with_description("Things")
            .build();
        counter.add(2, &[KeyValue::new("forum", "a\"b")]);
        counter.add(1, &[KeyValue::new("forum", "c")]);
        let histogram = meter
            .f64_histogram("wait_seconds")
            .with_boundaries(vec![1.0, 10.0])
            .build();
        histogram.record(0.5, &[]);
        histogram.record(5.0, &[]);
        histogram.record(50.0, &[]);
        let _gauge = meter
            .u64_observable_gauge("waiting")
            .with_callback(|observer| observer.observe(7, &[KeyValue::new("forum", "c")]))
            .build();

        let text = reader.render().unwrap();
        for line in [
            "# HELP things_total Things",
            "# TYPE things_total counter",
            "things_total{forum=\"a\\\"b\"} 2",
            "things_total{forum=\"c\"} 1",
            "# TYPE wait_seconds histogram",
            "wait_seconds_bucket{le=\"1\"} 1",
            "wait_seconds_bucket{le=\"10\"} 2",
            "wait_seconds_bucket{le=\"+Inf\"} 3",
            "wait_seconds_sum 55.5",
            "wait_seconds_count 3",
            "# TYPE waiting gauge",
            "waiting{forum=\"c\"} 7",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing in\n{text}"
            );
        }
    }
}

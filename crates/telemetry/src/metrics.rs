//! Metrics: the process's OpenTelemetry meter provider, read on demand by the
//! Prometheus scrape endpoint and, when a collector is configured, pushed
//! over OTLP as well.
//!
//! Services create their instruments from `opentelemetry::global::meter`;
//! [`init_metrics`] must run first for them to record anything.

use std::future::Future;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use modstream_config::TelemetryConfig;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{
    InstrumentKind, ManualReader, Pipeline, SdkMeterProvider, Temporality,
};
use tokio::net::TcpListener;

use crate::prometheus;

static PROVIDER: OnceLock<(SdkMeterProvider, SharedReader)> = OnceLock::new();

/// How often metrics are pushed to an OTLP collector.
const OTLP_PUSH_EVERY: Duration = Duration::from_secs(15);

/// A pull reader the scrape endpoint and the meter provider share (the
/// provider takes its reader by value).
#[derive(Debug, Clone, Default)]
pub struct SharedReader(Arc<ManualReader>);

impl SharedReader {
    /// Collects every instrument now and renders it for Prometheus.
    pub fn render(&self) -> Result<String, OTelSdkError> {
        let mut metrics = ResourceMetrics::default();
        self.0.collect(&mut metrics)?;
        Ok(prometheus::render(&metrics))
    }
}

impl MetricReader for SharedReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline)
    }
    fn collect(&self, metrics: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.collect(metrics)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

/// Installs the global meter provider, once per process. With an OTLP
/// endpoint, metrics are also pushed there. Must run inside a Tokio runtime
/// (the OTLP exporter's gRPC channel lives on it).
pub fn init_metrics(resource: Resource, config: &TelemetryConfig) {
    PROVIDER.get_or_init(|| {
        let reader = SharedReader::default();
        let mut builder = SdkMeterProvider::builder()
            .with_resource(resource)
            .with_reader(reader.clone());
        if !config.otlp_endpoint.is_empty() {
            match opentelemetry_otlp::MetricExporter::builder()
                .with_tonic()
                .with_endpoint(config.otlp_endpoint.clone())
                .build()
            {
                Ok(exporter) => {
                    builder = builder.with_reader(
                        opentelemetry_sdk::metrics::PeriodicReader::builder(exporter)
                            .with_interval(OTLP_PUSH_EVERY)
                            .build(),
                    )
                }
                Err(err) => tracing::warn!(
                    endpoint = %config.otlp_endpoint, error = %err,
                    "cannot export metrics over OTLP; the scrape endpoint still serves them"
                ),
            }
        }
        let provider = builder.build();
        opentelemetry::global::set_meter_provider(provider.clone());
        (provider, reader)
    });
}

/// Flushes and stops the meter provider (at shutdown).
pub(crate) fn shutdown_metrics() {
    if let Some((provider, _)) = PROVIDER.get() {
        let _ = provider.shutdown();
    }
}

/// This process's metrics in the Prometheus text format, collected now.
fn scrape() -> Result<String, String> {
    let Some((_, reader)) = PROVIDER.get() else {
        return Err("metrics are not initialised in this process".into());
    };
    reader.render().map_err(|err| err.to_string())
}

async fn metrics_handler() -> impl IntoResponse {
    // Collecting runs the gauges' callbacks, some of which read sled.
    match tokio::task::spawn_blocking(scrape).await {
        Ok(Ok(text)) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Ok(Err(err)) => (StatusCode::SERVICE_UNAVAILABLE, err).into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

/// Serves `GET /metrics` on `listener` (over TLS with `tls`) until
/// `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    tls: Option<&modstream_tls::ServerTls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new().route("/metrics", get(metrics_handler));
    modstream_tls::serve_http(listener, tls, app, shutdown).await
}

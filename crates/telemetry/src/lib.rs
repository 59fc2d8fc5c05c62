//! Logs, traces and metrics for modstream.
//!
//! - [`init`]: installs the log subscriber (text or JSON), an OpenTelemetry
//!   tracer provider and a meter provider, once per process. With
//!   `telemetry.otlp_endpoint` set, spans and metrics are exported over OTLP.
//! - [`metrics`]: the Prometheus scrape endpoint (`GET /metrics`).
//! - [`trace`]: W3C trace context across process boundaries: extract it from
//!   gRPC metadata or bus headers, start a span under it, inject it into the
//!   headers of the records written to the bus. This is how a trace started at
//!   a forum's gRPC call continues in the consumers on the other side of Kafka.

pub mod metrics;
mod prometheus;
pub mod trace;

use std::sync::OnceLock;

use modstream_config::{LogFormat, TelemetryConfig};
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Installs logging, tracing and metrics for this process, which runs as
/// `service` (e.g. `modstream-gateway`, or `modstream` for `modstream up`).
/// Later calls do nothing. Must run inside a Tokio runtime when OTLP export
/// is configured.
pub fn init(service: &'static str, config: &TelemetryConfig) {
    init_logs(config);
    init_traces(service, config);
    metrics::init_metrics(resource(service), config);
}

/// Installs the log subscriber (stdout, text or JSON), unless one is set.
pub fn init_logs(config: &TelemetryConfig) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|err| {
        eprintln!(
            "telemetry.log_filter {:?} is not valid ({err}); using \"info\"",
            config.log_filter
        );
        EnvFilter::new("info")
    });
    // OpenTelemetry's own start-up chatter is not for operators.
    let filter = filter.add_directive("opentelemetry=warn".parse().expect("static directive"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    // try_init fails only if a subscriber is already installed: keep that one.
    let _ = match config.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Installs the OpenTelemetry tracer provider, once: spans get real ids, and
/// are exported over OTLP when an endpoint is configured.
pub fn init_traces(service: &'static str, config: &TelemetryConfig) {
    PROVIDER.get_or_init(|| {
        let mut builder = SdkTracerProvider::builder().with_resource(resource(service));
        if !config.otlp_endpoint.is_empty() {
            match opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(config.otlp_endpoint.clone())
                .build()
            {
                Ok(exporter) => builder = builder.with_batch_exporter(exporter),
                Err(err) => tracing::warn!(
                    endpoint = %config.otlp_endpoint, error = %err,
                    "cannot export traces over OTLP; spans stay in this process"
                ),
            }
        }
        let provider = builder.build();
        opentelemetry::global::set_tracer_provider(provider.clone());
        provider
    });
}

fn resource(service: &'static str) -> Resource {
    Resource::builder().with_service_name(service).build()
}

/// Flushes and stops the tracer and meter providers (at shutdown).
pub fn shutdown() {
    if let Some(provider) = PROVIDER.get() {
        let _ = provider.shutdown();
    }
    metrics::shutdown_metrics();
}

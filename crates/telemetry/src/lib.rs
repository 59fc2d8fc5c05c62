//! Logs and traces for modstream.
//!
//! - [`init`]: installs the log subscriber (text or JSON) and an OpenTelemetry
//!   tracer provider, once per process ([`init_logs`], [`init_traces`]).
//! - [`trace`]: W3C trace context across process boundaries: extract it from
//!   gRPC metadata or bus headers, start a span under it, inject it into the
//!   headers of the records written to the bus. This is how a trace started at
//!   a forum's gRPC call continues in the consumers on the other side of Kafka.

pub mod trace;

use std::sync::OnceLock;

use modstream_config::{LogFormat, TelemetryConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Installs logging and tracing for this process. Later calls do nothing, so
/// every service of `modstream up` may call it.
pub fn init(config: &TelemetryConfig) {
    init_logs(config);
    init_traces();
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

/// Installs the OpenTelemetry tracer provider, once: spans get real ids.
pub fn init_traces() {
    PROVIDER.get_or_init(|| {
        // Spans get real ids and parents; exporting them (OTLP) is configured
        // with the collector in deploy/.
        let provider = SdkTracerProvider::builder().build();
        opentelemetry::global::set_tracer_provider(provider.clone());
        provider
    });
}

/// Flushes and stops the tracer provider (at shutdown).
pub fn shutdown() {
    if let Some(provider) = PROVIDER.get() {
        let _ = provider.shutdown();
    }
}

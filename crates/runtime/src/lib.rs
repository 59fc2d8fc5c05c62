//! Process bootstrap shared by modstream's binaries.
//!
//! - [`open_bus`]: the bus the config asks for (Kafka or the embedded log).
//! - [`shutdown_signal`]: resolves on Ctrl-C or SIGTERM, to start a drain.
//! - [`config_from_args`]: the config of a service binary run as
//!   `<binary> [--config FILE]`.

use std::time::Duration;

use modstream_bus::{Bus, BusError, BusOptions};
use modstream_config::Config;

/// Loads the config of a service binary run as `<binary> [--config FILE]`:
/// the file if given, then the `MODSTREAM_*` environment.
pub fn config_from_args(binary: &str) -> Result<Config, String> {
    let mut args = std::env::args().skip(1);
    let path = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("--config"), Some(path)) => Some(std::path::PathBuf::from(path)),
        _ => return Err(format!("usage: {binary} [--config FILE]")),
    };
    Config::load(path.as_deref(), std::env::vars())
        .map_err(|err| format!("loading the config: {err}"))
}

/// The bus options the config describes.
pub fn bus_options(config: &Config) -> BusOptions {
    BusOptions {
        brokers: config.bus.brokers.clone(),
        partitions: config.bus.partitions,
        replication_factor: config.bus.replication_factor,
        delivery_timeout: Duration::from_millis(config.bus.delivery_timeout_ms),
        kafka_properties: config
            .bus
            .kafka
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// Opens the bus the config asks for: Kafka when `bus.brokers` is set,
/// otherwise the embedded log under `data_dir`.
pub fn open_bus(config: &Config) -> Result<Bus, BusError> {
    Bus::open(&bus_options(config), &config.data_dir)
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received: draining"),
        () = terminate => tracing::info!("SIGTERM received: draining"),
    }
}

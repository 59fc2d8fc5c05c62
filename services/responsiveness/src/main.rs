//! `modstream-responsiveness [--config FILE]`: the responsiveness service as
//! its own process (for a Kafka deployment).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use modstream_config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let config_path = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("--config"), Some(path)) => Some(PathBuf::from(path)),
        _ => bail!("usage: modstream-responsiveness [--config FILE]"),
    };
    let config =
        Config::load(config_path.as_deref(), std::env::vars()).context("loading the config")?;
    modstream_telemetry::init(&config.telemetry);
    let bus = modstream_runtime::open_bus(&config)?;
    let listener = tokio::net::TcpListener::bind(config.responsiveness.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.responsiveness.listen))?;
    let result = modstream_responsiveness::serve(
        &config,
        bus,
        modstream_clock::system(),
        listener,
        modstream_runtime::shutdown_signal(),
    )
    .await;
    modstream_telemetry::shutdown();
    result
}

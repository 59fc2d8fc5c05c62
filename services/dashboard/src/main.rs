//! `modstream-dashboard [--config FILE]`: the operations dashboard as
//! its own process (for a Kafka deployment).

use anyhow::Context as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config =
        modstream_runtime::config_from_args("modstream-dashboard").map_err(anyhow::Error::msg)?;
    modstream_telemetry::init(&config.telemetry);
    let bus = modstream_runtime::open_bus(&config)?;
    let listener = tokio::net::TcpListener::bind(config.dashboard.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.dashboard.listen))?;
    let result = modstream_dashboard::serve(
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

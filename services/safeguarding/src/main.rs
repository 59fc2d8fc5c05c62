//! `modstream-safeguarding [--config FILE]`: the safeguarding service as
//! its own process (for a Kafka deployment).

use anyhow::Context as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = modstream_runtime::config_from_args("modstream-safeguarding")
        .map_err(anyhow::Error::msg)?;
    modstream_telemetry::init(&config.telemetry);
    let bus = modstream_runtime::open_bus(&config)?;
    let listener = tokio::net::TcpListener::bind(config.safeguarding.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.safeguarding.listen))?;
    let result = modstream_safeguarding::serve(
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

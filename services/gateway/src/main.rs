//! `modstream-gateway [--config FILE]`: the ingest gateway as its own process
//! (for a Kafka deployment). On one machine, `modstream up` runs it with
//! everything else.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config =
        modstream_runtime::config_from_args("modstream-gateway").map_err(anyhow::Error::msg)?;
    modstream_telemetry::init("modstream-gateway", &config.telemetry);
    let (_, _metrics) = modstream_runtime::metrics_endpoint(&config).await?;
    let bus = modstream_runtime::open_bus(&config)?;
    let result = modstream_gateway::run(&config, bus, modstream_runtime::shutdown_signal()).await;
    modstream_telemetry::shutdown();
    result
}

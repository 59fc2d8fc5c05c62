//! `modstream-gateway`: the ingest gateway as its own process (for a Kafka
//! deployment). On one machine, `modstream up` runs it with everything else.

use std::path::PathBuf;

use anyhow::Context as _;
use modstream_config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config_path = std::env::args().nth(1).map(PathBuf::from);
    let config =
        Config::load(config_path.as_deref(), std::env::vars()).context("loading the config")?;
    modstream_telemetry::init(&config.telemetry);
    let bus = modstream_runtime::open_bus(&config)?;
    let result = modstream_gateway::run(&config, bus, modstream_runtime::shutdown_signal()).await;
    modstream_telemetry::shutdown();
    result
}

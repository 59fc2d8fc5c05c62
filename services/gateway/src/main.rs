//! `modstream-gateway [--config FILE]`: the ingest gateway as its own process
//! (for a Kafka deployment). On one machine, `modstream up` runs it with
//! everything else.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use modstream_config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let config_path = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("--config"), Some(path)) => Some(PathBuf::from(path)),
        _ => bail!("usage: modstream-gateway [--config FILE]"),
    };
    let config =
        Config::load(config_path.as_deref(), std::env::vars()).context("loading the config")?;
    modstream_telemetry::init(&config.telemetry);
    let bus = modstream_runtime::open_bus(&config)?;
    let result = modstream_gateway::run(&config, bus, modstream_runtime::shutdown_signal()).await;
    modstream_telemetry::shutdown();
    result
}

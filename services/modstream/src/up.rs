//! `modstream up`: the whole system in one process.

use std::path::PathBuf;

use anyhow::Context as _;
use modstream_config::{Config, DEMO_FORUMS};

pub async fn up(config_path: Option<PathBuf>) -> anyhow::Result<()> {
    let config = match &config_path {
        Some(path) => Config::load(Some(path), std::env::vars()).context("loading the config")?,
        None => {
            let mut config = Config::demo();
            // The environment still applies to the demo (e.g. another port).
            let overridden =
                Config::load(None, std::env::vars()).context("reading MODSTREAM_* variables")?;
            config.data_dir = overridden.data_dir;
            config.bus = overridden.bus;
            config.gateway = overridden.gateway;
            config.telemetry = overridden.telemetry;
            config
        }
    };
    modstream_telemetry::init(&config.telemetry);

    if config_path.is_none() {
        println!("No --config given: running the built-in demo (not for real members).");
        for forum in DEMO_FORUMS {
            println!("  demo forum {:<12} API key {}", forum.id, forum.api_key);
        }
    }
    let bus_kind = if config.uses_embedded_bus() {
        format!("embedded log in {}", config.data_dir.join("bus").display())
    } else {
        format!("Kafka at {}", config.bus.brokers)
    };
    let bus = modstream_runtime::open_bus(&config).context("opening the bus")?;
    let listener = tokio::net::TcpListener::bind(config.gateway.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.gateway.listen))?;
    println!("modstream is up. Bus: {bus_kind}.");
    println!(
        "  gateway (gRPC ingest, health, reflection): {}",
        listener.local_addr()?
    );
    println!("Try: modstream client --key <API key> post --forum <forum> --body \"...\"");
    println!("Ctrl-C stops it cleanly.");

    let result = modstream_gateway::serve(
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

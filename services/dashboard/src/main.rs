//! `modstream-dashboard [--config FILE]`: the operations dashboard as
//! its own process (for a Kafka deployment).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    modstream_runtime::run_service(
        "modstream-dashboard",
        |config| config.dashboard.listen,
        |config, bus, clock, listener, shutdown| async move {
            modstream_dashboard::serve(&config, bus, clock, listener, shutdown).await
        },
    )
    .await
}

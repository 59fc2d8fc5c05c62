//! `modstream-responsiveness [--config FILE]`: the responsiveness service as
//! its own process (for a Kafka deployment).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    modstream_runtime::run_service(
        "modstream-responsiveness",
        |config| config.responsiveness.listen,
        |config, bus, clock, listener, shutdown| async move {
            modstream_responsiveness::serve(&config, bus, clock, listener, shutdown).await
        },
    )
    .await
}

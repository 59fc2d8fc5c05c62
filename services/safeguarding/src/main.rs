//! `modstream-safeguarding [--config FILE]`: the safeguarding service as
//! its own process (for a Kafka deployment).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    modstream_runtime::run_service(
        "modstream-safeguarding",
        |config| config.safeguarding.listen,
        |config, bus, clock, listener, shutdown| async move {
            modstream_safeguarding::serve(&config, bus, clock, listener, shutdown).await
        },
    )
    .await
}

//! The ingest gateway: the only door into modstream for forum platforms.
//!
//! It authenticates each call by the forum's API key, validates every event,
//! replaces member ids with per-forum pseudonyms, assigns a UUID v7 event id,
//! and writes the event to the forum-events topic keyed by forum and thread.
//! A call is answered only after the bus confirmed the write.
//!
//! Modules:
//! - [`service`]: the `Ingest` gRPC service;
//! - [`check`]: validation and conversion to the bus event;
//! - [`pseudonym`]: keyed member pseudonyms;
//! - [`tenants`]: forums and API keys;
//! - [`idempotency`]: what was published, so retries are safe;
//! - [`erasure`]: members' erasure epochs (a new pseudonym after erasure);
//! - [`error`]: per-event errors and their gRPC codes.

pub mod check;
pub mod erasure;
pub mod error;
pub mod idempotency;
pub mod limits;
pub mod metrics;
pub mod pseudonym;
pub mod service;
pub mod tenants;

use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context as _;
use modstream_bus::Bus;
use modstream_clock::SharedClock;
use modstream_config::Config;
use modstream_proto::topics::FORUM_EVENTS;
use modstream_proto::v1::ingest_server::IngestServer;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

use crate::check::Limits;
use crate::idempotency::IdempotencyStore;
use crate::service::Ingest;
use crate::tenants::Tenants;

/// Largest gRPC request accepted: a full batch of maximal bodies would be
/// larger, but real batches are far smaller and this bounds memory per call.
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Binds the configured address and serves until `shutdown` resolves.
pub async fn run(
    config: &Config,
    bus: Bus,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.gateway.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.gateway.listen))?;
    serve(config, bus, modstream_clock::system(), listener, shutdown).await
}

/// Serves the gateway on `listener` until `shutdown` resolves, then drains:
/// reports NOT_SERVING, stops accepting, finishes calls in flight, flushes the
/// bus and the local store.
pub async fn serve(
    config: &Config,
    bus: Bus,
    clock: SharedClock,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let address: SocketAddr = listener.local_addr()?;
    let tls = modstream_tls::ServerTls::from_config(config)?;
    bus.ensure_topics(&[FORUM_EVENTS])
        .await
        .context("cannot create the forum-events topic")?;
    let state_dir = config.data_dir.join("gateway");
    let db =
        sled::open(&state_dir).with_context(|| format!("cannot open {}", state_dir.display()))?;
    let ingest = Ingest {
        tenants: Tenants::from_config(&config.forums)?,
        limits: Limits::from(&config.gateway),
        max_batch_events: config.gateway.max_batch_events,
        bus: bus.clone(),
        store: IdempotencyStore::open(db.clone())?,
        epochs: erasure::Epochs::open(&db)?,
        overload: limits::Limits::new(&config.gateway, clock.clone()),
        clock,
        metrics: Default::default(),
    };

    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<IngestServer<Ingest>>().await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(modstream_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;

    tracing::info!(%address, forums = config.forums.len(), tls = tls.is_some(), "gateway listening");
    let draining = async {
        shutdown.await;
        tracing::info!("gateway draining");
        health.set_not_serving::<IngestServer<Ingest>>().await;
    };
    let mut server = tonic::transport::Server::builder();
    if let Some(tls) = &tls {
        server = server
            .tls_config(tls.grpc())
            .context("TLS for the gateway")?;
    }
    server
        .add_service(health_service)
        .add_service(reflection)
        .add_service(IngestServer::new(ingest).max_decoding_message_size(MAX_REQUEST_BYTES))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), draining)
        .await?;

    bus.flush().await.context("flushing the bus at shutdown")?;
    modstream_bus::flush_sled(&db)
        .await
        .context("flushing the gateway store at shutdown")?;
    tracing::info!("gateway stopped");
    Ok(())
}

//! The responsiveness service: how long each new post waits for its first
//! reply (time-to-first-reply, TTFR), and which posts are still unanswered.
//!
//! It consumes the forum-events topic into a sled view and answers queries
//! over gRPC (`modstream.v1.Responsiveness`).
//!
//! Modules:
//! - [`thread`]: one thread's state and the exact definitions (when the clock
//!   starts, what counts as the first reply, what leaves the unanswered set);
//! - [`survival`]: Kaplan–Meier percentiles that count unanswered posts as
//!   censored waits instead of dropping them;
//! - [`stats`]: the figures of one forum over a window;
//! - [`store`]: the sled view;
//! - [`alerts`]: unanswered-post alerts (deadlines, raise once, resolve);
//! - [`consume`]: the bus consumer;
//! - [`metrics`]: OpenTelemetry instruments (TTFR, unanswered, alerts);
//! - [`service`]: the gRPC API.

pub mod alerts;
pub mod consume;
pub mod metrics;
pub mod service;
pub mod stats;
pub mod store;
pub mod survival;
pub mod thread;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use modstream_bus::Bus;
use modstream_clock::SharedClock;
use modstream_config::Config;
use modstream_proto::topics::{ALERTS, FORUM_EVENTS};
use modstream_proto::v1::responsiveness_server::ResponsivenessServer;
use modstream_runtime::OwnedTask;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_stream::wrappers::TcpListenerStream;

use crate::alerts::Alerts;
use crate::metrics::Metrics;
use crate::service::Queries;
use crate::store::Store;

/// sled's page cache for the responsiveness database.
const SLED_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Opens the responsiveness database as the service does. The bulk of the
/// state stays on disk; the cache bounds what sled keeps in memory however
/// many posts are tracked.
pub fn open_db(dir: &std::path::Path) -> Result<sled::Db, sled::Error> {
    sled::Config::new()
        .path(dir)
        .cache_capacity(SLED_CACHE_BYTES)
        .open()
}

/// Consumes the bus and serves queries on `listener` until `shutdown`
/// resolves; then stops consuming (committing what was applied), drains the
/// API, and flushes the store.
pub async fn serve(
    config: &Config,
    bus: Bus,
    clock: SharedClock,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    let tls = modstream_tls::ServerTls::from_config(config)?;
    bus.ensure_topics(&[FORUM_EVENTS, ALERTS])
        .await
        .context("cannot create the responsiveness topics")?;
    let dir = config.data_dir.join("responsiveness");
    let db = open_db(&dir).with_context(|| format!("cannot open {}", dir.display()))?;
    let store = Arc::new(Store::open(db.clone())?);
    let thresholds = config
        .forums
        .iter()
        .map(|f| (f.id.clone(), f.alerts))
        .collect();
    let meter = opentelemetry::global::meter("modstream-responsiveness");
    let forum_ids = config.forums.iter().map(|f| f.id.clone()).collect();
    let metrics = Arc::new(Metrics::new(
        &meter,
        store.clone(),
        forum_ids,
        clock.clone(),
    ));
    let alerts = Arc::new(
        Alerts::open(db, bus.clone(), clock.clone(), thresholds)?.with_metrics(metrics.clone()),
    );
    let subscription = bus.subscribe(&config.responsiveness.consumer_group, &[FORUM_EVENTS])?;
    let _lag = modstream_runtime::ConsumerLag::start(
        &bus,
        &config.responsiveness.consumer_group,
        &[FORUM_EVENTS],
    )?;
    let (stop, stopped) = watch::channel(false);
    let caught_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let consumer = OwnedTask::spawn(consume::run(
        subscription,
        store.clone(),
        alerts.clone(),
        metrics,
        caught_up.clone(),
        stopped.clone(),
    ));
    let timer = OwnedTask::spawn(alerts::run_timer(
        alerts.clone(),
        store.clone(),
        Duration::from_millis(config.responsiveness.alert_check_interval_ms.max(10)),
        caught_up,
        stopped,
    ));

    let watchdog_clock = clock.clone();
    let queries = Queries {
        store: store.clone(),
        alerts,
        thresholds: config
            .forums
            .iter()
            .map(|f| (f.id.clone(), f.alerts))
            .collect(),
        keys: modstream_auth::ForumKeys::from_config(&config.forums)?,
        targets: config
            .forums
            .iter()
            .map(|f| (f.id.clone(), (f.reply_target_minutes * 60_000) as i64))
            .collect(),
        clock,
    };
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<ResponsivenessServer<Queries>>().await;
    // A stuck consumer means figures and alerts go stale: say so on health.
    let watchdog = modstream_runtime::Watchdog::new(
        &bus,
        &config.responsiveness.consumer_group,
        &[FORUM_EVENTS],
        Duration::from_secs(config.bus.consumer_stall_secs),
        watchdog_clock,
    )?
    .spawn_for_health::<ResponsivenessServer<Queries>>(health.clone());
    tracing::info!(%address, tls = tls.is_some(), "responsiveness listening");
    let draining = async {
        shutdown.await;
        drop(watchdog); // draining is NOT_SERVING whatever the consumer does
        health
            .set_not_serving::<ResponsivenessServer<Queries>>()
            .await;
    };
    let mut server = tonic::transport::Server::builder();
    if let Some(tls) = &tls {
        server = server
            .tls_config(tls.grpc())
            .context("TLS for responsiveness")?;
    }
    let served = server
        .add_service(health_service)
        .add_service(ResponsivenessServer::new(queries))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), draining)
        .await;

    let _ = stop.send(true);
    consumer.join().await.context("the consumer task failed")?;
    timer.join().await.context("the alert timer failed")?;
    store.flush().await?;
    tracing::info!("responsiveness stopped");
    served.map_err(Into::into)
}

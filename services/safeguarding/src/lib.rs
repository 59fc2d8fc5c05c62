//! The safeguarding service: posts from people who may be in crisis reach a
//! human moderator on shift, and modstream keeps at it until one has
//! acknowledged. modstream never hides or removes a post: it routes to
//! humans, and asks the forum to show the author where to get help.
//!
//! It consumes the forum-events topic, assesses every post, reply and edit
//! with `modstream-risk`, and serves three gRPC APIs (`modstream.v1`
//! `Moderation`, `Rosters`, `ForumActions`).
//!
//! Modules:
//! - [`roster`]: weekly shifts in a forum's time zone, overrides, who is on
//!   shift at an instant, the next gap in cover;
//! - [`routing`]: the fair choice of a moderator, with the crisis cap;
//! - [`desk`]: the escalation state machine (open, join, notify,
//!   acknowledge, resolve, hand over, re-escalate);
//! - [`store`]: the sled state, written in atomic batches;
//! - [`outbox`]: writes lifecycle events and forum actions to the bus;
//! - [`consume`]: the bus consumer;
//! - [`service`]: the gRPC APIs;
//! - [`metrics`]: OpenTelemetry instruments.

pub mod consume;
pub mod desk;
pub mod metrics;
pub mod outbox;
pub mod roster;
pub mod routing;
pub mod service;
pub mod store;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use modstream_bus::Bus;
use modstream_clock::SharedClock;
use modstream_config::Config;
use modstream_proto::topics::{ESCALATIONS, FORUM_ACTIONS, FORUM_EVENTS, ROSTERS};
use modstream_proto::v1::forum_actions_server::ForumActionsServer;
use modstream_proto::v1::moderation_server::ModerationServer;
use modstream_proto::v1::rosters_server::RostersServer;
use modstream_runtime::OwnedTask;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio_stream::wrappers::TcpListenerStream;

use crate::desk::Desk;
use crate::service::{ForumActionsApi, ModerationApi, RostersApi};
use crate::store::Store;

/// How long a drain waits for clients to close their connections.
const DRAIN_GRACE: Duration = Duration::from_secs(10);

/// sled's page cache for the safeguarding database.
const SLED_CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// Opens the service's state under `<data_dir>/safeguarding`.
pub fn open_store(config: &Config) -> anyhow::Result<Arc<Store>> {
    let dir = config.data_dir.join("safeguarding");
    let db = sled::Config::new()
        .path(&dir)
        .cache_capacity(SLED_CACHE_BYTES)
        .open()
        .with_context(|| format!("cannot open {}", dir.display()))?;
    Ok(Arc::new(Store::open(db)?))
}

/// How often what members wrote is checked against its retention.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// Purges expired post texts (see [`Desk::purge_expired`]) at start and
/// every `every` until `stop` changes.
pub async fn run_retention(desk: Arc<Desk>, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = ticks.tick() => {}
        }
        match desk.purge_expired().await {
            Ok(purged) if purged != Default::default() => {
                tracing::info!(?purged, "purged post texts past their retention")
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = %err, "purging expired post texts failed; next pass retries")
            }
        }
    }
}

/// Re-escalates due escalations every `every` until `stop` changes.
pub async fn run_timer(desk: Arc<Desk>, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = ticks.tick() => {}
        }
        if let Err(err) = desk.check_deadlines().await {
            // The deadline stays; the next tick tries again.
            tracing::warn!(error = %err, "checking acknowledgement deadlines failed");
        }
    }
}

/// Consumes the bus and serves the APIs on `listener` until `shutdown`
/// resolves; then stops consuming (committing what was applied), drains the
/// APIs, writes what is queued to the bus and flushes the store.
pub async fn serve(
    config: &Config,
    bus: Bus,
    clock: SharedClock,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    let tls = modstream_tls::ServerTls::from_config(config)?;
    bus.ensure_topics(&[FORUM_EVENTS, ESCALATIONS, FORUM_ACTIONS, ROSTERS])
        .await
        .context("cannot create the safeguarding topics")?;
    let store = open_store(config)?;
    let outbox_ready = Arc::new(Notify::new());
    let desk = Arc::new(Desk::new(
        config,
        store.clone(),
        clock.clone(),
        outbox_ready.clone(),
    )?);
    let _gauges = metrics::observe(Arc::downgrade(&desk));
    let subscription = bus.subscribe(&config.safeguarding.consumer_group, &[FORUM_EVENTS])?;
    let _lag = modstream_runtime::ConsumerLag::start(
        &bus,
        &config.safeguarding.consumer_group,
        &[FORUM_EVENTS],
    )?;
    let (stop, stopped) = watch::channel(false);
    let consumer = OwnedTask::spawn(consume::run(subscription, desk.clone(), stopped.clone()));
    let timer = OwnedTask::spawn(run_timer(
        desk.clone(),
        Duration::from_millis(config.safeguarding.deadline_check_interval_ms.max(10)),
        stopped.clone(),
    ));
    let retention = OwnedTask::spawn(run_retention(
        desk.clone(),
        RETENTION_EVERY,
        stopped.clone(),
    ));
    let bus_for_watchdog = bus.clone();
    let publisher = OwnedTask::spawn(outbox::run(store.clone(), bus, outbox_ready, stopped));

    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_serving::<ModerationServer<ModerationApi>>()
        .await;
    // A stuck consumer means escalations are not being opened: say so on
    // health, where the orchestrator and the alert rules look.
    let watchdog = modstream_runtime::Watchdog::new(
        &bus_for_watchdog,
        &config.safeguarding.consumer_group,
        &[FORUM_EVENTS],
        Duration::from_secs(config.bus.consumer_stall_secs),
        clock,
    )?
    .spawn_for_health::<ModerationServer<ModerationApi>>(health.clone());
    tracing::info!(%address, tls = tls.is_some(), "safeguarding listening");
    let (close_streams, closing) = watch::channel(false);
    let (signalled, grace_starts) = tokio::sync::oneshot::channel::<()>();
    let draining = async {
        shutdown.await;
        drop(watchdog); // draining is NOT_SERVING whatever the consumer does
        let _ = signalled.send(());
        let _ = close_streams.send(true);
        health
            .set_not_serving::<ModerationServer<ModerationApi>>()
            .await;
    };
    let mut server = tonic::transport::Server::builder();
    if let Some(tls) = &tls {
        server = server
            .tls_config(tls.grpc())
            .context("TLS for safeguarding")?;
    }
    let server = server
        .add_service(health_service)
        .add_service(ModerationServer::new(ModerationApi {
            desk: desk.clone(),
            keys: modstream_auth::ModeratorKeys::from_config(&config.forums)?,
            closing: closing.clone(),
        }))
        .add_service(RostersServer::new(RostersApi {
            desk: desk.clone(),
            keys: modstream_auth::AdminKeys::from_config(&config.forums)?,
        }))
        .add_service(ForumActionsServer::new(ForumActionsApi {
            desk,
            keys: modstream_auth::ForumKeys::from_config(&config.forums)?,
            closing,
        }))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), draining);
    // A client that never closes its connection must not keep the service
    // (and every escalation queued in the outbox) from stopping.
    let served = tokio::select! {
        served = server => served,
        () = async {
            if grace_starts.await.is_ok() {
                tokio::time::sleep(DRAIN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {
            tracing::warn!("connections still open {DRAIN_GRACE:?} after the drain began; closing them");
            Ok(())
        }
    };

    tracing::info!("safeguarding draining: stopping the consumer, the timer and the outbox");
    let _ = stop.send(true);
    consumer.join().await.context("the consumer task failed")?;
    tracing::debug!("safeguarding consumer stopped");
    timer.join().await.context("the deadline timer failed")?;
    retention
        .join()
        .await
        .context("the retention task failed")?;
    tracing::debug!("safeguarding timer stopped");
    publisher.join().await.context("the outbox task failed")?;
    tracing::debug!("safeguarding outbox stopped");
    store.flush().await?;
    tracing::info!("safeguarding stopped");
    served.map_err(Into::into)
}

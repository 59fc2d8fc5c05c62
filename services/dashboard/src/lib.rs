//! The operations dashboard: one web page where operations staff see, live,
//! whether each forum is answering its members and whether every crisis has
//! a human on it.
//!
//! It consumes the forum-events and escalations topics into its own view
//! (so it runs wherever the bus reaches, as its own process or inside
//! `modstream up`) and serves the page, a JSON overview, one JSON page per
//! forum and server-sent events. It shows ids, boards, ages, counts and
//! severities: never post text or pseudonyms.
//!
//! Modules:
//! - [`view`]: what is shown, built from the bus;
//! - [`escalation`]: each escalation's state and timeline, without text;
//! - [`forum`]: one forum's page (time to first reply over time, the
//!   unanswered list by urgency, escalations, the week's cover, the
//!   federation median) and the computations behind it;
//! - [`http`]: the web server, sign-in, the overview, the forum pages and
//!   their live updates.

pub mod escalation;
pub mod forum;
pub mod http;
pub mod view;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use modstream_bus::{Bus, Subscription};
use modstream_clock::SharedClock;
use modstream_config::Config;
use modstream_proto::topics::{ESCALATIONS, FORUM_EVENTS, ROSTERS};
use modstream_runtime::{ConsumerLag, OwnedTask};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::view::View;

/// How often the tiles' bus lag is refreshed from the lag monitors.
const LAG_REFRESH: Duration = Duration::from_secs(1);

/// sled's page cache for the dashboard's view.
const SLED_CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// Applies every record to the view, commits its offset once it is on disk,
/// and bumps `changed` so live pages update.
async fn consume(
    mut subscription: Subscription,
    view: Arc<View>,
    changed: watch::Sender<u64>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let message = tokio::select! {
            _ = stop.changed() => break,
            message = subscription.next() => message,
        };
        match message {
            Ok(message) => {
                let applied = match view.apply(&message.topic, &message.payload) {
                    Ok(()) => view.flush().await,
                    Err(err) => Err(err),
                };
                if let Err(err) = applied {
                    tracing::error!(error = %err, "cannot apply a record; stopping the dashboard consumer");
                    break;
                }
                if let Err(err) = subscription.commit(&message) {
                    tracing::warn!(error = %err, "cannot commit an offset");
                }
                changed.send_modify(|version| *version += 1);
            }
            Err(err) => {
                tracing::warn!(error = %err, "bus read failed; retrying");
                tokio::select! {
                    _ = stop.changed() => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
    if let Err(err) = subscription.close().await {
        tracing::warn!(error = %err, "closing the subscription");
    }
}

/// Consumes the bus and serves the dashboard on `listener` until `shutdown`
/// resolves.
pub async fn serve(
    config: &Config,
    bus: Bus,
    clock: SharedClock,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    let tls = modstream_tls::ServerTls::from_config(config)?;
    bus.ensure_topics(&[FORUM_EVENTS, ESCALATIONS, ROSTERS])
        .await
        .context("cannot create the dashboard's topics")?;
    let dir = config.data_dir.join("dashboard");
    let db = sled::Config::new()
        .path(&dir)
        .cache_capacity(SLED_CACHE_BYTES)
        .open()
        .with_context(|| format!("cannot open {}", dir.display()))?;
    let view = Arc::new(View::open(config, db, clock)?);
    let topics = [FORUM_EVENTS, ESCALATIONS, ROSTERS];
    let subscription = bus.subscribe(&config.dashboard.consumer_group, &topics)?;
    // The tiles' figures are as fresh as the slowest of the consumers behind
    // them: the dashboard's own, and the two services whose work it shows.
    let lags = [
        ConsumerLag::start(&bus, &config.dashboard.consumer_group, &topics)?,
        ConsumerLag::watch(&bus, &config.responsiveness.consumer_group, &[FORUM_EVENTS])?,
        ConsumerLag::watch(&bus, &config.safeguarding.consumer_group, &[FORUM_EVENTS])?,
    ];
    let _lag_to_view = OwnedTask::spawn({
        let view = view.clone();
        async move {
            loop {
                view.set_bus_lag(lags.iter().map(ConsumerLag::records).max().unwrap_or(0));
                tokio::time::sleep(LAG_REFRESH).await;
            }
        }
    });
    let (stop, stopped) = watch::channel(false);
    let (changed, changes) = watch::channel(0u64);
    let consumer = OwnedTask::spawn(consume(
        subscription,
        view.clone(),
        changed,
        stopped.clone(),
    ));
    let app = http::App::new(view.clone(), &config.ops_viewers, changes, stopped);
    tracing::info!(%address, tls = tls.is_some(), "dashboard listening");
    let stop_for_shutdown = stop.clone();
    let served = modstream_tls::serve_http(listener, tls.as_ref(), app.router(), async move {
        shutdown.await;
        // Live pages end their streams, so the drain does not wait on them.
        let _ = stop_for_shutdown.send(true);
    })
    .await;
    let _ = stop.send(true);
    consumer
        .join()
        .await
        .context("the dashboard consumer failed")?;
    view.flush().await?;
    tracing::info!("dashboard stopped");
    served.map_err(Into::into)
}

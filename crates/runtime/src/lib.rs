//! Process bootstrap shared by modstream's binaries.
//!
//! - [`open_bus`]: the bus the config asks for (Kafka or the embedded log).
//! - [`shutdown_signal`]: resolves on Ctrl-C or SIGTERM, to start a drain.
//! - [`config_from_args`]: the config of a service binary run as
//!   `<binary> [--config FILE]`.
//! - [`OwnedTask`]: a spawned task that is cancelled when its owner drops it,
//!   so no task outlives the service that started it.
//! - [`metrics_endpoint`]: serves this process's Prometheus metrics.
//! - [`ConsumerLag`]: a consumer group's lag, measured every few seconds and
//!   exported as `modstream_bus_consumer_lag`.
//! - [`run_service`]: the whole `main` of a service binary.

use std::time::Duration;

use modstream_bus::{Bus, BusError, BusOptions};
use modstream_config::Config;

/// Loads the config of a service binary run as `<binary> [--config FILE]`:
/// the file if given, then the `MODSTREAM_*` environment. The TLS files, if
/// any, are checked here too, so a bad one stops the process before it
/// listens anywhere.
pub fn config_from_args(binary: &str) -> Result<Config, String> {
    let mut args = std::env::args().skip(1);
    let path = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("--config"), Some(path)) => Some(std::path::PathBuf::from(path)),
        _ => return Err(format!("usage: {binary} [--config FILE]")),
    };
    let config = Config::load(path.as_deref(), std::env::vars())
        .map_err(|err| format!("loading the config: {err}"))?;
    modstream_tls::ServerTls::from_config(&config).map_err(|err| format!("TLS: {err}"))?;
    Ok(config)
}

/// The bus options the config describes.
pub fn bus_options(config: &Config) -> BusOptions {
    BusOptions {
        brokers: config.bus.brokers.clone(),
        partitions: config.bus.partitions,
        replication_factor: config.bus.replication_factor,
        delivery_timeout: Duration::from_millis(config.bus.delivery_timeout_ms),
        kafka_properties: config
            .bus
            .kafka
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// Opens the bus the config asks for: Kafka when `bus.brokers` is set,
/// otherwise the embedded log under `data_dir`.
pub fn open_bus(config: &Config) -> Result<Bus, BusError> {
    Bus::open(&bus_options(config), &config.data_dir)
}

/// The `main` of a service binary run as `<binary> [--config FILE]`: loads
/// the config, starts telemetry, opens the bus, listens on the address
/// `listen` picks from the config, and runs `serve` until Ctrl-C or
/// SIGTERM.
pub async fn run_service<F, Fut>(
    binary: &'static str,
    listen: impl FnOnce(&Config) -> std::net::SocketAddr,
    serve: F,
) -> anyhow::Result<()>
where
    F: FnOnce(
        Config,
        Bus,
        modstream_clock::SharedClock,
        tokio::net::TcpListener,
        std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    ) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let config = config_from_args(binary).map_err(anyhow::Error::msg)?;
    modstream_telemetry::init(binary, &config.telemetry);
    let (_, _metrics) = metrics_endpoint(&config).await?;
    let bus = open_bus(&config)?;
    let address = listen(&config);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
    let result = serve(
        config,
        bus,
        modstream_clock::system(),
        listener,
        Box::pin(shutdown_signal()),
    )
    .await;
    modstream_telemetry::shutdown();
    result
}

/// Serves `GET /metrics` on `telemetry.metrics_listen` (over TLS when the
/// config has `[tls]`, like every listener) until the returned task is
/// dropped; returns the address it listens on.
pub async fn metrics_endpoint(
    config: &Config,
) -> anyhow::Result<(std::net::SocketAddr, OwnedTask<()>)> {
    let address = config.telemetry.metrics_listen;
    let tls = modstream_tls::ServerTls::from_config(config)?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address} for metrics: {e}"))?;
    let bound = listener.local_addr()?;
    let task = OwnedTask::spawn(async move {
        if let Err(err) =
            modstream_telemetry::metrics::serve(listener, tls.as_ref(), std::future::pending())
                .await
        {
            tracing::error!(error = %err, "the metrics endpoint stopped");
        }
    });
    Ok((bound, task))
}

/// How often consumer lag is measured.
const LAG_EVERY: Duration = Duration::from_secs(5);

/// A consumer group's lag, measured every few seconds while this is held and
/// exported as the gauge `modstream_bus_consumer_lag{group, topic}` (records
/// written to the topic that the group has not committed yet).
#[derive(Debug)]
pub struct ConsumerLag {
    latest: std::sync::Arc<std::sync::Mutex<Vec<modstream_bus::TopicLag>>>,
    _task: OwnedTask<()>,
}

impl ConsumerLag {
    /// Measures `group`'s lag and exports it (call it where the group
    /// consumes, so each group is exported once).
    pub fn start(bus: &Bus, group: &str, topics: &[&str]) -> Result<Self, BusError> {
        Self::run(bus, group, topics, true)
    }

    /// Measures another component's group's lag without exporting it (its
    /// own process exports it).
    pub fn watch(bus: &Bus, group: &str, topics: &[&str]) -> Result<Self, BusError> {
        Self::run(bus, group, topics, false)
    }

    fn run(bus: &Bus, group: &str, topics: &[&str], export: bool) -> Result<Self, BusError> {
        let monitor = bus.lag_monitor(group, topics)?;
        let latest =
            std::sync::Arc::new(std::sync::Mutex::new(Vec::<modstream_bus::TopicLag>::new()));
        let gauge = export.then(|| {
            let latest = latest.clone();
            let group = group.to_owned();
            opentelemetry::global::meter("modstream-bus")
                .u64_observable_gauge("modstream_bus_consumer_lag")
                .with_description("Records on the bus a consumer group has not committed yet")
                .with_callback(move |observer| {
                    for lag in latest.lock().expect("lag lock").iter() {
                        observer.observe(
                            lag.records,
                            &[
                                opentelemetry::KeyValue::new("group", group.clone()),
                                opentelemetry::KeyValue::new("topic", lag.topic.clone()),
                            ],
                        );
                    }
                })
                .build()
        });
        let task = OwnedTask::spawn({
            let latest = latest.clone();
            async move {
                let _gauge = gauge; // observed for as long as this runs
                loop {
                    match monitor.measure().await {
                        Ok(lag) => *latest.lock().expect("lag lock") = lag,
                        Err(err) => {
                            tracing::warn!(group = monitor.group(), error = %err, "cannot measure consumer lag")
                        }
                    }
                    tokio::time::sleep(LAG_EVERY).await;
                }
            }
        });
        Ok(Self {
            latest,
            _task: task,
        })
    }

    /// Total records behind, over all topics, at the last measurement.
    pub fn records(&self) -> u64 {
        self.latest
            .lock()
            .expect("lag lock")
            .iter()
            .map(|l| l.records)
            .sum()
    }
}

/// Whether a consumer group is keeping up (see [`Watchdog`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Committing, or nothing waiting for it.
    Healthy,
    /// Records wait for the group, and it has committed nothing for `for_`.
    Stalled { behind: u64, for_: Duration },
}

/// Notices a consumer that stopped making progress while records wait for
/// it (its task died, or it is stuck on one record): the group's committed
/// offsets have not moved for `stall_after` while its lag is above zero. An
/// idle consumer with nothing to read is healthy. Time is the injected
/// clock's, so tests move it by hand.
#[derive(Debug)]
pub struct Watchdog {
    monitor: modstream_bus::LagMonitor,
    stall_after: Duration,
    clock: modstream_clock::SharedClock,
    /// The committed total last seen, and since when it has not moved.
    last: Option<(u64, std::time::SystemTime)>,
}

impl Watchdog {
    pub fn new(
        bus: &Bus,
        group: &str,
        topics: &[&str],
        stall_after: Duration,
        clock: modstream_clock::SharedClock,
    ) -> Result<Self, BusError> {
        Ok(Self {
            monitor: bus.lag_monitor(group, topics)?,
            stall_after,
            clock,
            last: None,
        })
    }

    /// Measures the group now.
    pub async fn check(&mut self) -> Result<Progress, BusError> {
        let lags = self.monitor.measure().await?;
        let behind: u64 = lags.iter().map(|l| l.records).sum();
        let committed: u64 = lags.iter().map(|l| l.committed).sum();
        let now = self.clock.now();
        let since = match self.last {
            Some((seen, since)) if seen == committed && behind > 0 => since,
            _ => now,
        };
        self.last = Some((committed, since));
        let idle_for = now.duration_since(since).unwrap_or_default();
        Ok(if behind > 0 && idle_for >= self.stall_after {
            Progress::Stalled {
                behind,
                for_: idle_for,
            }
        } else {
            Progress::Healthy
        })
    }

    /// Checks every few seconds until dropped (the returned task), and
    /// reports service `S` `NOT_SERVING` on gRPC health while the consumer is
    /// stuck, `SERVING` again once it moves.
    pub fn spawn_for_health<S: tonic::server::NamedService>(
        self,
        health: tonic_health::server::HealthReporter,
    ) -> OwnedTask<()> {
        self.spawn(move |stalled| {
            let health = health.clone();
            async move {
                if stalled {
                    health.set_not_serving::<S>().await
                } else {
                    health.set_serving::<S>().await
                }
            }
        })
    }

    /// Checks every few seconds until dropped (the returned task), calling
    /// `on_change(stalled)` when the verdict changes, e.g. to set gRPC
    /// health.
    pub fn spawn<F, Fut>(mut self, on_change: F) -> OwnedTask<()>
    where
        F: Fn(bool) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        OwnedTask::spawn(async move {
            let mut stalled = false;
            loop {
                match self.check().await {
                    Ok(Progress::Stalled { behind, for_ }) => {
                        if !stalled {
                            tracing::error!(
                                group = self.monitor.group(),
                                behind,
                                stalled_secs = for_.as_secs(),
                                "a consumer is stuck: records wait and nothing was committed; reporting NOT_SERVING"
                            );
                            stalled = true;
                            on_change(true).await;
                        }
                    }
                    Ok(Progress::Healthy) => {
                        if stalled {
                            tracing::info!(
                                group = self.monitor.group(),
                                "the consumer is making progress again"
                            );
                            stalled = false;
                            on_change(false).await;
                        }
                    }
                    Err(err) => {
                        tracing::warn!(group = self.monitor.group(), error = %err, "cannot check consumer progress")
                    }
                }
                tokio::time::sleep(LAG_EVERY).await;
            }
        })
    }
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received: draining"),
        () = terminate => tracing::info!("SIGTERM received: draining"),
    }
}

/// A spawned task owned by whoever holds this handle: dropping it aborts the
/// task, so when a service's future is cancelled (or panics) its consumer
/// and timer tasks stop with it instead of running on detached.
#[derive(Debug)]
pub struct OwnedTask<T>(Option<tokio::task::JoinHandle<T>>);

impl<T: Send + 'static> OwnedTask<T> {
    pub fn spawn(future: impl std::future::Future<Output = T> + Send + 'static) -> Self {
        Self(Some(tokio::spawn(future)))
    }

    /// Waits for the task to finish.
    pub async fn join(mut self) -> Result<T, tokio::task::JoinError> {
        self.0.take().expect("joined once").await
    }
}

impl<T> Drop for OwnedTask<T> {
    fn drop(&mut self) {
        if let Some(handle) = &self.0 {
            handle.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dropping_an_owned_task_cancels_it() {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
        let task = OwnedTask::spawn(async move {
            let _keep = tx; // dropped only when the task ends
            std::future::pending::<()>().await;
        });
        drop(task);
        assert!(
            rx.recv().await.is_none(),
            "the task ended and dropped its sender"
        );
    }

    #[tokio::test]
    async fn the_watchdog_flags_a_group_that_commits_nothing_while_records_wait() {
        use modstream_bus::{BusOptions, Record};
        use modstream_clock::ManualClock;

        let dir = tempfile::tempdir().unwrap();
        let bus = Bus::open(&BusOptions::embedded(2), dir.path()).unwrap();
        bus.ensure_topics(&["t"]).await.unwrap();
        let clock = std::sync::Arc::new(ManualClock::new(std::time::UNIX_EPOCH));
        let mut dog =
            Watchdog::new(&bus, "g", &["t"], Duration::from_secs(60), clock.clone()).unwrap();
        assert_eq!(dog.check().await.unwrap(), Progress::Healthy);
        clock.advance(Duration::from_secs(600));
        assert_eq!(
            dog.check().await.unwrap(),
            Progress::Healthy,
            "idle with nothing to read is fine"
        );

        for i in 0..3 {
            bus.publish("t", Record::new(format!("k{i}"), "v"))
                .await
                .unwrap();
        }
        assert_eq!(dog.check().await.unwrap(), Progress::Healthy);
        clock.advance(Duration::from_secs(59));
        assert_eq!(dog.check().await.unwrap(), Progress::Healthy);
        clock.advance(Duration::from_secs(1));
        assert_eq!(
            dog.check().await.unwrap(),
            Progress::Stalled {
                behind: 3,
                for_: Duration::from_secs(60)
            }
        );

        // The group commits one: progress, so healthy again.
        let mut sub = bus.subscribe("g", &["t"]).unwrap();
        let first = sub.next().await.unwrap();
        sub.commit(&first).unwrap();
        assert_eq!(dog.check().await.unwrap(), Progress::Healthy);
        clock.advance(Duration::from_secs(61));
        assert!(matches!(
            dog.check().await.unwrap(),
            Progress::Stalled { behind: 2, .. }
        ));
    }

    #[tokio::test]
    async fn a_joined_task_returns_its_value() {
        assert_eq!(OwnedTask::spawn(async { 7 }).join().await.unwrap(), 7);
    }
}

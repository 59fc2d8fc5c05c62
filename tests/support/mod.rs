//! Support for modstream's black-box tests: start the system on port 0 in
//! this process, talk to it over real gRPC, read what reached the bus.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use modstream_bus::{Bus, BusOptions, Message, Subscription};
use modstream_clock::SharedClock;
use modstream_config::{
    Config, ForumConfig, ModeratorConfig, RosterConfig, ShiftConfig, api_key_hash,
};
use modstream_proto::convert;
use modstream_proto::topics::FORUM_EVENTS;
use modstream_proto::v1::{
    self, AuthorRole, EventHeader, NewPost, NewReply, ingest_client::IngestClient,
};
use modstream_testkit::Broker;
use prost::Message as _;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// Two test forums; their keys and secrets are test-only.
pub const ALPHA: &str = "alpha";
pub const BETA: &str = "beta";
pub const ALPHA_KEY: &str = "test-key-alpha-0d5c";
pub const BETA_KEY: &str = "test-key-beta-81f2";
pub const GAMMA: &str = "gamma";
pub const GAMMA_KEY: &str = "test-key-gamma-3c07";

/// Moderator console tokens and admin keys of the test forums (test-only).
/// Alpha: ana and ben around the clock, ana leads. Beta: cai, never on
/// shift; alpha's team is its partner.
pub const ANA_TOKEN: &str = "test-token-alpha-ana-5e1a";
pub const BEN_TOKEN: &str = "test-token-alpha-ben-07c3";
pub const CAI_TOKEN: &str = "test-token-beta-cai-9d42";
pub const ALPHA_ADMIN_KEY: &str = "test-admin-alpha-41bb";
pub const BETA_ADMIN_KEY: &str = "test-admin-beta-c802";
/// Dashboard sign-in tokens: federation-wide, alpha's only, beta's only.
pub const OPS_FEDERATION_TOKEN: &str = "test-ops-federation-6a1d";
pub const OPS_ALPHA_TOKEN: &str = "test-ops-alpha-2e9b";
pub const OPS_BETA_TOKEN: &str = "test-ops-beta-7f30";

/// How long any wait in a test may take before it fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// Which bus the system under test runs on.
pub enum BusKind {
    Embedded,
    /// A Tansu broker process started for this test.
    Kafka(Broker),
}

/// A running gateway plus the bus it writes to.
pub struct System {
    pub address: SocketAddr,
    pub config: Config,
    pub bus: Bus,
    pub bus_kind: BusKind,
    pub clock: SharedClock,
    data_dir: Arc<tempfile::TempDir>,
    server: Option<(oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)>,
    /// The responsiveness service, when started.
    pub responsiveness: Option<Service>,
    /// The safeguarding service, when started.
    pub safeguarding: Option<Service>,
}

/// What a test service waits on to stop.
type Shutdown = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A service running in this process on a loopback port.
pub struct Service {
    pub address: SocketAddr,
    stop: oneshot::Sender<()>,
    handle: JoinHandle<anyhow::Result<()>>,
}

impl Service {
    /// Stops the service gracefully and waits for it.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.handle.await.unwrap().unwrap();
    }
}

pub fn test_config(data_dir: PathBuf) -> Config {
    let mut config = Config {
        data_dir,
        ..Config::default()
    };
    config.gateway.listen = ([127, 0, 0, 1], 0).into();
    config.gateway.max_body_bytes = 4_096;
    config.bus.partitions = 3;
    config.bus.delivery_timeout_ms = 3_000;
    // Tests move a manual clock; look for due alerts often.
    config.responsiveness.alert_check_interval_ms = 20;
    config.safeguarding.deadline_check_interval_ms = 20;
    config.forums = vec![
        ForumConfig {
            id: ALPHA.into(),
            name: "Alpha test forum".into(),
            api_key_sha256: vec![api_key_hash(ALPHA_KEY)],
            pseudonym_secret: Some("11".repeat(32)),
            reply_target_minutes: 30,
            ..Default::default()
        },
        ForumConfig {
            id: BETA.into(),
            name: "Beta test forum".into(),
            api_key_sha256: vec![api_key_hash(BETA_KEY)],
            pseudonym_secret: Some("22".repeat(32)),
            reply_target_minutes: 30,
            ..Default::default()
        },
        ForumConfig {
            id: GAMMA.into(),
            name: "Gamma test forum".into(),
            api_key_sha256: vec![api_key_hash(GAMMA_KEY)],
            pseudonym_secret: Some("33".repeat(32)),
            reply_target_minutes: 30,
            ..Default::default()
        },
    ];
    let moderator = |id: &str, token: &str| ModeratorConfig {
        id: id.into(),
        name: String::new(),
        token_sha256: vec![api_key_hash(token)],
    };
    let (alpha, beta) = config.forums.split_at_mut(1);
    alpha[0].moderators = vec![moderator("ana", ANA_TOKEN), moderator("ben", BEN_TOKEN)];
    alpha[0].admin_key_sha256 = vec![api_key_hash(ALPHA_ADMIN_KEY)];
    alpha[0].roster = Some(RosterConfig {
        time_zone: "Europe/London".into(),
        shifts: vec![ShiftConfig {
            days: vec!["daily".into()],
            start: "00:00".into(),
            end: "24:00".into(),
            moderators: vec!["ana".into(), "ben".into()],
            lead: Some("ana".into()),
        }],
        ..Default::default()
    });
    beta[0].moderators = vec![moderator("cai", CAI_TOKEN)];
    beta[0].admin_key_sha256 = vec![api_key_hash(BETA_ADMIN_KEY)];
    beta[0].safeguarding.partner_forum = Some(ALPHA.into());
    config.ops_viewers = vec![
        modstream_config::OpsViewerConfig {
            id: "ops-all".into(),
            token_sha256: vec![api_key_hash(OPS_FEDERATION_TOKEN)],
            forum: None,
        },
        modstream_config::OpsViewerConfig {
            id: "ops-alpha".into(),
            token_sha256: vec![api_key_hash(OPS_ALPHA_TOKEN)],
            forum: Some(ALPHA.into()),
        },
        modstream_config::OpsViewerConfig {
            id: "ops-beta".into(),
            token_sha256: vec![api_key_hash(OPS_BETA_TOKEN)],
            forum: Some(BETA.into()),
        },
    ];
    config
}

impl System {
    /// Starts the system on the embedded log.
    pub async fn embedded() -> Self {
        Self::start(BusKind::Embedded, modstream_clock::system()).await
    }

    /// Starts the system on a fresh Tansu broker.
    pub async fn kafka() -> Self {
        Self::start(BusKind::Kafka(Broker::start()), modstream_clock::system()).await
    }

    pub async fn start(bus_kind: BusKind, clock: SharedClock) -> Self {
        // Real tracer provider, so the gateway's spans have their own ids.
        modstream_telemetry::init_traces("modstream-tests", &Default::default());
        let data_dir = Arc::new(tempfile::tempdir().unwrap());
        let mut config = test_config(data_dir.path().to_owned());
        if let BusKind::Kafka(broker) = &bus_kind {
            config.bus.brokers = broker.bootstrap();
        }
        let bus = modstream_runtime::open_bus(&config).unwrap();
        let mut system = System {
            address: ([127, 0, 0, 1], 0).into(),
            config,
            bus,
            bus_kind,
            clock,
            data_dir,
            server: None,
            responsiveness: None,
            safeguarding: None,
        };
        system.start_gateway().await;
        system
    }

    async fn start_gateway(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.config.gateway.listen)
            .await
            .unwrap();
        self.address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let config = self.config.clone();
        let bus = self.bus.clone();
        let clock = self.clock.clone();
        let handle = tokio::spawn(async move {
            modstream_gateway::serve(&config, bus, clock, listener, async {
                let _ = stopped.await;
            })
            .await
        });
        self.server = Some((stop, handle));
        // Ready once it answers health checks.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Ok(channel) = Channel::from_shared(format!("http://{}", self.address))
                .unwrap()
                .connect()
                .await
            {
                let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
                if health
                    .check(tonic_health::pb::HealthCheckRequest {
                        service: String::new(),
                    })
                    .await
                    .is_ok()
                {
                    return;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "gateway did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the gateway gracefully (drain, flush).
    pub async fn stop_gateway(&mut self) {
        if let Some((stop, handle)) = self.server.take() {
            let _ = stop.send(());
            handle.await.unwrap().unwrap();
        }
    }

    /// Stops the gateway and starts a new one on the same data directory.
    pub async fn restart_gateway(&mut self) {
        self.stop_gateway().await;
        self.start_gateway().await;
    }

    /// Runs `serve` (a service's `serve` function) on a loopback port with
    /// this system's bus and clock, until the returned service is stopped.
    async fn start_service<F, Fut>(&self, config: Config, serve: F) -> Service
    where
        F: FnOnce(Config, Bus, SharedClock, tokio::net::TcpListener, Shutdown) -> Fut
            + Send
            + 'static,
        Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown: Shutdown = Box::pin(async {
            let _ = stopped.await;
        });
        let handle = tokio::spawn(serve(
            config,
            self.bus.clone(),
            self.clock.clone(),
            listener,
            shutdown,
        ));
        Service {
            address,
            stop,
            handle,
        }
    }

    /// Starts a responsiveness service with `config` (e.g. another data dir
    /// or consumer group) on this system's bus and clock.
    pub async fn start_responsiveness_with(&self, config: Config) -> Service {
        self.start_service(
            config,
            |config, bus, clock, listener, shutdown| async move {
                modstream_responsiveness::serve(&config, bus, clock, listener, shutdown).await
            },
        )
        .await
    }

    /// Starts (or restarts) this system's responsiveness service.
    pub async fn start_responsiveness(&mut self) {
        if let Some(service) = self.responsiveness.take() {
            service.stop().await;
        }
        self.responsiveness = Some(self.start_responsiveness_with(self.config.clone()).await);
    }

    /// Starts a safeguarding service with `config` on this system's bus and
    /// clock.
    pub async fn start_safeguarding_with(&self, config: Config) -> Service {
        self.start_service(
            config,
            |config, bus, clock, listener, shutdown| async move {
                modstream_safeguarding::serve(&config, bus, clock, listener, shutdown).await
            },
        )
        .await
    }

    /// Starts the operations dashboard on this system's bus and clock.
    pub async fn start_dashboard(&self) -> Service {
        self.start_service(
            self.config.clone(),
            |config, bus, clock, listener, shutdown| async move {
                modstream_dashboard::serve(&config, bus, clock, listener, shutdown).await
            },
        )
        .await
    }

    /// Starts (or restarts) this system's safeguarding service.
    pub async fn start_safeguarding(&mut self) {
        if let Some(service) = self.safeguarding.take() {
            service.stop().await;
        }
        self.safeguarding = Some(self.start_safeguarding_with(self.config.clone()).await);
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.path().to_owned()
    }

    /// A gRPC client of the gateway.
    pub async fn client(&self) -> IngestClient<Channel> {
        IngestClient::connect(format!("http://{}", self.address))
            .await
            .unwrap()
    }

    /// A `Moderation` client of the running safeguarding service, retrying
    /// the connection until it listens.
    pub async fn moderation(
        &self,
    ) -> modstream_proto::v1::moderation_client::ModerationClient<Channel> {
        let address = self
            .safeguarding
            .as_ref()
            .expect("safeguarding started")
            .address;
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            match modstream_proto::v1::moderation_client::ModerationClient::connect(format!(
                "http://{address}"
            ))
            .await
            {
                Ok(client) => return client,
                Err(_) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await
                }
                Err(err) => panic!("safeguarding not reachable: {err}"),
            }
        }
    }

    /// A raw channel to the gateway, for hand-made requests.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.address))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// A reader of the forum-events topic in its own consumer group.
    pub fn reader(&self, group: &str) -> Reader {
        Reader {
            subscription: self.bus.subscribe(group, &[FORUM_EVENTS]).unwrap(),
        }
    }

    /// Options to reach the same bus from a new handle.
    pub fn bus_options(&self) -> BusOptions {
        modstream_runtime::bus_options(&self.config)
    }
}

impl Drop for System {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.server.take() {
            let _ = stop.send(());
            handle.abort();
        }
        for service in [self.responsiveness.take(), self.safeguarding.take()]
            .into_iter()
            .flatten()
        {
            let _ = service.stop.send(());
            service.handle.abort();
        }
    }
}

/// Reads decoded events from the forum-events topic.
pub struct Reader {
    subscription: Subscription,
}

impl Reader {
    pub async fn next(&mut self) -> (Message, v1::Event) {
        let message = tokio::time::timeout(WAIT, self.subscription.next())
            .await
            .expect("an event on the bus in time")
            .expect("bus error");
        let event = v1::Event::decode(message.payload.as_slice()).expect("a valid Event");
        (message, event)
    }

    /// Reads events until one with `source_id` arrives; returns all read.
    /// Order holds only within a thread, so use it only for sources in the
    /// same thread as everything the test expects before them.
    pub async fn until(&mut self, source_id: &str) -> Vec<(Message, v1::Event)> {
        self.until_all(&[source_id]).await
    }

    /// Reads events until every one of `source_ids` has arrived.
    pub async fn until_all(&mut self, source_ids: &[&str]) -> Vec<(Message, v1::Event)> {
        let mut missing: Vec<&str> = source_ids.to_vec();
        let mut read = Vec::new();
        while !missing.is_empty() {
            let (message, event) = self.next().await;
            missing.retain(|id| *id != event.source_id);
            read.push((message, event));
        }
        read
    }
}

/// Adds `authorization: Bearer <key>` to a request.
pub fn authorized<T>(message: T, key: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {key}").parse().unwrap());
    request
}

pub fn header(forum: &str, source_id: &str) -> Option<EventHeader> {
    Some(EventHeader {
        forum_id: forum.into(),
        source_id: source_id.into(),
        occurred_at: Some(convert::timestamp(SystemTime::now())),
    })
}

/// A valid opening post by `member`.
pub fn post(thread: &str, member: &str, body: &str) -> NewPost {
    NewPost {
        thread_id: thread.into(),
        board_id: "general".into(),
        author_member_id: member.into(),
        author_role: AuthorRole::Member as i32,
        first_post_in_forum: false,
        title: "A title".into(),
        body: body.into(),
        no_replies_wanted: false,
        content_warnings: vec![],
        held_for_premoderation: false,
    }
}

/// A valid reply by `member` to the thread's opening post.
pub fn reply(thread: &str, member: &str, body: &str) -> NewReply {
    NewReply {
        thread_id: thread.into(),
        in_reply_to: thread.into(),
        author_member_id: member.into(),
        author_role: AuthorRole::Member as i32,
        body: body.into(),
        board_id: String::new(),
        held_for_premoderation: false,
    }
}

//! modstream's configuration.
//!
//! One typed [`Config`] for the whole deployment, read from a TOML file (see
//! `modstream.example.toml`, which documents every setting), then overridden
//! by `MODSTREAM_*` environment variables. Unknown keys and unknown
//! `MODSTREAM_*` variables are errors, because a typo in a safety-relevant
//! setting must not pass silently.
//!
//! - [`Config::load`]: file + environment, validated.
//! - [`Config::demo`]: the built-in demo deployment used by `modstream up`
//!   when no config file is given.
//! - [`api_key_hash`]: how API keys are hashed for the config.

mod demo;
mod env;

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use demo::{DEMO_FORUMS, DEMO_OPS_VIEWERS, DemoForum, DemoModerator};

/// The demo's extra risk term (as in `modstream.example.toml`).
fn demo_risk_options() -> modstream_risk::AssessorOptions {
    modstream_risk::AssessorOptions {
        extra_terms: vec![modstream_risk::ExtraTerm {
            id: "riverside.big-sleep".into(),
            pattern: "\\bthe big sleep\\b".into(),
            level: modstream_risk::Level::High,
            description: "local slang for suicide".into(),
        }],
        ..Default::default()
    }
}

/// The whole deployment's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Directory for all local state: the embedded log and each service's sled
    /// database.
    #[serde(default = "defaults::data_dir")]
    pub data_dir: PathBuf,
    #[serde(default)]
    pub bus: BusConfig,
    #[serde(default)]
    pub gateway: GatewayConfig,
    #[serde(default)]
    pub responsiveness: ResponsivenessConfig,
    #[serde(default)]
    pub safeguarding: SafeguardingConfig,
    #[serde(default)]
    pub dashboard: DashboardConfig,
    #[serde(default)]
    pub telemetry: TelemetryConfig,
    /// TLS for every listener of this process (gRPC and HTTP). Absent: every
    /// listener is plaintext, which is only for loopback and demos.
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    /// The forums (tenants) this deployment serves.
    #[serde(default)]
    pub forums: Vec<ForumConfig>,
    /// Operations staff who may sign in to the dashboard.
    #[serde(default)]
    pub ops_viewers: Vec<OpsViewerConfig>,
}

/// The operations dashboard (a web page).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardConfig {
    /// Address of the dashboard's web server. Port 0 picks a free port.
    #[serde(default = "defaults::dashboard_listen")]
    pub listen: SocketAddr,
    /// Its consumer group on the bus.
    #[serde(default = "defaults::dashboard_group")]
    pub consumer_group: String,
}

/// One operations viewer: who may see the dashboard, and how much of it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsViewerConfig {
    pub id: String,
    /// Hex SHA-256 of each of their sign-in tokens.
    pub token_sha256: Vec<String>,
    /// The one forum they see; absent: every forum (a federation-wide role).
    #[serde(default)]
    pub forum: Option<String>,
}

/// Where events flow: Kafka, or the embedded log when `brokers` is empty.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusConfig {
    /// Kafka bootstrap servers (`host:port,host:port`). Empty: use the embedded
    /// durable log under `data_dir`.
    #[serde(default)]
    pub brokers: String,
    /// Partitions of each topic created at start-up.
    #[serde(default = "defaults::partitions")]
    pub partitions: u32,
    /// Replication factor of each topic created at start-up (Kafka only).
    #[serde(default = "defaults::replication_factor")]
    pub replication_factor: u16,
    /// How long a write may wait for the bus to confirm it before the caller
    /// gets UNAVAILABLE.
    #[serde(default = "defaults::delivery_timeout_ms")]
    pub delivery_timeout_ms: u64,
    /// A consumer that commits nothing for this long while records wait for
    /// it is stuck: its service reports NOT_SERVING on gRPC health.
    #[serde(default = "defaults::consumer_stall_secs")]
    pub consumer_stall_secs: u64,
    /// Extra librdkafka properties passed to every Kafka client as they are,
    /// e.g. `"security.protocol" = "SASL_SSL"`.
    #[serde(default)]
    pub kafka: BTreeMap<String, String>,
}

/// The gRPC ingest gateway forum platforms call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// Address the gateway listens on. Port 0 picks a free port.
    #[serde(default = "defaults::gateway_listen")]
    pub listen: SocketAddr,
    /// Largest accepted post, reply or edit body, in bytes of UTF-8.
    #[serde(default = "defaults::max_body_bytes")]
    pub max_body_bytes: usize,
    /// Largest accepted title, note, reason or message to a member, in bytes.
    #[serde(default = "defaults::max_text_bytes")]
    pub max_text_bytes: usize,
    /// Largest accepted id (forum, thread, post, member, ...), in bytes.
    #[serde(default = "defaults::max_id_bytes")]
    pub max_id_bytes: usize,
    /// How far in the future an event's `occurred_at` may be (forum clocks
    /// drift a little; more than this is a bug on the forum's side).
    #[serde(default = "defaults::max_future_skew_secs")]
    pub max_future_skew_secs: u64,
    /// Most events accepted in one `PublishBatch` call.
    #[serde(default = "defaults::max_batch_events")]
    pub max_batch_events: usize,
    /// Most publish calls in progress at once, over all forums. Past it a
    /// call is refused at once with RESOURCE_EXHAUSTED rather than queued.
    #[serde(default = "defaults::max_calls_in_flight")]
    pub max_calls_in_flight: usize,
    /// Most publish calls in progress at once for one forum.
    #[serde(default = "defaults::forum_calls_in_flight")]
    pub forum_calls_in_flight: usize,
    /// Sustained events per second one forum may publish (a token bucket);
    /// 0 = no rate limit.
    #[serde(default = "defaults::forum_events_per_second")]
    pub forum_events_per_second: u32,
    /// Events one forum may publish in a burst above the sustained rate. At
    /// least `max_batch_events`, so a full batch can always pass.
    #[serde(default = "defaults::forum_burst_events")]
    pub forum_burst_events: u32,
}

/// The responsiveness service (time to first reply, unanswered posts).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponsivenessConfig {
    /// Address of its gRPC query API. Port 0 picks a free port.
    #[serde(default = "defaults::responsiveness_listen")]
    pub listen: SocketAddr,
    /// Its consumer group on the bus. A new group replays every event from
    /// the start (and so rebuilds the state from scratch).
    #[serde(default = "defaults::responsiveness_group")]
    pub consumer_group: String,
    /// How often due alerts are looked for, in milliseconds.
    #[serde(default = "defaults::alert_check_interval_ms")]
    pub alert_check_interval_ms: u64,
}

/// The safeguarding service (crisis escalations, rosters, forum actions).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeguardingConfig {
    /// Address of its gRPC APIs (moderators, rosters, forum actions). Port 0
    /// picks a free port.
    #[serde(default = "defaults::safeguarding_listen")]
    pub listen: SocketAddr,
    /// Its consumer group on the bus.
    #[serde(default = "defaults::safeguarding_group")]
    pub consumer_group: String,
    /// How often acknowledgement deadlines are checked, in milliseconds.
    #[serde(default = "defaults::deadline_check_interval_ms")]
    pub deadline_check_interval_ms: u64,
    /// Days a post's text is kept so a later member report about it can show
    /// moderators what was reported; then it is purged.
    #[serde(default = "defaults::post_cache_days")]
    pub post_cache_days: u64,
    /// Days after an escalation is resolved that its post texts, and the
    /// moderators' notices about it, are kept; then the texts are purged (the
    /// escalation's ids, times and outcome stay for audit).
    #[serde(default = "defaults::resolved_retention_days")]
    pub resolved_retention_days: u64,
}

/// Logs and traces.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    /// `tracing` filter directive, e.g. `info` or `modstream_gateway=debug`.
    #[serde(default = "defaults::log_filter")]
    pub log_filter: String,
    /// `text` for people, `json` for log pipelines.
    #[serde(default = "defaults::log_format")]
    pub log_format: LogFormat,
    /// Where this process serves Prometheus metrics (`GET /metrics`). One
    /// endpoint per process: `modstream up` serves every service's metrics
    /// on it. Port 0 picks a free port.
    #[serde(default = "defaults::metrics_listen")]
    pub metrics_listen: SocketAddr,
    /// OTLP/gRPC collector to export traces and metrics to, e.g.
    /// `http://otel-collector:4317`. Empty: nothing is exported.
    #[serde(default)]
    pub otlp_endpoint: String,
}

/// The certificate every listener of the process presents, and whether
/// clients must present one too (mutual TLS, for services and platforms
/// that authenticate by certificate as well as by key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM file with the server's certificate chain, leaf first.
    #[serde(default)]
    pub cert_file: PathBuf,
    /// PEM file with the certificate's private key (PKCS#8, PKCS#1 or SEC1).
    #[serde(default)]
    pub key_file: PathBuf,
    /// PEM file with the CA certificate(s) that sign client certificates.
    /// Set: mutual TLS. Unset: clients are not asked for a certificate.
    #[serde(default)]
    pub client_ca_file: Option<PathBuf>,
    /// With `client_ca_file`: whether a client without a certificate is
    /// refused (`required`, the default) or let in (`optional`, e.g. while
    /// platforms move over one at a time). A certificate that is presented
    /// must be valid either way.
    #[serde(default)]
    pub client_auth: Option<ClientAuth>,
}

impl TlsConfig {
    /// True when clients must present a certificate signed by the client CA.
    pub fn requires_client_certificate(&self) -> bool {
        self.client_ca_file.is_some() && self.client_auth != Some(ClientAuth::Optional)
    }
}

/// Whether clients must present a certificate (see [`TlsConfig`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    Required,
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// One forum (tenant).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForumConfig {
    /// The forum's id, as platforms send it in every event.
    pub id: String,
    /// A human name, for dashboards and logs.
    #[serde(default)]
    pub name: String,
    /// Hex SHA-256 of each API key accepted for this forum. Several keys may be
    /// listed at once so a key can be rotated without downtime. Make a hash
    /// with `modstream hash-key`.
    pub api_key_sha256: Vec<String>,
    /// Hex secret (at least 32 bytes) for this forum's member pseudonyms. Keep
    /// it stable: changing it changes every pseudonym.
    #[serde(default)]
    pub pseudonym_secret: Option<String>,
    /// A file holding the hex pseudonym secret, instead of `pseudonym_secret`.
    #[serde(default)]
    pub pseudonym_secret_file: Option<PathBuf>,
    /// The forum's target for a first reply, in minutes: posts answered
    /// within it count as "answered within target".
    #[serde(default = "defaults::reply_target_minutes")]
    pub reply_target_minutes: u64,
    /// When an unanswered post raises alerts.
    #[serde(default)]
    pub alerts: AlertThresholds,
    /// How this forum adjusts risk assessment: extra terms, disabled rules,
    /// the lowest level escalated (`modstream classify --options` reads the
    /// same table from a file).
    #[serde(default)]
    pub risk: modstream_risk::AssessorOptions,
    /// The forum's moderators, who receive crisis escalations.
    #[serde(default)]
    pub moderators: Vec<ModeratorConfig>,
    /// Hex SHA-256 of each forum admin key (rosters). Make one with
    /// `modstream hash-key`.
    #[serde(default)]
    pub admin_key_sha256: Vec<String>,
    /// How crisis escalations are handled for this forum.
    #[serde(default)]
    pub safeguarding: ForumSafeguarding,
    /// The moderators' weekly rota, until an admin replaces it through the
    /// `Rosters` API (the API's roster then wins, also after restarts).
    #[serde(default)]
    pub roster: Option<RosterConfig>,
}

/// One moderator of a forum.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeratorConfig {
    /// Their id within the forum, as rosters and escalations name them.
    pub id: String,
    /// A display name for consoles and dashboards.
    #[serde(default)]
    pub name: String,
    /// Hex SHA-256 of each of their console tokens.
    pub token_sha256: Vec<String>,
}

/// A forum's safeguarding policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForumSafeguarding {
    /// Minutes a crisis escalation may wait for an acknowledgement before it
    /// is re-escalated.
    #[serde(default = "defaults::crisis_ack_minutes")]
    pub crisis_ack_minutes: u64,
    /// The same for a high-severity escalation.
    #[serde(default = "defaults::high_ack_minutes")]
    pub high_ack_minutes: u64,
    /// Most open crisis escalations one moderator is given at once.
    #[serde(default = "defaults::max_open_crisis_per_moderator")]
    pub max_open_crisis_per_moderator: u32,
    /// The federation partner whose moderators cover this forum when none of
    /// its own are available (another forum's id in this deployment).
    #[serde(default)]
    pub partner_forum: Option<String>,
    /// What the forum shows a member in crisis, e.g. "Samaritans: call 116
    /// 123 (free, 24/7)".
    #[serde(default = "defaults::crisis_resources")]
    pub crisis_resources: Vec<String>,
}

impl Default for ForumSafeguarding {
    fn default() -> Self {
        Self {
            crisis_ack_minutes: defaults::crisis_ack_minutes(),
            high_ack_minutes: defaults::high_ack_minutes(),
            max_open_crisis_per_moderator: defaults::max_open_crisis_per_moderator(),
            partner_forum: None,
            crisis_resources: defaults::crisis_resources(),
        }
    }
}

/// A forum's rota in its own time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterConfig {
    /// IANA time zone, e.g. "Europe/London" (daylight saving is followed).
    pub time_zone: String,
    #[serde(default)]
    pub shifts: Vec<ShiftConfig>,
    /// One-off changes: a closure, a holiday, extra cover for an event.
    #[serde(default)]
    pub overrides: Vec<OverrideConfig>,
}

/// A one-off change to the rota for a stretch of time.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideConfig {
    /// RFC 3339 instants, e.g. "2026-12-25T00:00:00Z"; the override holds
    /// in [from, to).
    pub from: String,
    pub to: String,
    /// Who is on shift then (with `replace`, only they are; empty with
    /// `replace` means nobody: a closure).
    #[serde(default)]
    pub moderators: Vec<String>,
    #[serde(default)]
    pub lead: Option<String>,
    /// True: replaces the weekly shifts; false: adds to them.
    #[serde(default)]
    pub replace: bool,
    #[serde(default)]
    pub note: String,
}

/// A weekly shift on one or more days.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftConfig {
    /// "mon" .. "sun", or "daily".
    pub days: Vec<String>,
    /// "HH:MM" local time. A shift whose end is before its start runs past
    /// midnight; "00:00" to "24:00" is the whole day.
    pub start: String,
    pub end: String,
    pub moderators: Vec<String>,
    /// The shift lead, who is told when nobody acknowledges in time.
    #[serde(default)]
    pub lead: Option<String>,
}

/// How long a visible post may wait for its first reply before an alert.
/// 0 turns a level off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertThresholds {
    /// Nudge moderators (and members) after this many minutes.
    #[serde(default = "defaults::nudge_minutes")]
    pub nudge_minutes: u64,
    /// Escalate to moderators after this many minutes.
    #[serde(default = "defaults::escalate_minutes")]
    pub escalate_minutes: u64,
    /// The nudge for a new member's first post, which matters most.
    #[serde(default = "defaults::new_member_nudge_minutes")]
    pub new_member_nudge_minutes: u64,
    /// The escalation for a new member's first post.
    #[serde(default = "defaults::new_member_escalate_minutes")]
    pub new_member_escalate_minutes: u64,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        Self {
            nudge_minutes: defaults::nudge_minutes(),
            escalate_minutes: defaults::escalate_minutes(),
            new_member_nudge_minutes: defaults::new_member_nudge_minutes(),
            new_member_escalate_minutes: defaults::new_member_escalate_minutes(),
        }
    }
}

pub(crate) mod defaults {
    use std::net::SocketAddr;
    use std::path::PathBuf;

    pub fn data_dir() -> PathBuf {
        PathBuf::from("modstream-data")
    }
    pub fn partitions() -> u32 {
        6
    }
    pub fn replication_factor() -> u16 {
        1
    }
    pub fn delivery_timeout_ms() -> u64 {
        10_000
    }
    pub fn consumer_stall_secs() -> u64 {
        120
    }
    pub fn gateway_listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 50051))
    }
    pub fn max_body_bytes() -> usize {
        32 * 1024
    }
    pub fn max_text_bytes() -> usize {
        2 * 1024
    }
    pub fn max_id_bytes() -> usize {
        128
    }
    pub fn max_future_skew_secs() -> u64 {
        300
    }
    pub fn max_batch_events() -> usize {
        1_000
    }
    pub fn max_calls_in_flight() -> usize {
        1_024
    }
    pub fn forum_calls_in_flight() -> usize {
        256
    }
    pub fn forum_events_per_second() -> u32 {
        20_000
    }
    pub fn forum_burst_events() -> u32 {
        40_000
    }
    pub fn responsiveness_listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 50052))
    }
    pub fn responsiveness_group() -> String {
        "modstream.responsiveness".to_owned()
    }
    pub fn reply_target_minutes() -> u64 {
        60
    }
    pub fn nudge_minutes() -> u64 {
        30
    }
    pub fn escalate_minutes() -> u64 {
        120
    }
    pub fn new_member_nudge_minutes() -> u64 {
        15
    }
    pub fn new_member_escalate_minutes() -> u64 {
        60
    }
    pub fn alert_check_interval_ms() -> u64 {
        1_000
    }
    pub fn dashboard_listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8080))
    }
    pub fn dashboard_group() -> String {
        "modstream.dashboard".to_owned()
    }
    pub fn safeguarding_listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 50053))
    }
    pub fn safeguarding_group() -> String {
        "modstream.safeguarding".to_owned()
    }
    pub fn post_cache_days() -> u64 {
        7
    }
    pub fn resolved_retention_days() -> u64 {
        30
    }
    pub fn deadline_check_interval_ms() -> u64 {
        1_000
    }
    pub fn crisis_ack_minutes() -> u64 {
        5
    }
    pub fn high_ack_minutes() -> u64 {
        30
    }
    pub fn max_open_crisis_per_moderator() -> u32 {
        3
    }
    pub fn crisis_resources() -> Vec<String> {
        vec![
            "Samaritans: call 116 123 (free, any time)".to_owned(),
            "Shout: text SHOUT to 85258".to_owned(),
            "In an emergency call 999".to_owned(),
        ]
    }
    pub fn log_filter() -> String {
        "info".to_owned()
    }
    pub fn log_format() -> super::LogFormat {
        super::LogFormat::Text
    }
    pub fn metrics_listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 9464))
    }
}

impl Default for BusConfig {
    fn default() -> Self {
        Self {
            brokers: String::new(),
            partitions: defaults::partitions(),
            replication_factor: defaults::replication_factor(),
            delivery_timeout_ms: defaults::delivery_timeout_ms(),
            consumer_stall_secs: defaults::consumer_stall_secs(),
            kafka: BTreeMap::new(),
        }
    }
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: defaults::gateway_listen(),
            max_body_bytes: defaults::max_body_bytes(),
            max_text_bytes: defaults::max_text_bytes(),
            max_id_bytes: defaults::max_id_bytes(),
            max_future_skew_secs: defaults::max_future_skew_secs(),
            max_batch_events: defaults::max_batch_events(),
            max_calls_in_flight: defaults::max_calls_in_flight(),
            forum_calls_in_flight: defaults::forum_calls_in_flight(),
            forum_events_per_second: defaults::forum_events_per_second(),
            forum_burst_events: defaults::forum_burst_events(),
        }
    }
}

impl Default for ResponsivenessConfig {
    fn default() -> Self {
        Self {
            listen: defaults::responsiveness_listen(),
            consumer_group: defaults::responsiveness_group(),
            alert_check_interval_ms: defaults::alert_check_interval_ms(),
        }
    }
}

impl Default for SafeguardingConfig {
    fn default() -> Self {
        Self {
            listen: defaults::safeguarding_listen(),
            consumer_group: defaults::safeguarding_group(),
            deadline_check_interval_ms: defaults::deadline_check_interval_ms(),
            post_cache_days: defaults::post_cache_days(),
            resolved_retention_days: defaults::resolved_retention_days(),
        }
    }
}

impl Default for DashboardConfig {
    fn default() -> Self {
        Self {
            listen: defaults::dashboard_listen(),
            consumer_group: defaults::dashboard_group(),
        }
    }
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            log_filter: defaults::log_filter(),
            log_format: defaults::log_format(),
            metrics_listen: defaults::metrics_listen(),
            otlp_endpoint: String::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: defaults::data_dir(),
            bus: BusConfig::default(),
            gateway: GatewayConfig::default(),
            responsiveness: ResponsivenessConfig::default(),
            safeguarding: SafeguardingConfig::default(),
            dashboard: DashboardConfig::default(),
            telemetry: TelemetryConfig::default(),
            tls: None,
            forums: Vec::new(),
            ops_viewers: Vec::new(),
        }
    }
}

/// Why a configuration could not be used. Always permanent: fix the file or
/// the environment and start again.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("environment variable {name}: {problem}")]
    Env { name: String, problem: String },
    #[error("config: {0}")]
    Invalid(String),
}

impl Config {
    /// Reads `path` (or starts from defaults when `None`), applies the
    /// `MODSTREAM_*` variables found in `env`, and validates the result.
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut config = match path {
            Some(path) => Self::from_file(path)?,
            None => Self::default(),
        };
        env::apply(&mut config, env)?;
        config.validate()?;
        Ok(config)
    }

    /// Parses a config file without environment overrides or validation.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// True when events flow through the embedded log rather than Kafka.
    pub fn uses_embedded_bus(&self) -> bool {
        self.bus.brokers.trim().is_empty()
    }

    /// Checks what serde cannot: non-empty unique forum ids, well-formed key
    /// hashes and secrets.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: String| Err(ConfigError::Invalid(msg));
        if self.bus.partitions == 0 {
            return invalid("bus.partitions must be at least 1".into());
        }
        if self.gateway.max_batch_events == 0 {
            return invalid("gateway.max_batch_events must be at least 1".into());
        }
        if self.gateway.max_calls_in_flight == 0 || self.gateway.forum_calls_in_flight == 0 {
            return invalid(
                "gateway.max_calls_in_flight and gateway.forum_calls_in_flight must be at least 1"
                    .into(),
            );
        }
        if self.gateway.forum_events_per_second > 0
            && (self.gateway.forum_burst_events as usize) < self.gateway.max_batch_events
        {
            return invalid(format!(
                "gateway.forum_burst_events ({}) must be at least gateway.max_batch_events ({}), or a full batch could never pass",
                self.gateway.forum_burst_events, self.gateway.max_batch_events
            ));
        }
        if let Some(tls) = &self.tls {
            // The files themselves are read and checked by modstream-tls when
            // the listeners start.
            if tls.cert_file.as_os_str().is_empty() || tls.key_file.as_os_str().is_empty() {
                return invalid(
                    "tls needs both cert_file and key_file (MODSTREAM_TLS_CERT_FILE, MODSTREAM_TLS_KEY_FILE)"
                        .into(),
                );
            }
            if tls.client_auth.is_some() && tls.client_ca_file.is_none() {
                return invalid(
                    "tls.client_auth needs tls.client_ca_file: the CA client certificates are checked against"
                        .into(),
                );
            }
        }
        for viewer in &self.ops_viewers {
            if viewer.id.is_empty()
                || viewer.token_sha256.is_empty()
                || !viewer.token_sha256.iter().all(|h| is_sha256_hex(h))
            {
                return invalid(format!(
                    "ops viewer {:?}: needs an id and token_sha256 hashes of 64 hex characters",
                    viewer.id
                ));
            }
            if let Some(forum) = &viewer.forum
                && !self.forums.iter().any(|f| &f.id == forum)
            {
                return invalid(format!(
                    "ops viewer {:?}: forum {forum:?} is not a configured forum",
                    viewer.id
                ));
            }
        }
        let mut seen = HashSet::new();
        for forum in &self.forums {
            if forum.id.is_empty() || forum.id.len() > self.gateway.max_id_bytes {
                return invalid(format!(
                    "forum id {:?} must be 1 to {} bytes",
                    forum.id, self.gateway.max_id_bytes
                ));
            }
            if !seen.insert(forum.id.as_str()) {
                return invalid(format!("forum id {:?} is configured twice", forum.id));
            }
            if forum.api_key_sha256.is_empty() {
                return invalid(format!("forum {:?} has no api_key_sha256", forum.id));
            }
            for hash in &forum.api_key_sha256 {
                if !is_sha256_hex(hash) {
                    return invalid(format!(
                        "forum {:?}: api_key_sha256 entries must be 64 hex characters (use `modstream hash-key`)",
                        forum.id
                    ));
                }
            }
            forum.pseudonym_secret()?;
            forum.validate_safeguarding(self)?;
            modstream_risk::Assessor::with_options(&forum.risk).map_err(|err| {
                ConfigError::Invalid(format!("forum {:?}: risk: {err}", forum.id))
            })?;
        }
        Ok(())
    }
}

impl ForumConfig {
    /// The decoded pseudonym secret, from `pseudonym_secret` or
    /// `pseudonym_secret_file` (exactly one must be set).
    pub fn pseudonym_secret(&self) -> Result<Vec<u8>, ConfigError> {
        let hex_text = match (&self.pseudonym_secret, &self.pseudonym_secret_file) {
            (Some(secret), None) => secret.clone(),
            (None, Some(path)) => {
                std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?
            }
            _ => {
                return Err(ConfigError::Invalid(format!(
                    "forum {:?}: set exactly one of pseudonym_secret and pseudonym_secret_file",
                    self.id
                )));
            }
        };
        match hex::decode(hex_text.trim()) {
            Ok(bytes) if bytes.len() >= 32 => Ok(bytes),
            _ => Err(ConfigError::Invalid(format!(
                "forum {:?}: the pseudonym secret must be at least 32 bytes written as hex",
                self.id
            ))),
        }
    }
}

fn is_sha256_hex(hash: &str) -> bool {
    hex::decode(hash).map(|b| b.len()) == Ok(32)
}

impl ForumConfig {
    /// Moderators, admin keys, partner and roster: what the safeguarding
    /// service relies on.
    fn validate_safeguarding(&self, config: &Config) -> Result<(), ConfigError> {
        let invalid =
            |msg: String| Err(ConfigError::Invalid(format!("forum {:?}: {msg}", self.id)));
        let mut ids = HashSet::new();
        for moderator in &self.moderators {
            if moderator.id.is_empty() || moderator.id.len() > config.gateway.max_id_bytes {
                return invalid(format!(
                    "moderator id {:?} must be 1 to {} bytes",
                    moderator.id, config.gateway.max_id_bytes
                ));
            }
            if !ids.insert(moderator.id.as_str()) {
                return invalid(format!("moderator {:?} is listed twice", moderator.id));
            }
            if moderator.token_sha256.is_empty()
                || !moderator.token_sha256.iter().all(|h| is_sha256_hex(h))
            {
                return invalid(format!(
                    "moderator {:?}: token_sha256 needs at least one 64-hex-character hash (use `modstream hash-key`)",
                    moderator.id
                ));
            }
        }
        if !self.admin_key_sha256.iter().all(|h| is_sha256_hex(h)) {
            return invalid(
                "admin_key_sha256 entries must be 64 hex characters (use `modstream hash-key`)"
                    .into(),
            );
        }
        let policy = &self.safeguarding;
        if policy.crisis_ack_minutes == 0 || policy.high_ack_minutes == 0 {
            return invalid(
                "safeguarding: acknowledgement deadlines must be at least 1 minute".into(),
            );
        }
        if policy.max_open_crisis_per_moderator == 0 {
            return invalid("safeguarding.max_open_crisis_per_moderator must be at least 1".into());
        }
        if let Some(partner) = &policy.partner_forum {
            if partner == &self.id {
                return invalid("safeguarding.partner_forum cannot be the forum itself".into());
            }
            if !config.forums.iter().any(|f| &f.id == partner) {
                return invalid(format!(
                    "safeguarding.partner_forum {partner:?} is not a configured forum"
                ));
            }
        }
        if let Some(roster) = &self.roster {
            for shift in &roster.shifts {
                for id in shift.moderators.iter().chain(&shift.lead) {
                    if !ids.contains(id.as_str()) {
                        return invalid(format!(
                            "roster: {id:?} is not one of this forum's moderators"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Hex SHA-256 of an API key, as written in `api_key_sha256`. API keys are
/// long random strings, so a plain hash is enough to keep them out of config.
pub fn api_key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forum_toml(id: &str) -> String {
        format!(
            "[[forums]]\nid = \"{id}\"\napi_key_sha256 = [\"{}\"]\npseudonym_secret = \"{}\"\n",
            api_key_hash("k"),
            "ab".repeat(32)
        )
    }

    #[test]
    fn defaults_use_the_embedded_bus() {
        let config = Config::load(None, []).unwrap();
        assert!(config.uses_embedded_bus());
        assert_eq!(config.gateway.listen.port(), 50051);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::from_toml("[gateway]\nlisten_adress = \"127.0.0.1:1\"\n").unwrap_err();
        assert!(err.to_string().contains("listen_adress"), "{err}");
    }

    #[test]
    fn duplicate_forums_are_rejected() {
        let text = format!("{}{}", forum_toml("a"), forum_toml("a"));
        let err = Config::from_toml(&text).unwrap().validate().unwrap_err();
        assert!(err.to_string().contains("configured twice"), "{err}");
    }

    #[test]
    fn short_pseudonym_secrets_are_rejected() {
        let text = forum_toml("a").replace(&"ab".repeat(32), "abcd");
        let err = Config::from_toml(&text).unwrap().validate().unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"), "{err}");
    }

    #[test]
    fn pseudonym_secret_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, format!("{}\n", "cd".repeat(32))).unwrap();
        let text = forum_toml("a").replace(
            &format!("pseudonym_secret = \"{}\"", "ab".repeat(32)),
            &format!("pseudonym_secret_file = {:?}", file.display().to_string()),
        );
        let config = Config::from_toml(&text).unwrap();
        assert_eq!(config.forums[0].pseudonym_secret().unwrap(), vec![0xcd; 32]);
    }

    #[test]
    fn a_tls_section_needs_a_certificate_and_a_key() {
        let config = Config::from_toml("[tls]\ncert_file = \"server.pem\"\n").unwrap();
        let err = config.validate().unwrap_err();
        assert!(err.to_string().contains("key_file"), "{err}");

        let config = Config::from_toml(
            "[tls]\ncert_file = \"s.pem\"\nkey_file = \"s.key\"\nclient_auth = \"optional\"\n",
        )
        .unwrap();
        let err = config.validate().unwrap_err();
        assert!(err.to_string().contains("client_ca_file"), "{err}");
    }

    #[test]
    fn client_certificates_are_required_unless_made_optional() {
        let mut tls = TlsConfig {
            cert_file: "s.pem".into(),
            key_file: "s.key".into(),
            ..Default::default()
        };
        assert!(!tls.requires_client_certificate());
        tls.client_ca_file = Some("ca.pem".into());
        assert!(tls.requires_client_certificate());
        tls.client_auth = Some(ClientAuth::Optional);
        assert!(!tls.requires_client_certificate());
    }

    #[test]
    fn the_example_config_is_valid_and_matches_the_demo() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../modstream.example.toml");
        let config = Config::load(Some(&path), []).unwrap();
        let demo = Config::demo();
        assert_eq!(config.forums.len(), demo.forums.len());
        for (a, b) in config.forums.iter().zip(&demo.forums) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.api_key_sha256, b.api_key_sha256);
            assert_eq!(a.admin_key_sha256, b.admin_key_sha256);
            assert_eq!(a.alerts, b.alerts);
            assert_eq!(a.reply_target_minutes, b.reply_target_minutes);
            assert_eq!(a.safeguarding, b.safeguarding);
            assert_eq!(a.roster, b.roster);
            assert_eq!(a.risk, b.risk);
            let ids = |f: &ForumConfig| {
                f.moderators
                    .iter()
                    .map(|m| (m.id.clone(), m.token_sha256.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(a), ids(b));
        }
        let viewers = |c: &Config| {
            c.ops_viewers
                .iter()
                .map(|v| (v.id.clone(), v.forum.clone(), v.token_sha256.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(viewers(&config), viewers(&demo));
        assert_eq!(config.tls, demo.tls, "the demo is plaintext on loopback");
        // [forums.alerts] belongs to the forum above it.
        assert_eq!(config.forums[0].alerts, AlertThresholds::default());
        assert_eq!(config.forums[1].alerts.escalate_minutes, 0);
        assert_eq!(config.forums[1].reply_target_minutes, 240);
        assert_eq!(
            config.forums[0].risk.extra_terms.len(),
            1,
            "[[forums.risk.extra_terms]] parsed"
        );
    }
}

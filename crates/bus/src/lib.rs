//! modstream's event bus: append records to partitioned topics and consume
//! them with committed offsets.
//!
//! One interface, [`Bus`], with two implementations:
//! - [`kafka`]: Apache Kafka through rdkafka, for production;
//! - [`embedded`]: a durable append-only log on disk (sled), for one machine.
//!
//! Both give the same guarantees, proven by the same contract tests
//! (`tests/contract.rs`):
//! - a write is confirmed only once it is durable (Kafka: `acks=all` and an
//!   idempotent producer; embedded: fsync);
//! - records with the same key land in the same partition, in order;
//! - a consumer group resumes from its committed offset, and an offset is
//!   committed only after the consumer called [`Subscription::commit`] for
//!   that record, so delivery is at-least-once and consumers apply records
//!   idempotently.
//!
//! Modules: [`embedded`], [`kafka`], [`record`] (the record types).

pub mod embedded;
pub mod kafka;
pub mod record;

use std::path::Path;
use std::time::Duration;

pub use record::{Delivered, Header, Message, Record};

/// Why a bus operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The bus did not confirm a write in time. Transient: retry later.
    #[error("the bus did not confirm the write within {0:?}")]
    Timeout(Duration),
    /// The bus cannot be reached or refused the operation for now. Transient.
    #[error("the bus is unavailable: {0}")]
    Unavailable(String),
    /// The topic has not been created. Permanent until it is.
    #[error("topic {0:?} does not exist (topics are created at start-up, not on first write)")]
    UnknownTopic(String),
    /// Another subscription of this consumer group is open in this process
    /// (embedded log only: its groups have one member).
    #[error("consumer group {0:?} already has an open subscription on the embedded log")]
    GroupInUse(String),
    /// A stored record could not be read back. Permanent: the log is damaged.
    #[error("the log is damaged: {0}")]
    Corrupt(String),
    /// The local disk failed. Treated as permanent: needs an operator.
    #[error("storage error: {0}")]
    Storage(#[from] sled::Error),
    /// The broker no longer accepts the producer's idempotence state; the
    /// producer was replaced. Transient: retry.
    #[error("the Kafka producer was reset: {0}")]
    ProducerState(rdkafka::error::KafkaError),
    /// An error from the Kafka client that fits none of the above.
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
}

impl BusError {
    /// True when the same operation may succeed if retried later.
    pub fn is_transient(&self) -> bool {
        match self {
            BusError::Timeout(_) | BusError::Unavailable(_) | BusError::ProducerState(_) => true,
            BusError::Kafka(err) => !matches!(
                err.rdkafka_error_code(),
                Some(rdkafka::types::RDKafkaErrorCode::UnknownTopicOrPartition)
            ),
            _ => false,
        }
    }
}

/// How to reach the bus.
#[derive(Debug, Clone)]
pub struct BusOptions {
    /// Kafka bootstrap servers; empty selects the embedded log.
    pub brokers: String,
    /// Partitions for topics created by [`Bus::ensure_topics`].
    pub partitions: u32,
    /// Replication factor for topics created on Kafka.
    pub replication_factor: u16,
    /// Longest wait for a write to be confirmed.
    pub delivery_timeout: Duration,
    /// librdkafka properties passed through as they are.
    pub kafka_properties: Vec<(String, String)>,
}

impl BusOptions {
    /// Options for the embedded log with `partitions` partitions per topic.
    pub fn embedded(partitions: u32) -> Self {
        Self {
            brokers: String::new(),
            partitions,
            replication_factor: 1,
            delivery_timeout: Duration::from_secs(10),
            kafka_properties: Vec::new(),
        }
    }

    /// Options for Kafka at `brokers`.
    pub fn kafka(brokers: impl Into<String>, partitions: u32) -> Self {
        Self {
            brokers: brokers.into(),
            ..Self::embedded(partitions)
        }
    }
}

/// A handle to the bus. Cheap to clone; clones share one connection (Kafka)
/// or one open log (embedded).
#[derive(Clone)]
pub enum Bus {
    Embedded(embedded::EmbeddedLog),
    Kafka(kafka::KafkaBus),
}

impl std::fmt::Debug for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bus::Embedded(_) => f.write_str("Bus::Embedded"),
            Bus::Kafka(_) => f.write_str("Bus::Kafka"),
        }
    }
}

impl Bus {
    /// Connects to Kafka when `options.brokers` is set, otherwise opens the
    /// embedded log in `<data_dir>/bus`.
    pub fn open(options: &BusOptions, data_dir: &Path) -> Result<Self, BusError> {
        if options.brokers.trim().is_empty() {
            Ok(Bus::Embedded(embedded::EmbeddedLog::open(
                &data_dir.join("bus"),
                options,
            )?))
        } else {
            Ok(Bus::Kafka(kafka::KafkaBus::connect(options)?))
        }
    }

    /// Creates each topic that does not exist yet. Topics are never created
    /// implicitly by a write, so a typo cannot create a topic nobody reads.
    pub async fn ensure_topics(&self, topics: &[&str]) -> Result<(), BusError> {
        match self {
            Bus::Embedded(log) => log.ensure_topics(topics),
            Bus::Kafka(kafka) => kafka.ensure_topics(topics).await,
        }
    }

    /// Appends one record and returns once it is durable.
    pub async fn publish(&self, topic: &str, record: Record) -> Result<Delivered, BusError> {
        let mut results = self.publish_batch(topic, vec![record]).await;
        results.pop().expect("one result per record")
    }

    /// Appends several records, each confirmed on its own; the results are in
    /// the order of `records`. Cheaper than one `publish` each: the embedded
    /// log syncs to disk once, Kafka batches on the wire.
    pub async fn publish_batch(
        &self,
        topic: &str,
        records: Vec<Record>,
    ) -> Vec<Result<Delivered, BusError>> {
        match self {
            Bus::Embedded(log) => log.publish_batch(topic, records).await,
            Bus::Kafka(kafka) => kafka.publish_batch(topic, records).await,
        }
    }

    /// Joins consumer group `group` on `topics`. Consumption starts at the
    /// group's committed offsets, or at the beginning for a new group.
    pub fn subscribe(&self, group: &str, topics: &[&str]) -> Result<Subscription, BusError> {
        match self {
            Bus::Embedded(log) => Ok(Subscription::Embedded(log.subscribe(group, topics)?)),
            Bus::Kafka(kafka) => Ok(Subscription::Kafka(kafka.subscribe(group, topics)?)),
        }
    }

    /// Watches how far consumer group `group` is behind on `topics`.
    pub fn lag_monitor(&self, group: &str, topics: &[&str]) -> Result<LagMonitor, BusError> {
        let topics = topics.iter().map(|t| (*t).to_owned()).collect();
        let source = match self {
            Bus::Embedded(log) => LagSource::Embedded(log.clone()),
            Bus::Kafka(kafka) => LagSource::Kafka(kafka.clone(), kafka.lag_reader(group)?),
        };
        Ok(LagMonitor {
            source,
            group: group.to_owned(),
            topics,
        })
    }

    /// Waits until every write handed to the bus has been confirmed or failed
    /// (for shutdown).
    pub async fn flush(&self) -> Result<(), BusError> {
        match self {
            Bus::Embedded(log) => log.flush().await,
            Bus::Kafka(kafka) => kafka.flush().await,
        }
    }
}

/// Syncs `db` to disk, for every sled database in modstream.
///
/// Not `sled::Db::flush_async`: in sled 0.34 concurrent `flush_async` calls
/// can wait forever (spacejam/sled#1308, fixed only in an unreleased sled),
/// which hung the gateway under concurrent publishes. The blocking flush on
/// tokio's blocking pool does not, and is still a group commit: one sync
/// covers every write made before it.
pub async fn flush_sled(db: &sled::Db) -> sled::Result<()> {
    let db = db.clone();
    match tokio::task::spawn_blocking(move || db.flush()).await {
        Ok(result) => result.map(|_| ()),
        Err(err) => Err(sled::Error::Io(std::io::Error::other(format!(
            "the flush task failed: {err}"
        )))),
    }
}

/// How far one consumer group is behind on one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLag {
    pub topic: String,
    /// Records written but not yet committed by the group.
    pub records: u64,
}

/// Measures a consumer group's lag (see [`Bus::lag_monitor`]).
pub struct LagMonitor {
    source: LagSource,
    group: String,
    topics: Vec<String>,
}

enum LagSource {
    Embedded(embedded::EmbeddedLog),
    /// With a client that reads the group's offsets without joining it.
    Kafka(
        kafka::KafkaBus,
        std::sync::Arc<rdkafka::consumer::BaseConsumer>,
    ),
}

impl std::fmt::Debug for LagMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LagMonitor({})", self.group)
    }
}

impl LagMonitor {
    /// The group whose lag this measures.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The lag now, per topic.
    pub async fn measure(&self) -> Result<Vec<TopicLag>, BusError> {
        match &self.source {
            LagSource::Embedded(log) => log.lag(&self.group, &self.topics),
            LagSource::Kafka(kafka, reader) => kafka.lag(reader.clone(), self.topics.clone()).await,
        }
    }
}

/// A consumer group member's stream of records.
pub enum Subscription {
    Embedded(embedded::EmbeddedSubscription),
    Kafka(kafka::KafkaSubscription),
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Subscription")
    }
}

impl Subscription {
    /// The next record, waiting until one arrives.
    pub async fn next(&mut self) -> Result<Message, BusError> {
        match self {
            Subscription::Embedded(sub) => sub.next().await,
            Subscription::Kafka(sub) => sub.next().await,
        }
    }

    /// Marks `message` (and everything before it in its partition) as applied.
    /// Call it only after the record's effects are stored; the offset is then
    /// committed in the background and on close.
    pub fn commit(&mut self, message: &Message) -> Result<(), BusError> {
        match self {
            Subscription::Embedded(sub) => sub.commit(message),
            Subscription::Kafka(sub) => sub.commit(message),
        }
    }

    /// Commits what was marked applied and leaves the group.
    pub async fn close(self) -> Result<(), BusError> {
        match self {
            Subscription::Embedded(sub) => sub.close().await,
            Subscription::Kafka(sub) => sub.close().await,
        }
    }
}

//! The bus on Apache Kafka, through rdkafka (librdkafka).
//!
//! Producer: `acks=all` with idempotence on, and a write is confirmed only by
//! its delivery report; `delivery.timeout.ms` bounds how long that may take.
//! Consumer: offsets are *stored* only when the application calls
//! [`crate::Subscription::commit`] after applying a record, auto-committed in
//! the background, and committed synchronously when partitions are revoked
//! (rebalance) and on close.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::future::join_all;
use rdkafka::ClientContext;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::error::KafkaError;
use rdkafka::message::{Headers, Message as _, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::util::Timeout;

use crate::{BusError, BusOptions, Delivered, Header, Message, Record, TopicLag};

/// A Kafka connection: one shared producer plus what is needed to create
/// consumers and topics.
#[derive(Clone)]
pub struct KafkaBus {
    base: ClientConfig,
    producer_config: ClientConfig,
    /// Replaced when librdkafka reports a fatal error, after which the old
    /// producer can never deliver again (idempotence lost its sequence).
    producer: Arc<RwLock<FutureProducer>>,
    partitions: u32,
    replication_factor: u16,
    delivery_timeout: Duration,
}

impl KafkaBus {
    /// Creates the producer. librdkafka connects lazily, so this succeeds even
    /// while the brokers are down; writes then time out as UNAVAILABLE.
    pub fn connect(options: &BusOptions) -> Result<Self, BusError> {
        // Every client (producer, consumers, lag readers, admin) is made from
        // this base, so the operator's properties (SSL, SASL) reach them all.
        let mut base = ClientConfig::new();
        base.set("bootstrap.servers", options.brokers.trim());
        for (key, value) in &options.kafka_properties {
            base.set(key, value);
        }
        let timeout_ms = options.delivery_timeout.as_millis().max(1).to_string();
        let mut producer_config = base.clone();
        producer_config
            .set("acks", "all")
            .set("enable.idempotence", "true")
            .set("message.timeout.ms", &timeout_ms)
            // A little lingering lets concurrent calls share a produce request.
            .set("linger.ms", "2");
        let producer: FutureProducer = producer_config.create()?;
        Ok(Self {
            base,
            producer_config,
            producer: Arc::new(RwLock::new(producer)),
            partitions: options.partitions.max(1),
            replication_factor: options.replication_factor.max(1),
            delivery_timeout: options.delivery_timeout,
        })
    }

    pub(crate) async fn ensure_topics(&self, topics: &[&str]) -> Result<(), BusError> {
        let admin: AdminClient<DefaultClientContext> = self.admin_config().create()?;
        let new_topics: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|name| {
                NewTopic::new(
                    name,
                    self.partitions as i32,
                    TopicReplication::Fixed(i32::from(self.replication_factor)),
                )
            })
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(self.delivery_timeout));
        let results = admin
            .create_topics(&new_topics, &options)
            .await
            .map_err(unavailable)?;
        for result in results {
            match result {
                Ok(_) => {}
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(BusError::Unavailable(format!(
                        "cannot create topic {topic}: {code}"
                    )));
                }
            }
        }
        Ok(())
    }

    pub(crate) async fn publish_batch(
        &self,
        topic: &str,
        records: Vec<Record>,
    ) -> Vec<Result<Delivered, BusError>> {
        let producer = self.producer();
        let sends = records.iter().map(|record| {
            let mut headers = OwnedHeaders::new_with_capacity(record.headers.len());
            for header in &record.headers {
                headers = headers.insert(rdkafka::message::Header {
                    key: &header.name,
                    value: Some(&header.value),
                });
            }
            let future_record = FutureRecord::to(topic)
                .key(&record.key)
                .payload(&record.payload)
                .headers(headers);
            let send = producer.send(future_record, Timeout::After(self.delivery_timeout));
            // librdkafka does not time out a message already in flight to a
            // broker until its request times out, so bound the wait here: the
            // caller is told UNAVAILABLE on time. Should the record still land
            // later, the caller's retry carries the same event id.
            async move {
                match tokio::time::timeout(self.delivery_timeout + DELIVERY_GRACE, send).await {
                    Ok(result) => result.map_err(|(err, _)| self.delivery_error(err)),
                    Err(_) => Err(BusError::Timeout(self.delivery_timeout)),
                }
            }
        });
        let results = join_all(sends).await;
        let lost_producer_state = results
            .iter()
            .any(|r| matches!(r, Err(BusError::ProducerState(_))));
        let fatal = results.iter().any(Result::is_err) && producer.client().fatal_error().is_some();
        if lost_producer_state || fatal {
            self.replace_producer(&producer);
        }
        results
            .into_iter()
            .map(|result| {
                result.map(|delivery| Delivered {
                    partition: delivery.partition as u32,
                    offset: delivery.offset as u64,
                })
            })
            .collect()
    }

    fn producer(&self) -> FutureProducer {
        self.producer.read().expect("producer lock").clone()
    }

    /// Swaps in a new producer for `failed`, which can no longer deliver (a
    /// fatal error, or the broker rejects its idempotence state). Its
    /// unconfirmed writes were already reported as failed to their callers,
    /// who retry under the same event ids; the new producer gets a new
    /// producer id from the broker.
    fn replace_producer(&self, failed: &FutureProducer) {
        let (code, reason) = failed
            .client()
            .fatal_error()
            .map(|(code, reason)| (code.to_string(), reason))
            .unwrap_or_else(|| {
                (
                    "producer state rejected".to_owned(),
                    "by the broker".to_owned(),
                )
            });
        let mut current = self.producer.write().expect("producer lock");
        if !std::ptr::eq(current.client(), failed.client()) {
            return; // another call replaced it already
        }
        match self.producer_config.create::<FutureProducer>() {
            Ok(fresh) => {
                tracing::warn!(%code, %reason, "Kafka producer hit a fatal error; replaced it");
                *current = fresh;
            }
            Err(err) => tracing::error!(error = %err, "cannot replace the failed Kafka producer"),
        }
    }

    fn delivery_error(&self, err: KafkaError) -> BusError {
        match err.rdkafka_error_code() {
            Some(RDKafkaErrorCode::MessageTimedOut) => BusError::Timeout(self.delivery_timeout),
            Some(RDKafkaErrorCode::UnknownTopicOrPartition)
            | Some(RDKafkaErrorCode::UnknownTopic) => BusError::Kafka(err),
            Some(code) if is_producer_state_error(code) => BusError::ProducerState(err),
            _ => unavailable(err),
        }
    }

    pub(crate) fn subscribe(
        &self,
        group: &str,
        topics: &[&str],
    ) -> Result<KafkaSubscription, BusError> {
        let consumer: StreamConsumer<CommitOnRevoke> = self
            .consumer_config(group)
            .create_with_context(CommitOnRevoke)?;
        consumer.subscribe(topics)?;
        Ok(KafkaSubscription { consumer })
    }

    /// The admin client's config (topic creation).
    fn admin_config(&self) -> ClientConfig {
        self.base.clone()
    }

    /// A member of consumer group `group`.
    fn consumer_config(&self, group: &str) -> ClientConfig {
        let mut config = self.base.clone();
        if config.get("fetch.wait.max.ms").is_none() {
            // A crisis post must not sit in a broker's fetch wait: some
            // brokers (Tansu) hold a fetch for the whole wait even when
            // records are there. 50 ms bounds that at a few idle fetches a
            // second. An operator's [bus.kafka] value wins.
            config.set("fetch.wait.max.ms", "50");
        }
        config
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            // Offsets are stored by `commit`, after the record is applied.
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "10000");
        config
    }

    /// A reader of group `group`'s committed offsets.
    fn lag_reader_config(&self, group: &str) -> ClientConfig {
        let mut config = self.base.clone();
        config
            .set("group.id", group)
            .set("enable.auto.commit", "false");
        config
    }

    /// A client that reads group `group`'s committed offsets without joining
    /// the group (as `kafka-consumer-groups --describe` does).
    pub(crate) fn lag_reader(&self, group: &str) -> Result<Arc<BaseConsumer>, BusError> {
        let consumer: BaseConsumer = self.lag_reader_config(group).create()?;
        Ok(Arc::new(consumer))
    }

    /// How many records of each of `topics` group `group` has not committed:
    /// the high watermark minus the committed offset, per partition.
    pub(crate) async fn lag(
        &self,
        reader: Arc<BaseConsumer>,
        topics: Vec<String>,
    ) -> Result<Vec<TopicLag>, BusError> {
        let timeout = self.delivery_timeout;
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::with_capacity(topics.len());
            for topic in topics {
                let metadata = reader
                    .fetch_metadata(Some(&topic), timeout)
                    .map_err(unavailable)?;
                let partitions: Vec<i32> = metadata
                    .topics()
                    .iter()
                    .flat_map(|t| t.partitions().iter().map(|p| p.id()))
                    .collect();
                let mut wanted = rdkafka::TopicPartitionList::new();
                for &p in &partitions {
                    wanted.add_partition(&topic, p);
                }
                let committed = reader
                    .committed_offsets(wanted, timeout)
                    .map_err(unavailable)?;
                let (mut records, mut committed_total) = (0u64, 0u64);
                for &p in &partitions {
                    let (low, high) = reader
                        .fetch_watermarks(&topic, p, timeout)
                        .map_err(unavailable)?;
                    let from = match committed.find_partition(&topic, p).map(|e| e.offset()) {
                        Some(rdkafka::Offset::Offset(offset)) => offset,
                        // Nothing committed: a new group reads from the start.
                        _ => low,
                    };
                    records += (high - from).max(0) as u64;
                    committed_total += from.max(0) as u64;
                }
                out.push(TopicLag {
                    topic,
                    records,
                    committed: committed_total,
                });
            }
            Ok(out)
        })
        .await
        .map_err(|err| BusError::Unavailable(err.to_string()))?
    }

    pub(crate) async fn flush(&self) -> Result<(), BusError> {
        let producer = self.producer();
        let timeout = self.delivery_timeout;
        tokio::task::spawn_blocking(move || producer.flush(Timeout::After(timeout)))
            .await
            .map_err(|err| BusError::Unavailable(err.to_string()))?
            .map_err(unavailable)
    }
}

/// Slack over the delivery timeout before the wait is cut off, so librdkafka's
/// own (more precise) timeout normally answers first.
const DELIVERY_GRACE: Duration = Duration::from_millis(500);

/// Broker answers meaning this producer's idempotence state (producer id,
/// epoch, sequence) is no longer valid: retrying with the same producer
/// cannot succeed.
fn is_producer_state_error(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::ProducerFenced
            | RDKafkaErrorCode::InvalidProducerEpoch
            | RDKafkaErrorCode::UnknownProducerId
            | RDKafkaErrorCode::OutOfOrderSequenceNumber
            | RDKafkaErrorCode::InvalidProducerIdMapping
    )
}

fn unavailable(err: KafkaError) -> BusError {
    BusError::Unavailable(err.to_string())
}

/// Commits stored offsets before partitions are taken away, so the next owner
/// starts right after what this member applied.
pub struct CommitOnRevoke;

impl ClientContext for CommitOnRevoke {}

impl ConsumerContext for CommitOnRevoke {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(_) = rebalance {
            commit_stored(consumer);
        }
    }
}

/// Commits the stored offsets; "nothing to commit" is not an error.
fn commit_stored<C: Consumer<CommitOnRevoke>>(consumer: &C) {
    match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => {}
        Err(err) if err.rdkafka_error_code() == Some(RDKafkaErrorCode::NoOffset) => {}
        Err(err) => tracing::warn!(error = %err, "could not commit offsets"),
    }
}

/// A consumer group member on Kafka.
pub struct KafkaSubscription {
    consumer: StreamConsumer<CommitOnRevoke>,
}

impl KafkaSubscription {
    pub(crate) async fn next(&mut self) -> Result<Message, BusError> {
        let message = self.consumer.recv().await?;
        let headers = message
            .headers()
            .map(|headers| {
                headers
                    .iter()
                    .map(|h| Header {
                        name: h.key.to_owned(),
                        value: h.value.unwrap_or_default().to_vec(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Message {
            topic: message.topic().to_owned(),
            partition: message.partition() as u32,
            offset: message.offset() as u64,
            key: message.key().unwrap_or_default().to_vec(),
            payload: message.payload().unwrap_or_default().to_vec(),
            headers,
        })
    }

    pub(crate) fn commit(&mut self, message: &Message) -> Result<(), BusError> {
        // librdkafka commits stored offset + 1, the next record to read.
        self.consumer.store_offset(
            &message.topic,
            message.partition as i32,
            message.offset as i64,
        )?;
        Ok(())
    }

    pub(crate) async fn close(self) -> Result<(), BusError> {
        let consumer = self.consumer;
        tokio::task::spawn_blocking(move || {
            commit_stored(&consumer);
            consumer.unsubscribe();
        })
        .await
        .map_err(|err| BusError::Unavailable(err.to_string()))
    }
}

/// Fault injection with librdkafka's in-process mock cluster. The real flow
/// runs against a broker process in `tests/contract.rs`.
#[cfg(test)]
mod tests {
    use rdkafka::mocking::MockCluster;

    use super::*;

    const TOPIC: &str = "faults";

    fn bus_on(cluster: &MockCluster<'_, rdkafka::producer::DefaultProducerContext>) -> KafkaBus {
        let mut options = BusOptions::kafka(cluster.bootstrap_servers(), 1);
        options.delivery_timeout = Duration::from_secs(2);
        KafkaBus::connect(&options).unwrap()
    }

    /// `[bus.kafka]` is how an operator turns on SSL and SASL: every kind of
    /// client must get those properties, and librdkafka (built with OpenSSL)
    /// must accept them.
    #[tokio::test]
    async fn security_properties_reach_every_client() {
        let pki = modstream_testkit::certs::TestPki::new();
        let ca = pki.ca_cert.display().to_string();
        let security = [
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanisms", "SCRAM-SHA-512"),
            ("sasl.username", "modstream"),
            ("sasl.password", "not-a-real-password"),
            ("ssl.ca.location", ca.as_str()),
            ("ssl.endpoint.identification.algorithm", "https"),
        ];
        let mut options = BusOptions::kafka("127.0.0.1:1", 1);
        options.kafka_properties = security
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // Creates the producer: librdkafka checks the properties (and reads
        // the CA file) here.
        let bus = KafkaBus::connect(&options).unwrap();

        let configs = [
            ("producer", bus.producer_config.clone()),
            ("consumer", bus.consumer_config("g")),
            ("lag reader", bus.lag_reader_config("g")),
            ("admin", bus.admin_config()),
        ];
        for (client, config) in &configs {
            for (key, value) in security {
                assert_eq!(config.get(key), Some(value), "{client}: {key}");
            }
        }
        // Each kind of client can be made with them (no broker is needed).
        bus.subscribe("g", &["t"]).unwrap();
        bus.lag_reader("g").unwrap();
        let _admin: AdminClient<DefaultClientContext> = bus.admin_config().create().unwrap();
    }

    #[tokio::test]
    async fn a_write_to_a_down_broker_fails_as_transient_within_the_timeout() {
        let cluster = MockCluster::new(1).unwrap();
        cluster.create_topic(TOPIC, 1, 1).unwrap();
        let bus = bus_on(&cluster);
        bus.publish_batch(TOPIC, vec![Record::new("k", "before")])
            .await
            .pop()
            .unwrap()
            .unwrap();

        cluster.broker_down(1).unwrap();
        let started = std::time::Instant::now();
        let err = bus
            .publish_batch(TOPIC, vec![Record::new("k", "during")])
            .await
            .pop()
            .unwrap()
            .unwrap_err();
        assert!(err.is_transient(), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "bounded by the delivery timeout (2 s) plus grace"
        );

        cluster.broker_up(1).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while bus
            .publish_batch(TOPIC, vec![Record::new("k", "after")])
            .await
            .pop()
            .unwrap()
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "no recovery after the broker came back"
            );
        }
    }

    #[tokio::test]
    async fn a_fatal_producer_error_is_survived_by_replacing_the_producer() {
        let cluster = MockCluster::new(1).unwrap();
        cluster.create_topic(TOPIC, 1, 1).unwrap();
        let bus = bus_on(&cluster);
        bus.publish_batch(TOPIC, vec![Record::new("k", "before")])
            .await
            .pop()
            .unwrap()
            .unwrap();

        let reason = std::ffi::CString::new("injected by test").unwrap();
        #[allow(unsafe_code)]
        // SAFETY: the client pointer is alive (we hold the producer) and the
        // reason is a valid C string for the duration of the call.
        unsafe {
            rdkafka::bindings::rd_kafka_test_fatal_error(
                bus.producer().client().native_ptr(),
                rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                reason.as_ptr(),
            );
        }
        assert!(bus.producer().client().fatal_error().is_some());
        let failed = bus
            .publish_batch(TOPIC, vec![Record::new("k", "during")])
            .await
            .pop()
            .unwrap();
        assert!(failed.is_err(), "a fatal producer cannot deliver");
        assert!(
            bus.producer().client().fatal_error().is_none(),
            "the producer was replaced"
        );
        bus.publish_batch(TOPIC, vec![Record::new("k", "after")])
            .await
            .pop()
            .unwrap()
            .unwrap();
    }
}

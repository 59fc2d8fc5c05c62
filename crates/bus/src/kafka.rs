//! The bus on Apache Kafka, through rdkafka (librdkafka).
//!
//! Producer: `acks=all` with idempotence on, and a write is confirmed only by
//! its delivery report; `delivery.timeout.ms` bounds how long that may take.
//! Consumer: offsets are *stored* only when the application calls
//! [`crate::Subscription::commit`] after applying a record, auto-committed in
//! the background, and committed synchronously when partitions are revoked
//! (rebalance) and on close.

use std::time::Duration;

use futures::future::join_all;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Headers, Message as _, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::util::Timeout;
use rdkafka::ClientContext;

use crate::{BusError, BusOptions, Delivered, Header, Message, Record};

/// A Kafka connection: one shared producer plus what is needed to create
/// consumers and topics.
#[derive(Clone)]
pub struct KafkaBus {
    base: ClientConfig,
    producer: FutureProducer,
    partitions: u32,
    replication_factor: u16,
    delivery_timeout: Duration,
}

impl KafkaBus {
    /// Creates the producer. librdkafka connects lazily, so this succeeds even
    /// while the brokers are down; writes then time out as UNAVAILABLE.
    pub fn connect(options: &BusOptions) -> Result<Self, BusError> {
        let mut base = ClientConfig::new();
        base.set("bootstrap.servers", options.brokers.trim());
        for (key, value) in &options.kafka_properties {
            base.set(key, value);
        }
        let timeout_ms = options.delivery_timeout.as_millis().max(1).to_string();
        let producer: FutureProducer = base
            .clone()
            .set("acks", "all")
            .set("enable.idempotence", "true")
            .set("message.timeout.ms", &timeout_ms)
            // A little lingering lets concurrent calls share a produce request.
            .set("linger.ms", "2")
            .create()?;
        Ok(Self {
            base,
            producer,
            partitions: options.partitions.max(1),
            replication_factor: options.replication_factor.max(1),
            delivery_timeout: options.delivery_timeout,
        })
    }

    pub(crate) async fn ensure_topics(&self, topics: &[&str]) -> Result<(), BusError> {
        let admin: AdminClient<DefaultClientContext> = self.base.create()?;
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
        let results = admin.create_topics(&new_topics, &options).await.map_err(unavailable)?;
        for result in results {
            match result {
                Ok(_) => {}
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(BusError::Unavailable(format!("cannot create topic {topic}: {code}")));
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
        let sends = records.iter().map(|record| {
            let mut headers = OwnedHeaders::new_with_capacity(record.headers.len());
            for header in &record.headers {
                headers = headers.insert(rdkafka::message::Header {
                    key: &header.name,
                    value: Some(&header.value),
                });
            }
            let future_record =
                FutureRecord::to(topic).key(&record.key).payload(&record.payload).headers(headers);
            self.producer.send(future_record, Timeout::After(self.delivery_timeout))
        });
        join_all(sends)
            .await
            .into_iter()
            .map(|result| match result {
                Ok(delivery) => Ok(Delivered {
                    partition: delivery.partition as u32,
                    offset: delivery.offset as u64,
                }),
                Err((err, _)) => Err(self.delivery_error(err)),
            })
            .collect()
    }

    fn delivery_error(&self, err: KafkaError) -> BusError {
        match err.rdkafka_error_code() {
            Some(RDKafkaErrorCode::MessageTimedOut) => BusError::Timeout(self.delivery_timeout),
            Some(RDKafkaErrorCode::UnknownTopicOrPartition) | Some(RDKafkaErrorCode::UnknownTopic) => {
                BusError::Kafka(err)
            }
            _ => unavailable(err),
        }
    }

    pub(crate) fn subscribe(&self, group: &str, topics: &[&str]) -> Result<KafkaSubscription, BusError> {
        let consumer: StreamConsumer<CommitOnRevoke> = self
            .base
            .clone()
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            // Offsets are stored by `commit`, after the record is applied.
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "10000")
            .create_with_context(CommitOnRevoke)?;
        consumer.subscribe(topics)?;
        Ok(KafkaSubscription { consumer })
    }

    pub(crate) async fn flush(&self) -> Result<(), BusError> {
        let producer = self.producer.clone();
        let timeout = self.delivery_timeout;
        tokio::task::spawn_blocking(move || producer.flush(Timeout::After(timeout)))
            .await
            .map_err(|err| BusError::Unavailable(err.to_string()))?
            .map_err(unavailable)
    }
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
                    .map(|h| Header { name: h.key.to_owned(), value: h.value.unwrap_or_default().to_vec() })
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
        self.consumer.store_offset(&message.topic, message.partition as i32, message.offset as i64)?;
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

//! The bus contract, run against both implementations: the embedded log in a
//! temp dir, and Kafka on a real Tansu broker process.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use modstream_bus::{Bus, BusOptions, Message, Record};
use modstream_testkit::Broker;

const TOPIC: &str = "contract.events";
const WAIT: Duration = Duration::from_secs(60);

/// Something that can hand out a bus and simulate a restart of the process
/// that uses it.
enum Fixture {
    Embedded {
        dir: tempfile::TempDir,
        bus: Option<Bus>,
    },
    Kafka {
        _broker: Broker,
        options: BusOptions,
        bus: Option<Bus>,
    },
}

impl Fixture {
    fn embedded() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bus = Bus::open(&BusOptions::embedded(4), dir.path()).unwrap();
        Fixture::Embedded {
            dir,
            bus: Some(bus),
        }
    }

    fn kafka() -> Self {
        let broker = Broker::start();
        let options = BusOptions::kafka(broker.bootstrap(), 4);
        let bus = Bus::open(&options, std::path::Path::new("/nonexistent")).unwrap();
        Fixture::Kafka {
            _broker: broker,
            options,
            bus: Some(bus),
        }
    }

    fn bus(&self) -> Bus {
        match self {
            Fixture::Embedded { bus, .. } | Fixture::Kafka { bus, .. } => bus.clone().unwrap(),
        }
    }

    /// Drops the bus handle (closing the log or client) and opens a new one.
    async fn restart(&mut self) {
        match self {
            Fixture::Embedded { dir, bus } => {
                bus.take().unwrap().flush().await.unwrap();
                *bus = Some(Bus::open(&BusOptions::embedded(4), dir.path()).unwrap());
            }
            Fixture::Kafka { options, bus, .. } => {
                bus.take().unwrap().flush().await.unwrap();
                *bus = Some(Bus::open(options, std::path::Path::new("/nonexistent")).unwrap());
            }
        }
    }
}

async fn next(sub: &mut modstream_bus::Subscription) -> Message {
    tokio::time::timeout(WAIT, sub.next())
        .await
        .expect("a message in time")
        .expect("no bus error")
}

fn record(key: &str, seq: usize) -> Record {
    Record::new(key, format!("{key}#{seq}")).with_header("seq", seq.to_string())
}

fn seq_of(message: &Message) -> usize {
    String::from_utf8(message.header("seq").unwrap().to_vec())
        .unwrap()
        .parse()
        .unwrap()
}

async fn ordering_per_key(fixture: Fixture) {
    let bus = fixture.bus();
    bus.ensure_topics(&[TOPIC]).await.unwrap();
    let keys = ["forum-a/t1", "forum-a/t2", "forum-b/t1", "forum-b/t9"];
    // Interleave keys, mixing single writes and batches.
    for seq in 0..25 {
        if seq % 2 == 0 {
            let batch = keys.iter().map(|k| record(k, seq)).collect();
            for result in bus.publish_batch(TOPIC, batch).await {
                result.unwrap();
            }
        } else {
            for key in keys {
                bus.publish(TOPIC, record(key, seq)).await.unwrap();
            }
        }
    }
    let mut sub = bus.subscribe("ordering", &[TOPIC]).unwrap();
    let mut seen: BTreeMap<Vec<u8>, (u32, Vec<usize>)> = BTreeMap::new();
    for _ in 0..100 {
        let m = next(&mut sub).await;
        let entry = seen
            .entry(m.key.clone())
            .or_insert((m.partition, Vec::new()));
        assert_eq!(entry.0, m.partition, "a key moved partition");
        assert_eq!(
            m.payload,
            format!("{}#{}", String::from_utf8_lossy(&m.key), seq_of(&m)).into_bytes()
        );
        entry.1.push(seq_of(&m));
    }
    assert_eq!(seen.len(), keys.len());
    for (key, (_, seqs)) in seen {
        assert_eq!(
            seqs,
            (0..25).collect::<Vec<_>>(),
            "order for {}",
            String::from_utf8_lossy(&key)
        );
    }
}

async fn offsets_commit_only_after_processing(fixture: Fixture) {
    let bus = fixture.bus();
    bus.ensure_topics(&[TOPIC]).await.unwrap();
    for seq in 0..10 {
        bus.publish(TOPIC, record("one-thread", seq)).await.unwrap();
    }
    let mut sub = bus.subscribe("at-least-once", &[TOPIC]).unwrap();
    for seq in 0..10 {
        let m = next(&mut sub).await;
        assert_eq!(seq_of(&m), seq);
        // Only the first four are "applied"; the rest were read but not done.
        if seq < 4 {
            sub.commit(&m).unwrap();
        }
    }
    sub.close().await.unwrap();

    let mut sub = bus.subscribe("at-least-once", &[TOPIC]).unwrap();
    for seq in 4..10 {
        let m = next(&mut sub).await;
        assert_eq!(
            seq_of(&m),
            seq,
            "redelivery starts after the last applied record"
        );
        sub.commit(&m).unwrap();
    }
    sub.close().await.unwrap();
}

/// A member that goes away without closing (dropped, as on a crash of its
/// task) leaves the group at its applied offsets: the next member resumes
/// right after the last applied record, and nothing applied is lost.
async fn a_dropped_member_leaves_its_applied_offsets(fixture: Fixture) {
    let bus = fixture.bus();
    bus.ensure_topics(&[TOPIC]).await.unwrap();
    for seq in 0..6 {
        bus.publish(TOPIC, record("dropped", seq)).await.unwrap();
    }
    let mut sub = bus.subscribe("dropper", &[TOPIC]).unwrap();
    for seq in 0..6 {
        let m = next(&mut sub).await;
        if seq < 3 {
            sub.commit(&m).unwrap();
        }
    }
    drop(sub);

    let mut sub = bus.subscribe("dropper", &[TOPIC]).unwrap();
    assert_eq!(seq_of(&next(&mut sub).await), 3);
}

async fn resume_from_committed_offset_after_restart(mut fixture: Fixture) {
    let bus = fixture.bus();
    bus.ensure_topics(&[TOPIC]).await.unwrap();
    for seq in 0..5 {
        bus.publish(TOPIC, record("k", seq)).await.unwrap();
    }
    let mut sub = bus.subscribe("resume", &[TOPIC]).unwrap();
    for _ in 0..5 {
        let m = next(&mut sub).await;
        sub.commit(&m).unwrap();
    }
    sub.close().await.unwrap();
    drop(bus);

    fixture.restart().await;
    let bus = fixture.bus();
    bus.ensure_topics(&[TOPIC]).await.unwrap();
    for seq in 5..8 {
        bus.publish(TOPIC, record("k", seq)).await.unwrap();
    }
    let mut sub = bus.subscribe("resume", &[TOPIC]).unwrap();
    for seq in 5..8 {
        assert_eq!(seq_of(&next(&mut sub).await), seq);
    }
}

async fn acknowledged_writes_survive_restart(mut fixture: Fixture) {
    let bus = fixture.bus();
    bus.ensure_topics(&[TOPIC]).await.unwrap();
    let mut acknowledged = HashSet::new();
    for chunk in 0..10 {
        let batch: Vec<Record> = (0..20)
            .map(|i| record(&format!("k{}", i % 7), chunk * 20 + i))
            .collect();
        for (i, result) in bus
            .publish_batch(TOPIC, batch)
            .await
            .into_iter()
            .enumerate()
        {
            result.unwrap();
            acknowledged.insert(chunk * 20 + i);
        }
    }
    drop(bus);
    fixture.restart().await;

    let mut sub = fixture.bus().subscribe("audit", &[TOPIC]).unwrap();
    let mut found = HashSet::new();
    for _ in 0..acknowledged.len() {
        found.insert(seq_of(&next(&mut sub).await));
    }
    assert_eq!(found, acknowledged);
}

/// Lag is what the group has not committed: everything for a new group,
/// then what is left after the applied records.
async fn lag_counts_what_the_group_has_not_committed(fixture: Fixture) {
    let bus = fixture.bus();
    bus.ensure_topics(&[TOPIC]).await.unwrap();
    for seq in 0..10 {
        bus.publish(TOPIC, record(&format!("k{}", seq % 3), seq))
            .await
            .unwrap();
    }
    let monitor = bus.lag_monitor("lagger", &[TOPIC]).unwrap();
    let lag = |lags: Vec<modstream_bus::TopicLag>| {
        assert_eq!(lags.len(), 1);
        assert_eq!(lags[0].topic, TOPIC);
        lags[0].records
    };
    assert_eq!(lag(monitor.measure().await.unwrap()), 10, "a new group");

    let mut sub = bus.subscribe("lagger", &[TOPIC]).unwrap();
    for _ in 0..10 {
        let m = next(&mut sub).await;
        // Apply the first record of each key only.
        if seq_of(&m) < 3 {
            sub.commit(&m).unwrap();
        }
    }
    sub.close().await.unwrap();
    assert_eq!(lag(monitor.measure().await.unwrap()), 7);
}

mod embedded {
    use super::*;

    /// Many writers at once each get their confirmation. (sled 0.34's
    /// `flush_async` could leave concurrent callers waiting forever; the
    /// gateway hung this way under concurrent publishes.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_all_get_their_confirmation() {
        let fixture = Fixture::embedded();
        let bus = fixture.bus();
        bus.ensure_topics(&[TOPIC]).await.unwrap();
        let writers: Vec<_> = (0..200)
            .map(|i| {
                let bus = bus.clone();
                tokio::spawn(async move {
                    for j in 0..5 {
                        bus.publish(TOPIC, record(&format!("w{i}"), j))
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            tokio::time::timeout(WAIT, writer)
                .await
                .expect("every write is confirmed in time")
                .unwrap();
        }
    }

    #[tokio::test]
    async fn lag_counts_what_the_group_has_not_committed() {
        super::lag_counts_what_the_group_has_not_committed(Fixture::embedded()).await;
    }

    #[tokio::test]
    async fn ordering_per_key() {
        super::ordering_per_key(Fixture::embedded()).await;
    }

    #[tokio::test]
    async fn offsets_commit_only_after_processing() {
        super::offsets_commit_only_after_processing(Fixture::embedded()).await;
    }

    #[tokio::test]
    async fn resume_from_committed_offset_after_restart() {
        super::resume_from_committed_offset_after_restart(Fixture::embedded()).await;
    }

    #[tokio::test]
    async fn a_dropped_member_leaves_its_applied_offsets() {
        super::a_dropped_member_leaves_its_applied_offsets(Fixture::embedded()).await;
    }

    #[tokio::test]
    async fn acknowledged_writes_survive_restart() {
        super::acknowledged_writes_survive_restart(Fixture::embedded()).await;
    }

    #[tokio::test]
    async fn writing_to_an_unknown_topic_is_refused() {
        let fixture = Fixture::embedded();
        let err = fixture
            .bus()
            .publish("never.created", Record::new("k", "v"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, modstream_bus::BusError::UnknownTopic(_)),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_group_has_one_member_at_a_time() {
        let fixture = Fixture::embedded();
        let bus = fixture.bus();
        bus.ensure_topics(&[TOPIC]).await.unwrap();
        let first = bus.subscribe("g", &[TOPIC]).unwrap();
        let err = bus.subscribe("g", &[TOPIC]).unwrap_err();
        assert!(
            matches!(err, modstream_bus::BusError::GroupInUse(_)),
            "{err}"
        );
        drop(first);
        bus.subscribe("g", &[TOPIC]).unwrap();
    }

    #[tokio::test]
    async fn a_waiting_consumer_wakes_on_a_write() {
        let fixture = Fixture::embedded();
        let bus = fixture.bus();
        bus.ensure_topics(&[TOPIC]).await.unwrap();
        let mut sub = bus.subscribe("waiter", &[TOPIC]).unwrap();
        let reader = tokio::spawn(async move { next(&mut sub).await });
        tokio::task::yield_now().await;
        bus.publish(TOPIC, record("k", 1)).await.unwrap();
        assert_eq!(seq_of(&reader.await.unwrap()), 1);
    }
}

mod kafka {
    use super::*;

    #[tokio::test]
    async fn lag_counts_what_the_group_has_not_committed() {
        super::lag_counts_what_the_group_has_not_committed(Fixture::kafka()).await;
    }

    #[tokio::test]
    async fn ordering_per_key() {
        super::ordering_per_key(Fixture::kafka()).await;
    }

    #[tokio::test]
    async fn offsets_commit_only_after_processing() {
        super::offsets_commit_only_after_processing(Fixture::kafka()).await;
    }

    #[tokio::test]
    async fn resume_from_committed_offset_after_restart() {
        super::resume_from_committed_offset_after_restart(Fixture::kafka()).await;
    }

    #[tokio::test]
    async fn a_dropped_member_leaves_its_applied_offsets() {
        super::a_dropped_member_leaves_its_applied_offsets(Fixture::kafka()).await;
    }

    #[tokio::test]
    async fn acknowledged_writes_survive_restart() {
        super::acknowledged_writes_survive_restart(Fixture::kafka()).await;
    }
}

//! The embedded durable log: Kafka's model (topics, partitions, offsets,
//! consumer groups) on one machine, stored in sled.
//!
//! Layout in the sled database:
//! - tree `topics`: topic name -> partition count (u32, big-endian);
//! - tree `log/<topic>/<partition>`: offset (u64, big-endian) -> record;
//! - tree `offsets`: `<group>\0<topic>\0<partition>` -> next offset to read.
//!
//! A write is confirmed only after sled has synced it to disk. Consumers only
//! see records up to each partition's durable mark, so nothing a consumer acts
//! on can vanish in a crash. Each consumer group has one member (one process
//! owns the log); a second subscription of the same group is refused.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use prost::Message as _;
use tokio::sync::watch;

use crate::{BusError, BusOptions, Delivered, Header, Message, Record, TopicLag};

/// The embedded log. Clones share the same open database.
#[derive(Clone)]
pub struct EmbeddedLog {
    inner: Arc<Inner>,
}

struct Inner {
    db: sled::Db,
    topic_index: sled::Tree,
    offsets: sled::Tree,
    default_partitions: u32,
    topics: RwLock<HashMap<String, Arc<Topic>>>,
    /// Groups with an open subscription.
    active_groups: Mutex<HashSet<String>>,
    /// Bumped whenever a durable mark moves, to wake consumers.
    progress: watch::Sender<u64>,
}

struct Topic {
    name: String,
    partitions: Vec<Partition>,
}

struct Partition {
    tree: sled::Tree,
    /// The next offset to assign. Held while inserting so offsets are dense.
    next: Mutex<u64>,
    /// Every offset below this is synced to disk and visible to consumers.
    durable: AtomicU64,
}

/// A record as stored in a partition tree.
#[derive(Clone, PartialEq, prost::Message)]
struct StoredRecord {
    #[prost(bytes = "vec", tag = "1")]
    key: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    payload: Vec<u8>,
    #[prost(message, repeated, tag = "3")]
    headers: Vec<StoredHeader>,
    #[prost(int64, tag = "4")]
    appended_at_ms: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct StoredHeader {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(bytes = "vec", tag = "2")]
    value: Vec<u8>,
}

impl EmbeddedLog {
    /// Opens (or creates) the log in `dir`.
    pub fn open(dir: &Path, options: &BusOptions) -> Result<Self, BusError> {
        let db = sled::Config::new().path(dir).open()?;
        let topic_index = db.open_tree("topics")?;
        let offsets = db.open_tree("offsets")?;
        let log = Self {
            inner: Arc::new(Inner {
                db,
                topic_index,
                offsets,
                default_partitions: options.partitions.max(1),
                topics: RwLock::new(HashMap::new()),
                active_groups: Mutex::new(HashSet::new()),
                progress: watch::channel(0).0,
            }),
        };
        for entry in log.inner.topic_index.iter() {
            let (name, count) = entry?;
            let name = String::from_utf8(name.to_vec())
                .map_err(|_| BusError::Corrupt("topic name is not UTF-8".into()))?;
            let count = decode_u32(&count)?;
            log.load_topic(&name, count)?;
        }
        Ok(log)
    }

    fn load_topic(&self, name: &str, partition_count: u32) -> Result<Arc<Topic>, BusError> {
        let mut partitions = Vec::with_capacity(partition_count as usize);
        for p in 0..partition_count {
            let tree = self.inner.db.open_tree(format!("log/{name}/{p}"))?;
            let next = match tree.last()? {
                Some((key, _)) => decode_u64(&key)? + 1,
                None => 0,
            };
            partitions.push(Partition {
                tree,
                next: Mutex::new(next),
                durable: AtomicU64::new(next),
            });
        }
        let topic = Arc::new(Topic {
            name: name.to_owned(),
            partitions,
        });
        self.inner
            .topics
            .write()
            .expect("topics lock")
            .insert(name.to_owned(), topic.clone());
        Ok(topic)
    }

    pub(crate) fn ensure_topics(&self, topics: &[&str]) -> Result<(), BusError> {
        for &name in topics {
            if self.topic(name).is_ok() {
                continue;
            }
            let count = self.inner.default_partitions;
            self.inner
                .topic_index
                .insert(name.as_bytes(), &count.to_be_bytes())?;
            self.load_topic(name, count)?;
        }
        self.inner.db.flush()?;
        Ok(())
    }

    fn topic(&self, name: &str) -> Result<Arc<Topic>, BusError> {
        self.inner
            .topics
            .read()
            .expect("topics lock")
            .get(name)
            .cloned()
            .ok_or_else(|| BusError::UnknownTopic(name.to_owned()))
    }

    /// The number of partitions of `topic`.
    pub fn partition_count(&self, topic: &str) -> Result<u32, BusError> {
        Ok(self.topic(topic)?.partitions.len() as u32)
    }

    pub(crate) async fn publish_batch(
        &self,
        topic: &str,
        records: Vec<Record>,
    ) -> Vec<Result<Delivered, BusError>> {
        let topic = match self.topic(topic) {
            Ok(topic) => topic,
            Err(_) => {
                return records
                    .iter()
                    .map(|_| Err(BusError::UnknownTopic(topic.to_owned())))
                    .collect();
            }
        };
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let mut results: Vec<Result<Delivered, BusError>> = records
            .into_iter()
            .map(|record| {
                let partition = partition_for(&record.key, topic.partitions.len() as u32);
                let stored = StoredRecord {
                    key: record.key,
                    payload: record.payload,
                    headers: record
                        .headers
                        .into_iter()
                        .map(|h| StoredHeader {
                            name: h.name,
                            value: h.value,
                        })
                        .collect(),
                    appended_at_ms: now_ms,
                };
                let slot = &topic.partitions[partition as usize];
                let mut next = slot.next.lock().expect("partition lock");
                let offset = *next;
                slot.tree
                    .insert(offset.to_be_bytes(), stored.encode_to_vec())?;
                *next += 1;
                Ok(Delivered { partition, offset })
            })
            .collect();

        // One sync covers every record inserted above (and any inserted
        // concurrently before it started): that is the group commit.
        if let Err(err) = crate::flush_sled(&self.inner.db).await {
            let message = err.to_string();
            for result in &mut results {
                if result.is_ok() {
                    *result = Err(BusError::Storage(sled::Error::Io(std::io::Error::other(
                        message.clone(),
                    ))));
                }
            }
            return results;
        }
        for delivered in results.iter().flatten() {
            let slot = &topic.partitions[delivered.partition as usize];
            slot.durable
                .fetch_max(delivered.offset + 1, Ordering::AcqRel);
        }
        self.inner.progress.send_modify(|v| *v += 1);
        results
    }

    pub(crate) fn subscribe(
        &self,
        group: &str,
        topics: &[&str],
    ) -> Result<EmbeddedSubscription, BusError> {
        let mut cursors = Vec::new();
        for &name in topics {
            let topic = self.topic(name)?;
            for partition in 0..topic.partitions.len() as u32 {
                let position = match self.inner.offsets.get(offset_key(group, name, partition))? {
                    Some(bytes) => decode_u64(&bytes)?,
                    None => 0,
                };
                cursors.push(Cursor {
                    topic: topic.clone(),
                    partition,
                    position,
                });
            }
        }
        if !self
            .inner
            .active_groups
            .lock()
            .expect("groups lock")
            .insert(group.to_owned())
        {
            return Err(BusError::GroupInUse(group.to_owned()));
        }
        Ok(EmbeddedSubscription {
            log: self.clone(),
            group: group.to_owned(),
            cursors,
            next_cursor: 0,
            progress: self.inner.progress.subscribe(),
        })
    }

    /// How many durable records of each of `topics` group `group` has not
    /// committed yet (a new group is behind by everything).
    pub(crate) fn lag(&self, group: &str, topics: &[String]) -> Result<Vec<TopicLag>, BusError> {
        let mut out = Vec::with_capacity(topics.len());
        for name in topics {
            let topic = self.topic(name)?;
            let mut records = 0;
            for (partition, slot) in topic.partitions.iter().enumerate() {
                let committed =
                    match self
                        .inner
                        .offsets
                        .get(offset_key(group, name, partition as u32))?
                    {
                        Some(bytes) => decode_u64(&bytes)?,
                        None => 0,
                    };
                records += slot
                    .durable
                    .load(Ordering::Acquire)
                    .saturating_sub(committed);
            }
            out.push(TopicLag {
                topic: name.clone(),
                records,
            });
        }
        Ok(out)
    }

    pub(crate) async fn flush(&self) -> Result<(), BusError> {
        crate::flush_sled(&self.inner.db).await?;
        Ok(())
    }
}

/// Which partition a key belongs to: FNV-1a, stable across versions and
/// restarts (a change would reorder threads that span it).
pub fn partition_for(key: &[u8], partitions: u32) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % u64::from(partitions.max(1))) as u32
}

fn offset_key(group: &str, topic: &str, partition: u32) -> Vec<u8> {
    format!("{group}\0{topic}\0{partition}").into_bytes()
}

fn decode_u64(bytes: &[u8]) -> Result<u64, BusError> {
    let array: [u8; 8] = bytes
        .try_into()
        .map_err(|_| BusError::Corrupt("offset is not 8 bytes".into()))?;
    Ok(u64::from_be_bytes(array))
}

fn decode_u32(bytes: &[u8]) -> Result<u32, BusError> {
    let array: [u8; 4] = bytes
        .try_into()
        .map_err(|_| BusError::Corrupt("partition count is not 4 bytes".into()))?;
    Ok(u32::from_be_bytes(array))
}

/// One group member's view of the log.
pub struct EmbeddedSubscription {
    log: EmbeddedLog,
    group: String,
    cursors: Vec<Cursor>,
    /// Where the round-robin over partitions resumes, so one busy partition
    /// cannot starve the others.
    next_cursor: usize,
    progress: watch::Receiver<u64>,
}

struct Cursor {
    topic: Arc<Topic>,
    partition: u32,
    /// The next offset this member will read.
    position: u64,
}

impl EmbeddedSubscription {
    pub(crate) async fn next(&mut self) -> Result<Message, BusError> {
        loop {
            // Mark the current progress as seen before looking, so a write that
            // lands after the look still wakes us.
            self.progress.borrow_and_update();
            if let Some(message) = self.poll()? {
                return Ok(message);
            }
            if self.progress.changed().await.is_err() {
                return Err(BusError::Unavailable("the embedded log was closed".into()));
            }
        }
    }

    fn poll(&mut self) -> Result<Option<Message>, BusError> {
        let count = self.cursors.len();
        for step in 0..count {
            let index = (self.next_cursor + step) % count;
            let cursor = &mut self.cursors[index];
            let slot = &cursor.topic.partitions[cursor.partition as usize];
            if cursor.position >= slot.durable.load(Ordering::Acquire) {
                continue;
            }
            let offset = cursor.position;
            let bytes = slot.tree.get(offset.to_be_bytes())?.ok_or_else(|| {
                BusError::Corrupt(format!(
                    "{}/{} has no record at offset {offset}",
                    cursor.topic.name, cursor.partition
                ))
            })?;
            let stored = StoredRecord::decode(bytes.as_ref()).map_err(|err| {
                BusError::Corrupt(format!(
                    "{}/{}@{offset}: {err}",
                    cursor.topic.name, cursor.partition
                ))
            })?;
            cursor.position += 1;
            self.next_cursor = (index + 1) % count;
            return Ok(Some(Message {
                topic: cursor.topic.name.clone(),
                partition: cursor.partition,
                offset,
                key: stored.key,
                payload: stored.payload,
                headers: stored
                    .headers
                    .into_iter()
                    .map(|h| Header {
                        name: h.name,
                        value: h.value,
                    })
                    .collect(),
            }));
        }
        Ok(None)
    }

    pub(crate) fn commit(&mut self, message: &Message) -> Result<(), BusError> {
        let key = offset_key(&self.group, &message.topic, message.partition);
        self.log
            .inner
            .offsets
            .insert(key, &(message.offset + 1).to_be_bytes())?;
        Ok(())
    }

    pub(crate) async fn close(self) -> Result<(), BusError> {
        // Committed offsets are synced here (and with every later write); one
        // lost by a crash only means a record is delivered again.
        self.log.flush().await
    }
}

impl Drop for EmbeddedSubscription {
    fn drop(&mut self) {
        self.log
            .inner
            .active_groups
            .lock()
            .expect("groups lock")
            .remove(&self.group);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitioning_is_stable() {
        // Pinned values: changing the hash would reorder live threads.
        assert_eq!(
            partition_for(b"riverside/t-1", 6),
            partition_for(b"riverside/t-1", 6)
        );
        assert_eq!(
            partition_for(b"", 6),
            (0xcbf2_9ce4_8422_2325_u64 % 6) as u32
        );
        assert!(partition_for(b"anything", 1) == 0);
    }
}

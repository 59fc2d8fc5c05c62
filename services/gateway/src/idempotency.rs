//! The gateway's memory of what it has published, so a platform may retry any
//! call without creating a second event.
//!
//! Key: forum, kind of event, the forum's source id. Value: the event id, a
//! digest of the request, and whether the bus confirmed the write.
//!
//! The entry is written and synced *before* the event goes to the bus. So if
//! the gateway dies after the bus confirmed but before it answered, the retry
//! finds the entry and reuses the same event id: the worst case is the same
//! event twice on the bus, which consumers drop by event id, never two events
//! with different ids for one forum post.

use std::collections::HashSet;
use std::sync::Mutex;

use sled::Transactional as _;
use uuid::Uuid;

use crate::erasure::{self, EpochBump, Epochs};
use crate::error::ItemError;

const RESERVED: u8 = 0;
const PUBLISHED: u8 = 1;

pub struct IdempotencyStore {
    db: sled::Db,
    entries: sled::Tree,
    /// Keys being published by a call right now.
    in_flight: Mutex<HashSet<Vec<u8>>>,
}

/// What to do with a valid event.
pub enum Claim<'a> {
    /// Publish it under this id (new, or a retry of an unconfirmed attempt).
    Publish { event_id: Uuid, guard: InFlight<'a> },
    /// It was published before under this id.
    AlreadyPublished { event_id: Uuid },
}

/// Marks a key as being published; released on drop.
pub struct InFlight<'a> {
    store: &'a IdempotencyStore,
    pub key: Vec<u8>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.store
            .in_flight
            .lock()
            .expect("in-flight lock")
            .remove(&self.key);
    }
}

/// The idempotency key of one forum event.
pub fn key(forum_id: &str, kind: &str, source_id: &str) -> Vec<u8> {
    format!("{forum_id}\0{kind}\0{source_id}").into_bytes()
}

impl IdempotencyStore {
    pub fn open(db: sled::Db) -> Result<Self, sled::Error> {
        let entries = db.open_tree("idempotency")?;
        Ok(Self {
            db,
            entries,
            in_flight: Mutex::new(HashSet::new()),
        })
    }

    /// Decides what happens to the event with `key` and request `digest`,
    /// reserving `new_id` for it if it is new. Call [`Self::sync`] before
    /// publishing what was reserved.
    pub fn claim(
        &self,
        key: Vec<u8>,
        digest: [u8; 32],
        new_id: Uuid,
    ) -> Result<Claim<'_>, ItemError> {
        if !self
            .in_flight
            .lock()
            .expect("in-flight lock")
            .insert(key.clone())
        {
            return Err(ItemError::Busy(
                "this forum event is already being published (by another call or earlier in this batch); \
                 retry to get its event id"
                    .into(),
            ));
        }
        let guard = InFlight { store: self, key };
        match self.entries.get(&guard.key)? {
            None => {
                self.entries
                    .insert(guard.key.clone(), encode(new_id, &digest, RESERVED))?;
                Ok(Claim::Publish {
                    event_id: new_id,
                    guard,
                })
            }
            Some(bytes) => {
                let (event_id, stored_digest, state) = decode(&bytes)
                    .ok_or_else(|| ItemError::Internal("an idempotency entry is damaged".into()))?;
                if stored_digest != digest {
                    return Err(ItemError::Conflict(format!(
                        "this forum event (same kind and source_id) was already published as event {event_id} \
                         with different content; send changes as an edit or moderation action"
                    )));
                }
                if state == PUBLISHED {
                    Ok(Claim::AlreadyPublished { event_id })
                } else {
                    Ok(Claim::Publish { event_id, guard })
                }
            }
        }
    }

    /// Records that the bus confirmed the event. For an erasure, `bump`
    /// moves the member to their next epoch in the same transaction, so the
    /// erasure is either published-and-applied or neither (a retry then
    /// names the same pseudonym). The epoch only ever grows: two erasures of
    /// one member confirmed at the same epoch move it once.
    pub fn mark_published(
        &self,
        key: &[u8],
        event_id: Uuid,
        digest: &[u8; 32],
        bump: Option<(&Epochs, &EpochBump)>,
    ) -> Result<(), sled::Error> {
        let value = encode(event_id, digest, PUBLISHED);
        let Some((epochs, bump)) = bump else {
            self.entries.insert(key, value)?;
            return Ok(());
        };
        (&self.entries, &epochs.tree)
            .transaction(|(entries, epochs)| {
                entries.insert(key, value.clone())?;
                let current = erasure::decode(epochs.get(&bump.key)?.as_deref());
                let next = current.max(bump.epoch + 1);
                epochs.insert(bump.key.as_slice(), &next.to_be_bytes())?;
                Ok(())
            })
            .map_err(|err| match err {
                sled::transaction::TransactionError::Abort(()) => {
                    unreachable!("the transaction never aborts")
                }
                sled::transaction::TransactionError::Storage(err) => err,
            })
    }

    /// Makes every claim and mark so far durable.
    pub async fn sync(&self) -> Result<(), sled::Error> {
        modstream_bus::flush_sled(&self.db).await
    }
}

fn encode(event_id: Uuid, digest: &[u8; 32], state: u8) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(49);
    bytes.extend_from_slice(event_id.as_bytes());
    bytes.extend_from_slice(digest);
    bytes.push(state);
    bytes
}

fn decode(bytes: &[u8]) -> Option<(Uuid, [u8; 32], u8)> {
    if bytes.len() != 49 {
        return None;
    }
    let event_id = Uuid::from_slice(&bytes[..16]).ok()?;
    let digest: [u8; 32] = bytes[16..48].try_into().ok()?;
    Some((event_id, digest, bytes[48]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, IdempotencyStore) {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        (dir, IdempotencyStore::open(db).unwrap())
    }

    #[test]
    fn an_unconfirmed_event_is_retried_under_its_first_id() {
        let (_dir, store) = store();
        let k = key("f", "post", "p1");
        let first = Uuid::now_v7();
        let Claim::Publish { event_id, guard } = store.claim(k.clone(), [1; 32], first).unwrap()
        else {
            panic!("new event must be published")
        };
        assert_eq!(event_id, first);
        drop(guard); // the bus write failed; nothing marked
        let Claim::Publish { event_id, guard } =
            store.claim(k.clone(), [1; 32], Uuid::now_v7()).unwrap()
        else {
            panic!("unconfirmed event must be published again")
        };
        assert_eq!(event_id, first);
        store
            .mark_published(&guard.key, event_id, &[1; 32], None)
            .unwrap();
        drop(guard);
        assert!(matches!(
            store.claim(k, [1; 32], Uuid::now_v7()).unwrap(),
            Claim::AlreadyPublished { event_id } if event_id == first
        ));
    }

    #[test]
    fn a_confirmed_erasure_moves_the_member_to_the_next_epoch_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let store = IdempotencyStore::open(db.clone()).unwrap();
        let epochs = Epochs::open(&db).unwrap();
        let member = erasure::key("f", &[7; 32]);
        assert_eq!(epochs.epoch(&member).unwrap(), 0);
        let bump = EpochBump {
            key: member.clone(),
            epoch: 0,
        };
        let k = key("f", "erasure", "e1");
        let id = Uuid::now_v7();
        store
            .mark_published(&k, id, &[1; 32], Some((&epochs, &bump)))
            .unwrap();
        assert_eq!(epochs.epoch(&member).unwrap(), 1);
        // The same confirmation again (a retry), or a second erasure request
        // that was checked at the same epoch: still one step.
        store
            .mark_published(&k, id, &[1; 32], Some((&epochs, &bump)))
            .unwrap();
        assert_eq!(epochs.epoch(&member).unwrap(), 1);
        // Another member is untouched.
        assert_eq!(epochs.epoch(&erasure::key("f", &[8; 32])).unwrap(), 0);
        assert_eq!(epochs.epoch(&erasure::key("g", &[7; 32])).unwrap(), 0);
    }

    #[test]
    fn different_content_under_the_same_key_is_a_conflict() {
        let (_dir, store) = store();
        let k = key("f", "post", "p1");
        let claim = store.claim(k.clone(), [1; 32], Uuid::now_v7()).unwrap();
        drop(claim);
        assert!(matches!(
            store.claim(k, [2; 32], Uuid::now_v7()),
            Err(ItemError::Conflict(_))
        ));
    }

    #[test]
    fn concurrent_claims_of_one_key_are_refused() {
        let (_dir, store) = store();
        let k = key("f", "reply", "r1");
        let _held = store.claim(k.clone(), [1; 32], Uuid::now_v7()).unwrap();
        assert!(matches!(
            store.claim(k, [1; 32], Uuid::now_v7()),
            Err(ItemError::Busy(_))
        ));
    }
}

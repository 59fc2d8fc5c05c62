//! Members' erasure epochs: how the gateway breaks the link between a member
//! who was erased and anything published for the same member id later.
//!
//! sled tree `erasure_epochs`: key = forum `\0` [`Pseudonymizer::erasure_key`]
//! (an HMAC of the member id with the forum's secret, never the id itself),
//! value = the member's epoch as 8 bytes big-endian. A member without an
//! entry is at epoch 0, so only erased members cost a row.
//!
//! The epoch goes up only once the bus has confirmed the `MemberErased`
//! event, in the same sled transaction that marks the erasure published
//! ([`crate::idempotency::IdempotencyStore::mark_published`]). So a retry of an
//! erasure whose first attempt was never confirmed names the same (old)
//! pseudonym again, and a confirmed one is never applied twice. A post by the
//! same member racing with the erasure may still carry the old pseudonym;
//! the consumers remember erased pseudonyms and treat such a post as erased.
//!
//! [`Pseudonymizer::erasure_key`]: crate::pseudonym::Pseudonymizer::erasure_key

use crate::error::ItemError;

/// An erasure waiting for the bus: once confirmed, the member identified by
/// `key` moves from `epoch` to `epoch + 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochBump {
    pub key: Vec<u8>,
    pub epoch: u64,
}

pub struct Epochs {
    pub(crate) tree: sled::Tree,
}

/// The store key of a member's epoch in `forum`.
pub fn key(forum_id: &str, erasure_key: &[u8; 32]) -> Vec<u8> {
    let mut key = forum_id.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(erasure_key);
    key
}

pub(crate) fn decode(bytes: Option<&[u8]>) -> u64 {
    bytes
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_be_bytes)
}

impl Epochs {
    pub fn open(db: &sled::Db) -> Result<Self, sled::Error> {
        Ok(Self {
            tree: db.open_tree("erasure_epochs")?,
        })
    }

    /// The member's current epoch (0: never erased).
    pub fn epoch(&self, key: &[u8]) -> Result<u64, ItemError> {
        Ok(decode(self.tree.get(key)?.as_deref()))
    }
}

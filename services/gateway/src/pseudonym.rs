//! Member pseudonyms: the only form in which a member leaves the gateway.
//!
//! `pseudonym = "m_" + hex(HMAC-SHA256(forum secret, domain || member id))[..32]`.
//! The same member of the same forum always gets the same pseudonym, so
//! consumers can tell "the author replied to themselves" or "the same member
//! posted again"; different forums have different secrets, so one person's
//! pseudonyms in two forums cannot be linked; and without the secret the id
//! cannot be recovered.
//!
//! **Erasure epochs.** When a forum erases a member (`Ingest/EraseMember`),
//! the member's *epoch* goes up by one (`erasure.rs` keeps it), and the
//! pseudonym of epoch `n > 0` is the HMAC of another domain that includes
//! `n`. So what the member publishes after an erasure cannot be linked to
//! what they published before, even by someone who kept the old events.
//! Epoch 0 is exactly the original formula, so every pseudonym already on
//! the bus or in the consumers' state stays valid.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Domain separation, so this key can never produce a value that collides
/// with another use of the same secret. Epoch 0 (never erased).
const DOMAIN: &[u8] = b"modstream/member-pseudonym/v1\0";

/// Domain of pseudonyms after an erasure; followed by the epoch as 8 bytes
/// (big-endian), so the input is unambiguous whatever the member id is.
const EPOCH_DOMAIN: &[u8] = b"modstream/member-pseudonym/v1/epoch\0";

/// Domain of the key under which the gateway stores a member's epoch. It
/// differs from every pseudonym domain, so the gateway's store does not
/// contain (and cannot be matched against) the pseudonyms on the bus.
const ERASURE_KEY_DOMAIN: &[u8] = b"modstream/member-erasure-key/v1\0";

#[derive(Clone)]
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
}

impl Pseudonymizer {
    pub fn new(secret: &[u8]) -> Self {
        let mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
        Self { mac }
    }

    /// The pseudonym of `member_id` before any erasure (epoch 0); empty for
    /// an empty id.
    pub fn pseudonym(&self, member_id: &str) -> String {
        self.pseudonym_at(member_id, 0)
    }

    /// The pseudonym of `member_id` after `epoch` erasures; empty for an
    /// empty id.
    pub fn pseudonym_at(&self, member_id: &str, epoch: u64) -> String {
        if member_id.is_empty() {
            return String::new();
        }
        let mut mac = self.mac.clone();
        if epoch == 0 {
            mac.update(DOMAIN);
        } else {
            mac.update(EPOCH_DOMAIN);
            mac.update(&epoch.to_be_bytes());
        }
        mac.update(member_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("m_{}", hex::encode(&digest[..16]))
    }

    /// The key of `member_id`'s erasure epoch in the gateway's store: a keyed
    /// digest, so the store never holds a raw member id.
    pub fn erasure_key(&self, member_id: &str) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(ERASURE_KEY_DOMAIN);
        mac.update(member_id.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_within_a_forum_and_unlinkable_across() {
        let riverside = Pseudonymizer::new(&[1; 32]);
        let northfield = Pseudonymizer::new(&[2; 32]);
        let a = riverside.pseudonym("member-1001");
        assert_eq!(a, riverside.pseudonym("member-1001"));
        assert_ne!(a, riverside.pseudonym("member-1002"));
        assert_ne!(a, northfield.pseudonym("member-1001"));
        assert!(a.starts_with("m_") && a.len() == 34, "{a}");
        assert!(!a.contains("1001"));
    }

    #[test]
    fn epoch_zero_is_the_original_pseudonym() {
        // Pinned: the value every pseudonym had before erasure existed, so a
        // change to the formula cannot silently re-key existing data.
        let p = Pseudonymizer::new(&[0x11; 32]);
        let mut mac = Hmac::<Sha256>::new_from_slice(&[0x11; 32]).unwrap();
        mac.update(b"modstream/member-pseudonym/v1\0member-1001");
        let expected = format!("m_{}", hex::encode(&mac.finalize().into_bytes()[..16]));
        assert_eq!(p.pseudonym("member-1001"), expected);
        assert_eq!(p.pseudonym_at("member-1001", 0), expected);
    }

    #[test]
    fn each_erasure_gives_a_new_pseudonym() {
        let p = Pseudonymizer::new(&[1; 32]);
        let epochs: Vec<String> = (0..4).map(|e| p.pseudonym_at("member-1001", e)).collect();
        for (i, a) in epochs.iter().enumerate() {
            assert!(a.starts_with("m_") && a.len() == 34, "{a}");
            assert_eq!(
                *a,
                p.pseudonym_at("member-1001", i as u64),
                "stable per epoch"
            );
            for b in &epochs[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_ne!(
            p.pseudonym_at("member-1001", 1),
            p.pseudonym_at("member-1002", 1)
        );
        assert_eq!(p.pseudonym_at("", 3), "");
    }

    #[test]
    fn the_erasure_key_is_no_pseudonym_and_no_id() {
        let p = Pseudonymizer::new(&[1; 32]);
        let key = p.erasure_key("member-1001");
        assert_eq!(key, p.erasure_key("member-1001"));
        assert_ne!(key, p.erasure_key("member-1002"));
        assert_ne!(key, Pseudonymizer::new(&[2; 32]).erasure_key("member-1001"));
        let hex_key = hex::encode(key);
        for e in 0..3 {
            assert!(!hex_key.contains(&p.pseudonym_at("member-1001", e)[2..]));
        }
        assert!(!contains(&key, b"member-1001"));
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }
}

//! Member pseudonyms: the only form in which a member leaves the gateway.
//!
//! `pseudonym = "m_" + hex(HMAC-SHA256(forum secret, domain || member id))[..32]`.
//! The same member of the same forum always gets the same pseudonym, so
//! consumers can tell "the author replied to themselves" or "the same member
//! posted again"; different forums have different secrets, so one person's
//! pseudonyms in two forums cannot be linked; and without the secret the id
//! cannot be recovered.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Domain separation, so this key can never produce a value that collides
/// with another use of the same secret.
const DOMAIN: &[u8] = b"modstream/member-pseudonym/v1\0";

#[derive(Clone)]
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
}

impl Pseudonymizer {
    pub fn new(secret: &[u8]) -> Self {
        let mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
        Self { mac }
    }

    /// The pseudonym of `member_id`; empty for an empty id.
    pub fn pseudonym(&self, member_id: &str) -> String {
        if member_id.is_empty() {
            return String::new();
        }
        let mut mac = self.mac.clone();
        mac.update(DOMAIN);
        mac.update(member_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("m_{}", hex::encode(&digest[..16]))
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
}

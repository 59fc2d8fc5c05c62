//! Forums (tenants) and their API keys.
//!
//! Keys are configured only as SHA-256 hashes; a presented key is hashed and
//! looked up. The key decides the forum: an event for any other forum is
//! refused, whatever it says about itself.

use std::collections::HashMap;
use std::sync::Arc;

use modstream_config::{ConfigError, ForumConfig};
use sha2::{Digest, Sha256};
use tonic::metadata::MetadataMap;

use crate::error::ItemError;
use crate::pseudonym::Pseudonymizer;

/// One forum as the gateway knows it.
pub struct Forum {
    pub id: String,
    pub pseudonyms: Pseudonymizer,
}

/// Every configured forum, by API-key hash.
pub struct Tenants {
    by_key_hash: HashMap<[u8; 32], Arc<Forum>>,
}

impl Tenants {
    pub fn from_config(forums: &[ForumConfig]) -> Result<Self, ConfigError> {
        let mut by_key_hash = HashMap::new();
        for config in forums {
            let forum = Arc::new(Forum {
                id: config.id.clone(),
                pseudonyms: Pseudonymizer::new(&config.pseudonym_secret()?),
            });
            for hash in &config.api_key_sha256 {
                let bytes: [u8; 32] = hex::decode(hash)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| {
                        ConfigError::Invalid(format!("forum {:?}: bad api_key_sha256", config.id))
                    })?;
                if by_key_hash.insert(bytes, forum.clone()).is_some() {
                    return Err(ConfigError::Invalid(format!(
                        "forum {:?}: an API key hash is used by more than one forum",
                        config.id
                    )));
                }
            }
        }
        Ok(Self { by_key_hash })
    }

    /// The forum whose key the call presents as `authorization: Bearer <key>`.
    pub fn authenticate(&self, metadata: &MetadataMap) -> Result<Arc<Forum>, ItemError> {
        let header = metadata.get("authorization").ok_or_else(|| {
            ItemError::Unauthenticated("missing `authorization: Bearer <forum API key>`".into())
        })?;
        let key = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .ok_or_else(|| {
                ItemError::Unauthenticated("authorization must be `Bearer <forum API key>`".into())
            })?;
        let hash: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        self.by_key_hash
            .get(&hash)
            .cloned()
            .ok_or_else(|| ItemError::Unauthenticated("the API key is not valid".into()))
    }
}

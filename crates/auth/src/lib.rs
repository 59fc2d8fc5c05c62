//! Forum API key authentication, shared by every modstream gRPC service.
//!
//! Keys are configured only as SHA-256 hashes (`api_key_sha256`); a presented
//! key (`authorization: Bearer <key>`) is hashed and looked up. The key
//! decides the forum: a call can only ever act for the forum its key belongs
//! to, whatever its request says.

use std::collections::HashMap;

use modstream_config::{ConfigError, ForumConfig};
use sha2::{Digest, Sha256};
use tonic::Status;
use tonic::metadata::MetadataMap;

/// Which forum each configured API key belongs to.
#[derive(Debug, Clone)]
pub struct ForumKeys {
    by_hash: HashMap<[u8; 32], String>,
}

/// Why a call was not let in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No key, a malformed header, or an unknown key.
    Unauthenticated(String),
    /// A valid key for another forum than the one the call names.
    PermissionDenied(String),
}

impl From<AuthError> for Status {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Unauthenticated(message) => Status::unauthenticated(message),
            AuthError::PermissionDenied(message) => Status::permission_denied(message),
        }
    }
}

impl ForumKeys {
    pub fn from_config(forums: &[ForumConfig]) -> Result<Self, ConfigError> {
        let mut by_hash = HashMap::new();
        for forum in forums {
            for hash in &forum.api_key_sha256 {
                let bytes: [u8; 32] = hex::decode(hash)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| {
                        ConfigError::Invalid(format!("forum {:?}: bad api_key_sha256", forum.id))
                    })?;
                if by_hash.insert(bytes, forum.id.clone()).is_some() {
                    return Err(ConfigError::Invalid(format!(
                        "forum {:?}: an API key hash is used by more than one forum",
                        forum.id
                    )));
                }
            }
        }
        Ok(Self { by_hash })
    }

    /// The forum whose key the call presents.
    pub fn authenticate(&self, metadata: &MetadataMap) -> Result<&str, AuthError> {
        let header = metadata.get("authorization").ok_or_else(|| {
            AuthError::Unauthenticated("missing `authorization: Bearer <forum API key>`".into())
        })?;
        let key = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .ok_or_else(|| {
                AuthError::Unauthenticated("authorization must be `Bearer <forum API key>`".into())
            })?;
        let hash: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        self.by_hash
            .get(&hash)
            .map(String::as_str)
            .ok_or_else(|| AuthError::Unauthenticated("the API key is not valid".into()))
    }

    /// The forum of the call's key, which must be `forum_id`.
    pub fn authorize(&self, metadata: &MetadataMap, forum_id: &str) -> Result<(), AuthError> {
        let own = self.authenticate(metadata)?;
        if own == forum_id {
            Ok(())
        } else {
            Err(AuthError::PermissionDenied(format!(
                "forum_id: this API key is for forum {own:?}, not {forum_id:?}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> ForumKeys {
        let forum = |id: &str, key: &str| ForumConfig {
            id: id.into(),
            name: String::new(),
            api_key_sha256: vec![modstream_config::api_key_hash(key)],
            pseudonym_secret: Some("00".repeat(32)),
            pseudonym_secret_file: None,
            reply_target_minutes: 60,
            alerts: Default::default(),
            risk: Default::default(),
        };
        ForumKeys::from_config(&[forum("a", "key-a"), forum("b", "key-b")]).unwrap()
    }

    fn with(value: &str) -> MetadataMap {
        let mut metadata = MetadataMap::new();
        metadata.insert("authorization", value.parse().unwrap());
        metadata
    }

    #[test]
    fn the_key_decides_the_forum() {
        let keys = keys();
        assert_eq!(keys.authenticate(&with("Bearer key-a")), Ok("a"));
        assert!(keys.authorize(&with("Bearer key-a"), "a").is_ok());
        assert!(matches!(
            keys.authorize(&with("Bearer key-a"), "b"),
            Err(AuthError::PermissionDenied(_))
        ));
        assert!(matches!(
            keys.authenticate(&with("Bearer nope")),
            Err(AuthError::Unauthenticated(_))
        ));
        assert!(matches!(
            keys.authenticate(&with("key-a")),
            Err(AuthError::Unauthenticated(_))
        ));
        assert!(matches!(
            keys.authenticate(&MetadataMap::new()),
            Err(AuthError::Unauthenticated(_))
        ));
    }
}

//! Credentials, shared by every modstream gRPC service.
//!
//! Every credential is configured only as a SHA-256 hash; a presented one
//! (`authorization: Bearer <secret>`) is hashed and looked up. The credential
//! decides who calls: a call can only ever act for the forum (or moderator)
//! its credential belongs to, whatever its request says.
//!
//! - [`ForumKeys`]: forum platforms' API keys (`api_key_sha256`);
//! - [`ModeratorKeys`]: moderators' console tokens (`moderators.token_sha256`);
//! - [`AdminKeys`]: forum admins' keys (`admin_key_sha256`).

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
        let hash = bearer_hash(metadata, "forum API key")?;
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

/// The secret a call presents as `authorization: Bearer <secret>`, hashed.
fn bearer_hash(metadata: &MetadataMap, what: &str) -> Result<[u8; 32], AuthError> {
    let header = metadata.get("authorization").ok_or_else(|| {
        AuthError::Unauthenticated(format!("missing `authorization: Bearer <{what}>`"))
    })?;
    let secret = header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|secret| !secret.is_empty())
        .ok_or_else(|| {
            AuthError::Unauthenticated(format!("authorization must be `Bearer <{what}>`"))
        })?;
    Ok(Sha256::digest(secret.as_bytes()).into())
}

fn decode_hash(hash: &str, owner: &str) -> Result<[u8; 32], ConfigError> {
    hex::decode(hash)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            ConfigError::Invalid(format!(
                "{owner}: a credential hash is not 64 hex characters"
            ))
        })
}

/// A moderator, as a console token identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Moderator {
    pub forum_id: String,
    pub moderator_id: String,
}

/// Which moderator each configured console token belongs to.
#[derive(Debug, Clone, Default)]
pub struct ModeratorKeys {
    by_hash: HashMap<[u8; 32], Moderator>,
}

impl ModeratorKeys {
    pub fn from_config(forums: &[ForumConfig]) -> Result<Self, ConfigError> {
        let mut by_hash = HashMap::new();
        for forum in forums {
            for moderator in &forum.moderators {
                let owner = format!("forum {:?} moderator {:?}", forum.id, moderator.id);
                for hash in &moderator.token_sha256 {
                    let who = Moderator {
                        forum_id: forum.id.clone(),
                        moderator_id: moderator.id.clone(),
                    };
                    if by_hash.insert(decode_hash(hash, &owner)?, who).is_some() {
                        return Err(ConfigError::Invalid(format!(
                            "{owner}: a token hash is used by more than one moderator"
                        )));
                    }
                }
            }
        }
        Ok(Self { by_hash })
    }

    /// The moderator whose token the call presents.
    pub fn authenticate(&self, metadata: &MetadataMap) -> Result<&Moderator, AuthError> {
        let hash = bearer_hash(metadata, "moderator token")?;
        self.by_hash
            .get(&hash)
            .ok_or_else(|| AuthError::Unauthenticated("the moderator token is not valid".into()))
    }
}

/// Which forum each configured admin key belongs to.
#[derive(Debug, Clone, Default)]
pub struct AdminKeys {
    by_hash: HashMap<[u8; 32], String>,
}

impl AdminKeys {
    pub fn from_config(forums: &[ForumConfig]) -> Result<Self, ConfigError> {
        let mut by_hash = HashMap::new();
        for forum in forums {
            let owner = format!("forum {:?} admin_key_sha256", forum.id);
            for hash in &forum.admin_key_sha256 {
                if by_hash
                    .insert(decode_hash(hash, &owner)?, forum.id.clone())
                    .is_some()
                {
                    return Err(ConfigError::Invalid(format!(
                        "{owner}: an admin key hash is used by more than one forum"
                    )));
                }
            }
        }
        Ok(Self { by_hash })
    }

    /// Checks that the call's admin key is one of `forum_id`'s, and names
    /// who is acting, for the audit trail: `admin:` and the first 12 hex
    /// digits of the key's SHA-256 (which key, without revealing it).
    pub fn authorize(&self, metadata: &MetadataMap, forum_id: &str) -> Result<String, AuthError> {
        let hash = bearer_hash(metadata, "forum admin key")?;
        let own = self
            .by_hash
            .get(&hash)
            .ok_or_else(|| AuthError::Unauthenticated("the admin key is not valid".into()))?;
        if own == forum_id {
            Ok(format!("admin:{}", &hex::encode(hash)[..12]))
        } else {
            Err(AuthError::PermissionDenied(format!(
                "forum_id: this admin key is for forum {own:?}, not {forum_id:?}"
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
            api_key_sha256: vec![modstream_config::api_key_hash(key)],
            pseudonym_secret: Some("00".repeat(32)),
            ..Default::default()
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

    #[test]
    fn moderator_tokens_and_admin_keys_name_their_owner() {
        let forum = ForumConfig {
            id: "a".into(),
            admin_key_sha256: vec![modstream_config::api_key_hash("admin-a")],
            moderators: vec![modstream_config::ModeratorConfig {
                id: "ana".into(),
                name: String::new(),
                token_sha256: vec![modstream_config::api_key_hash("tok-ana")],
            }],
            ..Default::default()
        };
        let moderators = ModeratorKeys::from_config(std::slice::from_ref(&forum)).unwrap();
        let ana = moderators.authenticate(&with("Bearer tok-ana")).unwrap();
        assert_eq!(
            (ana.forum_id.as_str(), ana.moderator_id.as_str()),
            ("a", "ana")
        );
        assert!(matches!(
            moderators.authenticate(&with("Bearer admin-a")),
            Err(AuthError::Unauthenticated(_))
        ));
        let admins = AdminKeys::from_config(&[forum]).unwrap();
        assert!(admins.authorize(&with("Bearer admin-a"), "a").is_ok());
        assert!(matches!(
            admins.authorize(&with("Bearer admin-a"), "b"),
            Err(AuthError::PermissionDenied(_))
        ));
        assert!(matches!(
            admins.authorize(&with("Bearer tok-ana"), "a"),
            Err(AuthError::Unauthenticated(_))
        ));
    }
}

//! Forums (tenants) as the gateway knows them: the API keys that may publish
//! for each (shared `modstream-auth`), and each forum's pseudonym key.

use std::collections::HashMap;
use std::sync::Arc;

use modstream_auth::{AuthError, ForumKeys};
use modstream_config::{ConfigError, ForumConfig};
use tonic::metadata::MetadataMap;

use crate::error::ItemError;
use crate::pseudonym::Pseudonymizer;

/// One forum as the gateway knows it.
pub struct Forum {
    pub id: String,
    pub pseudonyms: Pseudonymizer,
}

/// Every configured forum.
pub struct Tenants {
    keys: ForumKeys,
    forums: HashMap<String, Arc<Forum>>,
}

impl Tenants {
    pub fn from_config(forums: &[ForumConfig]) -> Result<Self, ConfigError> {
        let mut by_id = HashMap::new();
        for config in forums {
            let forum = Forum {
                id: config.id.clone(),
                pseudonyms: Pseudonymizer::new(&config.pseudonym_secret()?),
            };
            by_id.insert(config.id.clone(), Arc::new(forum));
        }
        Ok(Self {
            keys: ForumKeys::from_config(forums)?,
            forums: by_id,
        })
    }

    /// The forum whose key the call presents as `authorization: Bearer <key>`.
    pub fn authenticate(&self, metadata: &MetadataMap) -> Result<Arc<Forum>, ItemError> {
        let forum_id = self.keys.authenticate(metadata).map_err(|err| match err {
            AuthError::Unauthenticated(message) => ItemError::Unauthenticated(message),
            AuthError::PermissionDenied(message) => ItemError::PermissionDenied(message),
        })?;
        Ok(self.forums[forum_id].clone())
    }
}

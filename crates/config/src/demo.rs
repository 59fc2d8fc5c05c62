//! The demo deployment: two forums with published keys, so a newcomer can try
//! modstream without writing a config. Never use it for real members: its
//! keys and pseudonym secrets are in this source file.

use crate::{Config, ForumConfig, api_key_hash};

/// One demo forum and the plain-text key `modstream up` prints for it.
#[derive(Debug, Clone, Copy)]
pub struct DemoForum {
    pub id: &'static str,
    pub name: &'static str,
    pub api_key: &'static str,
    pub pseudonym_secret_hex: &'static str,
}

pub const DEMO_FORUMS: [DemoForum; 2] = [
    DemoForum {
        id: "riverside",
        name: "Riverside Peer Support (demo)",
        api_key: "ms_demo_riverside_4f1c9a7e2b6d8053",
        pseudonym_secret_hex: "5a0f3c1e9b7d2a4c6e8f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809",
    },
    DemoForum {
        id: "northfield",
        name: "Northfield Wellbeing Community (demo)",
        api_key: "ms_demo_northfield_93b0e6d1c8a4f275",
        pseudonym_secret_hex: "c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2",
    },
];

impl Config {
    /// The built-in demo deployment: embedded bus, default ports, the two
    /// [`DEMO_FORUMS`].
    pub fn demo() -> Self {
        Self {
            forums: DEMO_FORUMS
                .iter()
                .map(|demo| ForumConfig {
                    id: demo.id.to_owned(),
                    name: demo.name.to_owned(),
                    api_key_sha256: vec![api_key_hash(demo.api_key)],
                    pseudonym_secret: Some(demo.pseudonym_secret_hex.to_owned()),
                    pseudonym_secret_file: None,
                    reply_target_minutes: crate::defaults::reply_target_minutes(),
                    alerts: Default::default(),
                    risk: Default::default(),
                })
                .collect(),
            ..Self::default()
        }
    }
}

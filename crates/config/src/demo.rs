//! The demo deployment: two forums with published keys, so a newcomer can try
//! modstream without writing a config. Never use it for real members: its
//! keys, tokens and pseudonym secrets are in this source file.
//!
//! Riverside has moderators on shift around the clock; Northfield has
//! daytime volunteers on weekdays and Riverside's team covers it out of
//! hours, which shows the federation's out-of-hours cover.

use crate::{
    Config, ForumConfig, ForumSafeguarding, ModeratorConfig, RosterConfig, ShiftConfig,
    api_key_hash,
};

/// Demo operations viewers, (id, forum or federation-wide, token).
pub const DEMO_OPS_VIEWERS: [(&str, Option<&str>, &str); 2] = [
    ("ops-federation", None, "ms_demo_ops_federation_3f8e21"),
    (
        "ops-riverside",
        Some("riverside"),
        "ms_demo_ops_riverside_b7c40d",
    ),
];

/// One demo moderator and the plain-text console token `modstream up` prints.
#[derive(Debug, Clone, Copy)]
pub struct DemoModerator {
    pub id: &'static str,
    pub name: &'static str,
    pub token: &'static str,
}

/// One demo forum and the plain-text keys `modstream up` prints for it.
#[derive(Debug, Clone, Copy)]
pub struct DemoForum {
    pub id: &'static str,
    pub name: &'static str,
    pub api_key: &'static str,
    pub admin_key: &'static str,
    pub pseudonym_secret_hex: &'static str,
    pub moderators: &'static [DemoModerator],
}

pub const DEMO_FORUMS: [DemoForum; 2] = [
    DemoForum {
        id: "riverside",
        name: "Riverside Peer Support (demo)",
        api_key: "ms_demo_riverside_4f1c9a7e2b6d8053",
        admin_key: "ms_demo_admin_riverside_0b7e25c9",
        pseudonym_secret_hex: "5a0f3c1e9b7d2a4c6e8f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809",
        moderators: &[
            DemoModerator {
                id: "ana",
                name: "Ana (demo)",
                token: "ms_demo_mod_riverside_ana_61d0f3",
            },
            DemoModerator {
                id: "ben",
                name: "Ben (demo)",
                token: "ms_demo_mod_riverside_ben_2c9a47",
            },
        ],
    },
    DemoForum {
        id: "northfield",
        name: "Northfield Wellbeing Community (demo)",
        api_key: "ms_demo_northfield_93b0e6d1c8a4f275",
        admin_key: "ms_demo_admin_northfield_58a1d36e",
        pseudonym_secret_hex: "c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2",
        moderators: &[DemoModerator {
            id: "cai",
            name: "Cai (demo)",
            token: "ms_demo_mod_northfield_cai_9e4b18",
        }],
    },
];

fn shift(days: &[&str], start: &str, end: &str, moderators: &[&str], lead: &str) -> ShiftConfig {
    ShiftConfig {
        days: days.iter().map(|d| d.to_string()).collect(),
        start: start.into(),
        end: end.into(),
        moderators: moderators.iter().map(|m| m.to_string()).collect(),
        lead: Some(lead.into()),
    }
}

impl Config {
    /// The built-in demo deployment: embedded bus, default ports, the two
    /// [`DEMO_FORUMS`] (the same as `modstream.example.toml`).
    pub fn demo() -> Self {
        let forum = |demo: &DemoForum| ForumConfig {
            id: demo.id.to_owned(),
            name: demo.name.to_owned(),
            api_key_sha256: vec![api_key_hash(demo.api_key)],
            admin_key_sha256: vec![api_key_hash(demo.admin_key)],
            pseudonym_secret: Some(demo.pseudonym_secret_hex.to_owned()),
            reply_target_minutes: crate::defaults::reply_target_minutes(),
            moderators: demo
                .moderators
                .iter()
                .map(|m| ModeratorConfig {
                    id: m.id.to_owned(),
                    name: m.name.to_owned(),
                    token_sha256: vec![api_key_hash(m.token)],
                })
                .collect(),
            ..Default::default()
        };
        let mut riverside = forum(&DEMO_FORUMS[0]);
        riverside.roster = Some(RosterConfig {
            time_zone: "Europe/London".into(),
            shifts: vec![shift(&["daily"], "00:00", "24:00", &["ana", "ben"], "ana")],
            overrides: Vec::new(),
        });
        riverside.risk = crate::demo_risk_options();
        let mut northfield = forum(&DEMO_FORUMS[1]);
        northfield.reply_target_minutes = 240;
        northfield.alerts = crate::AlertThresholds {
            nudge_minutes: 120,
            escalate_minutes: 0,
            new_member_nudge_minutes: 60,
            new_member_escalate_minutes: 0,
        };
        northfield.safeguarding = ForumSafeguarding {
            partner_forum: Some("riverside".into()),
            ..Default::default()
        };
        northfield.roster = Some(RosterConfig {
            time_zone: "Europe/London".into(),
            shifts: vec![shift(
                &["mon", "tue", "wed", "thu", "fri"],
                "09:00",
                "17:00",
                &["cai"],
                "cai",
            )],
            overrides: Vec::new(),
        });
        Self {
            forums: vec![riverside, northfield],
            ops_viewers: DEMO_OPS_VIEWERS
                .iter()
                .map(|(id, forum, token)| crate::OpsViewerConfig {
                    id: (*id).to_owned(),
                    token_sha256: vec![api_key_hash(token)],
                    forum: forum.map(str::to_owned),
                })
                .collect(),
            ..Self::default()
        }
    }
}

//! What the dashboard shows, built from the bus alone so it runs anywhere
//! the bus reaches: a replica of the responsiveness view (the same
//! `modstream-responsiveness` store, fed the forum events), a summary of
//! every escalation from the escalations topic, event rates, and cover from
//! the forums' rosters.
//!
//! Operations staff never see post text or pseudonyms here: ids, boards,
//! ages, severities and counts only.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use modstream_clock::SharedClock;
use modstream_config::Config;
use modstream_proto::convert;
use modstream_proto::topics::{ESCALATIONS, FORUM_EVENTS};
use modstream_proto::v1::{EscalationEvent, EscalationState, Event, Severity};
use modstream_responsiveness::stats::forum_stats;
use modstream_responsiveness::store::Store as ResponsivenessStore;
use modstream_safeguarding::roster::Roster;
use prost::Message as _;
use serde::Serialize;

/// How far back "today's" figures and the event rate look.
const DAY: Duration = Duration::from_secs(24 * 3600);
const RATE_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("responsiveness view: {0}")]
    Responsiveness(#[from] modstream_responsiveness::store::StoreError),
}

/// What the escalations topic says of one escalation, now.
#[derive(Clone, PartialEq, prost::Message)]
struct EscalationSummary {
    #[prost(string, tag = "1")]
    forum_id: String,
    #[prost(int32, tag = "2")]
    severity: i32,
    #[prost(int32, tag = "3")]
    state: i32,
    #[prost(int64, tag = "4")]
    opened_at_ms: i64,
}

struct Forum {
    id: String,
    name: String,
    target_ms: i64,
    roster: Roster,
}

pub struct View {
    db: sled::Db,
    responsiveness: ResponsivenessStore,
    escalations: sled::Tree,
    forums: Vec<Forum>,
    /// When recent events arrived, per forum, for the events-per-second
    /// figure (in memory: a restart starts the window again).
    arrivals: Mutex<HashMap<String, VecDeque<SystemTime>>>,
    clock: SharedClock,
}

/// One forum's tile.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tile {
    pub forum_id: String,
    pub name: String,
    /// Time to first reply over the last 24 hours (Kaplan-Meier; `None`
    /// when not reached).
    pub ttfr_p50_ms: Option<i64>,
    pub ttfr_p90_ms: Option<i64>,
    pub posts_today: u64,
    /// Share of today's posts answered within the forum's target.
    pub answered_within_target: Option<f64>,
    pub unanswered: u64,
    pub oldest_unanswered_ms: i64,
    pub open_crisis: u64,
    pub open_high: u64,
    /// Age of the oldest escalation nobody has acknowledged.
    pub oldest_unacknowledged_ms: Option<i64>,
    pub on_shift: Vec<String>,
    pub lead: Option<String>,
    /// The next stretch in the coming 24 hours with nobody on shift.
    pub next_gap_from_ms: Option<i64>,
    pub next_gap_to_ms: Option<i64>,
    pub events_per_second: f64,
}

fn ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl View {
    pub fn open(config: &Config, db: sled::Db, clock: SharedClock) -> Result<Self, ViewError> {
        let forums = config
            .forums
            .iter()
            .map(|f| {
                let moderators: Vec<String> = f.moderators.iter().map(|m| m.id.clone()).collect();
                let roster = f
                    .roster
                    .as_ref()
                    .and_then(|r| Roster::from_config(&f.id, r, &moderators).ok())
                    .unwrap_or_else(|| Roster::empty(&f.id));
                Forum {
                    id: f.id.clone(),
                    name: if f.name.is_empty() {
                        f.id.clone()
                    } else {
                        f.name.clone()
                    },
                    target_ms: (f.reply_target_minutes * 60_000) as i64,
                    roster,
                }
            })
            .collect();
        Ok(Self {
            responsiveness: ResponsivenessStore::open(db.clone())?,
            escalations: db.open_tree("dashboard_escalations")?,
            db,
            forums,
            arrivals: Mutex::new(HashMap::new()),
            clock,
        })
    }

    /// Applies one record of the forum-events or escalations topic.
    pub fn apply(&self, topic: &str, payload: &[u8]) -> Result<(), ViewError> {
        if topic == FORUM_EVENTS {
            let Ok(event) = Event::decode(payload) else {
                return Ok(()); // logged by the services that own the topic
            };
            let received = event
                .received_at
                .as_ref()
                .and_then(convert::system_time)
                .unwrap_or_else(|| self.clock.now());
            self.arrivals
                .lock()
                .expect("arrivals lock")
                .entry(event.forum_id.clone())
                .or_default()
                .push_back(received);
            self.responsiveness.apply(&event)?;
        } else if topic == ESCALATIONS {
            let Ok(event) = EscalationEvent::decode(payload) else {
                return Ok(());
            };
            let summary = EscalationSummary {
                forum_id: event.forum_id,
                severity: event.severity,
                state: event.state,
                opened_at_ms: event
                    .opened_at
                    .as_ref()
                    .and_then(convert::system_time)
                    .map_or(0, ms),
            };
            self.escalations
                .insert(event.escalation_id.as_bytes(), summary.encode_to_vec())?;
        }
        Ok(())
    }

    pub async fn flush(&self) -> Result<(), ViewError> {
        self.db.flush_async().await?;
        Ok(())
    }

    /// The tiles of `forums` (`None`: every forum), as they stand now.
    pub fn tiles(&self, only: Option<&str>) -> Result<Vec<Tile>, ViewError> {
        let now = self.clock.now();
        let now_ms = ms(now);
        let mut escalations: HashMap<String, Vec<EscalationSummary>> = HashMap::new();
        for entry in self.escalations.iter().values() {
            if let Ok(summary) = EscalationSummary::decode(entry?.as_ref())
                && summary.state != EscalationState::Resolved as i32
            {
                escalations
                    .entry(summary.forum_id.clone())
                    .or_default()
                    .push(summary);
            }
        }
        let mut tiles = Vec::new();
        for forum in self
            .forums
            .iter()
            .filter(|f| only.is_none_or(|o| o == f.id))
        {
            let found = self
                .responsiveness
                .posts_created(&forum.id, ms(now - DAY), now_ms + 1)?;
            let stats = forum_stats(
                found.iter().map(|f| &f.thread),
                None,
                now_ms,
                forum.target_ms,
            );
            let all = stats.all.unwrap_or_default();
            let ttfr = all.ttfr_any.unwrap_or_default();
            let open = escalations.remove(&forum.id).unwrap_or_default();
            let unacknowledged = open.iter().filter(|e| {
                e.state == EscalationState::Open as i32
                    || e.state == EscalationState::Notified as i32
            });
            let cover = forum.roster.on_shift(now);
            let gap = forum.roster.next_gap(now, DAY);
            tiles.push(Tile {
                forum_id: forum.id.clone(),
                name: forum.name.clone(),
                ttfr_p50_ms: ttfr.p50_ms,
                ttfr_p90_ms: ttfr.p90_ms,
                posts_today: all.posts,
                answered_within_target: (all.posts > 0)
                    .then(|| all.answered_within_target as f64 / all.posts as f64),
                unanswered: self.responsiveness.unanswered_count(&forum.id)?,
                oldest_unanswered_ms: stats.oldest_unanswered_ms,
                open_crisis: open
                    .iter()
                    .filter(|e| e.severity == Severity::Crisis as i32)
                    .count() as u64,
                open_high: open
                    .iter()
                    .filter(|e| e.severity == Severity::High as i32)
                    .count() as u64,
                oldest_unacknowledged_ms: unacknowledged.map(|e| now_ms - e.opened_at_ms).max(),
                on_shift: cover.moderators,
                lead: cover.lead,
                next_gap_from_ms: gap.map(|(from, _)| ms(from)),
                next_gap_to_ms: gap.map(|(_, to)| ms(to)),
                events_per_second: self.rate(&forum.id, now),
            });
        }
        Ok(tiles)
    }

    fn rate(&self, forum: &str, now: SystemTime) -> f64 {
        let mut arrivals = self.arrivals.lock().expect("arrivals lock");
        let Some(times) = arrivals.get_mut(forum) else {
            return 0.0;
        };
        let since = now.checked_sub(RATE_WINDOW).unwrap_or(UNIX_EPOCH);
        while times.front().is_some_and(|t| *t < since) {
            times.pop_front();
        }
        times.len() as f64 / RATE_WINDOW.as_secs_f64()
    }
}

//! What the dashboard shows, built from the bus alone so it runs anywhere
//! the bus reaches: a replica of the responsiveness view (the same
//! `modstream-responsiveness` store, fed the forum events), a summary and
//! timeline of every escalation from the escalations topic, event rates,
//! and cover from the forums' rosters. It answers with the overview's tiles
//! and with one forum's page ([`crate::forum`]).
//!
//! Operations staff never see post text or pseudonyms here: ids (moderator
//! ids among them), boards, ages, severities and counts only.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::tz::TimeZone;
use modstream_clock::SharedClock;
use modstream_config::{AlertThresholds, Config};
use modstream_proto::convert;
use modstream_proto::topics::{ESCALATIONS, FORUM_EVENTS, ROSTERS};
use modstream_proto::v1::{
    EscalationEvent, Event, ForumStats, Roster as RosterMessage, RosterChanged, Severity,
};
use modstream_responsiveness::stats::{
    MIN_FORUMS_FOR_MEDIAN, federation_figures, forum_stats, urgency_allowance_ms,
};
use modstream_responsiveness::store::Store as ResponsivenessStore;
use modstream_safeguarding::roster::Roster;
use prost::Message as _;
use serde::Serialize;

use crate::escalation::EscalationSummary;
use crate::forum::{
    Comparison, CoverWeek, ForumPage, HOUR_MS, Range, TtfrSeries, WaitingPost, by_urgency,
    cover_week, local_block_start, ttfr_buckets,
};

/// How far back "today's" figures and the event rate look.
const DAY: Duration = Duration::from_secs(24 * 3600);
const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);
const RATE_WINDOW: Duration = Duration::from_secs(60);
/// Most unanswered posts and escalations one forum page lists.
pub const LIST_LIMIT: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("responsiveness view: {0}")]
    Responsiveness(#[from] modstream_responsiveness::store::StoreError),
}

struct Forum {
    id: String,
    name: String,
    target_ms: i64,
    thresholds: AlertThresholds,
    /// Who may be on a roster (a roster naming anyone else is refused).
    moderators: Vec<String>,
    /// The roster now: from the config, then as replaced through the admin
    /// API (the rosters topic).
    cover: std::sync::RwLock<Cover>,
}

/// A forum's roster and its time zone, which the forum page counts hours in.
#[derive(Clone)]
struct Cover {
    roster: Roster,
    tz: TimeZone,
}

impl Cover {
    fn new(roster: Roster) -> Self {
        let tz = TimeZone::get(&roster.to_proto().time_zone).unwrap_or(TimeZone::UTC);
        Self { roster, tz }
    }
}

impl Forum {
    fn cover(&self) -> Cover {
        self.cover.read().expect("cover lock").clone()
    }
}

pub struct View {
    db: sled::Db,
    responsiveness: ResponsivenessStore,
    escalations: sled::Tree,
    forums: Vec<Forum>,
    /// When recent events arrived, per forum, for the events-per-second
    /// figure (in memory: a restart starts the window again).
    arrivals: Mutex<HashMap<String, VecDeque<SystemTime>>>,
    /// The last week of cover computed per forum, computed again when a new
    /// hour starts or the roster changes.
    cover: Mutex<HashMap<String, CoverWeek>>,
    /// Rosters replaced through the admin API: forum id -> `Roster` proto.
    rosters: sled::Tree,
    /// Records on the bus not yet applied by the consumers whose figures the
    /// dashboard shows (its own, responsiveness and safeguarding).
    bus_lag: std::sync::atomic::AtomicU64,
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
    /// Records on the bus the consumers behind these figures have not
    /// applied yet (the same for every forum: they share the consumers).
    pub bus_lag_records: u64,
}

pub(crate) fn ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl View {
    pub fn open(config: &Config, db: sled::Db, clock: SharedClock) -> Result<Self, ViewError> {
        let rosters = db.open_tree("dashboard_rosters")?;
        let mut forums = Vec::with_capacity(config.forums.len());
        for f in &config.forums {
            let moderators: Vec<String> = f.moderators.iter().map(|m| m.id.clone()).collect();
            // A roster replaced through the admin API wins over the config's.
            let stored = rosters
                .get(f.id.as_bytes())?
                .and_then(|bytes| RosterMessage::decode(bytes.as_ref()).ok())
                .and_then(|proto| Roster::from_proto(&proto, &moderators).ok());
            let roster = stored
                .or_else(|| {
                    f.roster
                        .as_ref()
                        .and_then(|r| Roster::from_config(&f.id, r, &moderators).ok())
                })
                .unwrap_or_else(|| Roster::empty(&f.id));
            forums.push(Forum {
                id: f.id.clone(),
                name: if f.name.is_empty() {
                    f.id.clone()
                } else {
                    f.name.clone()
                },
                target_ms: (f.reply_target_minutes * 60_000) as i64,
                thresholds: f.alerts,
                moderators,
                cover: std::sync::RwLock::new(Cover::new(roster)),
            });
        }
        Ok(Self {
            responsiveness: ResponsivenessStore::open(db.clone())?,
            escalations: db.open_tree("dashboard_escalations")?,
            db,
            forums,
            arrivals: Mutex::new(HashMap::new()),
            cover: Mutex::new(HashMap::new()),
            rosters,
            bus_lag: std::sync::atomic::AtomicU64::new(0),
            clock,
        })
    }

    /// Sets the consumers' lag the tiles show.
    pub fn set_bus_lag(&self, records: u64) {
        self.bus_lag
            .store(records, std::sync::atomic::Ordering::Relaxed);
    }

    /// A roster replaced through the admin API: kept (so a restart still has
    /// it) and used from now on. One naming someone the config does not know
    /// is logged and skipped, as the safeguarding service would refuse it.
    fn roster_changed(&self, changed: RosterChanged) -> Result<(), ViewError> {
        let Some(proto) = changed.roster else {
            return Ok(());
        };
        let Some(forum) = self.forums.iter().find(|f| f.id == proto.forum_id) else {
            return Ok(());
        };
        let roster = match Roster::from_proto(&proto, &forum.moderators) {
            Ok(roster) => roster,
            Err(err) => {
                tracing::warn!(forum_id = %forum.id, error = %err, "a roster change the dashboard cannot use; keeping the last roster");
                return Ok(());
            }
        };
        self.rosters
            .insert(forum.id.as_bytes(), proto.encode_to_vec())?;
        *forum.cover.write().expect("cover lock") = Cover::new(roster);
        self.cover.lock().expect("cover lock").remove(&forum.id);
        Ok(())
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
        } else if topic == ROSTERS {
            let Ok(changed) = RosterChanged::decode(payload) else {
                return Ok(());
            };
            self.roster_changed(changed)?;
        } else if topic == ESCALATIONS {
            let Ok(event) = EscalationEvent::decode(payload) else {
                return Ok(());
            };
            let key = event.escalation_id.clone();
            let mut summary = self
                .escalations
                .get(key.as_bytes())?
                .and_then(|bytes| EscalationSummary::decode(bytes.as_ref()).ok())
                .unwrap_or_default();
            if summary.merge(event) {
                self.escalations
                    .insert(key.as_bytes(), summary.encode_to_vec())?;
            }
        }
        Ok(())
    }

    /// Every escalation kept: (id, summary).
    fn all_escalations(
        &self,
    ) -> impl Iterator<Item = Result<(String, EscalationSummary), ViewError>> + '_ {
        self.escalations.iter().filter_map(|entry| match entry {
            Ok((key, value)) => EscalationSummary::decode(value.as_ref())
                .ok()
                .map(|summary| Ok((String::from_utf8_lossy(&key).into_owned(), summary))),
            Err(err) => Some(Err(err.into())),
        })
    }

    /// The forum's figures over the last 24 hours.
    fn day_stats(&self, forum: &Forum, now: SystemTime) -> Result<ForumStats, ViewError> {
        let found = self
            .responsiveness
            .posts_created(&forum.id, ms(now - DAY), ms(now) + 1)?;
        Ok(forum_stats(
            found.iter().map(|f| &f.thread),
            None,
            ms(now),
            forum.target_ms,
        ))
    }

    pub async fn flush(&self) -> Result<(), ViewError> {
        modstream_bus::flush_sled(&self.db).await?;
        Ok(())
    }

    /// The tiles of `forums` (`None`: every forum), as they stand now.
    pub fn tiles(&self, only: Option<&str>) -> Result<Vec<Tile>, ViewError> {
        let now = self.clock.now();
        let now_ms = ms(now);
        let mut escalations: HashMap<String, Vec<EscalationSummary>> = HashMap::new();
        for entry in self.all_escalations() {
            let (_, summary) = entry?;
            if !summary.is_resolved() {
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
            let stats = self.day_stats(forum, now)?;
            let all = stats.all.unwrap_or_default();
            let ttfr = all.ttfr_any.unwrap_or_default();
            let open = escalations.remove(&forum.id).unwrap_or_default();
            let unacknowledged = open.iter().filter(|e| e.is_unacknowledged());
            let roster = forum.cover().roster;
            let cover = roster.on_shift(now);
            let gap = roster.next_gap(now, DAY);
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
                bus_lag_records: self.bus_lag.load(std::sync::atomic::Ordering::Relaxed),
            });
        }
        Ok(tiles)
    }

    /// Whether `forum` is a configured forum.
    pub fn has_forum(&self, forum: &str) -> bool {
        self.forums.iter().any(|f| f.id == forum)
    }

    /// One forum's page as it stands now; `None` for an unknown forum.
    pub fn forum_page(&self, forum_id: &str, range: Range) -> Result<Option<ForumPage>, ViewError> {
        let Some(forum) = self.forums.iter().find(|f| f.id == forum_id) else {
            return Ok(None);
        };
        let now = self.clock.now();
        let now_ms = ms(now);
        let (unanswered_total, unanswered) = self.waiting(forum, now_ms)?;
        Ok(Some(ForumPage {
            forum_id: forum.id.clone(),
            name: forum.name.clone(),
            time_zone: forum.cover().roster.to_proto().time_zone,
            reply_target_ms: forum.target_ms,
            now_ms,
            ttfr: self.ttfr(forum, range, now)?,
            comparison: self.comparison(forum, now)?,
            unanswered_total,
            unanswered,
            escalations: self.escalation_rows(forum, now_ms)?,
            cover: self.cover(forum, now),
        }))
    }

    /// Time to first reply per bucket, the newest bucket the local hour (or
    /// block of hours) now is in.
    fn ttfr(&self, forum: &Forum, range: Range, now: SystemTime) -> Result<TtfrSeries, ViewError> {
        let (count, hours) = range.buckets();
        let bucket_ms = hours * HOUR_MS;
        let current = ms(local_block_start(now, &forum.cover().tz, hours as i8));
        let first_ms = current - (count - 1) * bucket_ms;
        let found = self
            .responsiveness
            .posts_created(&forum.id, first_ms, ms(now) + 1)?;
        Ok(TtfrSeries {
            range: range.name(),
            bucket_ms,
            buckets: ttfr_buckets(
                found.iter().map(|f| &f.thread),
                first_ms,
                bucket_ms,
                count,
                ms(now),
                forum.target_ms,
            ),
        })
    }

    /// The forum's last 24 hours beside the median of every forum's, the
    /// same rule as the responsiveness service's `GetBenchmark`. Every
    /// forum counts, whoever is looking; only the medians are returned.
    fn comparison(&self, forum: &Forum, now: SystemTime) -> Result<Comparison, ViewError> {
        let mut own = None;
        let mut summaries = Vec::with_capacity(self.forums.len());
        for f in &self.forums {
            let all = self.day_stats(f, now)?.all.unwrap_or_default();
            if f.id == forum.id {
                own = Some(all);
            }
            summaries.push(all);
        }
        let own = own.unwrap_or_default();
        let federation = federation_figures(&summaries);
        Ok(Comparison {
            posts: own.posts,
            ttfr_p50_ms: own.ttfr_any.unwrap_or_default().p50_ms,
            answered_within_target: (own.posts > 0)
                .then(|| own.answered_within_target as f64 / own.posts as f64),
            federation_ttfr_p50_ms: federation.median_ttfr_p50_ms,
            federation_answered_within_target: federation.median_share_within_target,
            forums_contributing: federation.forums_contributing,
            min_forums: MIN_FORUMS_FOR_MEDIAN as u32,
        })
    }

    /// The posts waiting for a first reply, most urgent first: (how many in
    /// all, the first [`LIST_LIMIT`]).
    fn waiting(&self, forum: &Forum, now_ms: i64) -> Result<(u64, Vec<WaitingPost>), ViewError> {
        let mut posts = Vec::new();
        for (thread_id, visible_ms) in self.responsiveness.unanswered(&forum.id)? {
            let Some(post) = self
                .responsiveness
                .thread(&forum.id, &thread_id)?
                .and_then(|t| t.post)
            else {
                continue;
            };
            let age_ms = (now_ms - visible_ms).max(0);
            let allowance_ms =
                urgency_allowance_ms(&forum.thresholds, post.first_post_in_forum, forum.target_ms)
                    .max(1);
            posts.push(WaitingPost {
                thread_id,
                post_id: post.post_id,
                board_id: post.board_id,
                age_ms,
                new_member: post.first_post_in_forum,
                allowance_ms,
                urgency: age_ms as f64 / allowance_ms as f64,
            });
        }
        let total = posts.len() as u64;
        by_urgency(&mut posts);
        posts.truncate(LIST_LIMIT);
        Ok((total, posts))
    }

    /// The forum's unresolved escalations, those nobody has acknowledged
    /// first (oldest first), then the acknowledged; then the ones resolved
    /// in the last week, newest first.
    fn escalation_rows(
        &self,
        forum: &Forum,
        now_ms: i64,
    ) -> Result<Vec<crate::escalation::EscalationRow>, ViewError> {
        let week_ago = now_ms - WEEK.as_millis() as i64;
        let mut kept = Vec::new();
        for entry in self.all_escalations() {
            let (id, summary) = entry?;
            let recent = summary.resolved_at_ms().is_none_or(|at| at >= week_ago);
            if summary.forum_id == forum.id && (!summary.is_resolved() || recent) {
                kept.push((id, summary));
            }
        }
        let rank = |s: &EscalationSummary| {
            if s.is_unacknowledged() {
                0
            } else if !s.is_resolved() {
                1
            } else {
                2
            }
        };
        kept.sort_by(|(a_id, a), (b_id, b)| {
            let by_time = if a.is_resolved() {
                b.opened_at_ms.cmp(&a.opened_at_ms)
            } else {
                a.opened_at_ms.cmp(&b.opened_at_ms)
            };
            rank(a)
                .cmp(&rank(b))
                .then(by_time)
                .then_with(|| a_id.cmp(b_id))
        });
        Ok(kept
            .iter()
            .take(LIST_LIMIT)
            .map(|(id, summary)| summary.row(id, now_ms))
            .collect())
    }

    /// The week of cover from the current local hour (cached per hour).
    fn cover(&self, forum: &Forum, now: SystemTime) -> CoverWeek {
        let cover = forum.cover();
        let from = local_block_start(now, &cover.tz, 1);
        let mut cache = self.cover.lock().expect("cover lock");
        if let Some(week) = cache.get(&forum.id)
            && week.from_ms == ms(from)
        {
            return week.clone();
        }
        let week = cover_week(&cover.roster, from);
        cache.insert(forum.id.clone(), week.clone());
        week
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

#[cfg(test)]
mod tests {
    //! The forum page's computations, fed through `View::apply` as the bus
    //! would feed them, on a manual clock.

    use std::sync::Arc;

    use modstream_clock::{Clock as _, ManualClock};
    use modstream_config::{ForumConfig, ModeratorConfig, RosterConfig, ShiftConfig};
    use modstream_proto::v1::escalation_change::{self, Change};
    use modstream_proto::v1::event::Payload;
    use modstream_proto::v1::{
        AuthorRole, EscalationChange, EscalationState, ModeratorRef, PostCreated, ReplyCreated,
        Tier,
    };

    use super::*;

    const MIN: i64 = 60_000;
    /// Monday 23 November 2026, 08:30 UTC (and London: GMT).
    const MONDAY_0830: u64 = 1_795_422_600;
    const AUTHOR: &str = "m_0123456789abcdef0123456789abcdef";
    const HELPER: &str = "m_fedcba9876543210fedcba9876543210";
    const POST_TEXT: &str = "A quiet evening post nobody should see here";

    struct Fixture {
        view: View,
        clock: Arc<ManualClock>,
    }

    fn forum(id: &str) -> ForumConfig {
        ForumConfig {
            id: id.into(),
            name: format!("{id} forum"),
            reply_target_minutes: 60,
            ..ForumConfig::default()
        }
    }

    /// North (weekdays 09:00-17:00 and Saturday 10:30-12:00, London time),
    /// east and west (no rosters); every reply target an hour.
    fn fixture() -> Fixture {
        let mut north = forum("north");
        north.moderators = ["ana", "ben"]
            .map(|id| ModeratorConfig {
                id: id.into(),
                name: String::new(),
                token_sha256: vec![],
            })
            .to_vec();
        north.roster = Some(RosterConfig {
            time_zone: "Europe/London".into(),
            shifts: vec![
                ShiftConfig {
                    days: ["mon", "tue", "wed", "thu", "fri"]
                        .map(String::from)
                        .to_vec(),
                    start: "09:00".into(),
                    end: "17:00".into(),
                    moderators: vec!["ana".into(), "ben".into()],
                    lead: Some("ana".into()),
                },
                ShiftConfig {
                    days: vec!["sat".into()],
                    start: "10:30".into(),
                    end: "12:00".into(),
                    moderators: vec!["ben".into()],
                    lead: None,
                },
            ],
            ..RosterConfig::default()
        });
        let config = Config {
            forums: vec![north, forum("east"), forum("west")],
            ..Config::default()
        };
        let clock = Arc::new(ManualClock::new(
            UNIX_EPOCH + Duration::from_secs(MONDAY_0830),
        ));
        let db = sled::Config::new().temporary(true).open().unwrap();
        Fixture {
            view: View::open(&config, db, clock.clone()).unwrap(),
            clock,
        }
    }

    /// A roster change as the safeguarding service writes it.
    fn roster_change(forum: &str, moderators: &[&str]) -> Vec<u8> {
        let config = RosterConfig {
            time_zone: "Europe/London".into(),
            shifts: vec![ShiftConfig {
                days: vec!["daily".into()],
                start: "00:00".into(),
                end: "24:00".into(),
                moderators: moderators.iter().map(|m| (*m).into()).collect(),
                lead: None,
            }],
            ..RosterConfig::default()
        };
        let known: Vec<String> = moderators.iter().map(|m| (*m).into()).collect();
        RosterChanged {
            change_id: format!("c-{}", moderators.join("-")),
            forum_id: forum.into(),
            changed_by: "admin:0123456789ab".into(),
            roster: Some(
                Roster::from_config(forum, &config, &known)
                    .unwrap()
                    .to_proto(),
            ),
            ..Default::default()
        }
        .encode_to_vec()
    }

    #[tokio::test]
    async fn a_roster_changed_through_the_admin_api_is_the_cover_shown_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let f = fixture();
        let config = Config {
            forums: f
                .view
                .forums
                .iter()
                .map(|x| {
                    let mut c = forum(&x.id);
                    c.moderators = x
                        .moderators
                        .iter()
                        .map(|id| ModeratorConfig {
                            id: id.clone(),
                            name: String::new(),
                            token_sha256: vec![],
                        })
                        .collect();
                    c
                })
                .collect(),
            ..Config::default()
        };
        let open =
            || View::open(&config, sled::open(dir.path()).unwrap(), f.clock.clone()).unwrap();
        let north = |view: &View| {
            view.tiles(None)
                .unwrap()
                .into_iter()
                .find(|t| t.forum_id == "north")
                .unwrap()
        };
        let view = open();
        assert!(north(&view).on_shift.is_empty(), "no roster in this config");
        view.apply(ROSTERS, &roster_change("north", &["ben"]))
            .unwrap();
        let tile = north(&view);
        assert_eq!(tile.on_shift, ["ben"]);
        assert_eq!(tile.next_gap_from_ms, None, "covered around the clock now");
        // A roster naming someone the forum does not have is not used.
        view.apply(ROSTERS, &roster_change("north", &["mallory"]))
            .unwrap();
        assert_eq!(north(&view).on_shift, ["ben"]);
        view.flush().await.unwrap();
        drop(view);
        assert_eq!(north(&open()).on_shift, ["ben"], "kept across a restart");
    }

    impl Fixture {
        fn now_ms(&self) -> i64 {
            ms(self.clock.now())
        }

        fn event(&self, forum: &str, source: &str, at_ms: i64, payload: Payload) {
            let at = convert::timestamp(UNIX_EPOCH + Duration::from_millis(at_ms as u64));
            let event = Event {
                event_id: format!("e-{forum}-{source}"),
                forum_id: forum.into(),
                source_id: source.into(),
                occurred_at: Some(at),
                received_at: Some(at),
                payload: Some(payload),
            };
            self.view
                .apply(FORUM_EVENTS, &event.encode_to_vec())
                .unwrap();
        }

        /// A post `ago_min` minutes before now.
        fn post(&self, forum: &str, thread: &str, ago_min: i64, new_member: bool) {
            self.post_with(forum, thread, ago_min, |p| {
                p.first_post_in_forum = new_member
            });
        }

        fn post_with(
            &self,
            forum: &str,
            thread: &str,
            ago_min: i64,
            f: impl FnOnce(&mut PostCreated),
        ) {
            let mut post = PostCreated {
                thread_id: thread.into(),
                board_id: "evenings".into(),
                author_pseudonym: AUTHOR.into(),
                author_role: AuthorRole::Member as i32,
                title: "A title".into(),
                body: POST_TEXT.into(),
                ..PostCreated::default()
            };
            f(&mut post);
            self.event(
                forum,
                thread,
                self.now_ms() - ago_min * MIN,
                Payload::PostCreated(post),
            );
        }

        /// A reply by another member, `after_min` minutes after the post
        /// that is `post_ago_min` old.
        fn reply(&self, forum: &str, thread: &str, post_ago_min: i64, after_min: i64) {
            let reply = ReplyCreated {
                thread_id: thread.into(),
                in_reply_to: thread.into(),
                author_pseudonym: HELPER.into(),
                author_role: AuthorRole::Member as i32,
                body: "A kind reply".into(),
                ..ReplyCreated::default()
            };
            self.event(
                forum,
                &format!("{thread}-r"),
                self.now_ms() - (post_ago_min - after_min) * MIN,
                Payload::ReplyCreated(reply),
            );
        }

        fn escalation(
            &self,
            id: &str,
            state: EscalationState,
            change_id: &str,
            at_ms: i64,
            change: Change,
        ) {
            let opened = convert::timestamp(UNIX_EPOCH + Duration::from_secs(MONDAY_0830));
            let event = EscalationEvent {
                escalation_id: id.into(),
                forum_id: "north".into(),
                severity: Severity::Crisis as i32,
                change: Some(EscalationChange {
                    change_id: change_id.into(),
                    at: Some(convert::timestamp(
                        UNIX_EPOCH + Duration::from_millis(at_ms as u64),
                    )),
                    change: Some(change),
                }),
                state: state as i32,
                thread_id: format!("t-{id}"),
                board_id: "evenings".into(),
                opened_at: Some(opened),
            };
            self.view
                .apply(ESCALATIONS, &event.encode_to_vec())
                .unwrap();
        }

        fn page(&self, forum: &str, range: Range) -> ForumPage {
            self.view.forum_page(forum, range).unwrap().unwrap()
        }
    }

    fn ana() -> Option<ModeratorRef> {
        Some(ModeratorRef {
            forum_id: "north".into(),
            moderator_id: "ana".into(),
        })
    }

    #[test]
    fn an_escalation_keeps_its_timeline_once_in_order_without_text() {
        let f = fixture();
        let t0 = f.now_ms();
        use EscalationState::{Acknowledged, Notified, Open, Resolved};
        let notified = Change::Notified(escalation_change::Notified {
            moderator: ana(),
            tier: Tier::Moderator as i32,
        });
        f.escalation(
            "x1",
            Open,
            "c1",
            t0,
            Change::Opened(escalation_change::Opened {
                severity: Severity::Crisis as i32,
            }),
        );
        f.escalation("x1", Notified, "c2", t0 + MIN, notified.clone());
        f.escalation(
            "x1",
            Notified,
            "c3",
            t0 + 6 * MIN,
            Change::Reescalated(escalation_change::Reescalated {
                tier: Tier::ShiftLead as i32,
                reason: "not acknowledged within 5 minutes".into(),
            }),
        );
        f.escalation(
            "x1",
            Acknowledged,
            "c4",
            t0 + 8 * MIN,
            Change::Acknowledged(escalation_change::Acknowledged {
                moderator: ana(),
                time_to_acknowledge_ms: 8 * MIN,
            }),
        );
        // The bus delivers at least once: an old change again must neither
        // repeat in the timeline nor roll the state back.
        f.escalation("x1", Notified, "c2", t0 + MIN, notified);
        f.escalation(
            "x1",
            Acknowledged,
            "c5",
            t0 + 9 * MIN,
            Change::NoteAdded(escalation_change::NoteAdded {
                moderator: ana(),
                note: "Phoned the member's named contact".into(),
            }),
        );
        f.clock.advance(Duration::from_secs(30 * 60));

        let page = f.page("north", Range::Day);
        assert_eq!(page.escalations.len(), 1);
        let row = &page.escalations[0];
        assert_eq!(row.state, "acknowledged");
        assert_eq!(row.severity, "crisis");
        assert_eq!(row.thread_id, "t-x1");
        assert_eq!(row.time_to_acknowledge_ms, Some(8 * MIN));
        assert_eq!(row.acknowledged_at_ms, Some(t0 + 8 * MIN));
        assert_eq!(row.unacknowledged_for_ms, None);
        let kinds: Vec<_> = row.timeline.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "opened",
                "notified",
                "reescalated",
                "acknowledged",
                "note_added"
            ]
        );
        let times: Vec<_> = row.timeline.iter().map(|s| (s.at_ms - t0) / MIN).collect();
        assert_eq!(times, [0, 1, 6, 8, 9]);
        assert_eq!(row.timeline[1].moderator_id.as_deref(), Some("ana"));
        assert_eq!(row.timeline[1].tier, Some("moderator"));
        assert_eq!(row.timeline[2].tier, Some("shift lead"));
        assert_eq!(row.timeline[0].severity, Some("crisis"));
        let json = serde_json::to_string(&page).unwrap();
        assert!(
            !json.contains("Phoned") && !json.contains("within 5 minutes"),
            "no note or reason text"
        );

        f.escalation(
            "x1",
            Resolved,
            "c6",
            f.now_ms(),
            Change::Resolved(escalation_change::Resolved {
                moderator: ana(),
                outcome: 1,
                note: "Safety plan agreed".into(),
            }),
        );
        let row = &f.page("north", Range::Day).escalations[0];
        assert_eq!(row.state, "resolved");
        assert_eq!(row.resolved_at_ms, Some(f.now_ms()));
        assert_eq!(row.timeline.last().unwrap().kind, "resolved");
    }

    #[test]
    fn escalations_nobody_acknowledged_come_first_and_old_resolved_ones_go() {
        let f = fixture();
        let t0 = f.now_ms();
        let opened = || {
            Change::Opened(escalation_change::Opened {
                severity: Severity::Crisis as i32,
            })
        };
        f.escalation("old", EscalationState::Open, "o1", t0, opened());
        f.escalation(
            "old",
            EscalationState::Resolved,
            "o2",
            t0 + MIN,
            Change::Resolved(escalation_change::Resolved::default()),
        );
        f.clock.advance(Duration::from_secs(8 * 24 * 3600));
        let t1 = f.now_ms();
        f.escalation("acked", EscalationState::Open, "a1", t1, opened());
        f.escalation(
            "acked",
            EscalationState::Acknowledged,
            "a2",
            t1 + MIN,
            Change::Acknowledged(escalation_change::Acknowledged {
                moderator: ana(),
                time_to_acknowledge_ms: MIN,
            }),
        );
        f.escalation(
            "waiting",
            EscalationState::Open,
            "w1",
            t1 + 2 * MIN,
            opened(),
        );
        f.escalation(
            "waiting",
            EscalationState::Open,
            "w2",
            t1 + 2 * MIN,
            Change::Uncovered(escalation_change::Uncovered {
                reason: "nobody on shift".into(),
            }),
        );
        f.clock.advance(Duration::from_secs(10 * 60));

        let page = f.page("north", Range::Day);
        let ids: Vec<_> = page
            .escalations
            .iter()
            .map(|e| e.escalation_id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["waiting", "acked"],
            "resolved over a week ago is gone"
        );
        assert_eq!(page.escalations[0].state, "open");
        // Its opened_at is the escalation's (the fixture's Monday 08:30).
        assert!(page.escalations[0].unacknowledged_for_ms.unwrap() > 0);
        assert_eq!(
            f.page("east", Range::Day).escalations.len(),
            0,
            "another forum's are not listed"
        );
    }

    #[test]
    fn unanswered_posts_come_most_urgent_first() {
        let f = fixture();
        // Allowances (default alert thresholds): 30 min, 15 for a new
        // member's first post.
        f.post("north", "t-older", 40, false); // 40/30 = 1.33
        f.post("north", "t-new-member", 25, true); // 25/15 = 1.67
        f.post("north", "t-recent", 10, false); // 10/30 = 0.33
        f.post("north", "t-answered", 50, false);
        f.reply("north", "t-answered", 50, 5);
        f.post_with("north", "t-diary", 90, |p| p.no_replies_wanted = true);
        f.post("east", "t-elsewhere", 120, false);

        let page = f.page("north", Range::Day);
        let order: Vec<_> = page
            .unanswered
            .iter()
            .map(|p| p.thread_id.as_str())
            .collect();
        assert_eq!(order, ["t-new-member", "t-older", "t-recent"]);
        assert_eq!(page.unanswered_total, 3);
        let first = &page.unanswered[0];
        assert_eq!(first.board_id, "evenings");
        assert_eq!(first.post_id, "t-new-member");
        assert_eq!(first.age_ms, 25 * MIN);
        assert_eq!(first.allowance_ms, 15 * MIN);
        assert!(first.new_member);

        // Time moves the ages, not the order here.
        f.clock.advance(Duration::from_secs(5 * 60));
        let page = f.page("north", Range::Day);
        assert_eq!(page.unanswered[1].age_ms, 45 * MIN);

        let json = serde_json::to_string(&page).unwrap();
        assert!(
            !json.contains(AUTHOR) && !json.contains(HELPER),
            "no pseudonyms"
        );
        assert!(
            !json.contains(POST_TEXT) && !json.contains("A title"),
            "no post text"
        );
    }

    #[test]
    fn time_to_first_reply_per_hour_counts_waiting_posts_as_censored() {
        let f = fixture();
        // Posts in the 08:00 hour are 30 minutes old at most, so look from
        // 09:20: four posts of 08:25-08:30, two answered (5 and 15 min),
        // two still waiting about 55 min.
        f.clock.advance(Duration::from_secs(50 * 60));
        f.post("north", "a", 55, false);
        f.reply("north", "a", 55, 5);
        f.post("north", "b", 55, false);
        f.reply("north", "b", 55, 15);
        f.post("north", "c", 50, false);
        f.post("north", "d", 50, false);
        // Three hours earlier, one post answered in 2 minutes.
        f.post("north", "e", 230, false);
        f.reply("north", "e", 230, 2);

        let page = f.page("north", Range::Day);
        let buckets = &page.ttfr.buckets;
        assert_eq!(buckets.len(), 24);
        assert_eq!(page.ttfr.bucket_ms, HOUR_MS);
        // The newest bucket is the current local hour, 09:00.
        let nine = (MONDAY_0830 as i64 + 30 * 60) * 1000;
        assert_eq!(buckets[23].from_ms, nine);
        assert_eq!(buckets[23].posts, 0);
        let eight = &buckets[22];
        assert_eq!((eight.posts, eight.answered, eight.unanswered), (4, 2, 2));
        // Kaplan-Meier: 15 min, not the 10 min of the answered posts alone.
        assert_eq!(eight.p50_ms, Some(15 * MIN));
        assert_eq!(eight.p90_ms, None, "too many still waiting to say");
        let five = &buckets[19];
        assert_eq!(five.p50_ms, Some(2 * MIN));
        assert!(
            buckets
                .iter()
                .filter(|b| b.posts == 0)
                .all(|b| b.p50_ms.is_none())
        );

        let week = f.page("north", Range::Week);
        assert_eq!(week.ttfr.buckets.len(), 28);
        assert_eq!(week.ttfr.bucket_ms, 6 * HOUR_MS);
        // 09:20 is in the 06:00-12:00 block.
        assert_eq!(week.ttfr.buckets[27].from_ms, nine - 3 * HOUR_MS);
        let posts: u64 = week.ttfr.buckets.iter().map(|b| b.posts).sum();
        assert_eq!(posts, 5);
    }

    #[test]
    fn the_week_of_cover_shows_who_is_on_and_every_gap() {
        let f = fixture();
        let cover = f.page("north", Range::Day).cover;
        let eight = (MONDAY_0830 as i64 - 30 * 60) * 1000;
        assert_eq!(cover.from_ms, eight, "from the start of the local hour");
        assert_eq!(cover.hours.len(), 168);
        let hour = |h: usize| &cover.hours[h];
        assert_eq!(hour(0).uncovered_minutes, 60, "Monday 08:00: nobody yet");
        assert_eq!(hour(1).moderators, ["ana", "ben"]);
        assert_eq!(hour(1).uncovered_minutes, 0);
        assert_eq!(hour(9).uncovered_minutes, 60, "Monday 17:00: gone home");
        // Saturday 10:00 (5 days and 2 hours on): ben from 10:30 only.
        let saturday_ten = 5 * 24 + 2;
        assert_eq!(hour(saturday_ten).moderators, ["ben"]);
        assert_eq!(hour(saturday_ten).uncovered_minutes, 30);
        assert_eq!(hour(saturday_ten + 1).uncovered_minutes, 0);
        assert_eq!(cover.hours_with_gaps, 168 - 5 * 8 - 1);

        // As stretches: a gap, then each weekday's shift between gaps.
        let gaps: Vec<_> = cover
            .stretches
            .iter()
            .filter(|s| s.moderators.is_empty())
            .collect();
        let shifts: Vec<_> = cover
            .stretches
            .iter()
            .filter(|s| !s.moderators.is_empty())
            .collect();
        assert_eq!(shifts.len(), 6);
        assert_eq!(gaps.len(), 7);
        assert_eq!((gaps[0].from_ms, gaps[0].to_ms), (eight, eight + HOUR_MS));
        assert_eq!(
            (shifts[0].from_ms, shifts[0].to_ms),
            (eight + HOUR_MS, eight + 9 * HOUR_MS)
        );
        assert_eq!(shifts[0].lead.as_deref(), Some("ana"));
        assert_eq!(cover.stretches.last().unwrap().to_ms, eight + 168 * HOUR_MS);

        // A forum with no roster: one gap all week.
        let east = f.page("east", Range::Day).cover;
        assert_eq!(east.hours_with_gaps, 168);
        assert_eq!(east.stretches.len(), 1);
    }

    #[test]
    fn the_federation_median_counts_every_forum_but_shows_only_the_median() {
        let f = fixture();
        for (forum, ttfr) in [("north", 10), ("east", 20), ("west", 50)] {
            for i in 0..2 {
                let thread = format!("{forum}-{i}");
                f.post(forum, &thread, 120, false);
                f.reply(forum, &thread, 120, ttfr);
            }
        }
        // West also has one post answered after its target (an hour).
        f.post("west", "west-late", 100, false);
        f.reply("west", "west-late", 100, 90);

        let north = f.page("north", Range::Day).comparison;
        assert_eq!(north.ttfr_p50_ms, Some(10 * MIN));
        assert_eq!(north.answered_within_target, Some(1.0));
        assert_eq!(north.forums_contributing, 3);
        assert_eq!(north.federation_ttfr_p50_ms, Some(20 * MIN));
        assert_eq!(north.federation_answered_within_target, Some(1.0));
        // Whoever looks, the median is the same: it is the federation's.
        let west = f.page("west", Range::Day).comparison;
        assert_eq!(west.federation_ttfr_p50_ms, Some(20 * MIN));
        assert_eq!(west.ttfr_p50_ms, Some(50 * MIN));
        // Nothing of another forum's own in north's page.
        let json = serde_json::to_string(&f.page("north", Range::Day)).unwrap();
        assert!(!json.contains("west") && !json.contains("east"));
        assert!(!json.contains(&(50 * MIN).to_string()));
    }

    #[test]
    fn too_few_forums_with_posts_give_no_median() {
        let f = fixture();
        f.post("north", "n", 30, false);
        f.reply("north", "n", 30, 10);
        f.post("east", "e", 30, false);
        f.reply("east", "e", 30, 20);
        let c = f.page("north", Range::Day).comparison;
        assert_eq!(c.forums_contributing, 2);
        assert_eq!(c.min_forums, 3);
        assert_eq!(c.federation_ttfr_p50_ms, None);
        assert_eq!(c.federation_answered_within_target, None);
        assert_eq!(c.ttfr_p50_ms, Some(10 * MIN));
    }

    #[test]
    fn an_unknown_forum_has_no_page() {
        let f = fixture();
        assert!(f.view.forum_page("nowhere", Range::Day).unwrap().is_none());
        assert!(!f.view.has_forum("nowhere"));
        assert!(f.view.has_forum("north"));
    }
}

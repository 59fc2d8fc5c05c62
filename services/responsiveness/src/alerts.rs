//! Unanswered-post alerts.
//!
//! When a post becomes visible and unanswered, a deadline is stored for each
//! level (nudge, escalate; shorter ones for a new member's first post). A
//! timer raises each due alert once: it re-checks the post is still
//! unanswered, writes the alert to the alerts topic, and only then marks it
//! fired and drops the deadline. When the post stops being unanswered
//! (answered, hidden, removed), each raised alert gets one "resolved" event.
//!
//! Sled trees (in the service's database):
//! - `alert_deadlines`: `due_ms(BE) \0 forum \0 thread \0 level` -> ();
//! - `alert_scheduled`: `forum \0 thread` -> the deadline keys it holds;
//! - `alerts_fired`: `forum \0 thread \0 level` -> RAISED or RESOLVED.
//!
//! Deadlines and fired marks are on disk, so a restart neither forgets a
//! deadline nor raises an alert twice. A crash between the bus write and the
//! mark can repeat one raise with the same alert id, which readers drop.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, UNIX_EPOCH};

use modstream_bus::{Bus, BusError, Record};
use modstream_clock::SharedClock;
use modstream_config::AlertThresholds;
use modstream_proto::convert;
use modstream_proto::topics::ALERTS;
use modstream_proto::v1::{AlertLevel, AlertState, UnansweredAlert};
use prost::Message as _;
use tokio::sync::{Mutex, broadcast, watch};

use crate::metrics::Metrics;
use crate::store::Store;
use crate::thread::{Status, Thread};

const RAISED: u8 = 1;
const RESOLVED: u8 = 2;
const LEVELS: [AlertLevel; 2] = [AlertLevel::Nudge, AlertLevel::Escalate];

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("storage error: {0}")]
    Storage(#[from] sled::Error),
    #[error("cannot write an alert to the bus: {0}")]
    Bus(#[from] BusError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

pub struct Alerts {
    db: sled::Db,
    deadlines: sled::Tree,
    scheduled: sled::Tree,
    fired: sled::Tree,
    bus: Bus,
    clock: SharedClock,
    thresholds: HashMap<String, AlertThresholds>,
    live: broadcast::Sender<UnansweredAlert>,
    metrics: Option<Arc<Metrics>>,
    /// The consumer and the timer both change alerts; one at a time, so a
    /// raise and the reply that resolves it cannot cross.
    one_at_a_time: Mutex<()>,
}

fn thread_key(forum: &str, thread: &str) -> Vec<u8> {
    format!("{forum}\0{thread}").into_bytes()
}

fn fired_key(forum: &str, thread: &str, level: AlertLevel) -> Vec<u8> {
    format!("{forum}\0{thread}\0{}", level as i32).into_bytes()
}

fn deadline_key(due_ms: i64, forum: &str, thread: &str, level: AlertLevel) -> Vec<u8> {
    let mut key = (due_ms.max(0) as u64).to_be_bytes().to_vec();
    key.extend_from_slice(format!("\0{forum}\0{thread}\0{}", level as i32).as_bytes());
    key
}

/// (forum, thread, level) of a deadline key.
fn parse_deadline(key: &[u8]) -> Option<(String, String, AlertLevel)> {
    let rest = std::str::from_utf8(key.get(9..)?).ok()?;
    let mut parts = rest.split('\0');
    let forum = parts.next()?.to_owned();
    let thread = parts.next()?.to_owned();
    let level = AlertLevel::try_from(parts.next()?.parse::<i32>().ok()?).ok()?;
    Some((forum, thread, level))
}

fn alert_id(forum: &str, thread: &str, level: AlertLevel) -> String {
    let level = match level {
        AlertLevel::Nudge => "nudge",
        AlertLevel::Escalate => "escalate",
        AlertLevel::Unspecified => "unspecified",
    };
    format!("{forum}/{thread}/{level}")
}

fn now_ms(clock: &SharedClock) -> i64 {
    clock
        .now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The threshold of `level` for a post, in ms; `None` when turned off.
fn threshold_ms(thresholds: &AlertThresholds, level: AlertLevel, new_member: bool) -> Option<i64> {
    let minutes = match (level, new_member) {
        (AlertLevel::Nudge, false) => thresholds.nudge_minutes,
        (AlertLevel::Nudge, true) => thresholds.new_member_nudge_minutes,
        (AlertLevel::Escalate, false) => thresholds.escalate_minutes,
        (AlertLevel::Escalate, true) => thresholds.new_member_escalate_minutes,
        (AlertLevel::Unspecified, _) => 0,
    };
    (minutes > 0).then_some(minutes as i64 * 60_000)
}

impl Alerts {
    pub fn open(
        db: sled::Db,
        bus: Bus,
        clock: SharedClock,
        thresholds: HashMap<String, AlertThresholds>,
    ) -> Result<Self, sled::Error> {
        Ok(Self {
            deadlines: db.open_tree("alert_deadlines")?,
            scheduled: db.open_tree("alert_scheduled")?,
            fired: db.open_tree("alerts_fired")?,
            db,
            bus,
            clock,
            thresholds,
            live: broadcast::channel(1024).0,
            metrics: None,
            one_at_a_time: Mutex::new(()),
        })
    }

    /// Counts raised and resolved alerts in `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    fn count(&self, alert: &UnansweredAlert) {
        if let Some(metrics) = &self.metrics {
            let level = match AlertLevel::try_from(alert.level) {
                Ok(AlertLevel::Escalate) => "escalate",
                _ => "nudge",
            };
            let state = if alert.state == AlertState::Resolved as i32 {
                "resolved"
            } else {
                "raised"
            };
            metrics.alert(&alert.forum_id, level, state);
        }
    }

    /// Live alerts (raised and resolved) of every forum.
    pub fn subscribe(&self) -> broadcast::Receiver<UnansweredAlert> {
        self.live.subscribe()
    }

    /// Reschedules or resolves the alerts of a thread that just changed.
    pub async fn thread_changed(
        &self,
        forum: &str,
        thread_id: &str,
        thread: &Thread,
    ) -> Result<(), AlertError> {
        let _one = self.one_at_a_time.lock().await;
        let key = thread_key(forum, thread_id);
        if let Some(old) = self.scheduled.remove(&key)? {
            for deadline in decode_keys(&old) {
                self.deadlines.remove(deadline)?;
            }
        }
        let Some(post) = &thread.post else {
            return Ok(());
        };
        let measures = thread.measures();
        let thresholds = self.thresholds.get(forum).copied().unwrap_or_default();
        match (measures.status, measures.visible_ms) {
            (Status::Unanswered, Some(visible)) => {
                let mut keys = Vec::new();
                for level in LEVELS {
                    let Some(after) = threshold_ms(&thresholds, level, post.first_post_in_forum)
                    else {
                        continue;
                    };
                    if self
                        .fired
                        .contains_key(fired_key(forum, thread_id, level))?
                    {
                        continue; // one alert per post and level, ever
                    }
                    let deadline = deadline_key(visible + after, forum, thread_id, level);
                    self.deadlines.insert(&deadline, &[])?;
                    keys.push(deadline);
                }
                if !keys.is_empty() {
                    self.scheduled.insert(key, encode_keys(&keys))?;
                }
            }
            (status, _) => {
                let resolution = match status {
                    Status::Answered => "answered",
                    Status::NoRepliesWanted => "no replies wanted",
                    _ => "withdrawn",
                };
                for level in LEVELS {
                    let fired = fired_key(forum, thread_id, level);
                    if self.fired.get(&fired)?.as_deref() != Some(&[RAISED]) {
                        continue;
                    }
                    let waited = match (measures.first_reply, measures.visible_ms) {
                        (Some(reply), Some(visible)) => reply.at_ms - visible,
                        (_, Some(visible)) => now_ms(&self.clock) - visible,
                        _ => 0,
                    };
                    let alert = self.alert(
                        forum,
                        thread_id,
                        thread,
                        level,
                        AlertState::Resolved,
                        waited,
                        resolution,
                    );
                    self.publish(&alert).await?;
                    self.fired.insert(fired, &[RESOLVED])?;
                    self.count(&alert);
                    let _ = self.live.send(alert);
                }
            }
        }
        Ok(())
    }

    /// Raises every alert due by now. Returns how many it raised.
    pub async fn raise_due(&self, store: &Store) -> Result<usize, AlertError> {
        let _one = self.one_at_a_time.lock().await;
        let now = now_ms(&self.clock);
        let end = ((now + 1).max(0) as u64).to_be_bytes();
        let due: Vec<Vec<u8>> = self
            .deadlines
            .range(..end.as_slice())
            .keys()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(|k| k.to_vec())
            .collect();
        let mut raised = 0;
        for deadline in due {
            let Some((forum, thread_id, level)) = parse_deadline(&deadline) else {
                self.deadlines.remove(&deadline)?;
                continue;
            };
            let fired = fired_key(&forum, &thread_id, level);
            let thread = store.thread(&forum, &thread_id)?.unwrap_or_default();
            let measures = thread.measures();
            let still_waiting = measures.status == Status::Unanswered;
            if still_waiting && !self.fired.contains_key(&fired)? {
                let waited = now - measures.visible_ms.unwrap_or(now);
                let alert = self.alert(
                    &forum,
                    &thread_id,
                    &thread,
                    level,
                    AlertState::Raised,
                    waited,
                    "",
                );
                self.publish(&alert).await?;
                self.fired.insert(&fired, &[RAISED])?;
                self.count(&alert);
                let _ = self.live.send(alert);
                raised += 1;
            }
            self.deadlines.remove(&deadline)?;
        }
        if raised > 0 {
            modstream_bus::flush_sled(&self.db).await?;
        }
        Ok(raised)
    }

    /// Raises what is due, but only while the consumer is `caught_up`:
    /// during a backlog (after an outage, in a replay) a post may look
    /// unanswered only because its reply is not applied yet, and raising
    /// then would cry wolf.
    pub async fn raise_due_if_caught_up(
        &self,
        store: &Store,
        caught_up: &AtomicBool,
    ) -> Result<usize, AlertError> {
        if !caught_up.load(std::sync::atomic::Ordering::Acquire) {
            return Ok(0);
        }
        self.raise_due(store).await
    }

    /// The alerts of `forum` raised and not yet resolved, as they stand now.
    pub fn open_alerts(
        &self,
        forum: &str,
        store: &Store,
    ) -> Result<Vec<UnansweredAlert>, AlertError> {
        let prefix = format!("{forum}\0");
        let now = now_ms(&self.clock);
        let mut open = Vec::new();
        for entry in self.fired.scan_prefix(prefix.as_bytes()) {
            let (key, state) = entry?;
            if state.as_ref() != [RAISED] {
                continue;
            }
            let rest = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
            let Some((thread_id, level)) = rest.rsplit_once('\0') else {
                continue;
            };
            let Ok(level) = level.parse::<i32>().map(AlertLevel::try_from) else {
                continue;
            };
            let level = level.unwrap_or_default();
            let thread = store.thread(forum, thread_id)?.unwrap_or_default();
            let waited = now - thread.measures().visible_ms.unwrap_or(now);
            open.push(self.alert(
                forum,
                thread_id,
                &thread,
                level,
                AlertState::Raised,
                waited,
                "",
            ));
        }
        Ok(open)
    }

    #[allow(clippy::too_many_arguments)]
    fn alert(
        &self,
        forum: &str,
        thread_id: &str,
        thread: &Thread,
        level: AlertLevel,
        state: AlertState,
        waited_ms: i64,
        resolution: &str,
    ) -> UnansweredAlert {
        let post = thread.post.clone().unwrap_or_default();
        UnansweredAlert {
            alert_id: alert_id(forum, thread_id, level),
            forum_id: forum.to_owned(),
            board_id: post.board_id,
            post_id: post.post_id,
            thread_id: thread_id.to_owned(),
            level: level as i32,
            state: state as i32,
            author_is_new: post.first_post_in_forum,
            waited_ms: waited_ms.max(0),
            at: Some(convert::timestamp(self.clock.now())),
            resolution: resolution.to_owned(),
        }
    }

    async fn publish(&self, alert: &UnansweredAlert) -> Result<(), AlertError> {
        let record = Record::new(
            format!("{}/{}", alert.forum_id, alert.thread_id),
            alert.encode_to_vec(),
        )
        .with_header("modstream-alert-id", alert.alert_id.clone());
        self.bus.publish(ALERTS, record).await?;
        Ok(())
    }
}

fn encode_keys(keys: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for key in keys {
        bytes.extend_from_slice(&(key.len() as u32).to_be_bytes());
        bytes.extend_from_slice(key);
    }
    bytes
}

fn decode_keys(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    while bytes.len() >= 4 {
        let len = u32::from_be_bytes(bytes[..4].try_into().expect("4 bytes")) as usize;
        let Some(key) = bytes.get(4..4 + len) else {
            break;
        };
        keys.push(key.to_vec());
        bytes = &bytes[4 + len..];
    }
    keys
}

/// Raises due alerts every `every` until `stop` changes.
///
/// Only while the consumer is `caught_up`: during a backlog (after an outage,
/// in a replay) a post may look unanswered only because its reply is not
/// applied yet, and raising then would cry wolf.
pub async fn run_timer(
    alerts: Arc<Alerts>,
    store: Arc<Store>,
    every: Duration,
    caught_up: Arc<AtomicBool>,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = ticks.tick() => {}
        }
        if let Err(err) = alerts.raise_due_if_caught_up(&store, &caught_up).await {
            // The deadline stays; the next tick tries again.
            tracing::warn!(error = %err, "raising due alerts failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use modstream_bus::BusOptions;
    use modstream_clock::ManualClock;
    use modstream_proto::v1::{AuthorRole, Event, PostCreated, ReplyCreated, event::Payload};

    use super::*;

    const MIN: u64 = 60;

    struct Fixture {
        dir: tempfile::TempDir,
        clock: Arc<ManualClock>,
        bus: Bus,
        store: Store,
        alerts: Alerts,
        start: SystemTime,
    }

    impl Fixture {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
            let clock = Arc::new(ManualClock::new(start));
            let bus = Bus::open(&BusOptions::embedded(1), dir.path()).unwrap();
            let (store, alerts) = Self::open(dir.path(), &bus, clock.clone());
            Self {
                dir,
                clock,
                bus,
                store,
                alerts,
                start,
            }
        }

        fn open(dir: &std::path::Path, bus: &Bus, clock: Arc<ManualClock>) -> (Store, Alerts) {
            let db = sled::open(dir.join("state")).unwrap();
            let thresholds = HashMap::from([("f".to_owned(), AlertThresholds::default())]);
            (
                Store::open(db.clone()).unwrap(),
                Alerts::open(db, bus.clone(), clock, thresholds).unwrap(),
            )
        }

        /// Simulates a restart: closes and reopens the state.
        fn restart(self) -> Self {
            let Fixture {
                dir,
                clock,
                bus,
                store,
                alerts,
                start,
            } = self;
            drop((store, alerts));
            let (store, alerts) = Self::open(dir.path(), &bus, clock.clone());
            Fixture {
                dir,
                clock,
                bus,
                store,
                alerts,
                start,
            }
        }

        async fn apply(&self, source: &str, minutes: u64, payload: Payload) {
            let at = self.start + Duration::from_secs(minutes * MIN);
            let event = Event {
                event_id: source.into(),
                forum_id: "f".into(),
                source_id: source.into(),
                occurred_at: Some(convert::timestamp(at)),
                received_at: None,
                payload: Some(payload),
            };
            if let Some(applied) = self.store.apply(&event).unwrap() {
                let (thread_id, thread) = (&applied.thread_id, &applied.thread);
                self.alerts
                    .thread_changed("f", thread_id, thread)
                    .await
                    .unwrap();
            }
        }

        async fn post(&self, minutes: u64, change: impl FnOnce(&mut PostCreated)) {
            let mut post = PostCreated {
                thread_id: "t".into(),
                board_id: "b".into(),
                author_pseudonym: "m_author".into(),
                author_role: AuthorRole::Member as i32,
                body: "text".into(),
                ..Default::default()
            };
            change(&mut post);
            self.apply("t", minutes, Payload::PostCreated(post)).await;
        }

        async fn reply(&self, minutes: u64) {
            let reply = ReplyCreated {
                thread_id: "t".into(),
                author_pseudonym: "m_peer".into(),
                author_role: AuthorRole::Member as i32,
                body: "here".into(),
                ..Default::default()
            };
            self.apply("r", minutes, Payload::ReplyCreated(reply)).await;
        }

        /// Moves the clock to `minutes` after the start and raises what is due.
        async fn raise_at(&self, minutes: u64) -> usize {
            self.clock
                .set(self.start + Duration::from_secs(minutes * MIN));
            self.alerts.raise_due(&self.store).await.unwrap()
        }

        /// Every alert written to the alerts topic so far.
        async fn written(&self, group: &str, count: usize) -> Vec<UnansweredAlert> {
            let mut sub = self.bus.subscribe(group, &[ALERTS]).unwrap();
            let mut alerts = Vec::new();
            for _ in 0..count {
                let message = tokio::time::timeout(Duration::from_secs(10), sub.next())
                    .await
                    .unwrap()
                    .unwrap();
                alerts.push(UnansweredAlert::decode(message.payload.as_slice()).unwrap());
            }
            alerts
        }
    }

    async fn fixture() -> Fixture {
        let fixture = Fixture::new();
        fixture.bus.ensure_topics(&[ALERTS]).await.unwrap();
        fixture
    }

    #[tokio::test]
    async fn each_level_is_raised_once_at_its_threshold() {
        let f = fixture().await;
        f.post(0, |_| {}).await;
        assert_eq!(f.raise_at(29).await, 0);
        assert_eq!(f.raise_at(30).await, 1, "nudge at 30 minutes");
        assert_eq!(f.raise_at(31).await, 0, "once, not once per check");
        assert_eq!(f.raise_at(119).await, 0);
        assert_eq!(f.raise_at(120).await, 1, "escalation at 2 hours");
        let written = f.written("check", 2).await;
        assert_eq!(written[0].level, AlertLevel::Nudge as i32);
        assert_eq!(written[0].alert_id, "f/t/nudge");
        assert_eq!(written[0].waited_ms, 30 * 60_000);
        assert_eq!(written[1].level, AlertLevel::Escalate as i32);
        assert!(written.iter().all(|a| a.state == AlertState::Raised as i32));
    }

    #[tokio::test]
    async fn a_reply_resolves_what_was_raised_and_cancels_the_rest() {
        let f = fixture().await;
        f.post(0, |_| {}).await;
        assert_eq!(f.raise_at(45).await, 1);
        f.reply(50).await;
        assert_eq!(f.raise_at(500).await, 0, "no escalation once answered");
        let written = f.written("check", 2).await;
        assert_eq!(written[1].state, AlertState::Resolved as i32);
        assert_eq!(written[1].alert_id, "f/t/nudge");
        assert_eq!(written[1].resolution, "answered");
        assert_eq!(written[1].waited_ms, 50 * 60_000, "time to the first reply");
        assert!(f.alerts.open_alerts("f", &f.store).unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_new_members_first_post_is_alerted_sooner() {
        let f = fixture().await;
        f.post(0, |p| p.first_post_in_forum = true).await;
        assert_eq!(f.raise_at(14).await, 0);
        assert_eq!(f.raise_at(15).await, 1);
        assert_eq!(f.raise_at(60).await, 1);
    }

    #[tokio::test]
    async fn a_post_that_wants_no_replies_never_alerts() {
        let f = fixture().await;
        f.post(0, |p| p.no_replies_wanted = true).await;
        assert_eq!(f.raise_at(10_000).await, 0);
    }

    #[tokio::test]
    async fn a_premoderated_post_is_alerted_from_its_approval() {
        let f = fixture().await;
        f.post(0, |p| p.held_for_premoderation = true).await;
        assert_eq!(f.raise_at(100).await, 0, "not visible, no clock");
        let approval = modstream_proto::v1::ModerationAction {
            kind: modstream_proto::v1::ModerationActionKind::Approved as i32,
            thread_id: "t".into(),
            post_id: "t".into(),
            ..Default::default()
        };
        f.apply("ok", 100, Payload::ModerationAction(approval))
            .await;
        assert_eq!(f.raise_at(129).await, 0);
        assert_eq!(f.raise_at(130).await, 1);
    }

    /// While the consumer has a backlog, a post may only look unanswered;
    /// nothing is raised until the consumer is caught up.
    #[tokio::test]
    async fn nothing_is_raised_while_the_consumer_is_behind() {
        let f = fixture().await;
        f.post(0, |_| {}).await;
        f.clock.set(f.start + Duration::from_secs(45 * MIN));
        let caught_up = AtomicBool::new(false);
        assert_eq!(
            f.alerts
                .raise_due_if_caught_up(&f.store, &caught_up)
                .await
                .unwrap(),
            0
        );
        assert!(
            f.alerts.open_alerts("f", &f.store).unwrap().is_empty(),
            "raised while behind"
        );
        caught_up.store(true, std::sync::atomic::Ordering::Release);
        assert_eq!(
            f.alerts
                .raise_due_if_caught_up(&f.store, &caught_up)
                .await
                .unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn deadlines_and_raised_marks_survive_a_restart() {
        let f = fixture().await;
        f.post(0, |_| {}).await;
        assert_eq!(f.raise_at(30).await, 1);
        let f = f.restart();
        assert_eq!(f.raise_at(31).await, 0, "not raised again after a restart");
        assert_eq!(f.raise_at(120).await, 1, "the escalation deadline survived");
        assert_eq!(f.alerts.open_alerts("f", &f.store).unwrap().len(), 2);
    }
}

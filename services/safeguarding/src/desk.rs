//! The escalation desk: the state machine of every escalation.
//!
//! Three things change escalations, one at a time (a single lock):
//! - forum events from the bus ([`Desk::apply_event`]): a risky post, reply
//!   or edit, or a member's "worried about this person" report, opens an
//!   escalation or joins the thread's open one;
//! - moderators ([`Desk::acknowledge`], [`Desk::resolve`], notes, hand-overs);
//! - the clock ([`Desk::check_deadlines`]): an escalation nobody
//!   acknowledged in time moves up the chain: the next available moderator,
//!   the shift lead, the federation partner team, and then keeps re-notifying
//!   everyone who can act, raising "uncovered" for operations when nobody can.
//!
//! Each change is one atomic sled batch (escalation, deadline, notices,
//! forum actions, bus outbox), synced before any moderator or forum is told
//! and before the bus offset is committed. So a crash loses nothing and a
//! replay repeats nothing: events already applied are recognised by id.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex as StdMutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use modstream_auth::Moderator;
use modstream_clock::SharedClock;
use modstream_config::{Config, ForumSafeguarding};
use modstream_proto::convert;
use modstream_proto::topics::{ESCALATIONS, FORUM_ACTIONS, ROSTERS};
use modstream_proto::v1::{
    self, Escalation, EscalationChange, EscalationEvent, EscalationNotice, EscalationState,
    Evidence, ForumAction, ModeratorRef, NoticeKind, Outcome, ReportReason, RiskReason,
    RosterChanged, Severity, Tier, escalation_change::Change as C, event::Payload, forum_action,
};
use modstream_risk::{Assessment, Assessor, Level};
use prost::Message as _;
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

use crate::roster::{OnShift, Roster};
use crate::routing::{self, Candidate};
use crate::store::{CachedPost, Change, OutboxRecord, Store, StoreError};

/// Namespace of modstream's name-based ids (escalations, forum actions), so
/// the same input always gives the same id, also in a replay.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6d6f_6473_7472_6561_6d2d_7361_6665_6775);

/// What stands in for a text whose writer was erased ("a member left and
/// asked for their data to be removed"). Short, and says why the text is
/// missing, so a moderator does not think it was lost.
pub const ERASED_TEXT: &str = "[removed at the member's request]";

/// What stands in for the pseudonym of an erased member.
pub const ERASED_AUTHOR: &str = "erased";

/// Longest note a moderator may add, in bytes.
pub const MAX_NOTE_BYTES: usize = 4_096;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("no escalation {0:?}")]
    NotFound(String),
    #[error("{0}")]
    PermissionDenied(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    FailedPrecondition(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &str, message: impl Into<String>) -> DeskError {
    DeskError::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// One forum's safeguarding setup.
struct Forum {
    assessor: Assessor,
    policy: ForumSafeguarding,
    moderators: Vec<String>,
}

/// What one retention pass purged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub cached_posts: usize,
    pub escalation_texts: usize,
    pub notices: usize,
}

/// What one erasure removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub cached_posts: usize,
    pub escalations: usize,
    pub notices: usize,
}

/// Removes what `pseudonym` wrote from `escalation`: the texts (and the
/// words the rules matched in them) of their evidence become
/// [`ERASED_TEXT`], their report notes too, and the pseudonym becomes
/// [`ERASED_AUTHOR`]. Everything else (ids, times, severity, routing,
/// timeline, outcome) stays, so an open escalation stays open and routed.
/// Returns whether anything changed.
pub fn scrub(escalation: &mut Escalation, pseudonym: &str) -> bool {
    if pseudonym.is_empty() {
        return false;
    }
    let mut changed = false;
    if escalation.author_pseudonym == pseudonym {
        escalation.author_pseudonym = ERASED_AUTHOR.to_owned();
        changed = true;
    }
    for evidence in &mut escalation.evidence {
        let wrote = evidence.author_pseudonym == pseudonym;
        let reported = evidence.reporter_pseudonym == pseudonym;
        if wrote {
            evidence.author_pseudonym = ERASED_AUTHOR.to_owned();
            if !evidence.text.is_empty() {
                evidence.text = ERASED_TEXT.to_owned();
            }
        }
        if reported {
            evidence.reporter_pseudonym = ERASED_AUTHOR.to_owned();
            if !evidence.report_note.is_empty() {
                evidence.report_note = ERASED_TEXT.to_owned();
            }
        }
        if wrote || reported {
            // The matched words are quotes of the text or the note.
            for reason in &mut evidence.reasons {
                reason.matched.clear();
                reason.start = 0;
                reason.end = 0;
            }
            changed = true;
        }
    }
    changed
}

/// How long what members wrote is kept (from `[safeguarding]`).
#[derive(Debug, Clone, Copy)]
struct Retention {
    post_cache_days: u64,
    resolved_retention_days: u64,
}

/// How far ahead the next gap in cover is looked for.
pub const COVER_LOOKAHEAD: Duration = Duration::from_secs(24 * 3600);

/// One forum's open escalations and cover now (see [`Desk::status`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForumStatus {
    pub forum_id: String,
    /// Open escalations by (severity, state), unresolved only.
    pub open: std::collections::BTreeMap<(&'static str, &'static str), u64>,
    /// Unacknowledged escalations past their first acknowledgement deadline,
    /// by severity.
    pub overdue: std::collections::BTreeMap<&'static str, u64>,
    /// Unacknowledged escalations nobody has been given (nobody available).
    pub uncovered: u64,
    /// Time until the next gap in cover within [`COVER_LOOKAHEAD`] (zero:
    /// nobody on now); `None` when covered throughout.
    pub next_gap: Option<Duration>,
}

pub struct Desk {
    store: Arc<Store>,
    clock: SharedClock,
    forums: HashMap<String, Forum>,
    rosters: RwLock<HashMap<String, Roster>>,
    /// Open console streams per moderator: connected means available when
    /// on shift.
    presence: StdMutex<HashMap<Moderator, u32>>,
    notices: broadcast::Sender<(String, String, EscalationNotice)>,
    actions: broadcast::Sender<ForumAction>,
    outbox_ready: Arc<Notify>,
    one_at_a_time: tokio::sync::Mutex<()>,
    metrics: crate::metrics::Metrics,
    retention: Retention,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("forums", &self.forums.len())
            .finish()
    }
}

fn ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn at_ms(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

fn ts_ms(ts: &Option<prost_types::Timestamp>) -> Option<i64> {
    ts.as_ref().and_then(convert::system_time).map(ms)
}

pub fn severity_name(severity: i32) -> &'static str {
    match Severity::try_from(severity) {
        Ok(Severity::Crisis) => "crisis",
        Ok(Severity::High) => "high",
        _ => "unspecified",
    }
}

fn severity_of(level: Level) -> Severity {
    if level >= Level::Crisis {
        Severity::Crisis
    } else {
        Severity::High
    }
}

fn reasons(assessment: &Assessment) -> Vec<RiskReason> {
    assessment
        .reasons
        .iter()
        .map(|r| RiskReason {
            rule: r.rule.clone(),
            severity: if r.level >= Level::Crisis {
                Severity::Crisis as i32
            } else if r.level >= Level::High {
                Severity::High as i32
            } else {
                Severity::Unspecified as i32
            },
            level: r.level.as_str().to_owned(),
            description: r.description.clone(),
            matched: r.text.clone(),
            start: r.start as u32,
            end: r.end as u32,
        })
        .collect()
}

/// Content warnings to suggest for a text: "suicide" and "self-harm" for
/// escalated posts by what the rules saw, "eating-disorder numbers" for
/// weights and calorie counts. Those the forum already applied are left out.
pub fn suggested_warnings(assessment: &Assessment, text: &str, applied: &[String]) -> Vec<String> {
    static NUMBERS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b\d{2,4}(\.\d)?\s?(kcals?|calories|cals|kgs?|kilos?|lbs?|pounds|stone|st)\b|\bbmi\s*(of|is|was|at)?\s*\d",
        )
        .expect("valid pattern")
    });
    let mut warnings = BTreeSet::new();
    if assessment.escalate {
        for reason in &assessment.reasons {
            if reason.level < Level::High {
                continue;
            }
            let harm = ["self-harm", "bleeding", "cut", "burn"]
                .iter()
                .any(|w| reason.rule.contains(w));
            warnings.insert(if harm { "self-harm" } else { "suicide" });
        }
    }
    if NUMBERS.is_match(text) {
        warnings.insert("eating-disorder numbers");
    }
    warnings
        .into_iter()
        .filter(|w| !applied.iter().any(|a| a.to_lowercase().contains(w)))
        .map(str::to_owned)
        .collect()
}

/// The parts of a forum event safeguarding looks at.
struct Seen {
    kind: &'static str,
    thread_id: String,
    board_id: String,
    post_id: String,
    author: String,
    text: String,
    report_note: String,
    /// For a report: who reported.
    reporter: String,
    applied_warnings: Vec<String>,
}

impl Desk {
    pub fn new(
        config: &Config,
        store: Arc<Store>,
        clock: SharedClock,
        outbox_ready: Arc<Notify>,
    ) -> Result<Self, DeskError> {
        let mut forums = HashMap::new();
        let mut rosters = HashMap::new();
        for forum in &config.forums {
            let moderators: Vec<String> = forum.moderators.iter().map(|m| m.id.clone()).collect();
            let roster = match (store.roster(&forum.id)?, &forum.roster) {
                // A roster an admin set through the API wins over the file.
                (Some(stored), _) => Roster::from_proto(&stored, &moderators).map_err(|e| {
                    invalid("roster", format!("stored roster of {:?}: {e}", forum.id))
                })?,
                (None, Some(file)) => Roster::from_config(&forum.id, file, &moderators)
                    .map_err(|e| invalid("roster", format!("forum {:?}: {e}", forum.id)))?,
                (None, None) => Roster::empty(&forum.id),
            };
            rosters.insert(forum.id.clone(), roster);
            forums.insert(
                forum.id.clone(),
                Forum {
                    assessor: Assessor::with_options(&forum.risk)
                        .map_err(|e| invalid("risk", e.to_string()))?,
                    policy: forum.safeguarding.clone(),
                    moderators,
                },
            );
        }
        Ok(Self {
            store,
            clock,
            forums,
            rosters: RwLock::new(rosters),
            presence: StdMutex::new(HashMap::new()),
            notices: broadcast::channel(4096).0,
            actions: broadcast::channel(4096).0,
            outbox_ready,
            one_at_a_time: tokio::sync::Mutex::new(()),
            metrics: crate::metrics::Metrics::new(),
            retention: Retention {
                post_cache_days: config.safeguarding.post_cache_days,
                resolved_retention_days: config.safeguarding.resolved_retention_days,
            },
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn now_ms(&self) -> i64 {
        ms(self.clock.now())
    }

    /// Now, on the desk's clock.
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    fn forum(&self, id: &str) -> Option<&Forum> {
        self.forums.get(id)
    }

    fn partner_of(&self, forum: &str) -> Option<&str> {
        self.forum(forum)?.policy.partner_forum.as_deref()
    }

    // ---- who can act -------------------------------------------------

    pub fn on_shift(&self, forum: &str, at: SystemTime) -> OnShift {
        self.rosters
            .read()
            .expect("roster lock")
            .get(forum)
            .map(|r| r.on_shift(at))
            .unwrap_or_default()
    }

    pub fn is_connected(&self, forum: &str, moderator: &str) -> bool {
        let who = Moderator {
            forum_id: forum.to_owned(),
            moderator_id: moderator.to_owned(),
        };
        self.presence
            .lock()
            .expect("presence lock")
            .get(&who)
            .is_some_and(|n| *n > 0)
    }

    /// Moderators of `forum` on shift and connected now.
    pub fn available(&self, forum: &str, at: SystemTime) -> Vec<String> {
        self.on_shift(forum, at)
            .moderators
            .into_iter()
            .filter(|m| self.is_connected(forum, m))
            .collect()
    }

    fn candidates(
        &self,
        forum: &str,
        now: SystemTime,
        open: &[Escalation],
    ) -> Result<Vec<Candidate>, StoreError> {
        // Every unresolved escalation a moderator holds counts against them,
        // acknowledged or not: they are still working on it.
        let load = routing::load(open.iter().filter_map(|e| {
            let a = e.assignee.as_ref()?;
            (a.forum_id == forum).then_some((
                a.moderator_id.as_str(),
                e.severity == Severity::Crisis as i32,
            ))
        }));
        self.available(forum, now)
            .into_iter()
            .map(|m| {
                let (open, open_crisis) = load.get(m.as_str()).copied().unwrap_or((0, 0));
                Ok(Candidate {
                    last_assigned_ms: self.store.last_assigned(forum, &m)?,
                    moderator_id: m,
                    open,
                    open_crisis,
                })
            })
            .collect()
    }

    /// May `who` see and act on `escalation`? Their own forum's, or one
    /// routed to their team as the forum's federation partner.
    fn can_see(&self, who: &Moderator, escalation: &Escalation) -> bool {
        escalation.forum_id == who.forum_id
            || (self.partner_of(&escalation.forum_id) == Some(who.forum_id.as_str())
                && escalation
                    .notified
                    .iter()
                    .any(|m| m.forum_id == who.forum_id))
    }

    // ---- forum events ------------------------------------------------

    /// Applies one forum event from the bus. Idempotent by event id.
    pub async fn apply_event(&self, event: &v1::Event) -> Result<(), DeskError> {
        self.apply_traced_event(event, "").await
    }

    /// [`Desk::apply_event`] for an event whose trace context is
    /// `traceparent`; escalations it opens carry it to their delivery.
    pub async fn apply_traced_event(
        &self,
        event: &v1::Event,
        traceparent: &str,
    ) -> Result<(), DeskError> {
        let Some(forum) = self.forum(&event.forum_id) else {
            tracing::warn!(forum_id = %event.forum_id, "an event for a forum this service does not know; skipped");
            return Ok(());
        };
        if let Some(Payload::MemberErased(erased)) = &event.payload {
            self.erase_member(&event.forum_id, &erased.pseudonym)
                .await?;
            return Ok(());
        }
        let Some(mut seen) = self.seen(event)? else {
            return Ok(());
        };
        let _one = self.one_at_a_time.lock().await;
        if self
            .store
            .event_escalation(&event.forum_id, &event.event_id)?
            .is_some()
        {
            return Ok(()); // applied before (a replay)
        }
        // Written by (or reported by) a member erased before this event
        // arrived: from another partition, a race with the erasure at the
        // gateway, or a replay. It is still assessed and escalated (a post
        // in crisis is never dropped), but what they wrote is not kept.
        let author_erased = self.store.is_erased(&event.forum_id, &seen.author)?;
        let reporter_erased = self.store.is_erased(&event.forum_id, &seen.reporter)?;
        let mut change = Change::default();
        let now = self.clock.now();
        if seen.kind != "report" && !author_erased {
            self.store.cache_post(
                &mut change,
                &event.forum_id,
                &seen.post_id,
                &CachedPost {
                    thread_id: seen.thread_id.clone(),
                    board_id: seen.board_id.clone(),
                    author_pseudonym: seen.author.clone(),
                    text: seen.text.clone(),
                    cached_at_ms: ms(now),
                },
            );
        }
        let assessed_text = if seen.kind == "report" {
            format!("{}\n{}", seen.report_note, seen.text)
        } else {
            seen.text.clone()
        };
        let assessment = forum.assessor.assess(&assessed_text);
        if seen.kind != "report" {
            let warnings = suggested_warnings(&assessment, &seen.text, &seen.applied_warnings);
            if !warnings.is_empty() {
                self.add_action(
                    &mut change,
                    &event.forum_id,
                    &seen.thread_id,
                    &seen.post_id,
                    &format!("{}/content-warnings", event.event_id),
                    forum_action::Action::SuggestContentWarnings(
                        forum_action::SuggestContentWarnings { warnings },
                    ),
                )?;
            }
        }
        let escalate = assessment.escalate || seen.kind == "report";
        if escalate {
            let severity = severity_of(assessment.level);
            let mut evidence = Evidence {
                event_id: event.event_id.clone(),
                kind: seen.kind.to_owned(),
                post_id: seen.post_id.clone(),
                author_pseudonym: seen.author.clone(),
                text: seen.text.clone(),
                level: assessment.level.as_str().to_owned(),
                reasons: reasons(&assessment),
                ruleset_version: assessment.ruleset_version.to_owned(),
                occurred_at: event.occurred_at,
                report_note: seen.report_note.clone(),
                thread_id: seen.thread_id.clone(),
                traceparent: traceparent.to_owned(),
                reporter_pseudonym: seen.reporter.clone(),
            };
            if author_erased || reporter_erased {
                let mut shell = Escalation {
                    evidence: vec![evidence],
                    ..Default::default()
                };
                for (erased, pseudonym) in [
                    (author_erased, &seen.author),
                    (reporter_erased, &seen.reporter),
                ] {
                    if erased {
                        scrub(&mut shell, pseudonym);
                    }
                }
                evidence = shell.evidence.pop().expect("one evidence");
                if author_erased {
                    seen.author = ERASED_AUTHOR.to_owned();
                }
            }
            let id = match self
                .store
                .thread_escalation(&event.forum_id, &seen.thread_id)?
            {
                Some(id) => {
                    let mut escalation = self
                        .store
                        .escalation(&id)?
                        .ok_or_else(|| DeskError::NotFound(id.clone()))?;
                    self.join(&mut change, &mut escalation, evidence, severity, now)?;
                    id
                }
                None => {
                    let id = Uuid::new_v5(
                        &ID_NAMESPACE,
                        format!("{}/{}", event.forum_id, event.event_id).as_bytes(),
                    )
                    .to_string();
                    self.open(
                        &mut change,
                        &id,
                        &event.forum_id,
                        &seen,
                        evidence,
                        severity,
                        now,
                    )?;
                    id
                }
            };
            self.store
                .mark_event(&mut change, &event.forum_id, &event.event_id, &id);
        }
        self.commit(change).await
    }

    /// What an event says, for the kinds safeguarding reads.
    fn seen(&self, event: &v1::Event) -> Result<Option<Seen>, StoreError> {
        let text = |title: &str, body: &str| {
            if title.is_empty() {
                body.to_owned()
            } else {
                format!("{title}\n{body}")
            }
        };
        Ok(Some(match &event.payload {
            Some(Payload::PostCreated(p)) => Seen {
                kind: "post",
                thread_id: p.thread_id.clone(),
                board_id: p.board_id.clone(),
                post_id: event.source_id.clone(),
                author: p.author_pseudonym.clone(),
                text: text(&p.title, &p.body),
                report_note: String::new(),
                reporter: String::new(),
                applied_warnings: p.content_warnings.clone(),
            },
            Some(Payload::ReplyCreated(r)) => Seen {
                kind: "reply",
                thread_id: r.thread_id.clone(),
                board_id: r.board_id.clone(),
                post_id: event.source_id.clone(),
                author: r.author_pseudonym.clone(),
                text: r.body.clone(),
                report_note: String::new(),
                reporter: String::new(),
                applied_warnings: Vec::new(),
            },
            Some(Payload::PostEdited(e)) => {
                let before = self.store.cached_post(&event.forum_id, &e.post_id)?;
                Seen {
                    kind: "edit",
                    thread_id: e.thread_id.clone(),
                    board_id: before
                        .as_ref()
                        .map(|b| b.board_id.clone())
                        .unwrap_or_default(),
                    post_id: e.post_id.clone(),
                    author: before
                        .map(|b| b.author_pseudonym)
                        .unwrap_or_else(|| e.editor_pseudonym.clone()),
                    text: text(&e.title, &e.body),
                    report_note: String::new(),
                    reporter: String::new(),
                    applied_warnings: Vec::new(),
                }
            }
            Some(Payload::MemberReport(r))
                if r.reason == ReportReason::WorriedAboutPerson as i32 =>
            {
                let reported = self.store.cached_post(&event.forum_id, &r.post_id)?;
                Seen {
                    kind: "report",
                    thread_id: r.thread_id.clone(),
                    board_id: reported
                        .as_ref()
                        .map(|p| p.board_id.clone())
                        .unwrap_or_default(),
                    post_id: r.post_id.clone(),
                    author: reported
                        .as_ref()
                        .map(|p| p.author_pseudonym.clone())
                        .unwrap_or_default(),
                    text: reported.map(|p| p.text).unwrap_or_default(),
                    report_note: r.note.clone(),
                    reporter: r.reporter_pseudonym.clone(),
                    applied_warnings: Vec::new(),
                }
            }
            _ => return Ok(None),
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn open(
        &self,
        change: &mut Change,
        id: &str,
        forum: &str,
        seen: &Seen,
        evidence: Evidence,
        severity: Severity,
        now: SystemTime,
    ) -> Result<(), DeskError> {
        let mut escalation = Escalation {
            escalation_id: id.to_owned(),
            forum_id: forum.to_owned(),
            thread_id: seen.thread_id.clone(),
            board_id: seen.board_id.clone(),
            post_id: seen.post_id.clone(),
            author_pseudonym: seen.author.clone(),
            severity: severity as i32,
            state: EscalationState::Open as i32,
            opened_at: Some(convert::timestamp(now)),
            evidence: vec![evidence],
            ..Default::default()
        };
        self.record(
            change,
            &mut escalation,
            C::Opened(v1::escalation_change::Opened {
                severity: severity as i32,
            }),
        )?;
        self.metrics.opened(forum, severity_name(severity as i32));
        let own_available = self.route(change, &mut escalation, Tier::Moderator, now)?;
        // A person in crisis is never met with silence: the forum shows them
        // where to get help now, at once for a crisis and whenever none of
        // the forum's own moderators can take it.
        if severity == Severity::Crisis || !own_available {
            self.crisis_resources(change, &escalation)?;
        }
        self.set_deadline(change, &mut escalation, now);
        self.store.put_escalation(change, &escalation);
        Ok(())
    }

    fn join(
        &self,
        change: &mut Change,
        escalation: &mut Escalation,
        evidence: Evidence,
        severity: Severity,
        now: SystemTime,
    ) -> Result<(), DeskError> {
        let event_id = evidence.event_id.clone();
        escalation.evidence.push(evidence);
        let upgraded = severity as i32 > escalation.severity;
        if upgraded {
            escalation.severity = severity as i32;
        }
        self.record(
            change,
            escalation,
            C::EvidenceAdded(v1::escalation_change::EvidenceAdded {
                event_id,
                severity: severity as i32,
            }),
        )?;
        if upgraded {
            self.crisis_resources(change, escalation)?;
            // A shorter deadline now applies, if nobody has it yet.
            if escalation.state != EscalationState::Acknowledged as i32 {
                let due = ms(now) + self.ack_ms(escalation);
                if ts_ms(&escalation.ack_deadline).is_none_or(|d| due < d) {
                    self.set_deadline(change, escalation, now);
                }
            }
        }
        self.notify_all(change, escalation, NoticeKind::Updated)?;
        self.store.put_escalation(change, escalation);
        Ok(())
    }

    // ---- routing -----------------------------------------------------

    /// Notifies someone, starting at tier `from`. Returns whether one of the
    /// forum's own moderators was available. Nobody at all: "uncovered".
    fn route(
        &self,
        change: &mut Change,
        escalation: &mut Escalation,
        from: Tier,
        now: SystemTime,
    ) -> Result<bool, DeskError> {
        let forum = escalation.forum_id.clone();
        let policy = &self.forum(&forum).expect("known forum").policy;
        let crisis = escalation.severity == Severity::Crisis as i32;
        let open = self.store.open_escalations()?;
        let told = |escalation: &Escalation, f: &str| -> Vec<String> {
            escalation
                .notified
                .iter()
                .filter(|m| m.forum_id == f)
                .map(|m| m.moderator_id.clone())
                .collect()
        };
        let own = self.candidates(&forum, now, &open)?;
        let own_available = !own.is_empty();
        let tiers: &[Tier] = match from {
            // On opening, straight to the partner when nobody of the
            // forum's own is there.
            Tier::Moderator => &[Tier::Moderator, Tier::Partner],
            Tier::NextModerator => &[Tier::NextModerator, Tier::ShiftLead, Tier::Partner],
            Tier::ShiftLead => &[Tier::ShiftLead, Tier::Partner],
            _ => &[Tier::Partner],
        };
        for &tier in tiers {
            let chosen = match tier {
                Tier::Moderator | Tier::NextModerator => routing::pick(
                    &own,
                    crisis,
                    policy.max_open_crisis_per_moderator,
                    &told(escalation, &forum),
                )
                .map(|c| (forum.clone(), c.moderator_id.clone())),
                Tier::ShiftLead => self
                    .on_shift(&forum, now)
                    .lead
                    .filter(|lead| !told(escalation, &forum).contains(lead))
                    .map(|lead| (forum.clone(), lead)),
                Tier::Partner => match &policy.partner_forum {
                    Some(partner) => {
                        let cap = self
                            .forum(partner)
                            .map_or(1, |p| p.policy.max_open_crisis_per_moderator);
                        let theirs = self.candidates(partner, now, &open)?;
                        routing::pick(&theirs, crisis, cap, &told(escalation, partner))
                            .map(|c| (partner.clone(), c.moderator_id.clone()))
                    }
                    None => None,
                },
                Tier::Unspecified => None,
            };
            if let Some((to_forum, to_moderator)) = chosen {
                if tier != Tier::Moderator {
                    self.record(
                        change,
                        escalation,
                        C::Reescalated(v1::escalation_change::Reescalated {
                            tier: tier as i32,
                            reason: if from == Tier::Moderator {
                                "none of the forum's own moderators is available".into()
                            } else {
                                format!(
                                    "not acknowledged within {} minutes",
                                    self.ack_ms(escalation) / 60_000
                                )
                            },
                        }),
                    )?;
                    self.metrics
                        .reescalated(&forum, severity_name(escalation.severity));
                }
                escalation.covered_by_partner |= tier == Tier::Partner;
                self.assign(change, escalation, &to_forum, &to_moderator, tier, now)?;
                return Ok(own_available);
            }
        }
        if from == Tier::Partner && !escalation.notified.is_empty() {
            // The whole chain has been told and nobody has acknowledged:
            // keep at it, telling everyone available who was told before.
            let again: Vec<ModeratorRef> = escalation
                .notified
                .iter()
                .filter(|m| self.available(&m.forum_id, now).contains(&m.moderator_id))
                .cloned()
                .collect();
            if !again.is_empty() {
                self.record(
                    change,
                    escalation,
                    C::Reescalated(v1::escalation_change::Reescalated {
                        tier: Tier::Partner as i32,
                        reason: "still not acknowledged: telling everyone available again".into(),
                    }),
                )?;
                self.metrics
                    .reescalated(&forum, severity_name(escalation.severity));
                for m in again {
                    self.store.notify(
                        change,
                        &m.forum_id,
                        &m.moderator_id,
                        self.notice(escalation, NoticeKind::Assigned),
                    )?;
                }
                return Ok(own_available);
            }
        }
        self.record(
            change,
            escalation,
            C::Uncovered(v1::escalation_change::Uncovered {
                reason: match &policy.partner_forum {
                    Some(p) => format!(
                        "nobody of {forum:?} or its partner {p:?} is on shift and connected"
                    ),
                    None => format!(
                        "nobody of {forum:?} is on shift and connected, and it has no partner team"
                    ),
                },
            }),
        )?;
        self.metrics
            .uncovered(&forum, severity_name(escalation.severity));
        Ok(own_available)
    }

    fn assign(
        &self,
        change: &mut Change,
        escalation: &mut Escalation,
        forum: &str,
        moderator: &str,
        tier: Tier,
        now: SystemTime,
    ) -> Result<(), DeskError> {
        let who = ModeratorRef {
            forum_id: forum.to_owned(),
            moderator_id: moderator.to_owned(),
        };
        escalation.assignee = Some(who.clone());
        escalation.tier = tier as i32;
        if !escalation.notified.contains(&who) {
            escalation.notified.push(who.clone());
        }
        if escalation.state == EscalationState::Open as i32 {
            escalation.state = EscalationState::Notified as i32;
        }
        self.record(
            change,
            escalation,
            C::Notified(v1::escalation_change::Notified {
                moderator: Some(who),
                tier: tier as i32,
            }),
        )?;
        self.store
            .set_last_assigned(change, forum, moderator, ms(now));
        self.store.notify(
            change,
            forum,
            moderator,
            self.notice(escalation, NoticeKind::Assigned),
        )?;
        Ok(())
    }

    fn ack_ms(&self, escalation: &Escalation) -> i64 {
        let policy = self
            .forum(&escalation.forum_id)
            .map(|f| f.policy.clone())
            .unwrap_or_default();
        let minutes = if escalation.severity == Severity::Crisis as i32 {
            policy.crisis_ack_minutes
        } else {
            policy.high_ack_minutes
        };
        minutes as i64 * 60_000
    }

    fn set_deadline(&self, change: &mut Change, escalation: &mut Escalation, now: SystemTime) {
        self.clear_deadline(change, escalation);
        let due = ms(now) + self.ack_ms(escalation);
        escalation.ack_deadline = Some(convert::timestamp(at_ms(due)));
        self.store
            .set_deadline(change, due, &escalation.escalation_id);
    }

    fn clear_deadline(&self, change: &mut Change, escalation: &mut Escalation) {
        if let Some(due) = ts_ms(&escalation.ack_deadline) {
            self.store
                .clear_deadline(change, due, &escalation.escalation_id);
        }
        escalation.ack_deadline = None;
    }

    /// Re-escalates every escalation whose acknowledgement deadline has
    /// passed. Returns how many it moved.
    pub async fn check_deadlines(&self) -> Result<usize, DeskError> {
        let _one = self.one_at_a_time.lock().await;
        let now = self.clock.now();
        let mut change = Change::default();
        let mut moved = 0;
        for (due, id) in self.store.due(ms(now))? {
            self.store.clear_deadline(&mut change, due, &id);
            let Some(mut escalation) = self.store.escalation(&id)? else {
                continue;
            };
            if ts_ms(&escalation.ack_deadline) != Some(due)
                || escalation.state == EscalationState::Acknowledged as i32
                || escalation.state == EscalationState::Resolved as i32
            {
                continue; // a stale deadline
            }
            let next = match Tier::try_from(escalation.tier) {
                _ if escalation.notified.is_empty() => Tier::Moderator,
                Ok(Tier::Moderator) => Tier::NextModerator,
                Ok(Tier::NextModerator) => Tier::ShiftLead,
                _ => Tier::Partner,
            };
            self.route(&mut change, &mut escalation, next, now)?;
            self.set_deadline(&mut change, &mut escalation, now);
            self.store.put_escalation(&mut change, &escalation);
            moved += 1;
        }
        if moved > 0 || change.outbox > 0 {
            self.commit(change).await?;
        }
        Ok(moved)
    }

    // ---- moderators ----------------------------------------------------

    fn load_visible(&self, who: &Moderator, id: &str) -> Result<Escalation, DeskError> {
        let escalation = self
            .store
            .escalation(id)?
            .ok_or_else(|| DeskError::NotFound(id.to_owned()))?;
        if !self.can_see(who, &escalation) {
            return Err(DeskError::PermissionDenied(format!(
                "escalation {id:?} belongs to another forum"
            )));
        }
        Ok(escalation)
    }

    fn me(who: &Moderator) -> ModeratorRef {
        ModeratorRef {
            forum_id: who.forum_id.clone(),
            moderator_id: who.moderator_id.clone(),
        }
    }

    pub fn get(&self, who: &Moderator, id: &str) -> Result<Escalation, DeskError> {
        self.load_visible(who, id)
    }

    /// Open escalations `who` may see, oldest first.
    pub fn list_open(&self, who: &Moderator) -> Result<Vec<Escalation>, DeskError> {
        let mut open: Vec<Escalation> = self
            .store
            .open_escalations()?
            .into_iter()
            .filter(|e| self.can_see(who, e))
            .collect();
        open.sort_by_key(|e| (ts_ms(&e.opened_at), e.escalation_id.clone()));
        Ok(open)
    }

    pub async fn acknowledge(&self, who: &Moderator, id: &str) -> Result<Escalation, DeskError> {
        let _one = self.one_at_a_time.lock().await;
        let mut escalation = self.load_visible(who, id)?;
        if escalation.state == EscalationState::Resolved as i32 {
            return Err(DeskError::FailedPrecondition(format!(
                "escalation {id:?} is resolved already"
            )));
        }
        if escalation.state == EscalationState::Acknowledged as i32 {
            return Ok(escalation); // acknowledging twice changes nothing
        }
        let mut change = Change::default();
        self.acknowledge_in(&mut change, &mut escalation, who)?;
        self.store_and_tell(change, &escalation).await?;
        Ok(escalation)
    }

    fn acknowledge_in(
        &self,
        change: &mut Change,
        escalation: &mut Escalation,
        who: &Moderator,
    ) -> Result<(), DeskError> {
        let waited = self.now_ms() - ts_ms(&escalation.opened_at).unwrap_or(0);
        escalation.state = EscalationState::Acknowledged as i32;
        escalation.assignee = Some(Self::me(who));
        if !escalation.notified.contains(&Self::me(who)) {
            escalation.notified.push(Self::me(who));
        }
        self.clear_deadline(change, escalation);
        self.record(
            change,
            escalation,
            C::Acknowledged(v1::escalation_change::Acknowledged {
                moderator: Some(Self::me(who)),
                time_to_acknowledge_ms: waited.max(0),
            }),
        )?;
        self.metrics.acknowledged(
            &escalation.forum_id,
            severity_name(escalation.severity),
            waited.max(0),
        );
        Ok(())
    }

    pub async fn resolve(
        &self,
        who: &Moderator,
        id: &str,
        outcome: i32,
        note: &str,
    ) -> Result<Escalation, DeskError> {
        let outcome = match Outcome::try_from(outcome) {
            Ok(Outcome::Unspecified) | Err(_) => {
                return Err(invalid(
                    "outcome",
                    "required: contacted member, signposted, emergency services, no risk on review, or other (with a note)",
                ));
            }
            Ok(o) => o,
        };
        check_note(note, outcome == Outcome::Other)?;
        let _one = self.one_at_a_time.lock().await;
        let mut escalation = self.load_visible(who, id)?;
        if escalation.state == EscalationState::Resolved as i32 {
            return Err(DeskError::FailedPrecondition(format!(
                "escalation {id:?} is resolved already"
            )));
        }
        let mut change = Change::default();
        if escalation.state != EscalationState::Acknowledged as i32 {
            self.acknowledge_in(&mut change, &mut escalation, who)?;
        }
        escalation.state = EscalationState::Resolved as i32;
        escalation.outcome = outcome as i32;
        self.clear_deadline(&mut change, &mut escalation);
        self.record(
            &mut change,
            &mut escalation,
            C::Resolved(v1::escalation_change::Resolved {
                moderator: Some(Self::me(who)),
                outcome: outcome as i32,
                note: note.to_owned(),
            }),
        )?;
        self.store_and_tell(change, &escalation).await?;
        Ok(escalation)
    }

    pub async fn add_note(
        &self,
        who: &Moderator,
        id: &str,
        note: &str,
    ) -> Result<Escalation, DeskError> {
        check_note(note, true)?;
        let _one = self.one_at_a_time.lock().await;
        let mut escalation = self.load_visible(who, id)?;
        let mut change = Change::default();
        self.record(
            &mut change,
            &mut escalation,
            C::NoteAdded(v1::escalation_change::NoteAdded {
                moderator: Some(Self::me(who)),
                note: note.to_owned(),
            }),
        )?;
        self.store_and_tell(change, &escalation).await?;
        Ok(escalation)
    }

    pub async fn hand_over(
        &self,
        who: &Moderator,
        id: &str,
        to_forum: &str,
        to_moderator: &str,
        note: &str,
    ) -> Result<Escalation, DeskError> {
        check_note(note, false)?;
        let to_forum = if to_forum.is_empty() {
            who.forum_id.as_str()
        } else {
            to_forum
        };
        let _one = self.one_at_a_time.lock().await;
        let mut escalation = self.load_visible(who, id)?;
        if escalation.state == EscalationState::Resolved as i32 {
            return Err(DeskError::FailedPrecondition(format!(
                "escalation {id:?} is resolved already"
            )));
        }
        let allowed_forum = to_forum == escalation.forum_id
            || self.partner_of(&escalation.forum_id) == Some(to_forum);
        let known = self
            .forum(to_forum)
            .is_some_and(|f| f.moderators.iter().any(|m| m == to_moderator));
        if !allowed_forum || !known {
            return Err(invalid(
                "to_moderator_id",
                format!(
                    "{to_moderator:?} is not a moderator of {:?} or of its partner team",
                    escalation.forum_id
                ),
            ));
        }
        let to = ModeratorRef {
            forum_id: to_forum.to_owned(),
            moderator_id: to_moderator.to_owned(),
        };
        if escalation.assignee.as_ref() == Some(&to) {
            return Err(DeskError::FailedPrecondition(format!(
                "{to_moderator:?} has this escalation already"
            )));
        }
        let now = self.clock.now();
        let mut change = Change::default();
        let from = escalation.assignee.clone().unwrap_or_else(|| Self::me(who));
        self.record(
            &mut change,
            &mut escalation,
            C::HandedOver(v1::escalation_change::HandedOver {
                from: Some(from),
                to: Some(to.clone()),
                note: note.to_owned(),
            }),
        )?;
        escalation.assignee = Some(to.clone());
        if !escalation.notified.contains(&to) {
            escalation.notified.push(to.clone());
        }
        escalation.covered_by_partner |= to.forum_id != escalation.forum_id;
        if escalation.state != EscalationState::Acknowledged as i32 {
            // The new holder gets a full deadline of their own.
            escalation.state = EscalationState::Notified as i32;
            self.set_deadline(&mut change, &mut escalation, now);
        }
        self.store
            .set_last_assigned(&mut change, &to.forum_id, &to.moderator_id, ms(now));
        self.store.notify(
            &mut change,
            &to.forum_id,
            &to.moderator_id,
            self.notice(&escalation, NoticeKind::Assigned),
        )?;
        let others: Vec<ModeratorRef> = escalation
            .notified
            .iter()
            .filter(|m| **m != to)
            .cloned()
            .collect();
        for m in others {
            self.store.notify(
                &mut change,
                &m.forum_id,
                &m.moderator_id,
                self.notice(&escalation, NoticeKind::Updated),
            )?;
        }
        self.store.put_escalation(&mut change, &escalation);
        self.commit(change).await?;
        Ok(escalation)
    }

    /// A moderator's console connected. While the returned guard lives they
    /// count as connected; escalations nobody could be told about are routed
    /// at once if they are on shift.
    pub async fn connect(self: &Arc<Self>, who: &Moderator) -> Result<Presence, DeskError> {
        *self
            .presence
            .lock()
            .expect("presence lock")
            .entry(who.clone())
            .or_default() += 1;
        let guard = Presence {
            desk: self.clone(),
            who: who.clone(),
        };
        let _one = self.one_at_a_time.lock().await;
        let now = self.clock.now();
        let mut change = Change::default();
        for mut escalation in self.store.open_escalations()? {
            let waiting = escalation.state == EscalationState::Open as i32
                && (escalation.forum_id == who.forum_id
                    || self.partner_of(&escalation.forum_id) == Some(who.forum_id.as_str()));
            if waiting {
                self.route(&mut change, &mut escalation, Tier::Moderator, now)?;
                if escalation.state == EscalationState::Notified as i32 {
                    self.set_deadline(&mut change, &mut escalation, now);
                    self.store.put_escalation(&mut change, &escalation);
                }
            }
        }
        if change.outbox > 0 {
            self.commit(change).await?;
        }
        Ok(guard)
    }

    pub fn notices_after(
        &self,
        who: &Moderator,
        after: u64,
    ) -> Result<Vec<EscalationNotice>, DeskError> {
        Ok(self
            .store
            .notices_after(&who.forum_id, &who.moderator_id, after)?)
    }

    pub fn subscribe_notices(&self) -> broadcast::Receiver<(String, String, EscalationNotice)> {
        self.notices.subscribe()
    }

    pub fn actions_after(&self, forum: &str, after: u64) -> Result<Vec<ForumAction>, DeskError> {
        Ok(self.store.actions_after(forum, after)?)
    }

    pub fn subscribe_actions(&self) -> broadcast::Receiver<ForumAction> {
        self.actions.subscribe()
    }

    // ---- rosters -------------------------------------------------------

    pub fn roster(&self, forum: &str) -> Option<Roster> {
        self.rosters
            .read()
            .expect("roster lock")
            .get(forum)
            .cloned()
    }

    pub fn moderators(&self, forum: &str) -> Vec<String> {
        self.forum(forum)
            .map(|f| f.moderators.clone())
            .unwrap_or_default()
    }

    /// Replaces a forum's roster on behalf of `changed_by` (an admin key's
    /// name), and records the change on the rosters topic in the same batch:
    /// the audit trail, and how the dashboard learns the new cover.
    pub async fn put_roster(&self, roster: Roster, changed_by: &str) -> Result<(), DeskError> {
        let _one = self.one_at_a_time.lock().await;
        let proto = roster.to_proto();
        let mut change = Change::default();
        self.store.put_roster(&mut change, &proto);
        let changed = RosterChanged {
            change_id: Uuid::now_v7().to_string(),
            at: Some(convert::timestamp(self.clock.now())),
            forum_id: proto.forum_id.clone(),
            changed_by: changed_by.to_owned(),
            roster: Some(proto.clone()),
        };
        self.store.queue(
            &mut change,
            OutboxRecord {
                topic: ROSTERS.to_owned(),
                key: proto.forum_id.clone(),
                payload: changed.encode_to_vec(),
                headers: vec!["modstream-change-id".into(), changed.change_id.clone()],
            },
        )?;
        self.commit(change).await?;
        self.rosters
            .write()
            .expect("roster lock")
            .insert(proto.forum_id.clone(), roster);
        Ok(())
    }

    pub fn partner(&self, forum: &str) -> Option<String> {
        self.partner_of(forum).map(str::to_owned)
    }

    // ---- retention -----------------------------------------------------

    /// Purges what members wrote once it is no longer needed: cached posts
    /// older than the cache's retention, and the post texts of escalations
    /// resolved longer ago than their retention, with the moderators'
    /// notices about them. The escalation itself (ids, times, severity,
    /// outcome, timeline) stays for audit.
    pub async fn purge_expired(&self) -> Result<Purged, DeskError> {
        let now = ms(self.clock.now());
        let day_ms = 24 * 3600 * 1000;
        let cached_posts = self
            .store
            .purge_cached_posts(now - self.retention.post_cache_days as i64 * day_ms)?;
        let keep_resolved_ms = self.retention.resolved_retention_days as i64 * day_ms;
        let mut expired = std::collections::HashSet::new();
        for escalation in self.store.resolved_escalations()? {
            let resolved_at = escalation
                .timeline
                .iter()
                .rev()
                .find(|c| matches!(c.change, Some(C::Resolved(_))))
                .and_then(|c| ts_ms(&c.at));
            let has_text = escalation
                .evidence
                .iter()
                .any(|e| !e.text.is_empty() || !e.report_note.is_empty());
            if let Some(at) = resolved_at
                && at + keep_resolved_ms <= now
                && has_text
            {
                expired.insert(escalation.escalation_id.clone());
            }
        }
        for id in &expired {
            // One at a time with the desk, so no concurrent change writes the
            // texts back.
            let _one = self.one_at_a_time.lock().await;
            let Some(mut escalation) = self.store.escalation(id)? else {
                continue;
            };
            for evidence in &mut escalation.evidence {
                evidence.text.clear();
                evidence.report_note.clear();
            }
            let mut change = Change::default();
            self.store.put_escalation(&mut change, &escalation);
            self.store.commit(&mut change).await?;
        }
        let notices = self.store.purge_notices(&expired)?;
        self.store.flush().await?;
        Ok(Purged {
            cached_posts,
            escalation_texts: expired.len(),
            notices,
        })
    }

    // ---- erasure -------------------------------------------------------

    /// A forum erased a member (`MemberErased`): removes what `pseudonym`
    /// wrote from everything the desk keeps, in one change:
    /// - cached posts by them are deleted;
    /// - in every escalation of the forum, open or resolved, their evidence
    ///   texts, report notes and matched words become [`ERASED_TEXT`] and
    ///   their pseudonym [`ERASED_AUTHOR`] ([`scrub`]). An open escalation
    ///   stays open and routed: someone may still be at risk, and the
    ///   moderators still have the thread and post ids. Those who were told
    ///   get an `UPDATED` notice, so their consoles drop the text too;
    /// - every stored notice's copy of such an escalation is scrubbed the
    ///   same way (same sequence number).
    ///
    /// The pseudonym is remembered (`z/`), so a post by it that arrives later
    /// is not kept either. Idempotent: a replay finds nothing left to change
    /// and tells nobody.
    pub async fn erase_member(&self, forum: &str, pseudonym: &str) -> Result<Erased, DeskError> {
        if pseudonym.is_empty() {
            return Ok(Erased::default());
        }
        let _one = self.one_at_a_time.lock().await;
        let mut change = Change::default();
        self.store.mark_erased(&mut change, forum, pseudonym);
        let cached_posts = self
            .store
            .erase_cached_posts(&mut change, forum, pseudonym)?;
        // Stored notices first: the UPDATED notices below are added to the
        // same change and are already scrubbed.
        let notices = self
            .store
            .scrub_notices(&mut change, forum, |e| scrub(e, pseudonym))?;
        let mut escalations = 0;
        for mut escalation in self.store.forum_escalations(forum)? {
            if !scrub(&mut escalation, pseudonym) {
                continue;
            }
            escalations += 1;
            if escalation.state != EscalationState::Resolved as i32 {
                self.notify_all(&mut change, &escalation, NoticeKind::Updated)?;
            }
            self.store.put_escalation(&mut change, &escalation);
        }
        self.commit(change).await?;
        tracing::info!(forum_id = %forum, cached_posts, escalations, notices, "member erased");
        Ok(Erased {
            cached_posts,
            escalations,
            notices,
        })
    }

    // ---- status, for metrics -------------------------------------------

    /// Each forum's open escalations and cover now, for the gauges.
    pub fn status(&self) -> Result<Vec<ForumStatus>, DeskError> {
        let now = self.clock.now();
        let mut by_forum: HashMap<&str, ForumStatus> = self
            .forums
            .keys()
            .map(|id| {
                let next_gap = match self.roster(id) {
                    Some(roster) => roster
                        .next_gap(now, COVER_LOOKAHEAD)
                        .map(|(start, _)| start.duration_since(now).unwrap_or_default()),
                    // No roster: nobody is ever on shift.
                    None => Some(Duration::ZERO),
                };
                (
                    id.as_str(),
                    ForumStatus {
                        forum_id: id.clone(),
                        next_gap,
                        ..ForumStatus::default()
                    },
                )
            })
            .collect();
        for escalation in self.store.open_escalations()? {
            let Some(status) = by_forum.get_mut(escalation.forum_id.as_str()) else {
                continue;
            };
            let severity = severity_name(escalation.severity);
            let state = match EscalationState::try_from(escalation.state) {
                Ok(EscalationState::Open) => "open",
                Ok(EscalationState::Notified) => "notified",
                Ok(EscalationState::Acknowledged) => "acknowledged",
                _ => continue,
            };
            *status.open.entry((severity, state)).or_default() += 1;
            if state == "acknowledged" {
                continue;
            }
            let opened = ts_ms(&escalation.opened_at).unwrap_or(ms(now));
            if opened + self.ack_ms(&escalation) <= ms(now) {
                *status.overdue.entry(severity).or_default() += 1;
            }
            if state == "open" || escalation.assignee.is_none() {
                status.uncovered += 1;
            }
        }
        let mut out: Vec<ForumStatus> = by_forum.into_values().collect();
        out.sort_by(|a, b| a.forum_id.cmp(&b.forum_id));
        Ok(out)
    }

    // ---- plumbing ------------------------------------------------------

    /// Appends a change to the timeline and queues it for the escalations
    /// topic.
    fn record(
        &self,
        change: &mut Change,
        escalation: &mut Escalation,
        what: C,
    ) -> Result<(), DeskError> {
        let step = EscalationChange {
            change_id: Uuid::now_v7().to_string(),
            at: Some(convert::timestamp(self.clock.now())),
            change: Some(what),
        };
        escalation.timeline.push(step.clone());
        let event = EscalationEvent {
            escalation_id: escalation.escalation_id.clone(),
            forum_id: escalation.forum_id.clone(),
            severity: escalation.severity,
            change: Some(step.clone()),
            state: escalation.state,
            thread_id: escalation.thread_id.clone(),
            board_id: escalation.board_id.clone(),
            opened_at: escalation.opened_at,
        };
        self.store.queue(
            change,
            OutboxRecord {
                topic: ESCALATIONS.to_owned(),
                key: format!("{}/{}", escalation.forum_id, escalation.escalation_id),
                payload: event.encode_to_vec(),
                headers: vec!["modstream-change-id".into(), step.change_id],
            },
        )?;
        Ok(())
    }

    /// A notice to a moderator about `escalation` (its sequence is set when
    /// it is stored).
    fn notice(&self, escalation: &Escalation, kind: NoticeKind) -> EscalationNotice {
        EscalationNotice {
            sequence: 0,
            kind: kind as i32,
            escalation: Some(escalation.clone()),
        }
    }

    /// Tells everyone who was told about `escalation` that it changed,
    /// stores it, and commits the change.
    async fn store_and_tell(
        &self,
        mut change: Change,
        escalation: &Escalation,
    ) -> Result<(), DeskError> {
        self.notify_all(&mut change, escalation, NoticeKind::Updated)?;
        self.store.put_escalation(&mut change, escalation);
        self.commit(change).await
    }

    fn notify_all(
        &self,
        change: &mut Change,
        escalation: &Escalation,
        kind: NoticeKind,
    ) -> Result<(), DeskError> {
        for m in &escalation.notified {
            self.store.notify(
                change,
                &m.forum_id,
                &m.moderator_id,
                self.notice(escalation, kind),
            )?;
        }
        Ok(())
    }

    fn crisis_resources(
        &self,
        change: &mut Change,
        escalation: &Escalation,
    ) -> Result<(), DeskError> {
        let resources = self
            .forum(&escalation.forum_id)
            .map(|f| f.policy.crisis_resources.clone())
            .unwrap_or_default();
        self.add_action(
            change,
            &escalation.forum_id,
            &escalation.thread_id,
            &escalation.post_id,
            &format!("{}/crisis-resources", escalation.escalation_id),
            forum_action::Action::ShowCrisisResources(forum_action::ShowCrisisResources {
                resources,
                escalation_id: escalation.escalation_id.clone(),
            }),
        )
    }

    fn add_action(
        &self,
        change: &mut Change,
        forum: &str,
        thread: &str,
        post: &str,
        name: &str,
        action: forum_action::Action,
    ) -> Result<(), DeskError> {
        let action = ForumAction {
            sequence: 0,
            action_id: Uuid::new_v5(&ID_NAMESPACE, name.as_bytes()).to_string(),
            forum_id: forum.to_owned(),
            thread_id: thread.to_owned(),
            post_id: post.to_owned(),
            at: Some(convert::timestamp(self.clock.now())),
            action: Some(action),
        };
        self.store.queue(
            change,
            OutboxRecord {
                topic: FORUM_ACTIONS.to_owned(),
                key: format!("{forum}/{thread}"),
                payload: action.encode_to_vec(),
                headers: vec!["modstream-action-id".into(), action.action_id.clone()],
            },
        )?;
        self.store.add_action(change, action)?;
        Ok(())
    }

    /// Stores a change, then tells the consoles, the forums and the outbox.
    async fn commit(&self, mut change: Change) -> Result<(), DeskError> {
        self.store.commit(&mut change).await?;
        for notice in change.notices {
            let _ = self.notices.send(notice);
        }
        for action in change.actions {
            let _ = self.actions.send(action);
        }
        if change.outbox > 0 {
            self.outbox_ready.notify_one();
        }
        Ok(())
    }
}

fn check_note(note: &str, required: bool) -> Result<(), DeskError> {
    if required && note.trim().is_empty() {
        return Err(invalid("note", "required and must not be blank"));
    }
    if note.len() > MAX_NOTE_BYTES {
        return Err(invalid(
            "note",
            format!("{} bytes; at most {MAX_NOTE_BYTES}", note.len()),
        ));
    }
    Ok(())
}

/// A connected console. Dropping it disconnects the moderator.
pub struct Presence {
    desk: Arc<Desk>,
    who: Moderator,
}

impl std::fmt::Debug for Presence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Presence").field(&self.who).finish()
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        let mut presence = self.desk.presence.lock().expect("presence lock");
        if let Some(n) = presence.get_mut(&self.who) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                presence.remove(&self.who);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The lifecycle on a manual clock: no servers, no sleeps.

    use std::time::{Duration, UNIX_EPOCH};

    use modstream_clock::{Clock as _, ManualClock};
    use modstream_config::{ForumConfig, ModeratorConfig, RosterConfig, ShiftConfig};
    use modstream_proto::v1::{MemberReport, PostCreated, ReplyCreated};

    use super::*;

    // Monday 2026-11-23 12:00 UTC (noon in London, GMT).
    const NOON_MONDAY: u64 = 1_795_435_200;

    fn moderators(ids: &[&str]) -> Vec<ModeratorConfig> {
        ids.iter()
            .map(|id| ModeratorConfig {
                id: (*id).into(),
                name: String::new(),
                token_sha256: vec![modstream_config::api_key_hash(id)],
            })
            .collect()
    }

    fn shift(days: &str, start: &str, end: &str, who: &[&str], lead: Option<&str>) -> ShiftConfig {
        ShiftConfig {
            days: vec![days.into()],
            start: start.into(),
            end: end.into(),
            moderators: who.iter().map(|m| (*m).into()).collect(),
            lead: lead.map(Into::into),
        }
    }

    /// "a": ana, ben, cai around the clock, cai leads; "b": dee on weekday
    /// daytimes only, partner "a"; "c": nobody, no partner.
    fn config(dir: &std::path::Path) -> Config {
        let forum = |id: &str| ForumConfig {
            id: id.into(),
            api_key_sha256: vec![modstream_config::api_key_hash(id)],
            pseudonym_secret: Some("ab".repeat(32)),
            ..Default::default()
        };
        let mut a = forum("a");
        a.moderators = moderators(&["ana", "ben", "cai"]);
        a.roster = Some(RosterConfig {
            time_zone: "Europe/London".into(),
            shifts: vec![shift(
                "daily",
                "00:00",
                "24:00",
                &["ana", "ben", "cai"],
                Some("cai"),
            )],
            overrides: Vec::new(),
        });
        let mut b = forum("b");
        b.moderators = moderators(&["dee"]);
        b.safeguarding.partner_forum = Some("a".into());
        b.roster = Some(RosterConfig {
            time_zone: "Europe/London".into(),
            shifts: vec![
                shift("mon", "09:00", "17:00", &["dee"], Some("dee")),
                shift("tue", "09:00", "17:00", &["dee"], Some("dee")),
            ],
            overrides: Vec::new(),
        });
        let c = forum("c");
        Config {
            data_dir: dir.to_owned(),
            forums: vec![a, b, c],
            ..Config::default()
        }
    }

    struct Fixture {
        dir: tempfile::TempDir,
        clock: Arc<ManualClock>,
        desk: Arc<Desk>,
        start: SystemTime,
    }

    fn who(forum: &str, moderator: &str) -> Moderator {
        Moderator {
            forum_id: forum.into(),
            moderator_id: moderator.into(),
        }
    }

    impl Fixture {
        fn new() -> Self {
            Self::at(UNIX_EPOCH + Duration::from_secs(NOON_MONDAY))
        }

        fn at(start: SystemTime) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let clock = Arc::new(ManualClock::new(start));
            let desk = Self::open_desk(dir.path(), clock.clone());
            Self {
                dir,
                clock,
                desk,
                start,
            }
        }

        fn open_desk(dir: &std::path::Path, clock: Arc<ManualClock>) -> Arc<Desk> {
            let store = Arc::new(Store::open(sled::open(dir.join("state")).unwrap()).unwrap());
            Arc::new(Desk::new(&config(dir), store, clock, Arc::new(Notify::new())).unwrap())
        }

        /// Closes and reopens the state, as after a crash.
        fn restart(self) -> Self {
            let Fixture {
                dir,
                clock,
                desk,
                start,
            } = self;
            drop(desk);
            let desk = Self::open_desk(dir.path(), clock.clone());
            Fixture {
                dir,
                clock,
                desk,
                start,
            }
        }

        fn minutes(&self, m: u64) {
            self.clock.set(self.start + Duration::from_secs(m * 60));
        }

        async fn connect(&self, forum: &str, moderator: &str) -> Presence {
            self.desk.connect(&who(forum, moderator)).await.unwrap()
        }

        async fn post(&self, forum: &str, id: &str, thread: &str, body: &str) {
            self.event(
                forum,
                id,
                Payload::PostCreated(PostCreated {
                    thread_id: thread.into(),
                    board_id: "general".into(),
                    author_pseudonym: "m_writer".into(),
                    body: body.into(),
                    ..Default::default()
                }),
            )
            .await;
        }

        async fn event(&self, forum: &str, id: &str, payload: Payload) {
            let event = v1::Event {
                event_id: format!("ev-{id}"),
                forum_id: forum.into(),
                source_id: id.into(),
                occurred_at: Some(convert::timestamp(self.clock.now())),
                received_at: None,
                payload: Some(payload),
            };
            self.desk.apply_event(&event).await.unwrap();
        }

        fn open(&self) -> Vec<Escalation> {
            self.desk.store().open_escalations().unwrap()
        }

        fn only(&self) -> Escalation {
            let open = self.open();
            assert_eq!(open.len(), 1, "one open escalation");
            open.into_iter().next().unwrap()
        }

        fn only_of(&self, forum: &str) -> Escalation {
            let mut open: Vec<_> = self
                .open()
                .into_iter()
                .filter(|e| e.forum_id == forum)
                .collect();
            assert_eq!(open.len(), 1, "one open escalation of {forum}");
            open.pop().unwrap()
        }

        fn inbox(&self, forum: &str, moderator: &str) -> Vec<EscalationNotice> {
            self.desk.notices_after(&who(forum, moderator), 0).unwrap()
        }

        fn actions(&self, forum: &str) -> Vec<ForumAction> {
            self.desk.actions_after(forum, 0).unwrap()
        }
    }

    const CRISIS: &str = "I've counted out all my tablets and I'm going to take them tonight when everyone is asleep.";
    const HIGH: &str = "I keep thinking about killing myself, every day it gets louder.";

    fn assignee(e: &Escalation) -> String {
        e.assignee
            .as_ref()
            .map(|m| format!("{}/{}", m.forum_id, m.moderator_id))
            .unwrap_or_default()
    }

    fn tiers(e: &Escalation) -> Vec<String> {
        e.timeline
            .iter()
            .filter_map(|c| match &c.change {
                Some(C::Notified(n)) => Some(format!(
                    "{:?}:{}",
                    Tier::try_from(n.tier).unwrap(),
                    n.moderator.as_ref().unwrap().moderator_id
                )),
                Some(C::Uncovered(_)) => Some("uncovered".into()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_test_texts_are_what_they_say() {
        let assessor = Assessor::new();
        assert_eq!(assessor.assess(CRISIS).level, Level::Crisis);
        assert_eq!(assessor.assess(HIGH).level, Level::High);
    }

    #[tokio::test]
    async fn status_counts_open_overdue_and_uncovered_escalations_and_the_next_gap() {
        let f = Fixture::new(); // Monday noon in London
        let _ana = f.connect("a", "ana").await;
        f.post("a", "p1", "t1", CRISIS).await;
        f.post("c", "p2", "t2", HIGH).await; // forum c: nobody at all
        let status = |forum: &str| {
            f.desk
                .status()
                .unwrap()
                .into_iter()
                .find(|s| s.forum_id == forum)
                .unwrap()
        };
        let a = status("a");
        assert_eq!(a.open.get(&("crisis", "notified")), Some(&1));
        assert!(a.overdue.is_empty() && a.uncovered == 0);
        assert_eq!(a.next_gap, None, "covered around the clock");
        let c = status("c");
        assert_eq!(c.open.get(&("high", "open")), Some(&1));
        assert_eq!(c.uncovered, 1);
        assert_eq!(c.next_gap, Some(Duration::ZERO), "no roster: no cover now");
        assert_eq!(
            status("b").next_gap,
            Some(Duration::from_secs(5 * 3600)),
            "dee's shift ends at 17:00"
        );

        // Past the crisis deadline it stays overdue while re-escalated...
        f.minutes(6);
        f.desk.check_deadlines().await.unwrap();
        assert_eq!(status("a").overdue.get("crisis"), Some(&1));
        // ...until someone acknowledges it.
        let id = f.only_of("a").escalation_id;
        let holder = assignee(&f.only_of("a"));
        let (forum, moderator) = holder.split_once('/').unwrap();
        f.desk
            .acknowledge(&who(forum, moderator), &id)
            .await
            .unwrap();
        let a = status("a");
        assert!(a.overdue.is_empty(), "{a:?}");
        assert_eq!(a.open.get(&("crisis", "acknowledged")), Some(&1));
    }

    #[tokio::test]
    async fn what_members_wrote_is_purged_after_its_retention() {
        let f = Fixture::new(); // retention: posts 7 days, resolved 30 days
        let _ana = f.connect("a", "ana").await;
        f.post("a", "p1", "t1", CRISIS).await;
        f.post("a", "p2", "t2", "Lovely walk by the canal today.")
            .await;
        f.post("a", "p3", "t3", HIGH).await;
        let ana = who("a", "ana");
        let first = f
            .open()
            .into_iter()
            .find(|e| e.thread_id == "t1")
            .unwrap()
            .escalation_id;
        f.desk.acknowledge(&ana, &first).await.unwrap();
        f.desk
            .resolve(&ana, &first, Outcome::Signposted as i32, "")
            .await
            .unwrap();

        const DAY: u64 = 24 * 60; // f.minutes sets the time since the start
        f.minutes(6 * DAY);
        assert_eq!(f.desk.purge_expired().await.unwrap(), Purged::default());
        f.minutes(8 * DAY); // the post cache goes
        let purged = f.desk.purge_expired().await.unwrap();
        assert_eq!((purged.cached_posts, purged.escalation_texts), (3, 0));
        assert!(f.desk.store().cached_post("a", "p2").unwrap().is_none());

        f.minutes(31 * DAY); // 30 days after the resolution
        let purged = f.desk.purge_expired().await.unwrap();
        assert_eq!(purged.escalation_texts, 1);
        assert!(purged.notices > 0);
        let resolved = f.desk.store().escalation(&first).unwrap().unwrap();
        assert!(resolved.evidence.iter().all(|e| e.text.is_empty()));
        assert_eq!(
            resolved.outcome,
            Outcome::Signposted as i32,
            "kept for audit"
        );
        assert!(
            f.inbox("a", "ana")
                .iter()
                .all(|n| n.escalation.as_ref().unwrap().escalation_id != first),
            "the notices about it are gone"
        );
        // The open one keeps its text however old.
        let open = f.only();
        assert_eq!(open.thread_id, "t3");
        assert!(!open.evidence[0].text.is_empty());
        assert_eq!(f.desk.purge_expired().await.unwrap(), Purged::default());
    }

    #[tokio::test]
    async fn acknowledged_in_time_nothing_moves() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        f.post("a", "p1", "t1", CRISIS).await;
        let e = f.only();
        assert_eq!(e.state, EscalationState::Notified as i32);
        assert_eq!(e.severity, Severity::Crisis as i32);
        assert_eq!(assignee(&e), "a/ana");
        assert_eq!(f.inbox("a", "ana").len(), 1);
        assert!(!e.evidence[0].reasons.is_empty(), "moderators see why");
        f.minutes(4);
        f.desk
            .acknowledge(&who("a", "ana"), &e.escalation_id)
            .await
            .unwrap();
        f.minutes(60);
        assert_eq!(f.desk.check_deadlines().await.unwrap(), 0);
        let e = f.only();
        assert_eq!(e.state, EscalationState::Acknowledged as i32);
        assert!(e.ack_deadline.is_none());
        let ack = e
            .timeline
            .iter()
            .find_map(|c| match &c.change {
                Some(C::Acknowledged(a)) => Some(a.time_to_acknowledge_ms),
                _ => None,
            })
            .unwrap();
        assert_eq!(ack, 4 * 60_000);
        let resolved = f
            .desk
            .resolve(
                &who("a", "ana"),
                &e.escalation_id,
                Outcome::Signposted as i32,
                "",
            )
            .await
            .unwrap();
        assert_eq!(resolved.state, EscalationState::Resolved as i32);
        assert!(f.open().is_empty());
    }

    #[tokio::test]
    async fn unacknowledged_it_climbs_the_chain_to_the_partner_and_keeps_going() {
        // Forum b on Monday noon: dee on shift; a (partner) has ana, ben, cai.
        let f = Fixture::new();
        let _dee = f.connect("b", "dee").await;
        let _ana = f.connect("a", "ana").await;
        f.post("b", "p1", "t1", CRISIS).await;
        assert_eq!(tiers(&f.only()), ["Moderator:dee"]);
        f.minutes(4);
        assert_eq!(f.desk.check_deadlines().await.unwrap(), 0, "not due yet");
        // 5 minutes (crisis): no other moderator of b, dee is also the lead,
        // so straight to the partner team.
        f.minutes(5);
        assert_eq!(f.desk.check_deadlines().await.unwrap(), 1);
        let e = f.only();
        assert_eq!(tiers(&e), ["Moderator:dee", "Partner:ana"]);
        assert!(e.covered_by_partner);
        assert_eq!(f.inbox("a", "ana").len(), 1, "the partner moderator got it");
        // The partner team may act on it; a forum that is not the partner
        // may not.
        assert!(f.desk.get(&who("a", "ana"), &e.escalation_id).is_ok());
        assert!(matches!(
            f.desk.get(&who("c", "x"), &e.escalation_id),
            Err(DeskError::PermissionDenied(_))
        ));
        // Still nobody: everyone available is told again, every deadline.
        f.minutes(10);
        assert_eq!(f.desk.check_deadlines().await.unwrap(), 1);
        assert_eq!(f.inbox("a", "ana").len(), 2);
        assert_eq!(f.inbox("b", "dee").len(), 2);
        f.desk
            .acknowledge(&who("a", "ana"), &e.escalation_id)
            .await
            .unwrap();
        f.minutes(100);
        assert_eq!(f.desk.check_deadlines().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn next_moderator_then_shift_lead_then_partner() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        let _ben = f.connect("a", "ben").await;
        // cai leads but is not connected: the lead is told all the same.
        f.post("a", "p1", "t1", HIGH).await;
        let first = assignee(&f.only());
        f.minutes(30); // high: 30 minutes
        f.desk.check_deadlines().await.unwrap();
        f.minutes(60);
        f.desk.check_deadlines().await.unwrap();
        let e = f.only();
        let t = tiers(&e);
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(t[0].starts_with("Moderator:") && t[1].starts_with("NextModerator:"));
        assert_ne!(t[0], t[1].replace("NextModerator", "Moderator"));
        assert_eq!(t[2], "ShiftLead:cai");
        assert_eq!(f.inbox("a", "cai").len(), 1, "kept for the lead's console");
        assert!(first == "a/ana" || first == "a/ben");
        // a has no partner: after the lead, everyone told is told again.
        f.minutes(90);
        f.desk.check_deadlines().await.unwrap();
        let e = f.only();
        assert!(
            e.timeline.iter().any(
                |c| matches!(&c.change, Some(C::Reescalated(r)) if r.reason.contains("again"))
            ),
            "keeps at it"
        );
    }

    #[tokio::test]
    async fn out_of_hours_goes_straight_to_the_partner_with_crisis_resources() {
        // Saturday: nobody of b on shift.
        let f = Fixture::at(UNIX_EPOCH + Duration::from_secs(NOON_MONDAY - 2 * 86_400));
        let _dee = f.connect("b", "dee").await; // connected but off shift
        let _ben = f.connect("a", "ben").await;
        f.post("b", "p1", "t1", HIGH).await;
        let e = f.only();
        assert_eq!(tiers(&e), ["Partner:ben"]);
        assert!(e.covered_by_partner);
        let actions = f.actions("b");
        assert!(
            actions.iter().any(|a| matches!(
                &a.action,
                Some(forum_action::Action::ShowCrisisResources(r)) if r.resources.iter().any(|r| r.contains("116 123"))
            )),
            "the author is shown where to get help: {actions:?}"
        );
        assert!(
            f.actions("a").is_empty(),
            "forum a gets none of b's actions"
        );
    }

    /// Forum b's moderator works 09:00-17:00 London time. At 08:30 UTC on a
    /// Monday in winter (08:30 GMT) she is off shift and the partner team
    /// gets the escalation; at 08:30 UTC on the Monday after the clocks go
    /// forward (09:30 BST) she is on shift and gets it herself.
    #[tokio::test]
    async fn routing_follows_the_forums_clock_across_daylight_saving() {
        // Monday 2026-03-23 08:30 UTC and Monday 2026-03-30 08:30 UTC.
        for (start, expected) in [
            (1_774_254_600, "Partner:ana"),
            (1_774_859_400, "Moderator:dee"),
        ] {
            let f = Fixture::at(UNIX_EPOCH + Duration::from_secs(start));
            let _dee = f.connect("b", "dee").await;
            let _ana = f.connect("a", "ana").await;
            f.post("b", "p1", "t1", HIGH).await;
            assert_eq!(tiers(&f.only()), [expected], "at {start}");
        }
    }

    #[tokio::test]
    async fn nobody_at_all_is_an_uncovered_alert_and_the_first_to_connect_gets_it() {
        let f = Fixture::new();
        f.post("a", "p1", "t1", CRISIS).await;
        let e = f.only();
        assert_eq!(e.state, EscalationState::Open as i32);
        assert_eq!(tiers(&e), ["uncovered"]);
        assert_eq!(
            f.actions("a").len(),
            2,
            "crisis resources and content warnings"
        );
        let _ben = f.connect("a", "ben").await;
        let e = f.only();
        assert_eq!(assignee(&e), "a/ben", "routed as soon as someone is there");
        assert_eq!(e.state, EscalationState::Notified as i32);
    }

    #[tokio::test]
    async fn fair_routing_and_the_crisis_cap() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        let _ben = f.connect("a", "ben").await;
        for n in 0..6 {
            f.post("a", &format!("p{n}"), &format!("t{n}"), CRISIS)
                .await;
        }
        let open = f.open();
        let count = |m: &str| open.iter().filter(|e| assignee(e) == m).count();
        assert_eq!((count("a/ana"), count("a/ben")), (3, 3), "shared evenly");
        // Both at the cap of 3 open crisis escalations: the seventh is
        // not piled onto either (a has no partner: uncovered).
        f.post("a", "p6", "t6", CRISIS).await;
        let seventh = f.open().into_iter().find(|e| e.thread_id == "t6").unwrap();
        assert_eq!(assignee(&seventh), "");
        assert_eq!(tiers(&seventh), ["uncovered"]);
        // A high one is not capped.
        f.post("a", "p7", "t7", HIGH).await;
        let high = f.open().into_iter().find(|e| e.thread_id == "t7").unwrap();
        assert!(!assignee(&high).is_empty());
    }

    #[tokio::test]
    async fn evidence_joins_the_thread_and_a_replay_changes_nothing() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        f.post("a", "p1", "t1", HIGH).await;
        let reply = Payload::ReplyCreated(ReplyCreated {
            thread_id: "t1".into(),
            author_pseudonym: "m_writer".into(),
            body: CRISIS.into(),
            ..Default::default()
        });
        f.event("a", "r1", reply.clone()).await;
        let e = f.only();
        assert_eq!(e.evidence.len(), 2);
        assert_eq!(e.severity, Severity::Crisis as i32, "raised to crisis");
        let deadline = ts_ms(&e.ack_deadline).unwrap();
        assert_eq!(
            deadline,
            ms(f.start) + 5 * 60_000,
            "the crisis deadline applies"
        );
        let notices = f.inbox("a", "ana").len();
        // The same events again (a replay after a crash):
        f.post("a", "p1", "t1", HIGH).await;
        f.event("a", "r1", reply).await;
        let again = f.only();
        assert_eq!(again.evidence.len(), 2);
        assert_eq!(again.timeline.len(), e.timeline.len());
        assert_eq!(f.inbox("a", "ana").len(), notices, "no duplicate notice");
    }

    #[tokio::test]
    async fn an_erased_member_s_texts_go_and_their_open_escalation_stays_routed() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        // m_writer's crisis post opens it; m_peer's worrying reply joins it;
        // m_peer also writes a post that escalates nothing (cached only).
        f.post("a", "p1", "t1", CRISIS).await;
        let peer_reply = Payload::ReplyCreated(ReplyCreated {
            thread_id: "t1".into(),
            author_pseudonym: "m_peer".into(),
            body: HIGH.into(),
            ..Default::default()
        });
        f.event("a", "r1", peer_reply).await;
        let before = f.only();
        assert_eq!(before.evidence.len(), 2);
        let notices_before = f.inbox("a", "ana").len();

        let erased = f.desk.erase_member("a", "m_writer").await.unwrap();
        assert_eq!(erased.cached_posts, 1);
        assert_eq!(erased.escalations, 1);
        assert!(erased.notices >= 1, "{erased:?}");

        let after = f.only();
        assert_eq!(after.state, before.state, "still open");
        assert_eq!(after.assignee, before.assignee, "still routed");
        assert_eq!(after.author_pseudonym, ERASED_AUTHOR);
        assert_eq!(after.evidence[0].text, ERASED_TEXT);
        assert_eq!(after.evidence[0].author_pseudonym, ERASED_AUTHOR);
        assert!(
            after.evidence[0]
                .reasons
                .iter()
                .all(|r| r.matched.is_empty())
        );
        assert_eq!(
            after.evidence[1].text, HIGH,
            "the other member's text stays"
        );
        assert_eq!(after.evidence[1].author_pseudonym, "m_peer");
        let inbox = f.inbox("a", "ana");
        assert_eq!(inbox.len(), notices_before + 1, "told once that it changed");
        for notice in &inbox {
            let copy = format!("{:?}", notice.escalation);
            assert!(
                !copy.contains("tablets") && !copy.contains("m_writer"),
                "{copy}"
            );
        }
        assert!(f.desk.store().cached_post("a", "p1").unwrap().is_none());
        assert!(f.desk.store().cached_post("a", "r1").unwrap().is_some());

        // A replay of the erasure changes nothing and tells nobody.
        assert_eq!(
            f.desk.erase_member("a", "m_writer").await.unwrap(),
            Erased::default()
        );
        assert_eq!(f.only(), after);
        assert_eq!(f.inbox("a", "ana").len(), inbox.len());

        // A post by the erased pseudonym arriving late (another partition, a
        // replay) is still escalated, without its text.
        f.post("a", "p9", "t9", CRISIS).await;
        let late = f
            .open()
            .into_iter()
            .find(|e| e.thread_id == "t9")
            .expect("the late post is escalated");
        assert_eq!(late.evidence[0].text, ERASED_TEXT);
        assert_eq!(late.author_pseudonym, ERASED_AUTHOR);
        assert!(f.desk.store().cached_post("a", "p9").unwrap().is_none());
    }

    #[tokio::test]
    async fn a_worried_report_opens_an_escalation_with_the_reported_post() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        f.post(
            "a",
            "p1",
            "t1",
            "Not sure there is much point in anything lately.",
        )
        .await;
        assert!(f.open().is_empty(), "concern alone is not escalated");
        f.event(
            "a",
            "rep1",
            Payload::MemberReport(MemberReport {
                thread_id: "t1".into(),
                post_id: "p1".into(),
                reporter_pseudonym: "m_friend".into(),
                reason: ReportReason::WorriedAboutPerson as i32,
                note: "They messaged me saying goodbye.".into(),
            }),
        )
        .await;
        let e = f.only();
        assert_eq!(e.evidence[0].kind, "report");
        assert!(
            e.evidence[0].text.contains("much point"),
            "the reported post"
        );
        assert_eq!(
            e.evidence[0].report_note,
            "They messaged me saying goodbye."
        );
        assert_eq!(e.author_pseudonym, "m_writer");
    }

    #[tokio::test]
    async fn deadlines_and_notices_survive_a_restart() {
        let f = Fixture::new();
        {
            let _ana = f.connect("a", "ana").await;
            f.post("a", "p1", "t1", CRISIS).await;
        }
        let f = f.restart();
        assert_eq!(f.inbox("a", "ana").len(), 1);
        let ben = f.connect("a", "ben").await;
        f.minutes(5);
        assert_eq!(
            f.desk.check_deadlines().await.unwrap(),
            1,
            "the deadline survived"
        );
        assert_eq!(assignee(&f.only()), "a/ben");
        drop(ben);
        let f = f.restart();
        assert_eq!(
            f.desk.check_deadlines().await.unwrap(),
            0,
            "moved once, not again"
        );
    }

    #[tokio::test]
    async fn moderators_of_other_forums_are_refused() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        f.post("a", "p1", "t1", CRISIS).await;
        let id = f.only().escalation_id;
        let dee = who("b", "dee");
        assert!(matches!(
            f.desk.get(&dee, &id),
            Err(DeskError::PermissionDenied(_))
        ));
        assert!(matches!(
            f.desk.acknowledge(&dee, &id).await,
            Err(DeskError::PermissionDenied(_))
        ));
        assert!(matches!(
            f.desk
                .resolve(&dee, &id, Outcome::Signposted as i32, "")
                .await,
            Err(DeskError::PermissionDenied(_))
        ));
        assert!(f.desk.list_open(&dee).unwrap().is_empty());
        assert_eq!(f.desk.list_open(&who("a", "ben")).unwrap().len(), 1);
    }

    #[tokio::test]
    async fn hand_over_and_resolve_need_the_right_details() {
        let f = Fixture::new();
        let _ana = f.connect("a", "ana").await;
        f.post("a", "p1", "t1", CRISIS).await;
        let id = f.only().escalation_id;
        let ana = who("a", "ana");
        assert!(matches!(
            f.desk.hand_over(&ana, &id, "", "nobody", "").await,
            Err(DeskError::Invalid { .. })
        ));
        let e = f
            .desk
            .hand_over(&ana, &id, "", "ben", "I'm off shift")
            .await
            .unwrap();
        assert_eq!(assignee(&e), "a/ben");
        assert_eq!(f.inbox("a", "ben").len(), 1);
        assert!(matches!(
            f.desk
                .resolve(&ana, &id, Outcome::Unspecified as i32, "")
                .await,
            Err(DeskError::Invalid { .. })
        ));
        assert!(matches!(
            f.desk.resolve(&ana, &id, Outcome::Other as i32, " ").await,
            Err(DeskError::Invalid { .. })
        ));
        f.desk
            .resolve(
                &who("a", "ben"),
                &id,
                Outcome::ContactedMember as i32,
                "spoke to them",
            )
            .await
            .unwrap();
        assert!(matches!(
            f.desk.acknowledge(&ana, &id).await,
            Err(DeskError::FailedPrecondition(_))
        ));
    }

    #[test]
    fn content_warnings_are_suggested_not_applied_twice() {
        let assessor = Assessor::new();
        let text = "I cut myself again last night and I'm down to 41kg.";
        let a = assessor.assess(text);
        let w = suggested_warnings(&a, text, &[]);
        assert!(w.contains(&"eating-disorder numbers".to_owned()), "{w:?}");
        let w = suggested_warnings(&a, text, &["Eating-disorder numbers".into()]);
        assert!(!w.contains(&"eating-disorder numbers".to_owned()));
        let calm = "Made a lovely soup tonight.";
        assert!(suggested_warnings(&assessor.assess(calm), calm, &[]).is_empty());
    }
}

//! What the dashboard keeps of each escalation: where it stands now and the
//! timeline of its changes, built from the escalations topic.
//!
//! The topic's events carry notes, reasons and outcomes that moderators
//! wrote or chose; none of that is kept. A step holds its kind, its time,
//! the tier it went to, the moderator id it concerns (already on the topic,
//! and what operations staff need to follow up) and a severity.

use modstream_proto::convert;
use modstream_proto::v1::escalation_change::Change;
use modstream_proto::v1::{EscalationChange, EscalationEvent, EscalationState, Severity, Tier};
use serde::Serialize;

use crate::view::ms;

/// One escalation as the escalations topic last described it. Stored in
/// sled; fields 1-4 are what the overview has always kept, so summaries
/// written before timelines existed still decode.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct EscalationSummary {
    #[prost(string, tag = "1")]
    pub forum_id: String,
    #[prost(int32, tag = "2")]
    pub severity: i32,
    #[prost(int32, tag = "3")]
    pub state: i32,
    #[prost(int64, tag = "4")]
    pub opened_at_ms: i64,
    #[prost(string, tag = "5")]
    pub thread_id: String,
    #[prost(string, tag = "6")]
    pub board_id: String,
    /// Every change seen, oldest first.
    #[prost(message, repeated, tag = "7")]
    pub timeline: Vec<Step>,
}

/// One change of an escalation, without any text.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Step {
    /// The change's id, so a replayed event is recognised.
    #[prost(string, tag = "1")]
    pub change_id: String,
    /// "opened", "evidence_added", "notified", "acknowledged",
    /// "reescalated", "resolved", "note_added", "handed_over", "uncovered".
    #[prost(string, tag = "2")]
    pub kind: String,
    #[prost(int64, tag = "3")]
    pub at_ms: i64,
    /// For "notified" and "reescalated": the tier it went to.
    #[prost(int32, tag = "4")]
    pub tier: i32,
    /// The moderator told, acknowledging, resolving, noting, or taking it
    /// over ("handed_over": the one it went to).
    #[prost(string, tag = "5")]
    pub moderator_forum: String,
    #[prost(string, tag = "6")]
    pub moderator_id: String,
    /// For "opened" and "evidence_added".
    #[prost(int32, tag = "7")]
    pub severity: i32,
    #[prost(int64, optional, tag = "8")]
    pub time_to_acknowledge_ms: Option<i64>,
}

/// One escalation on the forum page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EscalationRow {
    pub escalation_id: String,
    pub thread_id: String,
    pub board_id: String,
    pub severity: &'static str,
    pub state: &'static str,
    pub opened_at_ms: i64,
    pub acknowledged_at_ms: Option<i64>,
    pub time_to_acknowledge_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
    /// How long it has waited for someone to acknowledge it (while nobody
    /// has).
    pub unacknowledged_for_ms: Option<i64>,
    pub timeline: Vec<TimelineStep>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TimelineStep {
    pub kind: String,
    pub at_ms: i64,
    pub tier: Option<&'static str>,
    pub moderator_forum: Option<String>,
    pub moderator_id: Option<String>,
    pub severity: Option<&'static str>,
    pub time_to_acknowledge_ms: Option<i64>,
}

pub(crate) fn severity_name(severity: i32) -> &'static str {
    match Severity::try_from(severity) {
        Ok(Severity::Crisis) => "crisis",
        Ok(Severity::High) => "high",
        _ => "unspecified",
    }
}

fn state_name(state: i32) -> &'static str {
    match EscalationState::try_from(state) {
        Ok(EscalationState::Open) => "open",
        Ok(EscalationState::Notified) => "notified",
        Ok(EscalationState::Acknowledged) => "acknowledged",
        Ok(EscalationState::Resolved) => "resolved",
        _ => "unspecified",
    }
}

fn tier_name(tier: i32) -> Option<&'static str> {
    match Tier::try_from(tier) {
        Ok(Tier::Moderator) => Some("moderator"),
        Ok(Tier::NextModerator) => Some("next moderator"),
        Ok(Tier::ShiftLead) => Some("shift lead"),
        Ok(Tier::Partner) => Some("partner team"),
        _ => None,
    }
}

/// The step a change makes, keeping no text.
fn step(change: &EscalationChange) -> Option<Step> {
    let mut step = Step {
        change_id: change.change_id.clone(),
        at_ms: change
            .at
            .as_ref()
            .and_then(convert::system_time)
            .map_or(0, ms),
        ..Step::default()
    };
    let mut moderator = |m: &Option<modstream_proto::v1::ModeratorRef>| {
        if let Some(m) = m {
            step.moderator_forum = m.forum_id.clone();
            step.moderator_id = m.moderator_id.clone();
        }
    };
    let (kind, tier, severity, to_ack) = match change.change.as_ref()? {
        Change::Opened(o) => ("opened", 0, o.severity, None),
        Change::EvidenceAdded(e) => ("evidence_added", 0, e.severity, None),
        Change::Notified(n) => {
            moderator(&n.moderator);
            ("notified", n.tier, 0, None)
        }
        Change::Acknowledged(a) => {
            moderator(&a.moderator);
            ("acknowledged", 0, 0, Some(a.time_to_acknowledge_ms))
        }
        Change::Reescalated(r) => ("reescalated", r.tier, 0, None),
        Change::Resolved(r) => {
            moderator(&r.moderator);
            ("resolved", 0, 0, None)
        }
        Change::NoteAdded(n) => {
            moderator(&n.moderator);
            ("note_added", 0, 0, None)
        }
        Change::HandedOver(h) => {
            moderator(&h.to);
            ("handed_over", 0, 0, None)
        }
        Change::Uncovered(_) => ("uncovered", 0, 0, None),
    };
    step.kind = kind.to_owned();
    step.tier = tier;
    step.severity = severity;
    step.time_to_acknowledge_ms = to_ack;
    Some(step)
}

impl EscalationSummary {
    /// Takes in one event about this escalation. A change already in the
    /// timeline (the bus delivers at least once) changes nothing, so a
    /// replayed older event cannot roll the state back. Returns whether
    /// anything changed.
    pub fn merge(&mut self, event: EscalationEvent) -> bool {
        let step = event.change.as_ref().and_then(step);
        if let Some(step) = &step
            && self.timeline.iter().any(|s| s.change_id == step.change_id)
        {
            return false;
        }
        self.forum_id = event.forum_id;
        self.severity = event.severity;
        self.state = event.state;
        self.thread_id = event.thread_id;
        self.board_id = event.board_id;
        self.opened_at_ms = event
            .opened_at
            .as_ref()
            .and_then(convert::system_time)
            .map_or(0, ms);
        if let Some(step) = step {
            // One escalation's changes share a key, so they arrive in order;
            // inserting by time keeps the timeline right even if not.
            let at = self.timeline.partition_point(|s| s.at_ms <= step.at_ms);
            self.timeline.insert(at, step);
        }
        true
    }

    pub fn is_resolved(&self) -> bool {
        self.state == EscalationState::Resolved as i32
    }

    /// Nobody has acknowledged it yet.
    pub fn is_unacknowledged(&self) -> bool {
        self.state == EscalationState::Open as i32 || self.state == EscalationState::Notified as i32
    }

    fn first(&self, kind: &str) -> Option<&Step> {
        self.timeline.iter().find(|s| s.kind == kind)
    }

    pub fn resolved_at_ms(&self) -> Option<i64> {
        self.first("resolved").map(|s| s.at_ms)
    }

    /// How it looks on the forum page at `now_ms`.
    pub fn row(&self, escalation_id: &str, now_ms: i64) -> EscalationRow {
        let acknowledged = self.first("acknowledged");
        let non_empty = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        EscalationRow {
            escalation_id: escalation_id.to_owned(),
            thread_id: self.thread_id.clone(),
            board_id: self.board_id.clone(),
            severity: severity_name(self.severity),
            state: state_name(self.state),
            opened_at_ms: self.opened_at_ms,
            acknowledged_at_ms: acknowledged.map(|s| s.at_ms),
            time_to_acknowledge_ms: acknowledged.map(|s| {
                s.time_to_acknowledge_ms
                    .unwrap_or(s.at_ms - self.opened_at_ms)
            }),
            resolved_at_ms: self.resolved_at_ms(),
            unacknowledged_for_ms: self
                .is_unacknowledged()
                .then(|| (now_ms - self.opened_at_ms).max(0)),
            timeline: self
                .timeline
                .iter()
                .map(|s| TimelineStep {
                    kind: s.kind.clone(),
                    at_ms: s.at_ms,
                    tier: tier_name(s.tier),
                    moderator_forum: non_empty(&s.moderator_forum),
                    moderator_id: non_empty(&s.moderator_id),
                    severity: (s.severity != 0).then(|| severity_name(s.severity)),
                    time_to_acknowledge_ms: s.time_to_acknowledge_ms,
                })
                .collect(),
        }
    }
}

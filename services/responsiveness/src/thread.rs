//! One thread as the responsiveness service sees it, and the definitions it
//! measures by. All times are milliseconds since the Unix epoch, on the
//! forum's clock (`occurred_at`).
//!
//! - The **tracked post** is the thread's opening post. Its clock starts when
//!   it becomes *visible*: when it was created, or, if it was held for
//!   pre-moderation, when a moderator approved it. The wait for approval is
//!   its own measure (time-to-approval).
//! - Its **first reply** is the earliest *visible* reply in the thread by
//!   anyone other than the post's author. A reply held for pre-moderation
//!   becomes visible when approved; a hidden or removed reply is not visible
//!   (so if the first reply is removed, the next visible one counts, or none).
//!   The **first peer reply** is the earliest such reply by a member (not a
//!   moderator or staff).
//! - A post whose author asked for **no replies** is never unanswered.
//! - A post that is **hidden or removed** is not measured at all until it is
//!   restored.
//! - Events may arrive in any order (a reply before its post, a moderation
//!   action before what it acts on) and more than once: the state is a
//!   function of the set of events, not of their order.

use modstream_proto::v1::{
    AuthorRole, ModerationActionKind, PostCreated, ReplyCreated, event::Payload,
};

/// The author of a thread's opening post, and of its own replies, once that
/// member was erased.
pub const ERASED_AUTHOR: &str = "erased";
/// The author of a reply to someone else's post, once that member was erased.
pub const ERASED_OTHER: &str = "erased-other";

/// Everything known about one thread. Stored as one sled value.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Thread {
    #[prost(message, optional, tag = "1")]
    pub post: Option<Post>,
    #[prost(message, repeated, tag = "2")]
    pub replies: Vec<Reply>,
    /// Moderation decisions, kept so one that arrives before its target
    /// still applies when the target arrives.
    #[prost(message, repeated, tag = "3")]
    pub decisions: Vec<Decision>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Post {
    #[prost(string, tag = "1")]
    pub post_id: String,
    #[prost(string, tag = "2")]
    pub board_id: String,
    #[prost(string, tag = "3")]
    pub author: String,
    #[prost(bool, tag = "4")]
    pub first_post_in_forum: bool,
    #[prost(bool, tag = "5")]
    pub no_replies_wanted: bool,
    #[prost(int64, tag = "6")]
    pub created_ms: i64,
    #[prost(bool, tag = "7")]
    pub held_for_premoderation: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Reply {
    #[prost(string, tag = "1")]
    pub reply_id: String,
    #[prost(string, tag = "2")]
    pub author: String,
    #[prost(enumeration = "AuthorRole", tag = "3")]
    pub role: i32,
    #[prost(int64, tag = "4")]
    pub created_ms: i64,
    #[prost(bool, tag = "5")]
    pub held_for_premoderation: bool,
}

/// A moderation action on a post or reply of this thread.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Decision {
    /// The action's own source id, so a repeat is recognised.
    #[prost(string, tag = "1")]
    pub action_id: String,
    #[prost(string, tag = "2")]
    pub target_id: String,
    #[prost(enumeration = "ModerationActionKind", tag = "3")]
    pub kind: i32,
    #[prost(int64, tag = "4")]
    pub at_ms: i64,
}

/// Where a tracked post stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No opening post seen yet (only replies or actions arrived).
    NoPost,
    /// Held in pre-moderation: not visible, its clock has not started.
    AwaitingApproval,
    /// Hidden or removed by a moderator: not measured.
    Withdrawn,
    /// The author asked for no replies: never unanswered.
    NoRepliesWanted,
    /// Visible and waiting for its first reply.
    Unanswered,
    /// Visible and answered.
    Answered,
}

/// The first reply of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstReply {
    pub at_ms: i64,
    pub by_peer: bool,
}

/// Measures of one tracked post, derived from its thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measures {
    pub status: Status,
    /// When the post's clock started (visible since).
    pub visible_ms: Option<i64>,
    /// Time from creation to approval, for pre-moderated posts.
    pub approval_wait_ms: Option<i64>,
    pub first_reply: Option<FirstReply>,
    pub first_peer_reply_ms: Option<i64>,
}

impl Measures {
    /// Time to first reply of any kind, if answered.
    pub fn ttfr_ms(&self) -> Option<i64> {
        Some((self.first_reply?.at_ms - self.visible_ms?).max(0))
    }

    /// Time to first reply by a member, if there was one.
    pub fn ttfr_peer_ms(&self) -> Option<i64> {
        Some((self.first_peer_reply_ms? - self.visible_ms?).max(0))
    }
}

/// The id and event time the thread needs from an event envelope.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub source_id: &'a str,
    pub at_ms: i64,
}

impl Thread {
    /// Applies one forum event. Returns false when it changed nothing (a
    /// repeat, or a kind this service does not use).
    pub fn apply(&mut self, source: Source<'_>, payload: &Payload) -> bool {
        match payload {
            Payload::PostCreated(post) => self.apply_post(source, post),
            Payload::ReplyCreated(reply) => self.apply_reply(source, reply),
            Payload::ModerationAction(action) => {
                let kind = ModerationActionKind::try_from(action.kind).unwrap_or_default();
                let relevant = matches!(
                    kind,
                    ModerationActionKind::Approved
                        | ModerationActionKind::Hidden
                        | ModerationActionKind::Removed
                        | ModerationActionKind::Restored
                );
                if !relevant || action.post_id.is_empty() {
                    return false;
                }
                if self
                    .decisions
                    .iter()
                    .any(|d| d.action_id == source.source_id)
                {
                    return false;
                }
                self.decisions.push(Decision {
                    action_id: source.source_id.to_owned(),
                    target_id: action.post_id.clone(),
                    kind: kind as i32,
                    at_ms: source.at_ms,
                });
                true
            }
            // Erasure changes authors across threads: see `Store::apply`.
            Payload::PostEdited(_) | Payload::MemberReport(_) | Payload::MemberErased(_) => false,
        }
    }

    /// Forgets `pseudonym` as an author in this thread (the member was
    /// erased). The measures only ask "is this reply by the post's author?",
    /// so the pseudonym becomes a fixed marker that keeps that answer:
    /// [`ERASED_AUTHOR`] for the opening post and the author's own replies,
    /// [`ERASED_OTHER`] for replies to someone else's post. The markers are
    /// the same for every erased member, so nothing links threads. Returns
    /// whether anything changed.
    pub fn erase_author(&mut self, pseudonym: &str) -> bool {
        if pseudonym.is_empty() {
            return false;
        }
        let wrote_post = self.post.as_ref().is_some_and(|p| p.author == pseudonym);
        let mut changed = false;
        if let Some(post) = self.post.as_mut().filter(|p| p.author == pseudonym) {
            post.author = ERASED_AUTHOR.to_owned();
            changed = true;
        }
        for reply in self.replies.iter_mut().filter(|r| r.author == pseudonym) {
            reply.author = if wrote_post {
                ERASED_AUTHOR
            } else {
                ERASED_OTHER
            }
            .to_owned();
            changed = true;
        }
        changed
    }

    fn apply_post(&mut self, source: Source<'_>, post: &PostCreated) -> bool {
        if self.post.is_some() {
            return false;
        }
        self.post = Some(Post {
            post_id: source.source_id.to_owned(),
            board_id: post.board_id.clone(),
            author: post.author_pseudonym.clone(),
            first_post_in_forum: post.first_post_in_forum,
            no_replies_wanted: post.no_replies_wanted,
            created_ms: source.at_ms,
            held_for_premoderation: post.held_for_premoderation,
        });
        true
    }

    fn apply_reply(&mut self, source: Source<'_>, reply: &ReplyCreated) -> bool {
        if self.replies.iter().any(|r| r.reply_id == source.source_id) {
            return false;
        }
        self.replies.push(Reply {
            reply_id: source.source_id.to_owned(),
            author: reply.author_pseudonym.clone(),
            role: reply.author_role,
            created_ms: source.at_ms,
            held_for_premoderation: reply.held_for_premoderation,
        });
        true
    }

    /// When `id` (the post or a reply) became visible, given its creation
    /// time and whether it was held: `None` while it is held, hidden or
    /// removed. Decisions apply in time order; the last one wins.
    fn visible_since(&self, id: &str, created_ms: i64, held: bool) -> Option<i64> {
        let mut decisions: Vec<&Decision> = self
            .decisions
            .iter()
            .filter(|d| d.target_id == id)
            .collect();
        decisions.sort_by(|a, b| (a.at_ms, &a.action_id).cmp(&(b.at_ms, &b.action_id)));
        let mut visible = if held { None } else { Some(created_ms) };
        let mut approved_at = None;
        for decision in decisions {
            match ModerationActionKind::try_from(decision.kind).unwrap_or_default() {
                ModerationActionKind::Approved => {
                    approved_at.get_or_insert(decision.at_ms);
                    visible = visible.or(Some(decision.at_ms));
                }
                ModerationActionKind::Hidden | ModerationActionKind::Removed => visible = None,
                // A restored item counts from when it was first visible: its
                // readers saw it then.
                ModerationActionKind::Restored => {
                    visible = Some(if held {
                        approved_at.unwrap_or(decision.at_ms)
                    } else {
                        created_ms
                    })
                }
                _ => {}
            }
        }
        visible
    }

    /// When the opening post was approved, if it was held.
    fn approved_ms(&self, post: &Post) -> Option<i64> {
        self.decisions
            .iter()
            .filter(|d| {
                d.target_id == post.post_id && d.kind == ModerationActionKind::Approved as i32
            })
            .map(|d| d.at_ms)
            .min()
    }

    /// The measures of the thread's opening post.
    pub fn measures(&self) -> Measures {
        let none = |status| Measures {
            status,
            visible_ms: None,
            approval_wait_ms: None,
            first_reply: None,
            first_peer_reply_ms: None,
        };
        let Some(post) = &self.post else {
            return none(Status::NoPost);
        };
        let approval_wait_ms = if post.held_for_premoderation {
            self.approved_ms(post)
                .map(|at| (at - post.created_ms).max(0))
        } else {
            None
        };
        let visible_ms =
            self.visible_since(&post.post_id, post.created_ms, post.held_for_premoderation);
        let Some(visible_ms) = visible_ms else {
            let status = if post.held_for_premoderation && approval_wait_ms.is_none() {
                Status::AwaitingApproval
            } else {
                Status::Withdrawn
            };
            return Measures {
                approval_wait_ms,
                ..none(status)
            };
        };

        let mut first_reply: Option<FirstReply> = None;
        let mut first_peer: Option<i64> = None;
        for reply in self.replies.iter().filter(|r| r.author != post.author) {
            let Some(at_ms) = self.visible_since(
                &reply.reply_id,
                reply.created_ms,
                reply.held_for_premoderation,
            ) else {
                continue;
            };
            let by_peer = reply.role == AuthorRole::Member as i32;
            if first_reply.is_none_or(|f| at_ms < f.at_ms) {
                first_reply = Some(FirstReply { at_ms, by_peer });
            }
            if by_peer && first_peer.is_none_or(|f| at_ms < f) {
                first_peer = Some(at_ms);
            }
        }
        let status = if post.no_replies_wanted {
            Status::NoRepliesWanted
        } else if first_reply.is_some() {
            Status::Answered
        } else {
            Status::Unanswered
        };
        Measures {
            status,
            visible_ms: Some(visible_ms),
            approval_wait_ms,
            first_reply,
            first_peer_reply_ms: first_peer,
        }
    }
}

#[cfg(test)]
mod tests {
    use modstream_proto::v1::{ModerationAction, PostCreated, ReplyCreated};

    use super::*;

    const MIN: i64 = 60_000;

    fn post(thread: &mut Thread, at: i64, f: impl FnOnce(&mut PostCreated)) {
        let mut p = PostCreated {
            thread_id: "t".into(),
            board_id: "b".into(),
            author_pseudonym: "m_author".into(),
            author_role: AuthorRole::Member as i32,
            body: "text".into(),
            ..Default::default()
        };
        f(&mut p);
        thread.apply(
            Source {
                source_id: "p",
                at_ms: at,
            },
            &Payload::PostCreated(p),
        );
    }

    fn reply(thread: &mut Thread, id: &str, at: i64, author: &str, role: AuthorRole) {
        let r = ReplyCreated {
            thread_id: "t".into(),
            in_reply_to: "p".into(),
            author_pseudonym: author.into(),
            author_role: role as i32,
            body: "reply".into(),
            ..Default::default()
        };
        thread.apply(
            Source {
                source_id: id,
                at_ms: at,
            },
            &Payload::ReplyCreated(r),
        );
    }

    fn act(thread: &mut Thread, id: &str, at: i64, target: &str, kind: ModerationActionKind) {
        let a = ModerationAction {
            kind: kind as i32,
            thread_id: "t".into(),
            post_id: target.into(),
            ..Default::default()
        };
        thread.apply(
            Source {
                source_id: id,
                at_ms: at,
            },
            &Payload::ModerationAction(a),
        );
    }

    #[test]
    fn ttfr_runs_from_creation_to_the_first_reply_by_someone_else() {
        let mut t = Thread::default();
        post(&mut t, 0, |_| {});
        assert_eq!(t.measures().status, Status::Unanswered);
        reply(&mut t, "r0", 2 * MIN, "m_author", AuthorRole::Member); // the author's own follow-up
        reply(&mut t, "r1", 10 * MIN, "m_mod", AuthorRole::Moderator);
        reply(&mut t, "r2", 15 * MIN, "m_peer", AuthorRole::Member);
        let m = t.measures();
        assert_eq!(m.status, Status::Answered);
        assert_eq!(m.ttfr_ms(), Some(10 * MIN));
        assert!(!m.first_reply.unwrap().by_peer);
        assert_eq!(m.ttfr_peer_ms(), Some(15 * MIN));
    }

    #[test]
    fn erasing_an_author_keeps_the_measures_and_forgets_the_pseudonym() {
        let mut t = Thread::default();
        post(&mut t, 0, |_| {});
        reply(&mut t, "r0", 2 * MIN, "m_author", AuthorRole::Member);
        reply(&mut t, "r1", 10 * MIN, "m_peer", AuthorRole::Member);
        reply(&mut t, "r2", 12 * MIN, "m_other", AuthorRole::Member);
        let before = t.measures();
        assert!(t.erase_author("m_author"));
        assert!(t.erase_author("m_peer"));
        assert!(
            !t.erase_author("m_peer"),
            "a second erasure changes nothing"
        );
        assert!(!t.erase_author("m_nobody"));
        assert_eq!(t.measures(), before);
        let encoded = format!("{t:?}");
        assert!(!encoded.contains("m_author") && !encoded.contains("m_peer"));
        assert!(encoded.contains("m_other"));
    }

    #[test]
    fn a_premoderated_post_is_timed_from_approval() {
        let mut t = Thread::default();
        post(&mut t, 0, |p| p.held_for_premoderation = true);
        reply(&mut t, "r1", 50 * MIN, "m_peer", AuthorRole::Member);
        assert_eq!(t.measures().status, Status::AwaitingApproval);
        act(&mut t, "a1", 40 * MIN, "p", ModerationActionKind::Approved);
        let m = t.measures();
        assert_eq!(m.visible_ms, Some(40 * MIN));
        assert_eq!(m.approval_wait_ms, Some(40 * MIN));
        assert_eq!(m.ttfr_ms(), Some(10 * MIN));
    }

    #[test]
    fn a_removed_first_reply_falls_back_to_the_next_or_to_unanswered() {
        let mut t = Thread::default();
        post(&mut t, 0, |_| {});
        reply(&mut t, "r1", 5 * MIN, "m_a", AuthorRole::Member);
        reply(&mut t, "r2", 9 * MIN, "m_b", AuthorRole::Member);
        act(&mut t, "a1", 20 * MIN, "r1", ModerationActionKind::Removed);
        assert_eq!(t.measures().ttfr_ms(), Some(9 * MIN));
        act(&mut t, "a2", 21 * MIN, "r2", ModerationActionKind::Hidden);
        assert_eq!(t.measures().status, Status::Unanswered);
        act(&mut t, "a3", 30 * MIN, "r1", ModerationActionKind::Restored);
        assert_eq!(t.measures().ttfr_ms(), Some(5 * MIN));
    }

    #[test]
    fn a_held_reply_counts_from_its_approval() {
        let mut t = Thread::default();
        post(&mut t, 0, |_| {});
        let r = ReplyCreated {
            author_pseudonym: "m_b".into(),
            author_role: AuthorRole::Member as i32,
            held_for_premoderation: true,
            ..Default::default()
        };
        t.apply(
            Source {
                source_id: "r1",
                at_ms: MIN,
            },
            &Payload::ReplyCreated(r),
        );
        assert_eq!(t.measures().status, Status::Unanswered);
        act(&mut t, "a1", 7 * MIN, "r1", ModerationActionKind::Approved);
        assert_eq!(t.measures().ttfr_ms(), Some(7 * MIN));
    }

    #[test]
    fn no_replies_wanted_is_never_unanswered() {
        let mut t = Thread::default();
        post(&mut t, 0, |p| p.no_replies_wanted = true);
        assert_eq!(t.measures().status, Status::NoRepliesWanted);
    }

    #[test]
    fn a_hidden_post_leaves_the_unanswered_set() {
        let mut t = Thread::default();
        post(&mut t, 0, |_| {});
        act(&mut t, "a1", MIN, "p", ModerationActionKind::Hidden);
        assert_eq!(t.measures().status, Status::Withdrawn);
        act(&mut t, "a2", 2 * MIN, "p", ModerationActionKind::Restored);
        assert_eq!(t.measures().status, Status::Unanswered);
        assert_eq!(t.measures().visible_ms, Some(0));
    }

    #[test]
    fn order_of_arrival_and_repeats_do_not_matter() {
        type Step = Box<dyn Fn(&mut Thread)>;
        let events: Vec<Step> = vec![
            Box::new(|t| post(t, 0, |p| p.held_for_premoderation = true)),
            Box::new(|t| act(t, "a1", 3 * MIN, "p", ModerationActionKind::Approved)),
            Box::new(|t| reply(t, "r1", 4 * MIN, "m_a", AuthorRole::Staff)),
            Box::new(|t| reply(t, "r2", 8 * MIN, "m_b", AuthorRole::Member)),
            Box::new(|t| act(t, "a2", 9 * MIN, "r1", ModerationActionKind::Removed)),
        ];
        let mut in_order = Thread::default();
        events.iter().for_each(|e| e(&mut in_order));
        let expected = in_order.measures();
        assert_eq!(expected.ttfr_ms(), Some(5 * MIN));
        // Every rotation, reversed, and with every event twice.
        for shift in 0..events.len() {
            let mut t = Thread::default();
            for i in (0..events.len()).rev() {
                let e = &events[(i + shift) % events.len()];
                e(&mut t);
                e(&mut t);
            }
            assert_eq!(t.measures(), expected, "shift {shift}");
        }
    }
}

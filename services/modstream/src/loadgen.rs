//! `modstream loadgen`: open-loop load through the gateway, with the
//! latencies that matter measured end to end.
//!
//! Requests are scheduled on a fixed timeline (`--rate` events per second,
//! `--batch` events per call) that does not wait for answers, and every
//! latency runs from the time a request was *scheduled*, not sent: a slow
//! gateway therefore shows up as latency instead of quietly lowering the
//! offered load (coordinated omission). When `--concurrency` calls are
//! already in flight, a due call is not sent and its events are counted as
//! dropped (overload of the generator), so the timeline never slips.
//!
//! The traffic is a mix for each forum in `--forums` (one forum per call):
//! about 45% new posts (a tenth from new members) and 5% with replies turned
//! off, 35% replies to earlier posts, 8% moderation actions, 7% member
//! reports (none of the "worried about this person" kind, which would
//! escalate by itself), and a `--crisis-percent` share of crisis posts.
//! Every text is from the templates below; only the crisis ones escalate.
//!
//! Three latencies, in HDR histograms (microsecond precision):
//! - **ack**: scheduled send -> the gateway's answer (one figure per call;
//!   a batch is one call);
//! - **visible**: scheduled send -> the post counted by the responsiveness
//!   service's `GetStats`. One post every `--probe-interval-ms` goes to the
//!   board `loadgen-probe` at a whole millisecond no other probe of its
//!   forum has, and is polled after its ack with a one-millisecond window,
//!   which costs the service almost nothing: every millisecond at first,
//!   then every 5% of its wait so far (so the figure is within 1 ms or 5%);
//! - **escalation**: scheduled send of a crisis post -> its escalation
//!   assigned on a moderator's `StreamEscalations`. Loadgen holds the
//!   streams of `--moderator-token`s (by default every demo moderator) and
//!   resolves each escalation of a loadgen thread at once, so the crisis cap
//!   never holds one back. Deliveries are matched by forum and thread.
//!
//! A run is bounded by `--duration` and `--max-events`, then waits at most
//! `--settle` seconds for outstanding answers, probes and escalations.
//!
//! # JSON (`--json FILE`, schema `modstream.loadgen.v1`)
//!
//! ```text
//! {
//!   "schema": "modstream.loadgen.v1",
//!   "started_at_unix_ms": 1795420800000,
//!   "config": { "gateway", "responsiveness", "safeguarding", "rate",
//!               "duration_s", "max_events", "batch", "concurrency",
//!               "connections", "forums": [ids], "moderators": n,
//!               "crisis_percent", "probe_interval_ms", "settle_s", "seed" },
//!   "load": {
//!     "scheduled_events": n,     // on the timeline
//!     "sent_events": n,          // in calls actually made
//!     "dropped_overload_events": n, // not sent: --concurrency calls in flight
//!     "acknowledged_events": n,  // published (duplicates included)
//!     "duplicate_events": n,
//!     "failed_events": n,
//!     "unanswered_events": n,    // no answer before loadgen gave up
//!     "errors_by_code": { "Unavailable": n, ... }, // gRPC code names
//!     "calls": n,
//!     "by_kind": { "post": n, "reply": n, ... },   // sent events
//!     "offered_events_per_s": f, // --rate
//!     "load_s": f,               // first scheduled call -> last answer
//!     "achieved_events_per_s": f // acknowledged_events / load_s
//!   },
//!   "ack_ms":        { "count", "mean", "p50", "p90", "p99", "p999", "max" },
//!   "visible_ms":    { ...same..., "probes": n, "not_seen": n },
//!   "escalation_ms": { ...same..., "crisis_posts": n, "not_delivered": n,
//!                      "unexpected": n }
//! }
//! ```
//!
//! Percentiles are `null` when nothing was measured. `crisis_posts` counts
//! crisis posts the gateway acknowledged; `unexpected` counts escalations on
//! this run's threads that were not crisis posts (the assessor flagged an
//! ordinary template, or an escalation was assigned twice).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::Args;
use hdrhistogram::Histogram;
use modstream_config::DEMO_FORUMS;
use modstream_proto::convert;
use modstream_proto::v1::{
    AuthorRole, EventHeader, IngestEvent, ListOpenRequest, ModerationActionKind, NewMemberReport,
    NewModerationAction, NewPost, NewReply, NoticeKind, Outcome, PublishBatchRequest,
    PublishMemberReportRequest, PublishModerationActionRequest, PublishPostRequest,
    PublishReplyRequest, ReportReason, ResolveRequest, StatsRequest, StreamEscalationsRequest,
    ingest_client::IngestClient, ingest_event::Kind, item_result,
    moderation_client::ModerationClient, responsiveness_client::ResponsivenessClient,
};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tonic::Request;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::{Channel, Endpoint};

#[derive(Debug, Args)]
pub struct LoadgenArgs {
    /// The gateway's address.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    gateway: String,
    /// The responsiveness service's address (for the visibility probes).
    #[arg(long, default_value = "http://127.0.0.1:50052")]
    responsiveness: String,
    /// The safeguarding service's address (for the moderators' streams).
    #[arg(long, default_value = "http://127.0.0.1:50053")]
    safeguarding: String,
    /// Events per second, on a fixed timeline.
    #[arg(long, default_value_t = 1_000.0)]
    rate: f64,
    /// How long to offer load, in seconds (at most 3600).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Stop after this many events even if --duration has not passed.
    #[arg(long)]
    max_events: Option<u64>,
    /// Events per call: 1 uses the unary RPCs, more uses PublishBatch.
    #[arg(long, default_value_t = 1)]
    batch: usize,
    /// At most this many calls in flight; a call due beyond it is dropped
    /// (and counted) rather than delayed.
    #[arg(long, default_value_t = 1_024)]
    concurrency: usize,
    /// HTTP/2 connections to the gateway, used in turn.
    #[arg(long, default_value_t = 2)]
    connections: usize,
    /// Forums as ID=API_KEY, comma-separated (default: the demo forums).
    #[arg(long, value_delimiter = ',')]
    forums: Vec<String>,
    /// Moderator console tokens whose streams to hold (repeatable; default:
    /// every demo moderator when the forums are the demo's).
    #[arg(long)]
    moderator_token: Vec<String>,
    /// Share of events that are crisis posts, in percent.
    #[arg(long, default_value_t = 0.2)]
    crisis_percent: f64,
    /// One post this often (ms) is watched until the responsiveness service
    /// counts it; 0 turns the probes off.
    #[arg(long, default_value_t = 50)]
    probe_interval_ms: u64,
    /// After the load, wait at most this long (s) for answers, probes and
    /// escalations.
    #[arg(long, default_value_t = 10.0)]
    settle: f64,
    /// Seed for the choices, so a run can be repeated.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write every figure as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

const BOARDS: [&str; 5] = ["general", "low-mood", "anxiety", "night-owls", "carers"];
const PROBE_BOARD: &str = "loadgen-probe";
const MEMBERS: usize = 5_000;
/// Replies, actions and reports pick among this many recent threads.
const RECENT_THREADS: usize = 4_096;
/// ... but not the newest few, whose post may still be in flight.
const NOT_NEWEST: usize = 16;
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

const POSTS: [(&str, &str); 10] = [
    (
        "Sleep, finally",
        "Had my first proper night's sleep in a week. Still tired, but it feels like the fog is lifting a bit. Does anyone else find mornings easier once a routine settles in?",
    ),
    (
        "First-day nerves",
        "Starting a new job on Monday and my stomach is in knots already. I keep rehearsing introductions in the shower. Any tips for getting through the first day?",
    ),
    (
        "Mood diary",
        "My counsellor suggested keeping a mood diary. Five days in and the pattern is obvious: Thursdays are rough. Does anyone track theirs, and what do you use?",
    ),
    (
        "Allotment group",
        "Went to the allotment group for the first time today. Nobody minded that I barely spoke. Planted some garlic and came home muddy and a little lighter.",
    ),
    (
        "Explaining it",
        "Struggling to explain to my partner why crowded shops make me panic. They mean well but keep saying just breathe. How have you put it into words?",
    ),
    (
        "A grey week",
        "Feeling low this week and I can't pin down why. Nothing bad happened, everything just feels grey and slow. Hoping that writing it here helps a bit.",
    ),
    (
        "Podcasts?",
        "Does anyone have a good podcast for the walk to work? Something gentle, not the news. My head is noisy enough in the mornings.",
    ),
    (
        "Motorway",
        "Three months since my last panic attack in the car. Drove to my mum's on the motorway today and only needed one stop in a lay-by.",
    ),
    (
        "Waiting lists",
        "Question for people on waiting lists: how are you keeping yourselves going while you wait? Mine says another eight weeks and it feels endless.",
    ),
    (
        "Small win",
        "I cooked a proper meal tonight, the first in ages. Pasta with actual vegetables. Small thing, but I wanted to tell someone.",
    ),
];

const DIARY: [&str; 3] = [
    "Note to self: the wobble passed by teatime, like it usually does. Writing it down so I remember next time.",
    "Diary, day twelve. Walked the dog twice, answered two emails, ignored the rest. Good enough.",
    "Just putting this here. Long day at the hospital with dad, too tired to talk about it.",
];

const REPLIES: [&str; 8] = [
    "Thanks for sharing this. Waiting is hard; a weekly routine helped me hold on.",
    "That's brilliant news about the motorway, well done you.",
    "I use a paper notebook and colour each day. Seeing the colours change over a month surprised me.",
    "Crowded shops get me too. I told my partner it's like every noise is turned up at once.",
    "Good luck for Monday. Nobody expects you to know everything in week one.",
    "Grey weeks happen to me too. Be gentle with yourself, and do post again if it drags on.",
    "Pasta with vegetables counts as a big win in my book!",
    "Try the gardening ones, they are slow and calm and nobody shouts.",
];

const CRISIS: [&str; 3] = [
    "I've saved up all my pills and I'm taking them tonight. I just wanted to say goodbye to you all.",
    "I'm going to kill myself tonight. I've written a note for my sister and I'm sorry.",
    "I have taken an overdose an hour ago. I can't keep going. This is goodbye, everyone.",
];

/// A small, repeatable source of choices.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent` / 100 (fractions allowed).
    fn chance(&mut self, percent: f64) -> bool {
        ((self.next() % 1_000_000) as f64) < percent * 10_000.0
    }
}

struct Forum {
    id: String,
    bearer: MetadataValue<Ascii>,
    recent: VecDeque<String>,
    /// The millisecond of this forum's last probe, so no two share one.
    last_probe_ms: i64,
}

/// One event on the timeline, and what loadgen must follow up.
struct Planned {
    event: IngestEvent,
    kind: &'static str,
    crisis: bool,
    /// The probe's millisecond (its `occurred_at`), for the stats window.
    probe_ms: Option<i64>,
}

/// Makes the event mix.
struct Mix {
    dice: Dice,
    run: String,
    counter: u64,
    forums: Vec<Forum>,
    crisis_percent: f64,
    probe_interval: Duration,
    next_probe: Duration,
}

impl Mix {
    fn id(&mut self) -> String {
        self.counter += 1;
        format!("lg-{}-{}", self.run, self.counter)
    }

    fn member(&mut self) -> String {
        format!("lg-member-{}", self.dice.below(MEMBERS))
    }

    /// A thread of `forum` old enough to have been published.
    fn earlier_thread(&mut self, forum: usize) -> Option<String> {
        let recent = &self.forums[forum].recent;
        let usable = recent.len().checked_sub(NOT_NEWEST).filter(|n| *n > 0)?;
        let pick = self.dice.below(usable);
        Some(self.forums[forum].recent[pick].clone())
    }

    /// The next event, due `at` into the run (wall time `occurred`).
    fn next(&mut self, forum: usize, at: Duration, occurred: SystemTime) -> Planned {
        let source_id = self.id();
        let header = Some(EventHeader {
            forum_id: self.forums[forum].id.clone(),
            source_id: source_id.clone(),
            occurred_at: Some(convert::timestamp(occurred)),
        });
        let planned = |kind: &'static str, event: Kind| Planned {
            event: IngestEvent {
                header: header.clone(),
                kind: Some(event),
            },
            kind,
            crisis: false,
            probe_ms: None,
        };
        if self.dice.chance(self.crisis_percent) {
            let body = CRISIS[self.dice.below(CRISIS.len())];
            let mut p = planned(
                "crisis post",
                Kind::Post(self.post(&source_id, body, false)),
            );
            p.crisis = true;
            return p;
        }
        let roll = self.dice.below(100);
        let thread = if (50..100).contains(&roll) {
            self.earlier_thread(forum)
        } else {
            None
        };
        match (roll, thread) {
            (50..85, Some(thread)) => {
                let body = REPLIES[self.dice.below(REPLIES.len())];
                let role = if self.dice.chance(10.0) {
                    AuthorRole::Moderator
                } else {
                    AuthorRole::Member
                };
                planned(
                    "reply",
                    Kind::Reply(NewReply {
                        in_reply_to: thread.clone(),
                        thread_id: thread,
                        author_member_id: self.member(),
                        author_role: role as i32,
                        body: body.to_owned(),
                        board_id: String::new(),
                        held_for_premoderation: false,
                    }),
                )
            }
            (85..93, Some(thread)) => {
                let locked = self.dice.chance(20.0);
                let action = NewModerationAction {
                    kind: if locked {
                        ModerationActionKind::ThreadLocked
                    } else {
                        ModerationActionKind::ContentWarningAdded
                    } as i32,
                    post_id: if locked {
                        String::new()
                    } else {
                        thread.clone()
                    },
                    thread_id: thread,
                    member_id: String::new(),
                    moderator_member_id: "lg-moderator-1".into(),
                    reason_code: if locked {
                        "thread-resolved"
                    } else {
                        "cw-low-mood"
                    }
                    .into(),
                    message_to_member: String::new(),
                    content_warning: if locked { "" } else { "low mood" }.into(),
                };
                planned("moderation action", Kind::ModerationAction(action))
            }
            (93..100, Some(thread)) => {
                let spam = self.dice.chance(30.0);
                let report = NewMemberReport {
                    post_id: thread.clone(),
                    thread_id: thread,
                    reporter_member_id: self.member(),
                    reason: if spam {
                        ReportReason::Spam
                    } else {
                        ReportReason::UpsettingContent
                    } as i32,
                    note: if spam {
                        "Looks like an advert."
                    } else {
                        "Could this have a content warning please?"
                    }
                    .into(),
                };
                planned("member report", Kind::MemberReport(report))
            }
            (45..50, _) => {
                let body = DIARY[self.dice.below(DIARY.len())];
                planned(
                    "post, replies off",
                    Kind::Post(self.post(&source_id, body, true)),
                )
            }
            _ => {
                let (title, body) = POSTS[self.dice.below(POSTS.len())];
                let mut post = self.post(&source_id, body, false);
                post.title = title.to_owned();
                let mut probe_ms = None;
                let ms = millis(occurred);
                if !self.probe_interval.is_zero()
                    && at >= self.next_probe
                    && ms > self.forums[forum].last_probe_ms
                {
                    self.next_probe = at + self.probe_interval;
                    self.forums[forum].last_probe_ms = ms;
                    post.board_id = PROBE_BOARD.to_owned();
                    probe_ms = Some(ms);
                }
                let recent = &mut self.forums[forum].recent;
                recent.push_back(source_id.clone());
                if recent.len() > RECENT_THREADS {
                    recent.pop_front();
                }
                let mut p = planned("post", Kind::Post(post));
                p.probe_ms = probe_ms;
                p
            }
        }
    }

    fn post(&mut self, id: &str, body: &str, diary: bool) -> NewPost {
        NewPost {
            thread_id: id.to_owned(),
            board_id: BOARDS[self.dice.below(BOARDS.len())].to_owned(),
            author_member_id: self.member(),
            author_role: AuthorRole::Member as i32,
            first_post_in_forum: self.dice.chance(10.0),
            title: String::new(),
            body: body.to_owned(),
            no_replies_wanted: diary,
            content_warnings: Vec::new(),
            held_for_premoderation: false,
        }
    }
}

fn millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 1 hour at 3 significant digits.
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

fn record(histogram: &mut Histogram<u64>, latency: Duration) {
    histogram.saturating_record(latency.as_micros().max(1) as u64);
}

/// Everything measured, shared by the tasks of a run.
struct Figures {
    ack: Histogram<u64>,
    visible: Histogram<u64>,
    escalation: Histogram<u64>,
    sent_events: u64,
    dropped_events: u64,
    acknowledged: u64,
    duplicates: u64,
    failed: u64,
    errors: BTreeMap<String, u64>,
    calls: u64,
    by_kind: BTreeMap<&'static str, u64>,
    last_answer: Option<Instant>,
    probes: u64,
    probes_not_seen: u64,
    crisis_posts: u64,
    unexpected_escalations: u64,
    /// Crisis posts waiting for their escalation: (forum, thread) -> due.
    awaiting: HashMap<(String, String), Instant>,
}

impl Figures {
    fn new() -> Self {
        Self {
            ack: histogram(),
            visible: histogram(),
            escalation: histogram(),
            sent_events: 0,
            dropped_events: 0,
            acknowledged: 0,
            duplicates: 0,
            failed: 0,
            errors: BTreeMap::new(),
            calls: 0,
            by_kind: BTreeMap::new(),
            last_answer: None,
            probes: 0,
            probes_not_seen: 0,
            crisis_posts: 0,
            unexpected_escalations: 0,
            awaiting: HashMap::new(),
        }
    }

    fn error(&mut self, code: tonic::Code) {
        self.failed += 1;
        *self.errors.entry(format!("{code:?}")).or_default() += 1;
    }
}

type Shared = Arc<Mutex<Figures>>;

fn lock(figures: &Shared) -> std::sync::MutexGuard<'_, Figures> {
    // A panicked task cannot leave the counters half-updated in a way that
    // matters for a report.
    figures
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn authorized<T>(message: T, bearer: &MetadataValue<Ascii>) -> Request<T> {
    let mut request = Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", bearer.clone());
    request
}

/// One call on the timeline.
struct Call {
    forum: String,
    bearer: MetadataValue<Ascii>,
    events: Vec<Planned>,
    due: Instant,
    batch: bool,
}

/// Makes one call, records its answer, then follows its probes.
async fn call(
    mut ingest: IngestClient<Channel>,
    responsiveness: Option<ResponsivenessClient<Channel>>,
    call: Call,
    permit: tokio::sync::OwnedSemaphorePermit,
    figures: Shared,
    settle: Duration,
) {
    let Call {
        forum,
        bearer,
        events,
        due,
        batch,
    } = call;
    // Per event: Ok(duplicate) or Err(code).
    let outcomes: Vec<Result<bool, tonic::Code>> = if batch {
        let request = PublishBatchRequest {
            events: events.iter().map(|p| p.event.clone()).collect(),
        };
        match tokio::time::timeout(
            CALL_TIMEOUT,
            ingest.publish_batch(authorized(request, &bearer)),
        )
        .await
        {
            Ok(Ok(response)) => response
                .into_inner()
                .results
                .into_iter()
                .map(|r| match r.outcome {
                    Some(item_result::Outcome::Published(p)) => Ok(p.duplicate),
                    Some(item_result::Outcome::Error(e)) => Err(tonic::Code::from_i32(e.code)),
                    None => Err(tonic::Code::Unknown),
                })
                .collect(),
            Ok(Err(status)) => vec![Err(status.code()); events.len()],
            Err(_) => vec![Err(tonic::Code::DeadlineExceeded); events.len()],
        }
    } else {
        let planned = &events[0];
        let answer = tokio::time::timeout(CALL_TIMEOUT, unary(&mut ingest, planned, &bearer)).await;
        vec![match answer {
            Ok(Ok(duplicate)) => Ok(duplicate),
            Ok(Err(status)) => Err(status.code()),
            Err(_) => Err(tonic::Code::DeadlineExceeded),
        }]
    };
    let answered = Instant::now();
    drop(permit);

    let mut probes = Vec::new();
    {
        let mut f = lock(&figures);
        f.calls += 1;
        record(&mut f.ack, answered.saturating_duration_since(due));
        f.last_answer = Some(f.last_answer.map_or(answered, |l| l.max(answered)));
        for (i, planned) in events.iter().enumerate() {
            match outcomes
                .get(i)
                .copied()
                .unwrap_or(Err(tonic::Code::Unknown))
            {
                Ok(duplicate) => {
                    f.acknowledged += 1;
                    f.duplicates += u64::from(duplicate);
                    f.crisis_posts += u64::from(planned.crisis);
                    if let Some(ms) = planned.probe_ms {
                        f.probes += 1;
                        probes.push(ms);
                    }
                }
                Err(code) => {
                    f.error(code);
                    if planned.crisis {
                        let thread = thread_of(&planned.event).to_owned();
                        f.awaiting.remove(&(forum.clone(), thread));
                    }
                }
            }
        }
    }

    if let Some(mut responsiveness) = responsiveness {
        for ms in probes {
            let seen = poll_visible(&mut responsiveness, &forum, &bearer, ms, due, settle).await;
            let mut f = lock(&figures);
            match seen {
                Some(at) => record(&mut f.visible, at.saturating_duration_since(due)),
                None => f.probes_not_seen += 1,
            }
        }
    }
}

async fn unary(
    ingest: &mut IngestClient<Channel>,
    planned: &Planned,
    bearer: &MetadataValue<Ascii>,
) -> Result<bool, tonic::Status> {
    let header = planned.event.header.clone();
    let response = match planned.event.kind.clone() {
        Some(Kind::Post(post)) => {
            ingest
                .publish_post(authorized(
                    PublishPostRequest {
                        header,
                        post: Some(post),
                    },
                    bearer,
                ))
                .await?
        }
        Some(Kind::Reply(reply)) => {
            ingest
                .publish_reply(authorized(
                    PublishReplyRequest {
                        header,
                        reply: Some(reply),
                    },
                    bearer,
                ))
                .await?
        }
        Some(Kind::ModerationAction(action)) => {
            ingest
                .publish_moderation_action(authorized(
                    PublishModerationActionRequest {
                        header,
                        action: Some(action),
                    },
                    bearer,
                ))
                .await?
        }
        Some(Kind::MemberReport(report)) => {
            ingest
                .publish_member_report(authorized(
                    PublishMemberReportRequest {
                        header,
                        report: Some(report),
                    },
                    bearer,
                ))
                .await?
        }
        Some(Kind::Edit(_) | Kind::Erasure(_)) | None => {
            return Err(tonic::Status::internal(
                "the load mix makes no edits or erasures",
            ));
        }
    };
    Ok(response.into_inner().duplicate)
}

fn thread_of(event: &IngestEvent) -> &str {
    match &event.kind {
        Some(Kind::Post(p)) => &p.thread_id,
        Some(Kind::Reply(r)) => &r.thread_id,
        Some(Kind::ModerationAction(a)) => &a.thread_id,
        Some(Kind::MemberReport(r)) => &r.thread_id,
        Some(Kind::Edit(e)) => &e.thread_id,
        Some(Kind::Erasure(_)) | None => "",
    }
}

/// Polls until the forum's probe board counts a post created in `ms`
/// (the probe was due at `due`).
async fn poll_visible(
    client: &mut ResponsivenessClient<Channel>,
    forum: &str,
    bearer: &MetadataValue<Ascii>,
    ms: i64,
    due: Instant,
    settle: Duration,
) -> Option<Instant> {
    let at = |ms: i64| {
        Some(convert::timestamp(
            UNIX_EPOCH + Duration::from_millis(ms as u64),
        ))
    };
    let give_up = Instant::now() + settle;
    while Instant::now() < give_up {
        let request = StatsRequest {
            forum_id: forum.to_owned(),
            board_id: PROBE_BOARD.to_owned(),
            from: at(ms),
            to: at(ms + 1),
        };
        if let Ok(stats) = client.get_stats(authorized(request, bearer)).await {
            let posts = stats.into_inner().all.map_or(0, |a| a.posts);
            if posts > 0 {
                return Some(Instant::now());
            }
        }
        // Every millisecond while the wait is short, then 5% of the wait so
        // far: when the consumers fall behind, hundreds of probes wait at
        // once, and polling each every millisecond would load the service
        // being measured.
        let pause =
            (due.elapsed() / 20).clamp(Duration::from_millis(1), Duration::from_millis(500));
        tokio::time::sleep(pause).await;
    }
    None
}

/// Holds one moderator's escalation stream: matches assignments to this
/// run's crisis posts and resolves every loadgen escalation at once.
async fn moderator(
    client: ModerationClient<Channel>,
    mut stream: tonic::Streaming<modstream_proto::v1::EscalationNotice>,
    bearer: MetadataValue<Ascii>,
    run_prefix: String,
    figures: Shared,
    mut stop: watch::Receiver<bool>,
) {
    let mut resolving = JoinSet::new();
    loop {
        let notice = tokio::select! {
            notice = stream.message() => notice,
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let Ok(Some(notice)) = notice else {
            eprintln!("loadgen: a moderator stream ended early");
            break;
        };
        let arrived = Instant::now();
        let Some(e) = notice.escalation else { continue };
        // The stream starts with every kept notice: earlier runs' are old news.
        if notice.kind != NoticeKind::Assigned as i32 || !e.thread_id.starts_with(&run_prefix) {
            continue;
        }
        {
            let mut f = lock(&figures);
            match f
                .awaiting
                .remove(&(e.forum_id.clone(), e.thread_id.clone()))
            {
                Some(due) => record(&mut f.escalation, arrived.saturating_duration_since(due)),
                None => f.unexpected_escalations += 1,
            }
        }
        let mut client = client.clone();
        let bearer = bearer.clone();
        resolving.spawn(async move {
            let request = ResolveRequest {
                escalation_id: e.escalation_id,
                outcome: Outcome::NoRiskOnReview as i32,
                note: String::new(),
            };
            let _ = client.resolve(authorized(request, &bearer)).await;
        });
        while resolving.try_join_next().is_some() {}
    }
    // Let the last resolutions finish so the next run starts clean.
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while resolving.join_next().await.is_some() {}
    })
    .await;
}

/// Resolves open escalations of loadgen threads left by an earlier run
/// (stopped before it resolved them), which would hold the moderator at the
/// crisis cap and skew this run.
async fn resolve_leftovers(
    client: &mut ModerationClient<Channel>,
    bearer: &MetadataValue<Ascii>,
) -> anyhow::Result<()> {
    let open = client
        .list_open(authorized(ListOpenRequest {}, bearer))
        .await
        .map_err(|s| anyhow::anyhow!("moderator refused: {:?}: {}", s.code(), s.message()))?
        .into_inner();
    for e in open.escalations {
        if e.thread_id.starts_with("lg-") {
            let request = ResolveRequest {
                escalation_id: e.escalation_id,
                outcome: Outcome::NoRiskOnReview as i32,
                note: "left open by an earlier loadgen run".into(),
            };
            let _ = client.resolve(authorized(request, bearer)).await;
        }
    }
    Ok(())
}

struct Summary {
    count: u64,
    mean: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    p999: f64,
    max: f64,
}

fn summary(h: &Histogram<u64>) -> Option<Summary> {
    let ms = |us: u64| us as f64 / 1_000.0;
    (!h.is_empty()).then(|| Summary {
        count: h.len(),
        mean: h.mean() / 1_000.0,
        p50: ms(h.value_at_quantile(0.50)),
        p90: ms(h.value_at_quantile(0.90)),
        p99: ms(h.value_at_quantile(0.99)),
        p999: ms(h.value_at_quantile(0.999)),
        max: ms(h.max()),
    })
}

fn summary_json(h: &Histogram<u64>) -> serde_json::Map<String, serde_json::Value> {
    let s = summary(h);
    let round = |v: f64| (v * 1_000.0).round() / 1_000.0;
    let mut map = serde_json::Map::new();
    map.insert("count".into(), s.as_ref().map_or(0, |s| s.count).into());
    for (name, value) in [
        ("mean", s.as_ref().map(|s| s.mean)),
        ("p50", s.as_ref().map(|s| s.p50)),
        ("p90", s.as_ref().map(|s| s.p90)),
        ("p99", s.as_ref().map(|s| s.p99)),
        ("p999", s.as_ref().map(|s| s.p999)),
        ("max", s.as_ref().map(|s| s.max)),
    ] {
        map.insert(name.into(), value.map(round).into());
    }
    map
}

/// (forum id, API key) pairs.
type ForumKeys = Vec<(String, String)>;

/// The forums to load: `--forums` or the demo's, with moderator tokens.
fn forums_and_moderators(args: &LoadgenArgs) -> anyhow::Result<(ForumKeys, Vec<String>)> {
    if args.forums.is_empty() {
        let forums = DEMO_FORUMS
            .iter()
            .map(|f| (f.id.to_owned(), f.api_key.to_owned()))
            .collect();
        let tokens = if args.moderator_token.is_empty() {
            DEMO_FORUMS
                .iter()
                .flat_map(|f| f.moderators.iter().map(|m| m.token.to_owned()))
                .collect()
        } else {
            args.moderator_token.clone()
        };
        return Ok((forums, tokens));
    }
    let forums = args
        .forums
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(id, key)| (id.to_owned(), key.to_owned()))
                .with_context(|| format!("--forums: {f:?} is not ID=API_KEY"))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok((forums, args.moderator_token.clone()))
}

fn bearer(secret: &str) -> anyhow::Result<MetadataValue<Ascii>> {
    format!("Bearer {secret}")
        .parse()
        .context("a key or token has characters a header cannot carry")
}

async fn channel(address: &str, what: &str) -> anyhow::Result<Channel> {
    Endpoint::from_shared(address.to_owned())
        .with_context(|| format!("{address:?} is not an address"))?
        .connect()
        .await
        .with_context(|| format!("cannot reach the {what} at {address}"))
}

pub async fn run(args: LoadgenArgs) -> anyhow::Result<()> {
    if !(args.rate > 0.0 && args.rate <= 1_000_000.0) {
        anyhow::bail!("--rate must be above 0 and at most 1,000,000 events per second");
    }
    if !(args.duration > 0.0 && args.duration <= 3_600.0) {
        anyhow::bail!("--duration must be above 0 and at most 3600 seconds");
    }
    if !(0.0..=120.0).contains(&args.settle) {
        anyhow::bail!("--settle must be between 0 and 120 seconds");
    }
    if !(1..=1_000).contains(&args.batch) || args.concurrency == 0 || args.connections == 0 {
        anyhow::bail!("--batch must be 1 to 1000, --concurrency and --connections at least 1");
    }
    if !(0.0..=100.0).contains(&args.crisis_percent) {
        anyhow::bail!("--crisis-percent must be between 0 and 100");
    }
    if args.probe_interval_ms != 0 && args.probe_interval_ms < 5 {
        anyhow::bail!("--probe-interval-ms must be 0 (off) or at least 5");
    }
    let (forum_keys, tokens) = forums_and_moderators(&args)?;
    let settle = Duration::from_secs_f64(args.settle);

    let mut ingest = Vec::new();
    for _ in 0..args.connections {
        ingest.push(IngestClient::new(channel(&args.gateway, "gateway").await?));
    }
    let responsiveness = if args.probe_interval_ms > 0 {
        Some(ResponsivenessClient::new(
            channel(&args.responsiveness, "responsiveness service").await?,
        ))
    } else {
        None
    };

    let run_id = format!("{:x}", millis(SystemTime::now()) % 0x10_0000_0000);
    let run_prefix = format!("lg-{run_id}-");
    let figures: Shared = Arc::new(Mutex::new(Figures::new()));

    // The moderators connect first: an escalation finds only moderators who
    // are connected.
    let (stop, stopping) = watch::channel(false);
    let mut moderators = JoinSet::new();
    if !tokens.is_empty() {
        let client =
            ModerationClient::new(channel(&args.safeguarding, "safeguarding service").await?);
        for token in &tokens {
            let bearer = bearer(token)?;
            resolve_leftovers(&mut client.clone(), &bearer).await?;
            let stream = client
                .clone()
                .stream_escalations(authorized(
                    StreamEscalationsRequest { after_sequence: 0 },
                    &bearer,
                ))
                .await
                .map_err(|s| {
                    anyhow::anyhow!("moderator stream refused: {:?}: {}", s.code(), s.message())
                })?
                .into_inner();
            moderators.spawn(moderator(
                client.clone(),
                stream,
                bearer,
                run_prefix.clone(),
                figures.clone(),
                stopping.clone(),
            ));
        }
    }

    let mut mix = Mix {
        dice: Dice(args.seed),
        run: run_id,
        counter: 0,
        forums: forum_keys
            .iter()
            .map(|(id, key)| {
                Ok(Forum {
                    id: id.clone(),
                    bearer: bearer(key)?,
                    recent: VecDeque::new(),
                    last_probe_ms: 0,
                })
            })
            .collect::<anyhow::Result<_>>()?,
        crisis_percent: args.crisis_percent,
        probe_interval: Duration::from_millis(args.probe_interval_ms),
        next_probe: Duration::ZERO,
    };

    let planned_events = ((args.duration * args.rate).round() as u64)
        .min(args.max_events.unwrap_or(u64::MAX))
        .max(1);
    let calls = planned_events.div_ceil(args.batch as u64);
    let per_call = args.batch as f64 / args.rate;
    println!(
        "loadgen: {planned_events} events at {}/s in {} ({} calls), {} forums, {} moderator streams",
        args.rate,
        if args.batch == 1 {
            "unary calls".to_owned()
        } else {
            format!("batches of {}", args.batch)
        },
        calls,
        mix.forums.len(),
        tokens.len()
    );

    let permits = Arc::new(Semaphore::new(args.concurrency));
    let mut in_flight = JoinSet::new();
    let start = Instant::now();
    let start_wall = SystemTime::now();
    let mut scheduled_events = 0u64;
    for k in 0..calls {
        let offset = Duration::from_secs_f64(k as f64 * per_call);
        let due = start + offset;
        if due > Instant::now() {
            tokio::time::sleep_until(due.into()).await;
        }
        let n = (planned_events - scheduled_events).min(args.batch as u64) as usize;
        scheduled_events += n as u64;
        // One forum per call: a batch is authorised by one forum's key.
        let forum = mix.dice.below(mix.forums.len());
        let occurred = start_wall + offset;
        let events: Vec<Planned> = (0..n).map(|_| mix.next(forum, offset, occurred)).collect();
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            lock(&figures).dropped_events += n as u64;
            continue;
        };
        {
            let mut f = lock(&figures);
            f.sent_events += n as u64;
            for p in &events {
                *f.by_kind.entry(p.kind).or_default() += 1;
                if p.crisis && !tokens.is_empty() {
                    let key = (mix.forums[forum].id.clone(), thread_of(&p.event).to_owned());
                    f.awaiting.insert(key, due);
                }
            }
        }
        let c = Call {
            forum: mix.forums[forum].id.clone(),
            bearer: mix.forums[forum].bearer.clone(),
            events,
            due,
            batch: args.batch > 1,
        };
        in_flight.spawn(call(
            ingest[(k as usize) % ingest.len()].clone(),
            responsiveness.clone(),
            c,
            permit,
            figures.clone(),
            settle,
        ));
        while in_flight.try_join_next().is_some() {}
    }
    let offered_for = start.elapsed();

    // Bounded wait for answers, probes and escalations.
    let give_up = Instant::now() + settle + CALL_TIMEOUT;
    let _ = tokio::time::timeout_at(give_up.into(), async {
        while in_flight.join_next().await.is_some() {}
    })
    .await;
    in_flight.shutdown().await;
    let escalations_by = Instant::now() + settle;
    while !lock(&figures).awaiting.is_empty()
        && Instant::now() < escalations_by
        && !moderators.is_empty()
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(true);
    while moderators.join_next().await.is_some() {}

    let f = lock(&figures);
    let load_s = f
        .last_answer
        .map_or(offered_for, |l| l.saturating_duration_since(start))
        .as_secs_f64();
    let achieved = if load_s > 0.0 {
        f.acknowledged as f64 / load_s
    } else {
        0.0
    };
    let not_delivered = f.awaiting.len() as u64;

    print_table(&f, &args, scheduled_events, load_s, achieved, not_delivered);

    if let Some(path) = &args.json {
        let mut visible = summary_json(&f.visible);
        visible.insert("probes".into(), f.probes.into());
        visible.insert("not_seen".into(), f.probes_not_seen.into());
        let mut escalation = summary_json(&f.escalation);
        escalation.insert("crisis_posts".into(), f.crisis_posts.into());
        escalation.insert("not_delivered".into(), not_delivered.into());
        escalation.insert("unexpected".into(), f.unexpected_escalations.into());
        let json = serde_json::json!({
            "schema": "modstream.loadgen.v1",
            "started_at_unix_ms": millis(start_wall),
            "config": {
                "gateway": args.gateway,
                "responsiveness": args.responsiveness,
                "safeguarding": args.safeguarding,
                "rate": args.rate,
                "duration_s": args.duration,
                "max_events": args.max_events,
                "batch": args.batch,
                "concurrency": args.concurrency,
                "connections": args.connections,
                "forums": mix.forums.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
                "moderators": tokens.len(),
                "crisis_percent": args.crisis_percent,
                "probe_interval_ms": args.probe_interval_ms,
                "settle_s": args.settle,
                "seed": args.seed,
            },
            "load": {
                "scheduled_events": scheduled_events,
                "sent_events": f.sent_events,
                "dropped_overload_events": f.dropped_events,
                "acknowledged_events": f.acknowledged,
                "duplicate_events": f.duplicates,
                "failed_events": f.failed,
                "unanswered_events": f.sent_events - f.acknowledged - f.failed,
                "errors_by_code": f.errors,
                "calls": f.calls,
                "by_kind": f.by_kind,
                "offered_events_per_s": args.rate,
                "load_s": load_s,
                "achieved_events_per_s": achieved,
            },
            "ack_ms": summary_json(&f.ack),
            "visible_ms": visible,
            "escalation_ms": escalation,
        });
        let text = serde_json::to_string_pretty(&json)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn print_table(
    f: &Figures,
    args: &LoadgenArgs,
    scheduled: u64,
    load_s: f64,
    achieved: f64,
    not_delivered: u64,
) {
    println!();
    println!(
        "events: scheduled {scheduled}, sent {}, dropped (overload of the generator) {}, acknowledged {} ({} duplicates), failed {}, unanswered {}",
        f.sent_events,
        f.dropped_events,
        f.acknowledged,
        f.duplicates,
        f.failed,
        f.sent_events - f.acknowledged - f.failed
    );
    for (code, n) in &f.errors {
        println!("  error {code}: {n}");
    }
    println!(
        "rate: offered {:.0}/s, achieved {achieved:.0}/s (acknowledged over {load_s:.2} s)",
        args.rate
    );
    println!();
    println!(
        "{:<34} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "count", "p50", "p90", "p99", "p99.9", "max"
    );
    for (name, h) in [
        ("ack (scheduled -> answer)", &f.ack),
        ("visible in responsiveness", &f.visible),
        ("escalation on moderator stream", &f.escalation),
    ] {
        match summary(h) {
            Some(s) => println!(
                "{name:<34} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                s.count, s.p50, s.p90, s.p99, s.p999, s.max
            ),
            None => println!("{name:<34} {:>7} {:>9}", 0, "-"),
        }
    }
    println!();
    println!(
        "probes: {} acknowledged, {} not seen in time; crisis posts: {} acknowledged, {} escalations not delivered, {} unexpected",
        f.probes, f.probes_not_seen, f.crisis_posts, not_delivered, f.unexpected_escalations
    );
}

//! `modstream simulate`: synthetic traffic for the demo forums, published
//! through the gateway like a forum platform would, so a newcomer running
//! `modstream up` sees the dashboard and the consoles come alive.
//!
//! A mix of new posts (some from new members, some with replies turned
//! off), replies arriving later (some threads never get one), moderation
//! actions, member reports, and now and then a crisis post that a scripted
//! moderator answers. Every text comes from the templates below. It is
//! bounded: `--events` in all, at `--rate` per second.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use clap::Args;
use modstream_config::DEMO_FORUMS;
use modstream_proto::convert;
use modstream_proto::v1::{
    AuthorRole, EventHeader, ModerationActionKind, NewMemberReport, NewModerationAction, NewPost,
    NewReply, PublishMemberReportRequest, PublishModerationActionRequest, PublishPostRequest,
    PublishReplyRequest, ReportReason, ingest_client::IngestClient,
};
use tonic::Request;
use tonic::transport::Channel;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The gateway's address (https://... for TLS).
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    gateway: String,
    #[command(flatten)]
    tls: crate::connect::TlsArgs,
    /// How many events to publish in all.
    #[arg(long, default_value_t = 300)]
    events: u32,
    /// Events per second.
    #[arg(long, default_value_t = 2.0)]
    rate: f64,
    /// Seed for the choices, so a run can be repeated.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

const BOARDS: [&str; 4] = ["general", "low-mood", "anxiety", "night-owls"];

const POSTS: [&str; 8] = [
    "First time posting. Work has been relentless and I can't seem to switch off at night. How do you all wind down?",
    "Had a wobbly day. Managed a short walk at lunch though, which felt like something.",
    "Does anyone else find Sunday evenings the hardest part of the week?",
    "Started a new medication last week and I'm feeling a bit flat. Is that normal early on?",
    "My sister keeps asking if I'm okay and I never know what to say back.",
    "Three weeks into the new job and the imposter feeling is loud today.",
    "Can't sleep again. Anyone else up?",
    "Small win: I phoned the GP surgery myself instead of putting it off.",
];

const DIARY: [&str; 3] = [
    "Just writing this down for me. Today was heavy but I got through it.",
    "Diary: slept badly, ate properly, sat in the garden for ten minutes.",
    "Not looking for replies, I just need to put this somewhere. Tired of pretending.",
];

const REPLIES: [&str; 8] = [
    "That sounds like a lot. I'm glad you posted.",
    "Same here some weeks. Writing a list before bed helps me a little.",
    "Sending you a virtual cuppa. You're not on your own with this.",
    "Well done on the walk, those small things count.",
    "It took me a few weeks to settle on mine, worth mentioning to your GP if it carries on.",
    "I'm up too. Want to chat about something completely different for a bit?",
    "That's a real win. Proud of you for making the call.",
    "Sunday scaries are real. I plan one nice thing for Sunday night now.",
];

const CRISIS: [&str; 3] = [
    "I have taken an overdose. Goodbye everyone, I am so sorry.",
    "I've written my letters and the tablets are lined up on the desk. Tonight is the night.",
    "Standing on the bridge right now. I can't do this anymore.",
];

const MODERATOR_REPLY: &str = "I'm one of the moderators and I've seen your post. I'm here with you now and I've sent you a private message. If you are in danger please call 999, or Samaritans on 116 123.";

/// A small, repeatable source of choices.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Thread {
    forum: usize,
    id: String,
    author: String,
}

struct Simulator {
    client: IngestClient<Channel>,
    dice: Dice,
    run: String,
    threads: Vec<Thread>,
    /// Crisis threads a scripted moderator answers on the next tick.
    crises: Vec<usize>,
    counter: u64,
    published: HashMap<&'static str, u64>,
    refused: u64,
}

impl Simulator {
    fn id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("sim-{}-{prefix}-{}", self.run, self.counter)
    }

    fn authorized<T>(forum: usize, message: T) -> Request<T> {
        let mut request = Request::new(message);
        let bearer = format!("Bearer {}", DEMO_FORUMS[forum].api_key);
        request
            .metadata_mut()
            .insert("authorization", bearer.parse().expect("ASCII key"));
        request
    }

    fn header(forum: usize, source_id: &str) -> Option<EventHeader> {
        Some(EventHeader {
            forum_id: DEMO_FORUMS[forum].id.to_owned(),
            source_id: source_id.to_owned(),
            occurred_at: Some(convert::timestamp(SystemTime::now())),
        })
    }

    fn counted(&mut self, kind: &'static str, result: Result<(), tonic::Status>) {
        match result {
            Ok(()) => *self.published.entry(kind).or_default() += 1,
            Err(status) => {
                self.refused += 1;
                eprintln!("{kind} refused: {:?}: {}", status.code(), status.message());
            }
        }
    }

    async fn post(&mut self, kind: &'static str, body: &str, diary: bool) -> usize {
        let forum = self.dice.below(DEMO_FORUMS.len());
        let id = self.id("post");
        let author = format!("sim-member-{}", self.dice.below(60));
        let post = NewPost {
            thread_id: id.clone(),
            board_id: BOARDS[self.dice.below(BOARDS.len())].to_owned(),
            author_member_id: author.clone(),
            author_role: AuthorRole::Member as i32,
            first_post_in_forum: self.dice.chance(20),
            title: String::new(),
            body: body.to_owned(),
            no_replies_wanted: diary,
            content_warnings: vec![],
            held_for_premoderation: false,
        };
        let request = PublishPostRequest {
            header: Self::header(forum, &id),
            post: Some(post),
        };
        let result = self
            .client
            .publish_post(Self::authorized(forum, request))
            .await
            .map(|_| ());
        self.counted(kind, result);
        self.threads.push(Thread { forum, id, author });
        self.threads.len() - 1
    }

    async fn reply(&mut self, thread: usize, body: &str, role: AuthorRole) {
        let id = self.id("reply");
        let t = &self.threads[thread];
        let (forum, thread_id) = (t.forum, t.id.clone());
        let mut author = format!("sim-member-{}", self.dice.below(60));
        if author == t.author {
            author.push_str("-b");
        }
        let request = PublishReplyRequest {
            header: Self::header(forum, &id),
            reply: Some(NewReply {
                thread_id: thread_id.clone(),
                in_reply_to: thread_id,
                author_member_id: author,
                author_role: role as i32,
                body: body.to_owned(),
                board_id: String::new(),
                held_for_premoderation: false,
            }),
        };
        let result = self
            .client
            .publish_reply(Self::authorized(forum, request))
            .await
            .map(|_| ());
        self.counted("reply", result);
    }

    async fn tick(&mut self) {
        if let Some(thread) = self.crises.pop() {
            self.reply(thread, MODERATOR_REPLY, AuthorRole::Moderator)
                .await;
            return;
        }
        let roll = self.dice.below(100);
        match roll {
            // Replies go to older threads, so some threads are never answered.
            0..35 if self.threads.len() > 3 => {
                let thread = self.dice.below(self.threads.len() - 2);
                let body = REPLIES[self.dice.below(REPLIES.len())];
                let role = if self.dice.chance(15) {
                    AuthorRole::Moderator
                } else {
                    AuthorRole::Member
                };
                self.reply(thread, body, role).await;
            }
            35..43 if !self.threads.is_empty() => {
                let t = &self.threads[self.dice.below(self.threads.len())];
                let (forum, thread_id) = (t.forum, t.id.clone());
                let id = self.id("action");
                let request = PublishModerationActionRequest {
                    header: Self::header(forum, &id),
                    action: Some(NewModerationAction {
                        kind: ModerationActionKind::ContentWarningAdded as i32,
                        thread_id: thread_id.clone(),
                        post_id: thread_id,
                        member_id: String::new(),
                        moderator_member_id: "sim-moderator-1".into(),
                        reason_code: "cw-low-mood".into(),
                        message_to_member: "We've added a content warning so others can choose when to read this. Thank you for sharing.".into(),
                        content_warning: "low mood".into(),
                    }),
                };
                let result = self
                    .client
                    .publish_moderation_action(Self::authorized(forum, request))
                    .await
                    .map(|_| ());
                self.counted("moderation action", result);
            }
            43..48 if !self.threads.is_empty() => {
                let t = &self.threads[self.dice.below(self.threads.len())];
                let (forum, thread_id) = (t.forum, t.id.clone());
                let id = self.id("report");
                let request = PublishMemberReportRequest {
                    header: Self::header(forum, &id),
                    report: Some(NewMemberReport {
                        thread_id: thread_id.clone(),
                        post_id: thread_id,
                        reporter_member_id: format!("sim-member-{}", self.dice.below(60)),
                        reason: ReportReason::UpsettingContent as i32,
                        note: "This was hard to read without a warning.".into(),
                    }),
                };
                let result = self
                    .client
                    .publish_member_report(Self::authorized(forum, request))
                    .await
                    .map(|_| ());
                self.counted("member report", result);
            }
            48..50 => {
                let body = CRISIS[self.dice.below(CRISIS.len())];
                let thread = self.post("crisis post", body, false).await;
                self.crises.push(thread);
            }
            50..55 => {
                let body = DIARY[self.dice.below(DIARY.len())];
                self.post("post, replies off", body, true).await;
            }
            _ => {
                let body = POSTS[self.dice.below(POSTS.len())];
                self.post("post", body, false).await;
            }
        }
    }
}

pub async fn run(args: SimulateArgs) -> anyhow::Result<()> {
    if !(args.rate > 0.0 && args.rate <= 1_000.0) {
        anyhow::bail!("--rate must be between 0 and 1000 events per second");
    }
    let client = IngestClient::new(args.tls.connect(&args.gateway, "the gateway").await?);
    let run = format!(
        "{:x}",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
            % 0x100_0000
    );
    let mut sim = Simulator {
        client,
        dice: Dice(args.seed),
        run,
        threads: Vec::new(),
        crises: Vec::new(),
        counter: 0,
        published: HashMap::new(),
        refused: 0,
    };
    println!(
        "publishing {} events to the demo forums at {}/s (Ctrl-C stops)",
        args.events, args.rate
    );
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    for _ in 0..args.events {
        ticks.tick().await;
        sim.tick().await;
    }
    let mut kinds: Vec<_> = sim.published.iter().collect();
    kinds.sort();
    println!(
        "{}",
        serde_json::json!({
            "published": sim.published.values().sum::<u64>(),
            "refused": sim.refused,
            "by_kind": kinds.into_iter().map(|(k, v)| (k.to_string(), *v)).collect::<HashMap<_, _>>(),
        })
    );
    if sim.refused > 0 {
        anyhow::bail!("{} events were refused (see above)", sim.refused);
    }
    Ok(())
}

//! `modstream client`: publish events to a running gateway from a terminal,
//! so a newcomer can try modstream without writing code.

use std::time::SystemTime;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use modstream_proto::convert;
use modstream_proto::v1::{
    AlertLevel, AlertState, ForumStats, ListUnansweredRequest, StatsRequest, StreamAlertsRequest,
    responsiveness_client::ResponsivenessClient,
};
use modstream_proto::v1::{
    AuthorRole, EraseMemberRequest, EventHeader, MemberErasure, ModerationActionKind,
    NewMemberReport, NewModerationAction, NewPost, NewReply, PublishMemberReportRequest,
    PublishModerationActionRequest, PublishPostRequest, PublishReplyRequest, ReportReason,
    ingest_client::IngestClient,
};
use modstream_proto::v1::{
    StreamActionsRequest, forum_action, forum_actions_client::ForumActionsClient,
};
use tonic::Request;
use tonic::metadata::{Ascii, MetadataValue};

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The gateway's address (https://... for TLS).
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    gateway: String,
    #[command(flatten)]
    tls: crate::connect::TlsArgs,
    /// The forum's API key (or set MODSTREAM_API_KEY).
    #[arg(long, env = "MODSTREAM_API_KEY", hide_env_values = true)]
    key: String,
    /// The forum to publish for (must match the key).
    #[arg(long)]
    forum: String,
    #[command(subcommand)]
    event: ClientEvent,
}

#[derive(Debug, Subcommand)]
enum ClientEvent {
    /// Start a thread.
    Post {
        /// The post id (default: a new random id); the thread id is the same.
        #[arg(long)]
        id: Option<String>,
        #[arg(long, default_value = "general")]
        board: String,
        /// The author's member id on the forum (becomes a pseudonym).
        #[arg(long)]
        author: String,
        #[arg(long, value_enum, default_value_t = Role::Member)]
        role: Role,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long)]
        body: String,
        /// The author does not want replies (a diary post).
        #[arg(long)]
        no_replies: bool,
        /// The post waits in the pre-moderation queue.
        #[arg(long)]
        premoderated: bool,
        /// This is the author's first post on the forum.
        #[arg(long)]
        first_post: bool,
    },
    /// Reply in a thread.
    Reply {
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        thread: String,
        /// The post replied to (default: the thread's opening post).
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        author: String,
        #[arg(long, value_enum, default_value_t = Role::Member)]
        role: Role,
        #[arg(long)]
        body: String,
    },
    /// Record a moderation action.
    Moderate {
        #[arg(long)]
        id: Option<String>,
        #[arg(long, value_enum)]
        action: Action,
        #[arg(long)]
        thread: String,
        #[arg(long, default_value = "")]
        post: String,
        /// The member acted on (for warn and suspend).
        #[arg(long, default_value = "")]
        member: String,
        #[arg(long)]
        moderator: String,
        #[arg(long, default_value = "")]
        reason: String,
        /// What the member was told.
        #[arg(long, default_value = "")]
        message: String,
        #[arg(long, default_value = "")]
        content_warning: String,
    },
    /// The forum's time-to-first-reply figures (last 30 days).
    Stats {
        /// The responsiveness service's address.
        #[arg(long, default_value = "http://127.0.0.1:50052")]
        responsiveness: String,
        /// Only this board.
        #[arg(long, default_value = "")]
        board: String,
    },
    /// The forum's unanswered posts, longest waiting first.
    Unanswered {
        #[arg(long, default_value = "http://127.0.0.1:50052")]
        responsiveness: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Follow the forum's unanswered-post alerts (open ones first), one JSON
    /// line each, until Ctrl-C.
    Alerts {
        #[arg(long, default_value = "http://127.0.0.1:50052")]
        responsiveness: String,
    },
    /// Follow the forum's actions from safeguarding (crisis resources to
    /// show an author, suggested content warnings), as JSON lines; Ctrl-C
    /// stops.
    Actions {
        #[arg(long, default_value = "http://127.0.0.1:50053")]
        safeguarding: String,
        /// Only actions after this sequence (resume where you left off).
        #[arg(long, default_value_t = 0)]
        after: u64,
    },
    /// A member reports a post.
    Report {
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        thread: String,
        #[arg(long)]
        post: String,
        #[arg(long)]
        reporter: String,
        #[arg(long, value_enum, default_value_t = Reason::WorriedAboutPerson)]
        reason: Reason,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A member left and asked to be erased: their texts are removed from
    /// modstream's stores and they get a new pseudonym from now on.
    Erase {
        /// The erasure request's id (default: a new random id).
        #[arg(long)]
        id: Option<String>,
        /// The member's id on the forum.
        #[arg(long)]
        member: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Role {
    Member,
    Moderator,
    Staff,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Action {
    Approved,
    Hidden,
    Removed,
    Restored,
    Edited,
    ContentWarningAdded,
    ThreadLocked,
    MemberWarned,
    MemberSuspended,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Reason {
    WorriedAboutPerson,
    UpsettingContent,
    Abusive,
    Spam,
    Other,
}

impl From<Role> for AuthorRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Member => AuthorRole::Member,
            Role::Moderator => AuthorRole::Moderator,
            Role::Staff => AuthorRole::Staff,
        }
    }
}

impl From<Action> for ModerationActionKind {
    fn from(action: Action) -> Self {
        match action {
            Action::Approved => Self::Approved,
            Action::Hidden => Self::Hidden,
            Action::Removed => Self::Removed,
            Action::Restored => Self::Restored,
            Action::Edited => Self::Edited,
            Action::ContentWarningAdded => Self::ContentWarningAdded,
            Action::ThreadLocked => Self::ThreadLocked,
            Action::MemberWarned => Self::MemberWarned,
            Action::MemberSuspended => Self::MemberSuspended,
        }
    }
}

impl From<Reason> for ReportReason {
    fn from(reason: Reason) -> Self {
        match reason {
            Reason::WorriedAboutPerson => Self::WorriedAboutPerson,
            Reason::UpsettingContent => Self::UpsettingContent,
            Reason::Abusive => Self::Abusive,
            Reason::Spam => Self::Spam,
            Reason::Other => Self::Other,
        }
    }
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid_like())
}

/// A short random id for events the user did not name.
fn uuid_like() -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{:x}", nanos ^ u128::from(std::process::id()))
}

fn authorized<T>(message: T, bearer: &MetadataValue<Ascii>) -> Request<T> {
    let mut request = Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", bearer.clone());
    request
}

pub async fn run(args: ClientArgs) -> anyhow::Result<()> {
    let bearer: MetadataValue<_> = format!("Bearer {}", args.key)
        .parse()
        .context("the API key has characters a header cannot carry")?;
    match &args.event {
        ClientEvent::Stats {
            responsiveness,
            board,
        } => {
            let mut client = responsiveness_client(&args.tls, responsiveness).await?;
            let request = StatsRequest {
                forum_id: args.forum.clone(),
                board_id: board.clone(),
                from: None,
                to: None,
            };
            let stats = client
                .get_stats(authorized(request, &bearer))
                .await
                .map_err(status_error)?
                .into_inner();
            println!("{}", stats_json(&stats));
            return Ok(());
        }
        ClientEvent::Unanswered {
            responsiveness,
            limit,
        } => {
            let mut client = responsiveness_client(&args.tls, responsiveness).await?;
            let request = ListUnansweredRequest {
                forum_id: args.forum.clone(),
                limit: *limit,
            };
            let list = client
                .list_unanswered(authorized(request, &bearer))
                .await
                .map_err(status_error)?
                .into_inner();
            for post in &list.posts {
                let line = serde_json::json!({
                    "post_id": post.post_id, "board_id": post.board_id,
                    "waiting_minutes": post.age_ms / 60_000, "author_is_new": post.author_is_new,
                });
                println!("{line}");
            }
            eprintln!("{} unanswered in all", list.total);
            return Ok(());
        }
        ClientEvent::Actions {
            safeguarding,
            after,
        } => {
            let mut client = ForumActionsClient::new(
                args.tls
                    .connect(safeguarding, "the safeguarding service")
                    .await?,
            );
            let request = StreamActionsRequest {
                forum_id: args.forum.clone(),
                after_sequence: *after,
            };
            let mut actions = client
                .stream_actions(authorized(request, &bearer))
                .await
                .map_err(status_error)?
                .into_inner();
            while let Some(action) = actions.message().await.map_err(status_error)? {
                let what = match &action.action {
                    Some(forum_action::Action::ShowCrisisResources(r)) => serde_json::json!({
                        "show_crisis_resources": r.resources,
                        "escalation_id": r.escalation_id,
                    }),
                    Some(forum_action::Action::SuggestContentWarnings(w)) => {
                        serde_json::json!({ "suggest_content_warnings": w.warnings })
                    }
                    None => serde_json::json!({}),
                };
                println!(
                    "{}",
                    serde_json::json!({
                        "sequence": action.sequence,
                        "action_id": action.action_id,
                        "thread_id": action.thread_id,
                        "post_id": action.post_id,
                        "action": what,
                    })
                );
            }
            return Ok(());
        }
        ClientEvent::Alerts { responsiveness } => {
            let mut client = responsiveness_client(&args.tls, responsiveness).await?;
            let request = StreamAlertsRequest {
                forum_id: args.forum.clone(),
            };
            let mut alerts = client
                .stream_alerts(authorized(request, &bearer))
                .await
                .map_err(status_error)?
                .into_inner();
            while let Some(alert) = alerts.message().await.map_err(status_error)? {
                let line = serde_json::json!({
                    "alert_id": alert.alert_id,
                    "state": AlertState::try_from(alert.state).unwrap_or_default().as_str_name(),
                    "level": AlertLevel::try_from(alert.level).unwrap_or_default().as_str_name(),
                    "post_id": alert.post_id, "board_id": alert.board_id,
                    "waited_minutes": alert.waited_ms / 60_000, "author_is_new": alert.author_is_new,
                    "resolution": alert.resolution,
                });
                println!("{line}");
            }
            return Ok(());
        }
        _ => {}
    }
    let mut client = IngestClient::new(args.tls.connect(&args.gateway, "the gateway").await?);
    let bearer: MetadataValue<_> = format!("Bearer {}", args.key)
        .parse()
        .context("the API key has characters a header cannot carry")?;
    let header = |source_id: String| EventHeader {
        forum_id: args.forum.clone(),
        source_id,
        occurred_at: Some(convert::timestamp(SystemTime::now())),
    };

    let (source_id, result) = match args.event {
        ClientEvent::Post {
            id,
            board,
            author,
            role,
            title,
            body,
            no_replies,
            premoderated,
            first_post,
        } => {
            let id = id.unwrap_or_else(|| new_id("post"));
            let request = PublishPostRequest {
                header: Some(header(id.clone())),
                post: Some(NewPost {
                    thread_id: id.clone(),
                    board_id: board,
                    author_member_id: author,
                    author_role: AuthorRole::from(role) as i32,
                    first_post_in_forum: first_post,
                    title,
                    body,
                    no_replies_wanted: no_replies,
                    content_warnings: Vec::new(),
                    held_for_premoderation: premoderated,
                }),
            };
            (id, client.publish_post(authorized(request, &bearer)).await)
        }
        ClientEvent::Reply {
            id,
            thread,
            to,
            author,
            role,
            body,
        } => {
            let id = id.unwrap_or_else(|| new_id("reply"));
            let request = PublishReplyRequest {
                header: Some(header(id.clone())),
                reply: Some(NewReply {
                    in_reply_to: to.unwrap_or_else(|| thread.clone()),
                    thread_id: thread,
                    author_member_id: author,
                    author_role: AuthorRole::from(role) as i32,
                    body,
                    board_id: String::new(),
                    held_for_premoderation: false,
                }),
            };
            (id, client.publish_reply(authorized(request, &bearer)).await)
        }
        ClientEvent::Moderate {
            id,
            action,
            thread,
            post,
            member,
            moderator,
            reason,
            message,
            content_warning,
        } => {
            let id = id.unwrap_or_else(|| new_id("action"));
            let request = PublishModerationActionRequest {
                header: Some(header(id.clone())),
                action: Some(NewModerationAction {
                    kind: ModerationActionKind::from(action) as i32,
                    thread_id: thread,
                    post_id: post,
                    member_id: member,
                    moderator_member_id: moderator,
                    reason_code: reason,
                    message_to_member: message,
                    content_warning,
                }),
            };
            (
                id,
                client
                    .publish_moderation_action(authorized(request, &bearer))
                    .await,
            )
        }
        // Queries were answered above.
        ClientEvent::Stats { .. }
        | ClientEvent::Unanswered { .. }
        | ClientEvent::Alerts { .. }
        | ClientEvent::Actions { .. } => {
            return Ok(());
        }
        ClientEvent::Report {
            id,
            thread,
            post,
            reporter,
            reason,
            note,
        } => {
            let id = id.unwrap_or_else(|| new_id("report"));
            let request = PublishMemberReportRequest {
                header: Some(header(id.clone())),
                report: Some(NewMemberReport {
                    thread_id: thread,
                    post_id: post,
                    reporter_member_id: reporter,
                    reason: ReportReason::from(reason) as i32,
                    note,
                }),
            };
            (
                id,
                client
                    .publish_member_report(authorized(request, &bearer))
                    .await,
            )
        }
        ClientEvent::Erase { id, member } => {
            let id = id.unwrap_or_else(|| new_id("erasure"));
            let request = EraseMemberRequest {
                header: Some(header(id.clone())),
                erasure: Some(MemberErasure { member_id: member }),
            };
            (id, client.erase_member(authorized(request, &bearer)).await)
        }
    };
    match result {
        Ok(response) => {
            let response = response.into_inner();
            let line = serde_json::json!({
                "source_id": source_id,
                "event_id": response.event_id,
                "duplicate": response.duplicate,
            });
            println!("{line}");
            Ok(())
        }
        Err(status) => Err(status_error(status)),
    }
}

async fn responsiveness_client(
    tls: &crate::connect::TlsArgs,
    address: &str,
) -> anyhow::Result<ResponsivenessClient<tonic::transport::Channel>> {
    Ok(ResponsivenessClient::new(
        tls.connect(address, "the responsiveness service").await?,
    ))
}

fn status_error(status: tonic::Status) -> anyhow::Error {
    anyhow::anyhow!("{:?}: {}", status.code(), status.message())
}

/// The headline figures as one JSON object (minutes, null = not reached).
fn stats_json(stats: &ForumStats) -> serde_json::Value {
    let minutes = |ms: Option<i64>| ms.map(|ms| (ms as f64 / 60_000.0 * 10.0).round() / 10.0);
    let all = stats.all.unwrap_or_default();
    let any = all.ttfr_any.unwrap_or_default();
    let peer = all.ttfr_peer.unwrap_or_default();
    serde_json::json!({
        "forum": stats.forum_id,
        "posts": all.posts,
        "answered": all.answered,
        "answered_within_target": all.answered_within_target,
        "unanswered": all.unanswered,
        "oldest_unanswered_minutes": stats.oldest_unanswered_ms / 60_000,
        "no_replies_wanted": stats.no_replies_wanted,
        "awaiting_approval": stats.awaiting_approval,
        "ttfr_minutes": {"p50": minutes(any.p50_ms), "p90": minutes(any.p90_ms), "p99": minutes(any.p99_ms)},
        "peer_ttfr_minutes": {"p50": minutes(peer.p50_ms), "p90": minutes(peer.p90_ms), "p99": minutes(peer.p99_ms)},
    })
}

//! The access matrix: every gRPC method of every service and every dashboard
//! endpoint, called with every kind of credential, against alpha's
//! resources. Each cell must be allowed exactly where the role and forum
//! permit, and every refusal must carry no data.
//!
//! The rules the table encodes (SECURITY.md, "Who can do what"):
//!
//! - No credential, a malformed one or an unknown secret is
//!   `UNAUTHENTICATED` (HTTP 401). "Malformed" here is alpha's own valid
//!   key without the `Bearer ` scheme, alpha's ops token posted to the
//!   sign-in as a form instead of JSON, and a session cookie the dashboard
//!   never issued.
//! - Each API knows one kind of credential: `Ingest`, `Responsiveness` and
//!   `ForumActions` forum API keys, `Moderation` moderator tokens, `Rosters`
//!   admin keys, the dashboard ops viewer tokens (exchanged at
//!   `POST /api/session` for a session cookie). A credential of another kind
//!   is a secret that API does not know, so it is `UNAUTHENTICATED` there
//!   too, not `PERMISSION_DENIED`: the service cannot tell it from a typo,
//!   and answering otherwise would confirm to a caller that a secret is
//!   valid somewhere.
//! - A valid credential of the right kind for another forum is
//!   `PERMISSION_DENIED` (HTTP 403).
//! - In a `PublishBatch` every item is checked on its own (the contract), so
//!   another forum's key gets an OK call whose item is refused with
//!   `PERMISSION_DENIED` ("item DENIED" below); nothing is published.
//! - Some calls are scoped by the credential rather than by the request:
//!   a moderator's escalation stream and open list, and a scoped ops
//!   viewer's overview. There another forum's moderator or viewer is allowed,
//!   and gets nothing of alpha's ("scoped").
//! - Beta's moderators see alpha's escalations only if beta's team covers
//!   alpha as its federation partner. In the test config it is the other way
//!   round (beta's partner is alpha; alpha has none), so `cai` is refused
//!   alpha's escalations; the test checks the config says so. Two rows on a
//!   beta escalation that alpha's team covered show the partner rule
//!   allowing: `ana` may act on it.
//! - `/healthz` and the page itself are public and carry no data.
//!
//! A refusal carries no data: a gRPC status holds none of alpha's thread
//! ids or texts and no pseudonym; a refused stream yields its error status and
//! never an item; a refused HTTP request's body is `{"error": "..."}` and
//! nothing else. Each call is bounded by a timeout. On failure the whole
//! matrix is printed, each wrong cell marked with what was expected.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use modstream_proto::v1::{
    AcknowledgeRequest, AddNoteRequest, AuthorRole, EscalationNotice, EscalationRef, EventHeader,
    GetCoverRequest, GetRosterRequest, HandOverRequest, IngestEvent, ListOpenRequest,
    ListUnansweredRequest, ModerationActionKind, NewMemberReport, NewModerationAction,
    Outcome as ResolveOutcome, PostEdit, PublishBatchRequest, PublishEditRequest,
    PublishMemberReportRequest, PublishModerationActionRequest, PublishPostRequest,
    PublishReplyRequest, PutRosterRequest, ReportReason, ResolveRequest, Roster, StatsRequest,
    StreamActionsRequest, StreamAlertsRequest, StreamEscalationsRequest,
    forum_actions_client::ForumActionsClient, ingest_client::IngestClient, ingest_event::Kind,
    item_result, moderation_client::ModerationClient, responsiveness_client::ResponsivenessClient,
    rosters_client::RostersClient,
};
use modstream_tests::{
    ALPHA, ALPHA_ADMIN_KEY, ALPHA_KEY, ANA_TOKEN, BETA, BETA_ADMIN_KEY, BETA_KEY, CAI_TOKEN,
    OPS_ALPHA_TOKEN, OPS_BETA_TOKEN, OPS_FEDERATION_TOKEN, System, WAIT, authorized, header, post,
    reply,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::transport::Channel;
use tonic::{Code, Status, Streaming};

/// How long one cell's call may take.
const CALL: Duration = Duration::from_secs(10);
/// How long an open stream is watched for an item before it counts as
/// yielding nothing.
const QUIET: Duration = Duration::from_millis(700);

// Alpha's data: none of it may appear in a refusal.
const ALPHA_CRISIS_THREAD: &str = "mx-alpha-crisis";
const ALPHA_CRISIS: &str = "I have swallowed every one of my pills tonight and said my goodbyes to everyone. I am so sorry.";
const ALPHA_WAITING_THREAD: &str = "mx-alpha-waiting";
const ALPHA_WAITING: &str =
    "First time here. I have not slept properly in weeks and feel very alone.";
const ALPHA_MEMBER: &str = "member-raw-alpha-5521";
// Beta's escalation, covered by alpha's team.
const BETA_CRISIS_THREAD: &str = "mx-beta-crisis";
const BETA_CRISIS: &str =
    "The rope is ready and I have left notes for my family. I will not be here in the morning.";

/// What a cell does (expected) or did (observed).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Allowed: the answer is the target's (alpha's) data, or the publish
    /// was accepted.
    Allowed,
    /// Allowed, for an API scoped by the credential: nothing of alpha's in
    /// the answer.
    Scoped,
    /// `UNAUTHENTICATED`, HTTP 401.
    Unauthenticated,
    /// `PERMISSION_DENIED`, HTTP 403.
    PermissionDenied,
    /// A batch call answered OK, its item refused with `PERMISSION_DENIED`.
    ItemDenied,
    /// Anything else: another code or status, a timeout, a refusal that
    /// carried data.
    Other(String),
}

use Outcome::{Allowed as A, PermissionDenied as P, Scoped as S, Unauthenticated as U};
const I: Outcome = Outcome::ItemDenied;

impl Outcome {
    fn show(&self, http: bool) -> String {
        match (self, http) {
            (Outcome::Allowed, _) => "allowed".into(),
            (Outcome::Scoped, _) => "scoped".into(),
            (Outcome::Unauthenticated, false) => "UNAUTH".into(),
            (Outcome::Unauthenticated, true) => "401".into(),
            (Outcome::PermissionDenied, false) => "DENIED".into(),
            (Outcome::PermissionDenied, true) => "403".into(),
            (Outcome::ItemDenied, _) => "item DENIED".into(),
            (Outcome::Other(what), _) => what.clone(),
        }
    }
}

/// How a credential is presented as `authorization` metadata (gRPC) or
/// header (HTTP).
#[derive(Debug, Clone, Copy)]
enum Header {
    Absent,
    /// Sent as is.
    Raw(&'static str),
    /// `Bearer <secret>`.
    Bearer(&'static str),
}

/// How a credential is presented to the dashboard's sign-in.
#[derive(Debug, Clone, Copy)]
enum SignIn {
    /// A POST without a body.
    Nothing,
    /// A form field instead of the JSON the sign-in takes.
    Form(&'static str),
    /// `{"token": ...}`.
    Token(&'static str),
}

#[derive(Debug, Clone, Copy)]
struct Credential {
    name: &'static str,
    header: Header,
    sign_in: SignIn,
    /// A session cookie to present to the dashboard when the sign-in gave
    /// none.
    forged_session: Option<&'static str>,
}

const fn bearer(name: &'static str, secret: &'static str) -> Credential {
    Credential {
        name,
        header: Header::Bearer(secret),
        sign_in: SignIn::Token(secret),
        forged_session: None,
    }
}

/// The columns of the matrix.
const CREDENTIALS: [Credential; 11] = [
    Credential {
        name: "none",
        header: Header::Absent,
        sign_in: SignIn::Nothing,
        forged_session: None,
    },
    // Alpha's own valid key (and alpha's ops token) in the wrong shape, and
    // a session cookie the dashboard never issued.
    Credential {
        name: "malformed",
        header: Header::Raw(ALPHA_KEY),
        sign_in: SignIn::Form(OPS_ALPHA_TOKEN),
        forged_session: Some("modstream_session=0123456789abcdef0123456789abcdef"),
    },
    bearer("alpha-key", ALPHA_KEY),
    bearer("beta-key", BETA_KEY),
    bearer("alpha-mod", ANA_TOKEN),
    bearer("beta-mod", CAI_TOKEN),
    bearer("alpha-admin", ALPHA_ADMIN_KEY),
    bearer("beta-admin", BETA_ADMIN_KEY),
    bearer("ops-alpha", OPS_ALPHA_TOKEN),
    bearer("ops-fed", OPS_FEDERATION_TOKEN),
    bearer("ops-beta", OPS_BETA_TOKEN),
];

/// Beta's moderator on alpha's escalations. Allowed only if beta's team
/// covered alpha as its federation partner; in the test config alpha has no
/// partner (the test asserts it), so: refused.
const CAI_ON_ALPHA: Outcome = P;

// The expected rows, one outcome per credential in `CREDENTIALS` order:
// none, malformed, alpha-key, beta-key, alpha-mod, beta-mod, alpha-admin,
// beta-admin, ops-alpha, ops-fed, ops-beta.
const PLATFORM: [Outcome; 11] = [U, U, A, P, U, U, U, U, U, U, U];
const BATCH: [Outcome; 11] = [U, U, A, I, U, U, U, U, U, U, U];
const OWN_ESCALATIONS: [Outcome; 11] = [U, U, U, U, A, S, U, U, U, U, U];
const ALPHA_ESCALATION: [Outcome; 11] = [U, U, U, U, A, CAI_ON_ALPHA, U, U, U, U, U];
const COVERED_BETA_ESCALATION: [Outcome; 11] = [U, U, U, U, A, A, U, U, U, U, U];
const ADMIN: [Outcome; 11] = [U, U, U, U, U, U, A, P, U, U, U];
const OPS_SIGN_IN: [Outcome; 11] = [U, U, U, U, U, U, U, U, A, A, A];
const OPS_OVERVIEW: [Outcome; 11] = [U, U, U, U, U, U, U, U, A, A, S];
const OPS_FORUM: [Outcome; 11] = [U, U, U, U, U, U, U, U, A, A, P];
const PUBLIC: [Outcome; 11] = [S, S, S, S, S, S, S, S, S, S, S];

impl Credential {
    fn grpc<T>(&self, message: T) -> tonic::Request<T> {
        match self.header {
            Header::Absent => tonic::Request::new(message),
            Header::Bearer(secret) => authorized(message, secret),
            Header::Raw(value) => {
                let mut request = tonic::Request::new(message);
                request
                    .metadata_mut()
                    .insert("authorization", value.parse().unwrap());
                request
            }
        }
    }

    fn http_header(&self) -> Option<String> {
        match self.header {
            Header::Absent => None,
            Header::Raw(value) => Some(value.into()),
            Header::Bearer(secret) => Some(format!("Bearer {secret}")),
        }
    }
}

/// What the probes share: channels to the services and the targets.
struct Ctx {
    gateway: Channel,
    responsiveness: Channel,
    safeguarding: Channel,
    dashboard: SocketAddr,
    alpha_escalation: String,
    beta_escalation: String,
    alpha_roster: Roster,
    /// Alpha's data that no refusal may carry.
    secrets: Vec<String>,
    /// The session cookie each credential presents to the dashboard: the
    /// one its sign-in got, else a forged one, if any.
    cookies: Vec<Option<String>>,
}

impl Ctx {
    fn ingest(&self) -> IngestClient<Channel> {
        IngestClient::new(self.gateway.clone())
    }
    fn queries(&self) -> ResponsivenessClient<Channel> {
        ResponsivenessClient::new(self.responsiveness.clone())
    }
    fn moderation(&self) -> ModerationClient<Channel> {
        ModerationClient::new(self.safeguarding.clone())
    }
    fn rosters(&self) -> RostersClient<Channel> {
        RostersClient::new(self.safeguarding.clone())
    }
    fn actions(&self) -> ForumActionsClient<Channel> {
        ForumActionsClient::new(self.safeguarding.clone())
    }

    /// Alpha's data in `text`, if any.
    fn leaks(&self, text: &str) -> Option<String> {
        let secret = self.secrets.iter().find(|s| text.contains(s.as_str()))?;
        Some(format!("LEAK {secret:?}"))
    }

    /// Any member data in a refusal: alpha's, or any pseudonym at all.
    fn refusal_leaks(&self, text: &str) -> Option<String> {
        self.leaks(text)
            .or_else(|| looks_like_pseudonym(text).then(|| "LEAK pseudonym".into()))
    }

    /// A refusal: its code, unless it carries data.
    fn refused(&self, status: &Status) -> Outcome {
        let said = format!("{} {:?}", status.message(), status.metadata());
        if let Some(leak) = self.refusal_leaks(&said) {
            return Outcome::Other(leak);
        }
        if !status.details().is_empty() {
            return Outcome::Other("LEAK details".into());
        }
        match status.code() {
            Code::Unauthenticated => Outcome::Unauthenticated,
            Code::PermissionDenied => Outcome::PermissionDenied,
            code => Outcome::Other(format!("{code:?}")),
        }
    }

    /// An answer: allowed if it is the target's, else scoped, unless it
    /// carries alpha's data anyway (a scoped answer may carry the caller's
    /// own forum's data, pseudonyms included).
    fn answered(&self, theirs: bool, text: &str) -> Outcome {
        if theirs {
            Outcome::Allowed
        } else if let Some(leak) = self.leaks(text) {
            Outcome::Other(leak)
        } else {
            Outcome::Scoped
        }
    }

    fn unary<T: std::fmt::Debug>(
        &self,
        result: Result<tonic::Response<T>, Status>,
        theirs: impl Fn(&T) -> bool,
    ) -> Outcome {
        match result {
            Ok(response) => {
                let answer = response.into_inner();
                self.answered(theirs(&answer), &format!("{answer:?}"))
            }
            Err(status) => self.refused(&status),
        }
    }

    /// A stream: refused with a status before any item, or allowed once an
    /// item of the target's arrives, or scoped if only other items (or
    /// none) arrive while it is watched.
    async fn stream<T: std::fmt::Debug>(
        &self,
        result: Result<tonic::Response<Streaming<T>>, Status>,
        theirs: impl Fn(&T) -> bool,
    ) -> Outcome {
        let mut stream = match result {
            Ok(response) => response.into_inner(),
            Err(status) => return self.refused(&status),
        };
        let mut seen = String::new();
        loop {
            match tokio::time::timeout(QUIET, stream.message()).await {
                Ok(Ok(Some(item))) if theirs(&item) => return Outcome::Allowed,
                Ok(Ok(Some(item))) => seen.push_str(&format!("{item:?}")),
                Ok(Err(status)) if seen.is_empty() => return self.refused(&status),
                Ok(Err(status)) => {
                    return Outcome::Other(format!("items, then {:?}", status.code()));
                }
                Ok(Ok(None)) | Err(_) => return self.answered(false, &seen),
            }
        }
    }

    /// A dashboard request with this credential: its session cookie (if
    /// its sign-in got one) and its `authorization` header (never honoured
    /// by the dashboard).
    async fn dashboard_get(&self, path: &str, column: usize, theirs: &str) -> Outcome {
        let credential = &CREDENTIALS[column];
        let mut headers = Vec::new();
        if let Some(cookie) = &self.cookies[column] {
            headers.push(format!("Cookie: {cookie}"));
        }
        if let Some(value) = credential.http_header() {
            headers.push(format!("Authorization: {value}"));
        }
        let answer = http(self.dashboard, "GET", path, &headers, None).await;
        self.http_outcome(&answer, |body| body.contains(theirs))
    }

    fn http_outcome(&self, answer: &HttpAnswer, theirs: impl Fn(&str) -> bool) -> Outcome {
        match answer.status {
            200 => self.answered(theirs(&answer.body), &answer.body),
            401 | 403 => {
                // Nothing but `{"error": "..."}`.
                let problem: Option<serde_json::Map<String, serde_json::Value>> =
                    serde_json::from_str(&answer.body).ok();
                let bare = problem.is_some_and(|p| {
                    p.len() == 1 && p.get("error").is_some_and(serde_json::Value::is_string)
                });
                if !bare {
                    Outcome::Other(format!("LEAK body {:?}", answer.body))
                } else if let Some(leak) = self.refusal_leaks(&answer.body) {
                    Outcome::Other(leak)
                } else if answer.status == 401 {
                    Outcome::Unauthenticated
                } else {
                    Outcome::PermissionDenied
                }
            }
            status => Outcome::Other(status.to_string()),
        }
    }
}

/// `m_` and 32 hex digits anywhere: the shape of every pseudonym.
fn looks_like_pseudonym(text: &str) -> bool {
    text.match_indices("m_").any(|(i, _)| {
        let rest = &text.as_bytes()[i + 2..];
        rest.len() >= 32 && rest[..32].iter().all(u8::is_ascii_hexdigit)
    })
}

type Probe = Box<dyn Fn(Arc<Ctx>, usize) -> Pin<Box<dyn Future<Output = Outcome> + Send>>>;

/// A row of the matrix.
struct Endpoint {
    name: &'static str,
    http: bool,
    expected: [Outcome; 11],
    /// Calls the endpoint with the credential of a column.
    probe: Probe,
}

fn endpoint<F, Fut>(name: &'static str, expected: [Outcome; 11], probe: F) -> Endpoint
where
    F: Fn(Arc<Ctx>, usize) -> Fut + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    Endpoint {
        name,
        http: name.starts_with("GET ") || name.starts_with("POST "),
        expected,
        probe: Box::new(move |cx, column| Box::pin(probe(cx, column))),
    }
}

fn alpha_event(source: &str, kind: Kind) -> IngestEvent {
    IngestEvent {
        header: header(ALPHA, source),
        kind: Some(kind),
    }
}

/// Every endpoint, in the order they are called: the escalation is
/// acknowledged, annotated and handed over before it is resolved.
fn endpoints() -> Vec<Endpoint> {
    let benign = "Does anyone have a routine that helps them wind down at night?";
    vec![
        // ---- Ingest (forum API keys) --------------------------------------
        endpoint("Ingest.PublishPost", PLATFORM, move |cx, c| async move {
            let request = PublishPostRequest {
                header: header(ALPHA, "mx-ingest"),
                post: Some(post("mx-ingest", "mx-member", benign)),
            };
            cx.unary(
                cx.ingest().publish_post(CREDENTIALS[c].grpc(request)).await,
                |_| true,
            )
        }),
        endpoint("Ingest.PublishReply", PLATFORM, |cx, c| async move {
            let request = PublishReplyRequest {
                header: header(ALPHA, "mx-ingest-reply"),
                reply: Some(reply("mx-ingest", "mx-member-2", "A warm bath helps me.")),
            };
            cx.unary(
                cx.ingest()
                    .publish_reply(CREDENTIALS[c].grpc(request))
                    .await,
                |_| true,
            )
        }),
        endpoint("Ingest.PublishEdit", PLATFORM, |cx, c| async move {
            let request = PublishEditRequest {
                header: header(ALPHA, "mx-ingest-edit"),
                edit: Some(PostEdit {
                    thread_id: "mx-ingest".into(),
                    post_id: "mx-ingest".into(),
                    editor_member_id: "mx-member".into(),
                    editor_role: AuthorRole::Member as i32,
                    title: String::new(),
                    body: "Edited: what helps you wind down at night?".into(),
                }),
            };
            cx.unary(
                cx.ingest().publish_edit(CREDENTIALS[c].grpc(request)).await,
                |_| true,
            )
        }),
        endpoint(
            "Ingest.PublishModerationAction",
            PLATFORM,
            |cx, c| async move {
                let request = PublishModerationActionRequest {
                    header: header(ALPHA, "mx-ingest-approved"),
                    action: Some(NewModerationAction {
                        kind: ModerationActionKind::Approved as i32,
                        thread_id: "mx-ingest".into(),
                        post_id: "mx-ingest".into(),
                        moderator_member_id: "mx-mod".into(),
                        ..Default::default()
                    }),
                };
                let result = cx
                    .ingest()
                    .publish_moderation_action(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |_| true)
            },
        ),
        endpoint("Ingest.PublishMemberReport", PLATFORM, |cx, c| async move {
            let request = PublishMemberReportRequest {
                header: header(ALPHA, "mx-ingest-report"),
                report: Some(NewMemberReport {
                    thread_id: "mx-ingest".into(),
                    post_id: "mx-ingest".into(),
                    reporter_member_id: "mx-member-3".into(),
                    reason: ReportReason::Spam as i32,
                    note: String::new(),
                }),
            };
            let result = cx
                .ingest()
                .publish_member_report(CREDENTIALS[c].grpc(request))
                .await;
            cx.unary(result, |_| true)
        }),
        endpoint("Ingest.PublishBatch", BATCH, move |cx, c| async move {
            let request = PublishBatchRequest {
                events: vec![alpha_event(
                    "mx-ingest-batch",
                    Kind::Post(post("mx-ingest-batch", "mx-member", benign)),
                )],
            };
            match cx
                .ingest()
                .publish_batch(CREDENTIALS[c].grpc(request))
                .await
            {
                Err(status) => cx.refused(&status),
                Ok(response) => match &response.into_inner().results[..] {
                    [one] => match &one.outcome {
                        Some(item_result::Outcome::Published(_)) => Outcome::Allowed,
                        Some(item_result::Outcome::Error(e))
                            if e.code == Code::PermissionDenied as i32 =>
                        {
                            match cx.refusal_leaks(&e.message) {
                                Some(leak) => Outcome::Other(leak),
                                None => Outcome::ItemDenied,
                            }
                        }
                        other => Outcome::Other(format!("item {other:?}")),
                    },
                    results => Outcome::Other(format!("{} results", results.len())),
                },
            }
        }),
        // ---- Responsiveness (forum API keys) ------------------------------
        endpoint("Responsiveness.GetStats", PLATFORM, |cx, c| async move {
            let request = StatsRequest {
                forum_id: ALPHA.into(),
                ..Default::default()
            };
            cx.unary(
                cx.queries().get_stats(CREDENTIALS[c].grpc(request)).await,
                |s| s.forum_id == ALPHA && s.all.as_ref().is_some_and(|a| a.posts > 0),
            )
        }),
        endpoint(
            "Responsiveness.ListUnanswered",
            PLATFORM,
            |cx, c| async move {
                let request = ListUnansweredRequest {
                    forum_id: ALPHA.into(),
                    limit: 0,
                };
                let result = cx
                    .queries()
                    .list_unanswered(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |list| {
                    list.posts
                        .iter()
                        .any(|p| p.thread_id == ALPHA_WAITING_THREAD)
                })
            },
        ),
        endpoint(
            "Responsiveness.GetBenchmark",
            PLATFORM,
            |cx, c| async move {
                let request = StatsRequest {
                    forum_id: ALPHA.into(),
                    ..Default::default()
                };
                let result = cx
                    .queries()
                    .get_benchmark(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |b| {
                    b.own.as_ref().is_some_and(|s| s.forum_id == ALPHA)
                })
            },
        ),
        endpoint(
            "Responsiveness.StreamAlerts",
            PLATFORM,
            |cx, c| async move {
                let request = StreamAlertsRequest {
                    forum_id: ALPHA.into(),
                };
                let result = cx
                    .queries()
                    .stream_alerts(CREDENTIALS[c].grpc(request))
                    .await;
                cx.stream(result, |alert| alert.forum_id == ALPHA).await
            },
        ),
        // ---- Moderation (moderator tokens) --------------------------------
        endpoint(
            "Moderation.StreamEscalations",
            OWN_ESCALATIONS,
            |cx, c| async move {
                let request = StreamEscalationsRequest { after_sequence: 0 };
                let result = cx
                    .moderation()
                    .stream_escalations(CREDENTIALS[c].grpc(request))
                    .await;
                cx.stream(result, |notice: &EscalationNotice| {
                    notice
                        .escalation
                        .as_ref()
                        .is_some_and(|e| e.forum_id == ALPHA)
                })
                .await
            },
        ),
        endpoint("Moderation.ListOpen", OWN_ESCALATIONS, |cx, c| async move {
            let result = cx
                .moderation()
                .list_open(CREDENTIALS[c].grpc(ListOpenRequest {}))
                .await;
            cx.unary(result, |list| {
                list.escalations.iter().any(|e| e.forum_id == ALPHA)
            })
        }),
        endpoint(
            "Moderation.GetEscalation",
            ALPHA_ESCALATION,
            |cx, c| async move {
                let request = EscalationRef {
                    escalation_id: cx.alpha_escalation.clone(),
                };
                let result = cx
                    .moderation()
                    .get_escalation(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |e| e.forum_id == ALPHA)
            },
        ),
        endpoint(
            "Moderation.Acknowledge",
            ALPHA_ESCALATION,
            |cx, c| async move {
                let request = AcknowledgeRequest {
                    escalation_id: cx.alpha_escalation.clone(),
                };
                let result = cx
                    .moderation()
                    .acknowledge(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |e| e.forum_id == ALPHA)
            },
        ),
        endpoint("Moderation.AddNote", ALPHA_ESCALATION, |cx, c| async move {
            let request = AddNoteRequest {
                escalation_id: cx.alpha_escalation.clone(),
                note: "Called them; staying with them on chat.".into(),
            };
            let result = cx.moderation().add_note(CREDENTIALS[c].grpc(request)).await;
            cx.unary(result, |e| e.forum_id == ALPHA)
        }),
        endpoint(
            "Moderation.HandOver",
            ALPHA_ESCALATION,
            |cx, c| async move {
                let request = HandOverRequest {
                    escalation_id: cx.alpha_escalation.clone(),
                    to_moderator_id: "ben".into(),
                    to_forum_id: String::new(),
                    note: "Ben knows them from earlier threads.".into(),
                };
                let result = cx
                    .moderation()
                    .hand_over(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |e| e.forum_id == ALPHA)
            },
        ),
        endpoint("Moderation.Resolve", ALPHA_ESCALATION, |cx, c| async move {
            let request = ResolveRequest {
                escalation_id: cx.alpha_escalation.clone(),
                outcome: ResolveOutcome::ContactedMember as i32,
                note: "Safe tonight; safety plan agreed.".into(),
            };
            let result = cx.moderation().resolve(CREDENTIALS[c].grpc(request)).await;
            cx.unary(result, |e| e.forum_id == ALPHA)
        }),
        endpoint(
            "Moderation.GetEscalation (beta's, alpha covered)",
            COVERED_BETA_ESCALATION,
            |cx, c| async move {
                let request = EscalationRef {
                    escalation_id: cx.beta_escalation.clone(),
                };
                let result = cx
                    .moderation()
                    .get_escalation(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |e| e.escalation_id == cx.beta_escalation)
            },
        ),
        endpoint(
            "Moderation.Acknowledge (beta's, alpha covered)",
            COVERED_BETA_ESCALATION,
            |cx, c| async move {
                let request = AcknowledgeRequest {
                    escalation_id: cx.beta_escalation.clone(),
                };
                let result = cx
                    .moderation()
                    .acknowledge(CREDENTIALS[c].grpc(request))
                    .await;
                cx.unary(result, |e| e.escalation_id == cx.beta_escalation)
            },
        ),
        // ---- Rosters (admin keys) -----------------------------------------
        endpoint("Rosters.GetRoster", ADMIN, |cx, c| async move {
            let request = GetRosterRequest {
                forum_id: ALPHA.into(),
            };
            let result = cx.rosters().get_roster(CREDENTIALS[c].grpc(request)).await;
            cx.unary(result, |r| r.forum_id == ALPHA)
        }),
        endpoint("Rosters.PutRoster", ADMIN, |cx, c| async move {
            // Alpha's own roster, unchanged: only who may replace it is tested.
            let request = PutRosterRequest {
                roster: Some(cx.alpha_roster.clone()),
            };
            let result = cx.rosters().put_roster(CREDENTIALS[c].grpc(request)).await;
            cx.unary(result, |r| r.forum_id == ALPHA)
        }),
        endpoint("Rosters.GetCover", ADMIN, |cx, c| async move {
            let request = GetCoverRequest {
                forum_id: ALPHA.into(),
            };
            let result = cx.rosters().get_cover(CREDENTIALS[c].grpc(request)).await;
            cx.unary(result, |cover| cover.forum_id == ALPHA)
        }),
        // ---- ForumActions (forum API keys) --------------------------------
        endpoint("ForumActions.StreamActions", PLATFORM, |cx, c| async move {
            let request = StreamActionsRequest {
                forum_id: ALPHA.into(),
                after_sequence: 0,
            };
            let result = cx
                .actions()
                .stream_actions(CREDENTIALS[c].grpc(request))
                .await;
            cx.stream(result, |action| action.forum_id == ALPHA).await
        }),
        // ---- Dashboard (ops viewer tokens, by session cookie) -------------
        endpoint("POST /api/session", OPS_SIGN_IN, |cx, c| async move {
            let answer = sign_in(cx.dashboard, &CREDENTIALS[c]).await;
            cx.http_outcome(&answer, |_| answer.cookie().is_some())
        }),
        endpoint("GET /api/overview", OPS_OVERVIEW, |cx, c| async move {
            cx.dashboard_get("/api/overview", c, r#""forum_id":"alpha""#)
                .await
        }),
        endpoint("GET /api/live", OPS_OVERVIEW, |cx, c| async move {
            cx.dashboard_get("/api/live", c, r#""forum_id":"alpha""#)
                .await
        }),
        endpoint("GET /api/forums/alpha", OPS_FORUM, |cx, c| async move {
            cx.dashboard_get("/api/forums/alpha", c, ALPHA_CRISIS_THREAD)
                .await
        }),
        endpoint(
            "GET /api/forums/alpha/live",
            OPS_FORUM,
            |cx, c| async move {
                cx.dashboard_get("/api/forums/alpha/live", c, ALPHA_CRISIS_THREAD)
                    .await
            },
        ),
        // Public: answered to anyone, with no data.
        endpoint("GET /healthz", PUBLIC, |cx, c| async move {
            cx.dashboard_get("/healthz", c, ALPHA).await
        }),
        endpoint("GET / (the page)", PUBLIC, |cx, c| async move {
            cx.dashboard_get("/", c, ALPHA_CRISIS_THREAD).await
        }),
    ]
}

#[tokio::test]
async fn every_endpoint_with_every_credential() {
    let mut system = System::embedded().await;
    // The partner setting decides `CAI_ON_ALPHA` and the covered rows.
    let partner = |id: &str| {
        let forum = system.config.forums.iter().find(|f| f.id == id).unwrap();
        forum.safeguarding.partner_forum.clone()
    };
    assert_eq!(
        partner(ALPHA),
        None,
        "beta's team does not cover alpha; if it did, update CAI_ON_ALPHA"
    );
    assert_eq!(
        partner(BETA).as_deref(),
        Some(ALPHA),
        "alpha's team covers beta"
    );

    system.start_responsiveness().await;
    system.start_safeguarding().await;
    let dashboard = system.start_dashboard().await;
    let cx = Arc::new(setup(&system, dashboard.address).await);

    let endpoints = endpoints();
    let mut observed = Vec::new();
    for endpoint in &endpoints {
        let mut row = Vec::new();
        for column in 0..CREDENTIALS.len() {
            let outcome = tokio::time::timeout(CALL, (endpoint.probe)(cx.clone(), column))
                .await
                .unwrap_or_else(|_| Outcome::Other("timeout".into()));
            row.push(outcome);
        }
        observed.push(row);
    }
    let (table, wrong) = render(&endpoints, &observed);
    println!("{table}");
    assert!(
        wrong.is_empty(),
        "access matrix: {} cell(s) wrong\n{table}\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    dashboard.stop().await;
}

/// The matrix as text, wrong cells marked `!`; and one line per wrong cell.
fn render(endpoints: &[Endpoint], observed: &[Vec<Outcome>]) -> (String, Vec<String>) {
    const FIRST: usize = 48;
    const CELL: usize = 13;
    let mut table = format!("{:FIRST$}", "endpoint \\ credential");
    for credential in &CREDENTIALS {
        table.push_str(&format!("{:>CELL$}", credential.name));
    }
    table.push('\n');
    let mut wrong = Vec::new();
    for (endpoint, row) in endpoints.iter().zip(observed) {
        table.push_str(&format!("{:FIRST$}", endpoint.name));
        for ((got, want), credential) in row.iter().zip(&endpoint.expected).zip(&CREDENTIALS) {
            let mut cell = got.show(endpoint.http);
            if got != want {
                cell.insert(0, '!');
                wrong.push(format!(
                    "{} with {}: got {}, expected {}",
                    endpoint.name,
                    credential.name,
                    got.show(endpoint.http),
                    want.show(endpoint.http)
                ));
            }
            table.push_str(&format!(" {cell:>width$}", width = CELL - 1));
        }
        table.push('\n');
    }
    table.push_str(
        "allowed: the target's data | scoped: allowed, nothing of alpha's | \
         UNAUTH/401, DENIED/403 | item DENIED: batch item refused | ! not as expected\n",
    );
    (table, wrong)
}

/// Alpha's crisis escalation (with ana), an unanswered alpha post with its
/// alerts, beta's crisis escalation covered by ana, everything applied by
/// every service, and each credential's dashboard sign-in.
async fn setup(system: &System, dashboard: SocketAddr) -> Ctx {
    let channel = |address: SocketAddr| {
        Channel::from_shared(format!("http://{address}"))
            .unwrap()
            .connect_lazy()
    };
    let mut cx = Ctx {
        gateway: channel(system.address),
        responsiveness: channel(system.responsiveness.as_ref().unwrap().address),
        safeguarding: channel(system.safeguarding.as_ref().unwrap().address),
        dashboard,
        alpha_escalation: String::new(),
        beta_escalation: String::new(),
        alpha_roster: Roster::default(),
        secrets: [
            ALPHA_CRISIS_THREAD,
            ALPHA_CRISIS,
            ALPHA_WAITING_THREAD,
            ALPHA_WAITING,
            ALPHA_MEMBER,
            "Alpha test forum",
        ]
        .map(String::from)
        .to_vec(),
        cookies: Vec::new(),
    };

    // Ana's console is open, so both crises are routed to her.
    let mut ana = cx
        .moderation()
        .stream_escalations(authorized(
            StreamEscalationsRequest { after_sequence: 0 },
            ANA_TOKEN,
        ))
        .await
        .unwrap()
        .into_inner();
    let mut waiting = post(ALPHA_WAITING_THREAD, ALPHA_MEMBER, ALPHA_WAITING);
    waiting.first_post_in_forum = true;
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 3600);
    let published = [
        (
            ALPHA_KEY,
            PublishPostRequest {
                header: header(ALPHA, ALPHA_CRISIS_THREAD),
                post: Some(post(ALPHA_CRISIS_THREAD, ALPHA_MEMBER, ALPHA_CRISIS)),
            },
        ),
        (
            ALPHA_KEY,
            PublishPostRequest {
                header: Some(EventHeader {
                    occurred_at: Some(modstream_proto::convert::timestamp(two_hours_ago)),
                    ..header(ALPHA, ALPHA_WAITING_THREAD).unwrap()
                }),
                post: Some(waiting),
            },
        ),
        (
            BETA_KEY,
            PublishPostRequest {
                header: header(BETA, BETA_CRISIS_THREAD),
                post: Some(post(
                    BETA_CRISIS_THREAD,
                    "member-raw-beta-0042",
                    BETA_CRISIS,
                )),
            },
        ),
    ];
    for (key, request) in published {
        cx.ingest()
            .publish_post(authorized(request, key))
            .await
            .unwrap();
    }
    // Answers are searched in their `Debug` text, which escapes these.
    assert!(cx.secrets.iter().all(|s| !s.contains(['"', '\\'])));
    while cx.alpha_escalation.is_empty() || cx.beta_escalation.is_empty() {
        let notice = tokio::time::timeout(WAIT, ana.message())
            .await
            .expect("both crises escalated to ana in time")
            .unwrap()
            .unwrap();
        let e = notice.escalation.unwrap();
        match e.thread_id.as_str() {
            ALPHA_CRISIS_THREAD => {
                cx.secrets.push(e.author_pseudonym.clone());
                cx.alpha_escalation = e.escalation_id;
            }
            BETA_CRISIS_THREAD => {
                assert!(e.covered_by_partner, "beta's crisis went to alpha's team");
                cx.beta_escalation = e.escalation_id;
            }
            other => panic!("an unexpected escalation of {other}"),
        }
    }

    // Responsiveness: alpha's waiting post has raised its alerts.
    let mut alerts = cx
        .queries()
        .stream_alerts(authorized(
            StreamAlertsRequest {
                forum_id: ALPHA.into(),
            },
            ALPHA_KEY,
        ))
        .await
        .unwrap()
        .into_inner();
    let alert = tokio::time::timeout(WAIT, alerts.message())
        .await
        .expect("an alert for alpha's waiting post in time")
        .unwrap()
        .unwrap();
    assert_eq!(alert.thread_id, ALPHA_WAITING_THREAD);

    cx.alpha_roster = cx
        .rosters()
        .get_roster(authorized(
            GetRosterRequest {
                forum_id: ALPHA.into(),
            },
            ALPHA_ADMIN_KEY,
        ))
        .await
        .unwrap()
        .into_inner();

    for credential in &CREDENTIALS {
        let cookie = sign_in(dashboard, credential).await.cookie();
        cx.cookies
            .push(cookie.or_else(|| credential.forged_session.map(String::from)));
    }
    // The dashboard has applied alpha's escalation.
    let federation = CREDENTIALS
        .iter()
        .position(|c| c.name == "ops-fed")
        .unwrap();
    let cookie = format!("Cookie: {}", cx.cookies[federation].as_ref().unwrap());
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let page = http(
            dashboard,
            "GET",
            "/api/forums/alpha",
            std::slice::from_ref(&cookie),
            None,
        )
        .await;
        if page.status == 200 && page.body.contains(ALPHA_CRISIS_THREAD) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the dashboard shows alpha's escalation in time: {page:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cx
}

/// An HTTP answer: status, head (lowercase) and body as text.
#[derive(Debug)]
struct HttpAnswer {
    status: u16,
    head: String,
    body: String,
}

impl HttpAnswer {
    /// The session cookie it sets, as `name=value`.
    fn cookie(&self) -> Option<String> {
        let start = self.head.find("set-cookie: ")? + "set-cookie: ".len();
        let line = self.head[start..].lines().next()?;
        line.split(';').next().map(str::to_owned)
    }
}

/// Signs in to the dashboard the way `credential` is presented there.
async fn sign_in(dashboard: SocketAddr, credential: &Credential) -> HttpAnswer {
    let body = match credential.sign_in {
        SignIn::Nothing => None,
        SignIn::Form(token) => Some((
            "application/x-www-form-urlencoded",
            format!("token={token}"),
        )),
        SignIn::Token(token) => Some((
            "application/json",
            serde_json::json!({ "token": token }).to_string(),
        )),
    };
    http(dashboard, "POST", "/api/session", &[], body).await
}

/// One HTTP/1.1 request on its own connection. A server-sent event stream
/// is read up to its first event.
async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[String],
    body: Option<(&str, String)>,
) -> HttpAnswer {
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    let body = match body {
        Some((content_type, body)) => {
            request.push_str(&format!("Content-Type: {content_type}\r\n"));
            body
        }
        None => String::new(),
    };
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let mut tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = tcp.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&raw);
        if let Some((head, body)) = text.split_once("\r\n\r\n")
            && head.to_ascii_lowercase().contains("text/event-stream")
            && body
                .find("data:")
                .is_some_and(|at| body[at..].contains("\n\n"))
        {
            break;
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    HttpAnswer {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_owned(),
    }
}

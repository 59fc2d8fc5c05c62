//! The gRPC APIs: `Moderation` (moderators' consoles), `Rosters` (forum
//! admins) and `ForumActions` (forum platforms). Every call is authorised by
//! its credential, which decides the forum (and moderator) it acts for.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use modstream_auth::{AdminKeys, ForumKeys, Moderator, ModeratorKeys};
use modstream_proto::convert;
use modstream_proto::v1::{
    AcknowledgeRequest, AddNoteRequest, Cover, Escalation, EscalationList, EscalationNotice,
    EscalationRef, ForumAction, GetCoverRequest, GetRosterRequest, HandOverRequest,
    ListOpenRequest, NoticeKind, PutRosterRequest, ResolveRequest, Roster as RosterMessage,
    StreamActionsRequest, StreamEscalationsRequest, forum_actions_server::ForumActions,
    moderation_server::Moderation, rosters_server::Rosters,
};
use modstream_telemetry::trace;
use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::desk::{Desk, DeskError, Presence, severity_name};
use crate::roster::Roster;

impl From<DeskError> for Status {
    fn from(err: DeskError) -> Self {
        match err {
            DeskError::NotFound(_) => Status::not_found(err.to_string()),
            DeskError::PermissionDenied(m) => Status::permission_denied(m),
            DeskError::Invalid { .. } => Status::invalid_argument(err.to_string()),
            DeskError::FailedPrecondition(m) => Status::failed_precondition(m),
            DeskError::Store(e) => Status::internal(format!("the safeguarding store failed: {e}")),
        }
    }
}

/// Records the hand-over of an assignment to a moderator's stream as a span
/// in the trace of the event that brought the escalation, so one trace runs
/// from the forum's publish call to the moderator's console.
fn trace_delivery(notice: &EscalationNotice) {
    if notice.kind != NoticeKind::Assigned as i32 {
        return;
    }
    let Some(escalation) = &notice.escalation else {
        return;
    };
    let Some(evidence) = escalation.evidence.last() else {
        return;
    };
    let parent = trace::extract([(trace::TRACEPARENT, evidence.traceparent.as_str())]);
    let span = trace::start_span(
        "modstream-safeguarding",
        "escalation.deliver",
        SpanKind::Producer,
        &parent,
        vec![
            KeyValue::new("modstream.forum_id", escalation.forum_id.clone()),
            KeyValue::new("modstream.escalation_id", escalation.escalation_id.clone()),
            KeyValue::new("modstream.severity", severity_name(escalation.severity)),
        ],
    );
    tracing::debug!(
        escalation_id = %escalation.escalation_id,
        trace_id = %trace::trace_id(&span),
        "escalation delivered to a moderator's stream"
    );
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// How long the window of cover (`GetCover`) looks ahead.
const COVER_HORIZON: Duration = Duration::from_secs(24 * 3600);

pub struct ModerationApi {
    pub(crate) desk: Arc<Desk>,
    pub(crate) keys: ModeratorKeys,
    /// Flips when the service drains: open streams end, so a graceful stop
    /// does not wait for consoles to hang up.
    pub(crate) closing: watch::Receiver<bool>,
}

impl ModerationApi {
    fn who<T>(&self, request: &Request<T>) -> Result<Moderator, Status> {
        Ok(self.keys.authenticate(request.metadata())?.clone())
    }
}

fn required_id(id: &str) -> Result<&str, Status> {
    if id.trim().is_empty() {
        Err(Status::invalid_argument("escalation_id: required"))
    } else {
        Ok(id)
    }
}

#[tonic::async_trait]
impl Moderation for ModerationApi {
    type StreamEscalationsStream = BoxStream<EscalationNotice>;

    async fn stream_escalations(
        &self,
        request: Request<StreamEscalationsRequest>,
    ) -> Result<Response<Self::StreamEscalationsStream>, Status> {
        let who = self.who(&request)?;
        let after = request.get_ref().after_sequence;
        // Listen before reading the backlog, so nothing falls between them;
        // the sequence drops what both would deliver.
        let live = self.desk.subscribe_notices();
        let presence: Presence = self.desk.connect(&who).await?;
        let backlog = self.desk.notices_after(&who, after)?;
        let desk = self.desk.clone();
        let mine = who.clone();
        let stream = resumable(
            self.closing.clone(),
            after,
            backlog,
            live,
            move |(forum, moderator, notice)| {
                if forum != mine.forum_id || moderator != mine.moderator_id {
                    return None;
                }
                trace_delivery(&notice);
                Some(notice)
            },
            move |last| desk.notices_after(&who, last),
            presence, // connected while the stream lives
        );
        Ok(Response::new(stream))
    }

    async fn list_open(
        &self,
        request: Request<ListOpenRequest>,
    ) -> Result<Response<EscalationList>, Status> {
        let who = self.who(&request)?;
        Ok(Response::new(EscalationList {
            escalations: self.desk.list_open(&who)?,
        }))
    }

    async fn get_escalation(
        &self,
        request: Request<EscalationRef>,
    ) -> Result<Response<Escalation>, Status> {
        let who = self.who(&request)?;
        let id = required_id(&request.get_ref().escalation_id)?;
        Ok(Response::new(self.desk.get(&who, id)?))
    }

    async fn acknowledge(
        &self,
        request: Request<AcknowledgeRequest>,
    ) -> Result<Response<Escalation>, Status> {
        let who = self.who(&request)?;
        let id = required_id(&request.get_ref().escalation_id)?;
        Ok(Response::new(self.desk.acknowledge(&who, id).await?))
    }

    async fn resolve(
        &self,
        request: Request<ResolveRequest>,
    ) -> Result<Response<Escalation>, Status> {
        let who = self.who(&request)?;
        let r = request.get_ref();
        let id = required_id(&r.escalation_id)?;
        Ok(Response::new(
            self.desk.resolve(&who, id, r.outcome, &r.note).await?,
        ))
    }

    async fn add_note(
        &self,
        request: Request<AddNoteRequest>,
    ) -> Result<Response<Escalation>, Status> {
        let who = self.who(&request)?;
        let r = request.get_ref();
        let id = required_id(&r.escalation_id)?;
        Ok(Response::new(self.desk.add_note(&who, id, &r.note).await?))
    }

    async fn hand_over(
        &self,
        request: Request<HandOverRequest>,
    ) -> Result<Response<Escalation>, Status> {
        let who = self.who(&request)?;
        let r = request.get_ref();
        let id = required_id(&r.escalation_id)?;
        if r.to_moderator_id.trim().is_empty() {
            return Err(Status::invalid_argument("to_moderator_id: required"));
        }
        Ok(Response::new(
            self.desk
                .hand_over(&who, id, &r.to_forum_id, &r.to_moderator_id, &r.note)
                .await?,
        ))
    }
}

pub struct RostersApi {
    pub(crate) desk: Arc<Desk>,
    pub(crate) keys: AdminKeys,
}

#[tonic::async_trait]
impl Rosters for RostersApi {
    async fn get_roster(
        &self,
        request: Request<GetRosterRequest>,
    ) -> Result<Response<RosterMessage>, Status> {
        let forum = &request.get_ref().forum_id;
        self.keys.authorize(request.metadata(), forum)?;
        let roster = self
            .desk
            .roster(forum)
            .ok_or_else(|| Status::not_found(format!("forum_id: no forum {forum:?}")))?;
        Ok(Response::new(roster.to_proto()))
    }

    async fn put_roster(
        &self,
        request: Request<PutRosterRequest>,
    ) -> Result<Response<RosterMessage>, Status> {
        let roster = request
            .get_ref()
            .roster
            .clone()
            .ok_or_else(|| Status::invalid_argument("roster: required"))?;
        let admin = self.keys.authorize(request.metadata(), &roster.forum_id)?;
        let parsed = Roster::from_proto(&roster, &self.desk.moderators(&roster.forum_id))
            .map_err(|e| Status::invalid_argument(format!("roster.{e}")))?;
        self.desk.put_roster(parsed.clone(), &admin).await?;
        tracing::info!(forum_id = %roster.forum_id, changed_by = %admin, "roster replaced through the admin API");
        Ok(Response::new(parsed.to_proto()))
    }

    async fn get_cover(
        &self,
        request: Request<GetCoverRequest>,
    ) -> Result<Response<Cover>, Status> {
        let forum = &request.get_ref().forum_id;
        self.keys.authorize(request.metadata(), forum)?;
        Ok(Response::new(cover(&self.desk, forum)))
    }
}

/// Who covers `forum` now and when its next gap in cover is.
pub fn cover(desk: &Desk, forum: &str) -> Cover {
    let now = desk_now(desk);
    let on_shift = desk.on_shift(forum, now);
    let gap = desk
        .roster(forum)
        .and_then(|r| r.next_gap(now, COVER_HORIZON));
    Cover {
        forum_id: forum.to_owned(),
        available: desk.available(forum, now),
        on_shift: on_shift.moderators,
        lead_id: on_shift.lead.unwrap_or_default(),
        next_gap_from: gap.map(|(from, _)| convert::timestamp(from)),
        next_gap_to: gap.map(|(_, to)| convert::timestamp(to)),
        partner_forum_id: desk.partner(forum).unwrap_or_default(),
    }
}

fn desk_now(desk: &Desk) -> std::time::SystemTime {
    desk.now()
}

pub struct ForumActionsApi {
    pub(crate) desk: Arc<Desk>,
    pub(crate) keys: ForumKeys,
    pub(crate) closing: watch::Receiver<bool>,
}

#[tonic::async_trait]
impl ForumActions for ForumActionsApi {
    type StreamActionsStream = BoxStream<ForumAction>;

    async fn stream_actions(
        &self,
        request: Request<StreamActionsRequest>,
    ) -> Result<Response<Self::StreamActionsStream>, Status> {
        let r = request.get_ref();
        self.keys.authorize(request.metadata(), &r.forum_id)?;
        let forum = r.forum_id.clone();
        let after = r.after_sequence;
        let live = self.desk.subscribe_actions();
        let backlog = self.desk.actions_after(&forum, after)?;
        let desk = self.desk.clone();
        let theirs = forum.clone();
        let stream = resumable(
            self.closing.clone(),
            after,
            backlog,
            live,
            move |action: ForumAction| (action.forum_id == theirs).then_some(action),
            move |last| desk.actions_after(&forum, last),
            (),
        );
        Ok(Response::new(stream))
    }
}

/// Something delivered in sequence order, resumable after a sequence.
trait Sequenced {
    fn sequence(&self) -> u64;
}

impl Sequenced for EscalationNotice {
    fn sequence(&self) -> u64 {
        self.sequence
    }
}

impl Sequenced for ForumAction {
    fn sequence(&self) -> u64 {
        self.sequence
    }
}

/// A stream of what was stored after `after` (`backlog`), then of what
/// arrives live: `mine` keeps the caller's items of the live feed, and the
/// sequence drops what both deliver. A receiver too slow for the live feed
/// catches up from disk with `catch_up(last sequence sent)`. `keep` lives as
/// long as the stream (a moderator's presence).
fn resumable<T, L>(
    closing: watch::Receiver<bool>,
    after: u64,
    backlog: Vec<T>,
    mut live: tokio::sync::broadcast::Receiver<L>,
    mine: impl Fn(L) -> Option<T> + Send + 'static,
    catch_up: impl Fn(u64) -> Result<Vec<T>, DeskError> + Send + 'static,
    keep: impl Send + 'static,
) -> BoxStream<T>
where
    T: Sequenced + Send + 'static,
    L: Clone + Send + 'static,
{
    async_stream(closing, move |tx| async move {
        let _keep = keep;
        let mut last = after;
        let mut pending = backlog;
        loop {
            for item in pending.drain(..) {
                if item.sequence() <= last {
                    continue;
                }
                last = item.sequence();
                if tx.send(Ok(item)).await.is_err() {
                    return;
                }
            }
            match live.recv().await {
                Ok(item) => pending.extend(mine(item)),
                Err(RecvError::Lagged(_)) => match catch_up(last) {
                    Ok(missed) => pending = missed,
                    Err(err) => {
                        let _ = tx.send(Err(err.into())).await;
                        return;
                    }
                },
                Err(RecvError::Closed) => return,
            }
        }
    })
}

/// A response stream fed by a task that ends when the client goes away (its
/// sends fail), the producer ends, or the service starts closing.
fn async_stream<T, F, Fut>(mut closing: watch::Receiver<bool>, produce: F) -> BoxStream<T>
where
    T: Send + 'static,
    F: FnOnce(tokio::sync::mpsc::Sender<Result<T, Status>>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    let produce = produce(tx);
    let task = async move {
        tokio::select! {
            () = produce => {}
            _ = closing.wait_for(|closing| *closing) => {}
        }
    };
    // The task is owned by the stream: dropping the stream (client gone,
    // server shutting down) aborts it.
    let owned = modstream_runtime::OwnedTask::spawn(task);
    Box::pin(OwnedStream {
        inner: tokio_stream::wrappers::ReceiverStream::new(rx),
        _task: owned,
    })
}

struct OwnedStream<T> {
    inner: tokio_stream::wrappers::ReceiverStream<Result<T, Status>>,
    _task: modstream_runtime::OwnedTask<()>,
}

impl<T> Stream for OwnedStream<T> {
    type Item = Result<T, Status>;
    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        Pin::new(&mut self.inner).poll_next(cx)
    }
}

//! The `Ingest` gRPC service.
//!
//! Every call, unary or batch, goes through [`Ingest::publish`]: authenticate,
//! check each event, claim its idempotency key, sync the claims, write the
//! new events to the bus in one batch, and answer per event only after the bus
//! confirmed it.

use modstream_bus::{Bus, Record};
use modstream_clock::SharedClock;
use modstream_proto::convert;
use modstream_proto::topics::FORUM_EVENTS;
use modstream_proto::v1::{
    self, EraseMemberRequest, IngestEvent, ItemResult, PublishBatchRequest, PublishBatchResponse,
    PublishEditRequest, PublishMemberReportRequest, PublishModerationActionRequest,
    PublishPostRequest, PublishReplyRequest, PublishResponse, ingest_event::Kind,
    item_result::Outcome,
};
use modstream_telemetry::trace;
use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;
use prost::Message as _;
use sha2::{Digest, Sha256};
use tonic::metadata::MetadataMap;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::check::{Limits, check};
use crate::erasure::{EpochBump, Epochs};
use crate::error::ItemError;
use crate::idempotency::{self, Claim, IdempotencyStore};
use crate::metrics::{self, Metrics};
use crate::tenants::Tenants;

/// Header on every bus record: the event id, so tools can find an event
/// without decoding it.
pub const EVENT_ID_HEADER: &str = "modstream-event-id";

pub struct Ingest {
    pub(crate) tenants: Tenants,
    pub(crate) limits: Limits,
    pub(crate) max_batch_events: usize,
    pub(crate) bus: Bus,
    pub(crate) store: IdempotencyStore,
    pub(crate) epochs: Epochs,
    pub(crate) clock: SharedClock,
    pub(crate) metrics: Metrics,
    pub(crate) overload: crate::limits::Limits,
}

/// A valid event whose key this call holds, waiting for the bus.
struct Pending<'a> {
    index: usize,
    event_id: Uuid,
    digest: [u8; 32],
    guard: idempotency::InFlight<'a>,
    record: Record,
    /// For an erasure: the epoch to move on once the bus confirmed it.
    bump: Option<EpochBump>,
}

impl Ingest {
    /// Publishes `items` for the forum the call's key belongs to; one result
    /// per item, in order. Fails as a whole only when the caller is not
    /// authenticated.
    async fn publish(
        &self,
        metadata: &MetadataMap,
        items: Vec<IngestEvent>,
    ) -> Result<Vec<Result<PublishResponse, ItemError>>, ItemError> {
        let started = std::time::Instant::now();
        let kinds: Vec<&'static str> = items.iter().map(metrics::kind_name).collect();
        let refused = |forum: &str, err: ItemError| {
            for kind in &kinds {
                self.metrics.event(forum, kind, err.code());
            }
            Err(err)
        };
        // A place among all calls first, so even a flood of bad keys costs
        // no more than a refusal.
        let _call = match self.overload.admit_call() {
            Ok(permit) => permit,
            Err(err) => return refused(metrics::UNKNOWN_FORUM, err),
        };
        let forum = match self.tenants.authenticate(metadata) {
            Ok(forum) => forum,
            Err(err) => return refused(metrics::UNKNOWN_FORUM, err),
        };
        let _forum_call = match self.overload.admit_forum(&forum.id, items.len()) {
            Ok(permit) => permit,
            Err(err) => return refused(&forum.id, err),
        };
        let parent = trace::extract(metadata.iter().filter_map(|entry| match entry {
            tonic::metadata::KeyAndValueRef::Ascii(k, v) => Some((k.as_str(), v.to_str().ok()?)),
            tonic::metadata::KeyAndValueRef::Binary(..) => None,
        }));
        let now = self.clock.now();
        let mut results: Vec<Option<Result<PublishResponse, ItemError>>> = vec![None; items.len()];
        let mut pending = Vec::new();

        for (index, item) in items.into_iter().enumerate() {
            // The digest covers what the event says, not when the platform
            // stamped it: a retry that re-reads its clock is still a retry.
            let digest = content_digest(&item);
            let checked = match check(item, &forum, &self.limits, now, &self.epochs) {
                Ok(checked) => checked,
                Err(err) => {
                    results[index] = Some(Err(err));
                    continue;
                }
            };
            let key = idempotency::key(&forum.id, checked.kind, &checked.event.source_id);
            match self.store.claim(key, digest, Uuid::now_v7()) {
                Err(err) => results[index] = Some(Err(err)),
                Ok(Claim::AlreadyPublished { event_id }) => {
                    results[index] = Some(Ok(PublishResponse {
                        event_id: event_id.to_string(),
                        duplicate: true,
                    }));
                }
                Ok(Claim::Publish { event_id, guard }) => {
                    let mut event = checked.event;
                    event.event_id = event_id.to_string();
                    event.received_at = Some(convert::timestamp(now));
                    let span = trace::start_span(
                        "modstream-gateway",
                        "ingest.publish",
                        SpanKind::Producer,
                        &parent,
                        vec![
                            KeyValue::new("modstream.forum_id", forum.id.clone()),
                            KeyValue::new("modstream.event_kind", checked.kind),
                            KeyValue::new("modstream.event_id", event.event_id.clone()),
                        ],
                    );
                    tracing::debug!(
                        event_id = %event.event_id,
                        forum_id = %forum.id,
                        kind = checked.kind,
                        trace_id = %trace::trace_id(&span),
                        "publishing"
                    );
                    let mut record = Record::new(checked.partition_key, event.encode_to_vec())
                        .with_header(EVENT_ID_HEADER, event.event_id.clone());
                    for (name, value) in trace::inject(&span) {
                        record = record.with_header(name, value);
                    }
                    pending.push(Pending {
                        index,
                        event_id,
                        digest,
                        guard,
                        record,
                        bump: checked.bump,
                    });
                }
            }
        }

        if !pending.is_empty() {
            self.write(&mut pending, &mut results).await;
        }
        let results: Vec<_> = results
            .into_iter()
            .map(|r| r.expect("every item has a result"))
            .collect();
        for (result, kind) in results.iter().zip(kinds) {
            let code = match result {
                Ok(_) => tonic::Code::Ok,
                Err(err) => err.code(),
            };
            self.metrics.event(&forum.id, kind, code);
        }
        self.metrics.answered(&forum.id, started.elapsed());
        Ok(results)
    }

    /// Syncs the claims, writes the records, records the confirmations.
    async fn write(
        &self,
        pending: &mut Vec<Pending<'_>>,
        results: &mut [Option<Result<PublishResponse, ItemError>>],
    ) {
        if let Err(err) = self.store.sync().await {
            for p in pending.drain(..) {
                results[p.index] = Some(Err(err.clone().into()));
            }
            return;
        }
        let records = pending
            .iter_mut()
            .map(|p| std::mem::take(&mut p.record))
            .collect();
        let delivered = self.bus.publish_batch(FORUM_EVENTS, records).await;
        let mut any_published = false;
        for (p, outcome) in pending.drain(..).zip(delivered) {
            results[p.index] = Some(match outcome {
                Ok(_) => {
                    if let Err(err) = self.store.mark_published(
                        &p.guard.key,
                        p.event_id,
                        &p.digest,
                        p.bump.as_ref().map(|bump| (&self.epochs, bump)),
                    ) {
                        // The event is on the bus; a retry would publish it
                        // again under the same id, which consumers drop. (An
                        // erasure's epoch moves on with that retry.)
                        tracing::warn!(error = %err, event_id = %p.event_id, "could not record publication");
                    }
                    any_published = true;
                    Ok(PublishResponse {
                        event_id: p.event_id.to_string(),
                        duplicate: false,
                    })
                }
                Err(err) => {
                    tracing::warn!(error = %err, event_id = %p.event_id, "bus write failed");
                    Err(err.into())
                }
            });
        }
        if any_published && let Err(err) = self.store.sync().await {
            tracing::warn!(error = %err, "could not sync publication marks");
        }
    }

    async fn publish_one(
        &self,
        metadata: MetadataMap,
        item: IngestEvent,
    ) -> Result<Response<PublishResponse>, Status> {
        let mut results = self.publish(&metadata, vec![item]).await?;
        Ok(Response::new(results.pop().expect("one result")?))
    }
}

fn content_digest(item: &IngestEvent) -> [u8; 32] {
    let content = IngestEvent {
        header: None,
        kind: item.kind.clone(),
    };
    Sha256::digest(content.encode_to_vec()).into()
}

fn single(
    header: Option<v1::EventHeader>,
    kind: Option<Kind>,
    field: &str,
) -> Result<IngestEvent, Status> {
    match kind {
        Some(kind) => Ok(IngestEvent {
            header,
            kind: Some(kind),
        }),
        None => Err(ItemError::invalid(field, "required").into()),
    }
}

#[tonic::async_trait]
impl v1::ingest_server::Ingest for Ingest {
    async fn publish_post(
        &self,
        request: Request<PublishPostRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.publish_one(metadata, single(r.header, r.post.map(Kind::Post), "post")?)
            .await
    }

    async fn publish_reply(
        &self,
        request: Request<PublishReplyRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.publish_one(
            metadata,
            single(r.header, r.reply.map(Kind::Reply), "reply")?,
        )
        .await
    }

    async fn publish_edit(
        &self,
        request: Request<PublishEditRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.publish_one(metadata, single(r.header, r.edit.map(Kind::Edit), "edit")?)
            .await
    }

    async fn publish_moderation_action(
        &self,
        request: Request<PublishModerationActionRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.publish_one(
            metadata,
            single(r.header, r.action.map(Kind::ModerationAction), "action")?,
        )
        .await
    }

    async fn publish_member_report(
        &self,
        request: Request<PublishMemberReportRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.publish_one(
            metadata,
            single(r.header, r.report.map(Kind::MemberReport), "report")?,
        )
        .await
    }

    async fn erase_member(
        &self,
        request: Request<EraseMemberRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.publish_one(
            metadata,
            single(r.header, r.erasure.map(Kind::Erasure), "erasure")?,
        )
        .await
    }

    async fn publish_batch(
        &self,
        request: Request<PublishBatchRequest>,
    ) -> Result<Response<PublishBatchResponse>, Status> {
        let (metadata, _, r) = request.into_parts();
        if r.events.len() > self.max_batch_events {
            return Err(ItemError::invalid(
                "events",
                format!(
                    "{} events in one call; at most {} are accepted",
                    r.events.len(),
                    self.max_batch_events
                ),
            )
            .into());
        }
        let results = self
            .publish(&metadata, r.events)
            .await?
            .into_iter()
            .map(|result| ItemResult {
                outcome: Some(match result {
                    Ok(published) => Outcome::Published(published),
                    Err(err) => Outcome::Error((&err).into()),
                }),
            })
            .collect();
        Ok(Response::new(PublishBatchResponse { results }))
    }
}

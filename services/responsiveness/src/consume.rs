//! The consumer: applies forum events to the store, in order, and commits
//! each offset only after the event's effect is durable.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use modstream_bus::{Message, Subscription};
use modstream_proto::v1::Event;
use modstream_telemetry::trace;
use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;
use prost::Message as _;
use tokio::sync::watch;

use crate::alerts::{AlertError, Alerts};
use crate::metrics::Metrics;
use crate::store::Store;

/// Runs until `stop` changes, then closes the subscription (committing what
/// was applied). `caught_up` is true while nothing is waiting to be applied.
pub async fn run(
    mut subscription: Subscription,
    store: Arc<Store>,
    alerts: Arc<Alerts>,
    metrics: Arc<Metrics>,
    caught_up: Arc<AtomicBool>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        // A read that has to wait means every event so far is applied: the
        // state is current, and alerts may be raised from it.
        let message = match tokio::time::timeout(Duration::ZERO, subscription.next()).await {
            Ok(message) => message,
            Err(_) => {
                caught_up.store(true, Ordering::Release);
                tokio::select! {
                    _ = stop.changed() => break,
                    message = subscription.next() => message,
                }
            }
        };
        if message.is_ok() {
            caught_up.store(false, Ordering::Release);
        }
        match message {
            Ok(message) => {
                if let Err(err) = apply(&store, &alerts, &metrics, &message).await {
                    // Not committed: it is delivered again after a restart.
                    tracing::error!(error = %err, "cannot apply an event; stopping the consumer");
                    break;
                }
                if let Err(err) = subscription.commit(&message) {
                    tracing::warn!(error = %err, "cannot commit an offset; the event may be applied again");
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "bus read failed; retrying");
                tokio::select! {
                    _ = stop.changed() => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
    if let Err(err) = subscription.close().await {
        tracing::warn!(error = %err, "closing the subscription");
    }
}

async fn apply(
    store: &Store,
    alerts: &Alerts,
    metrics: &Metrics,
    message: &Message,
) -> Result<(), AlertError> {
    let event = match Event::decode(message.payload.as_slice()) {
        Ok(event) => event,
        Err(err) => {
            // A record nobody can read must not stop every forum's figures.
            tracing::error!(
                topic = %message.topic, partition = message.partition, offset = message.offset,
                error = %err, "skipping an undecodable event"
            );
            return Ok(());
        }
    };
    let headers = message
        .headers
        .iter()
        .filter_map(|h| Some((h.name.as_str(), std::str::from_utf8(&h.value).ok()?)));
    let parent = trace::extract(headers);
    let span = trace::start_span(
        "modstream-responsiveness",
        "responsiveness.apply",
        SpanKind::Consumer,
        &parent,
        vec![
            KeyValue::new("modstream.forum_id", event.forum_id.clone()),
            KeyValue::new("modstream.event_id", event.event_id.clone()),
        ],
    );
    tracing::debug!(event_id = %event.event_id, forum_id = %event.forum_id, trace_id = %trace::trace_id(&span), "applying");
    if let Some(applied) = store.apply(&event)? {
        let after = applied.thread.measures();
        if let (None, Some(ttfr), Some(post)) = (
            applied.before.first_reply,
            after.ttfr_ms(),
            &applied.thread.post,
        ) {
            let by_peer = after.first_reply.is_some_and(|r| r.by_peer);
            metrics.first_reply(&event.forum_id, &post.board_id, ttfr, by_peer);
        }
        alerts
            .thread_changed(&event.forum_id, &applied.thread_id, &applied.thread)
            .await?;
    }
    // Durable before the offset is committed: a crash can replay an event,
    // never lose one.
    store.flush().await?;
    Ok(())
}

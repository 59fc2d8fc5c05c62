//! The consumer: every forum event goes through the desk, and its offset is
//! committed only once what it caused is on disk.

use std::sync::Arc;
use std::time::Duration;

use modstream_bus::{Message, Subscription};
use modstream_proto::v1::Event;
use modstream_telemetry::trace;
use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;
use prost::Message as _;
use tokio::sync::watch;

use crate::desk::{Desk, DeskError};

/// Runs until `stop` changes, then closes the subscription (committing what
/// was applied).
pub async fn run(mut subscription: Subscription, desk: Arc<Desk>, mut stop: watch::Receiver<bool>) {
    loop {
        let message = tokio::select! {
            _ = stop.changed() => break,
            message = subscription.next() => message,
        };
        match message {
            Ok(message) => {
                if let Err(err) = apply(&desk, &message).await {
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

async fn apply(desk: &Desk, message: &Message) -> Result<(), DeskError> {
    let event = match Event::decode(message.payload.as_slice()) {
        Ok(event) => event,
        Err(err) => {
            // A record nobody can read must not stop every forum's escalations.
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
        "modstream-safeguarding",
        "safeguarding.assess",
        SpanKind::Consumer,
        &parent,
        vec![
            KeyValue::new("modstream.forum_id", event.forum_id.clone()),
            KeyValue::new("modstream.event_id", event.event_id.clone()),
        ],
    );
    tracing::debug!(event_id = %event.event_id, forum_id = %event.forum_id, trace_id = %trace::trace_id(&span), "assessing");
    let traceparent = trace::traceparent(&span);
    desk.apply_traced_event(&event, &traceparent).await
}

//! Writes what the desk queued (escalation lifecycle events, forum actions)
//! to the bus, in order, and forgets each record only once the bus
//! confirmed it. A crash between the two writes it again with the same
//! change or action id, which readers drop.

use std::sync::Arc;
use std::time::Duration;

use modstream_bus::{Bus, Record};
use tokio::sync::{Notify, watch};

use crate::store::Store;

const BATCH: usize = 256;

/// Publishes everything queued; returns how many records went out. Stops at
/// the first failure so that records of one key keep their order.
pub async fn drain(store: &Store, bus: &Bus) -> Result<usize, String> {
    let mut sent = 0;
    loop {
        let queued = store.outbox(BATCH).map_err(|e| e.to_string())?;
        if queued.is_empty() {
            return Ok(sent);
        }
        // Consecutive records of one topic go in one batch.
        let mut start = 0;
        while start < queued.len() {
            let topic = queued[start].1.topic.clone();
            let end = queued[start..]
                .iter()
                .position(|(_, r)| r.topic != topic)
                .map_or(queued.len(), |n| start + n);
            let records = queued[start..end]
                .iter()
                .map(|(_, r)| {
                    let mut record = Record::new(r.key.clone(), r.payload.clone());
                    for pair in r.headers.chunks(2) {
                        if let [name, value] = pair {
                            record = record.with_header(name.clone(), value.clone());
                        }
                    }
                    record
                })
                .collect();
            let results = bus.publish_batch(&topic, records).await;
            let confirmed = results.iter().take_while(|r| r.is_ok()).count();
            let done: Vec<u64> = queued[start..start + confirmed]
                .iter()
                .map(|(seq, _)| *seq)
                .collect();
            store.outbox_done(&done).map_err(|e| e.to_string())?;
            sent += confirmed;
            if let Some(Err(err)) = results.into_iter().find(|r| r.is_err()) {
                return Err(err.to_string());
            }
            start = end;
        }
    }
}

/// Drains the outbox whenever `ready` is notified (and once at start, for
/// what a previous run left), until `stop`; then a last drain.
pub async fn run(store: Arc<Store>, bus: Bus, ready: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(err) = drain(&store, &bus).await {
            tracing::warn!(error = %err, "cannot write escalation events to the bus yet; retrying");
            tokio::select! {
                _ = stop.changed() => break,
                () = tokio::time::sleep(Duration::from_secs(1)) => continue,
            }
        }
        tokio::select! {
            _ = stop.changed() => break,
            () = ready.notified() => {}
        }
    }
    // What is still queued stays on disk and goes out on the next start.
    if let Err(err) = tokio::time::timeout(Duration::from_secs(5), drain(&store, &bus))
        .await
        .unwrap_or_else(|_| Err("timed out".into()))
    {
        tracing::warn!(error = %err, "escalation events left queued for the next start");
    }
}

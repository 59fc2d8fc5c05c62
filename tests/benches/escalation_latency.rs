//! Publish -> escalation on a connected moderator's stream, end to end:
//! a gRPC publish at the gateway, through the bus, the safeguarding
//! consumer and its desk, to the moderator's server stream. On the embedded
//! log always, and on Kafka when `TANSU_BIN` names a Tansu broker.
//!
//! `cargo bench -p modstream-tests --bench escalation_latency`
//!
//! Posts are published one at a time (each waits for its escalation), so the
//! figures are latency without load; every escalation is resolved at once so
//! the crisis cap never holds one back.

use std::time::{Duration, Instant};

use modstream_proto::v1::{
    EscalationNotice, NoticeKind, Outcome, PublishPostRequest, ResolveRequest,
    StreamEscalationsRequest, moderation_client::ModerationClient,
};
use modstream_tests::{ALPHA, ALPHA_KEY, ANA_TOKEN, System, authorized, header, post};

const POSTS: usize = 200;
const CRISIS: &str = "I have taken an overdose. Goodbye everyone, I am so sorry.";

async fn measure(mut system: System, name: &str) {
    system.start_safeguarding().await;
    let address = system.safeguarding.as_ref().unwrap().address;
    let mut moderation = loop {
        match ModerationClient::connect(format!("http://{address}")).await {
            Ok(client) => break client,
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let mut stream = moderation
        .stream_escalations(authorized(
            StreamEscalationsRequest { after_sequence: 0 },
            ANA_TOKEN,
        ))
        .await
        .unwrap()
        .into_inner();
    let mut ingest = system.client().await;
    let mut latencies = Vec::with_capacity(POSTS);
    for n in 0..POSTS {
        let thread = format!("bench-{n}");
        let started = Instant::now();
        ingest
            .publish_post(authorized(
                PublishPostRequest {
                    header: header(ALPHA, &thread),
                    post: Some(post(&thread, "bench-member", CRISIS)),
                },
                ALPHA_KEY,
            ))
            .await
            .unwrap();
        let escalation = loop {
            let notice: EscalationNotice = stream.message().await.unwrap().unwrap();
            let e = notice.escalation.unwrap();
            if notice.kind == NoticeKind::Assigned as i32 && e.thread_id == thread {
                break e;
            }
        };
        latencies.push(started.elapsed());
        moderation
            .resolve(authorized(
                ResolveRequest {
                    escalation_id: escalation.escalation_id,
                    outcome: Outcome::Signposted as i32,
                    note: String::new(),
                },
                ANA_TOKEN,
            ))
            .await
            .unwrap();
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{name:<9} posts {POSTS}  p50 {:>7.1?}  p90 {:>7.1?}  p99 {:>7.1?}  max {:>7.1?}",
        at(0.50),
        at(0.90),
        at(0.99),
        latencies[latencies.len() - 1]
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!("publish -> escalation on a connected moderator's stream");
        measure(System::embedded().await, "embedded").await;
        if std::env::var_os("TANSU_BIN").is_some() {
            measure(System::kafka().await, "kafka").await;
        } else {
            println!("kafka     skipped: set TANSU_BIN to a Tansu broker binary");
        }
    });
}
